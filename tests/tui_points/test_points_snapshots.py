"""Snapshots of the points screens in both languages, at 80×24 and at 220×60: fixed clock, no blink, no animation.

Update after a deliberate change with ``pytest tests/tui_points --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from campaign.context import Campaign
from campaign.i18n import set_language
from storage.records import StudySession
from tests.tui_admin.conftest import log_in
from tests.tui_kiosk.conftest import FakeMonotonic, settle
from tui.widgets.attract import ATTRACT_AFTER_S, AttractPanel

from .conftest import LARGE, SMALL, KioskApp
from .test_kiosk_points import open_board, sign_in_as_wxm, to_my_points

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "220x60"])
LANGS = pytest.mark.parametrize("lang", ["zh_CN", "en"])


async def kiosk_board(pilot: Pilot[Any]) -> None:
    await open_board(pilot)


async def kiosk_mine(pilot: Pilot[Any]) -> None:
    await sign_in_as_wxm(pilot)
    await to_my_points(pilot)
    await pilot.press("enter")
    await settle(pilot)


@LANGS
@SIZES
@pytest.mark.parametrize("steps", [kiosk_board, kiosk_mine], ids=["board", "mine"])
def test_kiosk_points(
    lang: str,
    size: tuple[int, int],
    steps: Steps,
    scored: Campaign,
    open_now: StudySession,
    kiosk_app: KioskApp,
    snap_compare: SnapCompare,
) -> None:
    set_language(lang)
    assert snap_compare(kiosk_app(scored), terminal_size=size, run_before=steps)


@LANGS
@SIZES
def test_kiosk_attract(
    lang: str,
    size: tuple[int, int],
    scored: Campaign,
    open_now: StudySession,
    kiosk_app: KioskApp,
    monotonic: FakeMonotonic,
    snap_compare: SnapCompare,
) -> None:
    async def attract(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        monotonic.advance(ATTRACT_AFTER_S)
        pilot.app.screen.query_one(AttractPanel).tick()
        await settle(pilot)

    set_language(lang)
    assert snap_compare(kiosk_app(scored), terminal_size=size, run_before=attract)


async def admin_board(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await pilot.press("j")
    await settle(pilot)


async def admin_breakdown(pilot: Pilot[Any]) -> None:
    await admin_board(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def admin_dashboard(pilot: Pilot[Any]) -> None:
    await admin_board(pilot)
    await pilot.press("d")
    await settle(pilot)


@LANGS
@SIZES
@pytest.mark.parametrize(
    "steps", [admin_board, admin_breakdown, admin_dashboard], ids=["board", "breakdown", "dashboard"]
)
def test_admin_points(
    lang: str,
    size: tuple[int, int],
    steps: Steps,
    scored: Campaign,
    admin_app: KioskApp,
    snap_compare: SnapCompare,
) -> None:
    set_language(lang)
    assert snap_compare(admin_app(scored), terminal_size=size, run_before=steps)
