"""A result on its own screen (not on the roster, parent feedback thanks): a :class:`ResultBox`, centred."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen

from tui.kiosk import Outcome
from tui.widgets.result_box import ResultBox


class KioskResult(Screen[None]):
    AUTO_FOCUS = "ResultBox"

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield ResultBox(id="result-box")

    def on_mount(self) -> None:
        self.query_one(ResultBox).show(self.outcome)
