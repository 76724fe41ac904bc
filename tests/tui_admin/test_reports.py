"""campaign.reports: the numbers behind the secretary's attendance report, and its files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.reports import attendance_report, export_report
from campaign.roster import add_member, edit_member
from campaign.signin import sign_in
from storage.records import AttendanceStatus


def session_on(c: Campaign, day: str, title: str = "学习会") -> int:
    return ss.create_session(c, title, ss.parse_local(c, f"{day} 08:00"), ss.parse_local(c, f"{day} 09:00")).id


def test_range_is_inclusive_local_dates_and_cancelled_sessions_are_left_out(
    roster: Campaign, clock: FixedClock
) -> None:
    first = session_on(roster, "2026-11-01")
    session_on(roster, "2026-11-30")
    session_on(roster, "2026-12-01")  # outside
    ss.cancel_session(roster, session_on(roster, "2026-11-15"))
    clock.set(ss.get_session(roster, first).start)
    sign_in(roster, first, "T001", "1234")
    report = attendance_report(roster, date(2026, 11, 1), date(2026, 11, 30))
    assert [line.session.start.day for line in report.sessions] == [1, 30]
    assert report.sessions[0].counts == {AttendanceStatus.ON_TIME: 1} and report.sessions[0].missing == 3
    by_code = {m.code: m for m in report.members}
    assert by_code["T001"].sessions == 2 and by_code["T001"].rate == 0.5
    assert by_code["T002"].rate == 0.0
    with pytest.raises(Refused):
        attendance_report(roster, date(2026, 12, 1), date(2026, 11, 1))


def test_a_member_deactivated_later_keeps_their_history(roster: Campaign) -> None:
    sid = session_on(roster, "2026-11-20")
    ss.close_session(roster, sid)
    edit_member(roster, "T004", active=False)
    add_member(roster, "T005", "新同志", "实验小学")  # joined after the session was closed
    by_code = {m.code: m for m in attendance_report(roster, date(2026, 11, 1), date(2026, 11, 30)).members}
    assert by_code["T004"].counts == {AttendanceStatus.ABSENT: 1}
    assert by_code["T005"].sessions == 0 and by_code["T005"].rate is None


def test_csv_export_keeps_formulas_as_text_and_refuses_other_formats(roster: Campaign, tmp_path: Path) -> None:
    session_on(roster, "2026-11-20", title="=1+1")
    report = attendance_report(roster, date(2026, 11, 1), date(2026, 11, 30))
    out = export_report(roster, report, tmp_path / "r.csv", lang="en")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["By session"] and rows[2][2] == "'=1+1"
    with pytest.raises(Refused) as refused:
        export_report(roster, report, tmp_path / "r.ods")
    assert ".ods" in refused.value.message("en")
    with pytest.raises(Refused) as refused:
        export_report(roster, report, tmp_path / "no" / "such" / "dir.xlsx")
    assert "dir.xlsx" in refused.value.message("en")
    assert sum(e.action == "report.export" for e in roster.repos.audit.recent()) == 1
