"""Kinds of session (三会一课) and repeating schedules: a weekly 党小组会 made once, N sessions created.

三会一课: 支部党员大会 (branch_meeting), 支委会 (committee), 党小组会 (group) and 党课 (lecture); "" is a study
session of no particular kind (集中学习).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import datetime, timedelta

from storage.records import StudySession

from .context import Campaign
from .errors import Refused
from .i18n import t

KINDS = ("branch_meeting", "committee", "group", "lecture")
REPEATS = ("weekly", "biweekly", "monthly")
#: At most this many sessions from one schedule (two years of weekly sessions).
MAX_COUNT = 104


def check_kind(kind: str) -> str:
    kind = kind.strip()
    if kind and kind not in KINDS:
        raise Refused("attendance.bad_kind", kind=kind, kinds=", ".join(KINDS))
    return kind


def kind_label(kind: str, lang: str | None = None) -> str:
    return t(f"attendance.kind_{kind or 'none'}", lang=lang)


def _add_months(at: datetime, months: int) -> datetime:
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    return at.replace(year=year, month=month, day=min(at.day, monthrange(year, month)[1]))


def occurrences(start: datetime, repeat: str, count: int) -> list[datetime]:
    """The starts of ``count`` sessions from ``start``, ``repeat`` apart (wall-clock time kept in the zone)."""
    if repeat not in ("", *REPEATS):
        raise Refused("attendance.bad_repeat", repeat=repeat, choices=", ".join(REPEATS))
    if not 1 <= count <= MAX_COUNT:
        raise Refused("attendance.bad_count", count=count, limit=MAX_COUNT)
    if not repeat:
        return [start]
    if repeat == "monthly":
        return [_add_months(start, i) for i in range(count)]
    days = 7 if repeat == "weekly" else 14
    return [start + timedelta(days=days * i) for i in range(count)]


def create_series(
    c: Campaign,
    title: str,
    start: datetime,
    end: datetime,
    *,
    place: str = "",
    topic: str = "",
    kind: str = "",
    repeat: str = "",
    count: int = 1,
) -> list[StudySession]:
    """Create one session, or ``count`` of them ``repeat`` apart, all in one transaction (all or none)."""
    from .study_sessions import create_session

    length = end - start
    starts = occurrences(start, repeat, count)
    with c.store.transaction():
        return [create_session(c, title, at, at + length, place=place, topic=topic, kind=kind) for at in starts]
