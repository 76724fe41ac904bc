"""Attendance reports for the secretary: by session and by member over a date range, exported as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Input, Static

from campaign import reports
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.exports import as_text
from campaign.i18n import t
from tui import limits
from tui.text import cell, literal

from .base import AdminScreen
from .calls import Failed, attempt
from .tables import refill


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Refused("reports.bad_date", text=text) from None


def build(c: Campaign, first: str, last: str) -> reports.AttendanceReport:
    return reports.attendance_report(c, parse_day(first), parse_day(last))


def fill(table: DataTable[object], rows: Sequence[Sequence[object]]) -> None:
    table.clear(columns=True)
    header, *body = rows
    for i, label in enumerate(header):
        table.add_column(cell(str(label)), key=str(i))
    refill(table, ((str(n), [cell(as_text(v), max_width=30) for v in row]) for n, row in enumerate(body)))


class ReportsScreen(AdminScreen):
    """Pick a range, look at the two tables, export them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="reports.back"),
        Binding("ctrl+t", "term_report", "admin_term_report.menu", id="reports.term"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign

    def compose(self) -> ComposeResult:
        today = self.campaign.now().date()
        first = today - timedelta(days=30)
        yield Static(literal(t("admin.menu_reports"), "bold"), classes="screen-title")
        with Horizontal(id="report-range"):
            yield Input(first.isoformat(), placeholder="YYYY-MM-DD", id="report-from", max_length=limits.DATE)
            yield Input(today.isoformat(), placeholder="YYYY-MM-DD", id="report-to", max_length=limits.DATE)
            yield Button(literal(t("admin.report_show")), id="report-show")
        with Horizontal(id="report-export"):
            yield Input(f"attendance-{first}-{today}.xlsx", id="report-out", max_length=limits.PATH)
            yield Button(literal(t("admin.report_export")), id="report-write", variant="primary")
        yield Static("", id="report-summary")
        yield Static(literal(t("reports.sheet_sessions"), "bold"))
        yield DataTable(id="report-sessions", zebra_stripes=True)
        yield Static(literal(t("reports.sheet_members"), "bold"))
        yield DataTable(id="report-members", zebra_stripes=True)
        yield Footer()

    def action_term_report(self) -> None:
        from .term_report import term_report_form

        def written(path: Path | None) -> None:
            if path is not None:
                self.notify(t("admin_term_report.written", path=str(path)), markup=False, timeout=15)

        self.app.push_screen(term_report_form(self.campaign), written)

    def range(self) -> tuple[str, str]:
        return self.query_one("#report-from", Input).value, self.query_one("#report-to", Input).value

    async def on_mount(self) -> None:
        await self.show()

    @on(Button.Pressed, "#report-show")
    @on(Input.Submitted, "#report-from, #report-to")
    async def show(self) -> None:
        c, (first, last) = self.campaign, self.range()
        result = await attempt(self, lambda: build(c, first, last))
        if isinstance(result, Failed):
            self.say(result.message)
            return
        self.say("")
        fill(self.query_one("#report-sessions", DataTable), reports.session_table(c, result))
        fill(self.query_one("#report-members", DataTable), reports.member_table(result))

    @on(Button.Pressed, "#report-write")
    @on(Input.Submitted, "#report-out")
    async def export(self) -> None:
        c, (first, last) = self.campaign, self.range()
        out = Path(self.query_one("#report-out", Input).value.strip()).expanduser()

        def write() -> tuple[Path, reports.AttendanceReport]:
            report = build(c, first, last)
            return reports.export_report(c, report, out), report

        result = await attempt(self, write)
        if isinstance(result, Failed):
            self.say(result.message)
            return
        path, report = result
        self.say(t("reports.written", path=str(path), sessions=len(report.sessions), members=len(report.members)))

    def say(self, text: str) -> None:
        self.query_one("#report-summary", Static).update(literal(text))
