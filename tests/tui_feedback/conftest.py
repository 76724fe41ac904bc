"""The secretary's parent-feedback screens under Pilot: a logged-in admin app, slips, and answers on given days."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, time

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from campaign import feedback, passphrase
from campaign.clock import FixedClock
from campaign.context import Campaign
from storage.records import FeedbackOption
from tui.app import ChuangyouApp

PASSPHRASE = "correct horse battery"
PUBLIC_URL = "http://192.168.1.20:8080"
SIZE = (110, 32)
MakeApp = Callable[[Campaign], ChuangyouApp]


async def settle(pilot: Pilot[int]) -> None:
    """Wait until every worker is done and every message it posted is handled (store calls run in threads)."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_feedback(pilot: Pilot[int]) -> None:
    """Log in as the secretary, then open 家长评价 from the home menu."""
    await settle(pilot)
    # Typed at once (key by key costs seconds under Pilot; the passphrase screen has its own tests).
    pilot.app.screen.query_one(Input).value = PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)


@pytest.fixture
def secretary(roster: Campaign) -> Campaign:
    """The test roster with the secretary's passphrase, acting as the secretary; ``public_url`` not set."""
    passphrase.set_passphrase(roster, PASSPHRASE)
    roster.actor = "secretary"
    return roster


@pytest.fixture
def lan(secretary: Campaign) -> Campaign:
    """As :func:`secretary`, with the feedback server's LAN address set (slips point there)."""
    with secretary.store.transaction():
        secretary.repos.settings.put(replace(secretary.settings, public_url=PUBLIC_URL))
    return secretary


@pytest.fixture
def make_app() -> MakeApp:
    def make(c: Campaign) -> ChuangyouApp:
        return ChuangyouApp(c, "admin", cursor_blink=False)

    return make


Answer = tuple[FeedbackOption, str]


def answer_on(c: Campaign, clock: FixedClock, day: date, member: str, answers: Iterable[Answer]) -> None:
    """Parents answer slips for ``member`` on ``day`` (a batch issued that morning); the clock is put back after."""
    answers = list(answers)
    before = clock.now()
    clock.set(datetime.combine(day, time(9, 0), tzinfo=before.tzinfo))
    try:
        issued = feedback.issue_batch(c, member, len(answers), expires=date(2027, 12, 31))
        requests = [feedback.AnswerRequest(k, o, text) for k, (o, text) in zip(issued.codes, answers, strict=True)]
        assert feedback.answer_many(c, requests) == [None] * len(requests)
    finally:
        clock.set(before)


S, B, U, K = (
    FeedbackOption.SATISFIED,
    FeedbackOption.BASICALLY,
    FeedbackOption.UNSATISFIED,
    FeedbackOption.UNKNOWN,
)


@pytest.fixture
def answered(secretary: Campaign, clock: FixedClock) -> Campaign:
    """Answers in this term (autumn 2026) for three teachers, and older ones (spring 2026) for 王晓明.

    This term: 王晓明 3 满意, 1 基本满意, 1 不满意, 1 不了解; 李红 2 满意; 张伟 1 不满意, 1 不了解.
    Spring term: 王晓明 2 不满意. Last year: 李红 1 基本满意.
    """
    c = secretary
    answer_on(c, clock, date(2026, 11, 20), "T001", [(S, "讲课认真"), (S, ""), (B, ""), (U, "作业太多"), (K, "")])
    answer_on(c, clock, date(2026, 11, 26), "T001", [(S, "")])
    answer_on(c, clock, date(2026, 10, 9), "T002", [(S, "耐心"), (S, "")])
    answer_on(c, clock, date(2026, 9, 15), "T003", [(U, ""), (K, "")])
    answer_on(c, clock, date(2026, 5, 12), "T001", [(U, "上学期的意见"), (U, "")])
    answer_on(c, clock, date(2025, 12, 10), "T002", [(B, "")])
    return c
