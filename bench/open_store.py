"""Opening the store at stress scale, as the kiosk does before it can show its home screen.

Measured in a fresh process each time (the page cache is warm, the process is not): importing the campaign,
``open_campaign`` (lock, recovery, parsing the hot partitions, schema check), then what the home screen needs:
``tui.kiosk.home_view`` (the open session and how many signed in) and ``tui.kiosk.active_members`` (the roster
it searches). Anchors in the same run: ``python -c pass`` (an interpreter that does nothing) and stock TinyDB
opening the same data (``TinyDB(file).table("members").all()``: it must parse the whole single file).

Target (issue 2): opening the store at stress scale <= 300 ms. Run ``python -m bench.open_store [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.results import TIMING_COLUMNS, Timings, ms, write_section
from bench.scale import ANCHOR, DATA_ROOT, ensure, link_copy, tinydb_file

TARGET = 0.300
ROOT = Path(__file__).resolve().parent.parent

OPEN_KIOSK = """
import json, sys, time
t0 = time.perf_counter()
from datetime import datetime
from pathlib import Path
from campaign.clock import FixedClock
from campaign.context import open_campaign
from tui.kiosk import active_members, home_view
t1 = time.perf_counter()
c = open_campaign(Path(sys.argv[1]), actor="kiosk", clock=FixedClock(datetime.fromisoformat(sys.argv[2])))
t2 = time.perf_counter()
view = home_view(c)
roster = active_members(c)
t3 = time.perf_counter()
assert view.session is not None and len(roster) > 0
print(json.dumps({"import": t1 - t0, "open": t2 - t1, "home": t3 - t2, "members": len(roster),
                  "session": view.session.id}))
"""

OPEN_TINYDB = """
import sys, time
t0 = time.perf_counter()
from tinydb import TinyDB
db = TinyDB(sys.argv[1])
members = db.table("members").all()
print(time.perf_counter() - t0)
"""


@dataclass(frozen=True)
class OpenFigures:
    #: open_campaign + home view + roster, in-process (the target applies to its median).
    open_and_home: Timings
    #: The same plus importing the campaign modules.
    with_imports: Timings
    #: A whole ``chuangyou``-like process (interpreter start included), wall clock.
    process: Timings
    #: ``python -c pass``, wall clock.
    python_pass: Timings
    #: Stock TinyDB opening the same data (in-process), or None when skipped.
    tinydb: float | None


def _wall(args: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout
    return time.perf_counter() - started, out


def measure(*, runs: int = 7, with_tinydb: bool = True, log: Callable[[str], None] = print) -> OpenFigures:
    data = ensure("stress", log=log)
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA_ROOT, prefix="run-") as tmp:
        work = link_copy(data, Path(tmp) / "data")
        py = sys.executable
        _wall([py, "-c", OPEN_KIOSK, str(work), ANCHOR.isoformat()])  # first run pays for .pyc files
        inner, walls, passes = [], [], []
        for _ in range(runs):
            wall, out = _wall([py, "-c", OPEN_KIOSK, str(work), ANCHOR.isoformat()])
            inner.append(json.loads(out))
            walls.append(wall)
            passes.append(_wall([py, "-c", "pass"])[0])
        tiny = None
        if with_tinydb:
            tiny = float(_wall([py, "-c", OPEN_TINYDB, str(tinydb_file(data))])[1])
    return OpenFigures(
        open_and_home=Timings.of([d["open"] + d["home"] for d in inner]),
        with_imports=Timings.of([d["import"] + d["open"] + d["home"] for d in inner]),
        process=Timings.of(walls),
        python_pass=Timings.of(passes),
        tinydb=tiny,
    )


SECTION = "Opening the store"
COMMAND = "python -m bench.open_store"


def report(f: OpenFigures, log: Callable[[str], None] = print) -> tuple[bool, str]:
    """Print the figures; return whether the target was met and the RESULTS.md section body."""
    rows = [
        f"| figure | {TIMING_COLUMNS} | anchor | ratio (p50) |",
        "|---|---:|---:|---:|---:|---|---:|",
        f"| **open_campaign + home view + roster** | {f.open_and_home.cells()} | | |",
        f"| ... plus importing campaign, storage, tinydb | {f.with_imports.cells()} | | |",
        f"| whole process, wall clock | {f.process.cells()} | `python -c pass` {ms(f.python_pass.p50)} "
        f"| {f.process.p50 / f.python_pass.p50:.1f}× |",
    ]
    if f.tinydb is not None:
        rows.append(
            f"| (anchor) stock TinyDB opens the same data | 1 | {ms(f.tinydb)} | | | "
            f"ours with imports / it | {f.with_imports.p50 / f.tinydb:.4f}× |"
        )
    for row in rows[2:]:
        log(row)
    ok = f.open_and_home.p50 <= TARGET
    verdict = f"open at stress p50 {ms(f.open_and_home.p50)} <= {TARGET * 1000:.0f} ms: {'met' if ok else 'MISSED'}"
    log("target: " + verdict)
    body = "\n".join(
        [
            "Stress scale (2,000 members, 10 years), each run a fresh process with a warm page cache: "
            "`open_campaign` (lock, recovery, hot partitions parsed, schema check) plus what the kiosk's home "
            "screen needs (`tui.kiosk.home_view`, `active_members`).",
            "",
            *rows,
            "",
            "Target: " + verdict + ".",
        ]
    )
    return ok, body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.open_store", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, no stock TinyDB anchor, writes nothing")
    args = parser.parse_args(argv)
    figures = measure(runs=3 if args.quick else 20, with_tinydb=not args.quick)
    ok, body = report(figures)
    if not args.quick:
        write_section(SECTION, COMMAND, body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
