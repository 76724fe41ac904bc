"""What a long-running program reads once, in the background, after its first screen: the pledge files the board
and the review queue show, and the points index the leaderboard answers from. Without it the first person to
open one of them waits while years of records are parsed (seconds at stress scale: ``bench/RESULTS.md``)."""

from __future__ import annotations

from collections.abc import Callable

from .context import Campaign
from .logfile import log_failure


def warm_up(c: Campaign) -> None:
    """Read ahead; a failure costs only speed (the screens report faults when they meet them), so it is logged."""
    from .pledge_queries import warm_up as pledges
    from .points import leaderboard

    steps: tuple[Callable[[Campaign], object], ...] = (pledges, leaderboard)
    for step in steps:
        try:
            step(c)
        except Exception as exc:  # whatever it is, reading ahead must not end the program: see the docstring
            log_failure("warm-up", exc)
