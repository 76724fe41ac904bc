"""What the secretary's points screens share: the admin style sheet and their own (``points.tcss``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import ClassVar

from rich.cells import cell_len
from textual.widgets import DataTable

from tui.text import cell

from .base import AdminScreen
from .tables import Row, refill


class PointsAdminScreen(AdminScreen):
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = ["admin.tcss", "points.tcss"]


def fill_sized(table: DataTable[object], headings: list[tuple[str, str]], rows: Sequence[Row]) -> None:
    """Replace the columns (``(key, heading)`` pairs) and rows, each column as wide as its widest cell.

    Widths are given, not left to DataTable: its own sizing, measured after rows arrive from a worker, now and then
    kept the headings' widths only (seen: CJK names cut to two characters in one run out of three).
    """
    widths = [cell_len(heading) for _, heading in headings]
    for _, cells in rows:
        for i, text in enumerate(cells):
            widths[i] = max(widths[i], text.cell_len)
    table.clear(columns=True)
    for (key, heading), width in zip(headings, widths, strict=True):
        table.add_column(cell(heading), key=key, width=width)
    refill(table, rows)
