"""Exports: where they go, and tables written for people to open in Excel or WPS (XLSX and CSV), with one rule for
each thing that goes wrong.

* One place: a file name (or relative path) lands in ``<data dir>/exports/``; an absolute path is kept. Every
  screen and command shows the full path it wrote (:func:`export_path`).

* User text stays text: a CSV cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or CR) gets a leading
  apostrophe, so Excel never runs it as a formula; XLSX cells holding text are typed as strings.
* Rates are numbers: a :class:`Percent` cell is stored in XLSX as a fraction with a percentage format (sortable,
  summable), not as the text "93%".
* CSV for Excel: UTF-8 with a byte-order mark (Excel detects it and shows Chinese), or GBK for older Excel and
  WPS on Chinese Windows; text GBK cannot hold is refused, naming it, instead of being garbled.
* XLSX: a title row (the branch and the period) above each sheet when there is a title, a bold header, column
  widths that fit the widest cell (Chinese characters count double); control characters, which XLSX cannot hold,
  are dropped.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from storage.perms import FILE_MODE

from .context import Campaign
from .errors import Refused
from .locations import exports_dir

#: ``--encoding`` choices for CSV, and the codec each one writes.
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "gbk": "gbk"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel's widest useful column, in characters.
_MAX_WIDTH = 60


def export_folder(c: Campaign) -> Path:
    """``<data dir>/exports/``, absolute (not created)."""
    return exports_dir(Path(c.store.root)).resolve()


def export_path(c: Campaign, given: str | Path) -> Path:
    """Where an export named ``given`` is written, absolute. The exports folder is created when needed; a folder
    the secretary named explicitly must exist (a typo there is refused where the file is written)."""
    path = Path(given).expanduser()
    if path.is_absolute():
        return path.resolve()
    path = (export_folder(c) / path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Percent:
    """A rate (0..1) shown as a percentage; None when there is nothing to divide (shown empty)."""

    value: float | None


Cell = str | int | float | Percent | None


@dataclass(frozen=True)
class Sheet:
    """One table: a name (the XLSX sheet's tab), a header row and the rows under it."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def as_text(value: Cell | object) -> str:
    """A cell as a person reads it on a screen or in a CSV file: a rate as "66.7%", nothing for None."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return "" if value.value is None else f"{value.value * 100:.1f}%"
    return str(value)


def csv_safe(value: Cell) -> str | int | float:
    """A cell as CSV writes it: text that Excel would run as a formula is quoted with an apostrophe."""
    if value is None or isinstance(value, Percent):
        return as_text(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet or terminal: East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def write_csv(out: Path, sheets: Sequence[Sheet], *, title: str = "", encoding: str = "utf-8") -> Path:
    """Every sheet one after the other (its name on a line of its own, a blank line between), in ``encoding``
    (a key of :data:`CSV_ENCODINGS`). Written to a temporary file and renamed: never half a file."""
    if encoding not in CSV_ENCODINGS:
        raise Refused("exports.bad_encoding", encoding=encoding, choices=", ".join(CSV_ENCODINGS))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if title:
        writer.writerow([csv_safe(title)])
    for i, sheet in enumerate(sheets):
        if i or title:
            writer.writerow([])
        if len(sheets) > 1:
            writer.writerow([csv_safe(sheet.name)])
        writer.writerow([csv_safe(h) for h in sheet.header])
        writer.writerows([[csv_safe(v) for v in row] for row in sheet.rows])
    text = buffer.getvalue()
    try:
        data = text.encode(CSV_ENCODINGS[encoding])
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise Refused("exports.not_in_gbk", text=bad, codepoint=f"U+{ord(bad[0]):04X}") from exc
    return write_file(out, data)


def write_xlsx(out: Path, sheets: Sequence[Sheet], *, title: str = "") -> Path:
    """One worksheet per sheet: the title row (merged across the table), the header in bold, the rows."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_name(sheet.name, wb.sheetnames))
        row = 1
        columns = max(len(sheet.header), 1)
        widths = [display_width(str(h)) for h in sheet.header] + [0] * (columns - len(sheet.header))
        if title:
            cell = ws.cell(row=1, column=1, value=title)
            cell.data_type = "s"
            cell.font = Font(bold=True, size=14)
            cell.alignment = Alignment(horizontal="left")
            if columns > 1:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
            row = 2
        for col, name in enumerate(sheet.header, start=1):
            cell = ws.cell(row=row, column=col, value=name)
            cell.data_type = "s"
            cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=row + 1, column=1)
        for values in sheet.rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col)
                if isinstance(value, Percent):
                    cell.value = value.value
                    cell.number_format = "0.0%"
                    shown = as_text(value)
                elif isinstance(value, str):
                    # openpyxl refuses control characters (a note pasted from elsewhere): they are dropped.
                    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.data_type = "s"  # openpyxl would store "=..." as a formula; user text is always text
                    shown = value
                else:
                    cell.value = value
                    shown = "" if value is None else str(value)
                if col <= len(widths):
                    widths[col - 1] = max(widths[col - 1], display_width(shown))
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = min(max(width, 4) + 2, _MAX_WIDTH)
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_file(out, buffer.getvalue())


def _sheet_name(name: str, taken: list[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique.
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def write_file(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` through a temporary file in the same folder, renamed into place; refused (with the
    path and the reason) when the folder is missing or not writable."""
    out = out.expanduser().absolute()
    if out.is_dir():
        raise Refused("exports.cannot_write", path=str(out), reason=os.strerror(21))
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise Refused("exports.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    try:
        os.fchmod(fd, FILE_MODE)  # the owner and the chuangyou group, like every file of the data directory
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise Refused("exports.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    return out
