"""Importing a roster from CSV and XLSX: previews with row-by-row problems, all-or-nothing apply."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from campaign.context import Campaign
from campaign.i18n import t
from campaign.roster import add_member
from campaign.roster_import import ImportRefused, apply_import, commit_preview, preview_import, problem_lines
from storage.records import Role

HEADER = "编号,姓名,学校,角色\n"


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def codes(c: Campaign) -> set[str]:
    return {m.code for m in c.repos.members.all()}


def test_gbk_csv_from_excel_imports_with_names_right(roster: Campaign, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "名册.csv", HEADER + "T101,欧阳娜娜,第十八中学,支委\r\nT102,李雪,实验小学,\r\n", "gbk")
    preview = preview_import(roster, f)
    assert preview.encoding == "gb18030"
    assert preview.ok, problem_lines(preview.problems)
    applied = apply_import(roster, f)
    assert [m.name for m in applied.members] == ["欧阳娜娜", "李雪"]
    stored = roster.repos.members.get("T101")
    assert stored is not None
    assert (stored.name, stored.school, stored.role, stored.pinyin_initials) == (
        "欧阳娜娜",
        "第十八中学",
        Role.COMMITTEE,
        "oynn",
    )
    audit = roster.repos.audit.recent()
    assert any(e.action == "member.import" and e.detail["count"] == 2 for e in audit)


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")])
def test_utf8_csv_with_and_without_bom(roster: Campaign, tmp_path: Path, encoding: str, expected: str) -> None:
    f = write_csv(tmp_path / "r.csv", HEADER + "T101,欧阳娜娜,第十八中学,\n", encoding)
    preview = preview_import(roster, f)
    assert (preview.encoding, preview.ok) == (expected, True)
    assert preview.members[0].name == "欧阳娜娜"


def test_duplicate_codes_missing_names_unknown_school_are_listed_by_row_and_nothing_changes(
    roster: Campaign, tmp_path: Path
) -> None:
    f = write_csv(
        tmp_path / "bad.csv",
        HEADER
        + "T101,欧阳娜娜,第十八中学,\n"  # row 2: fine
        + "T101,李雪,实验小学,\n"  # row 3: duplicate in file
        + "T001,王重名,实验小学,\n"  # row 4: already on the roster
        + "T103,,实验小学,\n"  # row 5: no name
        + "T104,赵六,不存在的学校,\n",  # row 6: unknown school
    )
    before = codes(roster)
    preview = preview_import(roster, f)
    assert not preview.ok
    found = {(p.row, p.key) for p in preview.problems}
    assert found == {
        (3, "import.duplicate_in_file"),
        (4, "import.code_taken"),
        (5, "import.missing_name"),
    }
    # An unknown school is no problem any more: it is offered for creation (issue 8, first-time setup).
    assert preview.new_schools == ("不存在的学校",)
    lines = problem_lines(preview.problems, "en")
    assert "Row 3: member code T101 appears twice in the file (first in row 2)." in lines
    with pytest.raises(ImportRefused) as refused:
        apply_import(roster, f)
    assert refused.value.preview.problems == preview.problems
    assert codes(roster) == before
    assert not any(e.action == "member.import" for e in roster.repos.audit.recent())


def test_corrupt_xlsx_is_refused_with_a_clear_message(roster: Campaign, tmp_path: Path) -> None:
    f = tmp_path / "roster.xlsx"
    f.write_bytes(b"PK\x03\x04 this is not really a workbook" * 10)
    preview = preview_import(roster, f)
    assert [p.key for p in preview.problems] == ["import.xlsx_unreadable"]
    assert "damaged" in preview.problems[0].message("en")
    before = codes(roster)
    with pytest.raises(ImportRefused):
        apply_import(roster, f)
    assert codes(roster) == before


def test_truncated_xlsx_is_refused(roster: Campaign, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [["code", "name", "school"], ["T101", "欧阳娜娜", "实验小学"]])
    f = tmp_path / "cut.xlsx"
    f.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert [p.key for p in preview_import(roster, f).problems] == ["import.xlsx_unreadable"]


def test_xlsx_with_numeric_codes_imports(roster: Campaign, tmp_path: Path) -> None:
    f = write_xlsx(
        tmp_path / "r.xlsx",
        [["Code", "Name", "School", "PIN"], [1001, "欧阳娜娜", "实验小学", 4321], [None, None, None, None]],
    )
    preview = apply_import(roster, f)
    assert [m.code for m in preview.members] == ["1001"]
    assert roster.repos.members.get("1001") is not None


def test_binary_file_as_csv_is_a_bad_encoding(roster: Campaign, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes(bytes(range(256)) * 4)
    assert [p.key for p in preview_import(roster, f).problems] == ["import.bad_encoding"]


def test_missing_header_column_and_empty_file(roster: Campaign, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", "编号,学校\nT1,实验小学\n")
    problems = preview_import(roster, f).problems
    assert [(p.key, p.params["column"]) for p in problems] == [("import.missing_column", "姓名")]
    empty = write_csv(tmp_path / "e.csv", "")
    assert [p.key for p in preview_import(roster, empty).problems] == ["import.empty_file"]
    header_only = write_csv(tmp_path / "h.csv", HEADER)
    assert [p.key for p in preview_import(roster, header_only).problems] == ["import.empty_file"]


def test_markup_and_long_names_are_kept_literally_or_refused(roster: Campaign, tmp_path: Path) -> None:
    long_name = "长" * 201
    f = write_csv(
        tmp_path / "r.csv",
        HEADER + "M1,[bold]x[/],实验小学,\nM2,[@click=app.quit]x[/],实验小学,\nM3,[/,实验小学,\n",
    )
    preview = apply_import(roster, f)
    assert [m.name for m in preview.members] == ["[bold]x[/]", "[@click=app.quit]x[/]", "[/"]
    too_long = write_csv(tmp_path / "l.csv", HEADER + f"M4,{long_name},实验小学,\n")
    assert [p.key for p in preview_import(roster, too_long).problems] == ["roster.name_too_long"]


def test_import_into_an_empty_roster_offers_to_create_the_schools(campaign: Campaign, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", HEADER + "T1,李雪,实验小学,\n")
    preview = preview_import(campaign, f)
    assert preview.ok and preview.new_schools == ("实验小学",)
    assert campaign.repos.members.all() == [] and not campaign.repos.schools.exists("实验小学")
    apply_import(campaign, f)
    assert campaign.repos.schools.exists("实验小学")
    assert [m.code for m in campaign.repos.members.all()] == ["T1"]


def test_progress_is_reported_for_large_files(roster: Campaign, tmp_path: Path) -> None:
    rows = "".join(f"X{i:04d},学员{i},实验小学,\n" for i in range(1000))
    f = write_csv(tmp_path / "big.csv", HEADER + rows)
    seen: list[tuple[int, int]] = []
    preview = preview_import(roster, f, progress=lambda done, total: seen.append((done, total)))
    assert preview.ok
    assert seen[0] == (0, 1000) and seen[-1] == (1000, 1000) and len(seen) >= 5


def test_messages_exist_in_both_languages() -> None:
    assert t("import.refused", lang="en", count=2, file="a.csv") != "import.refused"
    assert t("import.refused", lang="zh_CN", count=2, file="a.csv") != "import.refused"


def test_a_code_taken_after_the_preview_stops_the_whole_import(roster: Campaign, tmp_path: Path) -> None:
    f = write_csv(tmp_path / "r.csv", HEADER + "T101,欧阳娜娜,第十八中学,\nT102,李雪,实验小学,\n")
    preview = preview_import(roster, f)
    assert preview.ok
    add_member(roster, "T102", "另一个人", "实验小学")  # someone else, in another window, meanwhile
    with pytest.raises(ImportRefused) as refused:
        commit_preview(roster, preview)
    assert [(p.key, p.params) for p in refused.value.preview.problems] == [("import.code_taken", {"code": "T102"})]
    assert roster.repos.members.get("T101") is None
