"""What every pledge screen of the kiosk shares: the kiosk app, campaign calls in worker threads, a message line.

Not a screen of its own. Each pledge screen is a :class:`KioskPledgeScreen` with its own ``.tcss`` (rules scoped
to the screen's class) and its own ids. The kiosk's idle check and lock-down work here as everywhere: after
``idle_timeout_s`` without input the app goes home, dropping these screens and with them the member.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.events import Mount
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.screens.admin.calls import Failed, attempt
from tui.text import literal

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

T = TypeVar("T")


class KioskPledgeScreen(Screen[None]):
    """A kiosk screen about pledges; ``MESSAGE_ID`` names its message line (a Static)."""

    MESSAGE_ID: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    @property
    def on_top(self) -> bool:
        """Whether this screen is still the one shown (the kiosk may have gone home during a store call)."""
        return bool(self.app.screen_stack) and self.app.screen_stack[-1] is self

    @on(Mount)
    def prepare(self) -> None:
        # A result box's "home in a few seconds" must not follow a member onto their pledges.
        self.kiosk.return_home_at = None
        for field in self.query(Input).results(Input):
            field.cursor_blink = self.kiosk.cursor_blink

    async def call(self, work: Callable[[], T]) -> T | Failed:
        """``work()`` in a worker thread; a refusal (or a store failure) comes back as :class:`Failed`."""
        return await attempt(self, work)

    def say(self, text: Content | str, *, problem: bool = False) -> None:
        """Show ``text`` (a catalog message or a refusal) on the screen's message line."""
        if not self.MESSAGE_ID or not self.is_attached:
            return
        line = self.query_one(f"#{self.MESSAGE_ID}", Static)
        line.update(literal(text) if isinstance(text, str) else text)
        line.set_class(problem, "-problem")

    def action_back(self) -> None:
        self.app.pop_screen()
