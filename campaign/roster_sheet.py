"""Spreadsheets as schools keep them: a title row (merged cells) above the header, a 序号 column, blank rows, a
合计 row at the bottom. What the import skips is noted, so the preview can say so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .i18n import t

#: The header is looked for in the first rows only (a title, a subtitle, a date line, then the header).
HEADER_SEARCH_ROWS = 10
#: First words of a total row.
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "total")


@dataclass(frozen=True)
class Ignored:
    """One thing the import skipped: ``kind`` is "title" (a row above the header), "column" (a header the import
    does not use, e.g. 序号) or "total" (a 合计 row); ``text`` is what it held."""

    row: int
    kind: str
    text: str

    def message(self, lang: str | None = None) -> str:
        return t(f"roster_sheet.ignored_{self.kind}", lang=lang, row=self.row, text=self.text)


@dataclass
class SheetNotes:
    ignored: list[Ignored] = field(default_factory=list)
    blank_rows: int = 0
    new_schools: list[str] = field(default_factory=list)
    without_pin: list[str] = field(default_factory=list)


def find_header(rows: list[list[str]], is_header: Callable[[list[str]], bool]) -> int | None:
    """The index of the header row among the first rows, or None."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header(row):
            return i
    return None


def is_total_row(row: list[str], code: str, name: str) -> bool:
    """A 合计 / 总计 row: its first filled cell (or its code or name) starts with a total word."""
    first = next((c.strip() for c in row if c.strip()), "")
    return any(x.lower().replace(" ", "").startswith(TOTAL_WORDS) for x in (first, code, name) if x)
