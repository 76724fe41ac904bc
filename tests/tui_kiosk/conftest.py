"""Kiosk fixtures: a roster with a session open at the fixed "now", and the app with a clock for idle time."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from campaign.context import Campaign
from campaign.study_sessions import create_session
from storage.records import StudySession
from tests.conftest import NOW
from tui.app import ChuangyouApp

#: Terminal size of every kiosk test and snapshot.
SIZE = (100, 32)


class FakeMonotonic:
    """A monotonic clock for idle time that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


def session_at(c: Campaign, start: datetime, title: str = "学习贯彻党的二十届四中全会精神") -> StudySession:
    return create_session(c, title, start, start + timedelta(hours=1, minutes=30), place="党员活动室")


@pytest.fixture
def open_session(roster: Campaign) -> StudySession:
    """A session starting at 08:00 (sign-in opened 07:30, late after 08:05); "now" is 07:50."""
    return session_at(roster, NOW.replace(hour=8, minute=0))


MakeApp = Callable[..., ChuangyouApp]


@pytest.fixture
def make_app(monotonic: FakeMonotonic) -> MakeApp:
    def make(c: Campaign, mode: str = "kiosk", **kwargs: object) -> ChuangyouApp:
        kwargs.setdefault("cursor_blink", False)
        app = ChuangyouApp(c, mode, monotonic=monotonic, **kwargs)  # type: ignore[arg-type]
        app.animation_level = "none"
        return app

    return make


def screen_text(app: ChuangyouApp) -> str:
    """Everything the terminal shows now, as plain text (from the app's own screenshot)."""
    svg = app.export_screenshot()
    body = svg.split("<g class=", 1)[-1]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    return text.replace("\xa0", " ")


async def settle(pilot: Pilot[int]) -> None:
    """Let workers finish and their messages land (no fixed sleeps).

    An exclusive worker (the home screen's store poll, twice a second) is cancelled when the next one starts; on a
    busy machine that happens while we wait, and is no failure: the next round waits for its successor."""
    for _ in range(3):
        for _replaced in range(10):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                continue
        await pilot.pause()


def result_shown(app: ChuangyouApp) -> bool:
    """A sign-in result is on screen: its own screen, or in place of the PIN box."""
    from tui.widgets.result_box import ResultBox

    return any(box.display and box.outcome is not None for box in app.screen.query(ResultBox))
