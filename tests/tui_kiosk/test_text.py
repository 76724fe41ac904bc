"""tui.text: user text is never markup, and CJK columns line up by terminal cells."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from campaign.roster import new_member
from tui.text import cell, fit, literal, member_label, message, pad
from tui.widgets.member_list import CODE_WIDTH, NAME_WIDTH, SCHOOL_WIDTH, MemberList

NASTY = ["[bold]x[/]", "[@click=app.quit]点我[/]", "[/", "[link=http://x]王[/link]", "$name", "a\x1b[31mred"]


@pytest.mark.parametrize("text", NASTY)
def test_literal_keeps_every_character_and_no_style(text: str) -> None:
    content = literal(text)
    assert content.plain == text.replace("\x1b", "")  # control codes dropped, markup kept as text
    assert all(not span.style for span in content.spans)
    rich_cell = cell(text)
    assert rich_cell.plain == text.replace("\x1b", "") and not rich_cell.spans


def test_catalog_messages_with_user_text_are_literal() -> None:
    content = message("signin.already", name="[@click=app.quit]x[/]", at="08:02")
    assert content.plain == "[@click=app.quit]x[/] 已于 08:02 签到，无需重复签到。"
    assert not content.spans


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [("王晓明", 10, "王晓明"), ("王晓明王晓明", 7, "王晓明…"), ("abcdef", 4, "abc…"), ("a\nb", 5, "a b")],
)
def test_fit_cuts_by_cells(text: str, width: int, expected: str) -> None:
    assert fit(text, width) == expected
    assert cell_len(fit(text, width)) <= width


@pytest.mark.parametrize("text", ["王晓明", "Li Hong", "王" * 40, "[/"])
def test_pad_gives_exact_width(text: str) -> None:
    assert cell_len(pad(text, 12)) == 12


def test_member_rows_line_up_whatever_the_script() -> None:
    members = [
        new_member("T001", "王晓明", "第十八中学"),
        new_member("T002", "Li Hong", "Experimental Primary"),
        new_member("T003", "[@click=app.quit]x[/]" * 5, "实验小学"),
    ]
    widget = MemberList(("姓名", "学校", "编号"))
    widget.members = members
    lines = widget.render().plain.splitlines()
    assert len(lines) == 4
    assert {cell_len(line) for line in lines} == {NAME_WIDTH + SCHOOL_WIDTH + CODE_WIDTH + 6}
    # The school column starts at the same cell on every row.
    starts = {
        cell_len(line[: line.index(school)])
        for line, school in zip(lines[1:], ["第十八中学", "Experimental"], strict=False)
    }
    assert starts == {NAME_WIDTH + 3}


def test_member_label_is_literal() -> None:
    label = member_label(new_member("T009", "[bold]x[/]", "[/"))
    assert "[bold]x[/]" in label.plain and "[/" in label.plain
