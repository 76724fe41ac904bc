"""The TinyDB pitfalls of PITFALLS.md, each shown on stock TinyDB (the evidence) and survived by our store.

Two TinyDB objects on one file stand in for two processes here: everything these pitfalls depend on (the
next-id counter, the query cache, an open file handle) lives in the object. The torture and crash tests run
the same store in real processes.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
from tinydb import TinyDB, where
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import JSONStorage

from campaign.context import Campaign
from storage import Store, open_store, tinydb_for
from storage.records import Member
from storage.repositories import Repositories
from storage.store import encode
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def _on_disk(store: Store, partition: str, table: str) -> list[dict[str, object]]:
    """What a newcomer reading the file by path would find."""
    docs: dict[str, dict[str, object]] = json.loads(store.path(partition).read_bytes()).get(table, {})
    return list(docs.values())


def test_next_id_cache_collides_on_stock_tinydb_but_not_on_ours(tmp_path: Path) -> None:
    # Stock: two long-lived tables, every insert under a correct cross-process lock. Still collides.
    path, lock = tmp_path / "stock.json", FileLock(tmp_path / "stock.lock")
    a, b = TinyDB(path).table("t"), TinyDB(path).table("t")
    with lock:
        a.insert({"by": "a"})  # a now believes the next id is 2
    with lock:
        b.insert({"by": "b"})  # b reads the file: takes id 2
    with lock, pytest.raises(ValueError, match="already exists"):
        a.insert({"by": "a"})  # a hands out 2 again: the insert is lost

    # Ours: the same pattern, long-lived tables of two stores, 50 alternating inserts: ids 1..50, none lost.
    root = tmp_path / "data"
    sa, sb = open_store(root), Store(root)
    ta, tb = tinydb_for(sa, "things").table("t"), tinydb_for(sb, "things").table("t")
    ids = []
    for i in range(50):
        store, table = (sa, ta) if i % 2 == 0 else (sb, tb)
        with store.transaction():
            ids.append(table.insert({"n": i}))
    assert ids == list(range(1, 51))
    assert sorted(int(d["n"]) for d in _on_disk(sa, "things", "t")) == list(range(50))  # type: ignore[call-overload]


def test_a_handle_kept_open_across_os_replace_loses_writes_on_stock_tinydb_but_not_on_ours(tmp_path: Path) -> None:
    # Stock: JSONStorage keeps its file open; an atomic writer replaces the file; the next write goes into the
    # unlinked old file and is gone.
    path = tmp_path / "stock.json"
    db = TinyDB(path)
    db.table("t").insert({"n": 1})
    replacement = tmp_path / "new.json"
    replacement.write_text(json.dumps({"t": {"1": {"n": 1}, "2": {"n": 2}}}), encoding="utf-8")
    os.replace(replacement, path)
    db.table("t").insert({"n": 3})
    on_disk = json.loads(path.read_text(encoding="utf-8"))["t"]
    assert {"n": 3} not in on_disk.values()  # silently lost
    db.close()

    # Ours: a long-lived TinyDB of one store; another store commits (replacing the file); then we insert.
    root = tmp_path / "data"
    sa, sb = open_store(root), Store(root)
    table = tinydb_for(sa, "things").table("t")
    with sa.transaction():
        table.insert({"n": 1})
    with sb.transaction():
        tinydb_for(sb, "things").table("t").insert({"n": 2})
    with sa.transaction():
        table.insert({"n": 3})
    assert sorted(int(d["n"]) for d in _on_disk(sa, "things", "t")) == [1, 2, 3]  # type: ignore[call-overload]


def test_the_query_cache_hides_other_writers_on_stock_tinydb_but_not_on_ours(tmp_path: Path) -> None:
    path = tmp_path / "stock.json"
    reader, writer = TinyDB(path).table("t"), TinyDB(path).table("t")
    assert reader.search(where("k") == 1) == []
    writer.insert({"k": 1})
    assert reader.search(where("k") == 1) == []  # cached: the other writer's document is hidden
    assert len(reader) == 1  # ... though it is in the file

    root = tmp_path / "data"
    sa, sb = open_store(root), Store(root)
    mine = tinydb_for(sa, "things").table("t")
    assert mine.search(where("k") == 1) == []
    with sb.transaction():
        tinydb_for(sb, "things").table("t").insert({"k": 1})
    assert mine.search(where("k") == 1) == [{"k": 1}]


def test_caching_middleware_keeps_writes_in_memory_ours_are_on_disk_when_the_transaction_ends(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stock.json"
    cached = TinyDB(path, storage=CachingMiddleware(JSONStorage))  # type: ignore[no-untyped-call]
    cached.table("t").insert({"k": 1})
    assert TinyDB(path).table("t").all() == []  # another process sees nothing; a crash now loses it

    root = tmp_path / "data"
    store = open_store(root)
    with store.transaction():
        tinydb_for(store, "things").table("t").insert({"k": 1})
    assert _on_disk(store, "things", "t") == [{"k": 1}]
    assert tinydb_for(Store(root), "things").table("t").all() == [{"k": 1}]


def test_another_process_commit_is_seen_at_the_next_read_and_changes_the_generation(
    roster: Campaign, data_dir: Path
) -> None:
    """What the TUI's "data changed" refresh relies on: a long-lived process sees a script's write."""
    c = roster
    before = c.store.generation()
    assert c.repos.members.get("T009") is None
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), "member", "add", "T009", "赵六",
         "--school", "实验小学"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "CHUANGYOU_NOW": NOW.isoformat()},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert c.store.generation() != before
    member = c.repos.members.get("T009")
    assert member is not None and member.name == "赵六"


def test_the_roster_index_never_serves_a_stale_roster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Members are indexed per snapshot. The index once remembered its snapshot by id(): when that snapshot was
    freed, a newer one could be allocated at the same address and the stale index looked current (a member
    just added elsewhere was "not on the roster"). Seen about once in 300 rounds of this pattern."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not what this test is about: speed
    root = tmp_path / "data"
    kiosk, script = open_store(root), Store(root)
    rk, rs = Repositories(kiosk), Repositories(script)
    rng = random.Random(1)
    n = 0
    for _ in range(300):
        rk.members.get("nobody")
        for _ in range(rng.randint(1, 4)):
            with script.transaction():
                rs.members.add(Member(code=f"M{n}", name="王晓明", school="实验小学"))
            n += 1
            for _ in range(rng.randint(0, 2)):
                rk.settings.get()  # re-reads the roster's partition without touching the index
            if rng.random() < 0.5:
                kiosk.read("core")
                _churn: list[dict[str, int]] = [{} for _ in range(rng.randint(0, 5))]  # moves the allocator along
        assert rk.members.get(f"M{n - 1}") is not None


def test_a_reader_never_sees_a_torn_file(tmp_path: Path) -> None:
    """Readers take no lock; the rename makes each file appear whole (stock TinyDB writes in place)."""
    root = tmp_path / "data"
    store = open_store(root)
    with store.transaction():
        store.write("things", {"t": {"1": {"blob": "x" * 200_000}}})
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(store.path("things"))], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert reader.stdout is not None
    assert reader.stdout.readline() == "reading\n"
    for i in range(60):
        with store.transaction():
            store.write("things", {"t": {"1": {"blob": str(i % 10) * (200_000 + i * 1000)}}})
    (tmp_path / "stop").touch()
    out, _ = reader.communicate(timeout=60)
    reads, torn = map(int, out.split())
    assert reads > 0 and torn == 0
    assert encode(store.read("things")) == store.path("things").read_bytes()


READER = """
import json, sys
from pathlib import Path
path = Path(sys.argv[1]); stop = path.parents[2] / "stop"
reads = torn = 0
print("reading", flush=True)
while not stop.exists():
    try:
        json.loads(path.read_bytes())
    except ValueError:
        torn += 1
    reads += 1
print(reads, torn)
"""
