"""Snapshots of the pledge board, a member's pledges and the secretary's queues, in both languages, at an SSH
window's size (80×24) and a staffroom screen's (220×60): fixed clock, no blink, no animation.

Update after a deliberate change with ``pytest tests/tui_pledges --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from campaign.context import Campaign
from campaign.i18n import set_language
from tui.app import ChuangyouApp

from .conftest import LARGE, SMALL, MakeApp, log_in, settle, to_my_pledges

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "220x60"])
LANGS = pytest.mark.parametrize("lang", ["zh_CN", "en"])


async def board(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#pledges", Button).press()
    await settle(pilot)


async def mine(pilot: Pilot[Any]) -> None:
    await to_my_pledges(pilot, "T002")


@LANGS
@SIZES
@pytest.mark.parametrize("steps", [board, mine], ids=["board", "mine"])
def test_kiosk_pledges(
    lang: str, size: tuple[int, int], steps: Steps, pledged: Campaign, make_app: MakeApp, snap_compare: SnapCompare
) -> None:
    set_language(lang)
    assert snap_compare(make_app(pledged), terminal_size=size, run_before=steps)


async def review(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await pilot.press("g")
    await settle(pilot)


async def evaluation(pilot: Pilot[Any]) -> None:
    await review(pilot)
    await pilot.press("v")
    await settle(pilot)


@LANGS
@SIZES
@pytest.mark.parametrize("steps", [review, evaluation], ids=["review", "evaluation"])
def test_secretary_queues(
    lang: str,
    size: tuple[int, int],
    steps: Steps,
    pledged: Campaign,
    admin_app: Callable[[Campaign], ChuangyouApp],
    snap_compare: SnapCompare,
) -> None:
    set_language(lang)
    assert snap_compare(admin_app(pledged), terminal_size=size, run_before=steps)
