"""What a long-running program reads once, before anyone needs it.

* The kiosk and the admin app, in the background after their first screen: the pledge files the board and the
  review queue show, and the points index the leaderboard answers from. Without it the first person to open one
  of them waits while years of records are parsed (seconds at stress scale: ``bench/RESULTS.md``).
* The feedback server, before it listens: this year's slip codes, where every answer's lookup starts. Without it
  the first answers of a meeting each parse a file of ~90 codes at stress scale, and the server answers ~25 %
  fewer parents a second while it does (``bench/feedback_load.py``).

A failure costs only speed (the screens and the form report faults when they meet them), so it is logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .context import Campaign
from .logfile import log_failure


def warm_up(c: Campaign) -> None:
    """The kiosk's and the admin app's read-ahead (run in a thread after the first screen)."""
    from .pledge_queries import warm_up as pledges
    from .points import leaderboard

    _run(c, (pledges, leaderboard))


def warm_up_server(c: Campaign) -> None:
    """The feedback server's read-ahead (run before it listens)."""
    _run(c, (read_codes_ahead,))


def read_codes_ahead(c: Campaign) -> int:
    """Read the newest year's slip codes into the store's snapshots; returns how many files were read."""
    return c.repos.tokens.read_ahead()


def _run(c: Campaign, steps: Iterable[Callable[[Campaign], object]]) -> None:
    for step in steps:
        try:
            step(c)
        except Exception as exc:  # whatever it is, reading ahead must not end the program: see the docstring
            log_failure("warm-up", exc)
