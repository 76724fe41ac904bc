"""A member's own points at the kiosk, after their PIN: the breakdown line by line, and their place on the board.

Opened from the sign-in result (``MyPointsButton``, reached with Tab) once the PIN was checked. Idle, it goes
home like every kiosk screen, and with it the member's points leave the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static

from campaign.i18n import t
from storage.records import Member
from tui.kiosk import Outcome, OutcomeKind
from tui.points_view import PERIODS, MineView, Trouble, calmly, mine_view, period_title
from tui.text import literal, member_name, message
from tui.widgets.board import Board
from tui.widgets.breakdown import Breakdown

from .kiosk_board import board_headings, tabs

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: Outcomes that prove the member gave their PIN (or that the branch asks for none).
PIN_CHECKED = frozenset({OutcomeKind.ON_TIME, OutcomeKind.LATE, OutcomeKind.ALREADY})


class MyPointsButton(Button):
    """ "My points" under a sign-in result. Typing still starts the next person's sign-in."""

    DEFAULT_CSS = """
    MyPointsButton {
        margin-top: 1;
    }
    """

    def __init__(self, member: Member) -> None:
        super().__init__(t("points_ui.action_mine"), id="mine-open")
        self.member = member

    def on_key(self, event: Key) -> None:
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            cast("ChuangyouApp", self.app).next_person(event.character)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.app.push_screen(KioskMine(self.member))


def offer_my_points(screen: Screen[None], outcome: Outcome) -> None:
    """Under a sign-in result on ``screen``, offer the member their points (when the PIN was checked)."""
    for old in screen.query("#mine-offer"):
        old.remove()
    if outcome.member is None or outcome.kind not in PIN_CHECKED:
        return
    screen.query_one("#result-layer").mount(Center(MyPointsButton(outcome.member), id="mine-offer"))


class KioskMine(Screen[None]):
    CSS_PATH = "kiosk_mine.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "period(-1)", show=False),
        Binding("right", "period(1)", show=False),
        Binding("escape,enter", "home", show=False),
    ]

    @dataclass
    class Loaded(Message):
        view: MineView | Trouble

    def __init__(self, member: Member, period: str = "term") -> None:
        super().__init__()
        self.member = member
        self.period = period
        self.view: MineView | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="mine"):
            yield Static(id="mine-title")
            yield Static(id="mine-tabs")
            yield Static(id="mine-total")
            yield Breakdown(id="mine-lines")
            with Center(id="mine-center"):
                yield Board(board_headings("member"), id="mine-board")
            yield Static(id="mine-hint")

    def on_mount(self) -> None:
        # Not the result's deadline: the member reads their points until they leave (or the kiosk idles home).
        self.kiosk.return_home_at = None
        self.paint()
        self.load()

    def retranslate(self) -> None:
        self.paint()

    @work(thread=True, exclusive=True, group="kiosk-mine")
    def load(self) -> None:
        c, code, period = self.kiosk.campaign, self.member.code, self.period
        self.post_message(self.Loaded(calmly(lambda: mine_view(c, code, period))))

    def on_kiosk_mine_loaded(self, event: Loaded) -> None:
        if isinstance(event.view, Trouble):
            self.query_one("#mine-total", Static).update(literal(event.view.message, "bold $warning"))
        elif event.view.board.period == self.period:
            self.view = event.view
            self.paint()

    def paint(self) -> None:
        name = member_name(self.member)
        self.query_one("#mine-title", Static).update(message("points_ui.mine_title", "bold $primary", name=name))
        self.query_one("#mine-tabs", Static).update(tabs(self.period, None))
        total = self.query_one("#mine-total", Static)
        lines = self.query_one(Breakdown)
        board = self.query_one(Board)
        board.set_headings(board_headings("member"))
        view = self.view
        if view is None:
            total.update(message("points_ui.loading"))
            lines.show([], empty="")
            board.show([], empty="")
        else:
            period = period_title(view.board)
            place = (
                t("points_ui.mine_place", rank=view.rank, count=view.count)
                if view.rank is not None
                else t("points_ui.mine_no_place")
            )
            total.update(
                Content.assemble(
                    literal(t("points_ui.mine_total", period=period, total=view.total), "bold"),
                    "   ",
                    literal(place, "bold $secondary"),
                )
            )
            lines.show(view.lines, empty=t("points_ui.mine_empty"))
            board.show(view.board.rows, highlight=self.member.code, empty=t("points_ui.board_empty"))
        self.query_one("#mine-hint", Static).update(message("points_ui.mine_hint"))

    def action_period(self, step: int) -> None:
        self.period = PERIODS[(PERIODS.index(self.period) + step) % len(PERIODS)]
        self.view = None
        self.paint()
        self.load()

    def action_home(self) -> None:
        self.kiosk.go_home()

    @on(Key)
    def typed(self, event: Key) -> None:
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            self.kiosk.next_person(event.character)
