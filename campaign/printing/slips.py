"""The A4 sheet of parent-feedback slips for one batch: cut along the dashed lines, hand one to each parent.

Each slip shows the school, the teacher and the class, a one-line instruction, the expiry, the QR code of the
slip's URL and, under it, the code in groups for the kiosk. Slips are printed in Chinese whatever the secretary's
UI language: they are for parents.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from campaign import feedback
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.qr import Correction, qr_matrix
from campaign.urls import slip_urls
from storage.records import FeedbackToken

from .fonts import cjk_font
from .pdf import MM, PAGE_HEIGHT, PAGE_WIDTH, draw_cut_grid, draw_fitted, draw_qr, new_canvas, save_pdf

SLIP_LANGUAGE = "zh_CN"
LAYOUTS = (8, 10)
COLUMNS = 2
MARGIN = 10 * MM
PADDING = 4 * MM
#: A bigger code scans from further away; 42 mm holds a version-3 code at over 1 mm a module.
QR_MAX = 42 * MM
CODE_FONT = "Courier-Bold"
URL_FONT = "Courier"


def write_slip_sheet(c: Campaign, batch_id: str, out: Path, *, per_page: int = 10) -> Path:
    """Write the slips of batch ``batch_id`` that are still unused to ``out`` (A4 PDF, 8 or 10 a page).

    Refused: an unknown batch, a batch past its expiry date, a batch whose codes are all used, no Chinese font
    on this host, an ``out`` that cannot be written. The sheet is written whole or not at all; it is audited.
    """
    if per_page not in LAYOUTS:
        raise Refused("printing.bad_layout", count=per_page, choices="/".join(map(str, LAYOUTS)))
    batch, teacher, tokens = feedback.batch_slips(c, batch_id)
    if batch.expires < feedback.today(c):
        raise Refused("printing.batch_expired", batch=batch.id, expires=batch.expires.isoformat())
    unused = [token for token in tokens if token.used_at is None]
    if not unused:
        raise Refused("printing.batch_used_up", batch=batch.id)
    font = cjk_font().name
    teacher_name = teacher.name if teacher else batch.member
    school = teacher.school if teacher else ""
    urls = slip_urls(c, [token.code for token in unused])

    rows = per_page // COLUMNS
    width = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
    height = (PAGE_HEIGHT - 2 * MARGIN) / rows
    canvas, buffer = new_canvas(t("printing.sheet_title", lang=SLIP_LANGUAGE, teacher=teacher_name, batch=batch.id))
    for index, (token, url) in enumerate(zip(unused, urls, strict=True)):
        place = index % per_page
        if place == 0:
            if index:
                canvas.showPage()
            draw_cut_grid(canvas, MARGIN, MARGIN, COLUMNS, rows, width, height)
        col, row = place % COLUMNS, place // COLUMNS
        x = MARGIN + col * width
        y = PAGE_HEIGHT - MARGIN - (row + 1) * height
        _draw_slip(canvas, font, x, y, width, height, teacher_name=teacher_name, school=school, token=token, url=url)
    path = save_pdf(canvas, buffer, out)
    with c.store.transaction():
        c.audit("feedback.sheet", batch=batch.id, slips=len(unused), path=str(path))
    return path


def _draw_slip(
    canvas: Canvas,
    font: str,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    teacher_name: str,
    school: str,
    token: FeedbackToken,
    url: str,
) -> None:
    def say(key: str, **params: str) -> str:
        return t(f"printing.{key}", lang=SLIP_LANGUAGE, **params)

    code_band = 6 * MM
    side = min(h - 2 * PADDING - code_band, QR_MAX)
    qr_x = x + w - PADDING - side
    qr_y = y + PADDING + code_band
    draw_qr(canvas, qr_matrix(url, correction=Correction.MEDIUM), qr_x, qr_y, side)
    draw_fitted(
        canvas, feedback.display_code(token.code), font=CODE_FONT, x=qr_x, y=y + PADDING + 1.2 * MM, width=side,
        size=12, min_size=7, centered=True,
    )  # fmt: skip

    left = x + PADDING
    text_w = qr_x - 3 * MM - left
    top = y + h - PADDING
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    draw_fitted(canvas, school, font=font, x=left, y=top - 8, width=text_w, size=8, min_size=6)
    canvas.setFillColorRGB(0, 0, 0)
    draw_fitted(
        canvas, say("slip_teacher", name=teacher_name), font=font, x=left, y=top - 27, width=text_w, size=15,
        min_size=10,
    )  # fmt: skip
    if token.class_label:
        draw_fitted(
            canvas, say("slip_class", label=token.class_label), font=font, x=left, y=top - 44, width=text_w,
            size=11, min_size=6,
        )  # fmt: skip
    draw_fitted(canvas, say("slip_instruction"), font=font, x=left, y=top - 66, width=text_w, size=11, min_size=7)
    draw_fitted(
        canvas, say("slip_expires", date=token.expires.isoformat()), font=font, x=left, y=top - 80, width=text_w,
        size=8, min_size=6,
    )  # fmt: skip
    bottom = y + PADDING
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    draw_fitted(canvas, say("slip_kiosk"), font=font, x=left, y=bottom + 10, width=text_w, size=8, min_size=5)
    draw_fitted(canvas, url, font=URL_FONT, x=left, y=bottom + 1.2 * MM, width=text_w, size=6.5, min_size=4.5)
    canvas.setFillColorRGB(0, 0, 0)
