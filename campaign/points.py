"""党员积分: points derived from the campaign's records by the rules in force — never stored as the truth.

The public API (screens, the CLI and the web call only these):

* :func:`breakdown` — one member's points over a period, line by line (:class:`Breakdown`, :class:`PointsLine`);
* :func:`leaderboard` — members or schools ranked over a period (:class:`Leaderboard`, :class:`BoardRow`);
* :func:`adjust_points` / :func:`undo_adjustment` / :func:`list_adjustments` — the secretary's manual adjustments,
  audited and undoable;
* :func:`rules_status` / :func:`rules_in_force` / :func:`describe_rules` — the rules file, its problems and the
  rules in plain words;
* :func:`export_leaderboard` — a board as CSV (UTF-8 with BOM) or XLSX.

:func:`breakdown` and :func:`leaderboard` answer from an incremental index (:mod:`campaign.points_index`) that
re-reads only the store partitions that changed; :func:`full_breakdown` and :func:`full_leaderboard` compute the same
from every record through the repositories (the reference the tests compare the index with, and the benchmark's
anchor). How each rule dates and caps its points: :mod:`campaign.points_calc`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from storage.records import AttendanceStatus, FeedbackOption, Member, PledgeGrade, PointsAdjustment

from .context import Campaign
from .errors import Refused
from .exports import Sheet, export_path, write_csv, write_xlsx
from .i18n import t
from .points_calc import (
    NOT_COUNTED_PLEDGE_STATES,
    AdjustmentFact,
    BoardRow,
    Breakdown,
    Context,
    Entry,
    Leaderboard,
    MemberFacts,
    PledgeFact,
    PointsLine,
    RecordRef,
    SessionFact,
    lines_of,
    member_entries,
    member_rows,
    school_rows,
)
from .points_periods import RANKING_STYLES, Period, Term, parse_period, period_bounds, term_of, terms_between
from .points_rules import (
    RuleDescription,
    RuleProblem,
    Rules,
    RulesStatus,
    describe_rules,
    load_rules,
    rule_label,
    signed,
    validate_rules,
)
from .satisfaction import tally

MAX_REASON = 200
BY_CHOICES = ("member", "school")


# ----------------------------------------------------------------------------------------------- the rules
def rules_status(c: Campaign) -> RulesStatus:
    """The rules in force and the problems of ``DATA_DIR/points.toml`` (written with the defaults on first use)."""
    return load_rules(c.store.root)


def rules_in_force(c: Campaign) -> Rules:
    return rules_status(c).rules


# ------------------------------------------------------------------------------------------------ helpers
def today(c: Campaign) -> date:
    """The branch's local date now."""
    return c.now().astimezone(c.tz).date()


def ranking_style(c: Campaign) -> str:
    style = c.settings.points_ranking
    return style if style in RANKING_STYLES else "competition"


def evaluated_day(history: tuple[dict[str, str], ...], tz: object) -> date | None:
    """The local day of the last "evaluated" step of a pledge's history, if it records one."""
    for event in reversed(history):
        if event.get("state") == "evaluated" and event.get("at"):
            try:
                at = datetime.fromisoformat(event["at"])
            except ValueError:
                return None
            return at.astimezone(tz).date() if at.tzinfo else at.date()  # type: ignore[arg-type]
    return None


def pledge_fact(
    doc_created: datetime,
    pledge_id: str,
    state: str,
    grade: PledgeGrade | None,
    due: date | None,
    history: tuple[dict[str, str], ...],
    tz: object,
) -> PledgeFact:
    created = doc_created.astimezone(tz).date() if doc_created.tzinfo else doc_created.date()  # type: ignore[arg-type]
    evaluated = evaluated_day(history, tz) or due if state == "evaluated" else None
    return PledgeFact(pledge_id, created, state, grade, evaluated)


def ended_terms(settings_terms: list[Term], today_: date) -> list[Term]:
    return [term for term in settings_terms if term.last < today_]


def campaign_terms(c: Campaign, first_pledge: date | None, today_: date) -> list[Term]:
    """The terms over before today, from the term of the branch's first pledge (none without a pledge)."""
    if first_pledge is None or first_pledge > today_:
        return []
    return ended_terms(terms_between(c.settings, first_pledge, today_), today_)


# ---------------------------------------------------------------------------------- full recompute (naive)
def gather_facts(c: Campaign, today_: date | None = None) -> tuple[Context, dict[str, MemberFacts]]:
    """Every member's facts, read from every record through the repositories (the reference computation)."""
    today_ = today_ or today(c)
    tz, settings = c.tz, c.settings
    sessions = [
        SessionFact(s.id, s.start.astimezone(tz).date(), s.title) for s in c.repos.sessions.all() if not s.cancelled
    ]
    members = {m.code: m for m in c.repos.members.all()}
    facts: dict[str, MemberFacts] = {code: MemberFacts(code, m.active) for code, m in members.items()}
    statuses: dict[str, dict[int, AttendanceStatus]] = {}
    for sid in c.repos.attendance.session_ids():
        for record in c.repos.attendance.for_session(sid):
            statuses.setdefault(record.member, {})[sid] = record.status
    pledges: dict[str, list[PledgeFact]] = {}
    first_pledge: date | None = None
    for p in c.repos.pledges.all():
        fact = pledge_fact(p.created, p.id, str(p.state), p.grade, p.due, p.history, tz)
        pledges.setdefault(p.member, []).append(fact)
        if fact.state not in NOT_COUNTED_PLEDGE_STATES and (first_pledge is None or fact.created < first_pledge):
            first_pledge = fact.created
    answers: dict[str, dict[Term, list[FeedbackOption]]] = {}
    for answer in c.repos.feedback.between():
        answers.setdefault(answer.member, {}).setdefault(term_of(settings, answer.day), []).append(answer.option)
    adjustments: dict[str, list[AdjustmentFact]] = {}
    for adj in c.repos.adjustments.all():
        adjustments.setdefault(adj.member, []).append(
            AdjustmentFact(adj.id, adj.at.astimezone(tz).date(), adj.points, adj.reason, adj.undone)
        )
    for code in set(statuses) | set(pledges) | set(answers) | set(adjustments):
        facts.setdefault(code, MemberFacts(code, False))
    for code, f in facts.items():
        own = statuses.get(code, {})
        f.attendance = own.get
        f.pledges = sorted(pledges.get(code, []), key=lambda p: (p.created, p.id))
        f.satisfaction = {term: tally(opts) for term, opts in answers.get(code, {}).items()}
        f.adjustments = sorted(adjustments.get(code, []), key=lambda a: a.id)
    ctx = Context(rules_in_force(c), sessions, campaign_terms(c, first_pledge, today_))
    return ctx, facts


def _breakdown_from(
    member: Member | None, code: str, entries: list[Entry], period: Period, first: date | None, last: date | None
) -> Breakdown:
    return Breakdown(
        member=code,
        name=member.name if member else "",
        school=member.school if member else "",
        period=period,
        first=first,
        last=last,
        lines=lines_of(entries, first, last),
    )


def full_breakdown(c: Campaign, code: str, period: Period = Period.TERM, *, today_: date | None = None) -> Breakdown:
    """:func:`breakdown`, computed from every record (no index)."""
    member = _member(c, code)
    today_ = today_ or today(c)
    ctx, facts = gather_facts(c, today_)
    first, last = period_bounds(c.settings, period, today_)
    entries = member_entries(facts.get(code, MemberFacts(code, member.active)), ctx)
    return _breakdown_from(member, code, entries, period, first, last)


def full_leaderboard(
    c: Campaign, period: Period = Period.TERM, by: str = "member", *, today_: date | None = None
) -> Leaderboard:
    """:func:`leaderboard`, computed from every record (no index)."""
    today_ = today_ or today(c)
    ctx, facts = gather_facts(c, today_)
    first, last = period_bounds(c.settings, period, today_)
    totals = []
    for m in c.repos.members.all():
        if not m.active:
            continue
        entries = member_entries(facts[m.code], ctx)
        pts = sum(e.points for e in entries if (first is None or e.day >= first) and (last is None or e.day <= last))
        totals.append((m.code, m.name, m.school, pts))
    return _board(c, period, by, first, last, totals)


def _board(
    c: Campaign,
    period: Period,
    by: str,
    first: date | None,
    last: date | None,
    totals: list[tuple[str, str, str, int]],
) -> Leaderboard:
    if by not in BY_CHOICES:
        raise Refused("points.bad_by", by=by)
    style = ranking_style(c)
    rows = member_rows(totals, style) if by == "member" else school_rows(totals, style)
    return Leaderboard(period, first, last, by, style, rows)


def _member(c: Campaign, code: str) -> Member:
    member = c.repos.members.get(code.strip())
    if member is None:
        raise Refused("points.no_such_member", code=code.strip())
    return member


# ----------------------------------------------------------------------------------------- the public API
def breakdown(c: Campaign, code: str, period: Period = Period.TERM, *, today_: date | None = None) -> Breakdown:
    """One member's points over the period containing today: every line with the records it counted.

    ``total`` always equals the sum of the lines. Refuses an unknown member code.
    """
    from .points_index import index_for

    member = _member(c, code)
    today_ = today_ or today(c)
    index = index_for(c)
    index.refresh(c, today_)
    first, last = period_bounds(c.settings, period, today_)
    return _breakdown_from(member, member.code, index.entries(member.code), period, first, last)


def leaderboard(
    c: Campaign, period: Period = Period.TERM, by: str = "member", *, today_: date | None = None
) -> Leaderboard:
    """Active members (``by="member"``) or schools (``by="school"``, pooled) ranked by points over the period
    containing today; ties share a rank in the branch's ranking style (setting ``points_ranking``)."""
    from .points_index import index_for

    if by not in BY_CHOICES:
        raise Refused("points.bad_by", by=by)
    today_ = today_ or today(c)
    index = index_for(c)
    index.refresh(c, today_)
    first, last = period_bounds(c.settings, period, today_)
    style = ranking_style(c)
    key = (first, last, by, style)
    version, cached = index.cached_board(key)
    if cached is not None and cached.period is period:
        return cached
    points = index.totals(first, last)
    totals = [(m.code, m.name, m.school, points.get(m.code, 0)) for m in index.active_members()]
    if by == "member":
        previous = index.previous_board(key)
        rows = member_rows(totals, style, {r.key: r for r in previous.rows} if previous else None)
    else:
        rows = school_rows(totals, style)
    board = Leaderboard(period, first, last, by, style, rows)
    index.keep_board(key, version, board)
    return board


# -------------------------------------------------------------------------------------------- adjustments
def adjust_points(c: Campaign, code: str, points: int, reason: str) -> PointsAdjustment:
    """A manual adjustment by the secretary: a non-zero whole number within the rules' largest amount, with a
    reason. Audited (``points.adjust``) in the same transaction."""
    reason = " ".join(reason.split())
    if not reason:
        raise Refused("points.reason_required")
    if len(reason) > MAX_REASON:
        raise Refused("points.reason_too_long", limit=MAX_REASON)
    limit = rules_in_force(c).adjustment_max_points
    if points == 0:
        raise Refused("points.adjust_zero")
    if abs(points) > limit:
        raise Refused("points.adjust_too_large", points=points, limit=limit)
    with c.store.transaction():
        member = _member(c, code)
        adj = c.repos.adjustments.add(
            PointsAdjustment(id=0, member=member.code, points=points, reason=reason, by=c.actor, at=c.now())
        )
        c.audit("points.adjust", id=adj.id, member=member.code, points=points, reason=reason)
    return adj


def undo_adjustment(c: Campaign, adjustment_id: int) -> PointsAdjustment:
    """Take an adjustment back (it stays on record as undone). Audited (``points.undo``)."""
    with c.store.transaction():
        adj = next((a for a in c.repos.adjustments.all() if a.id == adjustment_id), None)
        if adj is None:
            raise Refused("points.no_such_adjustment", id=adjustment_id)
        if adj.undone:
            raise Refused("points.already_undone", id=adjustment_id)
        undone = replace(adj, undone=True)
        c.repos.adjustments.put(undone)
        c.audit("points.undo", id=adj.id, member=adj.member, points=adj.points)
    return undone


def list_adjustments(c: Campaign, code: str | None = None) -> list[PointsAdjustment]:
    """Adjustments (undone ones included), newest first."""
    out = [a for a in c.repos.adjustments.all() if code is None or a.member == code]
    return sorted(out, key=lambda a: a.id, reverse=True)


# ----------------------------------------------------------------------------------------------- exports
def board_table(board: Leaderboard, lang: str | None = None) -> list[list[object]]:
    """A header row and one row per board row, for exports."""
    if board.by == "member":
        header: list[object] = [t(f"points.col_{k}", lang=lang) for k in ("rank", "code", "name", "school", "points")]
        rows: list[list[object]] = [[r.rank, r.key, r.name, r.school, r.points] for r in board.rows]
    else:
        header = [t(f"points.col_{k}", lang=lang) for k in ("rank", "school", "per_member", "total", "members")]
        rows = [[r.rank, r.name, r.points, r.total, r.members] for r in board.rows]
    return [header, *rows]


def export_leaderboard(
    c: Campaign, board: Leaderboard, out: Path, lang: str | None = None, *, encoding: str = "utf-8"
) -> Path:
    """Write ``board`` to ``out``: ``.csv`` (UTF-8 with BOM so spreadsheet programs read Chinese, or GBK) or
    ``.xlsx`` (see :mod:`campaign.exports`; a bare file name goes into the exports folder). Returns the absolute
    path. Audited (``points.export``)."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Refused("points.unsupported_format", suffix=suffix or "?")
    out = export_path(c, out)
    header, *rows = board_table(board, lang)
    sheet = Sheet(t("points.sheet_title", lang=lang), [str(h) for h in header], rows)  # type: ignore[arg-type]
    path = write_csv(out, [sheet], encoding=encoding) if suffix == ".csv" else write_xlsx(out, [sheet])
    with c.store.transaction():
        c.audit("points.export", file=path.name, period=str(board.period), by=board.by)
    return path


__all__ = [
    "BY_CHOICES",
    "BoardRow",
    "Breakdown",
    "Leaderboard",
    "Period",
    "PointsLine",
    "RecordRef",
    "RuleDescription",
    "RuleProblem",
    "Rules",
    "RulesStatus",
    "adjust_points",
    "board_table",
    "breakdown",
    "describe_rules",
    "export_leaderboard",
    "full_breakdown",
    "full_leaderboard",
    "leaderboard",
    "list_adjustments",
    "parse_period",
    "rule_label",
    "rules_in_force",
    "rules_status",
    "signed",
    "today",
    "undo_adjustment",
    "validate_rules",
]
