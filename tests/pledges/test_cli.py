"""The ``pledge`` CLI contract: JSON shapes, exit statuses, one line on stderr and a JSON error on refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main

NOW = "2026-11-27T08:00"


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_dir, self.capsys = data_dir, capsys
        monkeypatch.setenv("CHUANGYOU_NOW", NOW)

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        code, out, err = self.run(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    def refused(self, *args: str) -> tuple[dict[str, str], str]:
        """A refusal: exit 1, one line on stderr, one JSON error document on stdout (with --json)."""
        before = self.json("pledge", "list")
        code, out, err = self.run(*args, "--json")
        assert code == 1 and err.count("\n") == 1, (code, err)
        doc = json.loads(out)
        assert set(doc) == {"error"} and set(doc["error"]) == {"code", "message"}
        assert doc["error"]["message"] == err.strip()
        assert self.json("pledge", "list") == before, "a refusal changed something"
        return doc["error"], err


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    c = Cli(data_dir, capsys, monkeypatch)
    assert c.run("school", "add", "第十八中学")[0] == 0
    assert c.run("member", "add", "T001", "王晓明", "--school", "第十八中学")[0] == 0
    assert c.run("member", "add", "T002", "李红", "--school", "第十八中学")[0] == 0
    return c


def _add(cli: Cli, member: str = "T001", text: str = "每月家访不少于 4 户") -> str:
    doc = cli.json(
        "pledge", "add", member, "--category", "service", "--text", text, "--target", "4 户/月", "--due", "2027-01-15"
    )
    assert isinstance(doc["id"], str)
    return str(doc["id"])


def test_the_whole_cycle_from_the_command_line(cli: Cli) -> None:
    pid = _add(cli)
    assert cli.json("pledge", "submit", pid)["state"] == "submitted"
    assert cli.json("pledge", "return", pid, "--comment", "写明总户数")["state"] == "returned"
    assert cli.json("pledge", "submit", pid)["state"] == "submitted"
    assert cli.json("pledge", "publish", pid)["state"] == "published"
    assert cli.json("pledge", "progress", pid, "--note", "已家访 4 户")["progress"] == [
        {"day": "2026-11-27", "note": "已家访 4 户"}
    ]
    assert cli.json("pledge", "fulfil", pid, "--evidence", "家访记录")["evidence"] == "家访记录"
    assert cli.json("pledge", "window", "open")["open"] is True
    assert cli.json("pledge", "evaluate", pid, "--grade", "excellent", "--comment", "很好")["grade"] == "excellent"
    shown = cli.json("pledge", "show", pid)
    assert (shown["id"], shown["member"], shown["category"], shown["state"], shown["due"]) == (
        pid,
        "T001",
        "service",
        "evaluated",
        "2027-01-15",
    )
    assert [e["action"] for e in shown["history"]] == [
        "create", "submit", "return", "submit", "publish", "progress", "fulfil", "evaluate",
    ]  # fmt: skip
    assert shown["history"][2]["note"] == "写明总户数" and shown["history"][2]["from"] == "submitted"
    assert shown["peer_tally"] == {"excellent": 0, "good": 0, "pass": 0, "fail": 0}
    listed = cli.json("pledge", "list")["pledges"]
    assert [{k: p[k] for k in ("id", "member", "category", "state", "due")} for p in listed] == [
        {"id": pid, "member": "T001", "category": "service", "state": "evaluated", "due": "2027-01-15"}
    ]
    code, out, _err = cli.run("pledge", "list")
    assert code == 0 and pid in out and "带头服务群众" in out and "已评诺" in out


def test_list_filters(cli: Cli) -> None:
    a, b = _add(cli, "T001"), _add(cli, "T002")
    cli.json("pledge", "submit", b)
    assert [p["id"] for p in cli.json("pledge", "list", "--member", "T002")["pledges"]] == [b]
    assert [p["id"] for p in cli.json("pledge", "list", "--state", "draft")["pledges"]] == [a]
    assert cli.json("pledge", "list", "--category", "study")["pledges"] == []


def test_illegal_transitions_exit_1_with_one_line_and_a_json_error(cli: Cli) -> None:
    pid = _add(cli)
    error, err = cli.refused("pledge", "evaluate", pid, "--grade", "good")
    assert error["code"] == "pledges.illegal_step" and pid in err and "草稿" in err
    cli.json("pledge", "withdraw", pid, "--reason", "调离")
    error, _ = cli.refused("pledge", "publish", pid)
    assert error["code"] == "pledges.withdrawn_final"
    error, _ = cli.refused("pledge", "show", "2026-99999")
    assert error["code"] == "pledges.no_such_pledge"
    code, _out, err = cli.run("--lang", "en", "pledge", "submit", pid)
    assert code == 1 and "withdrawn" in err and err.count("\n") == 1


def test_bad_input_is_refused_with_the_reason(cli: Cli) -> None:
    base = ("pledge", "add", "T001", "--category", "service", "--text", "每月家访")
    error, _ = cli.refused(*base, "--target", "", "--due", "2027-01-15")
    assert error["code"] == "pledges.no_target"
    error, err = cli.refused(*base, "--target", "4 户", "--due", "2026-11-01")
    assert error["code"] == "pledges.due_past" and "2026-11-01" in err
    error, err = cli.refused(
        "pledge", "add", "T001", "--category", "service", "--text", "长" * 2000, "--target", "x", "--due", "2027-01-15"
    )
    assert error["code"] == "pledges.text_too_long" and "500" in err
    error, _ = cli.refused(
        "pledge", "add", "T999", "--category", "study", "--text", "x", "--target", "y", "--due", "2027-01-15"
    )
    assert error["code"] == "pledges.unknown_member"


def test_bad_usage_exits_2(cli: Cli) -> None:
    for args in (
        ("pledge", "add", "T001", "--category", "sports", "--text", "x", "--target", "y", "--due", "2027-01-15"),
        ("pledge", "evaluate", "2026-1", "--grade", "superb"),
        ("pledge", "withdraw", "2026-1"),
        ("pledge", "return", "2026-1"),
    ):
        with pytest.raises(SystemExit) as exit_:
            cli.run(*args)
        assert exit_.value.code == 2


def test_secretary_actions_from_the_cli_are_audited(cli: Cli) -> None:
    pid = _add(cli)
    cli.json("pledge", "submit", pid)
    cli.json("pledge", "publish", pid)
    from campaign.context import open_campaign

    c = open_campaign(cli.data_dir)
    assert [e.action for e in c.repos.audit.recent()[:3]] == ["pledge.publish", "pledge.submit", "pledge.create"]
    assert c.repos.audit.recent()[0].actor.startswith("cli:")


def test_markup_is_printed_literally_and_exports_are_text(cli: Cli, tmp_path: Path) -> None:
    pid = _add(cli, text='=HYPERLINK("http://x") [bold]x[/] <script>')
    assert cli.json("pledge", "show", pid)["text"] == '=HYPERLINK("http://x") [bold]x[/] <script>'
    out = tmp_path / "承诺.csv"
    assert cli.json("pledge", "export", "--out", str(out)) == {"path": str(out), "count": 1}
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")
    error, _ = cli.refused("pledge", "export", "--out", str(tmp_path / "x.pdf"))
    assert error["code"] == "pledges.unsupported_format"
