"""The A4 sheet of member badges: a QR code holding the member code, for a keyboard-wedge scanner at the kiosk.

The scanner "types" what the code holds followed by Enter, so the QR code carries the member code and nothing
else; the name, school and code are printed beside it for people. Ten badges a page, cut along dashed lines.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from campaign import roster
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.qr import Correction, qr_matrix
from storage.records import Member

from .fonts import cjk_font
from .pdf import MM, PAGE_HEIGHT, PAGE_WIDTH, draw_cut_grid, draw_fitted, draw_qr, new_canvas, save_pdf

BADGE_LANGUAGE = "zh_CN"
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
MARGIN = 10 * MM
PADDING = 5 * MM
QR_MAX = 40 * MM
CODE_FONT = "Courier-Bold"


def badge_members(c: Campaign, codes: list[str] | None = None) -> list[Member]:
    """The members to print: every active member (roster order), or exactly ``codes`` in the order given.

    Refused: an empty roster, codes that are unknown or deactivated (all of them named), and codes a keyboard
    scanner cannot type (anything but printable ASCII).
    """
    if codes is None:
        members = roster.list_members(c, include_inactive=False)
    else:
        wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
        found = {code: c.repos.members.get(code) for code in wanted}
        missing = [code for code, m in found.items() if m is None or not m.active]
        if missing:
            raise Refused("printing.unknown_members", codes=", ".join(missing))
        members = [m for m in found.values() if m is not None]
    if not members:
        raise Refused("printing.no_members")
    unscannable = [m.code for m in members if not (m.code.isascii() and m.code.isprintable())]
    if unscannable:
        raise Refused("printing.code_not_scannable", codes=", ".join(unscannable))
    return members


def write_badge_sheet(c: Campaign, out: Path, codes: list[str] | None = None) -> Path:
    """Write badges for ``codes`` (default: every active member) to ``out`` as an A4 PDF, 10 a page.

    Refused as :func:`badge_members` refuses, with no Chinese font on this host, or when ``out`` cannot be
    written. The sheet is written whole or not at all; it is audited.
    """
    members = badge_members(c, codes)
    font = cjk_font().name
    width = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
    height = (PAGE_HEIGHT - 2 * MARGIN) / ROWS
    canvas, buffer = new_canvas(t("printing.badge_title", lang=BADGE_LANGUAGE))
    for index, member in enumerate(members):
        place = index % PER_PAGE
        if place == 0:
            if index:
                canvas.showPage()
            draw_cut_grid(canvas, MARGIN, MARGIN, COLUMNS, ROWS, width, height)
        col, row = place % COLUMNS, place // COLUMNS
        _draw_badge(
            canvas, font, MARGIN + col * width, PAGE_HEIGHT - MARGIN - (row + 1) * height, width, height, member
        )
    path = save_pdf(canvas, buffer, out)
    with c.store.transaction():
        c.audit("member.badges", count=len(members), path=str(path))
    return path


def _draw_badge(canvas: Canvas, font: str, x: float, y: float, w: float, h: float, member: Member) -> None:
    side = min(h - 2 * PADDING, QR_MAX)
    qr_x, qr_y = x + PADDING, y + (h - side) / 2
    draw_qr(canvas, qr_matrix(member.code, correction=Correction.MEDIUM), qr_x, qr_y, side)
    left = qr_x + side + 4 * MM
    text_w = x + w - PADDING - left
    top = y + h - PADDING
    canvas.setFillColorRGB(0, 0, 0)
    draw_fitted(canvas, member.name, font=font, x=left, y=top - 24, width=text_w, size=20, min_size=11)
    draw_fitted(canvas, member.school, font=font, x=left, y=top - 46, width=text_w, size=11, min_size=7)
    label = t("printing.badge_code_label", lang=BADGE_LANGUAGE)
    label_w = canvas.stringWidth(label, font, 9)
    canvas.setFont(font, 9)
    canvas.drawString(left, top - 70, label)
    draw_fitted(
        canvas, member.code, font=CODE_FONT, x=left + label_w, y=top - 70, width=text_w - label_w, size=13,
        min_size=7,
    )  # fmt: skip
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    draw_fitted(
        canvas, t("printing.badge_scan", lang=BADGE_LANGUAGE), font=font, x=left, y=y + PADDING + 2, width=text_w,
        size=8, min_size=6,
    )  # fmt: skip
    canvas.setFillColorRGB(0, 0, 0)
