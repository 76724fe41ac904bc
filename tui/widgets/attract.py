"""Attract mode for the kiosk home: when nobody has touched the kiosk for a while, rotate what the room should see.

The panels are the points leaderboard, the pledge board (when the pledge module offers one: see
:func:`tui.points_view.pledge_board_lines`) and the next study session (the home screen's own session box). Which
panel shows is a pure function of the idle time (:func:`attract_panel`), read from the app's injectable monotonic
clock, so tests move the clock and call :meth:`AttractPanel.tick` instead of sleeping.

The panel never takes the focus and handles no key: a key typed during attract mode reaches the home screen, which
starts a sign-in with it, and the input itself ends attract mode at the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from campaign.i18n import t
from tui.text import literal
from tui.widgets.board import Board

if TYPE_CHECKING:
    from tui.app import ChuangyouApp
    from tui.points_view import BoardView

#: Idle seconds before attract mode starts.
ATTRACT_AFTER_S = 30.0
#: Seconds each panel stays up.
ROTATE_S = 10.0
#: How often the panel checks the idle time.
TICK_S = 1.0
#: The period the attract board shows.
ATTRACT_PERIOD = "term"

BOARD, PLEDGES, SESSION = "board", "pledges", "session"


def attract_panel(idle_s: float, panels: tuple[str, ...]) -> str | None:
    """The panel to show after ``idle_s`` seconds without input (None: not attract mode, the normal home)."""
    if idle_s < ATTRACT_AFTER_S or not panels:
        return None
    return panels[int((idle_s - ATTRACT_AFTER_S) // ROTATE_S) % len(panels)]


class AttractPanel(Vertical):
    """The rotating panel; ``session_box`` is the selector of the home's session box (shown for ``session``)."""

    DEFAULT_CSS = """
    AttractPanel {
        display: none;
        height: 1fr;
        border: round $primary;
        padding: 0 2;
        margin: 0 4;
    }
    AttractPanel > #attract-title {
        width: 100%;
        text-align: center;
    }
    AttractPanel #attract-center {
        height: 1fr;
    }
    AttractPanel #attract-board {
        width: 60%;
        min-width: 46;
        max-width: 72;
    }
    AttractPanel > #attract-hint {
        width: 100%;
        text-align: center;
        color: $foreground 70%;
    }
    """

    @dataclass
    class Loaded(Message):
        board: BoardView
        pledges: list[str] | None

    def __init__(self, session_box: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session_box = session_box
        self.showing: str | None = None
        self.board: BoardView | None = None
        self.pledges: list[str] | None = None
        #: Each round of attract mode (board, pledges, session) shows the next page of the pledge board.
        self.rounds = 0
        self.can_focus = False

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="attract-title")
        with Center(id="attract-center"):
            yield Board(("", "", ""), id="attract-board")
        yield Static(id="attract-pledges")
        yield Static(id="attract-hint")

    def on_mount(self) -> None:
        self.set_interval(TICK_S, self.tick, name="attract")

    @property
    def panels(self) -> tuple[str, ...]:
        # The pledge board joins the rotation only when there is one to show.
        return (BOARD, PLEDGES, SESSION) if self.pledges else (BOARD, SESSION)

    def tick(self) -> None:
        """Show the panel the idle time asks for (called every :data:`TICK_S`; tests call it after moving the clock)."""
        kiosk = self.kiosk
        wanted = attract_panel(kiosk.idle_for(), self.panels) if kiosk.at_home else None
        if wanted == BOARD and self.showing != BOARD:
            self.load()  # each round starts with the board: fresh figures, the next page of pledges
        if wanted != self.showing:
            self.showing = wanted
            self.paint()

    def load(self) -> None:
        # Imported here, not with the home screen: the points and pledge modules are not needed for the first screen.
        from tui.points_view import Trouble, board_view, calmly, pledge_board_lines

        c, page = self.kiosk.campaign, self.rounds
        self.rounds += 1

        def read() -> None:
            # A busy or damaged store leaves the last figures up: attract mode has nobody to tell.
            board = calmly(lambda: board_view(c, ATTRACT_PERIOD, "member"))
            pledges = calmly(lambda: pledge_board_lines(c, page) or pledge_board_lines(c, 0))
            if not isinstance(board, Trouble):
                self.post_message(self.Loaded(board, None if isinstance(pledges, Trouble) else pledges))

        self.run_worker(read, thread=True, exclusive=True, group="attract", exit_on_error=False)

    def on_attract_panel_loaded(self, event: Loaded) -> None:
        self.board, self.pledges = event.board, event.pledges
        self.paint()

    def paint(self) -> None:
        showing = self.showing
        session = self.screen.query_one(self.session_box)
        session.display = showing is None or showing == SESSION
        self.display = showing in (BOARD, PLEDGES)
        title = self.query_one("#attract-title", Static)
        board = self.query_one(Board)
        pledges = self.query_one("#attract-pledges", Static)
        self.query_one("#attract-center").display = showing == BOARD
        pledges.display = showing == PLEDGES
        self.query_one("#attract-hint", Static).update(Content.styled(t("points_ui.attract_hint"), "bold"))
        if showing == BOARD:
            from tui.points_view import period_title
            from tui.screens.kiosk_board import board_headings

            period = period_title(self.board) if self.board is not None else t(f"points_ui.period_{ATTRACT_PERIOD}")
            title.update(Content.styled(t("points_ui.attract_board", period=period), "bold $primary"))
            board.set_headings(board_headings("member"))
            rows = self.board.rows if self.board is not None else []
            board.show(rows, empty=t("points_ui.loading" if self.board is None else "points_ui.board_empty"))
        elif showing == PLEDGES:
            title.update(Content.styled(t("points_ui.attract_pledges"), "bold $primary"))
            pledges.update(literal("\n".join(self.pledges or [])))
