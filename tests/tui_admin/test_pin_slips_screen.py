"""Issue 8: from the roster, PINs in bulk for members without one and their slips, with the full path said."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from campaign.context import Campaign
from campaign.roster import add_member
from tui.app import ChuangyouApp
from tui.screens.admin.form import FormScreen

from .conftest import SIZE, click_button, log_in, settle


async def test_k_on_the_roster_sets_pins_and_writes_their_slips(
    secured: Campaign, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    add_member(secured, "N001", "欧阳娜娜", "第十八中学")
    notes: list[str] = []
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
    sheet = (Path(secured.store.root) / "exports" / "pin-slips.pdf").resolve()
    assert sheet.is_file()
    assert any(str(sheet) in n for n in notes)
    assert secured.repos.members.get("N001").pin_hash  # type: ignore[union-attr]
