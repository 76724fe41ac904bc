"""A busy store while a points screen loads: a calm message on the screen, never Textual's crash screen (which
prints local variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from campaign import points
from campaign.context import Campaign
from storage.errors import StoreBusy
from tests.tui_admin.conftest import log_in, settle
from tests.tui_kiosk.conftest import screen_text
from tui.screens.admin.points_board import PointsBoardScreen
from tui.screens.admin.points_dashboard import DashboardScreen
from tui.screens.kiosk_board import KioskBoard

from .conftest import SMALL, KioskApp
from .test_kiosk_points import open_board


def busy(*args: Any, **kwargs: Any) -> Any:
    raise StoreBusy(Path("/data/.lock"), 5)


async def test_kiosk_board_with_a_busy_store(
    scored: Campaign, kiosk_app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(points, "leaderboard", busy)
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_board(pilot)
        assert isinstance(app.screen, KioskBoard) and app.is_running
        assert "请稍后再试" in screen_text(app)


async def test_admin_board_and_dashboard_with_a_busy_store(
    scored: Campaign, admin_app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = admin_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await log_in(pilot)
        monkeypatch.setattr(points, "leaderboard", busy)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, PointsBoardScreen) and app.is_running
        assert "请稍后再试" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.is_running
        assert "请稍后再试" in screen_text(app)
