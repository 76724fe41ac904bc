"""A QR code on the terminal that a phone can scan, with a text fallback when the window is too small.

Each cell is the upper half block ``▀``: foreground = top module, background = bottom module, in explicit RGB
black and white (a named "black" would follow the terminal palette), quiet zone included. So the code is dark on
light under every theme; the cells around it keep the theme. The matrix and its rows come from
:mod:`campaign.qr`, the one place that makes QR codes.
"""

from __future__ import annotations

from functools import cached_property

from rich.cells import cell_len
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from campaign.i18n import t
from campaign.qr import DARK_RGB, HALF_BLOCK, LIGHT_RGB, QrMatrix, half_block_rows, half_block_size, qr_matrix

_DARK = Color.parse(DARK_RGB)
_LIGHT = Color.parse(LIGHT_RGB)
#: The four cells a half-block code is made of, keyed (top dark, bottom dark).
CELL_STYLES: dict[tuple[bool, bool], Style] = {
    (top, bottom): Style(color=_DARK if top else _LIGHT, bgcolor=_DARK if bottom else _LIGHT, bold=False)
    for top in (False, True)
    for bottom in (False, True)
}


class QrCode(Widget):
    """Shows the QR code of ``data`` centred in the widget, with ``caption`` (e.g. a slip's short code) under it.

    When the widget is smaller than the code (or NO_COLOR strips its colours), it shows the text of ``data`` and
    the caption instead, so a parent can still type the address. Colours are 24-bit black and white; over SSH
    with 256 colours they map to the palette's exact black (16) and white (231).
    """

    DEFAULT_CSS = """
    QrCode {
        width: 1fr;
        height: 1fr;
    }
    """

    data: reactive[str] = reactive("", layout=True)
    caption: reactive[str] = reactive("", layout=True)

    def __init__(
        self,
        data: str,
        *,
        caption: str = "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(QrCode.data, data)
        self.set_reactive(QrCode.caption, caption)

    def watch_data(self) -> None:
        self.__dict__.pop("_rows", None)
        self.__dict__.pop("matrix", None)

    @cached_property
    def matrix(self) -> QrMatrix:
        return qr_matrix(self.data)

    @cached_property
    def _rows(self) -> list[Strip]:
        rows: list[Strip] = []
        for cells in half_block_rows(self.matrix):
            segments: list[Segment] = []
            run_start = 0
            for i in range(1, len(cells) + 1):
                if i == len(cells) or cells[i] != cells[run_start]:
                    key = (cells[run_start].top_dark, cells[run_start].bottom_dark)
                    segments.append(Segment(HALF_BLOCK * (i - run_start), CELL_STYLES[key]))
                    run_start = i
            rows.append(Strip(segments, len(cells)))
        return rows

    def code_size(self) -> tuple[int, int]:
        """(columns, rows) the code and its caption need."""
        if not self.data:
            return 0, 0
        columns, rows = half_block_size(self.matrix)
        return max(columns, cell_len(self.caption)), rows + (1 if self.caption else 0)

    def fits(self) -> bool:
        """Whether the whole code, quiet zone included, fits the widget (else the text fallback shows)."""
        width, height = self.code_size()
        return width <= self.size.width and height <= self.size.height

    def colours_shown(self) -> bool:
        """False when NO_COLOR with native ANSI colours strips every colour: the code would be unreadable."""
        return not (self.app.no_color and self.app.native_ansi_color)

    def showing_code(self) -> bool:
        """Whether the code is drawn (else the text fallback shows)."""
        return bool(self.data) and self.fits() and self.colours_shown()

    def render(self) -> Content:
        """The text fallback: what to type instead of scanning."""
        if not self.data:
            return Content("")
        lines = [t("printing.qr_too_small"), self.data]
        if self.caption:
            lines.append(t("printing.qr_code_label", code=self.caption))
        return Content("\n".join(lines))

    def render_line(self, y: int) -> Strip:
        if not self.showing_code():
            return super().render_line(y)
        width, height = self.size
        _, code_height = self.code_size()
        top = (height - code_height) // 2
        base = self.visual_style.rich_style
        row = y - top
        if 0 <= row < len(self._rows):
            left = (width - self._rows[row].cell_length) // 2
            line = Strip([Segment(" " * left, base), *self._rows[row], Segment("", base)])
        elif self.caption and row == len(self._rows):
            left = (width - cell_len(self.caption)) // 2
            line = Strip([Segment(" " * left, base), Segment(self.caption, base)])
        else:
            line = Strip([])
        return line.extend_cell_length(width, base).crop(0, width)
