"""The secretary's CLI commands: member import|edit|deactivate, session excuse|make-up|cancel, report attendance."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from campaign.context import Campaign
from tui.cli import main


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_dir, self.capsys, self.monkeypatch = data_dir, capsys, monkeypatch

    def run(self, *args: str, now: str = "2026-11-27T07:55") -> tuple[int, str, str]:
        self.monkeypatch.setenv("CHUANGYOU_NOW", now)
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self.run(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(roster: Campaign, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(data_dir, capsys, monkeypatch)


def codes(c: Campaign) -> set[str]:
    return {m.code for m in c.repos.members.all()}


def test_member_import_previews_then_applies(cli: Cli, roster: Campaign, tmp_path: Path) -> None:
    f = tmp_path / "r.csv"
    f.write_bytes("编号,姓名,学校\nT10,欧阳娜娜,实验小学\n".encode("gbk"))
    code, out, _ = cli.run("member", "import", str(f))
    assert code == 0 and "欧阳娜娜" in out and "--apply" in out
    assert "T10" not in codes(roster)
    doc = cli.json("member", "import", str(f), "--apply")
    assert doc["applied"] and doc["encoding"] == "gb18030" and doc["members"][0]["name"] == "欧阳娜娜"
    assert "T10" in codes(roster)


def test_member_import_with_problems_exits_1_listing_them_and_writes_nothing(
    cli: Cli, roster: Campaign, tmp_path: Path
) -> None:
    f = tmp_path / "r.csv"
    f.write_text("code,name,school\nT10,A,实验小学\nT10,B,实验小学\nT11,,实验小学\n", encoding="utf-8")
    before = codes(roster)
    for extra in ((), ("--apply",)):
        code, out, err = cli.run("--lang", "en", "member", "import", str(f), *extra)
        assert code == 1 and out == ""
        assert "Row 3: member code T10 appears twice in the file (first in row 2)." in err
        assert "Row 4: the name is missing." in err
    assert codes(roster) == before
    corrupt = tmp_path / "r.xlsx"
    corrupt.write_bytes(b"\x00" * 100)
    code, _, err = cli.run("member", "import", str(corrupt), "--apply")
    assert code == 1 and "无法读取该工作簿" in err


def test_member_edit_deactivate_activate(cli: Cli, roster: Campaign) -> None:
    assert cli.json("member", "edit", "T002", "--name", "李虹", "--role", "committee")["name"] == "李虹"
    assert cli.json("member", "deactivate", "T002")["active"] is False
    assert cli.json("member", "activate", "T002")["active"] is True
    code, _, err = cli.run("member", "edit", "T002", "--school", "火星小学")
    assert code == 1 and "火星小学" in err
    actions = [e.action for e in roster.repos.audit.recent()]
    assert actions.count("member.edit") == 3


def test_session_excuse_make_up_cancel_and_report(cli: Cli, roster: Campaign, tmp_path: Path) -> None:
    sid = cli.json("session", "create", "学习会", "--start", "2026-11-27 08:00", "--end", "2026-11-27 09:30")["id"]
    code, _, err = cli.run("session", "excuse", str(sid), "--member", "T003", "--reason", "  ")
    assert code == 1 and "原因" in err
    assert cli.json("session", "excuse", str(sid), "--member", "T003", "--reason", "外出培训")["status"] == "excused"
    assert cli.json("session", "make-up", str(sid), "--member", "T002", "--reason", "胸卡遗失")["status"] == "make_up"
    assert cli.run("signin", "--session", str(sid), "--member", "T001", "--pin", "1234")[0] == 0
    code, _, err = cli.run("session", "make-up", str(sid), "--member", "T001", "--reason", "重复")
    assert code == 1 and "王晓明" in err  # already signed in
    assert cli.run("session", "close", str(sid), now="2026-11-27T10:05")[0] == 0  # after the session

    out_csv, out_xlsx = tmp_path / "a.csv", tmp_path / "a.xlsx"
    doc = cli.json("report", "attendance", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out_csv))
    (line,) = doc["sessions"]
    assert (line["on_time"], line["make_up"], line["excused"], line["absent"]) == (1, 1, 1, 1)
    rows = list(csv.reader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["按学习会"] and rows[2][2] == "学习会"
    cli.json("report", "attendance", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out_xlsx))
    wb = load_workbook(out_xlsx)
    assert [ws.title for ws in wb.worksheets] == ["按学习会", "按党员"]
    by_member = {row[0].value: row for row in wb.worksheets[1].iter_rows(min_row=2)}
    # Rates are numbers shown as percentages (sortable in Excel), not the text "100%".
    assert by_member["T001"][-1].value == 1 and by_member["T004"][-1].value == 0
    assert by_member["T001"][-1].number_format.endswith("%")

    code, _, err = cli.run("report", "attendance", "--out", str(tmp_path / "a.pdf"))
    assert code == 1 and ".pdf" in err
    code, _, err = cli.run("report", "attendance", "--from", "2026-12-01", "--to", "2026-11-01")
    assert code == 1

    assert cli.json("session", "cancel", str(sid))["state"] == "cancelled"
    doc = cli.json("report", "attendance", "--from", "2026-11-01", "--to", "2026-11-30")
    assert doc["sessions"] == []
    actions = [e.action for e in roster.repos.audit.recent()]
    assert {"attendance.excuse", "attendance.make_up", "session.cancel", "report.export"} <= set(actions)
