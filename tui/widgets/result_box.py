"""How a kiosk errand ended (signed in on time / late, already signed in, refused, locked, thanks), in one box.

Shown on its own screen (``KioskResult``) or in place on the PIN screen, where it appears without a new screen
being built. Either way it goes home by itself after the app's ``result_s``, on Enter, or when the next person
starts typing (then their search starts with what they typed).
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Key
from textual.widgets import Static

from campaign.i18n import t
from tui.kiosk import Outcome, OutcomeKind
from tui.text import literal, member_name, one_line

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: Heading key, mark and look (style class and theme colour) of each kind of outcome.
LOOK: dict[OutcomeKind, tuple[str, str, str]] = {
    OutcomeKind.ON_TIME: ("kiosk.result_on_time", "✓", "success"),
    OutcomeKind.LATE: ("kiosk.result_late", "✓", "warning"),
    OutcomeKind.ALREADY: ("kiosk.result_already", "✓", "secondary"),
    OutcomeKind.LOCKED: ("kiosk.result_locked", "✗", "error"),
    OutcomeKind.REFUSED: ("kiosk.result_refused", "✗", "error"),
    OutcomeKind.WRONG_PIN: ("kiosk.result_refused", "✗", "error"),
    OutcomeKind.THANKS: ("kiosk.feedback_title", "✓", "success"),
    OutcomeKind.FAULT: ("fault.kiosk_title", "!", "warning"),
}


def result_lines(outcome: Outcome, tz: tzinfo) -> Content:
    """What the box says, line by line; every part that carries user text is literal."""
    heading, mark, look = LOOK[outcome.kind]
    lines = [Content.styled(f"{mark}  {t(heading)}", f"bold ${look}"), Content("")]
    if outcome.member is not None:
        lines.append(literal(member_name(outcome.member), "bold"))
    lines.append(literal(outcome.message))
    if outcome.kind is OutcomeKind.LOCKED:
        lines.append(literal(t("kiosk.result_locked_hint")))
    if outcome.session is not None and outcome.kind in (OutcomeKind.ON_TIME, OutcomeKind.LATE):
        lines.append(literal(t("kiosk.result_session", title=one_line(outcome.session.title))))
    if outcome.at is not None:
        lines.append(literal(t("kiosk.result_at", at=f"{outcome.at.astimezone(tz):%H:%M}")))
    lines += [Content(""), Content.styled(t("kiosk.result_back"), "dim")]
    return Content("\n").join(lines)


class ResultBox(Static, can_focus=True):
    """A result; hidden until :meth:`show`."""

    DEFAULT_CSS = """
    ResultBox {
        width: 72;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        text-align: center;
        border: thick $foreground;
        &.-success { border: thick $success; }
        &.-warning { border: thick $warning; }
        &.-secondary { border: thick $secondary; }
        &.-error { border: thick $error; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "home", show=False),
        Binding("escape", "home", show=False),
        Binding("space", "home", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.outcome: Outcome | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def show(self, outcome: Outcome) -> None:
        """Say ``outcome``, take the focus, and go home by itself after the app's ``result_s``."""
        self.outcome = outcome
        for _, _, look in LOOK.values():
            self.remove_class(f"-{look}")
        self.add_class(f"-{LOOK[outcome.kind][2]}")
        self.update(result_lines(outcome, self.kiosk.tz))
        self.display = True
        self.focus()
        self.kiosk.return_home_at = self.kiosk.monotonic() + self.kiosk.result_s

    def action_home(self) -> None:
        self.kiosk.go_home()

    def on_key(self, event: Key) -> None:
        # The next person in the queue starts typing (or scans a badge): go home and search for them.
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            self.kiosk.next_person(event.character)
