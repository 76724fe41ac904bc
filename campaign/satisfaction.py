"""Parent satisfaction (群众反映好): the rate, the weighted score, and how far a small sample can be trusted.

* 满意率 = (满意 + 基本满意) / valid answers, where 不了解 ("don't know") is not a valid answer;
* weighted score = (100 * 满意 + 75 * 基本满意 + 55 * 不满意) / valid answers;
* the 95% Wilson score lower bound of the rate, so that 3 answers out of 3 are not read as "100%";
* the branch target (a setting, 90%) is met when the rate reaches it.

Figures are computed from the stored answers every time; nothing here is stored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from storage.records import Feedback, FeedbackOption

from .context import Campaign
from .errors import Refused

WEIGHTS = {FeedbackOption.SATISFIED: 100, FeedbackOption.BASICALLY: 75, FeedbackOption.UNSATISFIED: 55}
#: The two-sided 95% normal quantile.
Z95 = 1.959963984540054


def wilson_lower_bound(successes: int, n: int, z: float = Z95) -> float | None:
    """The lower end of the Wilson score interval for ``successes`` out of ``n`` (None when n is 0)."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max((centre - spread) / (1 + z2 / n), 0.0)


class Verdict(StrEnum):
    NO_ANSWERS = "no_answers"
    TOO_FEW = "too_few"
    MET = "met"
    NOT_MET = "not_met"


@dataclass(frozen=True)
class Satisfaction:
    """The figures for one group of answers (a teacher, a school, the branch; within a period)."""

    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    unknown: int = 0

    @property
    def n(self) -> int:
        """Valid answers: everything but 不了解."""
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def answers(self) -> int:
        return self.n + self.unknown

    @property
    def rate(self) -> float | None:
        return (self.satisfied + self.basically) / self.n if self.n else None

    @property
    def score(self) -> float | None:
        if not self.n:
            return None
        total = (
            WEIGHTS[FeedbackOption.SATISFIED] * self.satisfied
            + WEIGHTS[FeedbackOption.BASICALLY] * self.basically
            + WEIGHTS[FeedbackOption.UNSATISFIED] * self.unsatisfied
        )
        return total / self.n

    @property
    def wilson_low(self) -> float | None:
        return wilson_lower_bound(self.satisfied + self.basically, self.n)

    def meets(self, target: float, min_n: int = 1) -> bool | None:
        """Whether the rate reaches ``target`` (None with fewer than ``min_n`` valid answers, or none at all)."""
        rate = self.rate
        return None if rate is None or self.n < min_n else rate >= target - 1e-12

    def verdict(self, target: float, min_n: int = 1) -> Verdict:
        """Met / not met only with at least ``min_n`` valid answers: one happy parent is not a 90% branch."""
        if not self.n:
            return Verdict.NO_ANSWERS
        if self.n < min_n:
            return Verdict.TOO_FEW
        return Verdict.MET if self.meets(target, min_n) else Verdict.NOT_MET

    def confidently_meets(self, target: float) -> bool | None:
        """Whether even the Wilson lower bound reaches ``target``."""
        low = self.wilson_low
        return None if low is None else low >= target - 1e-12


def tally(answers: Iterable[Feedback | FeedbackOption]) -> Satisfaction:
    """Count answers (records or bare options) into one :class:`Satisfaction`."""
    counts = dict.fromkeys(FeedbackOption, 0)
    for a in answers:
        counts[a.option if isinstance(a, Feedback) else a] += 1
    return Satisfaction(
        satisfied=counts[FeedbackOption.SATISFIED],
        basically=counts[FeedbackOption.BASICALLY],
        unsatisfied=counts[FeedbackOption.UNSATISFIED],
        unknown=counts[FeedbackOption.UNKNOWN],
    )


class Period(StrEnum):
    MONTH = "month"
    TERM = "term"
    YEAR = "year"
    ALL = "all"


def period_bounds(period: Period, day: date) -> tuple[date | None, date | None]:
    """The first and last day of the period containing ``day``.

    Terms follow the Chinese school year: the autumn term runs August to January, the spring term February to
    July.
    """
    if period is Period.ALL:
        return None, None
    if period is Period.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if period is Period.MONTH:
        first = day.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if 2 <= day.month <= 7:
        return date(day.year, 2, 1), date(day.year, 7, 31)
    start_year = day.year if day.month >= 8 else day.year - 1
    return date(start_year, 8, 1), date(start_year + 1, 1, 31)


@dataclass(frozen=True)
class SatisfactionReport:
    """Figures for the branch, each school and each teacher, over ``first``..``last`` (None: unbounded)."""

    first: date | None
    last: date | None
    target: float
    branch: Satisfaction
    by_school: dict[str, Satisfaction]
    by_teacher: dict[str, Satisfaction]
    #: Fewer valid answers than this: "too few answers" rather than met / not met (setting satisfaction_min_n).
    min_n: int = 1

    @property
    def target_met(self) -> bool | None:
        return self.branch.meets(self.target, self.min_n)

    @property
    def verdict(self) -> Verdict:
        return self.branch.verdict(self.target, self.min_n)

    def teachers_worst_first(self) -> list[tuple[str, Satisfaction]]:
        """Teachers by rate, lowest first (then by the lower bound, the fewest answers last); the ones to talk to
        come first. Teachers with only 不了解 answers come last."""
        return sorted(
            self.by_teacher.items(),
            key=lambda kv: (kv[1].rate is None, kv[1].rate or 0.0, kv[1].wilson_low or 0.0, kv[0]),
        )


def answers_between(c: Campaign, first: date | None = None, last: date | None = None) -> list[Feedback]:
    if first and last and first > last:
        raise Refused("feedback.bad_period", first=first.isoformat(), last=last.isoformat())
    return list(c.repos.feedback.between(first, last))


def satisfaction_report(c: Campaign, first: date | None = None, last: date | None = None) -> SatisfactionReport:
    """The branch's satisfaction figures over a period, with every school and teacher that has answers."""
    answers = answers_between(c, first, last)
    by_school: dict[str, list[Feedback]] = {}
    by_teacher: dict[str, list[Feedback]] = {}
    for a in answers:
        by_school.setdefault(a.school, []).append(a)
        by_teacher.setdefault(a.member, []).append(a)
    return SatisfactionReport(
        first=first,
        last=last,
        target=c.settings.satisfaction_target,
        min_n=c.settings.satisfaction_min_n,
        branch=tally(answers),
        by_school={k: tally(v) for k, v in sorted(by_school.items())},
        by_teacher={k: tally(v) for k, v in sorted(by_teacher.items())},
    )


def by_month(c: Campaign, first: date | None = None, last: date | None = None) -> dict[str, Satisfaction]:
    """The branch's figures month by month ("YYYY-MM"), oldest first."""
    months: dict[str, list[Feedback]] = {}
    for a in answers_between(c, first, last):
        months.setdefault(f"{a.day:%Y-%m}", []).append(a)
    return {k: tally(v) for k, v in sorted(months.items())}


@dataclass(frozen=True)
class Comment:
    member: str
    day: date
    option: FeedbackOption
    text: str


def comments(
    c: Campaign, member: str | None = None, first: date | None = None, last: date | None = None
) -> list[Comment]:
    """Parents' comments, newest day first — for the secretary only (the web server never shows them)."""
    out = [
        Comment(a.member, a.day, a.option, a.comment)
        for a in answers_between(c, first, last)
        if a.comment and (member is None or a.member == member)
    ]
    # The text breaks ties: the order answers are stored in says nothing (and must not be relied on).
    return sorted(out, key=lambda x: (x.day, x.member, x.text), reverse=True)
