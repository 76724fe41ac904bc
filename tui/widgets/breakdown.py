"""A member's points, line by line: the rule, the records it counted, the points, and the cap when one applied.

Every line is literal text (rule descriptions come from a file the secretary edits). Columns are padded by terminal
cells, so Chinese and English line up; the rule column takes the width that is left.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from campaign.i18n import t
from tui.points_view import LineView
from tui.text import pad

POINTS_WIDTH = 6
#: The records column takes this share of the width, within these bounds (the rule column gets the rest).
RECORDS_SHARE = 0.35
RECORDS_MIN, RECORDS_MAX = 12, 60
CAP_MIN, CAP_MAX = 12, 30


def signed(points: int) -> str:
    return f"{points:+d}" if points else "0"


def breakdown_lines(lines: list[LineView], width: int) -> Content:
    caps = [cell_len(line.cap) for line in lines if line.cap]
    cap_width = min(max(max(caps), CAP_MIN), CAP_MAX, max(width // 4, CAP_MIN)) if caps else 0
    records_width = min(max(int(width * RECORDS_SHARE), RECORDS_MIN), RECORDS_MAX)
    rule_width = max(width - records_width - POINTS_WIDTH - cap_width - 6, 8)

    def row(rule: str, records: str, points: str, cap: str) -> str:
        # Right-aligned by cells: a heading may be CJK, two cells a character.
        cells = [
            pad(rule, rule_width),
            pad(records, records_width),
            " " * max(POINTS_WIDTH - cell_len(points), 0) + points,
        ]
        if cap_width:
            cells.append(pad(cap, cap_width))
        return "  ".join(cells)

    head = row(t("points_ui.col_rule"), t("points_ui.col_records"), t("points_ui.col_points"), t("points_ui.col_cap"))
    out = [Content.styled(head, "bold $secondary")]
    for line in lines:
        text = row(line.rule, line.records, signed(line.points), line.cap)
        style = "$error" if line.points < 0 else ""
        out.append(Content.styled(text, style) if style else Content(text))
    return Content("\n").join(out)


class Breakdown(Widget):
    """The lines of one member's total (set with :meth:`show`); as tall as its lines."""

    DEFAULT_CSS = """
    Breakdown {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[LineView] = []
        self.empty = ""

    def show(self, lines: list[LineView], *, empty: str = "") -> None:
        self.lines, self.empty = lines, empty
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines) + 1 if self.lines else 1

    def render(self) -> Content:
        if not self.lines:
            return Content.styled(self.empty, "dim")
        return breakdown_lines(self.lines, self.size.width)
