"""The branch's report for the education bureau over a term or a month: attendance per study session and per
member, pledges by 带头 category and state, the points ranking, and parents' satisfaction against the target.

:func:`term_report` gathers the figures (every one computed by the service that owns it: attendance reports,
pledge summaries, the points leaderboard, the satisfaction report); :func:`report_sheets` lays them out as tables
for XLSX, CSV and PDF (:mod:`campaign.term_report_pdf`); :func:`export_term_report` writes the file and records it
in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from storage.records import PledgeGrade, PledgeState

from .context import Campaign
from .errors import Refused
from .exports import Percent, Sheet, export_path, write_csv, write_xlsx
from .i18n import t
from .pledge_queries import CategorySummary, category_summaries
from .points import leaderboard
from .points_calc import Leaderboard
from .points_periods import Period, term_of
from .reports import STATUSES, AttendanceReport, attendance_report
from .satisfaction import SatisfactionReport, satisfaction_report


class Preset(StrEnum):
    """The periods a secretary asks for by name."""

    THIS_TERM = "this-term"
    LAST_TERM = "last-term"
    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"


@dataclass(frozen=True)
class TermReport:
    branch: str
    first: date
    last: date
    #: The points ranking's period (a term, or a month for the monthly presets).
    points_period: Period
    attendance: AttendanceReport
    pledges: list[CategorySummary]
    ranking: Leaderboard
    satisfaction: SatisfactionReport

    @property
    def title(self) -> str:
        return t("term_report.title", branch=self.branch, first=self.first.isoformat(), last=self.last.isoformat())


def today(c: Campaign) -> date:
    return c.now().astimezone(c.tz).date()


def preset_range(c: Campaign, preset: Preset | str, day: date | None = None) -> tuple[date, date, Period]:
    """The first and last day of a named period around ``day`` (today), with the points period that matches."""
    try:
        preset = Preset(preset)
    except ValueError:
        raise Refused("term_report.bad_preset", preset=preset, presets=", ".join(p.value for p in Preset)) from None
    day = day or today(c)
    if preset is Preset.THIS_TERM:
        term = term_of(c.settings, day)
        return term.first, term.last, Period.TERM
    if preset is Preset.LAST_TERM:
        term = term_of(c.settings, term_of(c.settings, day).first - timedelta(days=1))
        return term.first, term.last, Period.TERM
    first = day.replace(day=1)
    if preset is Preset.LAST_MONTH:
        first = (first - timedelta(days=1)).replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last, Period.MONTH


def term_report(c: Campaign, preset: Preset | str = Preset.THIS_TERM, *, day: date | None = None) -> TermReport:
    """Every figure of the report for the named period (see :func:`preset_range`)."""
    first, last, points_period = preset_range(c, preset, day)
    years = list(range(first.year, last.year + 1))
    return TermReport(
        branch=c.settings.branch_name or t("term_report.branch_default"),
        first=first,
        last=last,
        points_period=points_period,
        # Sessions still to come are not attendance yet.
        attendance=attendance_report(c, first, min(last, today(c))),
        pledges=category_summaries(c, years=years),
        ranking=leaderboard(c, points_period, "member", today_=last),
        satisfaction=satisfaction_report(c, first, last),
    )


PLEDGE_STATES = (
    PledgeState.SUBMITTED,
    PledgeState.PUBLISHED,
    PledgeState.RETURNED,
    PledgeState.FULFILLED,
    PledgeState.EVALUATED,
    PledgeState.WITHDRAWN,
    PledgeState.UNKEPT,
)


def report_sheets(c: Campaign, report: TermReport, lang: str | None = None) -> list[Sheet]:
    """The report as tables, in the order they are printed."""

    def h(key: str) -> str:
        return t(f"term_report.{key}", lang=lang)

    def status(s: object) -> str:
        return t(f"reports.status_{s}", lang=lang)

    sessions = Sheet(
        h("sheet_sessions"),
        [h("col_date"), h("col_session"), *(status(s) for s in STATUSES), h("col_expected"), h("col_rate")],
        [
            [
                f"{line.session.start.astimezone(c.tz):%Y-%m-%d %H:%M}",
                line.session.title,
                *(line.counts.get(s, 0) for s in STATUSES),
                sum(line.counts.values()) + line.missing,
                Percent(_rate(line.attended, sum(line.counts.values()) + line.missing)),
            ]
            for line in report.attendance.sessions
        ],
    )
    members = Sheet(
        h("sheet_members"),
        [
            h("col_code"),
            h("col_name"),
            h("col_school"),
            h("col_sessions"),
            *(status(s) for s in STATUSES),
            h("col_rate"),
        ],
        [
            [m.code, m.name, m.school, m.sessions, *(m.counts.get(s, 0) for s in STATUSES), Percent(m.rate)]
            for m in report.attendance.members
        ],
    )
    grades = list(PledgeGrade)
    pledges = Sheet(
        h("sheet_pledges"),
        [
            h("col_category"),
            *(t(f"pledges.state_{s}", lang=lang) for s in PLEDGE_STATES),
            h("col_total"),
            *(t(f"pledges.grade_{g}", lang=lang) for g in grades),
            h("col_fulfilment"),
        ],
        [
            [
                t(f"pledges.category_{s.category}", lang=lang),
                *(s.states.get(state, 0) for state in PLEDGE_STATES),
                s.total,
                *(s.grades.get(g, 0) for g in grades),
                Percent(_fulfilment(s)),
            ]
            for s in report.pledges
        ],
    )
    ranking = Sheet(
        h("sheet_ranking"),
        [h("col_rank"), h("col_code"), h("col_name"), h("col_school"), h("col_points")],
        [[r.rank, r.key, r.name, r.school, r.points] for r in report.ranking.rows],
    )
    sat = report.satisfaction
    groups = [(h("branch_row"), sat.branch), *sat.by_school.items()]
    satisfaction = Sheet(
        h("sheet_satisfaction"),
        [
            h("col_group"),
            h("col_n"),
            h("col_satisfied"),
            h("col_basically"),
            h("col_unsatisfied"),
            h("col_unknown"),
            h("col_sat_rate"),
            h("col_wilson"),
            h("col_target"),
            h("col_met"),
        ],
        [
            [
                name,
                s.n,
                s.satisfied,
                s.basically,
                s.unsatisfied,
                s.unknown,
                Percent(s.rate),
                Percent(s.wilson_low),
                Percent(sat.target),
                _met(s.meets(sat.target), lang),
            ]
            for name, s in groups
        ],
    )
    return [sessions, members, pledges, ranking, satisfaction]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _fulfilment(s: CategorySummary) -> float | None:
    """Kept pledges (fulfilled, or evaluated above 不合格) out of those that reached their end: fulfilled,
    evaluated or closed as 未兑现 (pledges still being kept, waiting for review, or withdrawn do not count)."""
    kept = (
        s.states.get(PledgeState.FULFILLED, 0)
        + s.states.get(PledgeState.EVALUATED, 0)
        - s.grades.get(PledgeGrade.FAIL, 0)
    )
    counted = s.total - s.states.get(PledgeState.WITHDRAWN, 0) - s.states.get(PledgeState.DRAFT, 0)
    counted -= s.states.get(PledgeState.PUBLISHED, 0)
    counted -= s.states.get(PledgeState.SUBMITTED, 0) + s.states.get(PledgeState.RETURNED, 0)
    return _rate(kept, counted)


def _met(met: bool | None, lang: str | None) -> str:
    return t(
        "term_report.met_none" if met is None else "term_report.met_yes" if met else "term_report.met_no", lang=lang
    )


def export_term_report(c: Campaign, report: TermReport, out: Path, *, encoding: str = "utf-8") -> Path:
    """Write the report as ``.pdf``, ``.xlsx`` or ``.csv`` (``encoding`` utf-8 or gbk) and audit it; a bare file
    name goes into the exports folder. Returns the absolute path written."""
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx", ".csv"):
        raise Refused("term_report.bad_format", suffix=suffix or "?")
    out = export_path(c, out)
    if suffix == ".pdf":
        from .term_report_pdf import write_pdf

        path = write_pdf(c, report, out)
    elif suffix == ".xlsx":
        path = write_xlsx(out, report_sheets(c, report), title=report.title)
    elif suffix == ".csv":
        path = write_csv(out, report_sheets(c, report), title=report.title, encoding=encoding)
    else:
        raise Refused("term_report.bad_format", suffix=suffix or "?")
    with c.store.transaction():
        c.audit("report.term", file=path.name, first=report.first.isoformat(), last=report.last.isoformat())
    return path
