"""The one clock. Everything that asks "what time is it" asks a :class:`Clock`, so tests can fix time."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

#: Set to an ISO time ("2026-11-27T08:02") to freeze the clock of a whole process (tests, demos).
FAKE_NOW_ENV = "CHUANGYOU_NOW"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware, in the branch's time zone."""
        ...


class SystemClock:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)

    def set(self, at: datetime) -> None:
        self.at = at


def clock_for(tz: ZoneInfo) -> Clock:
    """The system clock in ``tz``, or a fixed one if ``CHUANGYOU_NOW`` is set."""
    fake = os.environ.get(FAKE_NOW_ENV)
    if fake:
        at = datetime.fromisoformat(fake)
        return FixedClock(at if at.tzinfo else at.replace(tzinfo=tz))
    return SystemClock(tz)
