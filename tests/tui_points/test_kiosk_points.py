"""The kiosk's points: the public board from home by keyboard, a member's breakdown after their PIN with their
place highlighted, attract mode (driven by the app's injected clock), and idle / lock-down on these screens."""

from __future__ import annotations

import sys
import types

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from campaign import points
from campaign.context import Campaign
from campaign.points_periods import Period
from campaign.roster import add_member
from storage.records import StudySession
from tests.tui_kiosk.conftest import FakeMonotonic, screen_text, settle
from tui.app import ChuangyouApp
from tui.screens.kiosk_board import KioskBoard
from tui.screens.kiosk_find import KioskFind
from tui.screens.kiosk_home import KioskHome
from tui.screens.kiosk_mine import KioskMine, MyPointsButton
from tui.screens.kiosk_points_pin import KioskPointsFind, KioskPointsPin
from tui.screens.passphrase import PassphraseScreen
from tui.widgets.attract import ATTRACT_AFTER_S, ROTATE_S, AttractPanel
from tui.widgets.board import Board

from .conftest import SMALL, KioskApp


async def open_board(pilot: Pilot[int]) -> None:
    """From home to the board with the keyboard only: Tab to the board button, Enter."""
    await settle(pilot)
    app = pilot.app
    for _ in range(6):
        if isinstance(app.focused, Button) and app.focused.id == "home-board":
            break
        await pilot.press("tab")
    assert isinstance(app.focused, Button) and app.focused.id == "home-board"
    await pilot.press("enter")
    await settle(pilot)


async def to_my_points(pilot: Pilot[int]) -> None:
    """Under a sign-in's result, Tab to 我的积分 (after the pledge nudge's 我的承诺)."""
    for _ in range(4):
        if isinstance(pilot.app.focused, MyPointsButton):
            return
        await pilot.press("tab")
    assert isinstance(pilot.app.focused, MyPointsButton)


def plain(app: ChuangyouApp) -> str:
    return " ".join(screen_text(app).split())


async def test_board_from_home_by_keyboard_names_and_totals_only(scored: Campaign, kiosk_app: KioskApp) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_board(pilot)
        assert isinstance(app.screen, KioskBoard)
        text = plain(app)
        assert "积分榜" in text and "本学期" in text
        # Ranked by the store's own leaderboard, names and totals only: no member codes, no schools.
        board = points.leaderboard(scored, Period.TERM, "member")
        assert [(r.name, r.points) for r in board.rows] == [("王晓明", 7), ("张伟", 3), ("李红", 2), ("王小梅", -6)]
        for rank, name, pts in board.public_rows():
            assert f"{rank}. {name} {pts}" in text
        assert "T001" not in text and "第十八中学" not in text

        await pilot.press("down")  # schools, pooled
        await settle(pilot)
        text = plain(app)
        schools = points.leaderboard(scored, Period.TERM, "school")
        for row in schools.rows:
            assert row.name in text
        assert "王晓明" not in text

        await pilot.press("right")  # this term -> this year
        await settle(pilot)
        assert "本年度" in plain(app)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)


async def test_typing_on_the_board_starts_a_sign_in(scored: Campaign, kiosk_app: KioskApp) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_board(pilot)
        await pilot.press("w", "x", "m")
        await settle(pilot)
        assert isinstance(app.screen, KioskFind)
        assert app.screen.query_one(Input).value == "wxm"


async def sign_in_as_wxm(pilot: Pilot[int], pin: str = "1234") -> None:
    await settle(pilot)
    await pilot.press(*"wxm", "down", "enter")
    await settle(pilot)
    await pilot.press(*pin, "enter")
    await settle(pilot)


async def test_breakdown_after_pin_with_own_place_highlighted(
    scored: Campaign, open_now: StudySession, kiosk_app: KioskApp
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in_as_wxm(pilot)
        assert "签到成功" in plain(app)
        assert app.screen.query(MyPointsButton)
        await to_my_points(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskMine)
        text = plain(app)
        # Today's sign-in counts at once: 4 + 3 + 2.
        mine = points.breakdown(scored, "T001", Period.TERM)
        assert mine.total == 9
        assert "王晓明 的积分" in text and "合计 9 分" in text and "第 1 名（共 4 人）" in text
        for line in mine.lines:
            assert points.rule_label(line.rule) in text
            assert f"{line.points:+d}" in text
        assert "集中学习" in text and "3 条" in text  # three sessions on time, counted
        board = app.screen.query_one(Board)
        assert board.highlight == "T001"
        # The kiosk's result deadline no longer applies: the member reads until they leave.
        assert app.return_home_at is None
        # All time: the same lines here (every record is this term), the period named.
        await pilot.press("right", "right")
        await settle(pilot)
        assert "累计合计 9 分" in plain(app)
        assert points.breakdown(scored, "T001", Period.ALL).total == 9


async def test_no_breakdown_offered_after_a_wrong_pin(
    scored: Campaign, open_now: StudySession, kiosk_app: KioskApp
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in_as_wxm(pilot, pin="9999")
        assert not app.screen.query(MyPointsButton)
        assert "PIN" in plain(app)


async def test_my_points_and_board_go_home_when_idle(
    scored: Campaign, open_now: StudySession, kiosk_app: KioskApp, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in_as_wxm(pilot)
        await to_my_points(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskMine)
        monotonic.advance(scored.settings.idle_timeout_s - 1)
        app.return_home_if_idle()
        assert isinstance(app.screen, KioskMine)
        monotonic.advance(1)
        app.return_home_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        assert "王晓明 的积分" not in plain(app)

        await open_board(pilot)
        assert isinstance(app.screen, KioskBoard)
        monotonic.advance(scored.settings.idle_timeout_s)
        app.return_home_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)


async def test_board_is_locked_down(scored: Campaign, kiosk_app: KioskApp) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_board(pilot)
        for key in ("ctrl+q", "ctrl+c"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, PassphraseScreen), key
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, KioskBoard)
        await app.run_action("app.quit")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, KioskBoard)


async def test_attract_mode_rotates_on_the_injected_clock(
    scored: Campaign, kiosk_app: KioskApp, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttractPanel)
        session = app.screen.query_one("#home-session")
        panel.tick()
        assert panel.showing is None and not panel.display and session.display

        monotonic.advance(ATTRACT_AFTER_S - 1)
        panel.tick()
        assert panel.showing is None

        monotonic.advance(1)
        panel.tick()
        await settle(pilot)
        assert panel.showing == "board" and panel.display and not session.display
        text = plain(app)
        assert "积分榜 · 本学期" in text and "王晓明" in text and "按任意键开始签到" in text

        monotonic.advance(ROTATE_S)
        panel.tick()
        await settle(pilot)
        # The pledge board (campaign.pledge_queries) joins the rotation: board, pledges, next session, board...
        assert panel.showing == "pledges" and panel.display

        monotonic.advance(ROTATE_S)
        panel.tick()
        await settle(pilot)
        assert panel.showing == "session" and session.display and not panel.display

        monotonic.advance(ROTATE_S)
        panel.tick()
        assert panel.showing == "board"


async def test_a_key_during_attract_mode_lands_in_the_search(
    scored: Campaign, kiosk_app: KioskApp, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttractPanel)
        monotonic.advance(ATTRACT_AFTER_S + 1)
        panel.tick()
        await settle(pilot)
        assert panel.showing == "board"
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, KioskFind)
        assert app.screen.query_one(Input).value == "w"
        await pilot.press("x", "m")
        assert app.screen.query_one(Input).value == "wxm"
        # Back home, the input ended attract mode.
        await pilot.press("escape")
        await settle(pilot)
        panel.tick()
        assert panel.showing is None


class FakePledge:
    def __init__(self, category: str, text: str) -> None:
        self.category, self.text = category, text


class FakeLine:
    def __init__(self, name: str, category: str, text: str) -> None:
        self.name, self.pledge = name, FakePledge(category, text)


class FakeQueries(types.ModuleType):
    """Stands in for issue 9's ``campaign.pledge_queries`` (its public board query, by name)."""

    def pledge_board(self, c: Campaign, *, page: int = 0, per_page: int = 8) -> types.SimpleNamespace:
        return types.SimpleNamespace(lines=[FakeLine("王晓明", "service", "每月家访 [bold]3[/] 户")])


async def test_attract_mode_rotates_the_pledge_board_when_there_is_one(
    scored: Campaign, kiosk_app: KioskApp, monotonic: FakeMonotonic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "campaign.pledge_queries", FakeQueries("campaign.pledge_queries"))
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttractPanel)
        monotonic.advance(ATTRACT_AFTER_S)
        panel.tick()
        await settle(pilot)
        assert panel.panels == ("board", "pledges", "session")
        monotonic.advance(ROTATE_S)
        panel.tick()
        await settle(pilot)
        assert panel.showing == "pledges"
        text = plain(app)
        assert "承诺公示" in text and "王晓明 · 服务群众 · 每月家访 [bold]3[/] 户" in text
        monotonic.advance(ROTATE_S)
        panel.tick()
        assert panel.showing == "session"


async def test_names_that_look_like_markup_are_shown_as_typed(scored: Campaign, kiosk_app: KioskApp) -> None:
    evil = "[@click=app.quit]x[/]"
    add_member(scored, "T005", evil, "第十八中学", pin="1234")
    add_member(scored, "T006", "[bold]粗[/bold]" + "长" * 150, "实验小学", pin="1234")
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_board(pilot)
        text = plain(app)
        assert evil in text and "[bold]粗[/bold]长" in text
        await pilot.click(Board, offset=(10, 5))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, KioskBoard)


async def test_typing_under_the_result_starts_the_next_sign_in(
    scored: Campaign, open_now: StudySession, kiosk_app: KioskApp
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await sign_in_as_wxm(pilot)
        await to_my_points(pilot)
        await pilot.press("l", "h")
        await settle(pilot)
        assert isinstance(app.screen, KioskFind)
        assert app.screen.query_one(Input).value == "lh"


async def test_each_attract_round_reads_the_board_again(
    scored: Campaign, kiosk_app: KioskApp, monotonic: FakeMonotonic
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttractPanel)
        monotonic.advance(ATTRACT_AFTER_S)
        panel.tick()
        await settle(pilot)
        assert "1. 王晓明 7" in plain(app) and "3. 李红 2" in plain(app)
        points.adjust_points(scored, "T002", 6, "支教")  # 李红: 2 + 6 = 8, now first
        monotonic.advance(ROTATE_S)
        panel.tick()  # the pledge board
        monotonic.advance(ROTATE_S)
        panel.tick()  # the next study session
        monotonic.advance(ROTATE_S)
        panel.tick()  # the board again, read afresh
        await settle(pilot)
        assert panel.showing == "board"
        assert "1. 李红 8" in plain(app)


async def test_my_points_from_the_board_with_a_pin_and_no_sign_in(
    scored: Campaign, open_now: StudySession, kiosk_app: KioskApp
) -> None:
    app = kiosk_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_board(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPointsFind)
        assert "查看我的积分" in plain(app)
        await pilot.press(*"wxm", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPointsPin)
        await pilot.press(*"9999", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPointsPin)
        assert "PIN 不正确，还可以再试 4 次" in plain(app)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskMine) and app.screen.member.code == "T001"
        assert "合计 7 分" in plain(app)
        # Seeing one's points signs nobody in.
        assert scored.repos.attendance.get(open_now.id, "T001") is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
