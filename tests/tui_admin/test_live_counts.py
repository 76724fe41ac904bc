"""Issue 8: live attendance counts add up (已到 = 准时 + 迟到 + 补签), rows keep the roster's order, the latest
arrivals are named above the table."""

from __future__ import annotations

from collections.abc import Callable

from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.signin import sign_in
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp
from tui.screens.admin.live import load_view

from .conftest import SIZE, log_in, settle


def test_rows_follow_the_roster_order_whatever_their_status(secured: Campaign, clock: FixedClock) -> None:
    c = secured
    s = ss.create_session(c, "学习", ss.parse_local(c, "2026-11-27 08:00"), ss.parse_local(c, "2026-11-27 09:30"))
    before = [r.code for r in load_view(c, s.id).rows]
    sign_in(c, s.id, "T004", "1234")
    after = load_view(c, s.id)
    assert [r.code for r in after.rows] == before
    assert after.recent and after.recent[0].startswith("王小梅")


async def test_counts_add_up_and_late_ones_are_not_counted_twice(
    secured: Campaign, clock: FixedClock, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    c = secured
    s = ss.create_session(c, "学习", ss.parse_local(c, "2026-11-27 08:00"), ss.parse_local(c, "2026-11-27 09:30"))
    sign_in(c, s.id, "T001", "1234")
    clock.advance(minutes=17)
    sign_in(c, s.id, "T002", "1234")
    ss.excuse(c, s.id, "T003", "外出培训")
    app = admin_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("l")
        await settle(pilot)
        text = screen_text(app)
        assert "已到 2（准时 1 · 迟到 1 · 补签 0）" in text
        assert "请假 1" in text and "未到 1" in text and "共 4" in text
        assert "最近签到：李红 08:07、王晓明 07:50" in text
