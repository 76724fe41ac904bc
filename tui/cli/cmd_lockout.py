"""``chuangyou lockout list|clear``: the waits after wrong PINs or passphrases, and the secretary clearing them."""

from __future__ import annotations

import argparse
from typing import Any

from campaign import lockout
from campaign.context import Campaign
from campaign.i18n import t

from .common import add_json, emit, with_campaign


def register(sub: Any) -> None:
    group = sub.add_parser("lockout", help=t("lockout.cli_group"), description=t("lockout.cli_group"))
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help=t("lockout.cli_list"), description=t("lockout.cli_list"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_list))
    p = actions.add_parser("clear", help=t("lockout.cli_clear"), description=t("lockout.cli_clear"))
    p.add_argument("subjects", nargs="*", metavar="SUBJECT", help=t("lockout.cli_subjects"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_clear))


def _list(c: Campaign, args: argparse.Namespace) -> int:
    locks = lockout.active(c)
    now = c.now()
    rows: list[dict[str, Any]] = []
    lines: list[str] = []
    for s in locks:
        until = s.until if s.until and s.until > now else None
        rows.append({"subject": s.subject, "failures": s.failures, "until": until})
        wait = t("lockout.row_until", until=f"{until.astimezone(c.tz):%Y-%m-%d %H:%M:%S}") if until else None
        lines.append(t("lockout.row", subject=s.subject, failures=s.failures, until=wait or t("lockout.row_free")))
    return emit(args, {"lockouts": rows}, "\n".join(lines) or t("lockout.none"))


def _clear(c: Campaign, args: argparse.Namespace) -> int:
    cleared = lockout.clear_by_secretary(c, args.subjects or None)
    human = t("lockout.cleared", count=len(cleared), subjects=", ".join(cleared))
    if not cleared:
        human = t("lockout.cleared_none")
    return emit(args, {"cleared": cleared}, human)
