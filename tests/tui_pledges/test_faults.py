"""A busy store while a pledge screen reads or writes: a calm message on screen, never a crash screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Input

from campaign.context import Campaign
from storage.errors import StoreBusy, StoreWriteFailed
from tui.app import ChuangyouApp
from tui.screens.admin.pledges import PledgesScreen
from tui.screens.kiosk_pledge_mine import KioskPledgeMine
from tui.screens.kiosk_pledge_write import KioskPledgeWrite

from .conftest import SMALL, MakeApp, log_in, screen_text, settle, to_my_pledges


def busy(*_args: object, **_kw: object) -> None:
    raise StoreBusy(Path("/data/store.lock"), 10.0)


async def test_kiosk_store_busy_on_a_pledge_step(
    pledged: Campaign, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001")
        mine = app.screen
        assert isinstance(mine, KioskPledgeMine)
        line = next(x for x in mine.view.lines if x.pledge.state == "published")  # type: ignore[union-attr]
        from tui.screens.kiosk_pledge_detail import KioskPledgeDetail

        app.push_screen(KioskPledgeDetail(mine.member, line.id))
        await settle(pilot)
        app.screen.query_one("#detail-progress", Button).press()
        await settle(pilot)
        write = app.screen
        assert isinstance(write, KioskPledgeWrite)

        def failing(*_args: object, **_kw: object) -> None:
            raise StoreWriteFailed(Path("/data/pledges.json"), OSError(28, "No space left on device"))

        monkeypatch.setattr("tui.screens.kiosk_pledge_write.add_progress", failing)
        write.query_one("#write-input", Input).value = "已家访 3 户"
        write.query_one("#write-save", Button).press()
        await settle(pilot)
        assert app.screen is write and "原有数据完好" in screen_text(app)
        assert app.return_code is None  # still running: no crash screen


async def test_secretary_store_busy_reading_the_queue(
    pledged: Campaign, admin_app: Callable[[Campaign], ChuangyouApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = admin_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await log_in(pilot)
        monkeypatch.setattr("tui.screens.admin.pledges.read_view", busy)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, PledgesScreen)
        assert "数据正被其他程序占用" in screen_text(app) and app.return_code is None
