"""Issue 8 at the CLI: closing before the start needs --yes and says what it does; kinds and schedules."""

from __future__ import annotations

import json

from .test_contract import Cli, cli  # noqa: F401 - the fixture


def test_closing_before_the_start_needs_yes(cli: Cli) -> None:  # noqa: F811
    sid = cli.json("session", "create", "下周党课", "--start", "2026-12-04 15:00", "--end", "2026-12-04 16:00")["id"]
    assert cli.run("session", "open", str(sid))[0] == 0
    code, out, err = cli.run("session", "close", str(sid))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "尚未开始" in err and "不记录任何人缺席" in err and "--yes" in err
    code, out, err = cli.run("session", "close", str(sid), "--yes", "--json")
    assert code == 0, err
    assert json.loads(out)["absent"] == []


def test_a_weekly_schedule_of_party_group_meetings(cli: Cli) -> None:  # noqa: F811
    doc = cli.json(
        "session", "create", "党小组会", "--start", "2026-12-01 15:00", "--end", "2026-12-01 16:00",
        "--kind", "group", "--repeat", "weekly", "--count", "3",
    )  # fmt: skip
    assert [s["start"][:10] for s in doc["sessions"]] == ["2026-12-01", "2026-12-08", "2026-12-15"]
    assert {s["kind"] for s in doc["sessions"]} == {"group"}
    assert doc["id"] == doc["sessions"][0]["id"]
