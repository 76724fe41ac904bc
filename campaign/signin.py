"""Signing in at a study session: the one rule every path (kiosk, badge scan, script) goes through."""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import Attendance, AttendanceStatus, Member, SignInMethod, StudySession

from . import lockout
from .context import Campaign
from .errors import Refused
from .hashing import verify_secret
from .roster import member_to_sign_in
from .study_sessions import SessionState, get_session, state_of, window


@dataclass(frozen=True)
class SignInResult:
    member: Member
    session: StudySession
    attendance: Attendance

    @property
    def late(self) -> bool:
        return self.attendance.status is AttendanceStatus.LATE


def _lock_subject(code: str) -> str:
    return f"signin:{code}"


def check_pin(c: Campaign, member: Member, pin: str | None) -> None:
    """Refuse a wrong or missing PIN (when the branch requires PINs); five wrong tries lock for five minutes."""
    until = lockout.locked_until(c, _lock_subject(member.code))
    if until is not None:
        raise Refused("signin.locked", until=f"{until.astimezone(c.tz):%H:%M}")
    if not c.settings.require_pin:
        return
    if member.pin_hash is None:
        raise Refused("signin.no_pin_set", name=member.name)
    if pin is None or pin == "":
        raise Refused("signin.pin_required")
    if not verify_secret(pin, member.pin_hash):
        with c.store.transaction():
            left = lockout.record_failure(c, _lock_subject(member.code))
        if left == 0:
            until = lockout.locked_until(c, _lock_subject(member.code))
            raise Refused("signin.locked", until=f"{until.astimezone(c.tz):%H:%M}" if until else "")
        raise Refused("signin.wrong_pin", left=left)


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
    session = get_session(c, session_id)
    check_pin(c, member, pin)
    with c.store.transaction():
        session = get_session(c, session_id)
        now = c.now()
        state = state_of(session, now)
        if state is SessionState.SCHEDULED:
            raise Refused("signin.not_open_yet", opens=f"{window(session).opens.astimezone(c.tz):%H:%M}")
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
        lockout.clear(c, _lock_subject(member.code))
    return SignInResult(member, session, record)
