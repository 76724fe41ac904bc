"""The PIN step: who you are, your PIN, then the result. A wrong PIN asks again and says how many tries are left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from campaign.i18n import t
from storage.records import Member, SignInMethod
from tui.kiosk import Outcome, OutcomeKind, PinStep, attempt, attempt_at, before_pin
from tui.text import literal, member_name, message, one_line
from tui.widgets.pledge_nudge import PledgeNudge
from tui.widgets.result_box import ResultBox

if TYPE_CHECKING:
    from tui.app import ChuangyouApp


#: Say "signing in…" only when the sign-in takes longer than this (it usually takes a few milliseconds).
WORKING_AFTER_S = 0.3


class KioskPin(Screen[None]):
    CSS_PATH = "kiosk_pin.tcss"
    AUTO_FOCUS = "#pin-input"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]

    @dataclass
    class Checked(Message):
        """The session to sign in to, and what to show instead of asking for the PIN (None: ask for it)."""

        step: PinStep

    @dataclass
    class Attempted(Message):
        outcome: Outcome

    def __init__(self, member: Member, how: SignInMethod = SignInMethod.KIOSK) -> None:
        super().__init__()
        self.member = member
        self.how = how
        #: The session the sign-in is for, once known (looked up while the PIN is typed).
        self.step: PinStep | None = None
        #: How the sign-in ended, once it did (shown in place of the PIN box).
        self.outcome: Outcome | None = None
        #: A sign-in is under way: further Enters wait for it.
        self.busy = False
        self.working: Timer | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Middle(id="result-layer"), Center():
            yield ResultBox(id="pin-result")
            yield PledgeNudge(id="pin-pledges")
        with Middle(id="pin-layer"), Center(), Vertical(id="pin"):
            yield Static(literal(member_name(self.member)), id="pin-name")
            yield Static(literal(f"{one_line(self.member.school)}  ·  {self.member.code}"), id="pin-who")
            yield Static(message("kiosk.pin_title"), id="pin-title")
            yield Input(
                placeholder=t("kiosk.pin_placeholder"),
                password=True,
                restrict=r"[0-9]*",
                max_length=8,
                id="pin-input",
            )
            yield Static(id="pin-message")
            yield Static(message("kiosk.pin_hint"), id="pin-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.kiosk.cursor_blink
        self.check()

    @work(thread=True, group="pin-check")
    def check(self) -> None:
        self.post_message(self.Checked(before_pin(self.kiosk.campaign, self.member, how=self.how)))

    def on_kiosk_pin_checked(self, event: Checked) -> None:
        self.step = event.step
        if event.step.outcome is not None and self.app.screen is self:
            self.show_result(event.step.outcome)

    @on(Input.Submitted, "#pin-input")
    def submitted(self, event: Input.Submitted) -> None:
        pin = event.value
        if not pin:
            self.say(message("signin.pin_required", "bold $warning"))
            return
        if self.busy:
            return
        # No repaint before the sign-in starts (it competes with the worker); say "working" only if it is slow.
        self.busy = True
        self.working = self.set_timer(WORKING_AFTER_S, lambda: self.say(message("kiosk.working")))
        self.sign_in(pin)

    @work(thread=True, exclusive=True, group="pin")
    def sign_in(self, pin: str) -> None:
        c, code = self.kiosk.campaign, self.member.code
        if self.step is None:  # Enter came before the session was looked up
            outcome = attempt(c, code, pin, how=self.how)
        else:
            outcome = attempt_at(c, self.step.session, code, pin, how=self.how)
        self.post_message(self.Attempted(outcome))

    def on_kiosk_pin_attempted(self, event: Attempted) -> None:
        if self.app.screen is not self:
            return  # the kiosk went home meanwhile (idle): nobody is waiting for this result
        outcome = event.outcome
        self.busy = False
        if self.working is not None:
            self.working.stop()
        if outcome.kind is OutcomeKind.WRONG_PIN:
            field = self.query_one(Input)
            field.value = ""
            field.focus()
            self.say(literal(outcome.message, "bold $error"))
            return
        self.show_result(outcome)

    def say(self, text: Content) -> None:
        self.query_one("#pin-message", Static).update(text)

    def show_result(self, outcome: Outcome) -> None:
        # In place, not a new screen: the result appears in the next frame.
        self.outcome = outcome
        self.query_one("#pin-layer").display = False
        self.query_one("#result-layer").display = True
        self.query_one(ResultBox).show(outcome)
        self.query_one(PledgeNudge).show(outcome)
        from tui.screens.kiosk_mine import offer_my_points

        offer_my_points(self, outcome)

    def action_back(self) -> None:
        self.app.pop_screen()
