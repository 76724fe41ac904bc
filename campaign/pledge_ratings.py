"""互评: members rate each other's fulfilled pledges while the secretary keeps an evaluation window open.

One rating per pledge per rater, never one's own pledge, only fulfilled pledges, only while the window is open.
Ratings are stored apart from the pledges (``pledge_ratings/...``), with the day only, and are shown to nobody
one by one: screens get a :class:`PeerTally`. Opening and closing the window are audited secretary actions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from storage.records import EvaluationWindow, PeerRating, PledgeGrade, PledgeState

from . import pledge_rules as rules
from .context import Campaign
from .errors import Refused
from .pledges import NOT_SECRETARY_PROGRAMS, get_pledge, today
from .roster import active_member


@dataclass(frozen=True)
class PeerTally:
    """How many peer ratings of each grade a pledge has (never who gave them)."""

    excellent: int = 0
    good: int = 0
    passed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.excellent + self.good + self.passed + self.failed

    def count(self, grade: PledgeGrade) -> int:
        return {
            PledgeGrade.EXCELLENT: self.excellent,
            PledgeGrade.GOOD: self.good,
            PledgeGrade.PASS: self.passed,
            PledgeGrade.FAIL: self.failed,
        }[grade]

    def as_dict(self) -> dict[str, int]:
        return {str(g): self.count(g) for g in PledgeGrade}


def tally_of(grades: list[PledgeGrade] | list[str]) -> PeerTally:
    counts = {str(g): 0 for g in PledgeGrade}
    for g in grades:
        counts[str(g)] += 1
    return PeerTally(counts["excellent"], counts["good"], counts["pass"], counts["fail"])


def current_window(c: Campaign) -> EvaluationWindow | None:
    """The open peer-rating window, or None when none is open."""
    windows = c.repos.evaluation_windows.all()
    return windows[-1] if windows and windows[-1].closed_at is None else None


def _secretary(c: Campaign) -> None:
    if c.actor in NOT_SECRETARY_PROGRAMS:
        raise Refused("pledges.secretary_program")


def open_window(c: Campaign) -> EvaluationWindow:
    """Open the peer-rating window (refused if one is open). Audited."""
    _secretary(c)
    with c.store.transaction():
        if current_window(c) is not None:
            raise Refused("pledges.window_already_open")
        window = c.repos.evaluation_windows.add(EvaluationWindow(id=0, opened_at=c.now(), opened_by=c.actor))
        c.audit("pledge.window_open", window=window.id)
    return window


def close_window(c: Campaign) -> EvaluationWindow:
    """Close the open peer-rating window (refused if none is open). Audited."""
    _secretary(c)
    with c.store.transaction():
        window = current_window(c)
        if window is None:
            raise Refused("pledges.window_not_open")
        closed = replace(window, closed_at=c.now(), closed_by=c.actor)
        c.repos.evaluation_windows.put(closed)
        c.audit("pledge.window_close", window=window.id)
    return closed


def rate_pledge(c: Campaign, rater: str, pledge_id: str, grade: str | PledgeGrade) -> PeerTally:
    """``rater`` (a member, after their PIN) rates another member's fulfilled pledge; returns the new tally.

    Refused: the window is closed, the rater is not an active member, the pledge is their own, not fulfilled, or
    already rated by them. Nothing is written when refused.
    """
    g = rules.grade(grade)
    rater = rater.strip()
    with c.store.transaction():
        if active_member(c, rater) is None:
            raise Refused("pledges.unknown_member", code=rater)
        if current_window(c) is None:
            raise Refused("pledges.window_closed")
        pledge = get_pledge(c, pledge_id)
        if pledge.member == rater:
            raise Refused("pledges.rate_own")
        if pledge.state is not PledgeState.FULFILLED:
            raise rules.PledgeRefused("pledges.rate_not_fulfilled", id=pledge.id, state=rules.state_words(pledge.state))
        ratings = c.repos.peer_ratings.for_pledge(pledge.id)
        if any(r.rater == rater for r in ratings):
            raise Refused("pledges.rate_twice", id=pledge.id)
        c.repos.peer_ratings.add(PeerRating(pledge=pledge.id, rater=rater, grade=g, day=today(c)))
    return tally_of([r.grade for r in ratings] + [g])


def peer_tally(c: Campaign, pledge_id: str) -> PeerTally:
    return tally_of([r.grade for r in c.repos.peer_ratings.for_pledge(pledge_id)])


def rated_by(c: Campaign, rater: str) -> set[str]:
    """The ids of the pledges ``rater`` has rated (for their own screen: what is left to rate)."""
    return {d["pledge"] for d in c.repos.peer_ratings.docs() if d["rater"] == rater}
