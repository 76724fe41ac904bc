"""The secretary's roster and session commands beyond the basics: ``member import|edit|deactivate|activate`` and
``session edit|cancel|excuse|make-up``. Registered into the ``member`` and ``session`` groups by their modules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from campaign import roster
from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.i18n import t
from campaign.roster_import import (
    ImportPreview,
    ImportRefused,
    apply_import,
    preview_import,
    preview_notes,
    problem_lines,
)
from storage.records import Attendance, Role

from .common import EXIT_REFUSED, add_json, emit, one_line, with_campaign


def register_member_admin(member: Any) -> None:
    p = member.add_parser("import", help=t("import.cli_import"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--apply", action="store_true", help=t("import.cli_apply"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_member_import))
    p = member.add_parser("edit", help=t("admin.cli_member_edit"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name", default=None, metavar="NAME")
    p.add_argument("--school", default=None, metavar="SCHOOL")
    p.add_argument("--role", choices=[r.value for r in Role], default=None)
    add_json(p)
    p.set_defaults(handler=with_campaign(_member_edit))
    for action, active in (("deactivate", False), ("activate", True)):
        p = member.add_parser(action, help=t(f"admin.cli_member_{action}"))
        p.add_argument("code", metavar="CODE")
        add_json(p)
        p.set_defaults(handler=with_campaign(_member_set_active), active=active)


def register_session_admin(session: Any) -> None:
    p = session.add_parser("edit", help=t("admin.cli_session_edit"))
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--title", default=None, metavar="TITLE")
    p.add_argument("--start", default=None, metavar='"YYYY-MM-DD HH:MM"')
    p.add_argument("--end", default=None, metavar='"YYYY-MM-DD HH:MM"')
    p.add_argument("--place", default=None, metavar="P")
    p.add_argument("--topic", default=None, metavar="T")
    add_json(p)
    p.set_defaults(handler=with_campaign(_session_edit))
    p = session.add_parser("cancel", help=t("admin.cli_session_cancel"))
    p.add_argument("id", type=int, metavar="ID")
    add_json(p)
    p.set_defaults(handler=with_campaign(_session_cancel))
    for action in ("excuse", "make-up"):
        p = session.add_parser(action, help=t(f"admin.cli_session_{action.replace('-', '_')}"))
        p.add_argument("id", type=int, metavar="ID")
        p.add_argument("--member", required=True, metavar="CODE")
        p.add_argument("--reason", required=True, metavar="R")
        add_json(p)
        p.set_defaults(handler=with_campaign(_session_record), record=action)


def preview_json(preview: ImportPreview, *, applied: bool) -> dict[str, Any]:
    return {
        "file": preview.file,
        "encoding": preview.encoding,
        "rows": preview.rows,
        "ok": preview.ok,
        "applied": applied,
        "members": [{"code": m.code, "name": m.name, "school": m.school, "role": str(m.role)} for m in preview.members],
        "problems": [{"row": p.row, "key": p.key, "message": p.message()} for p in preview.problems],
        "ignored": [{"row": i.row, "kind": i.kind, "text": i.text} for i in preview.ignored],
        "blank_rows": preview.blank_rows,
        "new_schools": list(preview.new_schools),
        "without_pin": list(preview.without_pin),
    }


def _refused_import(args: argparse.Namespace, preview: ImportPreview) -> int:
    summary = t("import.preview_bad", file=preview.file, encoding=preview.encoding or "?", count=len(preview.problems))
    if getattr(args, "json", False):
        error = {"code": "import.refused", "message": summary}
        emit(args, {"error": error, **preview_json(preview, applied=False)}, "")
    print(one_line("; ".join([summary, *problem_lines(preview.problems)])), file=sys.stderr)
    return EXIT_REFUSED


def _member_import(c: Campaign, args: argparse.Namespace) -> int:
    if args.apply:
        try:
            preview = apply_import(c, args.file)
        except ImportRefused as refused:
            return _refused_import(args, refused.preview)
        return emit(
            args,
            preview_json(preview, applied=True),
            t("import.applied", count=len(preview.members), file=preview.file),
        )
    preview = preview_import(c, args.file)
    if not preview.ok:
        return _refused_import(args, preview)
    human = [t("import.preview_ok", file=preview.file, encoding=preview.encoding, count=len(preview.members))]
    human += preview_notes(preview)
    human += [f"{m.code}\t{m.name}\t{m.school}\t{t('cli.role_' + str(m.role))}" for m in preview.members]
    human.append(t("import.apply_hint"))
    return emit(args, preview_json(preview, applied=False), "\n".join(human))


def _member_json(m: Any) -> dict[str, Any]:
    return {"code": m.code, "name": m.name, "school": m.school, "role": str(m.role), "active": m.active}


def _member_edit(c: Campaign, args: argparse.Namespace) -> int:
    role = Role(args.role) if args.role else None
    m = roster.edit_member(c, args.code, name=args.name, school=args.school, role=role)
    return emit(args, _member_json(m), t("admin.cli_member_edited", code=m.code, name=m.name))


def _member_set_active(c: Campaign, args: argparse.Namespace) -> int:
    m = roster.edit_member(c, args.code, active=args.active)
    key = "admin.member_reactivated" if args.active else "admin.member_deactivated"
    return emit(args, _member_json(m), t(key, code=m.code, name=m.name))


def _session_edit(c: Campaign, args: argparse.Namespace) -> int:
    s = ss.edit_session(
        c,
        args.id,
        title=args.title,
        start=ss.parse_local(c, args.start) if args.start else None,
        end=ss.parse_local(c, args.end) if args.end else None,
        place=args.place,
        topic=args.topic,
    )
    return emit(args, {"id": s.id, "title": s.title}, t("admin.cli_session_edited", id=s.id))


def _session_cancel(c: Campaign, args: argparse.Namespace) -> int:
    s = ss.cancel_session(c, args.id)
    return emit(args, {"id": s.id, "state": "cancelled"}, t("admin.cli_session_cancelled", id=s.id))


def _session_record(c: Campaign, args: argparse.Namespace) -> int:
    record: Attendance = (ss.excuse if args.record == "excuse" else ss.make_up)(c, args.id, args.member, args.reason)
    doc = {
        "session": record.session_id,
        "member": record.member,
        "status": str(record.status),
        "at": record.at.astimezone(c.tz).isoformat(),
        "reason": record.reason,
    }
    status = t(f"cli.status_{record.status}")
    return emit(args, doc, t("admin.cli_attendance_recorded", id=record.session_id, code=record.member, status=status))
