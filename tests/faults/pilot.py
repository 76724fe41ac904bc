"""Running the kiosk and the secretary's app under Pilot against a store whose lock gives up quickly."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerFailed

from campaign.clock import FixedClock
from campaign.context import Campaign
from storage import open_store
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp

#: How long the apps under test wait for a held lock (the real default is 15 s).
LOCK_TIMEOUT_S = 0.4


def quick_campaign(data_dir: Path, clock: FixedClock, actor: str) -> Campaign:
    """The campaign in ``data_dir`` as a second process would open it, giving up on a held lock quickly."""
    return Campaign(open_store(data_dir, lock_timeout=LOCK_TIMEOUT_S), clock, actor)


async def until(pilot: Pilot[int], done: Callable[[], bool], what: str, deadline_s: float = 40.0) -> None:
    """Let the app run until ``done()`` holds, or fail saying ``what`` and showing the screen."""
    end = time.monotonic() + deadline_s
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}; the screen shows:\n{screen_text(pilot.app)}")  # type: ignore[arg-type]
        await settle(pilot, rounds=1)
        await pilot.pause(0.02)


async def settle(pilot: Pilot[int], rounds: int = 3) -> None:
    """Let workers finish and their messages land; a worker that failed (the fault under test) is no error here."""
    for _ in range(rounds):
        with contextlib.suppress(WorkerFailed):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def still_running(app: ChuangyouApp) -> bool:
    return app.is_running and app.return_code is None and not app._exit


def shows(app: ChuangyouApp, *texts: str) -> bool:
    shown = screen_text(app)
    return all(text in shown for text in texts)
