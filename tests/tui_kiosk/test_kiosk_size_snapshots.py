"""The kiosk at an SSH window (80×24) and at a staffroom screen (220×60), in both languages.

Update after a deliberate change with ``pytest tests/tui_kiosk --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from campaign import feedback
from campaign.context import Campaign
from campaign.i18n import set_language
from storage.records import StudySession

from .conftest import MakeApp, settle

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]
SIZES = {"80x24": (80, 24), "220x60": (220, 60)}


async def home(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def search(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press(*"wxm", "down")
    await settle(pilot)


async def pin(pilot: Pilot[Any]) -> None:
    await search(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def result(pilot: Pilot[Any]) -> None:
    await pin(pilot)
    await pilot.press(*"1234", "enter")
    await settle(pilot)


async def parent(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#feedback", Button).press()
    await settle(pilot)
    code = feedback.issue_batch(pilot.app.campaign, "T002", 1, class_label="初二（3）班").codes[0]  # type: ignore[attr-defined]
    await pilot.press(*code, "enter")
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("steps", [home, search, pin, result, parent], ids=lambda f: f.__name__)
def test_kiosk_at_size(
    lang: str,
    size: str,
    steps: Steps,
    roster: Campaign,
    open_session: StudySession,
    make_app: MakeApp,
    snap_compare: SnapCompare,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(feedback, "new_code", lambda: "K7QM2XHD9RTWP")  # the same slip code in every run
    set_language(lang)
    app = make_app(roster)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps)
