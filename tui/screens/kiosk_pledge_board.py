"""The pledge board (公示栏): published pledges by category and school, a page at a time, big and plain.

Readable from a step back: one pledge is a short block (who, what, target and due date, its 公示 period), as many
blocks per page as the screen holds (two columns on a wide screen). ←/→ or PageUp/PageDown turn pages, the
category and school buttons cycle their choice, and "my pledges" asks who you are (find → PIN).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.widgets import Button, Static

from campaign.context import Campaign
from campaign.i18n import t
from campaign.pledge_queries import BoardLine, BoardPage, pledge_board
from campaign.roster import list_schools
from storage.records import PledgeCategory
from tui.screens.admin.calls import Failed
from tui.text import fit, literal, message

from .kiosk_pledge_base import KioskPledgeScreen

#: Lines one pledge takes on the board (name, text, target and due date, 公示 period, a blank line).
BLOCK_LINES = 5
#: From this width the board shows two columns of pledges.
TWO_COLUMNS_FROM = 150


def board_and_schools(
    c: Campaign, category: PledgeCategory | None, school: str | None, page: int, per_page: int
) -> tuple[BoardPage, list[str]]:
    """One page of the board with these filters, and the schools to choose from."""
    board = pledge_board(c, category=category, school=school, page=page, per_page=per_page)
    return board, [s.name for s in list_schools(c)]


def block(entry: BoardLine, width: int) -> list[Content]:
    """One pledge as lines of at most ``width`` cells; every user string is literal and cut to the width."""
    p = entry.pledge
    who = f"{entry.name} · {entry.school} · {t(f'pledges.category_{p.category}')}"
    lines = [
        Content.assemble((fit(who, width - 2), "bold $secondary")),
        literal(fit(p.text, width - 2), "bold"),
        literal(fit(t("kiosk_pledges.board_target_due", target=p.target, due=p.due.isoformat()), width - 2)),
    ]
    if entry.in_publicity and entry.publicity_until is not None:
        until = t("kiosk_pledges.board_publicity_until", until=entry.publicity_until.isoformat())
        lines.append(literal(fit(until, width - 2), "$warning"))
    else:
        lines.append(literal(fit(t(f"pledges.state_{p.state}"), width - 2), "dim"))
    return [Content("  ").append(line) for line in lines]


class KioskPledgeBoard(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_board.tcss"
    AUTO_FOCUS = "#board-next"
    MESSAGE_ID = "board-message"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,pagedown", "page(1)", show=False),
        Binding("left,pageup", "page(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board: BoardPage | None = None
        #: The page size the board was last read with (read again when the room for the list changes).
        self.read_per_page = 0
        self.schools: list[str] = []
        self.category: PledgeCategory | None = None
        self.school: str | None = None
        self.page_number = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="board"):
            with Horizontal(id="board-head"):
                yield Static(id="board-title")
                yield Static(id="board-page")
            yield Static(id="board-period")
            with Horizontal(id="board-filters"):
                yield Button("", id="board-category")
                yield Button("", id="board-school")
            yield Static(id="board-list")
            yield Static(id="board-message")
            with Horizontal(id="board-actions"):
                yield Button("", id="board-prev")
                yield Button("", id="board-next", variant="primary")
                yield Button("", id="board-mine")
                yield Button("", id="board-back")

    def on_mount(self) -> None:
        self.paint()
        # After the first layout: the page size depends on the room the list gets.
        self.call_after_refresh(self.load)

    def retranslate(self) -> None:
        self.paint()

    async def load(self) -> None:
        c, category, school, page = self.kiosk.campaign, self.category, self.school, self.page_number
        per_page = self.per_page()
        self.read_per_page = per_page
        loaded = await self.call(lambda: board_and_schools(c, category, school, page, per_page))
        if not self.is_attached:
            return
        if isinstance(loaded, Failed):
            self.say(loaded.message, problem=True)
            return
        self.board, self.schools = loaded
        self.page_number = self.board.page
        self.paint()

    # -- drawing -------------------------------------------------------------------------------------------------

    def columns(self) -> int:
        return 2 if self.size.width >= TWO_COLUMNS_FROM else 1

    def per_page(self) -> int:
        # The last block needs no blank line after it.
        height = self.query_one("#board-list").size.height + 1
        return max(1, height // BLOCK_LINES) * self.columns()

    def paint(self) -> None:
        self.query_one("#board-title", Static).update(message("kiosk_pledges.board_title"))
        category = t(f"pledges.category_{self.category}") if self.category else t("kiosk_pledges.all")
        school = self.school or t("kiosk_pledges.all_schools")
        self.query_one("#board-category", Button).label = message("kiosk_pledges.board_category", name=category)
        self.query_one("#board-school", Button).label = message("kiosk_pledges.board_school", name=fit(school, 20))
        self.query_one("#board-prev", Button).label = message("kiosk_pledges.prev_page")
        self.query_one("#board-next", Button).label = message("kiosk_pledges.next_page")
        self.query_one("#board-mine", Button).label = message("kiosk_pledges.my_pledges")
        self.query_one("#board-back", Button).label = message("kiosk_pledges.back")
        for button in self.query("#board-filters Button").results(Button):
            button.refresh(layout=True)  # a Button's label is no layout reactive: its width follows only so
        board = self.board
        if board is None:
            self.query_one("#board-period", Static).update(literal(""))
            self.query_one("#board-page", Static).update(literal(""))
            self.query_one("#board-list", Static).update(literal("…"))
            return
        period = message("kiosk_pledges.board_period", days=board.publicity_days, count=board.total)
        self.query_one("#board-period", Static).update(period)
        pages = message("kiosk_pledges.page_of", page=board.page + 1, pages=board.pages)
        self.query_one("#board-page", Static).update(pages)
        self.query_one("#board-list", Static).update(self.render_page(board))
        if self.per_page() != self.read_per_page:
            self.call_after_refresh(self.load)  # the list got more (or less) room since it was read

    def render_page(self, board: BoardPage) -> Content:
        if not board.lines:
            return message("kiosk_pledges.board_empty")
        width = self.query_one("#board-list").size.width or 78
        columns = self.columns()
        column_width = width // columns
        blocks = [block(entry, column_width) for entry in board.lines]
        rows: list[Content] = []
        for start in range(0, len(blocks), columns):
            group = blocks[start : start + columns]
            for i in range(BLOCK_LINES - 1):
                line = Content("")
                for n, b in enumerate(group):
                    part = b[i] if i < len(b) else Content("")
                    line = line.append(part)
                    if n < len(group) - 1:
                        line = line.append(" " * max(column_width - part.cell_length, 0))
                rows.append(line)
            rows.append(Content(""))
        return Content("\n").join(rows)

    async def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self.load)

    # -- actions -------------------------------------------------------------------------------------------------

    async def action_page(self, by: int) -> None:
        if self.board is None:
            return
        target = max(0, min(self.board.pages - 1, self.page_number + by))
        if target != self.page_number:
            self.page_number = target
            await self.load()

    @on(Button.Pressed, "#board-prev")
    async def prev_page(self) -> None:
        await self.action_page(-1)

    @on(Button.Pressed, "#board-next")
    async def next_page(self) -> None:
        await self.action_page(1)

    @on(Button.Pressed, "#board-category")
    async def next_category(self) -> None:
        order: list[PledgeCategory | None] = [None, *PledgeCategory]
        self.category = order[(order.index(self.category) + 1) % len(order)]
        self.page_number = 0
        await self.load()

    @on(Button.Pressed, "#board-school")
    async def next_school(self) -> None:
        schools: list[str | None] = [None, *self.schools]
        at = schools.index(self.school) if self.school in schools else 0
        self.school = schools[(at + 1) % len(schools)]
        self.page_number = 0
        await self.load()

    @on(Button.Pressed, "#board-mine")
    def my_pledges(self) -> None:
        from .kiosk_pledge_find import KioskPledgeFind

        self.app.push_screen(KioskPledgeFind())

    @on(Button.Pressed, "#board-back")
    def back(self) -> None:
        self.kiosk.go_home()

    def action_back(self) -> None:
        self.kiosk.go_home()
