"""The secretary makes the term report from the Reports screen: keyboard only, the file lands in the exports
folder and its full path is shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, Select

from campaign import passphrase
from campaign.context import Campaign
from campaign.locations import exports_dir
from tests.tui_admin.conftest import PASSPHRASE, SIZE, log_in, settle, until
from tui.app import ChuangyouApp
from tui.screens.admin.form import FormScreen
from tui.screens.admin.reports import ReportsScreen


async def test_ctrl_t_on_reports_writes_the_term_report_into_the_exports_folder(
    roster: Campaign, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    passphrase.set_passphrase(roster, PASSPHRASE)
    app = admin_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-preset", Select).value = "last-month"
        out = form.query_one("#field-out", Input)
        out.value = "十月报表.xlsx"
        out.focus()
        await pilot.press("enter")
        target = exports_dir(roster.store.root) / "十月报表.xlsx"
        await until(pilot, target.exists, "the report written")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert str(target) in shown
    assert Path(target).stat().st_size > 0
