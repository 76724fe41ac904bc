"""A ranked board: rank, name, points, in aligned columns (CJK names included), one row highlighted.

Public: it shows names and totals only. The rows that fit are shown from the top; when the highlighted row would
fall below them, the last rows shown make way for "…" and that row, so a member always sees their own place.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

from tui.text import pad

RANK_WIDTH = 4
POINTS_WIDTH = 8


@dataclass(frozen=True)
class BoardRow:
    """One place on a board. ``key`` (a member code, a school name) is never shown: it finds the highlighted row."""

    rank: int
    name: str
    points: int | float
    key: str


def points_text(value: int | float) -> str:
    """Points as shown: whole numbers as they are, a school's pooled points per member with one decimal."""
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def visible_rows(rows: list[BoardRow], room: int, highlight: str | None) -> list[BoardRow | None]:
    """The rows that fit in ``room`` lines; None stands for "…" before a highlighted row further down."""
    if len(rows) <= room:
        return list(rows)
    shown: list[BoardRow | None] = list(rows[:room])
    index = next((i for i, r in enumerate(rows) if highlight is not None and r.key == highlight), None)
    if index is not None and index >= room and room >= 3:
        shown = [*rows[: room - 2], None, rows[index]]
    return shown


def board_lines(
    rows: list[BoardRow], width: int, room: int, highlight: str | None, headings: tuple[str, str, str]
) -> Content:
    """The board as lines: a heading, then as many rows as ``room`` allows (see :func:`visible_rows`)."""
    # The name column takes the width the screen gives the board (a longer name ends in "…").
    name_width = max(width - RANK_WIDTH - POINTS_WIDTH - 4, 6)
    rank_h, name_h, points_h = headings
    points_head = " " * max(POINTS_WIDTH - cell_len(points_h), 0) + points_h
    head = f"{pad(rank_h, RANK_WIDTH)}  {pad(name_h, name_width)}  {points_head}"
    lines = [Content.styled(head, "bold $secondary")]
    for row in visible_rows(rows, max(room - 1, 1), highlight):
        if row is None:
            lines.append(Content.styled(pad("", RANK_WIDTH) + "  …", "dim"))
            continue
        rank, name, pts = str(row.rank).rjust(RANK_WIDTH - 1), pad(row.name, name_width), points_text(row.points)
        text = f"{rank}.  {name}  {pts.rjust(POINTS_WIDTH)}"
        style = "bold reverse $primary" if highlight is not None and row.key == highlight else ""
        if not style and row.rank <= 3:
            style = "bold"
        lines.append(Content.styled(text, style) if style else Content(text))
    return Content("\n").join(lines)


class Board(Widget):
    """A leaderboard filling its height; :meth:`show` sets its rows and the highlighted key."""

    DEFAULT_CSS = """
    Board {
        height: 1fr;
        width: 1fr;
    }
    """

    def __init__(self, headings: tuple[str, str, str], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.headings = headings
        self.rows: list[BoardRow] = []
        self.highlight: str | None = None
        #: Said instead of rows when there are none.
        self.empty = ""

    def show(self, rows: list[BoardRow], highlight: str | None = None, *, empty: str = "") -> None:
        self.rows, self.highlight, self.empty = rows, highlight, empty
        self.refresh()

    def set_headings(self, headings: tuple[str, str, str]) -> None:
        self.headings = headings
        self.refresh()

    def render(self) -> Content:
        if not self.rows:
            return Content.styled(self.empty, "dim")
        return board_lines(self.rows, self.size.width, self.size.height, self.highlight, self.headings)
