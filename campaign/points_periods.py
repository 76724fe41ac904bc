"""Periods of the points boards: month, term, year, all time — with the branch's term dates from the settings.

Two terms a year: the spring term starts on ``term_spring_start`` (MM-DD) and runs to the day before the autumn
term; the autumn term starts on ``term_autumn_start`` and runs to the day before next year's spring term. A year
is the calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storage.records import Settings

from .errors import Refused
from .satisfaction import Period

RANKING_STYLES = ("competition", "dense")


@dataclass(frozen=True, order=True)
class Term:
    first: date
    last: date


def parse_month_day(text: str) -> tuple[int, int]:
    """``"MM-DD"`` as (month, day); raises ValueError for anything else (29 February included: not every year)."""
    month_text, sep, day_text = text.strip().partition("-")
    if not sep or not (month_text.isdigit() and day_text.isdigit()):
        raise ValueError(text)
    month, day = int(month_text), int(day_text)
    date(2001, month, day)  # raises for a day that does not exist in a common year
    return month, day


def term_starts(settings: Settings) -> tuple[tuple[int, int], tuple[int, int]]:
    """(spring, autumn) start as (month, day); the defaults if the stored settings are unusable."""
    try:
        spring = parse_month_day(settings.term_spring_start)
        autumn = parse_month_day(settings.term_autumn_start)
    except ValueError:
        spring, autumn = (2, 1), (8, 1)
    if spring >= autumn:
        spring, autumn = (2, 1), (8, 1)
    return spring, autumn


def term_of(settings: Settings, day: date) -> Term:
    """The term that contains ``day``."""
    (sm, sd), (am, ad) = term_starts(settings)
    spring, autumn = date(day.year, sm, sd), date(day.year, am, ad)
    if day >= autumn:
        return Term(autumn, date(day.year + 1, sm, sd) - timedelta(days=1))
    if day >= spring:
        return Term(spring, autumn - timedelta(days=1))
    return Term(date(day.year - 1, am, ad), spring - timedelta(days=1))


def terms_between(settings: Settings, first: date, last: date) -> list[Term]:
    """Every term that overlaps ``first``..``last``, oldest first."""
    out: list[Term] = []
    term = term_of(settings, first)
    while term.first <= last:
        out.append(term)
        term = term_of(settings, term.last + timedelta(days=1))
    return out


def period_bounds(settings: Settings, period: Period, today: date) -> tuple[date | None, date | None]:
    """The first and last day of the period that contains ``today`` (None, None for all time)."""
    if period is Period.ALL:
        return None, None
    if period is Period.YEAR:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if period is Period.MONTH:
        first = today.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    term = term_of(settings, today)
    return term.first, term.last


def parse_period(text: str) -> Period:
    try:
        return Period(text)
    except ValueError:
        raise Refused("points.bad_period", period=text, periods=", ".join(str(p) for p in Period)) from None


def check_points_setting(settings: Settings, name: str, raw: str) -> None:
    """Refuse a bad term date or ranking style (called by :func:`campaign.settings.update_setting`)."""
    if name == "points_ranking":
        if settings.points_ranking not in RANKING_STYLES:
            raise Refused("points.bad_ranking", value=raw, styles=", ".join(RANKING_STYLES))
        return
    try:
        spring = parse_month_day(settings.term_spring_start)
        autumn = parse_month_day(settings.term_autumn_start)
    except ValueError:
        raise Refused("points.bad_term_date", name=name, value=raw) from None
    if spring >= autumn:
        raise Refused("points.term_order", spring=settings.term_spring_start, autumn=settings.term_autumn_start)


__all__ = [
    "RANKING_STYLES",
    "Period",
    "Term",
    "parse_period",
    "period_bounds",
    "term_of",
    "terms_between",
]
