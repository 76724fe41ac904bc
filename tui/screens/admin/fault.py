"""The secretary's view of a fault: what went wrong and what to do (for a damaged file, the exact command)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from campaign.i18n import t
from tui.fault import Fault
from tui.text import literal, message


class AdminFault(ModalScreen[None]):
    """A fault, explained; Enter or Esc goes back to the screen below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
        Binding("enter", "close", show=False),
        Binding("c", "copy", show=False),
    ]
    DEFAULT_CSS = """
    AdminFault { align: center middle; }
    AdminFault #admin-fault {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $panel; padding: 1 2;
    }
    AdminFault #admin-fault-title { text-style: bold; color: $error; }
    AdminFault #admin-fault-text { height: auto; margin: 1 0; }
    AdminFault #admin-fault-copy { color: $foreground 70%; }
    AdminFault #admin-fault-log { color: $foreground 70%; }
    AdminFault #admin-fault-back { color: $foreground 70%; }
    """

    def __init__(self, fault: Fault, log_hint: str) -> None:
        super().__init__()
        self.fault = fault
        self.log_hint = log_hint

    def compose(self) -> ComposeResult:
        with Vertical(id="admin-fault"):
            yield Static(message("fault.admin_title"), id="admin-fault-title")
            yield Static(literal(self.fault.explanation), id="admin-fault-text")
            if self.fault.command:
                # A command wrapped on screen would paste as several lines: "c" copies it to the clipboard (OSC 52,
                # through SSH), and it is printed again, on one line, when the app ends.
                yield Static(message("fault.admin_copy"), id="admin-fault-copy")
            yield Static(literal(self.log_hint), id="admin-fault-log")
            yield Static(message("fault.admin_back"), id="admin-fault-back")

    def action_copy(self) -> None:
        if self.fault.command:
            self.app.copy_to_clipboard(self.fault.command)
            self.notify(t("fault.admin_copied"), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
