"""Async servers (tasks sharing a thread), network filesystems, and schema versions."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

import storage.store
from campaign.context import Campaign
from storage import SchemaTooNew, Store, TransactionFromAnotherTask, UnsafeFilesystem, open_store, schema
from storage.backup import list_backups
from storage.check import check_store
from storage.fs import filesystem_type, is_network_filesystem
from storage.records import AuditEntry
from storage.repositories import Repositories
from tests.conftest import NOW
from tui.cli import main as cli


# ------------------------------------------------------------------------------------------------- asyncio
async def test_two_tasks_on_one_thread_cannot_share_a_transaction(roster: Campaign) -> None:
    """filelock is re-entrant per thread: without our check, the second task would walk into the first one's
    transaction and the two would not exclude each other."""
    store = roster.store
    inside = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        with store.transaction():
            Repositories(store).audit.append(AuditEntry(NOW, "web", "holder"))
            inside.set()
            await release.wait()  # what a handler must never do; here it makes the overlap certain

    async def intruder() -> None:
        await inside.wait()
        with store.transaction():
            pytest.fail("entered a transaction another task holds")

    first = asyncio.create_task(holder())
    with pytest.raises(TransactionFromAnotherTask):
        await intruder()
    release.set()
    await first
    assert Repositories(store).audit.recent()[0].action == "holder"  # the holder's commit stands


async def test_store_calls_in_worker_threads_work_and_exclude_each_other(roster: Campaign) -> None:
    store = roster.store
    active = 0
    most = 0
    guard = threading.Lock()

    def bump(i: int) -> None:
        nonlocal active, most
        with store.transaction():
            with guard:
                active += 1
                most = max(most, active)
            repos = Repositories(store)
            state = repos.security.get("counter")
            count = int(state["n"]) if state else 0
            time.sleep(0.002)  # widen the read-modify-write window: a lost update would show
            repos.security.put("counter", {"n": count + 1})
            with guard:
                active -= 1

    await asyncio.gather(*(asyncio.to_thread(bump, i) for i in range(20)))
    assert most == 1
    assert Repositories(store).security.get("counter") == {"n": 20, "key": "counter"}


# ---------------------------------------------------------------------------------------- network filesystems
def _fake_mounts(tmp_path: Path, data_dir: Path, fstype: str) -> Path:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw,relatime 0 0\n"
        f"server:/export {data_dir.parent} {fstype} rw,vers=4.2 0 0\n"
        "tmpfs /run tmpfs rw 0 0\n",
        encoding="utf-8",
    )
    return mounts


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "fuse.sshfs"])
def test_a_data_dir_on_a_network_filesystem_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fstype: str
) -> None:
    data_dir = tmp_path / "share" / "data"
    mounts = _fake_mounts(tmp_path, data_dir, fstype)
    monkeypatch.setattr(storage.store, "filesystem_type", lambda path: filesystem_type(path, mounts))
    with pytest.raises(UnsafeFilesystem) as caught:
        open_store(data_dir)
    assert caught.value.fstype == fstype
    assert cli(["--data-dir", str(data_dir), "member", "list"]) == 1
    assert f"（{fstype}）" in capsys.readouterr().err
    # Someone who knows better can still open it on purpose.
    assert check_store(open_store(data_dir, allow_network_fs=True)) == []


def test_filesystem_type_takes_the_longest_mount_point(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n/dev/vdb /srv/my\\040files xfs rw 0 0\nnas:/x /srv nfs rw 0 0\n", encoding="utf-8"
    )
    assert filesystem_type(Path("/srv/my files/chuangyou"), mounts) == "xfs"
    assert filesystem_type(Path("/srv/other"), mounts) == "nfs"
    assert filesystem_type(Path("/srvx"), mounts) == "ext4"
    assert filesystem_type(Path("/home"), tmp_path / "missing") is None
    assert is_network_filesystem("NFS4") and not is_network_filesystem("ext4") and not is_network_filesystem(None)


# ------------------------------------------------------------------------------------------------ schema
def test_a_migration_runs_after_a_backup_and_a_newer_schema_is_refused(
    roster: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []
    # The test store is at the schema in force (n); a program one schema newer (n + 1) opens it.
    n = schema.CURRENT_SCHEMA

    def v1_to_v2(store: Store) -> None:
        # Runs after the backup, inside the transaction that stamps version 2.
        backups = list_backups(store)
        seen.append(backups[0].reason if backups else "no backup")
        assert backups and backups[0].schema == n
        core = store.read("core", for_update=True)
        for doc in core["members"].values():
            doc["name"] = doc["name"] + "（迁移）"
        store.write("core", core)

    monkeypatch.setattr(schema, "CURRENT_SCHEMA", n + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {n: v1_to_v2})
    store = open_store(data_dir)
    assert seen == [f"before-migration-v{n}"]
    assert schema.read_schema(store) == n + 1
    assert Repositories(store).members.get("T001").name == "王晓明（迁移）"  # type: ignore[union-attr]
    backup = list_backups(store)[0]
    assert "（迁移）" not in (backup.path / "store" / "core.json").read_text(encoding="utf-8")
    assert check_store(store) == []
    open_store(data_dir)  # at the current schema: nothing more happens
    assert seen == [f"before-migration-v{n}"]

    monkeypatch.setattr(schema, "CURRENT_SCHEMA", n)  # an older program meets the newer data
    meta = store.path("meta").read_bytes()
    with pytest.raises(SchemaTooNew) as caught:
        open_store(data_dir)
    assert (caught.value.found, caught.value.supported) == (n + 1, n)
    assert cli(["--data-dir", str(data_dir), "member", "list"]) == 1
    assert "请升级" in capsys.readouterr().err
    assert store.path("meta").read_bytes() == meta


def test_a_failing_migration_changes_nothing(roster: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(store: Store) -> None:
        core = store.read("core", for_update=True)
        core["members"].clear()
        store.write("core", core)
        raise RuntimeError("migration bug")

    before = roster.store.path("core").read_bytes()
    n = schema.CURRENT_SCHEMA
    monkeypatch.setattr(schema, "CURRENT_SCHEMA", n + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {n: broken})
    with pytest.raises(RuntimeError, match="migration bug"):
        open_store(data_dir)
    assert roster.store.path("core").read_bytes() == before
    assert json.loads(roster.store.path("meta").read_bytes())["meta"]["1"]["schema"] == n
