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
