"""Parent satisfaction for the secretary: the branch against its target, each school, each teacher, and comments.

For the month, term or year containing today, or all time (``m``/``t``/``y``/``a``): 满意率, the weighted score,
N (valid answers, 不了解 excluded), the 95% Wilson lower bound, and whether the target (``satisfaction_target``)
is met. Figures come from :mod:`campaign.satisfaction`; nothing is computed here but their formatting.

Parents' comments are shown only here. They are parents' text: every cell and the full comment below the table
are literal (a comment reading ``[@click=app.quit]x[/]`` is text, and clicking it does nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from campaign import feedback, roster
from campaign import satisfaction as sat
from campaign.context import Campaign
from campaign.i18n import t
from storage.records import Member
from tui.text import cell, literal

from .feedback_common import FeedbackBase, Problem
from .tables import refill, selected_key

SCHOOL_COLUMNS = ("col_school", "col_rate", "col_score", "col_n", "col_unknown", "col_low", "col_target")
TEACHER_COLUMNS = (
    "col_teacher",
    "col_school",
    "col_rate",
    "col_score",
    "col_n",
    "col_unknown",
    "col_low",
    "col_target",
)
COMMENT_COLUMNS = ("col_day", "col_teacher", "col_option", "col_comment")
#: Comments are cut to this many cells in the table; the selected one is shown whole below it.
COMMENT_WIDTH = 60


def percent(x: float | None) -> str:
    """A rate as shown: one decimal (``91.7%``), or a dash without valid answers."""
    return t("admin_feedback.none") if x is None else f"{x:.1%}"


def score(x: float | None) -> str:
    """A weighted score as shown: one decimal (``88.5``), or a dash without valid answers."""
    return t("admin_feedback.none") if x is None else f"{x:.1f}"


def met(s: sat.Satisfaction, target: float, min_n: int = 1) -> str:
    """Met / not met against ``target``; "too few" under ``min_n`` valid answers; a dash without any."""
    verdict = s.verdict(target, min_n)
    if verdict is sat.Verdict.NO_ANSWERS:
        return t("admin_feedback.none")
    if verdict is sat.Verdict.TOO_FEW:
        return t("slips.too_few_short")
    return t("admin_feedback.met") if verdict is sat.Verdict.MET else t("admin_feedback.not_met")


def figures(s: sat.Satisfaction, target: float, min_n: int = 1) -> list[str]:
    """The figures of one row, in column order: rate, score, N, 不了解, Wilson lower bound, target met."""
    verdict = met(s, target, min_n)
    return [percent(s.rate), score(s.score), str(s.n), str(s.unknown), percent(s.wilson_low), verdict]


def period_label(period: sat.Period, first: date | None, last: date | None) -> str:
    name = t(f"admin_feedback.period_{period}")
    if first is None or last is None:
        return name
    return t("admin_feedback.period_range", name=name, first=first.isoformat(), last=last.isoformat())


@dataclass(frozen=True)
class SatisfactionView:
    """Everything the screen shows for one period: the report, the members by code, the comments."""

    period: sat.Period
    report: sat.SatisfactionReport
    members: dict[str, Member]
    comments: list[sat.Comment]


def satisfaction_view(c: Campaign, period: sat.Period) -> SatisfactionView:
    """The figures and comments of the period containing today (reading only)."""
    first, last = sat.period_bounds(period, feedback.today(c))
    return SatisfactionView(
        period=period,
        report=sat.satisfaction_report(c, first, last),
        members={m.code: m for m in roster.list_members(c)},
        comments=sat.comments(c, None, first, last),
    )


class SatisfactionScreen(FeedbackBase):
    """Satisfaction by branch, school and teacher, and parents' comments; construct with the campaign."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="feedback-stats.back"),
        Binding("m", "period('month')", "admin_feedback.period_month", id="feedback-stats.month"),
        Binding("t", "period('term')", "admin_feedback.period_term", id="feedback-stats.term"),
        Binding("y", "period('year')", "admin_feedback.period_year", id="feedback-stats.year"),
        Binding("a", "period('all')", "admin_feedback.period_all", id="feedback-stats.all"),
    ]

    @dataclass
    class Loaded(Message):
        view: SatisfactionView

    def __init__(self, campaign: Campaign, period: sat.Period = sat.Period.TERM) -> None:
        super().__init__()
        self.campaign = campaign
        self.period = period
        self.comments: list[sat.Comment] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="stats-title", classes="screen-title")
        yield Static("", id="stats-branch")
        yield Static("", id="stats-target")
        yield Static(literal(t("admin_feedback.by_school"), "bold"), classes="stats-heading")
        yield self.table("stats-schools", SCHOOL_COLUMNS)
        yield Static(literal(t("admin_feedback.by_teacher"), "bold"), classes="stats-heading")
        yield self.table("stats-teachers", TEACHER_COLUMNS)
        yield Static(literal(t("admin_feedback.comments"), "bold"), classes="stats-heading")
        yield self.table("stats-comments", COMMENT_COLUMNS)
        yield Static("", id="stats-comment")
        yield Footer()

    @staticmethod
    def table(id: str, columns: tuple[str, ...]) -> DataTable[object]:
        table: DataTable[object] = DataTable(id=id, cursor_type="row", zebra_stripes=True)
        for key in columns:
            table.add_column(cell(t(f"admin_feedback.{key}")), key=key)
        return table

    def on_mount(self) -> None:
        self.load(self.period)

    def action_period(self, name: str) -> None:
        self.period = sat.Period(name)
        self.load(self.period)

    @work(thread=True, exclusive=True, group="feedback-stats")
    def load(self, period: sat.Period) -> None:
        c = self.campaign
        view = self.outcome(lambda: satisfaction_view(c, period))
        if view is not None:
            self.post_message(self.Loaded(view))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        view, report = message.view, message.view.report
        target = report.target
        self.line(
            "#stats-title", t("admin_feedback.stats_title", period=period_label(view.period, report.first, report.last))
        )
        branch = report.branch
        self.line(
            "#stats-branch",
            t(
                "admin_feedback.branch_line",
                rate=percent(branch.rate),
                score=score(branch.score),
                n=branch.n,
                unknown=branch.unknown,
                low=percent(branch.wilson_low),
            ),
        )
        verdict = report.verdict
        min_n = report.min_n
        words = {
            sat.Verdict.NO_ANSWERS: t("feedback.no_answers"),
            sat.Verdict.TOO_FEW: t("slips.too_few", n=branch.n, min_n=min_n),
            sat.Verdict.MET: t("feedback.target_met"),
            sat.Verdict.NOT_MET: t("feedback.target_not_met"),
        }
        target_line = self.query_one("#stats-target", Static)
        target_line.update(literal(t("admin_feedback.target_line", target=percent(target), verdict=words[verdict])))
        target_line.set_class(verdict is sat.Verdict.MET, "-met")
        target_line.set_class(verdict is sat.Verdict.NOT_MET, "-not-met")

        refill(
            self.query_one("#stats-schools", DataTable),
            (
                (school, [cell(school, max_width=24), *map(cell, figures(s, target, min_n))])
                for school, s in report.by_school.items()
            ),
        )
        refill(
            self.query_one("#stats-teachers", DataTable),
            (
                # Worst first: the teachers a secretary needs to talk to are at the top.
                (code, self.teacher_cells(view.members.get(code), code, s, target, min_n))
                for code, s in report.teachers_worst_first()
            ),
        )
        self.comments = view.comments
        refill(
            self.query_one("#stats-comments", DataTable),
            ((str(i), self.comment_cells(view.members, x)) for i, x in enumerate(self.comments)),
        )
        self.show_comment()

    @staticmethod
    def teacher_cells(
        member: Member | None, code: str, s: sat.Satisfaction, target: float, min_n: int = 1
    ) -> list[Text]:
        name = member.name if member else code
        school = member.school if member else ""
        return [cell(name, max_width=16), cell(school, max_width=20), *map(cell, figures(s, target, min_n))]

    @staticmethod
    def comment_cells(members: dict[str, Member], x: sat.Comment) -> list[Text]:
        member = members.get(x.member)
        return [
            cell(x.day.isoformat()),
            cell(member.name if member else x.member, max_width=16),
            cell(t(f"feedback.option_{x.option}")),
            cell(x.text, max_width=COMMENT_WIDTH),
        ]

    @on(DataTable.RowHighlighted, "#stats-comments")
    def show_comment(self) -> None:
        """The whole comment under the cursor, as the parent wrote it (newlines kept)."""
        key = selected_key(self.query_one("#stats-comments", DataTable))
        if not self.comments:
            self.line("#stats-comment", t("admin_feedback.no_comments"))
            return
        chosen = self.comments[int(key)] if key is not None and key.isdigit() else self.comments[0]
        self.line("#stats-comment", chosen.text)

    def line(self, selector: str, text: str) -> None:
        self.query_one(selector, Static).update(literal(text))

    @on(Problem)
    def show_problem(self, message: Problem) -> None:
        self.line("#stats-branch", message.text)
