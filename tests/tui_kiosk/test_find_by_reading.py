"""At the kiosk, 曾桂英 is found by zgy (her name's reading) and still by cgy; 欧阳娜娜 by oynn."""

from __future__ import annotations

from campaign.context import Campaign
from campaign.roster import add_member
from storage.records import StudySession

from .conftest import SIZE, MakeApp, screen_text, settle


async def test_surnames_read_as_in_names_are_found(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    add_member(roster, "Z001", "曾桂英", "实验小学", pin="1234")
    add_member(roster, "Z002", "单田芳", "实验小学", pin="1234")
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for typed, name in (("zgy", "曾桂英"), ("cgy", "曾桂英"), ("shantian", "单田芳")):
            await pilot.press(*typed)
            await settle(pilot)
            assert name in screen_text(app), typed
            app.go_home()
            await settle(pilot)


async def test_a_deactivated_members_badge_says_they_are_inactive(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    from campaign.roster import edit_member

    edit_member(roster, "T003", active=False)
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"T003", "enter")  # the badge scanner types the code and Enter
        await settle(pilot)
        text = screen_text(app)
        assert "已停用" in text and "张伟" in text
        assert "名单中没有编号" not in text
        app.go_home()
        await settle(pilot)
        await pilot.press(*"T999", "enter")
        await settle(pilot)
        assert "名单中没有编号 T999" in screen_text(app)
