"""The result of a sign-in: on time, late (minutes), already signed in, refused or locked. Goes home by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Static

from campaign.i18n import t
from tui.kiosk import Outcome, OutcomeKind
from tui.screens.kiosk_home import KioskHome
from tui.text import literal, member_name, message, one_line

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: Heading key, mark and style class for each kind of outcome.
LOOK: dict[OutcomeKind, tuple[str, str, str]] = {
    OutcomeKind.ON_TIME: ("kiosk.result_on_time", "✓", "-success"),
    OutcomeKind.LATE: ("kiosk.result_late", "✓", "-late"),
    OutcomeKind.ALREADY: ("kiosk.result_already", "✓", "-already"),
    OutcomeKind.LOCKED: ("kiosk.result_locked", "✗", "-error"),
    OutcomeKind.REFUSED: ("kiosk.result_refused", "✗", "-error"),
    OutcomeKind.WRONG_PIN: ("kiosk.result_refused", "✗", "-error"),
    OutcomeKind.THANKS: ("kiosk.feedback_title", "✓", "-success"),
}


class KioskResult(Screen[None]):
    CSS_PATH = "kiosk_result.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", show=False),
        Binding("escape", "home", show=False),
        Binding("space", "home", show=False),
    ]

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        o = self.outcome
        heading, mark, look = LOOK[o.kind]
        with Vertical(id="result"), Vertical(id="result-box", classes=look):
            yield Static(literal(f"{mark}  {t(heading)}"), id="result-heading")
            if o.member is not None:
                yield Static(literal(member_name(o.member)), id="result-name")
            yield Static(literal(o.message), id="result-message")
            if o.kind is OutcomeKind.LOCKED:
                yield Static(message("kiosk.result_locked_hint", until=o.until), id="result-hint")
            if o.session is not None and o.kind in (OutcomeKind.ON_TIME, OutcomeKind.LATE):
                yield Static(message("kiosk.result_session", title=one_line(o.session.title)), id="result-session")
            if o.at is not None:
                at = o.at.astimezone(self.kiosk.tz)
                yield Static(message("kiosk.result_at", at=f"{at:%H:%M}"), id="result-at")
            yield Static(message("kiosk.result_back"), id="result-back")

    def on_mount(self) -> None:
        self.kiosk.return_home_at = self.kiosk.monotonic() + self.kiosk.result_s

    def action_home(self) -> None:
        self.kiosk.go_home()

    def on_key(self, event: Key) -> None:
        # The next person in the queue starts typing (or scans a badge): go home and search for them.
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            first_key_at = self.kiosk.monotonic()
            if self.app.screen is self:
                self.kiosk.go_home()
            # Later keys of a fast typist can still arrive here after leaving: they go to the search too.
            for home in self.app.screen_stack:
                if isinstance(home, KioskHome):
                    home.start_find(event.character, first_key_at=first_key_at)
