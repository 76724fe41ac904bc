"""The kiosk's search results: members in aligned columns (name, school, code), one highlighted, click to choose.

One widget drawing one literal :class:`Content` instead of a DataTable: it repaints in a fraction of the time on
every key press, and CJK names still line up because columns are padded by terminal cells, not characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from storage.records import Member
from tui.text import pad

#: Column widths in terminal cells; a longer name ends in "…" here (the PIN screen shows it whole).
NAME_WIDTH = 28
SCHOOL_WIDTH = 20
CODE_WIDTH = 16


class MemberList(Widget):
    """Members with a header row; ``highlighted`` is the row Enter would choose."""

    DEFAULT_CSS = """
    MemberList {
        height: 1fr;
        width: 1fr;
    }
    """

    highlighted: reactive[int] = reactive(0)

    @dataclass
    class Chosen(Message):
        """A member row was clicked."""

        member_list: MemberList
        member: Member

        @property
        def control(self) -> MemberList:
            return self.member_list

    def __init__(self, headings: tuple[str, str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.headings = headings
        self.members: list[Member] = []

    def show(self, members: list[Member]) -> None:
        """Replace the rows; the first is highlighted."""
        self.members = members
        self.highlighted = 0
        # Same size whatever the rows: a new search repaints this widget only, no layout of the screen.
        self.refresh()

    def set_headings(self, headings: tuple[str, str, str]) -> None:
        self.headings = headings
        self.refresh()

    @property
    def chosen(self) -> Member | None:
        """The highlighted member, if any."""
        return self.members[self.highlighted] if 0 <= self.highlighted < len(self.members) else None

    def move(self, by: int) -> None:
        if self.members:
            self.highlighted = max(0, min(len(self.members) - 1, self.highlighted + by))

    def watch_highlighted(self) -> None:
        self.refresh()

    @property
    def rows_shown(self) -> int:
        """How many member rows fit (under the header)."""
        return max(self.size.height - 1, 0)

    def render(self) -> Content:
        if not self.members:
            return Content("")
        name, school, code = self.headings
        header = Content.styled(
            f" {pad(name, NAME_WIDTH)}  {pad(school, SCHOOL_WIDTH)}  {pad(code, CODE_WIDTH)} ", "bold underline"
        )
        lines = [header]
        for i, m in enumerate(self.members):
            row = f" {pad(m.name, NAME_WIDTH)}  {pad(m.school, SCHOOL_WIDTH)}  {pad(m.code, CODE_WIDTH)} "
            lines.append(Content.styled(row, "reverse bold") if i == self.highlighted else Content(row))
        return Content("\n").join(lines)

    def on_click(self, event: Click) -> None:
        row = event.y - 1
        if 0 <= row < len(self.members):
            self.highlighted = row
            self.post_message(self.Chosen(self, self.members[row]))
