"""My points without signing in: from the board, find yourself, give your PIN, see your breakdown.

The PIN is checked by :func:`campaign.signin.check_pin`, the sign-in's own check: wrong tries count toward the same
lock-out, and nothing is signed in. Without a study session open, this is how a member sees their points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from campaign.i18n import t
from campaign.signin import check_pin
from storage.records import Member, SignInMethod
from tui.points_view import Trouble, calmly
from tui.text import literal, member_name, message, one_line

from .kiosk_find import KioskFind
from .kiosk_mine import KioskMine

if TYPE_CHECKING:
    from tui.app import ChuangyouApp


class KioskPointsFind(KioskFind):
    """Find yourself (as for a sign-in), then the PIN for your points instead of a sign-in."""

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#find-title", Static).update(message("points_ui.find_title"))

    def choose(self, member: Member, how: SignInMethod) -> None:
        self.app.push_screen(KioskPointsPin(member))


class KioskPointsPin(Screen[None]):
    CSS_PATH = "kiosk_points_pin.tcss"
    AUTO_FOCUS = "#ppin-input"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]

    @dataclass
    class Checked(Message):
        trouble: Trouble | None

    def __init__(self, member: Member) -> None:
        super().__init__()
        self.member = member
        self.busy = False

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="ppin"):
            yield Static(literal(member_name(self.member)), id="ppin-name")
            yield Static(literal(f"{one_line(self.member.school)}  ·  {self.member.code}"), id="ppin-who")
            yield Static(message("points_ui.pin_title"), id="ppin-title")
            yield Input(
                placeholder=t("kiosk.pin_placeholder"),
                password=True,
                restrict=r"[0-9]*",
                max_length=8,
                id="ppin-input",
            )
            yield Static(id="ppin-message")
            yield Static(message("kiosk.pin_hint"), id="ppin-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.kiosk.cursor_blink

    @on(Input.Submitted, "#ppin-input")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.say(t("signin.pin_required"))
            return
        if not self.busy:
            self.busy = True
            self.check(event.value)

    @work(thread=True, exclusive=True, group="points-pin")
    def check(self, pin: str) -> None:
        c, member = self.kiosk.campaign, self.member
        result = calmly(lambda: check_pin(c, member, pin))
        self.post_message(self.Checked(result if isinstance(result, Trouble) else None))

    def on_kiosk_points_pin_checked(self, event: Checked) -> None:
        if self.app.screen is not self:
            return  # the kiosk went home meanwhile
        self.busy = False
        if event.trouble is not None:
            field = self.query_one(Input)
            field.value = ""
            field.focus()
            self.say(event.trouble.message)
            return
        self.app.switch_screen(KioskMine(self.member))

    def say(self, text: str) -> None:
        self.query_one("#ppin-message", Static).update(literal(text, "bold $error"))

    def action_back(self) -> None:
        self.app.pop_screen()
