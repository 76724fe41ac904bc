"""Pledges exported as CSV (UTF-8 with BOM, for Excel) or XLSX: literal text, never a formula. Audited."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .context import Campaign
from .errors import Refused
from .i18n import t
from .pledge_queries import PledgeLine, list_pledges
from .pledge_rules import clean_note

COLUMNS = (
    "id",
    "member",
    "name",
    "school",
    "category",
    "text",
    "target",
    "due",
    "state",
    "progress",
    "evidence",
    "self_grade",
    "grade",
    "grade_comment",
    "reason",
)


def cell_safe(value: Any) -> Any:
    """User text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a
    leading apostrophe; every other value is kept."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def pledge_table(c: Campaign, lines: list[PledgeLine], lang: str | None = None) -> list[list[object]]:
    """A header row (in ``lang``), then one row per pledge."""
    rows: list[list[object]] = [[t(f"pledges.col_{col}", lang=lang) for col in COLUMNS]]
    for line in lines:
        p = line.pledge
        progress = "\n".join(f"{e.get('day', '')} {e.get('note', '')}" for e in p.progress)
        rows.append(
            [
                p.id,
                p.member,
                line.name,
                line.school,
                t(f"pledges.category_{p.category}", lang=lang),
                p.text,
                p.target,
                p.due.isoformat(),
                t(f"pledges.state_{p.state}", lang=lang),
                progress,
                p.evidence,
                t(f"pledges.grade_{p.self_grade}", lang=lang) if p.self_grade else "",
                t(f"pledges.grade_{p.grade}", lang=lang) if p.grade else "",
                p.grade_comment,
                p.reason,
            ]
        )
    return rows


def export_pledges(c: Campaign, out: Path, lines: list[PledgeLine] | None = None, lang: str | None = None) -> Path:
    """Write ``lines`` (every pledge when None) to ``out`` (``.csv`` or ``.xlsx``; other suffixes refused)."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Refused("pledges.unsupported_format", suffix=suffix or "?")
    if lines is None:
        lines = list_pledges(c)
    table = [[clean_note(v) if isinstance(v, str) else v for v in row] for row in pledge_table(c, lines, lang)]
    try:
        if suffix == ".csv":
            with out.open("w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows([[cell_safe(v) for v in row] for row in table])
        else:
            _write_xlsx(out, table, t("pledges.sheet_title", lang=lang))
    except OSError as exc:
        raise Refused("pledges.write_failed", path=str(out), reason=exc.strerror or str(exc)) from exc
    with c.store.transaction():
        c.audit("pledge.export", file=out.name, count=len(lines))
    return out


def _write_xlsx(out: Path, table: list[list[object]], title: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    for r, row in enumerate(table, start=1):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=cell_safe(value))
            if isinstance(value, str):
                # openpyxl would store "=..." as a formula; user text is always text.
                cell.data_type = "s"
    wb.save(out)
