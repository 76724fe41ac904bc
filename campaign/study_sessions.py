"""Study sessions (集中学习): scheduling, the sign-in window, excused absences, closing with absentees."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from storage.records import Attendance, AttendanceStatus, Member, SignInMethod, StudySession

from .context import Campaign
from .errors import Refused
from .roster import get_member

MAX_TITLE = 200


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Window:
    opens: datetime
    late_after: datetime
    closes: datetime


def window(s: StudySession) -> Window:
    return Window(
        opens=s.start - timedelta(minutes=s.opens_before_min),
        late_after=s.start + timedelta(minutes=s.late_after_min),
        closes=s.end + timedelta(minutes=s.closes_after_min),
    )


def state_of(s: StudySession, now: datetime) -> SessionState:
    if s.cancelled:
        return SessionState.CANCELLED
    if s.closed_at is not None or s.forced == "closed":
        return SessionState.CLOSED
    if s.forced == "open":
        return SessionState.OPEN
    w = window(s)
    if now < w.opens:
        return SessionState.SCHEDULED
    if now <= w.closes:
        return SessionState.OPEN
    return SessionState.CLOSED


def parse_local(c: Campaign, text: str) -> datetime:
    """ "YYYY-MM-DD HH:MM" in the branch's time zone."""
    try:
        at = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise Refused("sessions.bad_time", text=text) from None
    return at.replace(tzinfo=c.tz)


def create_session(
    c: Campaign, title: str, start: datetime, end: datetime, *, place: str = "", topic: str = "", kind: str = ""
) -> StudySession:
    from .session_series import check_kind

    kind = check_kind(kind)
    title = title.strip()
    if not title:
        raise Refused("sessions.title_empty")
    if len(title) > MAX_TITLE:
        raise Refused("sessions.title_too_long", limit=MAX_TITLE)
    if end <= start:
        raise Refused("sessions.end_before_start")
    settings = c.settings
    session = StudySession(
        id=0,
        title=title,
        start=start,
        end=end,
        topic=topic.strip(),
        place=place.strip(),
        opens_before_min=settings.signin_opens_before_min,
        late_after_min=settings.late_after_min,
        closes_after_min=settings.signin_closes_after_min,
        kind=kind,
    )
    with c.store.transaction():
        session = c.repos.sessions.add(session)
        c.audit("session.create", id=session.id, title=title, start=start.isoformat(), end=end.isoformat(), kind=kind)
    return session


def get_session(c: Campaign, session_id: int) -> StudySession:
    s = c.repos.sessions.get(session_id)
    if s is None:
        raise Refused("sessions.no_such_session", id=session_id)
    return s


def list_sessions(c: Campaign) -> list[StudySession]:
    return c.repos.sessions.all()


def edit_session(
    c: Campaign,
    session_id: int,
    *,
    title: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    place: str | None = None,
    topic: str | None = None,
) -> StudySession:
    with c.store.transaction():
        s = get_session(c, session_id)
        updated = replace(
            s,
            title=(title.strip() if title is not None else s.title),
            start=start or s.start,
            end=end or s.end,
            place=(place.strip() if place is not None else s.place),
            topic=(topic.strip() if topic is not None else s.topic),
        )
        if not updated.title:
            raise Refused("sessions.title_empty")
        if updated.end <= updated.start:
            raise Refused("sessions.end_before_start")
        c.repos.sessions.put(updated)
        c.audit("session.edit", id=session_id)
    return updated


def open_now(c: Campaign, session_id: int) -> StudySession:
    """Force the sign-in window open now (the secretary starts early, or reopens a session by mistake closed)."""
    with c.store.transaction():
        s = get_session(c, session_id)
        if s.cancelled:
            raise Refused("sessions.cancelled", id=session_id)
        updated = replace(s, forced="open", closed_at=None)
        c.repos.sessions.put(updated)
        c.audit("session.open", id=session_id)
    return updated


def cancel_session(c: Campaign, session_id: int) -> StudySession:
    with c.store.transaction():
        s = get_session(c, session_id)
        updated = replace(s, cancelled=True)
        c.repos.sessions.put(updated)
        c.audit("session.cancel", id=session_id)
    return updated


def expected_at(m: Member, s: StudySession) -> bool:
    """Whether ``m`` is expected at ``s``: active, and a member already while it was held (joined before its end;
    a member whose joining was not recorded counts as always a member)."""
    return m.active and (m.joined is None or m.joined < s.end)


@dataclass(frozen=True)
class ClosePlan:
    """What closing a session now would do, for the confirmation the secretary reads first."""

    session: StudySession
    #: The session has not started yet: closing ends its (forced) window and records nobody absent.
    before_start: bool
    #: How many members closing would record absent.
    absent: int
    #: How many already have a record (signed in, excused, made up): kept as they are.
    recorded: int


def close_plan(c: Campaign, session_id: int) -> ClosePlan:
    s = get_session(c, session_id)
    if s.cancelled:
        raise Refused("sessions.cancelled", id=session_id)
    before = c.now() < s.start
    present = {a.member for a in c.repos.attendance.for_session(session_id)}
    absent = 0 if before else sum(1 for m in c.repos.members.all() if expected_at(m, s) and m.code not in present)
    return ClosePlan(s, before, absent, len(present))


def close_session(c: Campaign, session_id: int, *, confirmed: bool = False) -> list[Attendance]:
    """Close the window and record as absent every member expected at it (:func:`expected_at`) without a record.
    Returns the absentees.

    Before the session's start nobody is recorded absent (it has not been held); closing then is refused unless
    ``confirmed`` (the secretary read :func:`close_plan`'s account of it), since it is usually a mistake.
    """
    with c.store.transaction():
        s = get_session(c, session_id)
        if s.cancelled:
            raise Refused("sessions.cancelled", id=session_id)
        now = c.now()
        before = now < s.start
        if before and not confirmed:
            raise Refused(
                "attendance.confirm_before_start", id=session_id, start=f"{s.start.astimezone(c.tz):%Y-%m-%d %H:%M}"
            )
        present = {a.member for a in c.repos.attendance.for_session(session_id)}
        absentees = [
            Attendance(session_id, m.code, AttendanceStatus.ABSENT, now, SignInMethod.SECRETARY, by=c.actor)
            for m in ([] if before else c.repos.members.all())
            if expected_at(m, s) and m.code not in present
        ]
        c.repos.attendance.put_many(absentees)
        c.repos.sessions.put(replace(s, forced="closed", closed_at=now))
        c.audit("session.close", id=session_id, absent=len(absentees), before_start=before)
    return absentees


def excuse(c: Campaign, session_id: int, code: str, reason: str) -> Attendance:
    """Record an excused absence (请假) with its reason."""
    return _record_for_member(c, session_id, code, reason, AttendanceStatus.EXCUSED, "attendance.excuse")


def make_up(c: Campaign, session_id: int, code: str, reason: str) -> Attendance:
    """A make-up sign-in recorded by the secretary (补签): needs a reason and is audited."""
    return _record_for_member(c, session_id, code, reason, AttendanceStatus.MAKE_UP, "attendance.make_up")


def _record_for_member(
    c: Campaign, session_id: int, code: str, reason: str, status: AttendanceStatus, action: str
) -> Attendance:
    """The secretary records ``status`` for a member who has not signed in themselves; audited as ``action``."""
    reason = reason.strip()
    if not reason:
        raise Refused("sessions.reason_required")
    with c.store.transaction():
        s = get_session(c, session_id)
        member = get_member(c, code)
        existing = c.repos.attendance.get(s.id, member.code)
        if existing is not None and existing.status in (AttendanceStatus.ON_TIME, AttendanceStatus.LATE):
            raise Refused("signin.already", name=member.name, at=f"{existing.at.astimezone(c.tz):%H:%M}")
        record = Attendance(s.id, member.code, status, c.now(), SignInMethod.SECRETARY, by=c.actor, reason=reason)
        c.repos.attendance.put(record)
        c.audit(action, session=s.id, member=member.code, reason=reason)
    return record


@dataclass(frozen=True)
class RollCall:
    """Who is in, late, excused and missing for one session, as the secretary's live view shows it."""

    session: StudySession
    state: SessionState
    records: dict[str, Attendance]
    missing: list[str]


def roll_call(c: Campaign, session_id: int) -> RollCall:
    s = get_session(c, session_id)
    records = {a.member: a for a in c.repos.attendance.for_session(session_id)}
    # Closing recorded everyone then on the roster; a member without a record joined afterwards.
    closed = s.closed_at is not None
    missing = [] if closed else [m.code for m in c.repos.members.all() if expected_at(m, s) and m.code not in records]
    return RollCall(s, state_of(s, c.now()), records, missing)


#: The statuses that count as having attended.
PRESENT = frozenset({AttendanceStatus.ON_TIME, AttendanceStatus.LATE, AttendanceStatus.MAKE_UP})


def signed_in_count(c: Campaign, session_id: int) -> int:
    return sum(1 for a in c.repos.attendance.for_session(session_id) if a.status in PRESENT)


def sessions_on(c: Campaign, day: date) -> list[StudySession]:
    """The sessions starting on ``day`` (the branch's local date)."""
    return [s for s in c.repos.sessions.all() if s.start.astimezone(c.tz).date() == day]


def _not_over(c: Campaign, now: datetime) -> list[StudySession]:
    """The sessions that can be open or scheduled at ``now`` (a day of margin for time zones)."""
    return c.repos.sessions.not_over_before(now.astimezone(c.tz).date() - timedelta(days=1))


def current_session(c: Campaign) -> StudySession | None:
    """The session the kiosk signs into now: the open one starting closest to now."""
    now = c.now()
    open_ = [s for s in _not_over(c, now) if state_of(s, now) is SessionState.OPEN]
    if not open_:
        return None
    return min(open_, key=lambda s: abs((s.start - now).total_seconds()))


def next_session(c: Campaign) -> StudySession | None:
    now = c.now()
    upcoming = [s for s in _not_over(c, now) if state_of(s, now) is SessionState.SCHEDULED]
    return min(upcoming, key=lambda s: s.start) if upcoming else None
