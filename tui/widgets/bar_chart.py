"""Horizontal bar charts drawn with Unicode blocks, the figure written beside each bar, CJK labels aligned.

Why not textual-plotext: it installs with Textual 8.2.8, but plotext counts a CJK label as one cell per character,
so every row labelled 学习提高 spilled its frame onto the next line (seen); and at 80×24 its axes leave no room.
These bars take one line each, fit any width, and say their number in words a person reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from tui.text import fit, pad

#: Eighths of a cell, for bar ends finer than a whole block.
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
#: A bar is never narrower than this, however narrow the terminal.
MIN_BAR = 6


@dataclass(frozen=True)
class Bar:
    """One line of a chart: ``label``, a bar of ``value`` out of the chart's scale, and ``figure`` beside it.

    ``value`` None draws no bar (no data), only the figure. ``style`` is a Textual style for the bar.
    """

    label: str
    value: float | None
    figure: str
    style: str = "$secondary"


def blocks(value: float, scale: float, width: int) -> str:
    """A bar ``width`` cells wide at full ``scale``, ``value`` long, to an eighth of a cell."""
    if scale <= 0 or value <= 0:
        return ""
    eighths = round(min(value / scale, 1.0) * width * 8)
    full, rest = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[rest] if rest else "")


def rjust_cells(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (a CJK character takes two)."""
    return " " * max(width - cell_len(text), 0) + text


def chart_lines(
    bars: list[Bar],
    width: int,
    *,
    scale: float | None = None,
    marker: float | None = None,
    label_width: int | None = None,
) -> Content:
    """The chart as lines of ``width`` cells: label | bar | figure; ``marker`` draws a ``│`` at that value."""
    if not bars:
        return Content("")
    top = scale if scale is not None else max((b.value or 0.0 for b in bars), default=0.0)
    labels = label_width if label_width is not None else min(max(cell_len(b.label) for b in bars), max(width // 4, 4))
    figures = max(cell_len(b.figure) for b in bars)
    room = max(width - labels - figures - 3, MIN_BAR)
    mark_at = round(marker / top * room) if marker is not None and top > 0 and marker <= top else None
    lines: list[Content] = []
    for bar in bars:
        drawn = blocks(bar.value, top, room) if bar.value is not None else ""
        cells = list(drawn.ljust(room))
        if mark_at is not None and 0 <= mark_at < room and cells[mark_at] == " ":
            cells[mark_at] = "│"
        body = "".join(cells)
        split = len(drawn)
        lines.append(
            Content.assemble(
                (pad(bar.label, labels), ""),
                " ",
                (body[:split], bar.style),
                (body[split:], "$foreground 40%"),
                " ",
                (rjust_cells(fit(bar.figure, figures), figures), "bold"),
            )
        )
    return Content("\n").join(lines)


class BarChart(Widget):
    """A bar chart that fits its width (one line per bar); set the bars with :meth:`show`."""

    DEFAULT_CSS = """
    BarChart {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.bars: list[Bar] = []
        self.scale: float | None = None
        self.marker: float | None = None

    def show(self, bars: list[Bar], *, scale: float | None = None, marker: float | None = None) -> None:
        self.bars, self.scale, self.marker = bars, scale, marker
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(len(self.bars), 1)

    def render(self) -> Content:
        return chart_lines(self.bars, self.size.width, scale=self.scale, marker=self.marker)
