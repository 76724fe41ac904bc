"""Satisfaction figures against hand-computed examples."""

from __future__ import annotations

from datetime import date

import pytest

from campaign import satisfaction as sat
from campaign.context import Campaign
from campaign.settings import update_setting
from storage.records import Feedback, FeedbackOption, Settings

S, B, U, K = FeedbackOption.SATISFIED, FeedbackOption.BASICALLY, FeedbackOption.UNSATISFIED, FeedbackOption.UNKNOWN


@pytest.fixture(autouse=True)
def _judge_even_a_few_answers(campaign: Campaign) -> None:
    """These tests are about the figures; the minimum number of answers has its own tests."""
    update_setting(campaign, "satisfaction_min_n", "1")


def test_rate_score_and_wilson_bound_by_hand() -> None:
    # 6 满意, 2 基本满意, 2 不满意, 3 不了解.
    s = sat.tally([S] * 6 + [B] * 2 + [U] * 2 + [K] * 3)
    assert (s.n, s.answers, s.unknown) == (10, 13, 3)  # 不了解 is not a valid answer
    assert s.rate == pytest.approx(0.8)  # (6 + 2) / 10, not 8 / 13
    assert s.score == pytest.approx(86.0)  # (600 + 150 + 110) / 10
    # Wilson, z = 1.96: (0.8 + z²/20 − z·sqrt(0.016 + z²/400)) / (1 + z²/10) = 0.67845 / 1.38415
    assert s.wilson_low == pytest.approx(0.49016, abs=5e-5)


def test_a_perfect_small_sample_is_not_read_as_certain() -> None:
    s = sat.tally([S, S, B])
    assert s.rate == 1.0
    assert s.score == pytest.approx(275 / 3)
    # p = 1: the lower bound is n / (n + z²) = 3 / 6.8415
    assert s.wilson_low == pytest.approx(0.43850, abs=5e-5)
    assert s.meets(0.9) is True
    assert s.confidently_meets(0.9) is False


def test_wilson_bound_examples_and_edges() -> None:
    assert sat.wilson_lower_bound(0, 0) is None
    assert sat.wilson_lower_bound(0, 10) == 0.0
    assert sat.wilson_lower_bound(90, 100) == pytest.approx(0.82564, abs=5e-5)
    assert sat.wilson_lower_bound(900, 1000) == pytest.approx(0.87985, abs=5e-5)  # (0.90192 − 0.01869) / 1.00384
    with pytest.raises(ValueError):
        sat.wilson_lower_bound(11, 10)


def test_the_target_is_met_at_exactly_ninety_percent_even_with_many_dont_knows() -> None:
    s = sat.tally([S] * 9 + [U] + [K] * 5)
    assert s.rate == pytest.approx(0.9)  # 9 / 10: the five 不了解 do not drag it to 9 / 15
    assert s.meets(0.9) is True
    assert sat.tally([S] * 8 + [B] * 9 + [U] * 2).meets(0.9) is False  # 17 / 19 = 89.5%


def test_only_dont_knows_give_no_rate_rather_than_zero() -> None:
    s = sat.tally([K, K])
    assert (s.n, s.rate, s.score, s.wilson_low, s.meets(0.9)) == (0, None, None, None, None)


@pytest.mark.parametrize(
    ("period", "day", "bounds"),
    [
        (sat.Period.MONTH, date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
        (sat.Period.MONTH, date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        (sat.Period.YEAR, date(2026, 6, 1), (date(2026, 1, 1), date(2026, 12, 31))),
        (sat.Period.TERM, date(2026, 11, 27), (date(2026, 8, 1), date(2027, 1, 31))),
        (sat.Period.TERM, date(2027, 1, 5), (date(2026, 8, 1), date(2027, 1, 31))),
        (sat.Period.TERM, date(2027, 3, 5), (date(2027, 2, 1), date(2027, 7, 31))),
        (sat.Period.ALL, date(2027, 3, 5), (None, None)),
    ],
)
def test_period_bounds(period: sat.Period, day: date, bounds: tuple[date | None, date | None]) -> None:
    assert sat.period_bounds(period, day) == bounds


def _store(c: Campaign, answers: list[Feedback]) -> None:
    with c.store.transaction():
        c.repos.feedback.add_many(answers)


def test_report_per_teacher_school_branch_and_period(roster: Campaign) -> None:
    nov, oct_ = date(2026, 11, 20), date(2026, 10, 9)
    _store(
        roster,
        [Feedback("T001", "第十八中学", S, nov)] * 3
        + [Feedback("T001", "第十八中学", K, nov)]
        + [Feedback("T002", "第十八中学", U, nov)]
        + [Feedback("T003", "实验小学", B, nov)] * 2
        + [Feedback("T003", "实验小学", U, oct_)] * 4,
    )
    everything = sat.satisfaction_report(roster)
    assert everything.branch.n == 10 and everything.branch.rate == pytest.approx(5 / 10)
    assert everything.target == 0.9 and everything.target_met is False
    november = sat.satisfaction_report(roster, date(2026, 11, 1), date(2026, 11, 30))
    assert november.branch.rate == pytest.approx(5 / 6)
    assert november.by_teacher["T001"].rate == 1.0 and november.by_teacher["T001"].unknown == 1
    assert november.by_teacher["T002"].rate == 0.0
    assert november.by_school["第十八中学"].rate == pytest.approx(3 / 4)
    assert november.by_school["实验小学"].rate == 1.0
    assert list(sat.by_month(roster)) == ["2026-10", "2026-11"]
    assert sat.by_month(roster)["2026-10"].unsatisfied == 4


def test_the_target_comes_from_the_settings(roster: Campaign) -> None:
    _store(
        roster,
        [Feedback("T001", "第十八中学", S, date(2026, 11, 2))] * 4
        + [Feedback("T001", "第十八中学", U, date(2026, 11, 2))],
    )
    assert sat.satisfaction_report(roster).target_met is False  # 80% < 90%
    with roster.store.transaction():
        roster.repos.settings.put(Settings(satisfaction_target=0.8, satisfaction_min_n=1))
    assert sat.satisfaction_report(roster).target_met is True


def test_comments_are_listed_newest_first_and_filtered_by_teacher(roster: Campaign) -> None:
    _store(
        roster,
        [
            Feedback("T001", "第十八中学", S, date(2026, 11, 2), "好老师"),
            Feedback("T001", "第十八中学", U, date(2026, 11, 5), "<b>作业太多</b>"),
            Feedback("T002", "第十八中学", S, date(2026, 11, 3)),
        ],
    )
    assert [x.text for x in sat.comments(roster)] == ["<b>作业太多</b>", "好老师"]
    assert sat.comments(roster, member="T002") == []
