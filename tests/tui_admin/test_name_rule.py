"""The admin roster form applies the one name rule: escape sequences and bidi overrides refused, saying which
character and where; full-width padding removed."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable

from campaign.context import Campaign
from tui.app import ChuangyouApp
from tui.screens.admin.form import FormScreen
from tui.screens.admin.roster import RosterScreen

from .conftest import SIZE, click_button, log_in, settle
from .test_flows import fill, static_text, table_text

MakeApp = Callable[[Campaign], ChuangyouApp]


async def test_the_roster_form_refuses_escape_sequences_and_strips_padding(
    secured: Campaign, admin_app: MakeApp
) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, {"code": "T005", "name": "\x1b]0;pwned\x07赵六", "school": "实验小学", "role": "member"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        problem = static_text(app, "#form-problem")
        assert "第 1 个字符" in problem and "U+001B" in problem
        await fill(pilot, {"name": "赵　六"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert getattr(secured.repos.members.get("T005"), "name", None) == "赵六"

        codes = [r[0] for r in table_text(app, "#roster-table")]
        app.screen.query_one("#roster-table", DataTable).move_cursor(row=codes.index("T005"))
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, {"name": "赵\u202e六"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and "U+202E" in static_text(app, "#form-problem")
    assert getattr(secured.repos.members.get("T005"), "name", None) == "赵六"
