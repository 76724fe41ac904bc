"""Ask for the secretary's passphrase: ``ModalScreen[bool]``, True once it was verified.

Used to leave (unlock) the kiosk and by the secretary's screens. Verifying is a slow scrypt hash and may be refused
while locked out after five wrong tries, so it runs in a worker and says why it failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from campaign import passphrase
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from storage.errors import StoreError
from tui import limits
from tui.fault import record
from tui.text import literal, message


class PassphraseScreen(ModalScreen[bool]):
    """Dismissed with True when the passphrase is right, False when cancelled (Esc)."""

    CSS_PATH = "passphrase.tcss"
    AUTO_FOCUS = "#passphrase-input"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    @dataclass
    class Verified(Message):
        ok: bool
        #: Why not, when not ok.
        problem: str = ""

    def __init__(
        self, campaign: Campaign, *, reason: str = "", title: str | None = None, audit_as: str | None = None
    ) -> None:
        super().__init__()
        #: The audit action a right passphrase is recorded as (the kiosk's unlock), if any.
        self.audit_as = audit_as
        self.campaign = campaign
        self.reason = reason
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="passphrase"):
            yield Static(literal(self.heading or t("app.passphrase_title")), id="passphrase-title")
            if self.reason:
                yield Static(literal(self.reason), id="passphrase-reason")
            yield Input(
                placeholder=t("app.passphrase_placeholder"),
                password=True,
                id="passphrase-input",
                max_length=limits.PASSPHRASE,
            )
            yield Static(id="passphrase-message")
            yield Static(message("app.passphrase_hint"), id="passphrase-hint")

    def on_mount(self) -> None:
        blink = getattr(self.app, "cursor_blink", True)
        self.query_one(Input).cursor_blink = bool(blink)

    @on(Input.Submitted, "#passphrase-input")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        event.input.disabled = True
        self.say(message("app.passphrase_checking"))
        self.verify(event.value)

    @work(thread=True, exclusive=True, group="passphrase")
    def verify(self, attempt: str) -> None:
        try:
            if not passphrase.is_set(self.campaign):
                self.post_message(self.Verified(False, t("app.passphrase_not_set")))
            elif passphrase.verify(self.campaign, attempt, audit_as=self.audit_as):
                self.post_message(self.Verified(True))
            else:
                self.post_message(self.Verified(False, t("app.passphrase_wrong")))
        except Refused as exc:
            self.post_message(self.Verified(False, exc.message()))
        except (StoreError, OSError) as exc:
            # Caught here, not by the app's fault guard, so the dialog stays usable: try again once the fault clears.
            fault = record(exc, self.campaign.store.root, "passphrase")
            shown = t("fault.kiosk_body") if getattr(self.app, "mode", "") == "kiosk" else fault.explanation
            self.post_message(self.Verified(False, shown))

    def on_passphrase_screen_verified(self, event: Verified) -> None:
        if event.ok:
            self.dismiss(True)
            return
        field = self.query_one(Input)
        field.value = ""
        field.disabled = False
        field.focus()
        self.say(literal(event.problem, "bold $error"))

    def say(self, text: Content) -> None:
        self.query_one("#passphrase-message", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(False)
