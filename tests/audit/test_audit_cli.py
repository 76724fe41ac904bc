"""``chuangyou audit``: every secretary action, oldest first; backup and restore recorded; a restore appends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from campaign import audit_log, passphrase
from campaign.context import Campaign, open_campaign
from tui.cli import main


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_dir, self.capsys, self.monkeypatch = data_dir, capsys, monkeypatch

    def run(self, *args: str, now: str) -> tuple[int, str, str]:
        self.monkeypatch.setenv("CHUANGYOU_NOW", now)
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str, now: str) -> str:
        code, out, err = self.run(*args, now=now)
        assert code == 0, err
        return out

    def audit(self, *args: str, now: str = "2026-11-30T09:00") -> list[dict[str, Any]]:
        doc = json.loads(self.ok("audit", *args, "--json", now=now))
        entries: list[dict[str, Any]] = doc["entries"]
        return entries


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(data_dir, capsys, monkeypatch)


def actions(entries: list[dict[str, Any]]) -> list[str]:
    return [e["action"] for e in entries]


def test_backup_restore_and_settings_are_audited_and_a_restore_appends(cli: Cli, data_dir: Path) -> None:
    cli.ok("school", "add", "第十八中学", now="2026-11-20T08:00")
    backup = Path(json.loads(cli.ok("backup", "--json", now="2026-11-21T08:00"))["path"])
    cli.ok("settings", "set", "backup_keep", "9", now="2026-11-22T08:00")
    cli.ok("school", "add", "[bold]实验小学[/]", now="2026-11-23T08:00")
    cli.ok("restore", str(backup), "--yes", now="2026-11-24T08:00")

    entries = cli.audit()
    # Nothing done after the backup was lost with the restore, and the restore itself is there, last.
    assert actions(entries) == ["school.add", "store.backup", "settings.set", "school.add", "store.restore"]
    assert entries[1]["detail"] == {"path": str(backup), "reason": "manual"}
    assert entries[2]["detail"] == {"name": "backup_keep", "value": "9"}
    assert entries[4]["detail"] == {"backup": str(backup)}
    assert all(e["actor"].startswith("cli:") for e in entries)
    assert [e["at"][:10] for e in entries] == [f"2026-11-{d}" for d in (20, 21, 22, 23, 24)]
    assert set(entries[0]) == {"at", "actor", "action", "detail"}
    # The data itself is the backup's: the second school is gone, but not its audit entry.
    schools = json.loads(cli.ok("school", "list", "--json", now="2026-11-25T08:00"))["schools"]
    assert [s["name"] for s in schools] == ["第十八中学"]


def test_a_restore_of_an_older_backup_keeps_entries_of_every_month(cli: Cli) -> None:
    cli.ok("school", "add", "A", now="2026-10-05T08:00")
    backup = json.loads(cli.ok("backup", "--json", now="2026-10-06T08:00"))["path"]
    cli.ok("school", "add", "B", now="2026-11-05T08:00")
    cli.ok("school", "add", "C", now="2026-12-05T08:00")
    cli.ok("restore", backup, "--yes", now="2026-12-06T08:00")
    assert [e.get("detail", {}).get("name") for e in cli.audit(now="2026-12-07T08:00")] == [
        "A",
        None,
        "B",
        "C",
        None,
    ]


def test_since_filters_by_day_and_the_table_shows_details_literally(cli: Cli) -> None:
    cli.ok("school", "add", "第十八中学", now="2026-11-20T08:00")
    cli.ok("school", "add", "[@click=app.quit]x[/]<b>", now="2026-11-27T23:59")
    assert [e["at"][:10] for e in cli.audit("--since", "2026-11-27")] == ["2026-11-27"]
    assert cli.audit("--since", "2026-11-28") == []
    human = cli.ok("--lang", "en", "audit", now="2026-11-30T09:00")
    lines = human.splitlines()
    assert lines[0].split() == ["Time", "Who", "Action", "Details"]
    assert "2026-11-20 08:00:00" in lines[1] and "name=第十八中学" in lines[1]
    assert "name=[@click=app.quit]x[/]" in lines[2] and "\x1b" not in human and "\x07" not in human
    code, out, err = cli.run("audit", "--since", "27/11", now="2026-11-30T09:00")
    assert (code, out) == (1, "") and "YYYY-MM-DD" in err


def test_passphrase_change_and_kiosk_unlock_are_recorded_in_the_changes_transaction(campaign: Campaign) -> None:
    c = campaign
    passphrase.set_passphrase(c, "correct horse battery")
    commits = c.store.commits
    assert passphrase.verify(c, "correct horse battery", audit_as="kiosk.unlock")
    # The try is counted first (its own commit, before the slow hash); clearing it and the audit entry commit
    # together.
    assert c.store.commits == commits + 2
    passphrase.set_passphrase(c, "another long phrase", current="correct horse battery")
    assert not passphrase.verify(c, "wrong one", audit_as="kiosk.unlock")
    assert [e.action for e in audit_log.entries(c)] == ["passphrase.set", "kiosk.unlock", "passphrase.set"]


def test_the_daily_backup_is_audited(data_dir: Path, campaign: Campaign) -> None:
    from campaign.maintenance import backup_if_due

    c = open_campaign(data_dir, actor="kiosk", clock=campaign.clock)
    path = backup_if_due(c)
    assert path is not None
    (entry,) = audit_log.entries(c)
    assert (entry.actor, entry.action, entry.detail) == (
        "kiosk",
        "store.backup",
        {"path": str(path), "reason": "daily"},
    )
