"""How the index learns what changed: this process's own commits, another process's, a restored directory."""

from __future__ import annotations

import gc
import os
import weakref
from datetime import date
from pathlib import Path

from campaign import points as pts
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.points_index import index_for
from storage.records import AttendanceStatus

from .helpers import add_session, record


def test_own_commits_explain_a_directory_change(roster: Campaign) -> None:
    sid = add_session(roster, date(2026, 11, 6))
    record(roster, sid, "T001", AttendanceStatus.ON_TIME)
    folder = roster.store.dir / "attendance"
    seen = os.stat(folder).st_mtime_ns
    record(roster, sid, "T002", AttendanceStatus.LATE)
    record(roster, sid, "T003", AttendanceStatus.LATE)
    now = os.stat(folder).st_mtime_ns
    from storage.repositories import attendance_partition

    parts = roster.store.commits_into(folder, seen, now)
    assert parts is not None
    assert set(parts) == {attendance_partition(sid, "T002"), attendance_partition(sid, "T003")}
    # Another process writes: this process's commits no longer explain the directory's mtime.
    other = open_campaign(roster.store.root, actor="secretary", clock=roster.clock)
    record(other, sid, "T004", AttendanceStatus.ON_TIME)
    assert roster.store.commits_into(folder, seen, os.stat(folder).st_mtime_ns) is None


def test_the_index_follows_own_and_foreign_sign_ins(roster: Campaign) -> None:
    sid = add_session(roster, date(2026, 11, 6))
    assert pts.leaderboard(roster, pts.Period.MONTH).rows[0].points == 0
    other = open_campaign(roster.store.root, actor="secretary", clock=roster.clock)
    record(roster, sid, "T001", AttendanceStatus.ON_TIME)
    assert pts.leaderboard(roster, pts.Period.MONTH).place_of("T001").points == 2  # type: ignore[union-attr]
    record(other, sid, "T002", AttendanceStatus.ON_TIME)
    record(roster, sid, "T003", AttendanceStatus.LATE)  # own commit after a foreign one: the chain is broken
    board = pts.leaderboard(roster, pts.Period.MONTH)
    assert [(r.key, r.points) for r in board.rows] == [("T001", 2), ("T002", 2), ("T003", 1), ("T004", 0)]
    assert board == pts.full_leaderboard(roster, pts.Period.MONTH)


def test_one_index_per_store(roster: Campaign) -> None:
    again = Campaign(roster.store, roster.clock, "kiosk")
    assert index_for(again) is index_for(roster)
    other = open_campaign(roster.store.root, actor="secretary", clock=roster.clock)
    assert index_for(other) is not index_for(roster)


def test_a_restored_directory_is_read_again(roster: Campaign) -> None:
    from storage.backup import create_backup, restore

    sid = add_session(roster, date(2026, 11, 6))
    backup = create_backup(roster.store, reason="test")
    record(roster, sid, "T001", AttendanceStatus.ON_TIME)
    assert pts.breakdown(roster, "T001", pts.Period.MONTH).total == 2
    restore(roster.store, backup)
    roster.store.forget_snapshots()
    assert pts.breakdown(roster, "T001", pts.Period.MONTH).total == 0
    assert pts.leaderboard(roster, pts.Period.MONTH) == pts.full_leaderboard(roster, pts.Period.MONTH)


def test_an_index_goes_with_its_store(data_dir: Path, clock: FixedClock) -> None:
    c = open_campaign(data_dir, actor="secretary", clock=clock)
    pts.leaderboard(c)
    store_ref = weakref.ref(c.store)
    index_ref = weakref.ref(index_for(c))
    del c
    gc.collect()
    assert store_ref() is None and index_ref() is None  # and with it, its directory watches are closed
