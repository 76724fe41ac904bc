"""The branch dashboard (五个好): the figures behind its four charts, computed from the records every time.

* attendance rate of each study session held (and over) in the period, oldest first: attended (on time, late, made
  up) over the members expected (everyone with a record, plus active members without one if it was never closed);
* pledge fulfilment rate by 五带头 category: of the pledges due in the period that were made public, how many are
  kept so far (fulfilled, or evaluated with a grade other than 不合格);
* parent satisfaction in the period against the branch target, with its 95 % Wilson lower bound;
* the distribution of members' point totals, in at most :data:`MAX_BUCKETS` equal ranges.

Nothing here is stored; nothing here knows how it is drawn.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from storage.records import Pledge, PledgeCategory, PledgeGrade, PledgeState, StudySession

from . import reports
from . import satisfaction as sat
from .context import Campaign
from .study_sessions import SessionState

#: Pledges in these states were made public and are owed: they count toward the fulfilment rate.
OWED = frozenset({PledgeState.PUBLISHED, PledgeState.FULFILLED, PledgeState.EVALUATED})
#: The points distribution has at most this many bars.
MAX_BUCKETS = 8


@dataclass(frozen=True)
class SessionRate:
    session: StudySession
    #: The session's local date.
    day: date
    attended: int
    expected: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None


@dataclass(frozen=True)
class CategoryRate:
    category: PledgeCategory
    kept: int
    owed: int

    @property
    def rate(self) -> float | None:
        return self.kept / self.owed if self.owed else None


@dataclass(frozen=True)
class Bucket:
    """Members whose total is in ``low``..``high`` (both included)."""

    low: int
    high: int
    members: int


@dataclass(frozen=True)
class Dashboard:
    first: date | None
    last: date | None
    sessions: tuple[SessionRate, ...]
    pledges: tuple[CategoryRate, ...]
    satisfaction: sat.Satisfaction
    target: float
    points: tuple[Bucket, ...]


def session_rates(c: Campaign, first: date | None, last: date | None) -> tuple[SessionRate, ...]:
    """Each study session held between ``first`` and ``last`` (None: no bound), oldest first."""
    today = c.now().astimezone(c.tz).date()
    held = [s.start.astimezone(c.tz).date() for s in c.repos.sessions.all() if not s.cancelled]
    if not held:
        return ()
    lo = first if first is not None else min(held)
    hi = min(last, today) if last is not None else today
    if hi < lo:
        return ()
    report = reports.attendance_report(c, lo, hi)
    # Only sessions that are over: an open one's rate is still growing.
    lines = sorted(
        (line for line in report.sessions if line.state == SessionState.CLOSED), key=lambda x: x.session.start
    )
    return tuple(
        SessionRate(
            line.session,
            line.session.start.astimezone(c.tz).date(),
            line.attended,
            sum(line.counts.values()) + line.missing,
        )
        for line in lines
    )


def kept(pledge: Pledge) -> bool:
    if pledge.state is PledgeState.FULFILLED:
        return True
    return pledge.state is PledgeState.EVALUATED and pledge.grade is not PledgeGrade.FAIL


def pledge_rates(c: Campaign, first: date | None, last: date | None) -> tuple[CategoryRate, ...]:
    """Fulfilment so far, by category, of the public pledges due between ``first`` and ``last`` (None: no bound)."""
    owed: Counter[PledgeCategory] = Counter()
    done: Counter[PledgeCategory] = Counter()
    for p in c.repos.pledges.all():
        if p.state not in OWED or (last is not None and p.due > last) or (first is not None and p.due < first):
            continue
        owed[p.category] += 1
        done[p.category] += kept(p)
    return tuple(CategoryRate(cat, done[cat], owed[cat]) for cat in PledgeCategory)


def buckets(totals: Iterable[int], most: int = MAX_BUCKETS) -> tuple[Bucket, ...]:
    """``totals`` counted in at most ``most`` equal ranges of whole points, lowest first (empty: none)."""
    values = sorted(totals)
    if not values:
        return ()
    lo, hi = values[0], values[-1]
    width = max(math.ceil((hi - lo + 1) / most), 1)
    counts = Counter((v - lo) // width for v in values)
    n = (hi - lo) // width + 1
    return tuple(Bucket(lo + i * width, lo + (i + 1) * width - 1, counts[i]) for i in range(n))


def branch_dashboard(c: Campaign, first: date | None, last: date | None, totals: Iterable[int]) -> Dashboard:
    """Everything the dashboard shows for the period ``first``..``last`` (None: all time).

    ``totals`` are the members' point totals for the period, as the points module computes them.
    """
    return Dashboard(
        first=first,
        last=last,
        sessions=session_rates(c, first, last),
        pledges=pledge_rates(c, first, last),
        satisfaction=sat.satisfaction_report(c, first, last).branch,
        target=c.settings.satisfaction_target,
        points=buckets(totals),
    )
