"""Snapshots of the kiosk's main screens in both languages: fixed clock, fixed size, no blink, no animation.

Update after a deliberate change with ``pytest tests/tui_kiosk --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from campaign.context import Campaign
from campaign.i18n import set_language
from storage.records import StudySession

from .conftest import SIZE, MakeApp, settle

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def home(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def search_results(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press(*"wxm", "down")
    await settle(pilot)


async def result(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press(*"wxm", "down", "enter")
    await settle(pilot)
    await pilot.press(*"1234", "enter")
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("steps", [home, search_results, result], ids=["home", "search", "result"])
def test_kiosk_screen(
    lang: str,
    steps: Steps,
    roster: Campaign,
    open_session: StudySession,
    make_app: MakeApp,
    snap_compare: SnapCompare,
) -> None:
    set_language(lang)
    app = make_app(roster)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)
