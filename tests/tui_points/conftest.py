"""Points screens under Pilot: a roster with two study sessions already held this term, parents' answers and a
pledge, a session open at the fixed "now" for sign-ins, and the kiosk and secretary apps.

Points this term with the default rules (on time +2, late +1, excused 0, absent −3):
王晓明 T001 4 + 3 (a pledge evaluated 良好) · 张伟 T003 3 · 李红 T002 2 · 王小梅 T004 −6.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from campaign import feedback, passphrase
from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.signin import sign_in
from storage.records import Pledge, PledgeCategory, PledgeGrade, PledgeState, StudySession
from tests.conftest import NOW, SHANGHAI
from tests.tui_admin.conftest import PASSPHRASE
from tests.tui_kiosk.conftest import FakeMonotonic
from tui.app import ChuangyouApp

#: The sizes every points screen is checked at: an SSH window and a staffroom screen.
SMALL = (80, 24)
LARGE = (220, 60)


def held(c: Campaign, clock: FixedClock, start: datetime, title: str) -> StudySession:
    s = ss.create_session(c, title, start, start + timedelta(hours=1, minutes=30), place="党员活动室")
    return s


def scored_campaign(c: Campaign, clock: FixedClock) -> Campaign:
    """Two sessions held this term (clock moved to each and back to NOW), three parents' answers for 王晓明."""
    first = held(c, clock, datetime(2026, 10, 16, 16, 0, tzinfo=SHANGHAI), "学习党章")
    clock.set(first.start - timedelta(minutes=10))
    sign_in(c, first.id, "T001", "1234")
    sign_in(c, first.id, "T002", "1234")
    clock.set(first.start + timedelta(minutes=20))
    sign_in(c, first.id, "T003", "1234")
    clock.set(first.end + timedelta(hours=1))
    ss.close_session(c, first.id)

    second = held(c, clock, datetime(2026, 11, 13, 16, 0, tzinfo=SHANGHAI), "学习二十届四中全会精神")
    clock.set(second.start - timedelta(minutes=10))
    sign_in(c, second.id, "T001", "1234")
    sign_in(c, second.id, "T003", "1234")
    ss.excuse(c, second.id, "T002", "外出培训")
    clock.set(second.end + timedelta(hours=1))
    ss.close_session(c, second.id)

    clock.set(NOW)
    # Pledges as stored records (the pledge workflow is issue 9's): one kept (良好, +3), one still owed.
    with c.store.transaction():
        created = datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
        c.repos.pledges.add(
            Pledge(
                "",
                "T001",
                PledgeCategory.STUDY,
                "研读两本教育专著",
                "读书笔记 2 篇",
                date(2026, 11, 20),
                PledgeState.EVALUATED,
                created,
                grade=PledgeGrade.GOOD,
            )
        )
        c.repos.pledges.add(
            Pledge(
                "",
                "T003",
                PledgeCategory.SERVICE,
                "每月家访 3 户",
                "家访 15 户",
                date(2026, 12, 31),
                PledgeState.PUBLISHED,
                created,
            )
        )
    batch = feedback.issue_batch(c, "T001", 3, class_label="初二(3)班")
    for code, option in zip(batch.codes, ("satisfied", "satisfied", "basically"), strict=True):
        feedback.answer(c, code, option)
    return c


@pytest.fixture
def scored(roster: Campaign, clock: FixedClock) -> Campaign:
    return scored_campaign(roster, clock)


@pytest.fixture
def open_now(scored: Campaign) -> StudySession:
    """A session starting at 08:00 today (sign-in open at the fixed 07:50)."""
    start = NOW.replace(hour=8, minute=0)
    return ss.create_session(scored, "学习贯彻党的二十届四中全会精神", start, start + timedelta(hours=1, minutes=30))


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


KioskApp = Callable[[Campaign], ChuangyouApp]


@pytest.fixture
def kiosk_app(monotonic: FakeMonotonic) -> KioskApp:
    def make(c: Campaign) -> ChuangyouApp:
        app = ChuangyouApp(c, "kiosk", monotonic=monotonic, cursor_blink=False)
        app.animation_level = "none"
        return app

    return make


@pytest.fixture
def admin_app() -> KioskApp:
    def make(c: Campaign) -> ChuangyouApp:
        passphrase.set_passphrase(c, PASSPHRASE)
        c.actor = "secretary"
        app = ChuangyouApp(c, "admin", cursor_blink=False)
        app.animation_level = "none"
        return app

    return make
