"""``chuangyou session ...`` and ``chuangyou signin``."""

from __future__ import annotations

import argparse
from typing import Any

from campaign import session_series as series
from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.signin import sign_in
from storage.records import SignInMethod, StudySession

from .common import add_json, emit, with_campaign
from .scripts import read_secret
from .secretary import register_session_admin


def register(sub: Any) -> None:
    session = sub.add_parser("session", help=t("cli.session")).add_subparsers(dest="action", required=True)
    p = session.add_parser("create", help=t("cli.session_create"))
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--start", required=True, metavar='"YYYY-MM-DD HH:MM"')
    p.add_argument("--end", required=True, metavar='"YYYY-MM-DD HH:MM"')
    p.add_argument("--place", default="", metavar="P")
    p.add_argument("--topic", default="", metavar="T")
    p.add_argument("--kind", default="", choices=["", *series.KINDS], metavar="KIND", help=t("attendance.cli_kind"))
    p.add_argument("--repeat", default="", choices=["", *series.REPEATS], metavar="R", help=t("attendance.cli_repeat"))
    p.add_argument("--count", type=int, default=1, metavar="N", help=t("attendance.cli_count"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_create))
    for action, func in (("open", _open), ("close", _close)):
        p = session.add_parser(action, help=t(f"cli.session_{action}"))
        p.add_argument("id", type=int, metavar="ID")
        if action == "close":
            p.add_argument("--yes", action="store_true", help=t("attendance.cli_yes"))
        add_json(p)
        p.set_defaults(handler=with_campaign(func))
    register_session_admin(session)
    p = session.add_parser("list", help=t("cli.session_list"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_list))
    p = session.add_parser("show", help=t("cli.session_show"))
    p.add_argument("id", type=int, metavar="ID")
    add_json(p)
    p.set_defaults(handler=with_campaign(_show))

    p = sub.add_parser(
        "signin",
        help=t("cli.signin"),
        description=t("scripts.signin_description"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--session", type=int, required=True, metavar="ID")
    p.add_argument("--member", required=True, metavar="CODE")
    p.add_argument("--pin", default=None, metavar="PIN", help=t("scripts.opt_pin_signin"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_signin))


def session_json(c: Campaign, s: StudySession) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "topic": s.topic,
        "place": s.place,
        "start": s.start.astimezone(c.tz).isoformat(),
        "end": s.end.astimezone(c.tz).isoformat(),
        "state": str(ss.state_of(s, c.now())),
        "kind": s.kind,
    }


def _create(c: Campaign, args: argparse.Namespace) -> int:
    created = series.create_series(
        c,
        args.title,
        ss.parse_local(c, args.start),
        ss.parse_local(c, args.end),
        place=args.place,
        topic=args.topic,
        kind=args.kind,
        repeat=args.repeat,
        count=args.count if args.repeat else 1,
    )
    s = created[0]
    if len(created) == 1:
        return emit(args, session_json(c, s), t("cli.session_created", id=s.id, title=s.title))
    # The first session's shape (with its "id"), plus every session of the schedule.
    doc = {**session_json(c, s), "sessions": [session_json(c, x) for x in created]}
    ids = ", ".join(str(x.id) for x in created)
    return emit(args, doc, t("attendance.series_created", count=len(created), ids=ids))


def _open(c: Campaign, args: argparse.Namespace) -> int:
    s = ss.open_now(c, args.id)
    return emit(args, session_json(c, s), t("cli.session_opened", id=s.id))


def _close(c: Campaign, args: argparse.Namespace) -> int:
    plan = ss.close_plan(c, args.id)
    if plan.before_start and not args.yes:
        start = f"{plan.session.start.astimezone(c.tz):%Y-%m-%d %H:%M}"
        raise Refused("attendance.cli_needs_yes", id=args.id, start=start, recorded=plan.recorded)
    absent = ss.close_session(c, args.id, confirmed=plan.before_start)
    s = ss.get_session(c, args.id)
    doc = {**session_json(c, s), "absent": [a.member for a in absent]}
    return emit(args, doc, t("cli.session_closed", id=s.id, absent=len(absent)))


def _list(c: Campaign, args: argparse.Namespace) -> int:
    sessions = ss.list_sessions(c)
    lines = [
        f"{s.id}\t{s.start.astimezone(c.tz):%Y-%m-%d %H:%M}\t{t('sessions.state_' + str(ss.state_of(s, c.now())))}"
        f"\t{s.title}"
        for s in sessions
    ]
    return emit(args, {"sessions": [session_json(c, s) for s in sessions]}, "\n".join(lines))


def _show(c: Campaign, args: argparse.Namespace) -> int:
    roll = ss.roll_call(c, args.id)
    names = {m.code: m.name for m in c.repos.members.all()}
    rows = [
        {
            "member": a.member,
            "name": names.get(a.member, ""),
            "status": str(a.status),
            "at": a.at.astimezone(c.tz).isoformat(),
            "how": str(a.how),
            "reason": a.reason,
        }
        for a in sorted(roll.records.values(), key=lambda a: (a.at, a.member))
    ]
    doc = {**session_json(c, roll.session), "attendance": rows, "missing": roll.missing}
    human = [f"{roll.session.id} {roll.session.title} — {t('sessions.state_' + str(roll.state))}"]
    human += [f"{r['member']}\t{r['name']}\t{t('cli.status_' + str(r['status']))}\t{str(r['at'])[11:16]}" for r in rows]
    human += [f"{code}\t{names.get(code, '')}\t{t('cli.status_missing')}" for code in roll.missing]
    return emit(args, doc, "\n".join(human))


def _signin(c: Campaign, args: argparse.Namespace) -> int:
    pin = read_secret("scripts.pin_prompt") if args.pin == "-" else args.pin
    try:
        result = sign_in(c, args.session, args.member, pin, how=SignInMethod.SCRIPT)
    except Refused as exc:
        if exc.key != "signin.already":
            raise
        return _already(c, args, exc)
    a = result.attendance
    doc = {
        "member": a.member,
        "name": result.member.name,
        "session": a.session_id,
        "status": str(a.status),
        "at": a.at.astimezone(c.tz).isoformat(),
        "minutes_late": a.minutes_late,
        "already": False,
    }
    human = t("signin.late", minutes=a.minutes_late) if result.late else t("signin.on_time")
    return emit(args, doc, f"{result.member.name}: {human}")


def _already(c: Campaign, args: argparse.Namespace, exc: Refused) -> int:
    """A re-scan of someone already signed in: not a failure (exit 0, ``"already": true``), see README."""
    member = c.repos.members.get(args.member.strip())
    record = c.repos.attendance.get(args.session, member.code) if member else None
    if member is None or record is None:
        raise exc
    doc = {
        "member": record.member,
        "name": member.name,
        "session": record.session_id,
        "status": str(record.status),
        "at": record.at.astimezone(c.tz).isoformat(),
        "minutes_late": record.minutes_late,
        "already": True,
    }
    return emit(args, doc, exc.message())
