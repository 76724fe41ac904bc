"""Points from records: caps, periods, deductions, pledges, satisfaction, adjustments, ranking, school pools."""

from __future__ import annotations

from datetime import date

import pytest

from campaign import points as pts
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.points_calc import ranks
from campaign.points_rules import default_text
from campaign.roster import edit_member
from campaign.settings import update_setting
from storage.records import AttendanceStatus, PledgeGrade, PledgeState

from .helpers import add_answers, add_pledge, add_session, record, write_rules

P = pts.Period
ON, LATE, ABSENT, EXCUSED = (
    AttendanceStatus.ON_TIME,
    AttendanceStatus.LATE,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


def both(c: Campaign, code: str, period: pts.Period) -> pts.Breakdown:
    """The breakdown from the index, checked against the full recompute and against the sum of its lines."""
    fast, full = pts.breakdown(c, code, period), pts.full_breakdown(c, code, period)
    assert fast == full
    assert fast.total == sum(line.points for line in fast.lines)
    return fast


def line(bd: pts.Breakdown, rule: str) -> pts.PointsLine:
    return next(x for x in bd.lines if x.rule == rule)


def test_attendance_points_and_the_yearly_cap(roster: Campaign) -> None:
    # 25 on-time sessions in 2026 would be 50 points; the cap is 40. Two absences after the cap still deduct.
    days = [date(2026, 1 + i // 3, 1 + (i % 3) * 9) for i in range(25)]
    for d in days:
        record(roster, add_session(roster, d), "T001", ON)
    for d in (date(2026, 10, 20), date(2026, 10, 27)):
        record(roster, add_session(roster, d), "T001", ABSENT)
    record(roster, add_session(roster, date(2025, 12, 1)), "T001", LATE)
    year = both(roster, "T001", P.YEAR)
    on_time = line(year, "attendance.on_time")
    assert (on_time.count, on_time.raw, on_time.points, on_time.capped, on_time.cap_applied) == (25, 50, 40, 10, True)
    assert [r.points for r in on_time.records] == [2] * 20 + [0] * 5
    assert line(year, "attendance.absent").points == -6
    assert year.total == 34
    # 2025 has its own cap; "all" is the sum of the years.
    assert both(roster, "T001", P.ALL).total == 35


def test_a_late_record_can_be_capped_partly(roster: Campaign) -> None:
    write_rules(roster, default_text().replace("cap_per_year = 40", "cap_per_year = 3"))
    record(roster, add_session(roster, date(2026, 3, 1)), "T001", ON)
    record(roster, add_session(roster, date(2026, 3, 8)), "T001", ON)
    bd = both(roster, "T001", P.YEAR)
    assert [r.points for r in line(bd, "attendance.on_time").records] == [2, 1]


def test_no_cap_when_the_line_is_deleted(roster: Campaign) -> None:
    write_rules(roster, default_text().replace("cap_per_year = 40\n", ""))
    for i in range(25):
        record(roster, add_session(roster, date(2026, 1 + i // 3, 1 + (i % 3) * 9)), "T001", ON)
    assert both(roster, "T001", P.YEAR).total == 50


def test_periods_month_term_year_all(roster: Campaign) -> None:
    # Today is 2026-11-27; the autumn term runs 2026-08-01..2027-01-31.
    for d, status in [
        (date(2026, 11, 6), ON),  # this month, term, year
        (date(2026, 9, 4), LATE),  # this term and year
        (date(2026, 3, 6), ON),  # this year, spring term
        (date(2025, 11, 7), ON),  # last year
    ]:
        record(roster, add_session(roster, d), "T002", status)
    totals = {p: both(roster, "T002", p).total for p in P}
    assert totals == {P.MONTH: 2, P.TERM: 3, P.YEAR: 5, P.ALL: 7}
    bd = pts.breakdown(roster, "T002", P.TERM)
    assert (bd.first, bd.last) == (date(2026, 8, 1), date(2027, 1, 31))


def test_term_dates_are_settings(roster: Campaign) -> None:
    record(roster, add_session(roster, date(2026, 8, 20)), "T002", ON)
    assert both(roster, "T002", P.TERM).total == 2
    update_setting(roster, "term_autumn_start", "09-01")
    bd = both(roster, "T002", P.TERM)
    assert (bd.first, bd.last, bd.total) == (date(2026, 9, 1), date(2027, 1, 31), 0)
    with pytest.raises(Refused) as bad:
        update_setting(roster, "term_spring_start", "02-30")
    assert "02-30" in bad.value.message()
    with pytest.raises(Refused, match="早于"):
        update_setting(roster, "term_spring_start", "10-01")
    assert roster.settings.term_spring_start == "02-01"


def test_cancelled_sessions_count_for_nothing(roster: Campaign) -> None:
    from campaign.study_sessions import cancel_session

    sid = add_session(roster, date(2026, 11, 6))
    record(roster, sid, "T001", ABSENT)
    assert both(roster, "T001", P.MONTH).total == -3
    cancel_session(roster, sid)
    assert both(roster, "T001", P.MONTH).total == 0


def test_pledge_grades_on_the_day_of_evaluation(roster: Campaign) -> None:
    add_pledge(roster, "T001", date(2026, 3, 1), PledgeState.EVALUATED, PledgeGrade.EXCELLENT, date(2026, 11, 2))
    add_pledge(roster, "T001", date(2026, 3, 2), PledgeState.EVALUATED, PledgeGrade.FAIL, date(2026, 7, 1))
    add_pledge(roster, "T001", date(2026, 3, 3), PledgeState.FULFILLED)
    month = both(roster, "T001", P.MONTH)
    assert [(x.rule, x.points) for x in month.lines] == [("pledge.excellent", 5)]
    year = both(roster, "T001", P.YEAR)
    assert {x.rule: x.points for x in year.lines} == {"pledge.excellent": 5, "pledge.fail": -3}


def test_no_pledge_in_a_term_deducts_once_the_term_is_over(roster: Campaign) -> None:
    # The campaign starts with T001's pledge in the autumn term 2025 (2025-08-01..2026-01-31).
    add_pledge(roster, "T001", date(2025, 9, 10))
    add_pledge(roster, "T002", date(2026, 3, 1))
    add_pledge(roster, "T002", date(2025, 9, 1), PledgeState.DRAFT)  # a draft is not a pledge made
    edit_member(roster, "T004", active=False)
    missing = {
        code: [r.ref for r in line(both(roster, code, P.ALL), "pledge.missing").records]
        for code in ("T001", "T002", "T003")
    }
    assert missing == {
        "T001": ["2026-02-01..2026-07-31"],
        "T002": ["2025-08-01..2026-01-31"],
        "T003": ["2025-08-01..2026-01-31", "2026-02-01..2026-07-31"],
    }
    assert line(both(roster, "T003", P.ALL), "pledge.missing").points == -6
    assert all(x.rule != "pledge.missing" for x in both(roster, "T004", P.ALL).lines)  # inactive
    # The current term (autumn 2026) is not judged before it ends.
    assert both(roster, "T003", P.TERM).total == 0


def test_satisfaction_wilson_or_rate_with_a_minimum(roster: Campaign) -> None:
    add_answers(roster, "T001", date(2026, 10, 8), satisfied=20)  # rate 100%, Wilson low 83.9%
    add_answers(roster, "T002", date(2026, 10, 8), satisfied=2, unsatisfied=8)  # rate 20%, Wilson low 5.7%
    add_answers(roster, "T003", date(2026, 10, 8), satisfied=9, unknown=5)  # 9 valid answers: too few
    add_answers(roster, "T004", date(2026, 10, 8), satisfied=200, basically=1)
    term = {code: both(roster, code, P.TERM) for code in ("T001", "T002", "T003", "T004")}
    assert term["T001"].lines == ()
    assert [(x.rule, x.points) for x in term["T002"].lines] == [("satisfaction.below_60", -3)]
    assert term["T003"].lines == ()
    assert [(x.rule, x.points) for x in term["T004"].lines] == [("satisfaction.at_least_95", 5)]
    judged = term["T004"].lines[0].records[0]
    assert judged.ref == "2026-08-01..2027-01-31" and judged.day == date(2027, 1, 31)
    assert judged.answers == 201 and judged.rate == 1.0 and judged.wilson_low is not None and judged.wilson_low > 0.98
    # Credited on the term's last day: not in this month or this year, in this term and all time.
    assert both(roster, "T004", P.MONTH).total == 0 and both(roster, "T004", P.YEAR).total == 0
    assert both(roster, "T004", P.ALL).total == 5

    write_rules(roster, default_text().replace('judge = "wilson"', 'judge = "rate"'))
    assert [(x.rule, x.points) for x in both(roster, "T001", P.TERM).lines] == [("satisfaction.at_least_95", 5)]
    write_rules(roster, default_text().replace("min_answers = 10", "min_answers = 9").replace('"wilson"', '"rate"'))
    assert both(roster, "T003", P.TERM).total == 5


def test_adjustments_are_audited_and_undoable(roster: Campaign) -> None:
    adj = pts.adjust_points(roster, "T003", 5, "  带领学生获市级奖项  ")
    assert adj.reason == "带领学生获市级奖项" and adj.by == "secretary"
    bd = both(roster, "T003", P.MONTH)
    assert [(x.rule, x.points, x.records[0].note) for x in bd.lines] == [("adjustment", 5, "带领学生获市级奖项")]
    pts.undo_adjustment(roster, adj.id)
    assert both(roster, "T003", P.MONTH).total == 0
    assert pts.list_adjustments(roster, "T003")[0].undone
    actions = [(e.action, e.detail.get("id")) for e in reversed(roster.repos.audit.recent())]
    assert actions[-2:] == [("points.adjust", adj.id), ("points.undo", adj.id)]


@pytest.mark.parametrize(
    ("code", "points", "reason", "key"),
    [
        ("T003", 0, "x", "points.adjust_zero"),
        ("T003", 21, "x", "points.adjust_too_large"),
        ("T003", -21, "x", "points.adjust_too_large"),
        ("T003", 5, "   ", "points.reason_required"),
        ("T003", 5, "长" * 201, "points.reason_too_long"),
        ("T999", 5, "x", "points.no_such_member"),
    ],
)
def test_adjustment_refusals_change_nothing(roster: Campaign, code: str, points: int, reason: str, key: str) -> None:
    with pytest.raises(Refused) as refused:
        pts.adjust_points(roster, code, points, reason)
    assert refused.value.key == key
    assert pts.list_adjustments(roster) == []


def test_undo_twice_or_unknown_is_refused(roster: Campaign) -> None:
    adj = pts.adjust_points(roster, "T001", -2, "迟交材料")
    pts.undo_adjustment(roster, adj.id)
    with pytest.raises(Refused, match="已经撤销"):
        pts.undo_adjustment(roster, adj.id)
    with pytest.raises(Refused, match="没有编号为 99"):
        pts.undo_adjustment(roster, 99)


def test_ranks_in_both_styles() -> None:
    assert ranks([10, 8, 8, 5, 5, 1]) == [1, 2, 2, 4, 4, 6]
    assert ranks([10, 8, 8, 5, 5, 1], "dense") == [1, 2, 2, 3, 3, 4]
    assert ranks([]) == []
    assert ranks([3, 3, 3]) == [1, 1, 1]


def test_leaderboard_ties_and_the_ranking_setting(roster: Campaign) -> None:
    for code, n in (("T001", 5), ("T002", 4), ("T003", 4), ("T004", 2)):
        pts.adjust_points(roster, code, n, "测试")
    board = pts.leaderboard(roster, P.MONTH)
    assert board == pts.full_leaderboard(roster, P.MONTH)
    assert [(r.rank, r.key, r.points) for r in board.rows] == [
        (1, "T001", 5),
        (2, "T002", 4),
        (2, "T003", 4),
        (4, "T004", 2),
    ]
    update_setting(roster, "points_ranking", "dense")
    assert [r.rank for r in pts.leaderboard(roster, P.MONTH).rows] == [1, 2, 2, 3]
    with pytest.raises(Refused):
        update_setting(roster, "points_ranking", "olympic")


def test_public_board_names_and_totals_only_active_members(roster: Campaign) -> None:
    pts.adjust_points(roster, "T004", 3, "测试")
    edit_member(roster, "T002", active=False)
    board = pts.leaderboard(roster, P.MONTH)
    assert [r.key for r in board.rows] == ["T004", "T001", "T003"]
    assert board.public_rows() == [(1, "王小梅", 3), (2, "王晓明", 0), (2, "张伟", 0)]
    assert board.place_of("T004") is not None and board.place_of("T002") is None


def test_school_board_is_pooled_not_an_average_of_averages(roster: Campaign) -> None:
    # 第十八中学: T001 10, T002 0 → 10 points over 2 members = 5.0 per member.
    # 实验小学: T003 6, T004 6 → 6.0 per member: ranked first.
    for code, n in (("T001", 10), ("T003", 6), ("T004", 6)):
        pts.adjust_points(roster, code, n, "测试")
    board = pts.leaderboard(roster, P.MONTH, "school")
    assert board == pts.full_leaderboard(roster, P.MONTH, "school")
    assert [(r.rank, r.key, r.points, r.total, r.members) for r in board.rows] == [
        (1, "实验小学", 6.0, 12, 2),
        (2, "第十八中学", 5.0, 10, 2),
    ]


def test_school_ties_share_a_rank(roster: Campaign) -> None:
    pts.adjust_points(roster, "T001", 4, "测试")
    pts.adjust_points(roster, "T003", 4, "测试")
    assert [r.rank for r in pts.leaderboard(roster, P.MONTH, "school").rows] == [1, 1]


def test_unknown_member_breakdown_is_refused(roster: Campaign) -> None:
    with pytest.raises(Refused, match="T999"):
        pts.breakdown(roster, "T999")


def test_a_changed_rule_recomputes(roster: Campaign) -> None:
    record(roster, add_session(roster, date(2026, 11, 6)), "T001", ON)
    assert pts.leaderboard(roster, P.MONTH).rows[0].points == 2
    write_rules(roster, default_text().replace("on_time = 2 ", "on_time = 7 "))
    assert pts.leaderboard(roster, P.MONTH).rows[0].points == 7
    assert both(roster, "T001", P.MONTH).total == 7


def test_records_of_another_process_are_seen(roster: Campaign) -> None:
    from campaign.context import open_campaign

    assert pts.leaderboard(roster, P.MONTH).rows[0].points == 0
    other = open_campaign(roster.store.root, actor="secretary", clock=roster.clock)
    assert other.store is not roster.store
    record(other, add_session(other, date(2026, 11, 6)), "T003", EXCUSED)
    record(other, add_session(other, date(2026, 11, 13)), "T003", ON)
    add_pledge(other, "T003", date(2026, 9, 1), PledgeState.EVALUATED, PledgeGrade.GOOD, date(2026, 11, 20))
    add_answers(other, "T003", date(2026, 11, 2), satisfied=40)
    board = pts.leaderboard(roster, P.MONTH)
    assert board == pts.full_leaderboard(roster, P.MONTH)
    assert board.rows[0].key == "T003" and board.rows[0].points == 5
