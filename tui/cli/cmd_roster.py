"""``chuangyou school ...`` and ``chuangyou member ...``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from campaign import roster
from campaign.context import Campaign
from campaign.exports import export_path
from campaign.i18n import t
from storage.records import Role

from .common import add_json, emit, with_campaign
from .scripts import read_secret
from .secretary import register_member_admin


def register(sub: Any) -> None:
    school = sub.add_parser("school", help=t("cli.school")).add_subparsers(dest="action", required=True)
    p = school.add_parser("add", help=t("cli.school_add"))
    p.add_argument("name", metavar="NAME")
    add_json(p)
    p.set_defaults(handler=with_campaign(_school_add))
    p = school.add_parser("list", help=t("cli.school_list"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_school_list))

    member = sub.add_parser("member", help=t("cli.member")).add_subparsers(dest="action", required=True)
    p = member.add_parser("add", help=t("cli.member_add"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--school", required=True, metavar="SCHOOL")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.MEMBER.value)
    p.add_argument("--pin", metavar="PIN", default=None, help=t("scripts.opt_pin_add"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_member_add))
    p = member.add_parser("list", help=t("cli.member_list"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_member_list))
    p = member.add_parser("set-pin", help=t("cli.member_set_pin"), description=t("scripts.set_pin_description"))
    p.add_argument("code", metavar="CODE")
    add_json(p)
    p.set_defaults(handler=with_campaign(_member_set_pin))
    p = member.add_parser("badges", help=t("printing.cli_badges"))
    p.add_argument("--codes", nargs="+", metavar="CODE", default=None, help=t("printing.cli_codes"))
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=t("printing.cli_out"))
    p.add_argument("--print", dest="send_to_printer", action="store_true", help=t("printing.cli_print"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_member_badges))
    register_member_admin(member)


def _school_add(c: Campaign, args: argparse.Namespace) -> int:
    school = roster.add_school(c, args.name)
    return emit(args, {"name": school.name}, t("cli.school_added", name=school.name))


def _school_list(c: Campaign, args: argparse.Namespace) -> int:
    schools = sorted(c.repos.schools.all(), key=lambda s: s.name)
    counts: dict[str, int] = {}
    for m in c.repos.members.all():
        counts[m.school] = counts.get(m.school, 0) + 1
    doc = {"schools": [{"name": s.name, "members": counts.get(s.name, 0)} for s in schools]}
    return emit(args, doc, "\n".join(s.name for s in schools))


def member_json(m: Any) -> dict[str, Any]:
    return {"code": m.code, "name": m.name, "school": m.school, "role": str(m.role), "active": m.active}


def _member_add(c: Campaign, args: argparse.Namespace) -> int:
    pin = read_secret("scripts.pin_prompt", confirm_key="scripts.pin_again") if args.pin == "-" else args.pin
    m = roster.add_member(c, args.code, args.name, args.school, role=Role(args.role), pin=pin)
    return emit(args, member_json(m), t("cli.member_added", code=m.code, name=m.name))


def _member_list(c: Campaign, args: argparse.Namespace) -> int:
    members = roster.list_members(c)
    lines = [f"{m.code}\t{m.name}\t{m.school}\t{t('cli.role_' + str(m.role))}" for m in members]
    return emit(args, {"members": [member_json(m) for m in members]}, "\n".join(lines))


def _member_set_pin(c: Campaign, args: argparse.Namespace) -> int:
    member = roster.get_member(c, args.code)  # an unknown code is refused before the PIN is asked
    roster.set_pin(c, member.code, read_secret("scripts.pin_prompt", confirm_key="scripts.pin_again"))
    return emit(args, {"code": member.code, "pin_set": True}, t("cli.pin_set", code=member.code))


def _member_badges(c: Campaign, args: argparse.Namespace) -> int:
    # Imported lazily: reportlab and the QR renderer are only loaded when a sheet is drawn.
    from campaign.printing.badges import PER_PAGE, badge_members, write_badge_sheet
    from campaign.printing.pdf import pages_for
    from campaign.printing.printer import print_pdf

    count = len(badge_members(c, args.codes))
    path = write_badge_sheet(c, export_path(c, args.out), args.codes)
    pages = pages_for(count, PER_PAGE)
    doc: dict[str, Any] = {"path": str(path), "badges": count, "pages": pages, "printed": None}
    lines = [t("printing.badges_written", count=count, pages=pages, path=path)]
    if args.send_to_printer:
        doc["printed"] = print_pdf(path)
        lines.append(t("printing.printed", detail=doc["printed"]))
    return emit(args, doc, "\n".join(lines))
