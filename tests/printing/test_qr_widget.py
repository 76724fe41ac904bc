"""The on-screen QR code: a screenshot of the terminal decodes under dark and light themes, without inversion."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rich.color import Color
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Label

from campaign.qr import HALF_BLOCK, QUIET_ZONE, half_block_size, qr_matrix
from tests.tools import require_tool
from tui.widgets.qr_code import QrCode

from .helpers import decode_zbar, decode_zxing
from .screenshot import rasterise

URL = "http://192.168.1.20:8080/f/K7QM2XHD9RTWP"
CAPTION = "K7QM-2XHD-9RTWP"
THEMES = ["textual-dark", "textual-light"]
BLACK, WHITE = Color.parse("#000000"), Color.parse("#ffffff")


class ShowCode(App[None]):
    """What a secretary's screen at a parents' meeting looks like: a heading and one code."""

    def __init__(self, data: str, caption: str, theme: str, *, ansi_color: bool = False) -> None:
        super().__init__(ansi_color=ansi_color)
        self.data, self.caption, self.start_theme = data, caption, theme

    def compose(self) -> ComposeResult:
        yield Label("家长评价 · 王晓明")
        yield QrCode(self.data, caption=self.caption)

    def on_mount(self) -> None:
        self.theme = self.start_theme


def _screen_text(widget: QrCode) -> str:
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


@pytest.mark.parametrize("theme", THEMES)
async def test_a_screenshot_of_the_code_decodes_to_the_url(theme: str, tmp_path: Path) -> None:
    rsvg = require_tool("rsvg-convert", "Debian package librsvg2-bin")
    app = ShowCode(URL, CAPTION, theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one(QrCode).fits()
        svg = app.export_screenshot()
    (tmp_path / "screen.svg").write_text(svg, encoding="utf-8")
    # Cell by cell, as a terminal draws block elements; both decoders, neither trying inverted codes: the code
    # must be dark on light whatever the theme.
    cells = tmp_path / "cells.png"
    rasterise(svg, 80, 24).save(cells)
    assert [d.text for d in decode_zxing(cells, try_invert=False)] == [URL]
    assert decode_zbar(cells) == [URL]
    # And as an SVG renderer draws it with a font's "▀" glyph (uneven rows, thin seams).
    png = tmp_path / "screen.png"
    subprocess.run([rsvg, "--background-color", "#808080", "-o", str(png), str(tmp_path / "screen.svg")], check=True)
    assert [d.text for d in decode_zxing(png, try_invert=False)] == [URL]


async def test_every_cell_of_the_code_is_a_black_and_white_half_block_in_every_theme() -> None:
    matrix = qr_matrix(URL)
    columns, rows = half_block_size(matrix)
    seen: list[list[tuple[str, Color | None, Color | None]]] = []
    for theme in THEMES:
        app = ShowCode(URL, CAPTION, theme)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            widget = app.query_one(QrCode)
            width, height = widget.size
            strips = widget.render_lines(Region(0, 0, width, height))
        cells = [
            (segment.text[i], style.color, style.bgcolor)
            for strip in strips
            for segment in strip
            for i in range(len(segment.text))
            if segment.text and segment.text[0] == HALF_BLOCK and (style := segment.style) is not None
        ]  # fmt: skip
        assert len(cells) == columns * rows
        assert {fg for _, fg, _ in cells} | {bg for _, _, bg in cells} == {BLACK, WHITE}
        seen.append(cells)
        # The quiet zone: the first QUIET_ZONE / 2 rows of cells are white on white.
        assert all(fg == bg == WHITE for _, fg, bg in cells[: columns * (QUIET_ZONE // 2)])
    assert seen[0] == seen[1], "the code does not depend on the theme"


async def test_a_small_terminal_shows_the_address_and_code_as_text(tmp_path: Path) -> None:
    app = ShowCode(URL, CAPTION, "textual-dark")
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        widget = app.query_one(QrCode)
        assert not widget.fits()
        text = _screen_text(widget)
        assert HALF_BLOCK not in text
        assert URL in text
        assert f"代码：{CAPTION}" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert widget.fits()
        assert HALF_BLOCK in _screen_text(widget)


async def test_text_that_looks_like_markup_is_shown_literally() -> None:
    data = "[@click=app.quit]x[/] [bold]y[/] [/"
    app = ShowCode(data, "[red]c[/]", "textual-light")
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        text = _screen_text(app.query_one(QrCode))
        assert "[@click=app.quit]x[/]" in text.replace("\n", "")
        assert "[red]c[/]" in text
        await pilot.click(QrCode)
        assert app.is_running


async def test_a_new_code_replaces_the_old_one(tmp_path: Path) -> None:
    other = "http://192.168.1.20:8080/f/ABCD2345EFGHJ"
    app = ShowCode(URL, CAPTION, "textual-dark")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(QrCode)
        widget.data, widget.caption = other, "ABCD-2345-EFGHJ"
        await pilot.pause()
        svg = app.export_screenshot()
    cells = tmp_path / "cells.png"
    rasterise(svg, 80, 24).save(cells)
    assert [d.text for d in decode_zxing(cells, try_invert=False)] == [other]


async def test_without_colours_the_text_shows_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ShowCode(URL, CAPTION, "textual-dark", ansi_color=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        widget = app.query_one(QrCode)
        assert widget.fits() and not widget.showing_code()
        assert URL in _screen_text(widget)
