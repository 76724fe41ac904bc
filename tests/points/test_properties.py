"""Properties: the incremental index always equals a full recompute, and a total is always the sum of its lines."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import points as pts
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.points_calc import Entry
from campaign.points_index import _ledger
from campaign.points_rules import default_text
from campaign.roster import add_member, add_school, edit_member
from campaign.settings import update_setting
from campaign.study_sessions import cancel_session, edit_session
from storage.records import AttendanceStatus, FeedbackOption, PledgeGrade, PledgeState

from .helpers import SHANGHAI, add_answers, add_pledge, add_session, at, record, write_rules

START = datetime(2025, 12, 20, 9, tzinfo=SHANGHAI)
CODES = ("T1", "T2", "T3", "T4", "T5")
SESSION_DAYS = (date(2025, 9, 5), date(2025, 12, 12), date(2026, 1, 20), date(2026, 3, 6), date(2026, 3, 13))
RULE_TEXTS = (
    default_text(),
    default_text().replace("cap_per_year = 40", "cap_per_year = 3"),
    default_text().replace('judge = "wilson"', 'judge = "rate"').replace("min_answers = 10", "min_answers = 2"),
    default_text().replace("missing_per_term = -3", "missing_per_term = -7").replace("on_time = 2 ", "on_time = 5 "),
    "[attendance\n",  # broken: the last good rules stay in force
)

member = st.sampled_from(CODES)
day = st.integers(min_value=-500, max_value=200).map(lambda n: date(2026, 1, 1) + timedelta(days=n))
ops = st.one_of(
    st.tuples(st.just("att"), st.integers(0, 9), member, st.sampled_from(list(AttendanceStatus)), st.booleans()),
    st.tuples(
        st.just("pledge"),
        member,
        day,
        st.sampled_from([PledgeState.DRAFT, PledgeState.PUBLISHED, PledgeState.EVALUATED, PledgeState.WITHDRAWN]),
        st.sampled_from(list(PledgeGrade)),
        st.booleans(),
    ),
    st.tuples(st.just("grade"), st.integers(0, 20), st.sampled_from(list(PledgeGrade)), day),
    st.tuples(
        st.just("answers"), member, day, st.sampled_from(list(FeedbackOption)), st.integers(1, 12), st.booleans()
    ),
    st.tuples(st.just("adjust"), member, st.integers(-20, 20).filter(bool)),
    st.tuples(st.just("undo"), st.integers(1, 8)),
    st.tuples(st.just("session"), day),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("move"), st.integers(0, 9), day, st.integers(0, 2)),
    st.tuples(st.just("active"), member, st.booleans()),
    st.tuples(st.just("rules"), st.integers(0, len(RULE_TEXTS) - 1)),
    st.tuples(
        st.just("setting"),
        st.sampled_from(
            [
                ("points_ranking", "dense"),
                ("points_ranking", "competition"),
                ("term_autumn_start", "09-01"),
                ("term_autumn_start", "08-01"),
                ("term_spring_start", "02-20"),
            ]
        ),
    ),
    st.tuples(st.just("time"), st.integers(1, 120)),
    st.tuples(st.just("check")),
)


def assert_same(c: Campaign) -> None:
    for period in pts.Period:
        for by in pts.BY_CHOICES:
            assert pts.leaderboard(c, period, by) == pts.full_leaderboard(c, period, by), (period, by)
        for code in CODES:
            fast = pts.breakdown(c, code, period)
            assert fast == pts.full_breakdown(c, code, period), (period, code)
            assert fast.total == sum(line.points for line in fast.lines)


def apply(c: Campaign, other: Campaign, clock: FixedClock, sessions: list[int], op: tuple[Any, ...]) -> None:
    kind = op[0]
    if kind == "att":
        _, i, code, status, foreign = op
        if sessions:
            record(other if foreign else c, sessions[i % len(sessions)], code, status)
    elif kind == "pledge":
        _, code, created, state, grade, foreign = op
        evaluated = created + timedelta(days=30) if state is PledgeState.EVALUATED else None
        graded = grade if state is PledgeState.EVALUATED else None
        add_pledge(other if foreign else c, code, created, state, graded, evaluated)
    elif kind == "grade":
        _, i, grade, when = op
        pledges = sorted(c.repos.pledges.all(), key=lambda p: p.id)
        if pledges:
            p = pledges[i % len(pledges)]
            history = (*p.history, {"at": f"{when.isoformat()}T10:00:00+08:00", "by": "s", "state": "evaluated"})
            with c.store.transaction():
                c.repos.pledges.put(replace(p, state=PledgeState.EVALUATED, grade=grade, history=history))
    elif kind == "answers":
        _, code, when, option, n, foreign = op
        add_answers(other if foreign else c, code, when, **{str(option): n})
    elif kind == "adjust":
        pts.adjust_points(c, op[1], op[2], "测试")
    elif kind == "undo":
        open_ones = [a for a in pts.list_adjustments(c) if not a.undone]
        if open_ones:
            pts.undo_adjustment(c, open_ones[op[1] % len(open_ones)].id)
    elif kind == "session":
        sessions.append(add_session(c, op[1]))
    elif kind == "cancel":
        if sessions:
            cancel_session(c, sessions[op[1] % len(sessions)])
    elif kind == "move":
        if sessions:
            start = at(op[2], 8 + 4 * op[3])
            edit_session(c, sessions[op[1] % len(sessions)], start=start, end=start + timedelta(minutes=90))
    elif kind == "active":
        edit_member(c, op[1], active=op[2])
    elif kind == "rules":
        write_rules(c, RULE_TEXTS[op[1]])
    elif kind == "setting":
        update_setting(c, *op[1])
    elif kind == "time":
        clock.advance(days=op[1])
    elif kind == "check":
        assert_same(c)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=20))
def test_incremental_index_equals_full_recompute(steps: list[tuple[Any, ...]]) -> None:
    run_steps(steps)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=20))
def test_without_inotify_too(steps: list[tuple[Any, ...]]) -> None:
    # Where the kernel cannot watch directories, the index looks at directory mtimes, its own commits and, when
    # another process wrote, at every file.
    with patch("campaign.dir_watch.watch", return_value=None):
        run_steps(steps)


def run_steps(steps: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(START)
        c = open_campaign(Path(tmp) / "data", actor="secretary", clock=clock)
        other = open_campaign(Path(tmp) / "data", actor="secretary", clock=clock)  # another process's writes
        add_school(c, "第十八中学")
        add_school(c, "实验小学")
        for i, code in enumerate(CODES):
            add_member(c, code, f"党员{i}", "第十八中学" if i % 2 else "实验小学")
        sessions = [add_session(c, d) for d in SESSION_DAYS]
        record(c, sessions[0], "T1", AttendanceStatus.ON_TIME)
        add_pledge(c, "T2", date(2025, 9, 1))
        pts.leaderboard(c)  # the index exists before the writes, so what follows is incremental
        for op in steps:
            apply(c, other, clock, sessions, op)
        assert_same(c)


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(-10, 10)), max_size=30),
    st.integers(0, 60),
    st.integers(0, 60),
)
def test_a_ledger_sums_what_lies_in_the_period(items: list[tuple[int, int]], a: int, b: int) -> None:
    base = date(2026, 1, 1)
    entries = [Entry(base + timedelta(days=d), "adjustment", p, p, "adjustment", "1") for d, p in items]
    first, last = base + timedelta(days=min(a, b)), base + timedelta(days=max(a, b))
    expected = sum(p for d, p in items if min(a, b) <= d <= max(a, b))
    ledger = _ledger(entries)
    assert ledger.between(first, last) == expected
    assert ledger.between(None, None) == sum(p for _, p in items)
    assert ledger.between(first, None) == sum(p for d, p in items if d >= min(a, b))
