"""Crash: a writer process is killed with SIGKILL (and SIGHUP) at random moments, over and over.

After every kill the next opener finds data that parses (``check_store``), every write acknowledged before the
kill, no temporary file left behind (orphans are removed at the next lock acquisition) and no journal pending.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.roster import add_school
from campaign.study_sessions import create_session, open_now, parse_local
from storage import open_store
from storage.check import check_store
from storage.journal import JOURNAL_NAME
from storage.store import TMP_DIR

from .workers import NOW, SCHOOL, read_acks

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50


def _present(c: Campaign) -> set[str]:
    """Every write of the crash writer that is in the store, in the writer's ack notation."""
    found = {f"member:{m.code}" for m in c.repos.members.all()}
    found |= {f"signin:{a.member}" for a in c.repos.attendance.for_session(1)}
    for p in c.store.partitions("audit"):
        for d in c.store.read(p).get("audit", {}).values():
            if d["action"] == "crash.note":
                found.add(f"audit:{d['detail']['note']}")
    return found


def test_kill_9_at_random_moments_loses_no_acknowledged_write(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    c = open_campaign(data_dir, actor="secretary", clock=FixedClock(NOW))
    add_school(c, SCHOOL)
    with c.store.transaction():
        c.repos.settings.put(replace(c.settings, require_pin=False))
    session = create_session(c, "集中学习", parse_local(c, "2026-11-27 08:00"), parse_local(c, "2026-11-27 09:30"))
    assert session.id == 1
    open_now(c, session.id)

    rng = random.Random(20261127)
    acks = tmp_path / "acks"
    orphans_seen = journals_seen = 0
    # 50 kill -9s, and every sixth run a SIGHUP (what a dropped SSH connection sends, possibly mid-write).
    signals = [signal.SIGHUP if run % 6 == 5 else signal.SIGKILL for run in range(KILLS + KILLS // 5)]
    assert signals.count(signal.SIGKILL) >= KILLS
    for run, sig in enumerate(signals):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.storage.workers", "crash", str(data_dir), str(acks), str(run)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            # SIGHUP as a terminal sends it, even when this test runs under nohup (which ignores it for children).
            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
        )
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.1))  # the random moment of the kill, not a wait for an event
        os.kill(writer.pid, sig)
        assert writer.wait(timeout=30) == -sig
        writer.stdout.close()

        orphans_seen += bool(os.listdir(data_dir / TMP_DIR))
        journals_seen += (data_dir / JOURNAL_NAME).exists()
        store = open_store(data_dir)  # takes the lock: completes a journal, removes orphan temporary files
        assert os.listdir(data_dir / TMP_DIR) == []
        assert not (data_dir / JOURNAL_NAME).exists()
        assert check_store(store) == [], f"after kill {run}"
        after = open_campaign(data_dir, actor="secretary", clock=FixedClock(NOW))
        missing = set(read_acks(acks)) - _present(after)
        assert not missing, f"after kill {run}: acknowledged writes lost: {sorted(missing)[:5]}"

    acknowledged = read_acks(acks)
    # The kills landed while writing (not all before the first write), and left debris for recovery to clean.
    assert len(acknowledged) > KILLS
    assert orphans_seen > 0
    print(f"{len(acknowledged)} acknowledged writes; {orphans_seen} kills left temp files, {journals_seen} a journal")
