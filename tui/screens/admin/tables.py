"""DataTable helpers shared by the secretary's screens: the selected row, and refilling without losing it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

Row = tuple[str, Sequence[Text]]


def selected_key(table: DataTable[object]) -> str | None:
    """The key of the row under the cursor, or None when the table is empty."""
    if table.row_count == 0:
        return None
    try:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except (RowDoesNotExist, IndexError):
        return None
    return key


def refill(table: DataTable[object], rows: Iterable[Row]) -> None:
    """Replace every row by ``rows`` ((key, cells) pairs), keeping the cursor on the same key if it is still there.

    Cells that hold user text must be Rich ``Text`` (see :func:`tui.text.cell`): a ``str`` cell is parsed as markup.
    """
    keep = selected_key(table)
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    if keep is not None:
        with contextlib.suppress(RowDoesNotExist):
            table.move_cursor(row=table.get_row_index(keep), animate=False, scroll=True)
