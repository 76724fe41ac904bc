"""The result of a sign-in: on time, late (minutes), already signed in, refused or locked. Goes home by itself.

Drawn as one widget (one literal Content of a few lines): a new screen with few widgets appears fastest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Static

from campaign.i18n import t
from tui.kiosk import Outcome, OutcomeKind
from tui.screens.kiosk_home import KioskHome
from tui.text import literal, member_name, one_line

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: Heading key, mark and look (style class and colour) of each kind of outcome.
LOOK: dict[OutcomeKind, tuple[str, str, str]] = {
    OutcomeKind.ON_TIME: ("kiosk.result_on_time", "✓", "success"),
    OutcomeKind.LATE: ("kiosk.result_late", "✓", "warning"),
    OutcomeKind.ALREADY: ("kiosk.result_already", "✓", "secondary"),
    OutcomeKind.LOCKED: ("kiosk.result_locked", "✗", "error"),
    OutcomeKind.REFUSED: ("kiosk.result_refused", "✗", "error"),
    OutcomeKind.WRONG_PIN: ("kiosk.result_refused", "✗", "error"),
    OutcomeKind.THANKS: ("kiosk.feedback_title", "✓", "success"),
}


def result_lines(outcome: Outcome, at_text: str) -> Content:
    """What the result screen says, line by line; every part that carries user text is literal."""
    heading, mark, look = LOOK[outcome.kind]
    lines = [Content.styled(f"{mark}  {t(heading)}", f"bold ${look}"), Content("")]
    if outcome.member is not None:
        lines.append(literal(member_name(outcome.member), "bold"))
    lines.append(literal(outcome.message))
    if outcome.kind is OutcomeKind.LOCKED:
        lines.append(Content(t("kiosk.result_locked_hint")))
    if outcome.session is not None and outcome.kind in (OutcomeKind.ON_TIME, OutcomeKind.LATE):
        lines.append(literal(t("kiosk.result_session", title=one_line(outcome.session.title))))
    if at_text:
        lines.append(Content(t("kiosk.result_at", at=at_text)))
    lines += [Content(""), Content.styled(t("kiosk.result_back"), "dim")]
    return Content("\n").join(lines)


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
        at = f"{o.at.astimezone(self.kiosk.tz):%H:%M}" if o.at is not None else ""
        with Middle(), Center():
            yield Static(result_lines(o, at), id="result-box", classes=f"-{LOOK[o.kind][2]}")

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
