"""Write it on your phone: a QR code of a short-lived, single-use link for this member (a new draft, or a
progress note on a published pledge); the kiosk asks every few seconds whether the phone has sent it, and shows
what arrived. A new draft is then sent for review from here.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from campaign.context import Campaign
from campaign.pledge_links import LinkResult, LinkState, PhoneLink, create_phone_link, phone_link_result
from campaign.pledges import as_member, get_pledge, submit_pledge
from storage.records import Member, Pledge
from tui.screens.admin.calls import Failed
from tui.text import literal, member_name, message
from tui.widgets.pledge_text import pledge_summary
from tui.widgets.qr_code import QrCode

from .kiosk_pledge_base import KioskPledgeScreen

#: How often the kiosk asks whether the phone has sent the form.
POLL_S = 2.0


def arrived(c: Campaign, code: str) -> tuple[LinkResult, Pledge | None]:
    """The link's state and, once used, the pledge it wrote (the new draft, or the pledge with the new note)."""
    result = phone_link_result(c, code)
    pledge = get_pledge(c, result.pledge_id) if result.state is LinkState.USED and result.pledge_id else None
    return result, pledge


class KioskPledgePhone(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_phone.tcss"
    AUTO_FOCUS = "#phone-back"
    MESSAGE_ID = "phone-message"

    def __init__(self, member: Member, pledge_id: str) -> None:
        super().__init__()
        self.member = member
        #: The published pledge a progress note is for; "" for a new pledge.
        self.pledge_id = pledge_id
        self.link: PhoneLink | None = None
        self.draft: Pledge | None = None
        self.done = False

    def compose(self) -> ComposeResult:
        kind = "note" if self.pledge_id else "new"
        with Horizontal(id="phone"):
            yield QrCode("", id="phone-qr")
            with Vertical(id="phone-side"):
                yield Static(message(f"kiosk_pledges.phone_{kind}_title", "bold $primary"), id="phone-title")
                yield Static(literal(member_name(self.member), "bold"), id="phone-name")
                yield Static(message("kiosk_pledges.phone_hint"), id="phone-hint")
                yield Static(id="phone-url")
                yield Static(id="phone-draft")
                yield Static(id="phone-message")
                yield Button(message("kiosk_pledges.submit"), id="phone-submit", variant="primary")
                yield Button(message("kiosk_pledges.phone_again"), id="phone-again")
                yield Button(message("kiosk_pledges.back"), id="phone-back")

    async def on_mount(self) -> None:
        self.query_one("#phone-submit").display = False
        self.query_one("#phone-again").display = False
        await self.make_link()
        self.set_interval(POLL_S, self.poll, name="phone-poll")

    async def make_link(self) -> None:
        c, code, pid = self.kiosk.campaign, self.member.code, self.pledge_id or None
        link = await self.call(lambda: create_phone_link(c, code, pledge_id=pid))
        if not self.is_attached:
            return
        if isinstance(link, Failed):
            self.say(link.message, problem=True)
            return
        self.link = link
        self.query_one("#phone-qr", QrCode).data = link.url
        self.query_one("#phone-qr", QrCode).caption = link.code
        expires = f"{link.expires_at.astimezone(self.kiosk.tz):%H:%M}"
        self.query_one("#phone-url", Static).update(message("kiosk_pledges.phone_url", url=link.url, until=expires))
        self.say(message("kiosk_pledges.phone_waiting"))
        self.query_one("#phone-again").display = False

    async def poll(self) -> None:
        """Ask once whether the phone has sent the form (also called by tests instead of waiting)."""
        if self.link is None or self.done:
            return
        c, code = self.kiosk.campaign, self.link.code
        got = await self.call(lambda: arrived(c, code))
        if not self.is_attached or isinstance(got, Failed):
            return
        result, pledge = got
        if result.state is LinkState.EXPIRED:
            self.say(message("kiosk_pledges.phone_expired"), problem=True)
            self.query_one("#phone-again").display = True
            self.link = None
        elif result.state is LinkState.USED and pledge is not None:
            self.done = True
            self.query_one("#phone-draft", Static).update(pledge_summary(pledge))
            if self.pledge_id:
                self.say(message("kiosk_pledges.write_progress_done", "bold $success"))
            else:
                self.draft = pledge
                self.say(message("kiosk_pledges.phone_arrived", "bold $success"))
                self.query_one("#phone-submit").display = True
                self.query_one("#phone-submit").focus()

    @on(Button.Pressed, "#phone-submit")
    async def submit(self) -> None:
        if self.draft is None:
            return
        c, code, pid = self.kiosk.campaign, self.member.code, self.draft.id
        done = await self.call(lambda: submit_pledge(c, as_member(code), pid))
        if not self.on_top:
            return
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
            return
        self.query_one("#phone-draft", Static).update(pledge_summary(done))
        self.query_one("#phone-submit").display = False
        self.say(message("kiosk_pledges.submitted", "bold $success"))
        self.query_one("#phone-back").focus()

    @on(Button.Pressed, "#phone-again")
    async def again(self) -> None:
        await self.make_link()

    @on(Button.Pressed, "#phone-back")
    def back(self) -> None:
        self.app.pop_screen()
