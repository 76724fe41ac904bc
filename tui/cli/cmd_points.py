"""``chuangyou points`` (a member's breakdown, adjustments, the rules) and ``chuangyou leaderboard``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from campaign import points as pts
from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.points_rules import load_rules
from storage.errors import StoreError

from .common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, add_json, emit, resolved_data_dir, store_error_message

PERIODS = [str(p) for p in pts.Period]


def register(sub: Any) -> None:
    p = sub.add_parser("points", help=t("cli_points.points"), description=t("cli_points.points"))
    p.add_argument("--member", dest="show_member", metavar="CODE", default=None, help=t("cli_points.member"))
    p.add_argument("--period", choices=PERIODS, default="term", help=t("cli_points.period"))
    add_json(p)
    p.set_defaults(handler=_guarded(_show))
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    a = actions.add_parser("adjust", help=t("cli_points.adjust"), description=t("cli_points.adjust"))
    a.add_argument("--member", required=True, metavar="CODE", help=t("cli_points.member"))
    a.add_argument("--points", required=True, type=int, metavar="N", help=t("cli_points.adjust_points"))
    a.add_argument("--reason", required=True, metavar="R", help=t("cli_points.adjust_reason"))
    add_json(a)
    a.set_defaults(handler=_guarded(_adjust))

    u = actions.add_parser("undo", help=t("cli_points.undo"), description=t("cli_points.undo"))
    u.add_argument("id", type=int, metavar="ID", help=t("cli_points.undo_id"))
    add_json(u)
    u.set_defaults(handler=_guarded(_undo))

    r = actions.add_parser("rules", help=t("cli_points.rules"), description=t("cli_points.rules"))
    r.add_argument("--check", action="store_true", help=t("cli_points.rules_check"))
    add_json(r)
    r.set_defaults(handler=_guarded(_rules))

    b = sub.add_parser("leaderboard", help=t("cli_points.leaderboard"), description=t("cli_points.leaderboard"))
    b.add_argument("--period", choices=PERIODS, default="term", help=t("cli_points.period"))
    b.add_argument("--by", choices=list(pts.BY_CHOICES), default="member", help=t("cli_points.by"))
    b.add_argument("--out", type=Path, default=None, metavar="FILE.csv|FILE.xlsx", help=t("cli_points.out"))
    add_json(b)
    b.set_defaults(handler=_guarded(_leaderboard))


def _guarded(handler: Callable[[Campaign, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Open the campaign and run ``handler``; a refusal exits 1 with one line on stderr and, with ``--json``,
    one error document on stdout."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(open_campaign(resolved_data_dir(args)), args)
        except Refused as exc:
            return _refused(args, exc.key, exc.message())
        except StoreError as exc:
            return _refused(args, f"store.{type(exc).__name__}", store_error_message(exc))

    return run


def _refused(args: argparse.Namespace, code: str, message: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    print(message.replace("\n", " "), file=sys.stderr)
    return EXIT_REFUSED


def _show(c: Campaign, args: argparse.Namespace) -> int:
    if args.show_member is None:
        print(t("cli_points.member_required"), file=sys.stderr)
        return EXIT_USAGE
    bd = pts.breakdown(c, args.show_member, pts.parse_period(args.period))
    doc = {
        "member": bd.member,
        "name": bd.name,
        "school": bd.school,
        "period": str(bd.period),
        "from": bd.first,
        "to": bd.last,
        "total": bd.total,
        "lines": [
            {
                "rule": line.rule,
                "label": pts.rule_label(line.rule),
                "points": line.points,
                "raw": line.raw,
                "capped": line.capped,
                "count": line.count,
                "records": [_record(r) for r in line.records],
            }
            for line in bd.lines
        ],
    }
    human = [t("cli_points.breakdown_head", name=bd.name, code=bd.member, period=t(f"points.period_{bd.period}"))]
    for line in bd.lines:
        cap = t("cli_points.capped", capped=line.capped) if line.cap_applied else ""
        human.append(f"  {pts.rule_label(line.rule)}  ×{line.count}  {pts.signed(line.points)}{cap}")
    human.append(t("cli_points.total", total=pts.signed(bd.total)))
    return emit(args, doc, "\n".join(human))


def _record(r: pts.RecordRef) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": r.kind, "ref": r.ref, "day": r.day, "points": r.points, "note": r.note}
    if r.kind == "term" and r.answers:
        doc.update(answers=r.answers, rate=r.rate, wilson_low=r.wilson_low)
    return doc


def _adjust(c: Campaign, args: argparse.Namespace) -> int:
    adj = pts.adjust_points(c, args.member, args.points, args.reason)
    doc = {"id": adj.id, "member": adj.member, "points": adj.points, "reason": adj.reason}
    return emit(args, doc, t("cli_points.adjusted", id=adj.id, member=adj.member, points=pts.signed(adj.points)))


def _undo(c: Campaign, args: argparse.Namespace) -> int:
    adj = pts.undo_adjustment(c, args.id)
    doc = {"id": adj.id, "member": adj.member, "points": adj.points, "undone": True}
    return emit(args, doc, t("cli_points.undone", id=adj.id, member=adj.member, points=pts.signed(adj.points)))


def _rules(c: Campaign, args: argparse.Namespace) -> int:
    status = load_rules(c.store.root)
    descriptions = pts.describe_rules(status.rules)
    doc = {
        "ok": status.ok,
        "path": status.path,
        "source": status.source,
        "problems": [{"line": p.line, "code": p.key, "message": p.message()} for p in status.problems],
        "rules": [{"rule": d.rule, "group": d.group, "text": d.text, "points": d.points} for d in descriptions],
    }
    if args.check:
        human = "\n".join(status.messages()) if not status.ok else t("points.in_force_file", path=str(status.path))
    else:
        human = "\n".join([*status.messages(), *(d.text for d in descriptions)])
    emit(args, doc, human)
    return EXIT_OK if status.ok or not args.check else EXIT_REFUSED


def _leaderboard(c: Campaign, args: argparse.Namespace) -> int:
    board = pts.leaderboard(c, pts.parse_period(args.period), args.by)
    out = pts.export_leaderboard(c, board, args.out) if args.out is not None else None
    key = "member" if board.by == "member" else "school"
    rows: list[dict[str, Any]] = []
    for r in board.rows:
        row: dict[str, Any] = {"rank": r.rank, key: r.key, "name": r.name, "points": r.points}
        if board.by == "member":
            row["school"] = r.school
        else:
            row["total"], row["members"] = r.total, r.members
        rows.append(row)
    doc: dict[str, Any] = {
        "period": str(board.period),
        "from": board.first,
        "to": board.last,
        "by": board.by,
        "ranking": board.ranking,
        "rows": rows,
    }
    if out is not None:
        doc["out"] = out
        return emit(args, doc, t("cli_points.exported", path=str(out), rows=len(board.rows)))
    human = "\n".join(f"{r.rank}\t{r.name}\t{pts.signed(r.points)}" for r in board.rows)
    return emit(args, doc, human or t("cli_points.board_empty"))
