"""Pledge screens under Pilot: a roster with pledges in every state, the kiosk and the secretary's app.

The kiosk's and the secretary's fixtures and helpers are reused from their own test folders.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from campaign import pledges as P
from campaign.context import Campaign
from campaign.pledge_ratings import open_window
from storage.records import Pledge
from tests.tui_admin.conftest import PASSPHRASE, admin_app, log_in, secured  # noqa: F401 - fixtures
from tests.tui_kiosk.conftest import (  # noqa: F401 - fixtures
    FakeMonotonic,
    MakeApp,
    make_app,
    monotonic,
    open_session,
    screen_text,
    settle,
)

__all__ = ["PASSPHRASE", "FakeMonotonic", "MakeApp", "log_in", "screen_text", "settle"]

#: Every kiosk pledge test runs at an SSH window's size (80×24) unless it says otherwise.
SMALL = (80, 24)
LARGE = (220, 60)
MARKUP = "[bold]粗体[/] [@click=app.quit]x[/] <script>alert(1)</script>"
DUE = date(2026, 12, 31)


def pledge(c: Campaign, code: str, category: str, text: str, target: str = "4 户/月", due: date = DUE) -> Pledge:
    return P.create_pledge(c, P.as_member(code), code, category, text, target, due)


def submitted(c: Campaign, code: str, category: str, text: str, **kw: object) -> Pledge:
    p = pledge(c, code, category, text, **kw)  # type: ignore[arg-type]
    return P.submit_pledge(c, P.as_member(code), p.id)


def published(c: Campaign, code: str, category: str, text: str, **kw: object) -> Pledge:
    p = submitted(c, code, category, text, **kw)
    return P.publish_pledge(c, p.id)


def fulfilled(c: Campaign, code: str, category: str, text: str, evidence: str = "全年家访 12 户") -> Pledge:
    p = published(c, code, category, text)
    return P.fulfil_pledge(c, P.as_member(code), p.id, evidence)


@pytest.fixture
def pledged(secured: Campaign) -> Campaign:  # noqa: F811 - the fixture imported above
    """The roster (passphrase set) with pledges: two to review, several on the board, two to evaluate, one
    with markup in its text, and the peer-rating window open."""
    c = secured
    submitted(c, "T001", "service", "每月家访不少于 4 户")
    submitted(c, "T003", "integrity", MARKUP)
    published(c, "T002", "study", "本学期读完 3 本教育专著并写读书笔记", target="3 本")
    published(c, "T004", "achievement", "每周为学困生辅导 2 次", target="2 次/周")
    published(c, "T001", "discipline", "全勤参加支部学习", target="缺勤 0 次")
    f = fulfilled(c, "T002", "service", "每月到社区服务 1 次")
    P.self_assess(c, P.as_member("T002"), f.id, "good", "基本做到")
    fulfilled(c, "T004", "study", "读完《给教师的建议》")
    open_window(c)
    return c


async def to_my_pledges(pilot: Pilot[int], code: str = "T001", pin: str = "1234") -> None:
    """From the kiosk home: the board, "my pledges", find by code, PIN."""
    from tui.screens.kiosk_pledge_board import KioskPledgeBoard

    await settle(pilot)
    pilot.app.screen.query_one("#pledges", Button).press()
    await settle(pilot)
    assert isinstance(pilot.app.screen, KioskPledgeBoard)
    pilot.app.screen.query_one("#board-mine", Button).press()
    await settle(pilot)
    await pilot.press(*code, "enter")
    await settle(pilot)
    await pilot.press(*pin, "enter")
    await settle(pilot)
