"""互评 at the kiosk: other members' fulfilled pledges this member has not rated yet, while the secretary's
evaluation window is open. One rating per pledge, never one's own (the campaign refuses both, and the refusal
is shown); nobody sees who rated what.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, DataTable, Static

from campaign.i18n import t
from campaign.pledge_queries import PledgeLine, pledges_to_rate
from campaign.pledge_ratings import rate_pledge
from storage.records import Member, PledgeGrade
from tui.screens.admin.calls import Failed
from tui.screens.admin.tables import refill, selected_key
from tui.text import cell, literal, member_name, message
from tui.widgets.pledge_text import pledge_summary

from .kiosk_pledge_base import KioskPledgeScreen


class KioskPledgeRate(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_rate.tcss"
    AUTO_FOCUS = "#rate-table"
    MESSAGE_ID = "rate-message"

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member
        self.lines: list[PledgeLine] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="rate"):
            yield Static(message("kiosk_pledges.rate_title", "bold $primary", name=member_name(self.member)))
            yield Static(message("kiosk_pledges.rate_hint"), id="rate-hint")
            table: DataTable[object] = DataTable(id="rate-table", cursor_type="row", zebra_stripes=True)
            for key in ("col_name", "col_category", "col_text"):
                table.add_column(cell(t(f"kiosk_pledges.{key}")), key=key)
            yield table
            yield Static(id="rate-detail")
            yield Static(id="rate-message")
            with Horizontal(id="rate-grades"):
                for grade in PledgeGrade:
                    yield Button(message(f"pledges.grade_{grade}"), id=f"rate-{grade}")
                yield Button(message("kiosk_pledges.back"), id="rate-back")

    async def on_mount(self) -> None:
        await self.load()

    async def load(self) -> None:
        c, code = self.kiosk.campaign, self.member.code
        lines = await self.call(lambda: pledges_to_rate(c, code))
        if not self.is_attached:
            return
        if isinstance(lines, Failed):
            self.say(lines.message, problem=True)
            return
        self.lines = lines
        text_width = max(16, self.size.width - 44)
        refill(
            self.query_one("#rate-table", DataTable),
            (
                (
                    line.id,
                    (
                        cell(line.name, max_width=16),
                        cell(t(f"pledges.category_{line.pledge.category}"), max_width=14),
                        cell(line.pledge.text, max_width=text_width),
                    ),
                )
                for line in lines
            ),
        )
        if not lines:
            self.query_one("#rate-detail", Static).update(message("kiosk_pledges.rate_none"))
        self.show_selected()

    def selected(self) -> PledgeLine | None:
        key = selected_key(self.query_one("#rate-table", DataTable))
        return next((line for line in self.lines if line.id == key), None)

    @on(DataTable.RowHighlighted, "#rate-table")
    def show_selected(self) -> None:
        line = self.selected()
        if line is None:
            return
        who = literal(f"{line.name} · {line.school}", "bold")
        self.query_one("#rate-detail", Static).update(Content("\n").join([who, pledge_summary(line.pledge)]))

    @on(DataTable.RowSelected, "#rate-table")
    def to_grades(self) -> None:
        self.query_one(f"#rate-{PledgeGrade.EXCELLENT}", Button).focus()

    @on(Button.Pressed, "#rate-grades Button")
    async def rate(self, event: Button.Pressed) -> None:
        if event.button.id == "rate-back":
            self.app.pop_screen()
            return
        line = self.selected()
        if line is None or event.button.id is None:
            self.say(message("kiosk_pledges.rate_choose"), problem=True)
            return
        c, code, pid = self.kiosk.campaign, self.member.code, line.id
        grade = PledgeGrade(event.button.id.removeprefix("rate-"))
        done = await self.call(lambda: rate_pledge(c, code, pid, grade))
        if not self.is_attached:
            return
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
            return
        self.say(message("kiosk_pledges.rated", "bold $success", grade=t(f"pledges.grade_{grade}"), name=line.name))
        await self.load()
        self.query_one("#rate-table").focus()
