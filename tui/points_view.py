"""What the points screens ask of the campaign, as plain functions their workers run.

No Textual here: each function takes the :class:`Campaign`, calls :mod:`campaign.points` (and
:mod:`campaign.dashboard`), and returns a small frozen value the screens show, its words already in the active
language. The kiosk's public board carries names and totals only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from campaign import points
from campaign.context import Campaign
from campaign.dashboard import Dashboard, branch_dashboard
from campaign.errors import Refused
from campaign.i18n import t
from campaign.points_calc import Leaderboard, PointsLine
from campaign.points_periods import Period
from storage.errors import StoreError
from storage.records import Member, PointsAdjustment
from tui.cli.common import store_error_message
from tui.text import one_line
from tui.widgets.board import BoardRow

T = TypeVar("T")

PERIODS: tuple[str, ...] = tuple(str(p) for p in Period)
BY: tuple[str, ...] = ("member", "school")
#: Record notes shown beside a breakdown line at most (the count says how many there are).
NOTES_SHOWN = 3
#: Pledges on one page of the attract-mode pledge board.
PLEDGES_SHOWN = 8


@dataclass(frozen=True)
class AdminRow:
    """A leaderboard row for the secretary: with school, code and (for schools) the number of members."""

    rank: int
    key: str
    name: str
    school: str
    points: int | float
    members: int


@dataclass(frozen=True)
class BoardView:
    period: str
    by: str
    first: date | None
    last: date | None
    rows: list[BoardRow]
    admin_rows: list[AdminRow]


@dataclass(frozen=True)
class LineView:
    """One breakdown line in words: the rule, the records it counted, its points, the cap when one applied."""

    rule: str
    records: str
    points: int
    cap: str


@dataclass(frozen=True)
class MineView:
    member: Member
    total: int
    lines: list[LineView]
    rank: int | None
    count: int
    board: BoardView


@dataclass(frozen=True)
class MemberPoints(MineView):
    """A member's points for the secretary: the kiosk's view and every adjustment made by hand (newest first)."""

    adjustments: list[PointsAdjustment]


@dataclass(frozen=True)
class RuleLine:
    group: str
    text: str


@dataclass(frozen=True)
class RulesView:
    path: Path
    #: Empty when the file is good; else which rules are in force instead, then one line per mistake.
    problems: list[str]
    rules: list[RuleLine]


@dataclass(frozen=True)
class Trouble:
    """A refusal or a storage failure (busy, damaged, a full disk), worded for whoever reads the screen."""

    message: str


def calmly(call: Callable[[], T]) -> T | Trouble:
    """``call()``, or the :class:`Trouble` that stopped it: a worker never lets a store error reach Textual's crash
    screen (it would print local variables)."""
    try:
        return call()
    except Refused as exc:
        return Trouble(exc.message())
    except StoreError as exc:
        return Trouble(store_error_message(exc))


def period_title(view: BoardView) -> str:
    name = t(f"points_ui.period_{view.period}")
    if view.first is None or view.last is None:
        return name
    return name + t("points_ui.period_range", first=view.first.isoformat(), last=view.last.isoformat())


def _board(board: Leaderboard, period: str) -> BoardView:
    rows = [BoardRow(r.rank, r.name, r.points, r.key) for r in board.rows]
    admin = [AdminRow(r.rank, r.key, r.name, r.school, r.points, r.members) for r in board.rows]
    return BoardView(period, board.by, board.first, board.last, rows, admin)


def board_view(c: Campaign, period: str, by: str) -> BoardView:
    """The public board: members or schools over the period containing today."""
    return _board(points.leaderboard(c, Period(period), by), period)


admin_board_view = board_view


def line_view(line: PointsLine) -> LineView:
    notes = [one_line(r.note) for r in line.records if r.note][:NOTES_SHOWN]
    if notes:
        more = "…" if line.count > len(notes) else ""
        records = t("points_ui.records_list", count=line.count, notes="、".join(notes) + more)
    else:
        records = t("points_ui.records_count", count=line.count)
    cap = t("points_ui.cap_applied", taken=line.capped) if line.cap_applied else ""
    return LineView(points.rule_label(line.rule), records, line.points, cap)


def mine_view(c: Campaign, code: str, period: str) -> MineView:
    """A member's own breakdown and their place on the member board (refuses an unknown code)."""
    p = Period(period)
    breakdown = points.breakdown(c, code, p)
    board = _board(points.leaderboard(c, p, "member"), period)
    place = next((r for r in board.rows if r.key == breakdown.member), None)
    member = c.repos.members.get(breakdown.member)
    assert member is not None  # breakdown refused an unknown code
    return MineView(
        member=member,
        total=breakdown.total,
        lines=[line_view(line) for line in breakdown.lines],
        rank=place.rank if place is not None else None,
        count=len(board.rows),
        board=board,
    )


def member_points(c: Campaign, code: str, period: str) -> MemberPoints:
    mine = mine_view(c, code, period)
    return MemberPoints(**vars(mine), adjustments=points.list_adjustments(c, mine.member.code))


def adjust(c: Campaign, code: str, amount: int, reason: str) -> PointsAdjustment:
    return points.adjust_points(c, code, amount, reason)


def undo(c: Campaign, adjustment_id: int) -> PointsAdjustment:
    return points.undo_adjustment(c, adjustment_id)


def export_board(c: Campaign, period: str, by: str, out: Path) -> tuple[int, Path]:
    """Write the board to ``out`` (.csv or .xlsx); the number of rows written and the file's path."""
    board = points.leaderboard(c, Period(period), by)
    return len(board.rows), points.export_leaderboard(c, board, out)


def rules_view(c: Campaign) -> RulesView:
    status = points.rules_status(c)
    rules = [RuleLine(d.group, d.text) for d in points.describe_rules(status.rules)]
    return RulesView(status.path, status.messages(), rules)


def rules_warning(c: Campaign, where: str = "home") -> str:
    """One line for the admin home screen (``where="home"``) or the points board (``"board"``) when the rules file
    is broken ("" when it is good)."""
    status = points.rules_status(c)
    return "" if status.ok else t(f"points_ui.{where}_rules_broken", count=len(status.problems))


def dashboard_view(c: Campaign, period: str) -> tuple[BoardView, Dashboard]:
    """The branch dashboard's figures for the period, and the member board they were drawn from."""
    board = _board(points.leaderboard(c, Period(period), "member"), period)
    totals = [int(r.points) for r in board.rows]
    return board, branch_dashboard(c, board.first, board.last, totals)


def pledge_board_lines(c: Campaign, page: int = 0, per_page: int = PLEDGES_SHOWN) -> list[str] | None:
    """One page of the public pledge board for attract mode (name · category · pledge), or None when the pledge
    module offers no board (then attract mode rotates the leaderboard and the next session only).

    The hook: ``campaign.pledge_queries.pledge_board(c, page=, per_page=)`` (issue 9) is looked up by name, so this
    works whether or not that module is merged; its lines need ``.name`` and ``.pledge`` (``.category``, ``.text``).
    """
    try:
        queries = importlib.import_module("campaign.pledge_queries")
    except ImportError:
        return None
    board: Any = getattr(queries, "pledge_board", None)
    if board is None:
        return None
    shown = board(c, page=page, per_page=per_page)
    return [
        f"{one_line(line.name)} · {t(f'points_ui.category_{line.pledge.category}')} · {one_line(line.pledge.text)}"
        for line in shown.lines
    ]
