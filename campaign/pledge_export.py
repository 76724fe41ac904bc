"""Pledges exported as CSV (UTF-8 with BOM, for Excel) or XLSX: literal text, never a formula. Audited."""

from __future__ import annotations

from pathlib import Path

from .context import Campaign
from .errors import Refused
from .exports import Sheet, export_path, write_csv, write_xlsx
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


def export_pledges(
    c: Campaign,
    out: Path,
    lines: list[PledgeLine] | None = None,
    lang: str | None = None,
    *,
    encoding: str = "utf-8",
) -> Path:
    """Write ``lines`` (every pledge when None) to ``out`` (``.csv`` or ``.xlsx``; other suffixes refused; a bare
    file name goes into the exports folder; see :mod:`campaign.exports` for how user text stays text)."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Refused("pledges.unsupported_format", suffix=suffix or "?")
    if lines is None:
        lines = list_pledges(c)
    out = export_path(c, out)
    header, *rows = [[clean_note(v) if isinstance(v, str) else v for v in row] for row in pledge_table(c, lines, lang)]
    sheet = Sheet(t("pledges.sheet_title", lang=lang), [str(h) for h in header], rows)  # type: ignore[arg-type]
    path = write_csv(out, [sheet], encoding=encoding) if suffix == ".csv" else write_xlsx(out, [sheet])
    with c.store.transaction():
        c.audit("pledge.export", file=path.name, count=len(lines))
    return path
