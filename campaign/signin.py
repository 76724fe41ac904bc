"""Signing in at a study session: the one rule every path (kiosk, badge scan, script) goes through."""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import Attendance, AttendanceStatus, Member, SignInMethod, StudySession

from . import lockout
from .context import Campaign
from .errors import Refused
from .hashing import verify_secret
from .roster import MAX_PIN, member_to_sign_in
from .study_sessions import SessionState, get_session, state_of, window


@dataclass(frozen=True)
class SignInResult:
    member: Member
    session: StudySession
    attendance: Attendance

    @property
    def late(self) -> bool:
        return self.attendance.status is AttendanceStatus.LATE


def _lock_subject(c: Campaign, code: str, how: SignInMethod | None = None) -> str:
    """Counted per member and per place: the kiosk (and its badge scanner), a script, the secretary."""
    if how is None:
        place = lockout.place_of(c.actor)
    elif how in (SignInMethod.KIOSK, SignInMethod.SCAN):
        place = lockout.KIOSK
    elif how is SignInMethod.SECRETARY:
        place = lockout.ADMIN
    else:
        place = lockout.SCRIPT
    return lockout.subject("signin", place, code)


def check_pin(
    c: Campaign, member: Member, pin: str | None, *, how: SignInMethod | None = None, keep_count: bool = False
) -> str | None:
    """Refuse a wrong or missing PIN (when the branch requires PINs); after five wrong tries in a row each next
    try waits, longer each time. A try is counted before the PIN is checked (see :mod:`campaign.lockout`).

    A right PIN clears the count, unless ``keep_count``: then the caller clears it (in the transaction that records
    the sign-in, saving a commit) and gets the subject to clear; otherwise None."""
    name = _lock_subject(c, member.code, how)
    lockout.check(c, name, "signin.locked")
    if not c.settings.require_pin:
        return None
    if member.pin_hash is None:
        raise Refused("signin.no_pin_set", name=member.name)
    if pin is None or pin == "":
        raise Refused("signin.pin_required")
    if len(pin) > MAX_PIN:
        pin = pin[:MAX_PIN] + "x"  # never a right PIN; still counted, and never hashed at length
    left = lockout.begin_attempt(c, name, "signin.locked")
    if not verify_secret(pin, member.pin_hash):
        raise lockout.refusal_after_wrong(c, name, left, wrong="signin.wrong_pin", waiting="signin.locked")
    if keep_count:
        return name
    lockout.succeeded(c, name)
    return None


def sign_in(
    c: Campaign,
    session_id: int,
    code: str,
    pin: str | None,
    *,
    how: SignInMethod = SignInMethod.KIOSK,
) -> SignInResult:
    """Sign ``code`` in at the session, unless refused (unknown member, wrong PIN, window shut, already in).

    The check "not signed in yet" and the write happen in one transaction, so two kiosks or scripts signing in
    the same member at once record it once.
    """
    member = member_to_sign_in(c, code)
    get_session(c, session_id)  # an unknown session is refused before a PIN try is counted
    counted = check_pin(c, member, pin, how=how, keep_count=True)
    try:
        return _record(c, session_id, member, how, counted)
    except Refused:
        if counted is not None:  # the PIN was right: its try does not count, whatever else refused the sign-in
            lockout.succeeded(c, counted)
        raise


def _record(c: Campaign, session_id: int, member: Member, how: SignInMethod, counted: str | None) -> SignInResult:
    with c.store.transaction():
        session = get_session(c, session_id)
        now = c.now()
        state = state_of(session, now)
        if state is SessionState.SCHEDULED:
            opens = window(session).opens.astimezone(c.tz)
            if opens.date() != now.astimezone(c.tz).date():  # another day: say which
                raise Refused("limits.not_open_yet_on", date=f"{opens:%Y-%m-%d}", opens=f"{opens:%H:%M}")
            raise Refused("signin.not_open_yet", opens=f"{opens:%H:%M}")
        if state is not SessionState.OPEN:
            raise Refused("signin.closed", title=session.title)
        existing = c.repos.attendance.get(session.id, member.code)
        if existing is not None and existing.status is not AttendanceStatus.ABSENT:
            raise Refused("signin.already", name=member.name, at=f"{existing.at.astimezone(c.tz):%H:%M}")
        late = now > window(session).late_after
        minutes_late = max(int((now - session.start).total_seconds() // 60), 0) if late else 0
        record = Attendance(
            session_id=session.id,
            member=member.code,
            status=AttendanceStatus.LATE if late else AttendanceStatus.ON_TIME,
            at=now,
            how=how,
            minutes_late=minutes_late,
        )
        c.repos.attendance.put(record)
        if counted is not None:
            lockout.clear(c, counted)  # in the same commit as the sign-in
    return SignInResult(member, session, record)
