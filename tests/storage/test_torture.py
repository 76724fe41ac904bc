"""Torture: several OS processes write at once (distinct and colliding sign-ins, members, pledges, audit notes).

Afterwards every acknowledged write is in the store exactly once, and a member several processes tried to sign
in at the same moment is recorded once (one process was told "signed in", the others "already signed in").
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path

from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.i18n import t
from campaign.roster import add_member, add_school, new_member
from campaign.study_sessions import create_session, open_now, parse_local
from storage import open_store
from storage.check import check_store

from .workers import NOW, SCHOOL, read_acks, torture_plan, torture_worker

WORKERS = 4
SESSIONS = 14
#: Each worker signs its own members in to every session: 19 x 14 = 266 distinct sign-ins per worker.
OWN_MEMBERS = 19
#: Every worker tries to sign these members in to the first sessions: 10 x 5 = 50 colliding sign-ins.
SHARED_MEMBERS = 10
SHARED_SESSIONS = 5
MEMBERS = 75
PLEDGES = 75
AUDITS = 75


def _prepare(data_dir: Path, codes: list[str]) -> tuple[Campaign, list[int]]:
    c = open_campaign(data_dir, actor="secretary", clock=FixedClock(NOW))
    add_school(c, SCHOOL)
    with c.store.transaction():
        c.repos.settings.put(replace(c.settings, require_pin=False))
        c.repos.members.add_many([new_member(code, "张伟", SCHOOL) for code in codes])
    ids = []
    for i in range(SESSIONS):
        start, end = parse_local(c, "2026-11-27 08:00"), parse_local(c, "2026-11-27 09:30")
        ids.append(open_now(c, create_session(c, f"集中学习 {i + 1}", start, end).id).id)
    return c, ids


def _all_docs(c: Campaign, prefix: str, table: str) -> list[dict[str, object]]:
    partitions = c.store.partitions(prefix) if prefix != "core" else ["core"]
    return [d for p in partitions for d in c.store.read(p).get(table, {}).values()]


def test_four_processes_write_at_once_and_every_acknowledged_write_is_there_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    own = {w: [f"D{w}-{i:02d}" for i in range(OWN_MEMBERS)] for w in range(WORKERS)}
    shared = [f"C{i:02d}" for i in range(SHARED_MEMBERS)]
    codes = [code for w in range(WORKERS) for code in own[w]] + shared
    c, sessions = _prepare(data_dir, codes)
    colliding = [f"{s}/{code}" for s in sessions[:SHARED_SESSIONS] for code in shared]

    ctx = multiprocessing.get_context("spawn")
    go = ctx.Barrier(WORKERS + 1)
    procs = []
    for w in range(WORKERS):
        distinct = [f"{s}/{code}" for s in sessions for code in own[w]]
        ops = torture_plan(w, distinct, colliding, MEMBERS, PLEDGES, AUDITS)
        procs.append(ctx.Process(target=torture_worker, args=(str(data_dir), w, ops, str(tmp_path / f"acks{w}"), go)))
    for p in procs:
        p.start()
    go.wait(timeout=120)
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * WORKERS

    acks = [line for w in range(WORKERS) for line in read_acks(tmp_path / f"acks{w}")]
    per_worker = SESSIONS * OWN_MEMBERS + len(colliding) + MEMBERS + PLEDGES + AUDITS
    assert len(acks) == WORKERS * per_worker  # every write was answered
    committed = [a for a in acks if not a.startswith("already:")]
    assert len(committed) >= 2000

    c = open_campaign(data_dir, actor="secretary", clock=FixedClock(NOW))
    assert check_store(c.store) == []

    # Sign-ins: one record per member and session, exactly the acknowledged ones.
    attendance = [f"{s}/{a.member}" for s in sessions for a in c.repos.attendance.for_session(s)]
    assert len(attendance) == len(set(attendance))
    signed = [a.split(":", 1)[1] for a in acks if a.startswith("signin:")]
    assert Counter(signed) == Counter(attendance)
    # Colliding sign-ins: each "signed in" once, "already signed in" for the other three workers.
    for key in colliding:
        assert signed.count(key) == 1
        assert acks.count(f"already:{key}") == WORKERS - 1

    # Members added concurrently: each once.
    member_codes = Counter(str(d["code"]) for d in _all_docs(c, "core", "members"))
    for a in acks:
        if a.startswith("member:"):
            assert member_codes[a.split(":", 1)[1]] == 1
    assert sum(member_codes.values()) == len(codes) + WORKERS * MEMBERS

    # Pledges: the id each worker was told is the pledge with that text; no id twice.
    pledge_docs = list(c.repos.pledges.docs())  # every year's files (pledges_<year>/<bb>)
    pledges = {str(d["id"]): str(d["text"]) for d in pledge_docs}
    assert len(pledges) == len(pledge_docs) == WORKERS * PLEDGES
    for a in acks:
        if a.startswith("pledge:"):
            text, _, pledge_id = a.split(":", 1)[1].partition("=")
            assert pledges[pledge_id] == text

    # Audit notes: each once.
    notes = Counter(
        str(d["detail"]["note"])  # type: ignore[index]
        for d in _all_docs(c, "audit", "audit")
        if d["action"] == "torture.note"
    )
    assert notes == Counter(a.split(":", 1)[1] for a in acks if a.startswith("audit:"))
    member_adds = [d for d in _all_docs(c, "audit", "audit") if d["action"] == "member.add"]
    assert len(member_adds) == WORKERS * MEMBERS


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"CHUANGYOU_NOW": NOW.isoformat(), "PATH": "/usr/bin:/bin", "HOME": str(data_dir.parent)},
    )


def test_the_same_shape_through_the_real_chuangyou_command(tmp_path: Path) -> None:
    """Four scripts run ``chuangyou`` commands at once: sign-ins (two members each, two shared), members added."""
    data_dir = tmp_path / "data"
    c = open_campaign(data_dir, actor="secretary", clock=FixedClock(NOW))
    add_school(c, SCHOOL)
    for code in ["S1", "S2", *(f"P{w}{i}" for w in range(4) for i in range(2))]:
        add_member(c, code, "王小梅", SCHOOL, pin="1234")
    session_id = create_session(
        c, "集中学习", parse_local(c, "2026-11-27 08:00"), parse_local(c, "2026-11-27 09:30")
    ).id

    results: dict[int, list[tuple[list[str], subprocess.CompletedProcess[str]]]] = {}

    def script(w: int) -> None:
        commands = [
            ["signin", "--session", str(session_id), "--member", "S1", "--pin", "1234", "--json"],
            ["signin", "--session", str(session_id), "--member", f"P{w}0", "--pin", "1234", "--json"],
            ["member", "add", f"N{w}", "李红", "--school", SCHOOL, "--json"],
            ["signin", "--session", str(session_id), "--member", "S2", "--pin", "1234", "--json"],
            ["signin", "--session", str(session_id), "--member", f"P{w}1", "--pin", "1234", "--json"],
        ]
        results[w] = [(cmd, _cli(data_dir, *cmd)) for cmd in commands]

    threads = [threading.Thread(target=script, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    outcomes: Counter[tuple[str, int]] = Counter()
    for runs in results.values():
        for cmd, proc in runs:
            subject = cmd[4] if cmd[0] == "signin" else cmd[2]
            outcomes[(subject, proc.returncode)] += 1
            if proc.returncode == 0:
                assert json.loads(proc.stdout)  # one JSON document
            else:  # the only refusal expected: a shared member another script signed in first
                assert subject in ("S1", "S2"), proc.stderr
                assert proc.stderr.strip() == t("signin.already", name="王小梅", at="08:01")
    for shared in ("S1", "S2"):
        assert outcomes[(shared, 0)] == 1
        assert outcomes[(shared, 1)] == 3

    shown = json.loads(_cli(data_dir, "session", "show", str(session_id), "--json").stdout)
    signed = [row["member"] for row in shown["attendance"]]
    assert sorted(signed) == sorted(["S1", "S2", *(f"P{w}{i}" for w in range(4) for i in range(2))])
    listed = json.loads(_cli(data_dir, "member", "list", "--json").stdout)
    codes = Counter(m["code"] for m in listed["members"])
    assert all(codes[f"N{w}"] == 1 for w in range(4))
    checked = _cli(data_dir, "check", "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["ok"] is True
    assert check_store(open_store(data_dir)) == []
