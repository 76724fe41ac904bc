"""The kiosk while a data file is damaged: out of service, naming no data, until the file is restored.

It stays up (idle does not leave it; the kiosk stays locked down) and checks every few seconds, off the UI thread,
whether the damaged file reads again; then the kiosk goes home by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Static

from campaign.maintenance import damage_cleared
from tui.text import message

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: How often the kiosk looks whether the damaged file was restored.
RECHECK_S = 3.0


class KioskOutOfService(Screen[None]):
    """Shown instead of every other kiosk screen while ``damaged`` does not read."""

    #: The kiosk's idle timer does not take it home: nothing there works until the data is restored.
    STAYS_UP: ClassVar[bool] = True
    DEFAULT_CSS = """
    KioskOutOfService { align: center middle; }
    KioskOutOfService #out-of-service {
        width: 72; max-width: 100%; height: auto; padding: 1 2; border: thick $error; text-align: center;
    }
    KioskOutOfService #out-of-service-title { width: 100%; text-align: center; text-style: bold; color: $error; }
    KioskOutOfService #out-of-service-body { width: 100%; text-align: center; margin-top: 1; }
    """

    def __init__(self, damaged: Path | None) -> None:
        super().__init__()
        self.damaged = damaged

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="out-of-service"):
            yield Static(message("fault.out_of_service_title"), id="out-of-service-title")
            yield Static(message("fault.out_of_service_body"), id="out-of-service-body")

    def on_mount(self) -> None:
        self.set_interval(RECHECK_S, self.recheck, name="recheck")

    def retranslate(self) -> None:
        self.query_one("#out-of-service-title", Static).update(message("fault.out_of_service_title"))
        self.query_one("#out-of-service-body", Static).update(message("fault.out_of_service_body"))

    @work(thread=True, exclusive=True, group="out-of-service")
    def recheck(self) -> None:
        if damage_cleared(self.kiosk.campaign, self.damaged):
            self.app.call_from_thread(self.restored)

    def restored(self) -> None:
        from tui.screens.kiosk_home import KioskHome

        if self.app.screen is not self:
            return
        if any(isinstance(s, KioskHome) for s in self.app.screen_stack):
            self.app.pop_screen()
            self.kiosk.go_home()
        else:  # the kiosk started out of service: its home is made now
            self.kiosk.out_of_service = None
            self.app.switch_screen(KioskHome())
