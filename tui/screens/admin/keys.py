"""Every key of a secretary screen with what it does: what "?" opens when the footer is too narrow to list them."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from campaign.i18n import t
from tui.text import literal


def key_lines(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(key as shown, what it does) for each binding of ``screen`` that has a description, in footer order."""
    out: list[tuple[str, str]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.description and active.node is screen:
            shown = binding.key_display or screen.app.get_key_display(binding)
            out.append((shown, t(binding.description)))
    return out


class KeysScreen(ModalScreen[None]):
    CSS_PATH = "keys.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,enter,q", "app.pop_screen", show=False, id="keys.close"),
    ]

    def __init__(self, lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.lines), default=3) + 2
        with VerticalScroll(id="keys-box"):
            yield Static(literal(t("admin_keys.all"), "bold"), id="keys-title")
            for key, what in self.lines:
                yield Static(literal(f"{key:<{width}}{what}"), classes="keys-line")
            yield Static(literal(t("admin_keys.close")), id="keys-hint")
