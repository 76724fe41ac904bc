"""The branch dashboard (五个好): attendance per session, pledges kept by category, parent satisfaction against the
target with its Wilson lower bound, and the points distribution; bar charts with their numbers beside them.

Figures come from :mod:`campaign.dashboard` (and the points module for the totals); nothing is computed here but
their wording. ``m``/``t``/``y``/``a`` choose the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from campaign.context import Campaign
from campaign.dashboard import Dashboard
from campaign.i18n import t
from tui.points_view import PERIODS, BoardView, Trouble, calmly, dashboard_view, period_title
from tui.text import literal, one_line
from tui.widgets.bar_chart import Bar, BarChart

from .points_base import PointsAdminScreen

#: From this many columns on, the charts stand two by two.
WIDE = 160
#: At most this many sessions are charted (the latest); older ones are in the attendance reports.
MAX_SESSIONS = 12


def pct(x: float | None) -> str:
    return t("points_ui.dash_none") if x is None else f"{x:.1%}"


def rate_figure(rate: float | None, part: int, whole: int) -> str:
    return (
        t("points_ui.dash_none") if rate is None else t("points_ui.dash_rate", rate=pct(rate), part=part, whole=whole)
    )


def attendance_bars(d: Dashboard) -> list[Bar]:
    return [
        Bar(
            f"{s.day:%m-%d} {one_line(s.session.title)}",
            s.rate,
            rate_figure(s.rate, s.attended, s.expected),
            "$success" if s.rate is not None and s.rate >= 0.9 else "$warning",
        )
        for s in d.sessions[-MAX_SESSIONS:]
    ]


def pledge_bars(d: Dashboard) -> list[Bar]:
    return [Bar(t(f"points_ui.category_{p.category}"), p.rate, rate_figure(p.rate, p.kept, p.owed)) for p in d.pledges]


def satisfaction_bars(d: Dashboard) -> list[Bar]:
    s = d.satisfaction
    ok = s.meets(d.target)
    sure = s.confidently_meets(d.target)
    rate_style = "$success" if ok else "$error"
    low_style = "$success" if sure else "$warning"
    return [
        Bar(t("points_ui.dash_satisfaction_rate"), s.rate, pct(s.rate), rate_style),
        Bar(t("points_ui.dash_satisfaction_low"), s.wilson_low, pct(s.wilson_low), low_style),
    ]


def satisfaction_verdict(d: Dashboard) -> str:
    s = d.satisfaction
    if s.rate is None:
        return t("points_ui.dash_none")
    if not s.meets(d.target):
        verdict = t("points_ui.dash_target_not_met")
    elif s.confidently_meets(d.target):
        verdict = t("points_ui.dash_target_met")
    else:
        verdict = t("points_ui.dash_target_unsure")
    return f"{t('points_ui.dash_satisfaction_n', n=s.n)} · {verdict}"


def points_bars(d: Dashboard) -> list[Bar]:
    return [
        Bar(
            t("points_ui.dash_bucket", low=b.low, high=b.high),
            float(b.members),
            t("points_ui.dash_members", count=b.members),
        )
        for b in d.points
    ]


class DashboardScreen(PointsAdminScreen):
    """Construct with the campaign; loads the figures of the period in a worker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="points-dash.back"),
        Binding("m", "period('month')", "points_ui.key_month", id="points-dash.month"),
        Binding("t", "period('term')", "points_ui.key_term", id="points-dash.term"),
        Binding("y", "period('year')", "points_ui.key_year", id="points-dash.year"),
        Binding("a", "period('all')", "points_ui.key_all", id="points-dash.all"),
    ]

    @dataclass
    class Loaded(Message):
        period: str
        board: BoardView
        dashboard: Dashboard

    @dataclass
    class Failed(Message):
        message: str

    def __init__(self, campaign: Campaign, period: str = "term") -> None:
        super().__init__()
        self.campaign = campaign
        self.period = period

    def compose(self) -> ComposeResult:
        yield Static(id="dash-title", classes="screen-title")
        with VerticalScroll(id="dash-body"):
            for name in ("satisfaction", "attendance", "pledges", "points"):
                with Vertical(classes="dash-section"):
                    yield Static(id=f"dash-{name}-title", classes="dash-heading")
                    yield BarChart(id=f"dash-{name}")
                    if name == "satisfaction":
                        yield Static(id="dash-satisfaction-note", classes="dash-note")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        # A staffroom screen shows the four charts two by two; an SSH window one under the other.
        self.set_class(event.size.width >= WIDE, "-wide")

    def on_mount(self) -> None:
        self.query_one("#dash-title", Static).update(literal(t("points_ui.dash_title"), "bold"))
        self.load()

    @work(thread=True, exclusive=True, group="points-dashboard")
    def load(self) -> None:
        c, period = self.campaign, self.period
        figures = calmly(lambda: dashboard_view(c, period))
        if isinstance(figures, Trouble):
            self.post_message(self.Failed(figures.message))
            return
        board, dashboard = figures
        self.post_message(self.Loaded(period, board, dashboard))

    def action_period(self, period: str) -> None:
        if period in PERIODS:
            self.period = period
            self.load()

    def on_dashboard_screen_failed(self, event: Failed) -> None:
        self.query_one("#dash-title", Static).update(literal(event.message, "bold $error"))

    def on_dashboard_screen_loaded(self, event: Loaded) -> None:
        if event.period != self.period:
            return
        d = event.dashboard
        heading = Content.assemble(
            (t("points_ui.dash_title"), "bold"), "  ·  ", (period_title(event.board), "bold $secondary")
        )
        self.query_one("#dash-title", Static).update(heading)
        self.section(
            "satisfaction",
            t("points_ui.dash_satisfaction", target=f"{d.target:.0%}"),
            satisfaction_bars(d),
            scale=1.0,
            marker=d.target,
        )
        self.query_one("#dash-satisfaction-note", Static).update(literal(satisfaction_verdict(d)))
        self.section("attendance", t("points_ui.dash_attendance"), attendance_bars(d), scale=1.0)
        self.section("pledges", t("points_ui.dash_pledges"), pledge_bars(d), scale=1.0)
        self.section("points", t("points_ui.dash_points"), points_bars(d))

    def section(
        self, name: str, title: str, bars: list[Bar], *, scale: float | None = None, marker: float | None = None
    ) -> None:
        self.query_one(f"#dash-{name}-title", Static).update(literal(title, "bold $secondary"))
        chart = self.query_one(f"#dash-{name}", BarChart)
        chart.show(bars, scale=scale, marker=marker)
        if not bars:
            chart.show([Bar(t("points_ui.dash_none"), None, "")])
