"""What the slip and badge sheets share: writing a PDF safely, drawing a QR code, and fitting user text.

User text (names, class labels, schools) is drawn with ``Canvas.drawString``, which draws characters and never
parses markup (reportlab's ``Paragraph`` would read ``<b>`` as markup). Text that does not fit its box is first
set smaller, then cut with an ellipsis, so a 200-character name cannot spill over a neighbouring slip.
"""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from campaign.errors import Refused
from campaign.qr import QrMatrix, dark_runs

PAGE_WIDTH, PAGE_HEIGHT = A4
MM = 72 / 25.4
ELLIPSIS = "…"
#: Control characters (line breaks included) would draw as boxes or break a line apart: shown as spaces.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class FittedText:
    text: str
    size: float


def one_line(text: str) -> str:
    """``text`` as a single printable line: control characters become spaces, runs of spaces collapse."""
    return " ".join(_CONTROL.sub(" ", text).split())


def fit_text(text: str, font: str, width: float, size: float, min_size: float) -> FittedText:
    """``text`` at the largest size in ``min_size..size`` that fits ``width``; cut with "…" if even that is too wide."""
    text = one_line(text)
    while size > min_size and stringWidth(text, font, size) > width:
        size = max(min_size, size - 0.5)
    if stringWidth(text, font, size) <= width:
        return FittedText(text, size)
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid] + ELLIPSIS, font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return FittedText(text[:low].rstrip() + ELLIPSIS, size)


def draw_fitted(
    canvas: Canvas,
    text: str,
    *,
    font: str,
    x: float,
    y: float,
    width: float,
    size: float,
    min_size: float,
    centered: bool = False,
) -> FittedText:
    """Draw ``text`` literally on one line within ``width`` (baseline at ``y``); returns what was drawn."""
    fitted = fit_text(text, font, width, size, min_size)
    canvas.setFont(font, fitted.size)
    if centered:
        canvas.drawCentredString(x + width / 2, y, fitted.text)
    else:
        canvas.drawString(x, y, fitted.text)
    return fitted


def draw_qr(canvas: Canvas, matrix: QrMatrix, x: float, y: float, side: float) -> None:
    """Draw ``matrix`` as a ``side``-point square with its lower-left corner at (``x``, ``y``), quiet zone white."""
    module = side / matrix.size
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for row, col, length in dark_runs(matrix):
        canvas.rect(x + col * module, y + side - (row + 1) * module, length * module, module, stroke=0, fill=1)
    canvas.restoreState()


def draw_cut_grid(canvas: Canvas, left: float, bottom: float, cols: int, rows: int, w: float, h: float) -> None:
    """Dashed cut lines around and between ``cols`` x ``rows`` cells of ``w`` x ``h`` points."""
    canvas.saveState()
    canvas.setStrokeColorRGB(0.55, 0.55, 0.55)
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 3)
    for i in range(cols + 1):
        canvas.line(left + i * w, bottom, left + i * w, bottom + rows * h)
    for j in range(rows + 1):
        canvas.line(left, bottom + j * h, left + cols * w, bottom + j * h)
    canvas.restoreState()


def pages_for(count: int, per_page: int) -> int:
    """How many pages ``count`` slips or badges take at ``per_page`` a page."""
    return -(-count // per_page)


def new_canvas(title: str) -> tuple[Canvas, io.BytesIO]:
    """An A4 canvas drawing into memory, so a failed sheet never leaves half a PDF on disk."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("chuangyou")
    return canvas, buffer


def save_pdf(canvas: Canvas, buffer: io.BytesIO, out: Path) -> Path:
    """Finish ``canvas`` and write it to ``out`` atomically (temporary file, then rename); refused if impossible.

    The file is readable by its owner only: a slip sheet holds live feedback codes.
    """
    canvas.save()
    out = out.expanduser()
    folder = out.parent if str(out.parent) else Path()
    if out.is_dir():
        raise Refused("printing.cannot_write", path=str(out), reason=os.strerror(errno.EISDIR))
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise Refused("printing.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise Refused("printing.cannot_write", path=str(out), reason=exc.strerror or str(exc)) from exc
    return out
