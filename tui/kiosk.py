"""What the kiosk asks of the campaign, as plain functions its screens run in worker threads.

No Textual here: each function takes the :class:`Campaign`, calls campaign services, and returns a small frozen
value the screen can show. Refusals become :class:`Outcome` values, so a screen never has to know catalog keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from campaign import signin
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.roster import list_members, member_to_sign_in
from campaign.study_sessions import (
    SessionState,
    Window,
    current_session,
    next_session,
    sessions_on,
    signed_in_count,
    state_of,
    window,
)
from storage.records import Member, SignInMethod, StudySession


@dataclass(frozen=True)
class HomeView:
    """What the home screen shows: the open session, else the next one, with its window and the count signed in."""

    session: StudySession | None
    state: SessionState | None
    window: Window | None
    signed_in: int


def home_view(c: Campaign) -> HomeView:
    session = current_session(c) or next_session(c)
    if session is None:
        return HomeView(None, None, None, 0)
    return HomeView(session, state_of(session, c.now()), window(session), signed_in_count(c, session.id))


def active_members(c: Campaign) -> list[Member]:
    """The roster the kiosk searches (loaded once per visit to home, searched in memory as people type)."""
    return list_members(c, include_inactive=False)


def signin_target(c: Campaign) -> StudySession | None:
    """The session a sign-in now is for: the open one; else today's next one (refused: not open yet); else
    today's closed one (refused: closed); else none."""
    session = current_session(c)
    if session is not None:
        return session
    now = c.now()
    today = now.astimezone(c.tz).date()
    upcoming = next_session(c)
    if upcoming is not None and upcoming.start.astimezone(c.tz).date() == today:
        return upcoming
    earlier = [s for s in sessions_on(c, today) if state_of(s, now) is SessionState.CLOSED]
    return max(earlier, key=lambda s: s.end) if earlier else None


class OutcomeKind(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    ALREADY = "already"
    #: The PIN was wrong (tries left) or missing: ask again, on the PIN screen.
    WRONG_PIN = "wrong_pin"
    LOCKED = "locked"
    REFUSED = "refused"
    #: A parent's feedback was recorded (the kiosk's other errand).
    THANKS = "thanks"
    #: The store failed (busy, full disk, ...): nothing was recorded; try again or tell the secretary.
    FAULT = "fault"


@dataclass(frozen=True)
class Outcome:
    """How a sign-in attempt ended, and the words that say so (already in the active language)."""

    kind: OutcomeKind
    message: str
    member: Member | None = None
    session: StudySession | None = None
    at: datetime | None = None
    minutes_late: int = 0


def _refused(exc: Refused, member: Member | None, session: StudySession | None) -> Outcome:
    kind = {
        "signin.already": OutcomeKind.ALREADY,
        "signin.wrong_pin": OutcomeKind.WRONG_PIN,
        "signin.pin_required": OutcomeKind.WRONG_PIN,
        "signin.locked": OutcomeKind.LOCKED,
    }.get(exc.key, OutcomeKind.REFUSED)
    return Outcome(kind, exc.message(), member, session)


@dataclass(frozen=True)
class PinStep:
    """Before asking for a PIN: the session a sign-in will be for, and an outcome to show instead, if any."""

    session: StudySession | None
    outcome: Outcome | None


def before_pin(c: Campaign, member: Member, *, how: SignInMethod = SignInMethod.KIOSK) -> PinStep:
    """Find the session to sign in to, and whether to skip the PIN: locked or no PIN set (an outcome to show at
    once), or PINs not required (signed in straight away). Never counts a wrong try.

    Done while the member types their PIN, so the sign-in after Enter has less to do.
    """
    session = signin_target(c)
    if not c.settings.require_pin:
        return PinStep(session, attempt_at(c, session, member.code, None, how=how))
    try:
        signin.check_pin(c, member, None, how=how)
    except Refused as exc:
        if exc.key == "signin.pin_required":
            return PinStep(session, None)
        return PinStep(session, _refused(exc, member, None))
    return PinStep(session, None)


def attempt(c: Campaign, code: str, pin: str | None, *, how: SignInMethod) -> Outcome:
    """Sign ``code`` in with ``pin`` at :func:`signin_target`; every refusal comes back as an :class:`Outcome`."""
    return attempt_at(c, signin_target(c), code, pin, how=how)


def attempt_at(c: Campaign, session: StudySession | None, code: str, pin: str | None, *, how: SignInMethod) -> Outcome:
    """Sign ``code`` in at ``session`` (as found by :func:`before_pin`); ``sign_in`` re-checks its window inside
    its own transaction, so a session that closed since is refused all the same."""
    try:
        member = member_to_sign_in(c, code)
    except Refused as exc:
        return Outcome(OutcomeKind.REFUSED, exc.message())
    if session is None:
        return Outcome(OutcomeKind.REFUSED, t("signin.no_session"), member)
    try:
        result = signin.sign_in(c, session.id, member.code, pin, how=how)
    except Refused as exc:
        return _refused(exc, member, session)
    record = result.attendance
    kind = OutcomeKind.LATE if result.late else OutcomeKind.ON_TIME
    message = t("signin.late", minutes=record.minutes_late) if result.late else t("signin.on_time")
    return Outcome(kind, message, result.member, result.session, record.at, record.minutes_late)


def refusal_for_code(c: Campaign, code: str) -> Outcome:
    """Why ``code`` (typed or scanned, not among the search results) cannot sign in: not on the roster, or inactive."""
    from storage.errors import StoreError

    try:
        member_to_sign_in(c, code)
    except Refused as exc:
        return Outcome(OutcomeKind.REFUSED, exc.message())
    except StoreError:
        pass
    return Outcome(OutcomeKind.REFUSED, t("signin.not_on_roster", code=code.strip()))
