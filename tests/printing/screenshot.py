"""Rasterise a Textual SVG screenshot cell by cell, the way a terminal draws block elements.

Terminals draw ``▀`` ``▄`` ``█`` themselves to fill the cell exactly; a font-based SVG renderer (rsvg) draws the
glyph of whatever font it finds, with gaps and uneven rows. This reads the screenshot's own cells (background
rectangles and text runs, on Rich's fixed grid) and paints each one: background, then the block's share of the
cell in the foreground colour. Other characters are left as background: the QR code is made of blocks only.
"""

from __future__ import annotations

import re

from PIL import Image, ImageDraw

#: Rich's export_svg grid: 20 px characters, 0.61 wide, lines 1.22 high, the first line 1.5 px down.
CHAR_WIDTH = 20 * 0.61
LINE_HEIGHT = 20 * 1.22
TOP = 1.5
#: Pixels per cell in the raster: a terminal cell is about twice as tall as it is wide.
CELL_W, CELL_H = 8, 16

_STYLE = re.compile(r"\.(terminal-\d+-r\d+) \{ fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(
    r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" '
    r'shape-rendering="crispEdges"/>'
)
_TEXT = re.compile(
    r'<text class="(terminal-\d+-r\d+)" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
    r'clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>'
)
#: Which part of the cell each block character fills in the foreground colour: (top, bottom) as fractions.
_BLOCKS = {"▀": (0.0, 0.5), "▄": (0.5, 1.0), "█": (0.0, 1.0)}


def rasterise(svg: str, columns: int, rows: int) -> Image.Image:
    """The screen of ``columns`` x ``rows`` cells in ``svg`` (from ``App.export_screenshot``) as an RGB image."""
    colours = dict(_STYLE.findall(svg))
    image = Image.new("RGB", (columns * CELL_W, rows * CELL_H), "#808080")
    draw = ImageDraw.Draw(image)
    for fill, x, y, width in _RECT.findall(svg):
        col, row = round(float(x) / CHAR_WIDTH), round((float(y) - TOP) / LINE_HEIGHT)
        span = round(float(width) / CHAR_WIDTH)
        if span <= 0:
            continue
        draw.rectangle((col * CELL_W, row * CELL_H, (col + span) * CELL_W - 1, (row + 1) * CELL_H - 1), fill=fill)
    for style, x, length, line, text in _TEXT.findall(svg):
        col, row = round(float(x) / CHAR_WIDTH), int(line)
        if round(float(length) / CHAR_WIDTH) != len(text):
            continue  # wide characters: not part of a code
        for i, char in enumerate(text):
            if char in _BLOCKS:
                top, bottom = _BLOCKS[char]
                left = (col + i) * CELL_W
                draw.rectangle(
                    (left, row * CELL_H + top * CELL_H, left + CELL_W - 1, row * CELL_H + bottom * CELL_H - 1),
                    fill=colours.get(style, "#808080"),
                )
    return image
