"""The CLI contract of ``chuangyou points`` and ``chuangyou leaderboard`` (DESIGN.md), and ``chuangyou check``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from campaign.context import open_campaign
from campaign.points_rules import default_text
from storage.records import AttendanceStatus
from tui.cli import main

from .helpers import add_session, record

NOW = "2026-11-27T10:00"


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_dir = data_dir
        self.capsys = capsys
        monkeypatch.setenv("CHUANGYOU_NOW", NOW)

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self.run(*args, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    c = Cli(data_dir, capsys, monkeypatch)
    assert c.run("school", "add", "第十八中学")[0] == 0
    assert c.run("school", "add", "实验小学")[0] == 0
    assert c.run("member", "add", "T001", "王晓明", "--school", "第十八中学")[0] == 0
    assert c.run("member", "add", "T002", "[bold]李红[/]", "--school", "第十八中学")[0] == 0
    assert c.run("member", "add", "T003", "=HYPERLINK(1)", "--school", "实验小学")[0] == 0
    campaign = open_campaign(data_dir)
    for d in (date(2026, 11, 6), date(2026, 11, 13)):
        sid = add_session(campaign, d)
        record(campaign, sid, "T001", AttendanceStatus.ON_TIME)
        record(campaign, sid, "T002", AttendanceStatus.LATE)
        record(campaign, sid, "T003", AttendanceStatus.ON_TIME)
    return c


def test_points_member_json_shape(cli: Cli) -> None:
    doc = cli.json("points", "--member", "T002", "--period", "month")
    assert (doc["member"], doc["total"], doc["period"]) == ("T002", 2, "month")
    assert doc["lines"][0]["rule"] == "attendance.late" and doc["lines"][0]["points"] == 2
    assert doc["lines"][0]["count"] == 2 and doc["lines"][0]["capped"] == 0
    assert [r["kind"] for r in doc["lines"][0]["records"]] == ["session", "session"]
    assert doc["total"] == sum(line["points"] for line in doc["lines"])
    code, out, _ = cli.run("points", "--member", "T002")
    assert code == 0 and "[bold]李红[/]（T002）" in out and "合计 +2 分" in out


def test_adjust_and_undo(cli: Cli) -> None:
    created = cli.json("points", "adjust", "--member", "T001", "--points", "-3", "--reason", "材料迟交")
    assert isinstance(created["id"], int)
    assert cli.json("points", "--member", "T001", "--period", "month")["total"] == 1
    code, out, _ = cli.run("points", "undo", str(created["id"]))
    assert code == 0 and str(created["id"]) in out
    assert cli.json("points", "--member", "T001", "--period", "month")["total"] == 4
    code, out, err = cli.run("points", "undo", str(created["id"]), "--json")
    assert code == 1 and err.count("\n") == 1 and "已经撤销" in err
    assert json.loads(out)["error"]["code"] == "points.already_undone"
    entries = open_campaign(cli.data_dir).repos.audit.recent()
    assert [(e.action, e.detail["id"]) for e in reversed(entries) if e.action.startswith("points.")] == [
        ("points.adjust", created["id"]),
        ("points.undo", created["id"]),
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("points", "--member", "T999"), "没有编号为“T999”的党员"),
        (("points", "adjust", "--member", "T001", "--points", "0", "--reason", "x"), "不能是 0"),
        (("points", "adjust", "--member", "T001", "--points", "50", "--reason", "x"), "超过了规则允许的 20 分"),
        (("points", "adjust", "--member", "T001", "--points", "5", "--reason", " "), "必须写明原因"),
        (("leaderboard", "--out", "board.pdf"), "请用 .csv 或 .xlsx"),
    ],
)
def test_refusals_exit_1_with_one_line_and_a_json_error(cli: Cli, args: tuple[str, ...], fragment: str) -> None:
    code, out, err = cli.run(*args)
    assert (code, out) == (1, "") and err.count("\n") == 1 and fragment in err
    code, out, err = cli.run(*args, "--json")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"error"} and fragment in doc["error"]["message"] and doc["error"]["code"].startswith("points.")


def test_refusal_in_english(cli: Cli) -> None:
    code, _, err = cli.run("--lang", "en", "points", "--member", "T999")
    assert code == 1 and "There is no member with the code “T999”" in err


def test_bad_usage_exits_2(cli: Cli) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.run("leaderboard", "--period", "week")
    assert exited.value.code == 2
    with pytest.raises(SystemExit) as exited:
        cli.run("points", "adjust", "--member", "T001", "--points", "five", "--reason", "x")
    assert exited.value.code == 2
    assert cli.run("points")[0] == 2


def test_leaderboard_json_shapes(cli: Cli) -> None:
    doc = cli.json("leaderboard", "--period", "month")
    assert doc["rows"] == [
        {"rank": 1, "member": "T001", "name": "王晓明", "points": 4, "school": "第十八中学"},
        {"rank": 1, "member": "T003", "name": "=HYPERLINK(1)", "points": 4, "school": "实验小学"},
        {"rank": 3, "member": "T002", "name": "[bold]李红[/]", "points": 2, "school": "第十八中学"},
    ]
    schools = cli.json("leaderboard", "--period", "month", "--by", "school")["rows"]
    assert schools == [
        {"rank": 1, "school": "实验小学", "name": "实验小学", "points": 4.0, "total": 4, "members": 1},
        {"rank": 2, "school": "第十八中学", "name": "第十八中学", "points": 3.0, "total": 6, "members": 2},
    ]
    assert cli.json("leaderboard")["period"] == "term"


def test_leaderboard_exports(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli.run("leaderboard", "--period", "month", "--out", "board.csv")
    path = next((tmp_path).rglob("exports/board.csv"))  # a bare file name goes into the exports folder
    assert not (tmp_path / "board.csv").exists()
    assert code == 0 and str(path) in out  # the full path
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig").splitlines()
    assert text[0] == "名次,编号,姓名,学校,积分"
    assert "'=HYPERLINK(1)" in text[2]  # never a formula
    doc = cli.json("leaderboard", "--by", "school", "--out", str(tmp_path / "schools.xlsx"))
    assert doc["out"] == str(tmp_path / "schools.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "schools.xlsx").active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["名次", "学校", "人均积分", "总分", "人数"]
    assert len(rows) == 3


def test_rules_in_words_and_check(cli: Cli, data_dir: Path) -> None:
    code, out, _ = cli.run("points", "rules")
    assert code == 0 and "集中学习 按时签到：每次 +2 分。" in out
    doc = cli.json("points", "rules", "--check")
    assert doc["ok"] and doc["source"] == "file" and doc["rules"][0]["rule"] == "attendance.on_time"
    (data_dir / "points.toml").write_text(default_text().replace("cap_per_year = 40", "cap_per_year = -1"), "utf-8")
    code, out, _ = cli.run("points", "rules", "--check")
    assert code == 1 and "第 22 行" in out and "不能是负数" in out and "上一次正确的规则" in out
    code, out, _ = cli.run("points", "rules", "--check", "--json")
    doc = json.loads(out)
    assert code == 1 and not doc["ok"] and doc["source"] == "last_good"
    assert doc["problems"] == [
        {"line": 22, "code": "points.err_negative_cap", "message": doc["problems"][0]["message"]}
    ]
    # The boards stay up on the last good rules.
    assert cli.json("points", "--member", "T001", "--period", "month")["total"] == 4


def test_chuangyou_check_names_the_rules_problem(cli: Cli, data_dir: Path) -> None:
    cli.run("points", "rules")
    (data_dir / "points.toml").write_text(default_text().replace("[pledge]", "[pledges]"), "utf-8")
    code, out, _ = cli.run("check", "--json")
    doc = json.loads(out)
    assert code == 1 and not doc["ok"]
    assert doc["problems"] == [
        {"path": str(data_dir / "points.toml"), "detail": "第 24 行：没有名为“pledges”的规则分组（是不是“pledge”？）"}
    ]


def test_xlsx_export_survives_a_control_character_in_a_name(cli: Cli, tmp_path: Path) -> None:
    from dataclasses import replace

    c = open_campaign(cli.data_dir)
    member = c.repos.members.get("T001")
    assert member is not None
    with c.store.transaction():
        c.repos.members.put(replace(member, name="王\x07晓明"))  # as an old import could have stored it
    doc = cli.json("leaderboard", "--period", "month", "--out", str(tmp_path / "b.xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(doc["out"]).active
    assert sheet is not None
    assert "王晓明" in [row[2].value for row in sheet.iter_rows()]
