"""Backups that stay good: verified before they count, never of damaged files, rotation that keeps a good one, a
migration that fails without touching anything, restore that refuses crafted backups, and a backup that does not
hold the store's lock while it writes and fsyncs."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from campaign.context import Campaign, open_campaign
from campaign.maintenance import DailyBackups
from campaign.roster import add_member
from storage import BackupInvalid, BackupRefused, MigrationFailed, open_store, schema
from storage import backup as backup_module
from storage.backup import create_backup, list_backups, read_backup, restore, rotate, verify_backup
from storage.backup_files import MAX_FILE_BYTES, checksum
from storage.store import Store
from tests.faults.helpers import damaged

CHUANGYOU = Path(sys.executable).parent / "chuangyou"


def cli(data_dir: Path, *args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANGYOU_")}
    return subprocess.run(
        [str(CHUANGYOU), "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )


def files_of(store: Store) -> dict[str, bytes]:
    return {os.fspath(p.relative_to(store.dir)): p.read_bytes() for p in store.dir.rglob("*.json")}


def tree(path: Path) -> dict[str, bytes]:
    return {os.fspath(p.relative_to(path)): p.read_bytes() for p in path.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------------------------- making them
def test_a_backup_never_holds_the_lock_while_it_writes_or_fsyncs(
    roster: Campaign, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = roster.store
    under_lock: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        if store._lock.is_locked and ("backup" in target):
            under_lock.append(target)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    create_backup(store)
    create_backup(store, to=tmp_path / "usb")
    assert under_lock == []


def test_every_backup_is_verified_and_names_each_file_checksum(roster: Campaign) -> None:
    made = create_backup(roster.store)
    assert [p.name for p in roster.store.backup_dir.iterdir()] == [made.name]  # no pins or partial copies left
    manifest = json.loads((made / "manifest.json").read_bytes())
    assert manifest["checksums"] == {rel: checksum(data) for rel, data in files_of(roster.store).items()}
    assert list_backups(roster.store)[0].verified
    assert verify_backup(made) == []
    (made / "store" / "core.json").write_bytes((made / "store" / "core.json").read_bytes().replace(b"T001", b"T00X"))
    assert any("checksum" in p for p in verify_backup(made))  # still parses, but it is not what was backed up


def test_a_copy_that_does_not_verify_is_not_kept(roster: Campaign, monkeypatch: pytest.MonkeyPatch) -> None:
    real = backup_module._write_out

    def bad_medium(path: Path, data: bytes) -> None:
        real(path, data.replace(b"T001", b"T00X") if path.name == "core.json" else data)

    monkeypatch.setattr(backup_module, "_write_out", bad_medium)
    with pytest.raises(BackupRefused) as caught:
        create_backup(roster.store)
    assert not caught.value.damaged_store and "checksum" in str(caught.value)
    assert list_backups(roster.store) == []
    assert list(roster.store.backup_dir.iterdir()) == []


def test_damaged_live_files_are_reported_not_copied(roster: Campaign, data_dir: Path, tmp_path: Path) -> None:
    good = create_backup(roster.store)
    core = roster.store.path("core")
    with damaged(core):
        with pytest.raises(BackupRefused) as caught:
            create_backup(roster.store)
        assert caught.value.damaged_store and str(core) in str(caught.value)
        done = cli(data_dir, "backup")
        assert done.returncode == 1 and str(core) in done.stderr and "Traceback" not in done.stderr
        assert "--yes" in done.stderr  # the damaged file, and how to restore the newest good backup
        assert cli(data_dir, "backup", "--to", str(tmp_path / "usb")).returncode == 1
    assert [b.path for b in list_backups(roster.store)] == [good]
    assert not (tmp_path / "usb").exists() or list((tmp_path / "usb").iterdir()) == []


# ---------------------------------------------------------------------------------------------- rotation
def _age(backup: Path, days: int) -> None:
    manifest = json.loads((backup / "manifest.json").read_bytes())
    when = datetime.fromisoformat(manifest["created"]) - timedelta(days=days)
    manifest["created"] = when.isoformat()
    (backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_rotation_never_deletes_the_newest_good_backup(roster: Campaign, tmp_path: Path) -> None:
    store = roster.store
    good = create_backup(store)
    _age(good, 30)
    elsewhere = create_backup(store, to=tmp_path / "usb")
    # Every restore keeps the store it replaced; they are no good copies and are rotated apart.
    for _ in range(5):
        restore(store, elsewhere)
    # Older-format copies (no checksums: never verified), e.g. of a damaged store, newer than the good one.
    for n in range(5):
        legacy = store.backup_dir / f"2099010{n}T000000000000Z-daily"
        (legacy / "store").mkdir(parents=True)
        (legacy / "store" / "core.json").write_bytes(b"\0\0\0")
        (legacy / "manifest.json").write_text(json.dumps({"created": "2099-01-01T00:00:00+00:00", "reason": "daily"}))
    rotate(store, keep=2)
    left = list_backups(store)
    assert good in [b.path for b in left]
    assert sum(b.reason == "replaced-by-restore" for b in left) == 5
    assert backup_module.newest_good_backup(store, store.path("core")) == good


def test_rotation_keeps_daily_weekly_and_monthly_good_copies(roster: Campaign) -> None:
    store = roster.store
    made: dict[Path, tuple[int, datetime]] = {}
    for days in (400, 200, 60, 35, 20, 13, 9, 3, 2, 1, 0):  # "now" is a real clock: weeks fall where they fall
        b = create_backup(store, reason="daily")
        _age(b, days)
        info = read_backup(b)
        assert info is not None
        made[b] = (days, backup_module._created(info))
    rotate(store, keep=3)
    left = {b.path for b in list_backups(store)}
    kept_days = sorted(made[b][0] for b in left)
    assert kept_days[:3] == [0, 1, 2]  # the daily ones
    # The newest of each week for 8 weeks and of each month for 12 months; none older.
    for fmt, within in (("%G-W%V", 56), ("%Y-%m", 31 * 12)):
        wanted = {when.strftime(fmt) for days, when in made.values() if days <= within}
        assert wanted <= {made[b][1].strftime(fmt) for b in left}
    assert 400 not in kept_days


# ---------------------------------------------------------------------------------------------- migration
def test_a_failing_migration_in_a_restart_loop_leaves_the_store_and_every_backup_untouched(
    roster: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = roster.store
    older = [create_backup(store, reason="daily") for _ in range(2)]
    backups_before = {b: tree(b) for b in older}
    store_before = files_of(store)

    def broken(s: Store) -> None:
        raise RuntimeError("migration bug")

    n = schema.CURRENT_SCHEMA
    monkeypatch.setattr(schema, "CURRENT_SCHEMA", n + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {n: broken})
    for _ in range(16):  # systemd's Restart=on-failure
        with pytest.raises(MigrationFailed) as caught:
            open_store(data_dir)
    assert files_of(store) == store_before
    assert {b: tree(b) for b in older} == backups_before
    before = [b for b in list_backups(store) if b.reason == f"before-migration-v{n}"]
    assert len(before) == 1 and before[0].verified and caught.value.backup == before[0].path
    assert len(list_backups(store)) == 3


def test_the_cli_says_what_to_do_when_a_migration_fails(roster: Campaign, data_dir: Path) -> None:
    # A real process: a sitecustomize makes this program's schema one newer, with a migration that fails.
    hook = data_dir.parent / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "from storage import schema\n"
        "schema.CURRENT_SCHEMA += 1\n"
        "def broken(store):\n    raise RuntimeError('migration bug')\n"
        "schema.MIGRATIONS[schema.CURRENT_SCHEMA - 1] = broken\n"
    )
    env = {**os.environ, "PYTHONPATH": str(hook)}
    done = subprocess.run(
        [str(CHUANGYOU), "--data-dir", str(data_dir), "member", "list"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    n = schema.CURRENT_SCHEMA
    assert f"版本 {n}" in done.stderr and f"before-migration-v{n}" in done.stderr and "chuangyou.log" in done.stderr
    assert "RuntimeError" in (data_dir / "logs" / "chuangyou.log").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- restore
def _craft(backup: Path, rel: str, data: bytes) -> None:
    """Change a file of a backup and its checksum, as someone crafting a backup would."""
    (backup / "store" / rel).write_bytes(data)
    manifest = json.loads((backup / "manifest.json").read_bytes())
    manifest["checksums"][rel] = checksum(data)
    (backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _meta(version: object) -> bytes:
    return json.dumps({"meta": {"1": {"schema": version}}}).encode()


CRAFTED = {
    "schema-0": lambda b: _craft(b, "meta.json", _meta(0)),
    "schema-99": lambda b: _craft(b, "meta.json", _meta(99)),
    "core-members-a-list": lambda b: _craft(b, "core.json", b'{"members": [1, 2]}'),
    "core-member-without-fields": lambda b: _craft(b, "core.json", b'{"members": {"1": {"bogus": 1}}}'),
    "symlinked-directory": lambda b: os.symlink("/etc", b / "store" / "pledges"),
    "symlinked-file": lambda b: os.symlink("/dev/zero", b / "store" / "zero.json"),
    "fifo": lambda b: os.mkfifo(b / "store" / "pipe.json"),
    "device": lambda b: _device(b / "store" / "zero.json"),
    "over-large": lambda b: os.truncate(_touch(b / "store" / "huge.json"), MAX_FILE_BYTES + 1),
}


def _device(path: Path) -> None:
    """A character device like /dev/zero (needs root, as a crafted archive unpacked by root would make)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device node needs root")


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("crafted", list(CRAFTED))
def test_restore_refuses_crafted_backups_without_hanging(
    crafted: str, roster: Campaign, data_dir: Path, tmp_path: Path
) -> None:
    backup = create_backup(roster.store, to=tmp_path / "usb")
    CRAFTED[crafted](backup)
    before = files_of(roster.store)
    with pytest.raises(BackupInvalid):
        restore(roster.store, backup)
    done = cli(data_dir, "restore", str(backup), "--yes", timeout=60)  # a FIFO or /dev/zero must not hang it
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert files_of(roster.store) == before
    assert cli(data_dir, "member", "list").returncode == 0


def test_restore_still_takes_a_good_backup(roster: Campaign, data_dir: Path, tmp_path: Path) -> None:
    backup = create_backup(roster.store, to=tmp_path / "usb")
    add_member(roster, "T009", "赵六", "实验小学")
    done = cli(data_dir, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    c = open_campaign(data_dir, clock=roster.clock)
    assert c.repos.members.get("T009") is None and c.repos.members.get("T001") is not None


def test_the_printed_recovery_command_works_when_pasted(roster: Campaign, data_dir: Path, tmp_path: Path) -> None:
    good = create_backup(roster.store)
    with damaged(roster.store.path("core")):
        done = cli(data_dir, "member", "list")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    # The refusal is one line; the command to paste is its end.
    found = re.search(r"chuangyou --data-dir \S+ restore \S+ --yes", done.stderr)
    assert found is not None and str(good) in found.group(0), done.stderr
    command = found.group(0)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PATH": f"{CHUANGYOU.parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("CHUANGYOU_DATA_DIR", None)
    pasted = subprocess.run(["/bin/sh", "-c", command], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert pasted.returncode == 0, pasted.stderr
    assert cli(data_dir, "member", "list").returncode == 0


# ---------------------------------------------------------------------------------------------- while running
def test_a_long_running_program_keeps_making_daily_backups(roster: Campaign) -> None:
    made = threading.Event()
    timer = DailyBackups(roster, check_every_s=0.01, every=timedelta(0))
    real = timer.check_now

    def check_now() -> Path | None:
        result = real()
        if len(timer.made) >= 3:
            made.set()
        return result

    timer.check_now = check_now  # type: ignore[method-assign]
    timer.start()
    try:
        assert made.wait(60), "no third backup within a minute"
    finally:
        timer.stop(timeout=30)
    assert len(timer.made) >= 3
    assert list_backups(roster.store)[0].verified


def test_the_first_daily_backup_waits_for_the_first_screen(roster: Campaign) -> None:
    first_screen, checked = threading.Event(), threading.Event()
    timer = DailyBackups(roster, check_every_s=3600, every=timedelta(0), after=first_screen)
    real = timer.check_now

    def check_now() -> Path | None:
        assert first_screen.is_set(), "a backup check ran before the first screen was up"
        result = real()
        checked.set()
        return result

    timer.check_now = check_now  # type: ignore[method-assign]
    timer.start()
    try:
        assert not checked.is_set() and list_backups(roster.store) == []
        first_screen.set()  # what the app does once its first screen is up (ChuangyouApp.on_first_screen)
        assert checked.wait(60), "no backup check within a minute of the first screen"
    finally:
        timer.stop(timeout=30)
    assert len(timer.made) == 1 and list_backups(roster.store)[0].verified
