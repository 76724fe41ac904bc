"""The secretary's points leaderboard, and the way to everything about points: rules, a member's breakdown (with
adjustments and their undo), the branch dashboard, and the board's export as CSV or XLSX.

``m``/``t``/``y``/``a`` choose the period, ``b`` members or schools; Enter on a member opens their breakdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from campaign.context import Campaign
from campaign.i18n import t
from tui.points_view import (
    PERIODS,
    AdminRow,
    BoardView,
    Trouble,
    admin_board_view,
    calmly,
    export_board,
    period_title,
    rules_warning,
)
from tui.text import cell, literal
from tui.widgets.board import points_text

from .form import Field, FormScreen
from .points_base import PointsAdminScreen, fill_sized
from .tables import selected_key


def columns(by: str) -> list[str]:
    if by == "school":
        return ["col_rank", "col_school", "col_points", "col_members"]
    return ["col_rank", "col_name", "col_school", "col_code", "col_points"]


class PointsBoardScreen(PointsAdminScreen):
    """Construct with the campaign."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="points.back"),
        Binding("m", "period('month')", "points_ui.key_month", id="points.month"),
        Binding("t", "period('term')", "points_ui.key_term", id="points.term"),
        Binding("y", "period('year')", "points_ui.key_year", id="points.year"),
        Binding("a", "period('all')", "points_ui.key_all", id="points.all"),
        Binding("b", "switch_by", "points_ui.key_by", id="points.by"),
        Binding("enter", "breakdown", "points_ui.key_breakdown", id="points.breakdown"),
        Binding("u", "rules", "points_ui.key_rules", id="points.rules"),
        Binding("d", "dashboard", "points_ui.key_dashboard", id="points.dashboard"),
        Binding("x", "export", "points_ui.key_export", id="points.export"),
    ]

    @dataclass
    class Loaded(Message):
        view: BoardView | Trouble
        warning: str

    def __init__(self, campaign: Campaign, period: str = "term", by: str = "member") -> None:
        super().__init__()
        self.campaign = campaign
        self.period = period
        self.by = by

    def compose(self) -> ComposeResult:
        yield Static(literal(t("points_ui.admin_title"), "bold"), id="points-title", classes="screen-title")
        yield Static(id="points-warning", classes="points-warning")
        table: DataTable[object] = DataTable(id="points-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(literal(t("points_ui.admin_hint")), id="points-status", classes="points-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#points-warning").display = False

    def on_screen_resume(self) -> None:
        # Shown first, or back from a breakdown (an adjustment may have changed the board).
        self.load()

    @work(thread=True, exclusive=True, group="points-board")
    def load(self) -> None:
        c = self.campaign
        period, by = self.period, self.by
        warning = calmly(lambda: rules_warning(c, "board"))
        self.post_message(
            self.Loaded(
                calmly(lambda: admin_board_view(c, period, by)), "" if isinstance(warning, Trouble) else warning
            )
        )

    def on_points_board_screen_loaded(self, event: Loaded) -> None:
        view = event.view
        if isinstance(view, Trouble):
            self.query_one("#points-status", Static).update(literal(view.message, "bold $error"))
            return
        if view.period != self.period or view.by != self.by:
            return
        title = Content.assemble((t("points_ui.admin_title"), "bold"), "  ·  ", (period_title(view), "bold $secondary"))
        self.query_one("#points-title", Static).update(title)
        warning = self.query_one("#points-warning", Static)
        warning.update(literal(event.warning, "bold $warning"))
        warning.display = bool(event.warning)
        headings = [(key, t(f"points_ui.{key}")) for key in columns(view.by)]
        fill_sized(self.query_one(DataTable), headings, [(row.key, self.cells(row)) for row in view.admin_rows])

    def cells(self, row: AdminRow) -> list[Text]:
        if self.by == "school":
            return [
                cell(str(row.rank)),
                cell(row.name, max_width=30),
                cell(points_text(row.points)),
                cell(str(row.members)),
            ]
        return [
            cell(str(row.rank)),
            cell(row.name, max_width=24),
            cell(row.school, max_width=20),
            cell(row.key, max_width=16),
            cell(points_text(row.points)),
        ]

    def action_period(self, period: str) -> None:
        if period in PERIODS:
            self.period = period
            self.load()

    def action_switch_by(self) -> None:
        self.by = "school" if self.by == "member" else "member"
        self.load()

    @on(DataTable.RowSelected, "#points-table")
    def chosen(self) -> None:
        self.action_breakdown()

    def action_breakdown(self) -> None:
        from .points_member import PointsMemberScreen

        code = selected_key(self.query_one(DataTable)) if self.by == "member" else None
        self.app.push_screen(PointsMemberScreen(self.campaign, code, self.period))

    def action_rules(self) -> None:
        from .points_rules import RulesScreen

        self.app.push_screen(RulesScreen(self.campaign))

    def action_dashboard(self) -> None:
        from .points_dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen(self.campaign, self.period))

    def action_export(self) -> None:
        c, period, by = self.campaign, self.period, self.by
        default = f"leaderboard-{by}-{period}-{c.now().date().isoformat()}.xlsx"
        fields = [Field("path", t("points_ui.export_path"), default)]

        def save(values: dict[str, str]) -> tuple[int, Path]:
            return export_board(c, period, by, Path(values["path"].strip()).expanduser())

        def done(result: tuple[int, Path] | None) -> None:
            if result is not None:
                rows, path = result
                self.query_one("#points-status", Static).update(
                    literal(t("points_ui.exported", rows=rows, path=str(path)))
                )

        self.app.push_screen(FormScreen(t("points_ui.export_title"), fields, save, t("points_ui.export_save")), done)
