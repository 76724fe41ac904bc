"""One of a member's pledges in full (notes and history), with the steps its state allows right now.

Draft or returned: submit it for review (or withdraw it). Published: add a progress note (here or on the phone),
mark it fulfilled with evidence, or withdraw it. Fulfilled: self-assess. What the state machine does not allow
is not offered; what the campaign refuses anyway is shown as its message.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from campaign.context import Campaign
from campaign.pledge_rules import Action, allowed
from campaign.pledges import as_member, get_pledge, submit_pledge
from storage.records import Member, Pledge
from tui.screens.admin.calls import Failed
from tui.text import literal, member_name, message
from tui.widgets.pledge_text import pledge_full

from .kiosk_pledge_base import KioskPledgeScreen

#: The buttons, in order: (id, label key, the step it takes).
STEPS: tuple[tuple[str, str, Action], ...] = (
    ("detail-edit", "kiosk_pledges.edit", Action.EDIT),
    ("detail-submit", "kiosk_pledges.submit", Action.SUBMIT),
    ("detail-progress", "kiosk_pledges.progress", Action.PROGRESS),
    ("detail-phone", "kiosk_pledges.progress_phone", Action.PROGRESS),
    ("detail-fulfil", "kiosk_pledges.fulfil", Action.FULFIL),
    ("detail-self", "kiosk_pledges.self_assess", Action.SELF_ASSESS),
    ("detail-withdraw", "kiosk_pledges.withdraw", Action.WITHDRAW),
)


def own_pledge(c: Campaign, code: str, pledge_id: str) -> Pledge:
    pledge = get_pledge(c, pledge_id)
    if pledge.member != code:
        from campaign.errors import Refused

        raise Refused("pledges.not_yours", id=pledge_id)
    return pledge


class KioskPledgeDetail(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_detail.tcss"
    MESSAGE_ID = "detail-message"

    def __init__(self, member: Member, pledge_id: str) -> None:
        super().__init__()
        self.member = member
        self.pledge_id = pledge_id
        self.pledge: Pledge | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="detail"):
            yield Static(literal(member_name(self.member), "bold $primary"), id="detail-title")
            with VerticalScroll(id="detail-scroll"):
                yield Static(id="detail-body")
            yield Static(id="detail-message")
            with Horizontal(id="detail-actions"):
                for button_id, key, _ in STEPS:
                    yield Button(message(key), id=button_id)
                yield Button(message("kiosk_pledges.back"), id="detail-back")

    async def on_screen_resume(self) -> None:
        await self.load()

    async def load(self) -> None:
        c, code, pid = self.kiosk.campaign, self.member.code, self.pledge_id
        pledge = await self.call(lambda: own_pledge(c, code, pid))
        if not self.is_attached:
            return
        if isinstance(pledge, Failed):
            self.say(pledge.message, problem=True)
            return
        self.pledge = pledge
        self.query_one("#detail-body", Static).update(pledge_full(pledge, self.kiosk.tz))
        first: Button | None = None
        for button_id, _, step in STEPS:
            button = self.query_one(f"#{button_id}", Button)
            button.display = allowed(step, pledge.state)
            if button.display and first is None:
                first = button
        (first or self.query_one("#detail-back", Button)).focus()

    @on(Button.Pressed, "#detail-submit")
    async def submit(self) -> None:
        c, code, pid = self.kiosk.campaign, self.member.code, self.pledge_id
        done = await self.call(lambda: submit_pledge(c, as_member(code), pid))
        if not self.is_attached:
            return
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
            return
        self.say(message("kiosk_pledges.submitted", "bold $success"))
        await self.load()

    @on(Button.Pressed, "#detail-progress, #detail-fulfil, #detail-self, #detail-withdraw")
    def write(self, event: Button.Pressed) -> None:
        if self.pledge is None or event.button.id is None:
            return
        from .kiosk_pledge_write import KioskPledgeWrite

        mode = event.button.id.removeprefix("detail-")
        self.app.push_screen(KioskPledgeWrite(self.member, self.pledge, mode))

    @on(Button.Pressed, "#detail-edit")
    def edit(self) -> None:
        if self.pledge is None:
            return
        from .kiosk_pledge_new import KioskPledgeNew

        self.app.push_screen(KioskPledgeNew(self.member, self.pledge))

    @on(Button.Pressed, "#detail-phone")
    def on_phone(self) -> None:
        from .kiosk_pledge_phone import KioskPledgePhone

        self.app.push_screen(KioskPledgePhone(self.member, self.pledge_id))

    @on(Button.Pressed, "#detail-back")
    def back(self) -> None:
        self.app.pop_screen()
