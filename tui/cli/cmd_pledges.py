"""``chuangyou pledge ...``: every pledge step for scripts and the secretary (who acts for members from the CLI).

Every step goes through :mod:`campaign.pledges` (the state machine, history, audit). A refused step exits 1 with
one line on stderr; with ``--json`` it also prints ``{"error": {"code", "message"}}`` on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from campaign import pledge_queries as q
from campaign import pledges as pl
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.pledge_export import export_pledges
from campaign.pledge_ratings import close_window, current_window, open_window, peer_tally
from campaign.pledges import SECRETARY
from storage.errors import StoreError
from storage.records import Pledge, PledgeCategory, PledgeGrade, PledgeState

from .common import EXIT_REFUSED, Handler, add_json, emit, store_error_message, with_campaign


def register(sub: Any) -> None:
    pledge = sub.add_parser("pledge", help=t("cli_pledges.pledge")).add_subparsers(dest="action", required=True)

    p = pledge.add_parser("add", help=t("cli_pledges.add"))
    p.add_argument("member", metavar="CODE", help=t("cli_pledges.member"))
    p.add_argument("--category", required=True, choices=[str(x) for x in PledgeCategory], help=t("cli_pledges.cat"))
    p.add_argument("--text", required=True, metavar="T", help=t("cli_pledges.text"))
    p.add_argument("--target", required=True, metavar="T", help=t("cli_pledges.target"))
    p.add_argument("--due", required=True, metavar="YYYY-MM-DD", help=t("cli_pledges.due"))
    _handler(p, _add)

    p = pledge.add_parser("edit", help=t("cli_pledges.edit"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--category", default=None, choices=[str(x) for x in PledgeCategory], help=t("cli_pledges.cat"))
    p.add_argument("--text", default=None, metavar="T", help=t("cli_pledges.text"))
    p.add_argument("--target", default=None, metavar="T", help=t("cli_pledges.target"))
    p.add_argument("--due", default=None, metavar="YYYY-MM-DD", help=t("cli_pledges.due"))
    _handler(p, _edit)

    for action, func in (("submit", _submit), ("publish", _publish)):
        p = pledge.add_parser(action, help=t(f"cli_pledges.{action}"))
        p.add_argument("id", metavar="ID")
        if action == "publish":
            p.add_argument("--comment", default="", metavar="C", help=t("cli_pledges.comment"))
        _handler(p, func)

    for action, option, step in (
        ("withdraw", "--reason", _withdraw),
        ("return", "--comment", _return),
        ("progress", "--note", _progress),
        ("fulfil", "--evidence", _fulfil),
        ("unkept", "--reason", _unkept),
    ):
        p = pledge.add_parser(action, help=t(f"cli_pledges.{action}"))
        p.add_argument("id", metavar="ID")
        help_text = t(f"cli_pledges.{action}_text")
        p.add_argument(option, dest="text", required=True, metavar=option[2].upper(), help=help_text)
        _handler(p, step)

    p = pledge.add_parser("evaluate", help=t("cli_pledges.evaluate"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--grade", required=True, choices=[str(g) for g in PledgeGrade], help=t("cli_pledges.grade"))
    p.add_argument("--comment", default="", metavar="C", help=t("cli_pledges.comment"))
    _handler(p, _evaluate)

    p = pledge.add_parser("correct", help=t("cli_pledges.correct"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--comment", required=True, metavar="C", help=t("cli_pledges.correct_text"))
    p.add_argument("--grade", default=None, choices=[str(g) for g in PledgeGrade], help=t("cli_pledges.grade"))
    p.add_argument("--reason", default=None, metavar="R", help=t("cli_pledges.unkept_text"))
    _handler(p, _correct)

    p = pledge.add_parser("list", help=t("cli_pledges.list"))
    p.add_argument("--member", default=None, metavar="CODE", help=t("cli_pledges.member"))
    p.add_argument("--state", default=None, choices=[str(s) for s in PledgeState], help=t("cli_pledges.state"))
    p.add_argument("--category", default=None, choices=[str(x) for x in PledgeCategory], help=t("cli_pledges.cat"))
    _handler(p, _list)

    p = pledge.add_parser("show", help=t("cli_pledges.show"))
    p.add_argument("id", metavar="ID")
    _handler(p, _show)

    p = pledge.add_parser("export", help=t("cli_pledges.export"))
    p.add_argument("--out", required=True, type=Path, metavar="FILE.csv|FILE.xlsx", help=t("cli_pledges.export_out"))
    p.add_argument("--member", default=None, metavar="CODE", help=t("cli_pledges.member"))
    p.add_argument("--state", default=None, choices=[str(s) for s in PledgeState], help=t("cli_pledges.state"))
    p.add_argument("--category", default=None, choices=[str(x) for x in PledgeCategory], help=t("cli_pledges.cat"))
    _handler(p, _export)

    p = pledge.add_parser("window", help=t("cli_pledges.window"))
    p.add_argument("move", choices=["open", "close", "status"], help=t("cli_pledges.window_move"))
    _handler(p, _window)


def _handler(p: argparse.ArgumentParser, func: Handler) -> None:
    add_json(p)
    p.set_defaults(handler=with_campaign(_json_refusals(func)))


def _json_refusals(func: Handler) -> Handler:
    """One JSON document on a refusal too (``--json``), beside the one stderr line."""

    def run(c: Campaign, args: argparse.Namespace) -> int:
        try:
            return func(c, args)
        except Refused as exc:
            return _refused(args, exc.key, exc.message())
        except StoreError as exc:
            return _refused(args, "store", store_error_message(exc))

    return run


def _refused(args: argparse.Namespace, code: str, message: str) -> int:
    line = " ".join(message.split())
    if getattr(args, "json", False):
        print(json.dumps({"error": {"code": code, "message": line}}, ensure_ascii=False))
    print(line, file=sys.stderr)
    return EXIT_REFUSED


def pledge_json(c: Campaign, p: Pledge, *, history: bool = False) -> dict[str, Any]:
    """A pledge as the CLI prints it (``--json``); ``history`` adds every event and the peer tally."""
    member = c.repos.members.get(p.member)
    doc: dict[str, Any] = {
        "id": p.id,
        "member": p.member,
        "name": member.name if member else "",
        "school": member.school if member else "",
        "category": str(p.category),
        "state": str(p.state),
        "due": p.due.isoformat(),
        "text": p.text,
        "target": p.target,
        "created": p.created.astimezone(c.tz).isoformat(),
        "updated": p.updated.astimezone(c.tz).isoformat() if p.updated else None,
        "published_at": p.published_at.astimezone(c.tz).isoformat() if p.published_at else None,
        "progress": [{"day": e.get("day", ""), "note": e.get("note", "")} for e in p.progress],
        "evidence": p.evidence,
        "self_grade": str(p.self_grade) if p.self_grade else None,
        "self_comment": p.self_comment,
        "grade": str(p.grade) if p.grade else None,
        "grade_comment": p.grade_comment,
        "reason": p.reason,
    }
    if history:
        doc["history"] = [
            {
                "at": e.at.astimezone(c.tz).isoformat(),
                "by": e.by,
                "action": e.action,
                "from": str(e.from_state) if e.from_state else None,
                "state": str(e.state),
                "note": e.note,
                "changes": e.changes,
                "via": e.via,
            }
            for e in pl.events(p)
        ]
        doc["peer_tally"] = peer_tally(c, p.id).as_dict()
    return doc


def _line(c: Campaign, p: Pledge) -> str:
    return (
        f"{p.id}\t{p.member}\t{t('pledges.category_' + str(p.category))}\t{t('pledges.state_' + str(p.state))}"
        f"\t{p.due.isoformat()}\t{p.text}"
    )


def _step_done(c: Campaign, args: argparse.Namespace, p: Pledge) -> int:
    human = t("cli_pledges.done", id=p.id, state=t(f"pledges.state_{p.state}"))
    return emit(args, pledge_json(c, p), human)


def _add(c: Campaign, args: argparse.Namespace) -> int:
    p = pl.create_pledge(c, SECRETARY, args.member, args.category, args.text, args.target, args.due)
    return emit(args, pledge_json(c, p), t("cli_pledges.added", id=p.id))


def _edit(c: Campaign, args: argparse.Namespace) -> int:
    p = pl.edit_pledge(c, SECRETARY, args.id, category=args.category, text=args.text, target=args.target, due=args.due)
    return _step_done(c, args, p)


def _submit(c: Campaign, args: argparse.Namespace) -> int:
    return _step_done(c, args, pl.submit_pledge(c, SECRETARY, args.id))


def _publish(c: Campaign, args: argparse.Namespace) -> int:
    return _step_done(c, args, pl.publish_pledge(c, args.id, args.comment))


def _with_text(step: Callable[[Campaign, str, str], Pledge]) -> Handler:
    def run(c: Campaign, args: argparse.Namespace) -> int:
        return _step_done(c, args, step(c, args.id, args.text))

    return run


_withdraw = _with_text(lambda c, i, s: pl.withdraw_pledge(c, SECRETARY, i, s))
_return = _with_text(pl.return_pledge)
_progress = _with_text(lambda c, i, s: pl.add_progress(c, SECRETARY, i, s))
_fulfil = _with_text(lambda c, i, s: pl.fulfil_pledge(c, SECRETARY, i, s))
_unkept = _with_text(pl.close_unkept)


def _evaluate(c: Campaign, args: argparse.Namespace) -> int:
    return _step_done(c, args, pl.evaluate_pledge(c, args.id, args.grade, args.comment))


def _correct(c: Campaign, args: argparse.Namespace) -> int:
    return _step_done(c, args, pl.correct_pledge(c, args.id, args.comment, grade=args.grade, reason=args.reason))


def _list(c: Campaign, args: argparse.Namespace) -> int:
    lines = q.list_pledges(c, member=args.member, state=args.state, category=args.category)
    doc = {"pledges": [pledge_json(c, line.pledge) for line in lines]}
    return emit(args, doc, "\n".join(_line(c, line.pledge) for line in lines))


def _show(c: Campaign, args: argparse.Namespace) -> int:
    p = pl.get_pledge(c, args.id)
    doc = pledge_json(c, p, history=True)
    human = [_line(c, p), f"{t('pledges.col_target')}: {p.target}"]
    human += [
        f"{e['at'][:16].replace('T', ' ')}\t{e['by']}\t{t('pledges.action_' + e['action'])}\t{e['note']}"
        for e in doc["history"]
    ]
    return emit(args, doc, "\n".join(human))


def _export(c: Campaign, args: argparse.Namespace) -> int:
    lines = q.list_pledges(c, member=args.member, state=args.state, category=args.category)
    out = export_pledges(c, args.out, lines)
    return emit(args, {"path": str(out), "count": len(lines)}, t("cli_pledges.exported", path=out, count=len(lines)))


def _window(c: Campaign, args: argparse.Namespace) -> int:
    if args.move == "open":
        open_window(c)
    elif args.move == "close":
        close_window(c)
    window = current_window(c)
    doc = {"open": window is not None, "opened_at": window.opened_at.astimezone(c.tz).isoformat() if window else None}
    return emit(args, doc, t("cli_pledges.window_open" if window else "cli_pledges.window_closed"))
