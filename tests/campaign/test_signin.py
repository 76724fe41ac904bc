"""Signing in: the rules every path (kiosk, scanner, script) goes through."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.roster import add_member
from campaign.signin import sign_in
from campaign.study_sessions import close_session, create_session, excuse, open_now, roll_call
from storage.records import AttendanceStatus, StudySession
from tests.conftest import NOW


def _session(c: Campaign, start: datetime = NOW + timedelta(minutes=10)) -> StudySession:
    return create_session(c, "集中学习", start, start + timedelta(hours=1))


def test_on_time_within_window(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster)  # starts 08:00, window opens 07:30; now is 07:50
    result = sign_in(roster, s.id, "T001", "1234")
    assert result.attendance.status is AttendanceStatus.ON_TIME
    assert roster.repos.attendance.get(s.id, "T001") == result.attendance


def test_late_counts_minutes_after_start(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster)
    clock.advance(minutes=27)  # 08:17: late after 08:05
    result = sign_in(roster, s.id, "T002", "1234")
    assert result.attendance.status is AttendanceStatus.LATE
    assert result.attendance.minutes_late == 17


def test_double_sign_in_refused_with_first_time(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster)
    sign_in(roster, s.id, "T001", "1234")
    clock.advance(minutes=3)
    with pytest.raises(Refused) as err:
        sign_in(roster, s.id, "T001", "1234")
    assert err.value.key == "signin.already"
    assert "07:50" in err.value.message()
    assert len(roster.repos.attendance.for_session(s.id)) == 1


def test_before_window_and_after_close(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster, start=NOW + timedelta(hours=2))  # opens 09:20
    with pytest.raises(Refused) as err:
        sign_in(roster, s.id, "T001", "1234")
    assert err.value.key == "signin.not_open_yet"
    assert "09:20" in err.value.message()
    clock.advance(hours=4)  # past end + 30 min
    with pytest.raises(Refused) as err:
        sign_in(roster, s.id, "T001", "1234")
    assert err.value.key == "signin.closed"
    assert roster.repos.attendance.for_session(s.id) == []


def test_unknown_and_inactive_members_refused(roster: Campaign) -> None:
    s = _session(roster)
    with pytest.raises(Refused) as err:
        sign_in(roster, s.id, "NOPE", "1234")
    assert err.value.key == "signin.not_on_roster"
    assert roster.repos.attendance.for_session(s.id) == []


def test_after_five_wrong_pins_each_try_waits_longer(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster)
    keys = []
    for _ in range(5):
        with pytest.raises(Refused) as err:
            sign_in(roster, s.id, "T001", "9999")
        keys.append(err.value.key)
    assert keys == ["signin.wrong_pin"] * 4 + ["signin.locked"]
    with pytest.raises(Refused) as err:  # even the right PIN is refused while it must wait
        sign_in(roster, s.id, "T001", "1234")
    assert err.value.key == "signin.locked"
    assert "07:50:30" in err.value.message()
    sign_in(roster, s.id, "T002", "1234")  # the count is per member
    clock.advance(seconds=31)
    with pytest.raises(Refused) as err:  # a sixth wrong try: the next wait is twice as long
        sign_in(roster, s.id, "T001", "9999")
    assert err.value.key == "signin.locked" and "07:51:31" in err.value.message()
    clock.advance(seconds=61)
    assert sign_in(roster, s.id, "T001", "1234").attendance.status is AttendanceStatus.ON_TIME


def test_lock_is_shared_between_processes_through_the_store(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster)
    for _ in range(5):
        with pytest.raises(Refused):
            sign_in(roster, s.id, "T003", "0000")
    from campaign.context import open_campaign

    other = open_campaign(roster.store.root, clock=clock)  # a second kiosk, say
    with pytest.raises(Refused) as err:
        sign_in(other, s.id, "T003", "1234")
    assert err.value.key == "signin.locked"


def test_missing_pin_refused_when_required(roster: Campaign) -> None:
    s = _session(roster)
    with pytest.raises(Refused) as err:
        sign_in(roster, s.id, "T001", None)
    assert err.value.key == "signin.pin_required"


def test_close_marks_absentees_and_excused_stay_excused(roster: Campaign, clock: FixedClock) -> None:
    s = _session(roster)
    sign_in(roster, s.id, "T001", "1234")
    excuse(roster, s.id, "T002", "外出培训")
    clock.advance(hours=1)
    absent = close_session(roster, s.id)
    assert sorted(a.member for a in absent) == ["T003", "T004"]
    statuses = {a.member: a.status for a in roster.repos.attendance.for_session(s.id)}
    assert statuses == {
        "T001": AttendanceStatus.ON_TIME,
        "T002": AttendanceStatus.EXCUSED,
        "T003": AttendanceStatus.ABSENT,
        "T004": AttendanceStatus.ABSENT,
    }
    with pytest.raises(Refused) as err:
        sign_in(roster, s.id, "T003", "1234")
    assert err.value.key == "signin.closed"
    add_member(roster, "T005", "新党员", "实验小学")
    assert roll_call(roster, s.id).missing == []  # joined after the close: not counted against that session
    open_now(roster, s.id)  # reopened: an absentee may still sign in
    assert sign_in(roster, s.id, "T003", "1234").late
