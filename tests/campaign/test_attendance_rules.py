"""Issue 8, study sessions: who is expected at a session, closing before the start, 三会一课 kinds, schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaign import session_series as series
from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.roster import add_member, add_school
from campaign.signin import sign_in
from storage.records import AttendanceStatus
from tests.conftest import NOW


@pytest.fixture
def branch(campaign: Campaign, clock: FixedClock) -> Campaign:
    """Three members since 1 November; the clock back at NOW (27 November, 07:50)."""
    clock.set(NOW.replace(day=1))
    add_school(campaign, "第十八中学")
    for code, name in (("T001", "王晓明"), ("T002", "李红"), ("T003", "张伟")):
        add_member(campaign, code, name, "第十八中学", pin="1234")
    clock.set(NOW)
    return campaign


def test_closing_a_past_session_does_not_mark_members_who_joined_after_it(branch: Campaign) -> None:
    c = branch
    past = ss.create_session(c, "十一月学习", NOW - timedelta(days=7), NOW - timedelta(days=7, hours=-1))
    add_member(c, "T004", "新党员", "第十八中学")  # joined today, after that session
    assert ss.close_plan(c, past.id).absent == 3
    absent = ss.close_session(c, past.id)
    assert sorted(a.member for a in absent) == ["T001", "T002", "T003"]
    assert c.repos.attendance.get(past.id, "T004") is None
    assert "T004" not in ss.roll_call(c, past.id).missing


def test_a_member_who_joined_after_an_open_past_session_is_not_missing_there(branch: Campaign) -> None:
    c = branch
    past = ss.create_session(c, "十一月学习", NOW - timedelta(days=7), NOW - timedelta(days=7, hours=-1))
    add_member(c, "T004", "新党员", "第十八中学")
    assert sorted(ss.roll_call(c, past.id).missing) == ["T001", "T002", "T003"]


def test_closing_a_future_session_forced_open_asks_first_and_marks_nobody_absent(branch: Campaign) -> None:
    c = branch
    future = ss.create_session(c, "下周党课", NOW + timedelta(days=7), NOW + timedelta(days=7, hours=1))
    ss.open_now(c, future.id)
    sign_in(c, future.id, "T001", "1234")
    plan = ss.close_plan(c, future.id)
    assert plan.before_start and plan.absent == 0 and plan.recorded == 1
    with pytest.raises(Refused) as refused:
        ss.close_session(c, future.id)
    assert "尚未开始" in refused.value.message()
    assert ss.state_of(ss.get_session(c, future.id), c.now()) is ss.SessionState.OPEN
    assert ss.close_session(c, future.id, confirmed=True) == []
    statuses = {a.member: a.status for a in c.repos.attendance.for_session(future.id)}
    assert statuses == {"T001": AttendanceStatus.ON_TIME}
    assert ss.state_of(ss.get_session(c, future.id), c.now()) is ss.SessionState.CLOSED


def test_a_session_has_a_kind_of_three_meetings_and_a_lecture(branch: Campaign) -> None:
    s = ss.create_session(branch, "支部党员大会", NOW, NOW + timedelta(hours=1), kind="branch_meeting")
    assert ss.get_session(branch, s.id).kind == "branch_meeting"
    assert series.kind_label("branch_meeting") == "支部党员大会" and series.kind_label("") == "集中学习"
    with pytest.raises(Refused):
        ss.create_session(branch, "x", NOW, NOW + timedelta(hours=1), kind="party")


def test_a_weekly_schedule_creates_n_sessions_a_week_apart(branch: Campaign) -> None:
    start = NOW.replace(hour=15, minute=0)
    made = series.create_series(
        branch, "党小组会", start, start + timedelta(hours=1), kind="group", repeat="weekly", count=4
    )
    assert [s.start for s in made] == [start + timedelta(days=7 * i) for i in range(4)]
    assert all(s.kind == "group" and s.end - s.start == timedelta(hours=1) for s in made)
    assert len(ss.list_sessions(branch)) == 4


def test_a_monthly_schedule_keeps_the_day_or_the_month_s_last_day() -> None:
    start = NOW.replace(month=1, day=31, hour=15, minute=0)
    days = [(d.month, d.day) for d in series.occurrences(start, "monthly", 3)]
    assert days == [(1, 31), (2, 28), (3, 31)]


def test_a_schedule_of_a_bad_length_creates_nothing(branch: Campaign) -> None:
    with pytest.raises(Refused):
        series.create_series(branch, "x", NOW, NOW + timedelta(hours=1), repeat="weekly", count=0)
    assert ss.list_sessions(branch) == []


def test_the_kiosk_finds_the_session_of_now_whatever_the_history(roster: Campaign, clock: FixedClock) -> None:
    """Only sessions that can still be open or to come are built; the ones a person expects are all found: one
    reopened by the secretary weeks after it ended, one running over midnight, the next one months ahead."""
    now = clock.now()
    old = ss.create_session(roster, "上月学习", now - timedelta(days=30), now - timedelta(days=30, hours=-1))
    for weeks in range(1, 6):
        ss.create_session(roster, f"第{weeks}周", now - timedelta(weeks=weeks), now - timedelta(weeks=weeks, hours=-1))
    later = ss.create_session(roster, "下学期", now + timedelta(days=90), now + timedelta(days=90, hours=2))
    assert ss.current_session(roster) is None and ss.next_session(roster) == later
    overnight = ss.create_session(roster, "通宵读书", now - timedelta(hours=20), now + timedelta(hours=1))
    assert ss.current_session(roster) == overnight
    reopened = ss.open_now(roster, old.id)
    assert {ss.current_session(roster), ss.next_session(roster)} == {overnight, later}
    ss.cancel_session(roster, overnight.id)
    assert ss.current_session(roster) == reopened
