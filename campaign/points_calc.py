"""How points are computed, from a member's facts and the rules: pure functions, no store.

A member's points are a list of dated :class:`Entry` values, one per record a rule counted. A period's total is the
sum of the entries dated within it, so a year's total is the sum of its months and "all time" the sum of every year.
How each rule dates its entries:

* a study session: the session's (local) start date. Positive points are capped per calendar year, in session
  order: once the cap is reached, later sessions of that year add nothing (the line shows what the cap took);
  deductions always count. Cancelled sessions count for nothing.
* an evaluated pledge: the day it was evaluated (its history), else its due date.
* no pledge in a term: the term's last day, once the term is over; from the first term in which anyone in the
  branch made a pledge (the campaign's start), for active members. Drafts and withdrawn pledges do not count.
* parents' satisfaction: judged per term on the term's answers, credited on the term's last day (the current
  term's figure is provisional until it ends); a term with fewer valid answers than the rules' minimum scores
  nothing.
* a manual adjustment: the day it was made; an undone adjustment counts for nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from storage.records import AttendanceStatus, PledgeGrade

from .points_periods import Period, Term
from .points_rules import Rules
from .satisfaction import Satisfaction

NOT_COUNTED_PLEDGE_STATES = frozenset({"draft", "withdrawn"})


# ------------------------------------------------------------------------------------------------ results
@dataclass(frozen=True)
class RecordRef:
    """A record a rule counted: a study session, a pledge, a term's answers or an adjustment."""

    #: "session", "pledge", "term" or "adjustment".
    kind: str
    #: The session id, pledge id, term ("2026-08-01..2027-01-31") or adjustment id, as text.
    ref: str
    day: date
    #: Points this record added after any cap.
    points: int
    #: Points before the cap.
    raw: int
    #: User text shown beside it: the session's title, an adjustment's reason ("" for others).
    note: str = ""
    #: For a term's satisfaction: the valid answers, the rate and its Wilson lower bound it was judged on.
    answers: int = 0
    rate: float | None = None
    wilson_low: float | None = None


@dataclass(frozen=True)
class PointsLine:
    """One line of a breakdown: a rule, the records it counted, and the points (after any cap)."""

    rule: str
    points: int
    #: Points before the cap; ``raw - points`` is what the cap took.
    raw: int
    records: tuple[RecordRef, ...]

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def capped(self) -> int:
        """Points the yearly cap took from this line (0 when no cap applied)."""
        return self.raw - self.points

    @property
    def cap_applied(self) -> bool:
        return self.raw != self.points


@dataclass(frozen=True)
class Breakdown:
    """A member's points over a period, line by line; ``total`` is always the sum of the lines."""

    member: str
    name: str
    school: str
    period: Period
    first: date | None
    last: date | None
    lines: tuple[PointsLine, ...]

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)


@dataclass(frozen=True)
class BoardRow:
    """One row of a leaderboard. For members ``key`` is the member code; for schools the school name.

    A school's ``points`` is pooled: the school's total divided by its active members — every member's points
    pooled together, not an average of averages. ``total`` and ``members`` are shown beside it.
    """

    rank: int
    key: str
    name: str
    points: int | float
    school: str = ""
    total: int = 0
    members: int = 1


@dataclass(frozen=True)
class Leaderboard:
    period: Period
    first: date | None
    last: date | None
    #: "member" or "school".
    by: str
    #: "competition" (1, 2, 2, 4) or "dense" (1, 2, 2, 3).
    ranking: str
    rows: tuple[BoardRow, ...]

    def place_of(self, key: str) -> BoardRow | None:
        """The row of a member code (or school name), for highlighting one's own place."""
        return next((r for r in self.rows if r.key == key), None)

    def public_rows(self) -> list[tuple[int, str, int | float]]:
        """What the kiosk's public board shows: rank, name and points only."""
        return [(r.rank, r.name, r.points) for r in self.rows]


# -------------------------------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class SessionFact:
    id: int
    day: date
    title: str = ""


@dataclass(frozen=True)
class PledgeFact:
    id: str
    created: date
    state: str
    grade: PledgeGrade | None
    #: The day it was evaluated (or its due date when the history does not say).
    evaluated: date | None


@dataclass(frozen=True)
class AdjustmentFact:
    id: int
    day: date
    points: int
    reason: str
    undone: bool = False


@dataclass
class MemberFacts:
    """Everything about one member that a rule reads."""

    code: str
    active: bool = True
    #: Session id → status (only sessions the member has a record for).
    attendance: Callable[[int], AttendanceStatus | None] = field(default=lambda _sid: None)
    pledges: Sequence[PledgeFact] = ()
    #: Term → the term's answers about this member.
    satisfaction: dict[Term, Satisfaction] = field(default_factory=dict)
    adjustments: Sequence[AdjustmentFact] = ()


@dataclass(frozen=True)
class Context:
    """What every member's computation shares."""

    rules: Rules
    #: Sessions that count (not cancelled), in order of their start.
    sessions: Sequence[SessionFact]
    #: Terms that are over (last day before today) from the campaign's first pledge term: "no pledge" is judged
    #: for these.
    ended_terms: Sequence[Term]


@dataclass(frozen=True)
class Entry:
    day: date
    rule: str
    points: int
    raw: int
    kind: str
    ref: str
    note: str = ""
    answers: int = 0
    rate: float | None = None
    wilson_low: float | None = None


# ------------------------------------------------------------------------------------------- computation
def member_entries(facts: MemberFacts, ctx: Context) -> list[Entry]:
    """Every dated entry of one member's points, in rule order then date order."""
    out: list[Entry] = []
    out.extend(_attendance_entries(facts, ctx))
    out.extend(_pledge_entries(facts, ctx))
    out.extend(_satisfaction_entries(facts, ctx.rules))
    for adj in facts.adjustments:
        if not adj.undone:
            out.append(Entry(adj.day, "adjustment", adj.points, adj.points, "adjustment", str(adj.id), adj.reason))
    return out


def _attendance_entries(facts: MemberFacts, ctx: Context) -> Iterable[Entry]:
    values = ctx.rules.attendance
    cap = ctx.rules.attendance_cap_per_year
    year, earned = 0, 0
    for s in ctx.sessions:
        status = facts.attendance(s.id)
        if status is None:
            continue
        raw = values[status]
        points = raw
        if cap is not None and raw > 0:
            if s.day.year != year:
                year, earned = s.day.year, 0
            points = max(min(raw, cap - earned), 0)
            earned += points
        yield Entry(s.day, f"attendance.{status}", points, raw, "session", str(s.id), s.title)


def _pledge_entries(facts: MemberFacts, ctx: Context) -> Iterable[Entry]:
    rules = ctx.rules
    for p in facts.pledges:
        if p.state == "evaluated" and p.grade is not None:
            pts = rules.pledge_grades[p.grade]
            yield Entry(p.evaluated or p.created, f"pledge.{p.grade}", pts, pts, "pledge", p.id)
    if not facts.active or not ctx.ended_terms:
        return
    made = [p.created for p in facts.pledges if p.state not in NOT_COUNTED_PLEDGE_STATES]
    pts = rules.pledge_missing_per_term
    for term in ctx.ended_terms:
        if not any(term.first <= d <= term.last for d in made):
            yield Entry(term.last, "pledge.missing", pts, pts, "term", term_ref(term))


def term_ref(term: Term) -> str:
    return f"{term.first.isoformat()}..{term.last.isoformat()}"


def judged_value(s: Satisfaction, judge: str) -> float | None:
    return s.wilson_low if judge == "wilson" else s.rate


def _satisfaction_entries(facts: MemberFacts, rules: Rules) -> Iterable[Entry]:
    for term in sorted(facts.satisfaction):
        s = facts.satisfaction[term]
        if s.n < rules.satisfaction_min_answers:
            continue
        value = judged_value(s, rules.satisfaction_judge)
        band = None if value is None else rules.band_for(value)
        if band is None or value is None:
            continue
        yield Entry(
            term.last, band.key, band.points, band.points, "term", term_ref(term), "", s.n, s.rate, s.wilson_low
        )


def lines_of(entries: Iterable[Entry], first: date | None, last: date | None) -> tuple[PointsLine, ...]:
    """The breakdown lines of the entries dated within ``first``..``last`` (None: unbounded), in rule order."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        if (first is None or e.day >= first) and (last is None or e.day <= last):
            groups.setdefault(e.rule, []).append(e)
    return tuple(
        PointsLine(
            rule,
            sum(e.points for e in group),
            sum(e.raw for e in group),
            tuple(
                RecordRef(e.kind, e.ref, e.day, e.points, e.raw, e.note, e.answers, e.rate, e.wilson_low) for e in group
            ),
        )
        for rule, group in groups.items()
    )


# -------------------------------------------------------------------------------------------------- ranks
def ranks(values: Sequence[int | float | Fraction], style: str = "competition") -> list[int]:
    """The rank of each value (highest first): "competition" gives ties one rank and skips the next ones
    (1, 2, 2, 4); "dense" does not skip (1, 2, 2, 3). ``values`` must be sorted highest first."""
    out: list[int] = []
    distinct = 0
    for i, v in enumerate(values):
        if i == 0 or v != values[i - 1]:
            distinct += 1
            out.append(i + 1 if style == "competition" else distinct)
        else:
            out.append(out[-1])
    return out


def member_rows(
    totals: Iterable[tuple[str, str, str, int]], style: str, previous: Mapping[str, BoardRow] | None = None
) -> tuple[BoardRow, ...]:
    """Rank ``(code, name, school, points)``: points high to low; ties in member-code order.

    Rows of ``previous`` (the same board before) that did not change are reused rather than built again: after
    one sign-in, nearly every row is the same.
    """
    # Sorting plain tuples (negated points, then the unique code) compares in C, without a key function.
    ordered = sorted([(-pts, code, name, school) for code, name, school, pts in totals])
    rank_list = ranks([-r[0] for r in ordered], style)
    old = previous or {}
    rows: list[BoardRow] = []
    for rank, (negative, code, name, school) in zip(rank_list, ordered, strict=True):
        pts = -negative
        row = old.get(code)
        if row is None or row.rank != rank or row.points != pts or row.name != name or row.school != school:
            row = BoardRow(rank, code, name, pts, school=school, total=pts)
        rows.append(row)
    return tuple(rows)


def school_rows(totals: Iterable[tuple[str, str, str, int]], style: str) -> tuple[BoardRow, ...]:
    """Pool members' points by school: points per member = school total ÷ active members (one decimal)."""
    pooled: dict[str, list[int]] = {}
    for _code, _name, school, pts in totals:
        pooled.setdefault(school, []).append(pts)
    keyed = sorted(
        ((Fraction(sum(p), len(p)), school, sum(p), len(p)) for school, p in pooled.items()),
        key=lambda r: (-r[0], r[1]),
    )
    rank_list = ranks([r[0] for r in keyed], style)
    return tuple(
        BoardRow(rank, school, school, round(float(avg), 1), total=total, members=n)
        for rank, (avg, school, total, n) in zip(rank_list, keyed, strict=True)
    )
