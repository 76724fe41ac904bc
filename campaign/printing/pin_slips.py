"""PINs set in bulk, and a sealed PIN slip per member for the first sign-in (issue 8: members imported without a
PIN cannot sign in).

Each slip is folded along its middle line: the outside names the member, the inside holds the PIN, so a stack of
slips can be handed out like a sealed list. The PINs exist only on the sheet: the store keeps their hashes, the
audit entry names the members, not their PINs.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from campaign import roster
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.hashing import hash_pin
from campaign.i18n import t
from storage.records import Member

from .fonts import cjk_font
from .pdf import MM, PAGE_HEIGHT, PAGE_WIDTH, draw_cut_grid, draw_fitted, new_canvas, save_pdf

PIN_DIGITS = 6
SLIP_LANGUAGE = "zh_CN"
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
MARGIN = 10 * MM
PADDING = 5 * MM


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def pin_members(c: Campaign, codes: list[str] | None = None) -> list[Member]:
    """Active members without a PIN (roster order), or exactly ``codes`` (their PIN is replaced)."""
    if codes is None:
        members = [m for m in roster.list_members(c, include_inactive=False) if not m.pin_hash]
    else:
        wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
        found = {code: c.repos.members.get(code) for code in wanted}
        missing = [code for code, m in found.items() if m is None or not m.active]
        if missing:
            raise Refused("printing.unknown_members", codes=", ".join(missing))
        members = [m for m in found.values() if m is not None]
    if not members:
        raise Refused("pin_slips.nobody")
    return members


def issue_pin_slips(c: Campaign, out: Path, codes: list[str] | None = None) -> tuple[Path, int]:
    """Give each member of :func:`pin_members` a new random PIN and print their slips to ``out`` (A4 PDF).

    The sheet is written first: if it cannot be, no PIN changes. Returns the sheet's path and the count.
    """
    members = pin_members(c, codes)
    pins = [(m, new_pin()) for m in members]
    hashed = {m.code: hash_pin(pin) for m, pin in pins}  # slow by design: outside the store's lock
    path = write_pin_sheet(pins, out)
    try:
        with c.store.transaction():
            for m, _ in pins:
                current = c.repos.members.get(m.code)
                if current is not None:
                    c.repos.members.put(replace(current, pin_hash=hashed[m.code]))
            c.audit("member.pins_set", count=len(pins), codes=[m.code for m, _ in pins])
    except BaseException:
        path.unlink(missing_ok=True)  # PINs that were not set must not be handed out
        raise
    return path, len(pins)


def write_pin_sheet(pins: list[tuple[Member, str]], out: Path) -> Path:
    font = cjk_font().name
    width = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
    height = (PAGE_HEIGHT - 2 * MARGIN) / ROWS
    canvas, buffer = new_canvas(t("pin_slips.title", lang=SLIP_LANGUAGE))
    for index, (member, pin) in enumerate(pins):
        place = index % PER_PAGE
        if place == 0:
            if index:
                canvas.showPage()
            draw_cut_grid(canvas, MARGIN, MARGIN, COLUMNS, ROWS, width, height)
        col, row = place % COLUMNS, place // COLUMNS
        x, y = MARGIN + col * width, PAGE_HEIGHT - MARGIN - (row + 1) * height
        _draw_slip(canvas, font, x, y, width, height, member, pin)
    return save_pdf(canvas, buffer, out)


def _draw_slip(canvas: Canvas, font: str, x: float, y: float, w: float, h: float, member: Member, pin: str) -> None:
    inner = w - 2 * PADDING
    middle = y + h / 2
    lang = SLIP_LANGUAGE
    # Outside (top half): who it is for.
    draw_fitted(
        canvas, member.name, font=font, x=x + PADDING, y=y + h - PADDING - 18, width=inner, size=18, min_size=10
    )
    school = f"{member.school}  {member.code}"
    draw_fitted(canvas, school, font=font, x=x + PADDING, y=y + h - PADDING - 36, width=inner, size=10, min_size=7)
    draw_fitted(
        canvas, t("pin_slips.fold", lang=lang), font=font, x=x + PADDING, y=middle + 4, width=inner, size=8,
        min_size=6,
    )  # fmt: skip
    canvas.setDash(2, 2)
    canvas.line(x + PADDING, middle, x + w - PADDING, middle)
    canvas.setDash()
    # Inside (bottom half): the PIN, and what to do with it.
    draw_fitted(canvas, t("pin_slips.pin_label", lang=lang), font=font, x=x + PADDING, y=middle - 16, width=inner,
                size=10, min_size=7)  # fmt: skip
    draw_fitted(canvas, pin, font="Courier-Bold", x=x + PADDING, y=middle - 44, width=inner, size=26, min_size=14)
    draw_fitted(canvas, t("pin_slips.keep_secret", lang=lang), font=font, x=x + PADDING, y=y + PADDING,
                width=inner, size=8, min_size=6)  # fmt: skip
