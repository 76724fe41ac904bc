"""``bench/RESULTS.md``: every section is written by the benchmark that measured it, never by hand.

``python -m bench`` (``make bench``) runs every benchmark and so rewrites every section; a benchmark run alone
rewrites its own section; ``--quick`` runs write nothing. Each section starts with the date, the machine's load
and core count, and gives every timing as n, p50, p95 and p99 beside its anchor from the same run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import percentile

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = """# Benchmark results

Written by the benchmarks in `bench/` (`make bench` runs them all and rewrites every section; a `--quick` run
writes nothing). Each figure stands beside its anchor, measured in the same run; timings give n, p50, p95, p99.
"""


@dataclass(frozen=True)
class Timings:
    """Samples of one timing, in seconds."""

    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: Sequence[float]) -> Timings:
        return cls(tuple(samples))

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    def cells(self) -> str:
        """``n | p50 | p95 | p99`` for a Markdown table row."""
        return f"{self.n} | {ms(self.p50)} | {ms(self.p95)} | {ms(self.p99)}"


TIMING_COLUMNS = "n | p50 | p95 | p99"


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def machine() -> str:
    """When and on what: the date, the core count, the load average and CPU/IO pressure right now."""
    one, five, fifteen = os.getloadavg()
    parts = [
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        f"{os.cpu_count()} cores",
        f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)",
    ]
    for kind in ("cpu", "io"):
        try:
            first = Path(f"/proc/pressure/{kind}").read_text(encoding="ascii").split("\n")[0]
            parts.append(f"{kind} pressure {first.split()[1].split('=')[1]} %")
        except (OSError, IndexError):
            continue
    return "; ".join(parts)


def write_section(title: str, command: str, body: str, *, path: Path = RESULTS) -> None:
    """Replace the section ``## title`` of RESULTS.md (or append it); other sections stay as they are.

    ``body`` may use ``###`` headings but no ``##`` heading of its own.
    """
    if any(line.startswith("## ") for line in body.splitlines()):
        raise ValueError("a section body cannot contain a '## ' heading")
    section = f"## {title}\n\n`{command}` — {machine()}.\n\n{body.strip()}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    marker = f"## {title}\n"
    found = text.find("\n" + marker)
    start = 0 if text.startswith(marker) else found + 1 if found >= 0 else -1
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + section + ("\n" + text[end + 1 :] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


def section_titles(path: Path = RESULTS) -> list[str]:
    """The ``##`` section titles of RESULTS.md, in order."""
    if not path.exists():
        return []
    return [line[3:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
