"""Benchmarks: ``python -m bench`` runs them all; ``python -m bench.<name>`` runs one.

Each prints our figure beside an anchor measured in the same run, as a ratio. Figures are recorded in
``bench/RESULTS.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``samples``, nearest-rank (a figure that was actually measured)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(math.ceil(q / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"
