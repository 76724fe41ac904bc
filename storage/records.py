"""Typed records for everything the store keeps, and their JSON documents.

Records are frozen dataclasses; ``to_doc`` / ``from_doc`` are the only place a record meets its JSON shape.
Times are ISO 8601 strings with their UTC offset; dates are ``YYYY-MM-DD``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Self


class Role(StrEnum):
    MEMBER = "member"
    COMMITTEE = "committee"
    SECRETARY = "secretary"


class AttendanceStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"
    MAKE_UP = "make_up"


class SignInMethod(StrEnum):
    KIOSK = "kiosk"
    SCAN = "scan"
    SECRETARY = "secretary"
    SCRIPT = "script"


class PledgeCategory(StrEnum):
    """The five 带头, in the campaign plan's order."""

    STUDY = "study"
    ACHIEVEMENT = "achievement"
    SERVICE = "service"
    DISCIPLINE = "discipline"
    INTEGRITY = "integrity"


class PledgeState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    FULFILLED = "fulfilled"
    EVALUATED = "evaluated"
    WITHDRAWN = "withdrawn"
    #: 未兑现: could not be kept for an objective reason; closed by the secretary with a public reason.
    UNKEPT = "unkept"


class PledgeGrade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


class FeedbackOption(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"
    UNKNOWN = "unknown"


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


class Record:
    """Mixin: JSON documents from and to frozen dataclasses."""

    def to_doc(self) -> dict[str, Any]:
        # A walk over the fields rather than dataclasses.asdict, which deep-copies every value first: same
        # document (records hold no nested dataclasses; _to_json copies lists and dicts), 5x faster.
        return {f.name: _to_json(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        convert = _CONVERTERS.get(cls) or _converters(cls)
        kwargs = {k: None if v is None else convert[k](v) for k, v in doc.items() if k in convert}
        return cls(**kwargs)


_DATETIME_FIELDS = {
    "start",
    "end",
    "at",
    "issued_at",
    "used_at",
    "created",
    "closed_at",
    "updated",
    "opened_at",
    "published_at",
    "expires_at",
    "joined",
}
_DATE_FIELDS = {"due", "expires", "day"}


#: Per record class: its fields' converters from JSON (built once: a session list converts ~5,000 values).
_CONVERTERS: dict[type, dict[str, Callable[[Any], Any]]] = {}


def _converter(parse: Callable[[str], Any] | None, enum: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if parse is not None and isinstance(value, str):
            return parse(value)
        if isinstance(value, list):
            return tuple(value)
        return value if enum is None else enum(value)

    return convert


def _converters(cls: type) -> dict[str, Callable[[Any], Any]]:
    """How each field of ``cls`` is read back: ISO strings of time fields as datetimes (dates), lists as tuples,
    enum fields as their enum, anything else as it is. ``None`` stays ``None`` (in :meth:`Record.from_doc`)."""
    out: dict[str, Callable[[Any], Any]] = {}
    for f in fields(cls):
        parse: Callable[[str], Any] | None = None
        if f.name in _DATETIME_FIELDS:
            parse = datetime.fromisoformat
        elif f.name in _DATE_FIELDS:
            parse = date.fromisoformat
        out[f.name] = _converter(parse, _ENUM_FIELDS.get((cls.__name__, f.name)))
    _CONVERTERS[cls] = out
    return out


@dataclass(frozen=True)
class School(Record):
    name: str


@dataclass(frozen=True)
class Member(Record):
    code: str
    name: str
    school: str
    role: Role = Role.MEMBER
    active: bool = True
    pin_hash: str | None = None
    #: Computed once at save time (pypinyin), so the kiosk never loads the pinyin dictionary.
    pinyin_full: str = ""
    pinyin_initials: str = ""
    #: When the member was added (None: before this was recorded). A member is expected only at sessions
    #: held while they were a member.
    joined: datetime | None = None


@dataclass(frozen=True)
class StudySession(Record):
    id: int
    title: str
    start: datetime
    end: datetime
    topic: str = ""
    place: str = ""
    opens_before_min: int = 30
    late_after_min: int = 5
    closes_after_min: int = 30
    #: "open" / "closed" when the secretary forced the window; None follows the clock.
    forced: str | None = None
    closed_at: datetime | None = None
    cancelled: bool = False
    #: Which of 三会一课 it is (campaign.session_kinds.KINDS); "" for a study session of no particular kind.
    kind: str = ""


@dataclass(frozen=True)
class Attendance(Record):
    session_id: int
    member: str
    status: AttendanceStatus
    at: datetime
    how: SignInMethod
    by: str | None = None
    reason: str | None = None
    minutes_late: int = 0


@dataclass(frozen=True)
class PledgeEvent(Record):
    """One step in a pledge's history: who (a member code, or the secretary's actor name), when, the state after
    it, the comment or note, and for steps that change fields, what changed (``{field: [old, new]}``)."""

    at: datetime
    by: str
    state: PledgeState
    note: str = ""
    #: The step (campaign.pledge_rules.Action): "create", "submit", "publish", "return", "progress", ...
    action: str = ""
    from_state: PledgeState | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    #: The program it came through ("kiosk", "web", "secretary", "cli:<user>").
    via: str = ""


@dataclass(frozen=True)
class Pledge(Record):
    id: str
    member: str
    category: PledgeCategory
    text: str
    target: str
    due: date
    state: PledgeState
    created: datetime
    progress: tuple[dict[str, str], ...] = ()
    evidence: str = ""
    grade: PledgeGrade | None = None
    grade_comment: str = ""
    history: tuple[dict[str, Any], ...] = ()
    #: 自评: the member's own assessment of a fulfilled pledge (optional).
    self_grade: PledgeGrade | None = None
    self_comment: str = ""
    #: The public reason of a withdrawn or unkept (未兑现) pledge.
    reason: str = ""
    #: When it was published (公示 starts); None before.
    published_at: datetime | None = None
    updated: datetime | None = None


@dataclass(frozen=True)
class PeerRating(Record):
    """互评: one member's rating of another's fulfilled pledge. Kept apart from the pledge (its own partition), and
    only with the day, so the pledge document never shows who rated it; screens show tallies only."""

    pledge: str
    rater: str
    grade: PledgeGrade
    day: date


@dataclass(frozen=True)
class EvaluationWindow(Record):
    """A peer-rating window the secretary opened (and maybe closed)."""

    id: int
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None = None
    closed_by: str = ""


@dataclass(frozen=True)
class PledgeLink(Record):
    """A short-lived, single-use code that lets a member write a pledge (or a progress note) on their phone."""

    code: str
    member: str
    created: datetime
    expires_at: datetime
    #: The published pledge a progress note is for; empty: the link writes a new draft.
    pledge: str = ""
    used_at: datetime | None = None
    #: The pledge the link produced (the new draft, or the pledge that got the note).
    result: str = ""


@dataclass(frozen=True)
class FeedbackBatch(Record):
    id: str
    member: str
    class_label: str
    count: int
    issued_at: datetime
    expires: date
    by: str


@dataclass(frozen=True)
class FeedbackToken(Record):
    code: str
    batch: str
    member: str
    class_label: str
    expires: date
    used_at: datetime | None = None


@dataclass(frozen=True)
class Feedback(Record):
    """A parent's answer. Deliberately has no token field: an answer cannot be traced to its slip."""

    member: str
    school: str
    option: FeedbackOption
    day: date
    comment: str = ""


@dataclass(frozen=True)
class AuditEntry(Record):
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PointsAdjustment(Record):
    id: int
    member: str
    points: int
    reason: str
    by: str
    at: datetime
    undone: bool = False


@dataclass(frozen=True)
class Settings(Record):
    """Branch settings, kept in the store so every process agrees on them."""

    #: The branch's local time zone; every time shown or parsed is in it.
    timezone: str = "Asia/Shanghai"
    #: UI language: "zh_CN" (default) or "en".
    language: str = "zh_CN"
    #: Sign-in opens this many minutes before a session starts.
    signin_opens_before_min: int = 30
    #: A sign-in is late this many minutes after the start.
    late_after_min: int = 5
    #: Sign-in closes this many minutes after the session ends.
    signin_closes_after_min: int = 30
    #: Whether members must enter their PIN to sign in.
    require_pin: bool = True
    #: Seconds without input after which the kiosk returns home and forgets who was there.
    idle_timeout_s: int = 60
    #: The branch's parent-satisfaction target (五个好: 90%).
    satisfaction_target: float = 0.90
    #: Below this many valid answers a teacher, school or the branch is "too few answers", not met / not met.
    satisfaction_min_n: int = 20
    #: How many automatic backups to keep.
    backup_keep: int = 14
    #: Address the parent-feedback server listens on (all addresses: it serves the school network).
    web_host: str = "0.0.0.0"  # noqa: S104 - it serves the school LAN by design
    #: Port the parent-feedback server listens on.
    web_port: int = 8080
    #: The branch's name, e.g. "第十八中学党支部": the title of its reports.
    branch_name: str = ""
    #: The URL printed in QR codes, e.g. "http://192.168.1.20:8080"; empty: derived from host and port.
    public_url: str = ""
    #: Days a newly published pledge stays marked as being in its 公示 (public notice) period on the pledge board.
    pledge_publicity_days: int = 5
    #: The largest share of a year's fulfilled pledges that may be graded 优秀 (excellent); 1 means no cap.
    pledge_excellent_max_fraction: float = 1.0
    #: Minutes a "write it on your phone" link stays valid.
    pledge_link_minutes: int = 15
    #: A member's pledges due within this many days are mentioned after their sign-in.
    pledge_due_soon_days: int = 7
    #: The day the spring term starts each year (MM-DD); it runs to the day before the autumn term.
    term_spring_start: str = "02-01"
    #: The day the autumn term starts each year (MM-DD); it runs to the day before next spring's term.
    term_autumn_start: str = "08-01"
    #: How the leaderboard ranks ties: "competition" (1, 2, 2, 4) or "dense" (1, 2, 2, 3).
    points_ranking: str = "competition"


_ENUM_FIELDS: dict[tuple[str, str], Any] = {
    ("Member", "role"): Role,
    ("Attendance", "status"): AttendanceStatus,
    ("Attendance", "how"): SignInMethod,
    ("PledgeEvent", "state"): PledgeState,
    ("PledgeEvent", "from_state"): PledgeState,
    ("Pledge", "self_grade"): PledgeGrade,
    ("PeerRating", "grade"): PledgeGrade,
    ("Pledge", "category"): PledgeCategory,
    ("Pledge", "state"): PledgeState,
    ("Pledge", "grade"): PledgeGrade,
    ("Feedback", "option"): FeedbackOption,
}
