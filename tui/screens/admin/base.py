"""What every secretary screen shares: its style sheet, and key hints worded in the language active now.

Bindings are class attributes, built when a module is imported; their descriptions here are catalog keys
("admin.session_new", or any other area's key), translated each time the footer asks, so the footer is always in
the language active now. A description that is no catalog key is shown as it is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import ClassVar

from textual.binding import ActiveBinding
from textual.screen import Screen

from campaign.i18n import t


class AdminScreen(Screen[None]):
    # Spelled out as Textual's own (private) CSSPathType, so subclasses may list several sheets.
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = "admin.tcss"

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        out: dict[str, ActiveBinding] = {}
        for key, active in super().active_bindings.items():
            description = active.binding.description
            if description:
                active = active._replace(binding=replace(active.binding, description=t(description)))
            out[key] = active
        return out
