"""Building the records points are computed from, directly through the repositories (fast and explicit)."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from campaign.context import Campaign
from storage.records import (
    Attendance,
    AttendanceStatus,
    Feedback,
    FeedbackOption,
    Pledge,
    PledgeCategory,
    PledgeGrade,
    PledgeState,
    SignInMethod,
    StudySession,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def add_session(c: Campaign, day: date, title: str = "集中学习") -> int:
    with c.store.transaction():
        s = c.repos.sessions.add(StudySession(0, title, at(day), at(day) + timedelta(minutes=90), forced="closed"))
    return s.id


def record(c: Campaign, session_id: int, code: str, status: AttendanceStatus) -> None:
    s = c.repos.sessions.get(session_id)
    assert s is not None
    with c.store.transaction():
        c.repos.attendance.put(Attendance(session_id, code, status, s.start, SignInMethod.SECRETARY))


def add_pledge(
    c: Campaign,
    code: str,
    created: date,
    state: PledgeState = PledgeState.PUBLISHED,
    grade: PledgeGrade | None = None,
    evaluated: date | None = None,
) -> str:
    history: tuple[dict[str, str], ...] = ({"at": at(created).isoformat(), "by": code, "state": "submitted"},)
    if evaluated is not None:
        history += ({"at": at(evaluated, 15).isoformat(), "by": "secretary", "state": "evaluated"},)
    pledge = Pledge(
        id="",
        member=code,
        category=PledgeCategory.STUDY,
        text="读两本书",
        target="读书笔记 2 篇",
        due=created + timedelta(days=120),
        state=state,
        created=at(created),
        grade=grade,
        history=history,
    )
    with c.store.transaction():
        return c.repos.pledges.add(pledge).id


def add_answers(c: Campaign, code: str, day: date, **counts: int) -> None:
    """``counts``: satisfied=, basically=, unsatisfied=, unknown= answers about ``code`` on ``day``."""
    member = c.repos.members.get(code)
    assert member is not None
    answers = [
        Feedback(code, member.school, FeedbackOption(option), day) for option, n in counts.items() for _ in range(n)
    ]
    with c.store.transaction():
        c.repos.feedback.add_many(answers)


def write_rules(c: Campaign, text: str) -> None:
    """Save the rules file as an editor does (a new file renamed over the old one)."""
    path = c.store.root / "points.toml"
    tmp = path.with_name("points.toml.saving")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
