"""Faults: writes that fail midway (ENOSPC, EIO), damaged data files, kills inside multi-file commits, and the
``check`` / ``backup`` / ``restore`` commands a secretary uses to recover."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import storage.atomic
from campaign.context import Campaign, open_campaign
from campaign.i18n import t
from campaign.roster import add_member
from campaign.signin import sign_in
from campaign.study_sessions import create_session, parse_local
from storage import StoreCorrupt, StoreWriteFailed, open_store
from storage import backup as backup_module
from storage.backup import create_backup, list_backups
from storage.check import check_store
from storage.journal import JOURNAL_NAME
from storage.repositories import attendance_partition
from storage.store import TMP_DIR, Store
from tests.conftest import NOW
from tui.cli import main as cli
from tui.cli.common import one_line

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def session_id(roster: Campaign) -> int:
    """A session that is open at the fixed clock (07:50; it opens 07:30)."""
    c = roster
    return create_session(c, "集中学习", parse_local(c, "2026-11-27 08:00"), parse_local(c, "2026-11-27 09:30")).id


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHUANGYOU_NOW", NOW.isoformat())


def _snapshot_files(store: Store) -> dict[str, tuple[bytes, int]]:
    """Every data file's bytes and inode: "untouched" means both are the same."""
    out = {}
    for p in store.all_partitions():
        path = store.path(p)
        out[p] = (path.read_bytes(), path.stat().st_ino)
    return out


def _failing_write(err: int, *, on_call: int = 1) -> tuple[Callable[[int, bytes], None], list[int]]:
    """A replacement for storage.atomic._write_all that writes half its bytes on call ``on_call``, then fails."""
    real = storage.atomic._write_all
    calls = [0]

    def write_all(fd: int, data: bytes) -> None:
        calls[0] += 1
        if calls[0] == on_call:
            os.write(fd, data[: len(data) // 2])
            raise OSError(err, os.strerror(err))
        real(fd, data)

    return write_all, calls


def _debris(data_dir: Path) -> list[str]:
    leftovers = os.listdir(data_dir / TMP_DIR)
    if (data_dir / JOURNAL_NAME).exists():
        leftovers.append(JOURNAL_NAME)
    return leftovers


# --------------------------------------------------------------------------------------------- failed writes
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO])
def test_a_write_failing_midway_keeps_the_previous_file_and_says_why(
    roster: Campaign, session_id: int, data_dir: Path, monkeypatch: pytest.MonkeyPatch, err: int
) -> None:
    c = roster
    sign_in(c, session_id, "T002", "1234")  # the bucket file of T001 may already exist; make sure some do
    before = _snapshot_files(c.store)
    fail, calls = _failing_write(err)
    monkeypatch.setattr(storage.atomic, "_write_all", fail)

    with pytest.raises(StoreWriteFailed) as caught:
        sign_in(c, session_id, "T001", "1234")
    assert calls[0] == 1
    # A PIN sign-in first counts the try (campaign.lockout), so the first write that fails is the counter's.
    assert caught.value.path == c.store.path("security")
    assert os.strerror(err) in str(caught.value)
    assert _snapshot_files(c.store) == before
    assert _debris(data_dir) == []
    assert c.repos.attendance.get(session_id, "T001") is None  # this process does not believe it either

    monkeypatch.undo()  # the disk has room again: the same sign-in now works
    assert sign_in(c, session_id, "T001", "1234").attendance.member == "T001"
    assert check_store(c.store) == []


@pytest.mark.parametrize("fail_on", [1, 2, 3], ids=["first-file", "second-file", "journal"])
def test_a_multi_file_commit_failing_midway_changes_nothing(
    roster: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch, fail_on: int
) -> None:
    """add_member writes the roster and the audit log: both, through the journal, or neither."""
    c = roster
    before = _snapshot_files(c.store)
    fail, calls = _failing_write(errno.ENOSPC, on_call=fail_on)
    monkeypatch.setattr(storage.atomic, "_write_all", fail)

    with pytest.raises(StoreWriteFailed, match=os.strerror(errno.ENOSPC)):
        add_member(c, "T009", "赵六", "实验小学", pin="1234")
    assert calls[0] == fail_on
    assert _snapshot_files(c.store) == before
    assert _debris(data_dir) == []
    monkeypatch.undo()
    fresh = open_campaign(data_dir, clock=c.clock)
    assert fresh.repos.members.get("T009") is None
    assert all(e.action != "member.add" or e.detail["code"] != "T009" for e in fresh.repos.audit.recent())


def test_the_cli_exits_1_with_the_write_failed_message(
    roster: Campaign, session_id: int, data_dir: Path, monkeypatch: pytest.MonkeyPatch, cli_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(storage.atomic, "_write_all", _failing_write(errno.ENOSPC)[0])
    args = ["--data-dir", str(data_dir), "signin", "--session", str(session_id), "--member", "T003", "--pin", "1234"]
    assert cli(args) == 1
    path = roster.store.path("security")  # the PIN try is counted first (campaign.lockout)
    err = capsys.readouterr().err.strip()
    assert err == t("fault.admin_full", path=path)  # says what to do: free some space
    assert "本次操作未生效" in err


# ----------------------------------------------------------------------------------------- damaged files
DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "empty": lambda raw: b"",
    "nul-bytes": lambda raw: b"\0" * len(raw),  # what stock JSONStorage left after concurrent writers
    "trailing-garbage": lambda raw: raw + raw[-10:],  # a crash between write and truncate, in place
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_file_stops_the_program_at_start_and_is_left_untouched(
    roster: Campaign, data_dir: Path, cli_env: None, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    c = roster
    good = create_backup(c.store)
    core = c.store.path("core")
    core.write_bytes(DAMAGE[damage](core.read_bytes()))
    damaged = (core.read_bytes(), core.stat().st_ino, core.stat().st_mtime_ns)

    with pytest.raises(StoreCorrupt) as caught:
        open_store(data_dir)
    assert caught.value.path == core
    assert caught.value.backup == good

    assert cli(["--data-dir", str(data_dir), "member", "list"]) == 1
    err = capsys.readouterr().err
    command = f"chuangyou --data-dir {data_dir} restore {good} --yes"
    assert good.name in err and command in err
    assert one_line(t("store.corrupt_backup", backup=good, command=command)) in err
    assert err.count("\n") == 1  # one line on stderr, as every refusal
    assert (core.read_bytes(), core.stat().st_ino, core.stat().st_mtime_ns) == damaged


def test_the_message_names_the_newest_backup_whose_copy_is_good(roster: Campaign, data_dir: Path) -> None:
    c = roster
    older = create_backup(c.store, reason="older")
    newer = create_backup(c.store, reason="newer")
    (newer / "store" / "core.json").write_bytes(b"{")  # the newer backup's copy is damaged too
    core = c.store.path("core")
    core.write_bytes(b'{"members": ')
    with pytest.raises(StoreCorrupt) as caught:
        open_store(data_dir)
    assert caught.value.backup == older


def test_without_a_good_backup_the_message_says_so(
    roster: Campaign, data_dir: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    roster.store.path("sessions").write_bytes(b"[]")  # parses, but is not a TinyDB document
    assert cli(["--data-dir", str(data_dir), "session", "list"]) == 1
    assert t("store.corrupt_no_backup") in capsys.readouterr().err


def test_a_damaged_partition_read_later_is_refused_and_reported_by_check(
    roster: Campaign, session_id: int, data_dir: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    c = roster
    sign_in(c, session_id, "T001", "1234")
    bucket = c.store.path(attendance_partition(session_id, "T001"))
    bucket.write_bytes(bucket.read_bytes()[:-3])
    damaged = bucket.read_bytes()
    fresh = open_campaign(data_dir, clock=c.clock)  # not a hot partition: opening works
    with pytest.raises(StoreCorrupt):
        sign_in(fresh, session_id, "T001", "1234")
    assert cli(["--data-dir", str(data_dir), "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [p["path"] for p in report["problems"]] == [str(bucket)]
    assert bucket.read_bytes() == damaged


# ------------------------------------------------------------------------------ kills inside a journal commit
KILL_AFTER_RENAMES = """
import os, signal, sys
from pathlib import Path
real = os.replace
calls = [0]
def replace(src, dst):
    real(src, dst)
    calls[0] += 1
    if calls[0] == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
"""

KILL_IN_COMMIT = (
    KILL_AFTER_RENAMES
    + """
from campaign.context import open_campaign
from storage.records import Member
c = open_campaign(Path(sys.argv[1]), actor="secretary")
os.replace = replace
with c.store.transaction():
    c.repos.members.add(Member(code="T009", name="赵六", school="实验小学"))
    c.audit("member.add", code="T009")
"""
)


def _run_killed(script: str, *args: str) -> None:
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def _audited(c: Campaign, code: str) -> bool:
    return any(e.action == "member.add" and e.detail.get("code") == code for e in c.repos.audit.recent())


def test_a_kill_inside_a_journal_commit_is_completed_by_the_next_opener(roster: Campaign, data_dir: Path) -> None:
    # os.replace #1 puts the journal in place, #2 is the first of the two renames it records.
    _run_killed(KILL_IN_COMMIT, str(data_dir), "2")
    assert (data_dir / JOURNAL_NAME).exists()
    raw = Store(data_dir)
    # Half done on disk: the audit partition (renamed first) has the entry, the roster not yet.
    assert raw.read("core")["members"] and "T009" not in {d["code"] for d in raw.read("core")["members"].values()}

    c = open_campaign(data_dir, clock=roster.clock)  # takes the lock: completes the journal
    assert _debris(data_dir) == []
    assert c.repos.members.get("T009") is not None
    assert _audited(c, "T009")
    assert check_store(c.store) == []


def test_a_kill_before_the_journal_is_written_leaves_nothing_half_done(roster: Campaign, data_dir: Path) -> None:
    _run_killed(KILL_IN_COMMIT, str(data_dir), "1")  # the journal is in place: all of it happens
    c = open_campaign(data_dir, clock=roster.clock)
    assert c.repos.members.get("T009") is not None and _audited(c, "T009")


KILL_IN_RESTORE = (
    KILL_AFTER_RENAMES
    + """
from storage.backup import restore
from storage.store import Store
store = Store(Path(sys.argv[1]))
os.replace = replace
restore(store, Path(sys.argv[3]))
"""
)


@pytest.mark.parametrize("renames", [2, 3], ids=["old-store-moved-away", "both-moved"])
def test_a_kill_inside_a_restore_is_completed_by_the_next_opener(
    roster: Campaign, data_dir: Path, renames: int
) -> None:
    backup = create_backup(roster.store)
    add_member(roster, "T009", "赵六", "实验小学")
    _run_killed(KILL_IN_RESTORE, str(data_dir), str(renames), str(backup))

    c = open_campaign(data_dir, clock=roster.clock)
    assert c.repos.members.get("T001") is not None
    assert c.repos.members.get("T009") is None  # the backup's data is live
    assert _debris(data_dir) == []
    assert check_store(c.store) == []
    kept = [b for b in list_backups(c.store) if b.reason == "replaced-by-restore"]
    assert len(kept) == 1
    assert "T009" in (kept[0].path / "store" / "core.json").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ check, backup, restore
def test_check_backup_and_restore_round_trip_through_the_cli(
    roster: Campaign, data_dir: Path, tmp_path: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--data-dir", str(data_dir)]

    def run(*args: str) -> tuple[int, str, str]:
        code = cli([*base, *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, _ = run("backup", "--json")
    assert code == 0
    backup = Path(json.loads(out)["path"])
    code, out, _ = run("backup", "--list", "--json")
    assert str(backup) in [b["path"] for b in json.loads(out)["backups"]]
    code, out, _ = run("backup", "--to", str(tmp_path / "usb"), "--json")
    assert code == 0
    external = Path(json.loads(out)["path"])
    assert external.parent == tmp_path / "usb"

    add_member(roster, "T009", "赵六", "实验小学")  # after the backups
    core_now = roster.store.path("core").read_bytes()

    code, _, err = run("restore", str(backup))  # without --yes: says what would happen, changes nothing
    assert code == 1 and t("cli.restore_confirm") in err
    assert roster.store.path("core").read_bytes() == core_now

    code, _, err = run("restore", str(tmp_path), "--yes")
    assert code == 1 and err.strip() == t("cli.restore_not_backup", path=tmp_path)

    code, out, _ = run("restore", str(backup), "--yes", "--json")
    assert code == 0
    kept = Path(json.loads(out)["previous"])
    assert (kept / "store" / "core.json").read_bytes() == core_now  # the replaced store is kept, not deleted

    code, out, _ = run("member", "list", "--json")
    codes = [m["code"] for m in json.loads(out)["members"]]
    assert sorted(codes) == ["T001", "T002", "T003", "T004"]
    code, out, _ = run("check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True

    code, _, _ = run("restore", str(external), "--yes")  # the external copy restores as well
    assert code == 0


def test_restore_refuses_a_damaged_backup(
    roster: Campaign, data_dir: Path, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = create_backup(roster.store)
    (backup / "store" / "core.json").write_bytes(b"\0\0\0")
    before = _snapshot_files(roster.store)
    assert cli(["--data-dir", str(data_dir), "restore", str(backup), "--yes"]) == 1
    assert str(backup) in capsys.readouterr().err
    assert _snapshot_files(roster.store) == before


def test_a_backup_taken_while_another_process_writes_is_complete(
    roster: Campaign, session_id: int, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup copies without the lock; a sign-in by another process lands in the middle of that copy (and its
    lock acquisition runs recovery). The backup still holds every file, as of one moment."""
    real_read = backup_module._read_live
    copies = [0]

    def read_live(src: Path, pin: Path | None = None) -> tuple[bytes, tuple[int, int, int, int], bool]:
        copies[0] += 1
        if copies[0] == 2:
            argv = ["--data-dir", str(data_dir), "signin", "--session", str(session_id), "--member", "T004"]
            env = {**os.environ, "CHUANGYOU_NOW": NOW.isoformat()}
            proc = subprocess.run(
                [sys.executable, "-m", "tui.cli", *argv, "--pin", "1234"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
            assert proc.returncode == 0, proc.stderr
        return real_read(src, pin)

    monkeypatch.setattr(backup_module, "_read_live", read_live)
    backup = create_backup(roster.store)
    monkeypatch.undo()

    live = {p: roster.store.path(p).read_bytes() for p in roster.store.all_partitions()}
    copied = {
        str(f.relative_to(backup / "store"))[: -len(".json")]: f.read_bytes()
        for f in (backup / "store").rglob("*.json")
    }
    assert copied == live
    assert attendance_partition(session_id, "T004") in copied


def _orphans(data_dir: Path) -> Iterator[Path]:
    tmp = data_dir / TMP_DIR
    (tmp / "0123abcd.tmp").write_bytes(b'{"half": ')
    (tmp / "restore-20261127T000000Z").mkdir()
    (tmp / "restore-20261127T000000Z" / "core.json").write_bytes(b"{}")
    yield tmp


def test_orphan_temporary_files_are_removed_at_the_next_lock_and_the_lock_file_stays(
    roster: Campaign, data_dir: Path
) -> None:
    tmp = next(_orphans(data_dir))
    assert len(os.listdir(tmp)) == 2
    open_store(data_dir)
    assert os.listdir(tmp) == []
    assert (data_dir / "store.lock").exists()  # never deleted: deleting it would break exclusion


def _failing_renames(monkeypatch: pytest.MonkeyPatch, failures: int) -> None:
    """The next ``failures`` renames that a journal applies fail with EIO (the journal itself is written)."""
    real = os.replace
    left = [failures]

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name != JOURNAL_NAME and left[0] > 0:
            left[0] -= 1
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)

    monkeypatch.setattr("storage.journal.os.replace", replace)


def test_a_rename_failing_after_the_journal_is_finished_at_once(
    roster: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_renames(monkeypatch, 1)  # the journal's own recovery retries it, and this time it works
    add_member(roster, "T009", "新党员", "实验小学")  # a roster change and its audit entry: a journal commit
    assert roster.repos.members.get("T009") is not None and _audited(roster, "T009")
    assert not (roster.store.root / JOURNAL_NAME).exists()


def test_a_commit_that_cannot_be_finished_says_it_will_be(
    roster: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        _failing_renames(patch, 2)  # the commit's rename and the immediate retry both fail
        with pytest.raises(StoreWriteFailed) as caught:
            add_member(roster, "T009", "新党员", "实验小学")
    assert caught.value.pending
    from tui.cli.common import store_error_message

    assert store_error_message(caught.value).startswith("无法完成写入") and "下次打开数据时会自动完成" in (
        store_error_message(caught.value)
    )
    c = open_campaign(data_dir, clock=roster.clock)  # the next opener completes it, as the message promised
    assert c.repos.members.get("T009") is not None and _audited(c, "T009")
    assert check_store(c.store) == []
