"""Kiosk lock-down (no way out without the passphrase), idle return home at T, language, parent feedback."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.command import CommandPalette
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from campaign import feedback, passphrase
from campaign.context import Campaign
from storage.records import StudySession
from tui.app import ChuangyouApp
from tui.screens.kiosk_find import KioskFind
from tui.screens.kiosk_home import KioskHome
from tui.screens.kiosk_pin import KioskPin
from tui.screens.passphrase import PassphraseScreen

from .conftest import SIZE, FakeMonotonic, MakeApp, result_shown, screen_text, settle

SECRET = "secretary-pass"


def still_running(app: ChuangyouApp) -> bool:
    return app.is_running and app.return_code is None


async def test_every_escape_key_asks_for_the_passphrase(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("ctrl+q", "ctrl+c", "ctrl+z"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, PassphraseScreen), key
            assert "退出签到机需要支部书记口令" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, KioskHome) and still_running(app)
        # The same keys while someone is typing their name, or their PIN.
        await pilot.press(*"wxm")
        await pilot.press("ctrl+c")
        assert isinstance(app.screen, PassphraseScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, KioskFind) and still_running(app)


async def test_palette_and_injected_actions_are_refused(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        for action in (
            "app.quit",
            "quit",
            "app.suspend_process",
            "app.command_palette",
            "app.screenshot",
            "app.change_theme",
            "app.switch_mode('x')",
            "app.pop_screen",
        ):
            await app.run_action(action)
            await settle(pilot)
            assert still_running(app), action
            assert isinstance(app.screen, KioskHome), action
        # Defence in depth: even a widget that did parse markup cannot click its way out.
        injected = Static(Content.from_markup("[@click=app.quit]QUIT[/] [@click=app.suspend_process]Z[/]"), id="evil")
        await app.screen.query_one("#home", Vertical).mount(injected)
        await pilot.click("#evil", offset=(1, 0))
        await pilot.click("#evil", offset=(6, 0))
        await settle(pilot)
        assert still_running(app)


async def test_right_passphrase_leaves_the_kiosk(roster: Campaign, make_app: MakeApp) -> None:
    passphrase.set_passphrase(roster, SECRET)
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press(*"wrong-one", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PassphraseScreen) and "口令不正确" in screen_text(app)
        assert app.screen.query_one(Input).value == ""
        await pilot.press(*SECRET, "enter")
        await settle(pilot)
    assert app.return_code == 0 and app.unlocked


async def test_passphrase_not_set_says_how_to_set_it(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.press(*"anything-at-all", "enter")
        await settle(pilot)
        assert "还没有设置支部书记口令" in screen_text(app) and still_running(app)


async def test_passphrase_lockout_is_shown(roster: Campaign, make_app: MakeApp) -> None:
    passphrase.set_passphrase(roster, SECRET)
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        for _ in range(5):
            await pilot.press(*"nope-nope", "enter")
            await settle(pilot)
        assert "口令错误次数过多" in screen_text(app) or "locked" in screen_text(app)
        await pilot.press(*SECRET, "enter")
        await settle(pilot)
        assert still_running(app)


async def test_idle_returns_home_at_t_and_forgets(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster)
    timeout = app.settings.idle_timeout_s
    assert timeout == 60
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"T001", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPin)
        await pilot.press("1", "2")
        monotonic.advance(timeout - 0.01)
        app.return_home_if_idle()
        assert isinstance(app.screen, KioskPin)
        # A key press restarts the idle time.
        await pilot.press("3")
        monotonic.advance(timeout - 0.01)
        app.return_home_if_idle()
        assert isinstance(app.screen, KioskPin)
        monotonic.advance(0.01)
        app.return_home_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        assert len(app.screen_stack) == 2
        # Nobody is remembered: a new search starts empty.
        await pilot.press("enter")
        assert isinstance(app.screen, KioskFind) and app.screen.query_one(Input).value == ""
    assert roster.repos.attendance.for_session(open_session.id) == []


async def test_idle_check_runs_by_itself_on_a_short_interval(
    roster: Campaign, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster, idle_check_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"wxm")
        await pilot.press("ctrl+q")  # even the passphrase dialog goes away
        assert isinstance(app.screen, PassphraseScreen)
        monotonic.advance(app.settings.idle_timeout_s)
        for _ in range(50):
            if isinstance(app.screen, KioskHome):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, KioskHome)


async def test_result_screen_goes_home_on_enter(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"T001", "enter")
        await settle(pilot)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert result_shown(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)


async def test_english_kiosk(roster: Campaign, open_session: StudySession, make_app: MakeApp) -> None:
    from campaign.i18n import set_language

    set_language("en")
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = screen_text(app)
        assert "Sign-in open" in home and "Sign in" in home and "Friday 2026-11-27" in home
        await pilot.press(*"wxm")
        assert "2 found" in screen_text(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press(*"9999", "enter")
        await settle(pilot)
        assert "Wrong PIN. 4 tries left." in screen_text(app)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert "Signed in, on time." in screen_text(app)


async def test_visitor_switches_language_and_idle_switches_back(
    roster: Campaign, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#language")
        await settle(pilot)
        assert "Sign in" in screen_text(app) and "中文" in screen_text(app)
        await pilot.press(*"wxm")
        assert "2 found" in screen_text(app)
        monotonic.advance(app.settings.idle_timeout_s)
        app.return_home_if_idle()
        await settle(pilot)
        assert "签  到" in screen_text(app) and "English" in screen_text(app)


async def test_parent_feedback_at_the_kiosk(roster: Campaign, make_app: MakeApp) -> None:
    batch = feedback.issue_batch(roster, "T001", 2, class_label="三年级二班")
    code = batch.codes[0]
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#feedback")
        await settle(pilot)
        await pilot.press(*"NOT-A-CODE", "enter")
        await settle(pilot)
        assert "这个评议卡编码无效" in screen_text(app)
        field = app.screen.query_one("#slip-code", Input)
        field.value = feedback.display_code(code)
        await pilot.press("enter")
        await settle(pilot)
        assert "评价：王晓明（三年级二班）" in screen_text(app)
        app.screen.query_one("#feedback-comment", Input).value = "[@click=app.quit]很好[/]"
        await pilot.click("#option-satisfied")
        await settle(pilot)
        await pilot.click("#feedback-send")
        await settle(pilot)
        assert result_shown(app) and "谢谢您的评价" in screen_text(app)
    answers = list(roster.repos.feedback.between())
    assert [(a.member, a.option.value, a.comment) for a in answers] == [
        ("T001", "satisfied", "[@click=app.quit]很好[/]")
    ]
    token = roster.repos.tokens.get(code)
    assert token is not None and token.used_at is not None


async def test_admin_mode_is_not_locked_down(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster, "admin")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.locked_down and app.use_command_palette
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_language_switched_at_home_comes_back_after_idle(
    roster: Campaign, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#language")
        await settle(pilot)
        assert "Sign in" in screen_text(app)
        monotonic.advance(app.settings.idle_timeout_s)
        app.return_home_if_idle()
        await settle(pilot)
        assert "签  到" in screen_text(app)


def test_language_order_cli_then_env_then_setting(monkeypatch: pytest.MonkeyPatch, roster: Campaign) -> None:
    from campaign.i18n import language
    from tui.app import choose_language

    english = replace(roster.settings, language="en")
    assert choose_language(None, roster.settings) == "zh_CN"
    assert choose_language(None, english) == "en"
    monkeypatch.setenv("CHUANGYOU_LANG", "zh_CN.UTF-8")
    assert choose_language(None, english) == "zh_CN"
    assert choose_language("en", roster.settings) == "en" and language() == "en"
