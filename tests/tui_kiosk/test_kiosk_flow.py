"""The kiosk end to end in a headless terminal: search -> PIN -> result -> home, and every way it can go wrong.

Each test asserts on what the screen shows and on what the store holds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.widgets import Input

from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.roster import add_member, add_school
from storage.records import AttendanceStatus, SignInMethod, StudySession
from tests.conftest import NOW
from tui.app import ChuangyouApp
from tui.screens.kiosk_find import KioskFind
from tui.screens.kiosk_home import KioskHome
from tui.screens.kiosk_pin import KioskPin
from tui.text import fit
from tui.widgets.member_list import NAME_WIDTH, MemberList
from tui.widgets.result_box import ResultBox

from .conftest import SIZE, FakeMonotonic, MakeApp, result_shown, screen_text, settle


async def find_and_pick(pilot: object, typed: str, downs: int = 0) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press(*typed)
    await pilot.press(*(["down"] * downs), "enter")
    await settle(pilot)


async def test_wxm_pin_result_then_home_by_itself(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        home = screen_text(app)
        assert "正在签到" in home and "学习贯彻党的二十届四中全会精神" in home and "已签到0人" in home.replace(" ", "")

        await pilot.press("w", "x", "m")
        assert isinstance(app.screen, KioskFind)
        shown = screen_text(app)
        assert "王晓明" in shown and "王小梅" in shown and "张伟" not in shown
        assert "找到 2 人" in shown

        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPin)
        assert "王晓明" in screen_text(app) and "请输入 PIN" in screen_text(app)

        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert result_shown(app)
        result = screen_text(app)
        assert "签到成功" in result and "王晓明" in result and "签到时间 07:50" in result

        record = roster.repos.attendance.get(open_session.id, "T001")
        assert record is not None and record.status is AttendanceStatus.ON_TIME
        assert record.how is SignInMethod.KIOSK

        # Back home by itself after the result time, not before.
        monotonic.advance(app.result_s - 0.1)
        app.return_home_if_idle()
        assert result_shown(app)
        monotonic.advance(0.1)
        app.return_home_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        assert "已签到1人" in screen_text(app).replace(" ", "")


async def test_late_sign_in_says_how_many_minutes(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, clock: FixedClock
) -> None:
    clock.set(NOW.replace(hour=8, minute=12))
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "zhangwei")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "签到成功 · 迟到" in text and "迟到 12 分钟" in text
    record = roster.repos.attendance.get(open_session.id, "T003")
    assert record is not None and record.status is AttendanceStatus.LATE and record.minutes_late == 12


async def test_badge_scan_goes_straight_to_pin_and_records_a_scan(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The fake monotonic clock does not move: every key arrives "at once", as from a scanner.
        await pilot.press(*"T003", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPin) and app.screen.member.code == "T003"
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "签到成功" in screen_text(app)
    record = roster.repos.attendance.get(open_session.id, "T003")
    assert record is not None and record.how is SignInMethod.SCAN


async def test_code_typed_slowly_is_a_kiosk_sign_in(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for ch in "t002":
            monotonic.advance(0.3)
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPin) and app.screen.member.code == "T002"
        await pilot.press(*"1234", "enter")
        await settle(pilot)
    record = roster.repos.attendance.get(open_session.id, "T002")
    assert record is not None and record.how is SignInMethod.KIOSK


async def test_unknown_code_is_not_on_the_roster(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"X999")
        assert "没有找到“X999”" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert result_shown(app)
        text = screen_text(app)
        assert "未能签到" in text and "名单中没有编号 X999" in text
    assert roster.repos.attendance.for_session(open_session.id) == []


async def test_five_wrong_pins_lock_that_member_only(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "T001")
        for left in (4, 3, 2, 1):
            await pilot.press(*"9999", "enter")
            await settle(pilot)
            assert isinstance(app.screen, KioskPin)
            assert f"PIN 不正确，还可以再试 {left} 次" in screen_text(app)
            assert app.screen.query_one(Input).value == ""
        await pilot.press(*"9999", "enter")
        await settle(pilot)
        assert result_shown(app)
        text = screen_text(app)
        assert "签到已锁定" in text and "07:50:30 之后可再试" in text and "请联系支部书记" in text

        # Coming back with the right PIN: still locked, and said before any PIN is asked.
        app.go_home()
        await find_and_pick(pilot, "T001")
        assert result_shown(app) and "签到已锁定" in screen_text(app)

        # Another member is not affected.
        app.go_home()
        await find_and_pick(pilot, "T002")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "签到成功" in screen_text(app)
    assert roster.repos.attendance.get(open_session.id, "T001") is None
    assert roster.repos.attendance.get(open_session.id, "T002") is not None


async def test_sign_in_before_the_window_opens(roster: Campaign, make_app: MakeApp, clock: FixedClock) -> None:
    from .conftest import session_at

    session = session_at(roster, NOW.replace(hour=9, minute=0))  # opens 08:30; now 07:50
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = screen_text(app)
        assert "下一次学习会" in home and "08:30 开始签到" in home
        await find_and_pick(pilot, "T001")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "签到尚未开始，08:30 开放" in screen_text(app)
    assert roster.repos.attendance.for_session(session.id) == []


async def test_sign_in_after_close(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, clock: FixedClock
) -> None:
    clock.set(NOW.replace(hour=10, minute=1))  # ended 09:30, closed 10:00
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "T001")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "的签到已结束" in screen_text(app)
    assert roster.repos.attendance.for_session(open_session.id) == []


async def test_no_session_at_all(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "暂无安排的学习会" in screen_text(app)
        await find_and_pick(pilot, "T001")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "现在没有开放签到的学习会" in screen_text(app)


async def test_double_sign_in_says_when(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, clock: FixedClock
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "T002")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        app.go_home()
        clock.advance(minutes=12)
        await find_and_pick(pilot, "T002")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "已经签过到了" in text and "李红 已于 07:50 签到" in text
    records = roster.repos.attendance.for_session(open_session.id)
    assert [(r.member, r.at) for r in records] == [("T002", NOW)]


MARKUP_NAMES = {
    "M001": "[bold]x[/]",
    "M002": "[@click=app.quit]点我[/]",
    "M003": "[/",
    "M004": "[link=http://x]王[/link]",
    "M005": "\x1b[2J清屏",
}


async def test_markup_in_names_is_shown_literally_and_clicks_do_nothing(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    for code, name in MARKUP_NAMES.items():
        if "\x1b" in name:  # refused by the name rule today; a store from before it may still hold one
            from dataclasses import replace

            from campaign.roster import new_member

            with roster.store.transaction():
                roster.repos.members.add(replace(new_member(code, "清屏", "实验小学", pin="1234"), name=name))
            continue
        add_member(roster, code, name, "实验小学", pin="1234")
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m", "0", "0")
        text = screen_text(app)
        for name in MARKUP_NAMES.values():
            assert name.replace("\x1b", "") in text
        assert "\x1b" not in text  # an escape sequence in a name never reaches the terminal
        results = app.screen.query_one(MemberList)
        assert len(results.members) == len(MARKUP_NAMES)
        # Click every result row: none may run an injected action (quit) or crash; each opens the PIN step.
        for row in range(len(MARKUP_NAMES)):
            await pilot.click(MemberList, offset=(3, row + 1))
            await settle(pilot)
            assert app.is_running and app.return_code is None
            assert isinstance(app.screen, KioskPin)
            await pilot.click("#pin-name", offset=(2, 0))
            await settle(pilot)
            assert app.is_running and app.screen.member.name.replace("\x1b", "") in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
        # Sign in the one whose name is an injected quit action, and see the name on the result screen.
        app.go_home()
        await find_and_pick(pilot, "M002")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "[@click=app.quit]点我[/]" in screen_text(app)
        await pilot.click(ResultBox, offset=(36, 3))
        await settle(pilot)
        assert app.is_running and app.return_code is None
    assert roster.repos.attendance.get(open_session.id, "M002") is not None


async def test_a_200_character_name(roster: Campaign, open_session: StudySession, make_app: MakeApp) -> None:
    long_name = ("王晓明" * 67)[:199] + "末"
    assert len(long_name) == 200
    add_member(roster, "L200", long_name, "实验小学", pin="1234")
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"L200")
        shown_in_list = fit(long_name, NAME_WIDTH)
        assert shown_in_list.endswith("…") and shown_in_list in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPin)
        # Whole, wrapped over lines inside the box: join the lines back without the box's edges.
        shown = "".join(line.strip(" █") for line in screen_text(app).splitlines())
        assert long_name in shown
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "签到成功" in screen_text(app)
    assert roster.repos.attendance.get(open_session.id, "L200") is not None


async def test_empty_roster(campaign: Campaign, make_app: MakeApp) -> None:
    app = make_app(campaign)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "暂无安排的学习会" in screen_text(app)
        await pilot.press(*"wxm")
        assert "没有找到“wxm”" in screen_text(app)
        assert app.screen.query_one(MemberList).members == []
        await pilot.press("enter")
        await settle(pilot)
        assert result_shown(app) and "名单中没有编号 wxm" in screen_text(app)


async def test_inactive_member_cannot_be_found(roster: Campaign, open_session: StudySession, make_app: MakeApp) -> None:
    from campaign.roster import edit_member

    edit_member(roster, "T003", active=False)
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"T003", "enter")
        await settle(pilot)
        assert "编号 T003（张伟）已停用" in screen_text(app)  # told they are inactive, not "no member"


async def test_without_pins_picking_yourself_signs_you_in(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    with roster.store.transaction():
        roster.repos.settings.put(replace(roster.settings, require_pin=False))
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "lihong")
        assert result_shown(app) and "签到成功" in screen_text(app)
    assert roster.repos.attendance.get(open_session.id, "T002") is not None


async def test_member_without_a_pin_is_told_to_ask(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    add_school(roster, "城关中学")
    add_member(roster, "N001", "赵新", "城关中学")
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "N001")
        assert result_shown(app) and "还没有设置 PIN" in screen_text(app)


async def test_results_update_as_you_type(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        results = app.screen.query_one(MemberList)
        assert [m.code for m in results.members] == ["T004", "T001"]  # 王小梅, 王晓明
        await pilot.press("a", "n", "g", "x", "i", "a", "o", "m", "i", "n")
        assert [m.code for m in results.members] == ["T001"]
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        assert len(results.members) == 2
        await pilot.press("down")
        assert results.chosen is not None and results.chosen.code == "T001"
        for _ in range(12):
            await pilot.press("backspace")
        assert results.members == [] and "请输入姓名拼音首字母" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, KioskHome)


async def test_search_by_characters(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(KioskFind("张"))
        await settle(pilot)
        assert [m.code for m in app.screen.query_one(MemberList).members] == ["T003"]


async def test_roster_changes_show_after_coming_home(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        add_member(roster, "T009", "周新", "实验小学", pin="1234")
        app.go_home()
        await settle(pilot)
        await pilot.press(*"zx")
        assert "周新" in screen_text(app)


async def test_future_session_shows_its_day(roster: Campaign, make_app: MakeApp) -> None:
    from .conftest import session_at

    session_at(roster, NOW.replace(hour=14, minute=0) + timedelta(days=3), title="党课")
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "下一次学习会" in text and "党课" in text and "2026年11月30日 星期一 14:00–15:30" in text


async def test_a_scan_typed_faster_than_screens_change_loses_no_character(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    from textual import events

    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        for ch in "T003":  # all queued on home before the search screen exists, as a scanner does it
            home.post_message(events.Key(ch, ch))
        await settle(pilot)
        assert isinstance(app.screen, KioskFind) and app.screen.query_one(Input).value == "T003"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPin) and app.screen.member.code == "T003"


async def test_next_person_typing_on_a_result_starts_their_search(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await find_and_pick(pilot, "T001")
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert result_shown(app)
        await pilot.press(*"lh")
        await settle(pilot)
        assert isinstance(app.screen, KioskFind) and app.screen.query_one(Input).value == "lh"
        assert "李红" in screen_text(app)


async def test_the_first_screen_shows_the_session_and_then_lets_the_backup_start(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    """The home screen's first paint has the open session (read before painting), and the app says when its first
    screen is up and searchable: the daily backup waits for that (tui/cli/cmd_app.py)."""
    told: list[bool] = []
    holder: list[ChuangyouApp] = []
    app = make_app(roster, on_first_screen=lambda: told.append(holder[0].roster is not None))
    holder.append(app)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, KioskHome) and home.view is not None and home.view.session == open_session
        await settle(pilot)
        assert told == [True]  # once, with the roster loaded
        await pilot.press("w")  # a visitor starts a search, then goes home: the home reloads, nobody is told again
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskHome) and told == [True]
