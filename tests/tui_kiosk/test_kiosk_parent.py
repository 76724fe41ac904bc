"""The kiosk's parent-feedback screen, and screens that leave the home screen as they found it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input

from campaign import feedback, study_sessions
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from storage.records import FeedbackOption, StudySession
from tests.conftest import NOW
from tui.app import ChuangyouApp

from .conftest import SIZE, MakeApp, screen_text, settle


def slip(c: Campaign, member: str = "T001") -> str:
    return feedback.issue_batch(c, member, 1, class_label="初二（3）班").codes[0]


def answers(c: Campaign) -> list[tuple[FeedbackOption, str]]:
    return [(a.option, a.comment) for a in c.repos.feedback.between()]


def picture(app: ChuangyouApp) -> str:
    """The screen as an SVG, without the id that differs between two exports of the same picture."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


def ids_on(app: ChuangyouApp) -> set[str]:
    return {w.id for w in app.screen.query("*") if w.id}


async def open_parent_screen(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#feedback", Button).press()
    await settle(pilot)


async def test_visiting_every_kiosk_screen_leaves_home_unchanged(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen: dict[str, set[str]] = {}
        # A sign-in to its result, and home again (first: it changes the count on the home screen).
        await pilot.press(*"wxm", "down", "enter")
        await settle(pilot)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        seen["result"] = ids_on(app)
        app.go_home()
        await settle(pilot)
        home = picture(app)
        home_ids = ids_on(app)
        # The search, the PIN step, back, back.
        await pilot.press(*"wxm")
        await settle(pilot)
        seen["find"] = ids_on(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        seen["pin"] = ids_on(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # Parent feedback (Tab, Enter, Esc: the way the issue found the leak).
        await pilot.press("tab", "enter")
        await settle(pilot)
        seen["feedback"] = ids_on(app)
        await pilot.press("escape")
        await settle(pilot)
        # The secretary's passphrase prompt (ctrl+q), cancelled.
        await pilot.press("ctrl+q")
        await settle(pilot)
        seen["passphrase"] = ids_on(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "KioskHome"
        after = picture(app)
        if after != home:
            import difflib

            print("\n".join(difflib.unified_diff(home.splitlines(), after.splitlines(), lineterm="")))
        assert after == home
        for name, ids in seen.items():
            assert not (ids & home_ids), f"the {name} screen reuses the home screen's ids {ids & home_ids}"


async def test_a_typed_comment_then_tab_enter_records_nothing_and_keeps_the_comment(
    roster: Campaign, make_app: MakeApp
) -> None:
    code = slip(roster)
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await open_parent_screen(pilot)
        await pilot.press(*code, "enter")
        await settle(pilot)
        assert "王晓明" in screen_text(app)
        # The parent types a comment (the keys go to the comment box), then Tab, Enter.
        await pilot.press(*"teacher is kind", "tab", "enter")
        await settle(pilot)
        assert answers(roster) == []
        assert app.screen.query_one("#feedback-comment", Input).value == "teacher is kind"
        assert "请先选择" in screen_text(app)
        # A deliberate choice, then send: stored with the comment.
        app.screen.query_one("#option-unsatisfied", Button).press()
        await settle(pilot)
        assert answers(roster) == []
        app.screen.query_one("#feedback-send", Button).press()
        await settle(pilot)
        assert answers(roster) == [(FeedbackOption.UNSATISFIED, "teacher is kind")]


async def test_keys_sent_in_one_burst_with_tab_land_in_the_right_field(roster: Campaign, make_app: MakeApp) -> None:
    code = slip(roster)
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await open_parent_screen(pilot)
        # A paste or a scanner: the code, Tab, the comment, all at once (no pause for the slip to open).
        await pilot.press(*code, "tab", *"good")
        await settle(pilot)
        assert app.screen.query_one("#slip-code", Input).value == code
        assert app.screen.query_one("#feedback-comment", Input).value == "good"
        assert "王晓明" in screen_text(app)


async def test_a_session_closed_or_created_elsewhere_shows_at_the_next_poll(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, clock: FixedClock
) -> None:
    from tui.screens import kiosk_home

    # "Within 2 s, as live attendance": the home screen looks at the store twice a second.
    assert kiosk_home.POLL_S <= 1.0
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "学习贯彻" in screen_text(app)
        # The secretary closes it from another process (its own campaign on the same data directory).
        other = open_campaign(roster.store.root, actor="secretary", clock=clock)
        study_sessions.close_session(other, open_session.id, confirmed=True)
        home = app.screen
        assert isinstance(home, kiosk_home.KioskHome)
        home.poll_store()
        await settle(pilot)
        assert "学习贯彻" not in screen_text(app)
        # And a new one, created there, appears here.
        start = NOW.replace(hour=9, minute=0)
        study_sessions.create_session(other, "党课：新党章", start, start + timedelta(hours=1))
        home.poll_store()
        await settle(pilot)
        assert "党课：新党章" in screen_text(app)


async def test_the_kiosk_and_the_web_form_share_one_comment_limit(roster: Campaign, make_app: MakeApp) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await open_parent_screen(pilot)
        assert app.screen.query_one("#feedback-comment", Input).max_length == feedback.MAX_COMMENT
