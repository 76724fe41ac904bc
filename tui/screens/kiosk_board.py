"""The kiosk's public points leaderboard: names and totals only, members or schools, this month / term / year / all.

←/→ change the period, ↑/↓ (or Tab) switch between members and schools, Enter finds you and (after your PIN)
shows your own points, Esc goes home; typing a name starts a sign-in at once, as everywhere on the kiosk. Idle,
it goes home like every kiosk screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from campaign.i18n import t
from tui.points_view import BY, PERIODS, BoardView, Trouble, board_view, calmly, period_title
from tui.text import message
from tui.widgets.board import Board

if TYPE_CHECKING:
    from tui.app import ChuangyouApp


def board_headings(by: str) -> tuple[str, str, str]:
    name = t("points_ui.col_school") if by == "school" else t("points_ui.col_name")
    return (t("points_ui.col_rank"), name, t("points_ui.col_points"))


def tabs(period: str, by: str | None) -> Content:
    """The period and member/school choices on one line, the chosen ones highlighted (no choice of board when
    ``by`` is None)."""
    parts: list[Content] = []
    for p in PERIODS:
        label = f" {t(f'points_ui.period_{p}')} "
        parts.append(Content.styled(label, "bold reverse $primary") if p == period else Content(label))
    if by is None:
        return Content("").join(parts)
    parts.append(Content("   │   "))
    for b in BY:
        label = f" {t(f'points_ui.by_{b}')} "
        parts.append(Content.styled(label, "bold reverse $secondary") if b == by else Content(label))
    return Content("").join(parts)


class KioskBoard(Screen[None]):
    CSS_PATH = "kiosk_board.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "period(-1)", show=False),
        Binding("right", "period(1)", show=False),
        Binding("up,down,tab", "switch_by", show=False),
        Binding("escape", "home", show=False),
        Binding("enter", "mine", show=False),
    ]

    @dataclass
    class Loaded(Message):
        view: BoardView | Trouble

    def __init__(self, period: str = "term", by: str = "member") -> None:
        super().__init__()
        self.period = period
        self.by = by
        self.view: BoardView | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="kboard"):
            yield Static(id="kboard-title")
            yield Static(id="kboard-tabs")
            with Center(id="kboard-center"):
                yield Board(board_headings(self.by), id="kboard-board")
            yield Static(id="kboard-hint")

    def on_mount(self) -> None:
        self.paint()
        self.load()

    def retranslate(self) -> None:
        self.paint()

    @work(thread=True, exclusive=True, group="kiosk-board")
    def load(self) -> None:
        c, period, by = self.kiosk.campaign, self.period, self.by
        self.post_message(self.Loaded(calmly(lambda: board_view(c, period, by))))

    def on_kiosk_board_loaded(self, event: Loaded) -> None:
        if isinstance(event.view, Trouble):
            self.query_one(Board).show([], empty=event.view.message)
        elif event.view.period == self.period and event.view.by == self.by:
            self.view = event.view
            self.paint()

    def paint(self) -> None:
        view = self.view
        title = t("points_ui.board_title")
        if view is not None:
            title += "  ·  " + period_title(view)
        self.query_one("#kboard-title", Static).update(Content.styled(title, "bold $primary"))
        self.query_one("#kboard-tabs", Static).update(tabs(self.period, self.by))
        board = self.query_one(Board)
        board.set_headings(board_headings(self.by))
        if view is None:
            board.show([], empty=t("points_ui.loading"))
        else:
            board.show(view.rows, empty=t("points_ui.board_empty"))
        self.query_one("#kboard-hint", Static).update(message("points_ui.board_hint"))

    def action_period(self, step: int) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + step) % len(PERIODS)]
        self.view = None
        self.paint()
        self.load()

    def action_switch_by(self) -> None:
        self.by = BY[(BY.index(self.by) + 1) % len(BY)]
        self.view = None
        self.paint()
        self.load()

    def action_home(self) -> None:
        self.kiosk.go_home()

    def action_mine(self) -> None:
        """Enter: find yourself and give your PIN to see your own points."""
        from tui.screens.kiosk_points_pin import KioskPointsFind

        self.app.push_screen(KioskPointsFind())

    def on_key(self, event: Key) -> None:
        # Someone walks up and types their name: the sign-in starts at once, as on the home screen.
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            self.kiosk.next_person(event.character)
