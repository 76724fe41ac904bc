"""The real ``chuangyou`` executable driven as a script would: pipes, stdin, exit statuses, one JSON document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign.context import Campaign
from campaign.hashing import verify_secret
from campaign.study_sessions import create_session
from tests.conftest import NOW
from tests.e2e.terminal import Terminal, open_terminal

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
NOW_ENV = NOW.strftime("%Y-%m-%dT%H:%M")


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CHUANGYOU_NOW": NOW_ENV, **(env or {})}
    environment.pop("CHUANGYOU_LANG", None)
    return subprocess.run(
        [str(CHUANGYOU), *args], input=stdin, capture_output=True, text=True, env=environment, timeout=120
    )


def refused_once(done: subprocess.CompletedProcess[str]) -> str:
    """Exit 1 with exactly one line on stderr; returns it."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr.strip()


def one_json(done: subprocess.CompletedProcess[str]) -> Any:
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, done.stdout
    return json.loads(lines[0])


@pytest.mark.parametrize("command", [["member", "list"], ["session", "list"], ["settings"], ["school", "list"]])
def test_output_into_a_closed_pipe_ends_quietly(roster: Campaign, command: list[str]) -> None:
    create_session(roster, "学习会", NOW.replace(hour=8), NOW.replace(hour=9))
    read, write = os.pipe()
    os.close(read)  # like `| head -1` that has already exited: every write fails with EPIPE
    try:
        done = subprocess.run(
            [str(CHUANGYOU), "--data-dir", str(roster.store.root), *command],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, "CHUANGYOU_NOW": NOW_ENV},
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 0


def test_a_refusal_with_json_prints_one_error_document_and_one_stderr_line(roster: Campaign) -> None:
    d = str(roster.store.root)
    done = run("--data-dir", d, "member", "add", "T9", "张三", "--school", "火星小学", "--json")
    line = refused_once(done)
    doc = one_json(done)
    assert doc == {"error": {"code": "roster.unknown_school", "message": line}}
    done = run("--data-dir", d, "--json", "member", "edit", "T999", "--name", "x")  # --json before the subcommand
    assert one_json(done)["error"]["code"] == "roster.no_such_member"
    refused_once(done)


def test_every_refusal_is_one_line_on_stderr(roster: Campaign, tmp_path: Path) -> None:
    d = str(roster.store.root)
    sheet = tmp_path / "bad.csv"
    sheet.write_text("编号,姓名,学校\nT10,,第十八中学\nT10,李四,火星小学\n", encoding="utf-8")
    line = refused_once(run("--data-dir", d, "member", "import", str(sheet)))
    assert "第 2 行" in line and "第 3 行" in line
    backup = run("--data-dir", d, "backup", "--json")
    assert backup.returncode == 0, backup.stderr
    refused_once(run("--data-dir", d, "restore", one_json(backup)["path"]))  # asks for --yes: one line
    roster.store.path("core").write_text("{ not json", encoding="utf-8")
    done = run("--data-dir", d, "member", "list", "--json")
    refused_once(done)
    assert one_json(done)["error"]["code"] == "store.corrupt"


def test_global_options_after_the_subcommand(roster: Campaign) -> None:
    d = str(roster.store.root)
    done = run("member", "list", "--data-dir", d, "--lang", "en", "--json")
    assert done.returncode == 0, done.stderr
    assert sorted(m["code"] for m in one_json(done)["members"]) == ["T001", "T002", "T003", "T004"]
    done = run("member", "add", "T9", "张三", "--school", "火星小学", "--lang", "en", "--data-dir", d)
    assert "There is no school named" in refused_once(done)
    done = run("--data-dir", d, "session", "list", "--lang", "en")
    assert done.returncode == 0


def test_set_pin_reads_stdin_never_the_command_line(roster: Campaign) -> None:
    d = str(roster.store.root)
    done = run("--data-dir", d, "member", "set-pin", "T001", "--json", stdin="4321\n")
    assert done.returncode == 0, done.stderr
    assert one_json(done) == {"code": "T001", "pin_set": True}
    stored = roster.repos.members.get("T001")
    assert stored is not None and stored.pin_hash and verify_secret("4321", stored.pin_hash)
    assert run("--data-dir", d, "member", "set-pin", "T001", "9999").returncode == 2  # no PIN argument any more
    refused_once(run("--data-dir", d, "member", "set-pin", "T001", stdin=""))
    assert "T999" in refused_once(run("--data-dir", d, "member", "set-pin", "T999", stdin="1234\n"))
    done = run("--data-dir", d, "member", "add", "T9", "赵六", "--school", "第十八中学", "--pin", "-", stdin="5678\n")
    assert done.returncode == 0, done.stderr
    added = roster.repos.members.get("T9")
    assert added is not None and added.pin_hash and verify_secret("5678", added.pin_hash)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = open_terminal(tmp_path, "setpin")
    yield term
    term.stop()


def test_set_pin_at_a_terminal_asks_twice_without_echo(roster: Campaign, terminal: Terminal, tmp_path: Path) -> None:
    done_file = tmp_path / "done"
    command = f"{CHUANGYOU} --data-dir {roster.store.root} member set-pin T002; echo exit=$? > {done_file}; sleep 30"
    terminal.start(["sh", "-c", command], width=100, height=10)
    terminal.wait_for("PIN（4 到 8 位数字）")
    terminal.keys("8", "6", "4", "2", "Enter")
    terminal.wait_for("再输入一次 PIN")
    terminal.keys("8", "6", "4", "2", "Enter")
    shown = terminal.wait_for("已")
    assert "8642" not in shown
    stored = roster.repos.members.get("T002")
    assert stored is not None and stored.pin_hash and verify_secret("8642", stored.pin_hash)


def test_check_does_not_create_a_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    done = run("--data-dir", str(missing), "check", "--json")
    assert str(missing) in refused_once(done)
    assert one_json(done)["error"]["code"] == "check.no_such_directory"
    assert not missing.exists()


def test_signing_in_again_is_not_a_failure(roster: Campaign) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    args = ["--data-dir", str(roster.store.root), "signin", "--session", str(session.id), "--member", "T001"]
    first = run(*args, "--pin", "-", "--json", stdin="1234\n")
    assert first.returncode == 0 and one_json(first)["already"] is False
    again = run(*args, "--pin", "1234", "--json")
    assert again.returncode == 0, again.stderr
    doc = one_json(again)
    assert (doc["already"], doc["member"], doc["at"]) == (True, "T001", "2026-11-27T07:50:00+08:00")
    human = run(*args, "--pin", "1234")
    assert human.returncode == 0 and "07:50" in human.stdout
    assert "already" in run("signin", "--help").stdout  # documented beside the exit statuses


def test_a_session_on_another_day_gives_the_date(roster: Campaign) -> None:
    later = create_session(
        roster, "下周学习", NOW.replace(day=30, hour=15, minute=0), NOW.replace(day=30, hour=17, minute=0)
    )
    done = run(
        "--data-dir", str(roster.store.root), "signin", "--session", str(later.id), "--member", "T001", "--pin", "1234"
    )
    assert "2026-11-30 14:30" in refused_once(done)


def test_out_of_range_says_the_range(roster: Campaign) -> None:
    d = str(roster.store.root)
    assert "1 到 65535" in refused_once(run("--data-dir", d, "settings", "set", "idle_timeout_s", "0"))
    assert "0 到 65535" in refused_once(run("--data-dir", d, "settings", "set", "late_after_min", "-5"))
    assert "from 1 to 65535" in refused_once(
        run("--data-dir", d, "--lang", "en", "settings", "set", "web_port", "70000")
    )
    assert "90%" in refused_once(run("--data-dir", d, "settings", "set", "satisfaction_target", "150%"))


def test_names_with_escape_sequences_never_reach_the_roster(roster: Campaign) -> None:
    d = str(roster.store.root)
    line = refused_once(run("--data-dir", d, "member", "add", "T9", "\x1b]0;pwned\x07王五", "--school", "第十八中学"))
    assert "U+001B" in line and "\x1b" not in line
    refused_once(run("--data-dir", d, "member", "edit", "T001", "--name", "王\u202e晓明"))
    assert "\x1b" not in run("--data-dir", d, "member", "list").stdout
    assert run("--data-dir", d, "member", "add", "T8", "李　红", "--school", "第十八中学", "--json").returncode == 0
    assert roster.repos.members.get("T8").name == "李红"  # type: ignore[union-attr]
    refused_once(run("--data-dir", d, "member", "add", "T7", "孙七", "--school", "第十八中学", "--pin", "²³⁴⁵"))


def test_an_inactive_member_is_told_so(roster: Campaign) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    d = str(roster.store.root)
    assert run("--data-dir", d, "member", "deactivate", "T003").returncode == 0
    line = refused_once(
        run("--data-dir", d, "signin", "--session", str(session.id), "--member", "T003", "--pin", "1234")
    )
    assert "已停用" in line and "张伟" in line
