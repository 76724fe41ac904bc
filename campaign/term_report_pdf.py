"""The term report as an A4 landscape PDF with an embedded Chinese font (see :mod:`campaign.printing.fonts`).

User text (names, session titles) goes into table cells as plain strings or escaped paragraphs: reportlab's
paragraph markup is never read from it.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .context import Campaign
from .exports import Percent, Sheet, display_width, write_file
from .printing.fonts import cjk_font
from .printing.pdf import one_line
from .term_report import TermReport, report_sheets


def write_pdf(c: Campaign, report: TermReport, out: Path) -> Path:
    """Render every table of the report, each under its heading, and write ``out`` atomically."""
    font = cjk_font().name
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4 * mm)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=16, spaceBefore=5 * mm, spaceAfter=2 * mm)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        creator="chuangyou",
    )
    story: list[object] = [Paragraph(escape(one_line(report.title)), title)]
    for sheet in report_sheets(c, report):
        story.append(Paragraph(escape(sheet.name), heading))
        story.append(_table(sheet, font, cell, doc.width))
        story.append(Spacer(1, 2 * mm))
    doc.build(story)
    return write_file(out, buffer.getvalue())


def _text(value: object) -> str:
    if isinstance(value, Percent):
        return "" if value.value is None else f"{value.value * 100:.1f}%"
    return "" if value is None else one_line(str(value))


def _table(sheet: Sheet, font: str, style: ParagraphStyle, width: float) -> Table:
    rows = [[Paragraph(escape(h), style) for h in sheet.header]]
    for values in sheet.rows:
        rows.append([Paragraph(escape(_text(v)), style) for v in values])
    # Columns share the width by what they hold (Chinese characters count double), each at least a little.
    wants = [
        min(
            max([display_width(h) for h in sheet.header[i : i + 1]] + [display_width(_text(r[i])) for r in sheet.rows]),
            40,
        )
        + 3
        for i in range(len(sheet.header))
    ]
    total = sum(wants) or 1
    table = Table(rows, repeatRows=1, colWidths=[width * w / total for w in wants])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
