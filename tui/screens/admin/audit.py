"""The audit log for the secretary: every action, oldest first, a page at a time, from a chosen day on."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Static

from campaign import audit_log
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from storage.records import AuditEntry
from tui.text import cell, literal

from .base import AdminScreen
from .calls import Failed, attempt
from .tables import refill

#: Entries per page: enough to fill a staffroom screen, few enough that a page draws at once.
PAGE_SIZE = 100


def parse_since(text: str) -> date | None:
    """The day typed in the filter (empty: the whole log); refused if it is no date."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused("audit.bad_date", text=text) from None


class AuditScreen(AdminScreen):
    """Read the audit log; construct with the campaign: ``AuditScreen(c)``. Opens on the last (newest) page."""

    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = ["admin.tcss", "audit.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "audit.key_back", id="audit.back"),
        Binding("p", "page(-1)", "audit.key_prev", id="audit.prev"),
        Binding("n", "page(1)", "audit.key_next", id="audit.next"),
        Binding("home", "first", "audit.key_first", id="audit.first", show=False),
        Binding("end", "last", "audit.key_last", id="audit.last", show=False),
        Binding("d", "filter", "audit.key_since", id="audit.since"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.page_number = -1
        self.pages = 1
        self.shown: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield Static(literal(t("audit.title"), "bold"), classes="screen-title", id="audit-title")
        with Horizontal(id="audit-filter"):
            yield Static(literal(t("audit.since_label")), id="audit-since-label")
            yield Input(placeholder="YYYY-MM-DD", id="audit-since", max_length=10)
        yield Static("", id="audit-status")
        table: DataTable[object] = DataTable(id="audit-table", zebra_stripes=True, cursor_type="row")
        for key in ("at", "actor", "action", "detail"):
            table.add_column(cell(t(f"audit.col_{key}")), key=key)
        yield table
        # The highlighted action's details in full (the table cuts long ones at the screen's edge).
        yield Static("", id="audit-detail")
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.focus()
        await self.show()
        # The newest action is what the secretary usually looks for: start on it, at the bottom of the last page.
        if table.row_count:
            table.move_cursor(row=table.row_count - 1, animate=False)

    async def show(self) -> None:
        c, number = self.campaign, self.page_number
        text = self.query_one("#audit-since", Input).value
        result = await attempt(self, lambda: audit_log.page(c, parse_since(text), number, PAGE_SIZE))
        if isinstance(result, Failed):
            self.say(result.message, problem=True)
            return
        self.page_number, self.pages = result.page, result.pages
        self.shown = result.entries
        table = self.query_one("#audit-table", DataTable)
        rows = [
            (
                str(result.page * PAGE_SIZE + i),
                [
                    cell(f"{e.at.astimezone(c.tz):%Y-%m-%d %H:%M:%S}"),
                    cell(e.actor, max_width=20),
                    cell(e.action, max_width=24),
                    cell(audit_log.detail_text(e), max_width=120),
                ],
            )
            for i, e in enumerate(result.entries)
        ]
        refill(table, rows)
        page = t("audit.page", page=result.page + 1, pages=result.pages, count=result.total)
        self.say(page if rows else t("audit.empty"))

    @on(DataTable.RowHighlighted, "#audit-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self.shown[event.cursor_row] if 0 <= event.cursor_row < len(self.shown) else None
        self.query_one("#audit-detail", Static).update(literal(audit_log.detail_text(entry) if entry else ""))

    def say(self, text: str, *, problem: bool = False) -> None:
        status = self.query_one("#audit-status", Static)
        status.update(literal(text))
        status.set_class(problem, "-problem")

    async def action_page(self, step: int) -> None:
        target = self.page_number + step
        if 0 <= target < self.pages:
            self.page_number = target
            await self.show()

    async def action_first(self) -> None:
        self.page_number = 0
        await self.show()

    async def action_last(self) -> None:
        self.page_number = -1
        await self.show()

    def action_filter(self) -> None:
        self.query_one("#audit-since", Input).focus()

    @on(Input.Submitted, "#audit-since")
    async def since_changed(self) -> None:
        self.page_number = 0
        await self.show()
        self.query_one("#audit-table", DataTable).focus()
