"""Under a sign-in result: the member's pledges due within the next days, and a way to their pledges.

Loaded in a worker after the result is on screen, so the sign-in itself is as fast as ever. Shown only after a
sign-in that proved who the member is (on time, late, or already signed in: each needed the right PIN).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from campaign.errors import Refused
from campaign.pledge_queries import PledgeLine, due_soon
from storage.errors import StoreError
from storage.records import Member
from tui.kiosk import Outcome, OutcomeKind
from tui.text import fit, literal, message

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: Sign-in outcomes after which the member may go on to their pledges.
PROVEN = (OutcomeKind.ON_TIME, OutcomeKind.LATE, OutcomeKind.ALREADY)
#: How many due pledges are named (the rest are counted).
NAMED = 2


def due_lines(lines: list[PledgeLine], days: int) -> Content:
    if not lines:
        return message("kiosk_pledges.nudge_none", days=days)
    parts = [message("kiosk_pledges.nudge_due", "bold $warning", count=len(lines), days=days)]
    for line in lines[:NAMED]:
        parts.append(literal(f"· {line.pledge.due:%m-%d}  {fit(line.pledge.text, 56)}"))
    return Content("\n").join(parts)


class PledgeNudge(Vertical):
    DEFAULT_CSS = """
    PledgeNudge {
        width: 72;
        max-width: 100%;
        height: auto;
        display: none;
        margin-top: 1;
    }
    PledgeNudge > Static {
        width: 100%;
        text-align: center;
    }
    """

    @dataclass
    class Loaded(Message):
        lines: list[PledgeLine]
        #: How many days ahead "due soon" looks (a setting).
        days: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.member: Member | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="nudge-due")
        with Center():
            yield Button(message("kiosk_pledges.nudge_button"), id="nudge-mine")

    def show(self, outcome: Outcome) -> None:
        """After ``outcome``: load and show the member's due pledges, or stay hidden."""
        if outcome.kind not in PROVEN or outcome.member is None:
            self.display = False
            return
        self.member = outcome.member
        self.query_one("#nudge-mine", Button).label = message("kiosk_pledges.nudge_button")
        self.load(outcome.member.code)

    @work(thread=True, exclusive=True, group="pledge-nudge")
    def load(self, code: str) -> None:
        try:
            c = self.kiosk.campaign
            days = c.settings.pledge_due_soon_days
            lines = due_soon(c, code, days)
        except (Refused, StoreError):
            return  # a sign-in result never fails for want of this line
        self.post_message(self.Loaded(lines, days))

    def on_pledge_nudge_loaded(self, event: Loaded) -> None:
        self.query_one("#nudge-due", Static).update(due_lines(event.lines, event.days))
        self.display = True

    @on(Button.Pressed, "#nudge-mine")
    def to_pledges(self) -> None:
        if self.member is None:
            return
        from tui.screens.kiosk_pledge_mine import KioskPledgeMine

        self.app.push_screen(KioskPledgeMine(self.member))
