"""The CLI contract of DESIGN.md: JSON shapes, exit statuses, and messages in the user's language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main

START = "2026-11-27 08:00"
END = "2026-11-27 09:30"


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_dir = data_dir
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def run(self, *args: str, now: str = "2026-11-27T07:55") -> tuple[int, str, str]:
        self.monkeypatch.setenv("CHUANGYOU_NOW", now)
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str, now: str = "2026-11-27T07:55") -> Any:
        code, out, err = self.run(*args, "--json", now=now)
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    c = Cli(data_dir, capsys, monkeypatch)
    assert c.run("school", "add", "第十八中学")[0] == 0
    assert c.run("member", "add", "T001", "王晓明", "--school", "第十八中学", "--pin", "1234")[0] == 0
    assert c.run("member", "add", "T002", "[bold]李红[/]", "--school", "第十八中学", "--role", "committee")[0] == 0
    return c


def test_member_list_shape(cli: Cli) -> None:
    doc = cli.json("member", "list")
    assert doc == {
        "members": [
            {"code": "T002", "name": "[bold]李红[/]", "school": "第十八中学", "role": "committee", "active": True},
            {"code": "T001", "name": "王晓明", "school": "第十八中学", "role": "member", "active": True},
        ]
    }
    assert cli.json("school", "list")["schools"][0]["name"] == "第十八中学"


def test_unknown_school_exits_1_with_one_line_in_chinese(cli: Cli) -> None:
    code, out, err = cli.run("member", "add", "T003", "张伟", "--school", "第十八中")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "没有名为“第十八中”的学校" in err
    code, _, err = cli.run("--lang", "en", "member", "add", "T003", "张伟", "--school", "第十八中")
    assert code == 1 and "There is no school named" in err
    assert [m["code"] for m in cli.json("member", "list")["members"]] == ["T002", "T001"]


def test_session_create_list_show_and_signin(cli: Cli) -> None:
    created = cli.json("session", "create", "集中学习", "--start", START, "--end", END, "--place", "会议室")
    sid = created["id"]
    assert isinstance(sid, int)
    listed = cli.json("session", "list")["sessions"]
    assert [(s["id"], s["title"], s["state"]) for s in listed] == [(sid, "集中学习", "open")]
    assert listed[0]["start"] == "2026-11-27T08:00:00+08:00"

    signed = cli.json("signin", "--session", str(sid), "--member", "T001", "--pin", "1234", now="2026-11-27T08:09")
    assert (signed["member"], signed["status"], signed["at"]) == ("T001", "late", "2026-11-27T08:09:00+08:00")

    # A re-scan is not a failure: exit 0, and the JSON says it was already recorded (at 08:09).
    again = cli.json("signin", "--session", str(sid), "--member", "T001", "--pin", "1234")
    assert (again["already"], again["at"], again["status"]) == (True, "2026-11-27T08:09:00+08:00", "late")

    shown = cli.json("session", "show", str(sid))
    assert shown["id"] == sid and shown["title"] == "集中学习" and shown["state"] == "open"
    assert [(a["member"], a["status"], a["at"]) for a in shown["attendance"]] == [
        ("T001", "late", "2026-11-27T08:09:00+08:00")
    ]


def test_open_and_close_force_the_window(cli: Cli) -> None:
    sid = cli.json("session", "create", "晚上的学习", "--start", "2026-11-27 19:00", "--end", "2026-11-27 20:00")["id"]
    code, _, err = cli.run("signin", "--session", str(sid), "--member", "T001", "--pin", "1234")
    assert code == 1 and "18:30" in err
    assert cli.json("session", "open", str(sid))["state"] == "open"
    assert cli.json("signin", "--session", str(sid), "--member", "T001", "--pin", "1234")["status"] == "on_time"
    # Closed before its start (issue 8): confirmed with --yes, and nobody is recorded absent at a session not held.
    closed = cli.json("session", "close", str(sid), "--yes")
    assert closed["state"] == "closed" and closed["absent"] == []
    statuses = {a["member"]: a["status"] for a in cli.json("session", "show", str(sid))["attendance"]}
    assert statuses == {"T001": "on_time"}


def test_bad_time_and_unknown_session_are_refused(cli: Cli) -> None:
    code, _, err = cli.run("session", "create", "x", "--start", "明天", "--end", END)
    assert code == 1 and "YYYY-MM-DD HH:MM" in err
    code, _, err = cli.run("session", "create", "x", "--start", END, "--end", START)
    assert code == 1 and "结束时间必须晚于开始时间" in err
    code, _, err = cli.run("session", "show", "99")
    assert code == 1 and "99" in err
    assert cli.json("session", "list") == {"sessions": []}


def test_check_backup_and_restore(cli: Cli) -> None:
    assert cli.json("check") == {"ok": True, "problems": [], "warnings": ["还没有任何备份。请运行 chuangyou backup。"]}
    backup = Path(cli.json("backup")["path"])
    assert backup.is_dir()
    cli.run("member", "add", "T003", "张伟", "--school", "第十八中学")
    code, _out, err = cli.run("restore", str(backup))
    assert code == 1 and "--yes" in err
    assert len(cli.json("member", "list")["members"]) == 3  # nothing changed without --yes
    restored = cli.json("restore", str(backup), "--yes")
    assert Path(restored["previous"]).is_dir()
    assert [m["code"] for m in cli.json("member", "list")["members"]] == ["T002", "T001"]


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    for args in (["member", "add", "T1"], ["session", "open", "not-a-number"], ["no-such-command"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tui.cli", "--data-dir", str(tmp_path), *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert "用法：" in proc.stderr  # argparse's own words in the user's language too


def test_help_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "数据目录" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "member", "--help"])
    assert "add a member" in capsys.readouterr().out
