"""A member's own pledges at the kiosk (after their PIN): the list, the chosen one in full, and what to do next.

Enter (or "open") on a pledge shows it with the steps its state allows; "new pledge" writes one (templates, typed,
or on the phone); "rate others" lists peers' fulfilled pledges while the secretary's evaluation window is open.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Static

from campaign.context import Campaign
from campaign.i18n import t
from campaign.pledge_queries import PledgeLine, member_pledges, pledges_to_rate
from campaign.pledge_ratings import current_window
from storage.records import Member
from tui.screens.admin.calls import Failed
from tui.screens.admin.tables import refill, selected_key
from tui.text import cell, member_name, message
from tui.widgets.pledge_text import pledge_summary

from .kiosk_pledge_base import KioskPledgeScreen


@dataclass(frozen=True)
class MineView:
    lines: list[PledgeLine]
    window_open: bool
    to_rate: int


def mine_view(c: Campaign, code: str) -> MineView:
    window = current_window(c) is not None
    return MineView(member_pledges(c, code), window, len(pledges_to_rate(c, code)) if window else 0)


class KioskPledgeMine(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_mine.tcss"
    AUTO_FOCUS = "#mine-table"
    MESSAGE_ID = "mine-message"

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member
        self.view: MineView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="mine"):
            yield Static(id="mine-title")
            yield Static(id="mine-window")
            table: DataTable[object] = DataTable(id="mine-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="mine-detail")
            yield Static(id="mine-message")
            with Horizontal(id="mine-actions"):
                yield Button("", id="mine-open", variant="primary")
                yield Button("", id="mine-new")
                yield Button("", id="mine-rate")
                yield Button("", id="mine-back")

    def on_mount(self) -> None:
        self.paint()

    async def on_screen_resume(self) -> None:
        await self.load()

    def retranslate(self) -> None:
        self.paint()
        self.fill()

    async def load(self) -> None:
        c, code = self.kiosk.campaign, self.member.code
        view = await self.call(lambda: mine_view(c, code))
        if not self.is_attached:
            return
        if isinstance(view, Failed):
            self.say(view.message, problem=True)
            return
        self.view = view
        self.paint()
        self.fill()

    def paint(self) -> None:
        title = message("kiosk_pledges.mine_title", name=member_name(self.member))
        self.query_one("#mine-title", Static).update(title)
        self.query_one("#mine-open", Button).label = message("kiosk_pledges.open")
        self.query_one("#mine-new", Button).label = message("kiosk_pledges.new")
        self.query_one("#mine-rate", Button).label = message("kiosk_pledges.rate")
        self.query_one("#mine-back", Button).label = message("kiosk_pledges.done")
        view = self.view
        window = self.query_one("#mine-window", Static)
        rate = self.query_one("#mine-rate", Button)
        if view is not None and view.window_open:
            window.update(message("kiosk_pledges.window_open", count=view.to_rate))
            rate.disabled = view.to_rate == 0
        else:
            window.update(message("kiosk_pledges.window_closed"))
            rate.disabled = True
        self.query_one("#mine-open", Button).disabled = view is None or not view.lines

    def fill(self) -> None:
        table = self.query_one("#mine-table", DataTable)
        if not table.columns:
            for key in ("col_due", "col_state", "col_category", "col_text"):
                table.add_column(cell(t(f"kiosk_pledges.{key}")), key=key)
        lines = self.view.lines if self.view is not None else []
        # The pledge column takes what the others leave, so no row scrolls sideways at 80 columns.
        text_width = max(16, self.size.width - 58)
        refill(
            table,
            (
                (
                    line.id,
                    (
                        cell(line.pledge.due.isoformat()),
                        cell(t(f"pledges.state_{line.pledge.state}")),
                        cell(t(f"pledges.category_{line.pledge.category}"), max_width=14),
                        cell(line.pledge.text, max_width=text_width),
                    ),
                )
                for line in lines
            ),
        )
        if not lines:
            self.query_one("#mine-detail", Static).update(message("kiosk_pledges.mine_empty"))
        else:
            self.show_selected()

    def selected(self) -> PledgeLine | None:
        key = selected_key(self.query_one("#mine-table", DataTable))
        lines = self.view.lines if self.view is not None else []
        return next((line for line in lines if line.id == key), None)

    @on(DataTable.RowHighlighted, "#mine-table")
    def show_selected(self) -> None:
        line = self.selected()
        detail = self.query_one("#mine-detail", Static)
        detail.update(pledge_summary(line.pledge) if line is not None else Content(""))

    @on(DataTable.RowSelected, "#mine-table")
    @on(Button.Pressed, "#mine-open")
    def open_pledge(self) -> None:
        line = self.selected()
        if line is None:
            return
        from .kiosk_pledge_detail import KioskPledgeDetail

        self.app.push_screen(KioskPledgeDetail(self.member, line.id))

    @on(Button.Pressed, "#mine-new")
    def new_pledge(self) -> None:
        from .kiosk_pledge_new import KioskPledgeNew

        self.app.push_screen(KioskPledgeNew(self.member))

    @on(Button.Pressed, "#mine-rate")
    def rate_peers(self) -> None:
        from .kiosk_pledge_rate import KioskPledgeRate

        self.app.push_screen(KioskPledgeRate(self.member))

    @on(Button.Pressed, "#mine-back")
    def finished(self) -> None:
        self.kiosk.go_home()

    def action_back(self) -> None:
        self.kiosk.go_home()
