"""Issue 8: rosters as schools keep them in Excel/WPS: a merged title row, a 序号 column, blank rows, a 合计 row,
codes typed as numbers, schools that do not exist yet, members without a PIN."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from campaign.context import Campaign
from campaign.roster_import import apply_import, preview_import, preview_notes
from tests.tui_admin.conftest import admin_app, log_in, secured, settle  # noqa: F401 - fixtures
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp
from tui.cli import main


def school_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["第十八中学党支部党员花名册", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["序号", "党员编号", "姓名", "学校"])
    ws.append([1, 1001, "欧阳娜娜", "第十八中学"])
    ws.append([2, 1002.0, "李红", "新建小学"])
    ws.append([None, None, None, None])
    ws.append([3, 12, "张伟", "第十八中学"])
    ws["B6"].number_format = "000000"  # shown in Excel as 000012
    ws.append([None, None, None, None])
    ws.append(["合计", None, "3 人", None])
    wb.save(path)
    return path


def test_the_header_is_found_under_the_title_and_what_was_skipped_is_said(roster: Campaign, tmp_path: Path) -> None:
    preview = preview_import(roster, school_workbook(tmp_path / "花名册.xlsx"))
    assert preview.problems == ()
    assert [(m.code, m.name, m.school) for m in preview.members] == [
        ("1001", "欧阳娜娜", "第十八中学"),
        ("1002", "李红", "新建小学"),
        ("000012", "张伟", "第十八中学"),
    ]
    notes = "\n".join(preview_notes(preview))
    assert "第 1 行是标题" in notes and "第十八中学党支部党员花名册" in notes
    assert "“序号”列未使用" in notes
    assert "第 8 行是合计行" in notes
    assert "已跳过 2 个空行" in notes
    assert "将新建学校：新建小学" in notes
    assert "3 名党员没有 PIN" in notes


def test_applying_creates_the_offered_schools_with_the_members(roster: Campaign, tmp_path: Path) -> None:
    apply_import(roster, school_workbook(tmp_path / "花名册.xlsx"))
    assert roster.repos.schools.exists("新建小学")
    assert {m.code for m in roster.repos.members.all()} >= {"1001", "1002", "000012"}


def test_the_cli_preview_says_it_too(
    data_dir: Path, roster: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = school_workbook(tmp_path / "花名册.xlsx")
    assert main(["--data-dir", str(data_dir), "member", "import", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["new_schools"] == ["新建小学"] and doc["blank_rows"] == 2
    assert [i["kind"] for i in doc["ignored"]] == ["title", "column", "total"]
    assert doc["without_pin"] == ["1001", "1002", "000012"]


async def test_the_import_screen_shows_whole_names(
    secured: Campaign,  # noqa: F811
    admin_app: Callable[[Campaign], ChuangyouApp],  # noqa: F811
    tmp_path: Path,
) -> None:
    from textual.widgets import Input

    path = school_workbook(tmp_path / "花名册.xlsx")
    app = admin_app(secured)
    async with app.run_test(size=(110, 32)) as pilot:
        await log_in(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "欧阳娜娜" in text and "将新建学校：新建小学" in text
