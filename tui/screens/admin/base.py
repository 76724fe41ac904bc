"""What every secretary screen shares: its style sheet, and key hints worded in the language active now.

Bindings are class attributes, built when a module is imported; their descriptions here are catalog keys
("admin.session_new", or any other area's key), translated each time the footer asks, so the footer is always in
the language active now. A description that is no catalog key is shown as it is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import ClassVar

from textual.binding import ActiveBinding, Binding, BindingType
from textual.screen import Screen

from campaign.i18n import t


class AdminScreen(Screen[None]):
    # Spelled out as Textual's own (private) CSSPathType, so subclasses may list several sheets.
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = "admin.tcss"
    #: First in every footer: when an 80-column footer cannot show every key, "?" lists them all.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("question_mark", "keys", "admin_keys.all", id="admin.keys")]

    def action_keys(self) -> None:
        """Show every key of this screen with what it does (Esc or ? closes the list)."""
        from .keys import KeysScreen, key_lines

        self.app.push_screen(KeysScreen(key_lines(self)))

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        out: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():
            description = active.binding.description
            if description:
                active = active._replace(binding=replace(active.binding, description=t(description)))
            out[key] = active
        return out
