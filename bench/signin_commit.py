"""Durable sign-in commit latency (p50/p95) at typical and stress scale, beside its anchors, in one run.

* **chuangyou store**: ``campaign.signin.sign_in`` on the open session of the generated data (members signing in
  one after another; ``require_pin`` off so the figure is the store's, the scrypt PIN check is shown apart). The
  call returns after the commit: temp file fsynced, renamed, directory fsynced.
* **stock TinyDB**: the same data in one file through TinyDB's default ``JSONStorage``; a sign-in is
  ``contains`` then ``insert``: each parses the whole file, the insert rewrites all of it in place (and fsyncs).
* **SQLite**: the same data (stdlib ``sqlite3``), ``journal_mode=WAL``, ``synchronous=FULL`` (the WAL is fsynced
  at every commit), one ``BEGIN IMMEDIATE`` transaction: look up the member and session, check, insert.

Targets (issue 2): our p95 <= 10 ms at stress scale; stress/typical p95 <= 1.5.
Run ``python -m bench.signin_commit [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from bench import percentile
from bench.results import TIMING_COLUMNS, Timings, machine, ms, write_section
from bench.scale import ANCHOR, DATA_ROOT, PIN, SEED, ScaleData, ensure, link_copy, sqlite_file, tinydb_file
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.signin import sign_in
from storage.records import Attendance, AttendanceStatus, SignInMethod

TARGET_P95 = 0.010
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Figure:
    scale: str
    engine: str
    samples: list[float]
    note: str = ""

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)


def _codes(data: ScaleData, c: Campaign, n: int) -> list[str]:
    codes = sorted(m.code for m in c.repos.members.all() if m.active)
    random.Random(SEED).shuffle(codes)
    return codes[:n]


def _timed(op: Callable[[], object]) -> float:
    started = time.perf_counter()
    op()
    return time.perf_counter() - started


def _open_copy(data: ScaleData, work: Path) -> Campaign:
    link_copy(data, work)
    c = open_campaign(work, actor="kiosk", clock=FixedClock(ANCHOR + timedelta(minutes=1)))
    with c.store.transaction():
        c.repos.settings.put(replace(c.settings, require_pin=False))
    return c


def atomic_replace_floor(folder: Path, size: int) -> Callable[[], None]:
    """The bare protocol every durable commit of ours follows, without the store: write a new file, fsync it,
    rename it over the old one, fsync the directory. No store can commit durably by renaming for less."""
    folder.mkdir(parents=True, exist_ok=True)
    blob = b"x" * size
    target = folder / "bucket.json"

    def once() -> None:
        tmp = folder / "bucket.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, blob)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    return once


def bench_store(scales: list[ScaleData], n: int, n_pin: int, work: Path) -> list[Figure]:
    """Our sign-ins at every scale, alternating between the scales (and the bare atomic-replace protocol) so
    that each sees the same machine load."""
    campaigns = [_open_copy(data, work / data.scale.name) for data in scales]
    codes = [_codes(data, c, n + n_pin + 5) for data, c in zip(scales, campaigns, strict=True)]
    samples: list[list[float]] = [[] for _ in scales]
    with_pin: list[list[float]] = [[] for _ in scales]
    floor_op, floor = atomic_replace_floor(work / "floor", 4096), []
    for i in range(n + n_pin + 5):
        if 5 <= i < n + 5:
            floor.append(_timed(floor_op))
        if i == n + 5:
            for c in campaigns:
                with c.store.transaction():
                    c.repos.settings.put(replace(c.settings, require_pin=True))
        for k, (data, c) in enumerate(zip(scales, campaigns, strict=True)):
            code, sid = codes[k][i], data.today_session
            if i < 5:  # warm-up: snapshots of core and sessions, imports
                sign_in(c, sid, code, None)
            elif i < n + 5:
                samples[k].append(_timed(lambda: sign_in(c, sid, code, None)))  # noqa: B023 - called at once
            else:
                with_pin[k].append(_timed(lambda: sign_in(c, sid, code, PIN)))  # noqa: B023 - called at once
    out = []
    for k, (data, c) in enumerate(zip(scales, campaigns, strict=True)):
        signed = len(c.repos.attendance.for_session(data.today_session))
        if signed != len(codes[k]):
            raise RuntimeError(f"expected {len(codes[k])} sign-ins, found {signed}")
        out.append(Figure(data.scale.name, "chuangyou store", samples[k], "sign_in, require_pin off"))
        out.append(Figure(data.scale.name, "chuangyou + PIN", with_pin[k], "sign_in incl. scrypt PIN check"))
    for data in scales:
        out.append(Figure(data.scale.name, "atomic replace", floor, "bare write+fsync+rename+dir fsync, 4 KB"))
    return out


def _attendance_doc(sid: int, code: str) -> dict[str, object]:
    at = ANCHOR + timedelta(minutes=1)
    return Attendance(sid, code, AttendanceStatus.ON_TIME, at, SignInMethod.KIOSK).to_doc()


def bench_tinydb(data: ScaleData, codes: list[str], work: Path) -> Figure:
    from tinydb import TinyDB, where

    source = tinydb_file(data)
    path = work / "tinydb.json"
    shutil.copyfile(source, path)
    db = TinyDB(path)  # TinyDB's default JSONStorage, one file
    table = db.table("attendance")
    sid = data.today_session

    def one(code: str) -> None:
        q = (where("session_id") == sid) & (where("member") == code)
        if not table.contains(q):
            table.insert(_attendance_doc(sid, code))

    samples = [_timed(lambda code=code: one(code)) for code in codes]  # type: ignore[misc]
    db.close()
    size = path.stat().st_size / 1e6
    return Figure(data.scale.name, "stock TinyDB", samples, f"re-reads and rewrites one {size:.0f} MB file")


def bench_sqlite(data: ScaleData, codes: list[str], work: Path) -> Figure:
    path = work / "sqlite.db"
    shutil.copyfile(sqlite_file(data), path)
    con = sqlite3.connect(path, isolation_level=None)
    mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    con.execute("PRAGMA synchronous=FULL")
    sid = data.today_session

    def one(code: str) -> None:
        con.execute("BEGIN IMMEDIATE")
        try:
            member = con.execute("SELECT doc FROM members WHERE code = ?", (code,)).fetchone()
            session = con.execute("SELECT doc FROM sessions WHERE id = ?", (sid,)).fetchone()
            if member is None or session is None:
                raise RuntimeError("missing member or session")
            json.loads(member[0])
            json.loads(session[0])
            row = con.execute(
                "SELECT status FROM attendance WHERE session_id = ? AND member = ?", (sid, code)
            ).fetchone()
            if row is None:
                doc = _attendance_doc(sid, code)
                con.execute(
                    "INSERT INTO attendance VALUES (?,?,?,?,?)",
                    (sid, code, doc["status"], doc["at"], json.dumps(doc, ensure_ascii=False)),
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    for code in codes[:3]:
        one(code)
    samples = [_timed(lambda code=code: one(code)) for code in codes[3:]]  # type: ignore[misc]
    con.close()
    return Figure(data.scale.name, "SQLite", samples, f"journal_mode={mode}, synchronous=FULL")


def conditions() -> str:
    """The machine's load, printed beside the figures: latency percentiles on a shared machine depend on it."""
    return machine()


def run(*, quick: bool = False, tinydb: bool = True, log: Callable[[str], None] = print) -> list[Figure]:
    # typical has ~198 active members: every sign-in needs its own (n + n_pin + 5 of them).
    n, n_pin, n_tiny = (60, 10, 2) if quick else (150, 40, 3)
    scales = [ensure(name, log=log) for name in ("typical", "stress")]
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(dir=DATA_ROOT, prefix="run-") as tmp:
        work = Path(tmp)
        log(f"machine before: {conditions()}")
        figures.extend(bench_store(scales, n, n_pin, work / "ours"))
        log(f"machine after ours: {conditions()}")
        for data in scales:
            # The anchors sign in the same members (their own copies of the data have none signed in yet).
            codes = _codes(data, open_campaign(work / "ours" / data.scale.name, actor="bench"), n + 3)
            figures.append(bench_sqlite(data, codes, work))
            if tinydb:
                figures.append(bench_tinydb(data, codes[: n_tiny if data.scale.name == "stress" else 20], work))
        log(f"machine after anchors: {conditions()}")
    return figures


SECTION = "Durable sign-in commit"
COMMAND = "python -m bench.signin_commit"


def report(figures: list[Figure], log: Callable[[str], None] = print) -> tuple[bool, str]:
    """Print the figures; return whether the targets were met and the RESULTS.md section body."""
    log("durable sign-in commit latency (the commit is on disk when the call returns)")
    log(f"{'scale':8} {'engine':16} {'p50':>11} {'p95':>11} {'p99':>11} {'n':>4}  {'p95 / ours':>10}  note")
    ours = {f.scale: f for f in figures if f.engine == "chuangyou store"}
    rows = [
        f"| scale | engine | {TIMING_COLUMNS} | p95 / ours | note |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        ratio = f.p95 / ours[f.scale].p95
        t = Timings.of(f.samples)
        log(f"{f.scale:8} {f.engine:16} {ms(t.p50)} {ms(t.p95)} {ms(t.p99)} {t.n:4}  {ratio:9.1f}x  {f.note}")
        name = f"**{f.engine}**" if f.engine == "chuangyou store" else f.engine
        rows.append(f"| {f.scale} | {name} | {t.cells()} | {ratio:.1f}× | {f.note} |")
    stress, typical = ours["stress"].p95, ours["typical"].p95
    ok_p95 = stress <= TARGET_P95
    ok_ratio = stress / typical <= TARGET_RATIO
    verdict = [
        f"stress p95 {stress * 1000:.2f} ms <= {TARGET_P95 * 1000:.0f} ms: {'met' if ok_p95 else 'MISSED'}",
        f"stress/typical p95 {stress / typical:.2f} <= {TARGET_RATIO}: {'met' if ok_ratio else 'MISSED'}",
    ]
    for line in verdict:
        log("target: " + line)
    body = "\n".join(
        [
            "`campaign.signin.sign_in` on the open session of the generated data (`bench/scale.py`), one member "
            "after another, the two scales alternating sign-in by sign-in so both see the same load; "
            '`require_pin` off so the figure is the store\'s (the scrypt PIN check is the "+ PIN" row). '
            "Anchors on the same data in the same run: SQLite (`journal_mode=WAL`, `synchronous=FULL`), stock "
            "TinyDB `JSONStorage` (one file), and the bare atomic-replace protocol (write 4 KB, fsync, rename, "
            "fsync the directory: the floor of any store that commits by renaming).",
            "",
            *rows,
            "",
            "Targets: " + "; ".join(verdict) + ".",
        ]
    )
    return ok_p95 and ok_ratio, body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.signin_commit", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples; writes nothing to RESULTS.md")
    parser.add_argument("--no-tinydb", action="store_true", help="skip the stock TinyDB anchor (a minute at stress)")
    args = parser.parse_args(argv)
    ok, body = report(run(quick=args.quick, tinydb=not args.no_tinydb))
    if not args.quick:
        write_section(SECTION, COMMAND, body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
