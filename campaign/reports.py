"""Attendance reports over a date range: by study session and by member, exported as CSV or XLSX."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storage.records import AttendanceStatus, StudySession

from .context import Campaign
from .errors import Refused
from .exports import Cell, Percent, Sheet, export_path, write_csv, write_xlsx
from .i18n import t
from .study_sessions import expected_at, state_of

ATTENDED = (AttendanceStatus.ON_TIME, AttendanceStatus.LATE, AttendanceStatus.MAKE_UP)
STATUSES = (
    AttendanceStatus.ON_TIME,
    AttendanceStatus.LATE,
    AttendanceStatus.MAKE_UP,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.ABSENT,
)


@dataclass(frozen=True)
class SessionLine:
    """One study session: how many members had each status; ``missing`` have no record yet (still open)."""

    session: StudySession
    state: str
    counts: dict[AttendanceStatus, int]
    missing: int

    @property
    def attended(self) -> int:
        return sum(self.counts.get(s, 0) for s in ATTENDED)


@dataclass(frozen=True)
class MemberLine:
    """One member over the range: sessions held while they were on the roster, and what they did."""

    code: str
    name: str
    school: str
    sessions: int
    counts: dict[AttendanceStatus, int]

    @property
    def attended(self) -> int:
        return sum(self.counts.get(s, 0) for s in ATTENDED)

    @property
    def rate(self) -> float | None:
        """Attended / sessions, or None when there were none."""
        return self.attended / self.sessions if self.sessions else None


@dataclass(frozen=True)
class AttendanceReport:
    first: date
    last: date
    sessions: tuple[SessionLine, ...]
    members: tuple[MemberLine, ...]


def attendance_report(c: Campaign, first: date, last: date) -> AttendanceReport:
    """Attendance of every study session starting between ``first`` and ``last`` (local dates, inclusive).

    Cancelled sessions are left out. A member counts toward a session if they have a record for it, or if they are
    active and the session, not closed yet, has no record for them.
    """
    if last < first:
        raise Refused("reports.bad_range", first=first.isoformat(), last=last.isoformat())
    tz, now = c.tz, c.now()
    held = [s for s in c.repos.sessions.all() if not s.cancelled and first <= s.start.astimezone(tz).date() <= last]
    members = {m.code: m for m in c.repos.members.all()}
    active = [code for code, m in members.items() if m.active]
    per_member: dict[str, Counter[AttendanceStatus]] = {}
    sessions_of: Counter[str] = Counter()
    session_lines: list[SessionLine] = []
    for s in held:
        records = {a.member: a for a in c.repos.attendance.for_session(s.id)}
        counts: Counter[AttendanceStatus] = Counter(a.status for a in records.values())
        # Closing recorded every member then on the roster; anyone without a record joined later.
        missing = (
            []
            if s.closed_at is not None
            else [code for code in active if code not in records and expected_at(members[code], s)]
        )
        for code, a in records.items():
            per_member.setdefault(code, Counter())[a.status] += 1
            sessions_of[code] += 1
        for code in missing:
            per_member.setdefault(code, Counter())
            sessions_of[code] += 1
        session_lines.append(SessionLine(s, str(state_of(s, now)), dict(counts), len(missing)))
    member_lines = [
        MemberLine(
            code,
            members[code].name if code in members else "",
            members[code].school if code in members else "",
            sessions_of[code],
            dict(per_member.get(code, Counter())),
        )
        for code in sorted(
            set(per_member) | set(active), key=lambda k: (members[k].school, k) if k in members else ("", k)
        )
    ]
    return AttendanceReport(first, last, tuple(session_lines), tuple(member_lines))


def session_table(c: Campaign, report: AttendanceReport, lang: str | None = None) -> list[list[Cell]]:
    """The by-session sheet: a header row, then one row per session."""
    header = [
        t("reports.col_id", lang=lang),
        t("reports.col_date", lang=lang),
        t("reports.col_title", lang=lang),
        t("reports.col_state", lang=lang),
        *(t(f"reports.status_{s}", lang=lang) for s in STATUSES),
        t("reports.col_missing", lang=lang),
    ]
    rows: list[list[Cell]] = [list(header)]
    for line in report.sessions:
        rows.append(
            [
                line.session.id,
                f"{line.session.start.astimezone(c.tz):%Y-%m-%d %H:%M}",
                line.session.title,
                t(f"sessions.state_{line.state}", lang=lang),
                *(line.counts.get(s, 0) for s in STATUSES),
                line.missing,
            ]
        )
    return rows


def member_table(report: AttendanceReport, lang: str | None = None) -> list[list[Cell]]:
    """The by-member sheet: a header row, then one row per member."""
    header = [
        t("reports.col_code", lang=lang),
        t("reports.col_name", lang=lang),
        t("reports.col_school", lang=lang),
        t("reports.col_sessions", lang=lang),
        *(t(f"reports.status_{s}", lang=lang) for s in STATUSES),
        t("reports.col_rate", lang=lang),
    ]
    rows: list[list[Cell]] = [list(header)]
    for m in report.members:
        rows.append([m.code, m.name, m.school, m.sessions, *(m.counts.get(s, 0) for s in STATUSES), Percent(m.rate)])
    return rows


def report_sheets(c: Campaign, report: AttendanceReport, lang: str | None = None) -> list[Sheet]:
    """The two tables (by session, by member) as sheets."""
    by_session, by_member = session_table(c, report, lang), member_table(report, lang)
    return [
        Sheet(t("reports.sheet_sessions", lang=lang), [str(h) for h in by_session[0]], by_session[1:]),
        Sheet(t("reports.sheet_members", lang=lang), [str(h) for h in by_member[0]], by_member[1:]),
    ]


def export_report(
    c: Campaign, report: AttendanceReport, out: Path, lang: str | None = None, *, encoding: str = "utf-8"
) -> Path:
    """Write the report to ``out``: ``.csv`` (both tables one after the other; UTF-8 with BOM so Excel reads
    Chinese, or GBK) or ``.xlsx`` (one sheet per table, rates as percentages). Other suffixes are refused. A
    relative ``out`` is written under ``<data dir>/exports/`` (:func:`campaign.exports.export_path`); the absolute
    path written is returned."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise Refused("reports.unsupported_format", suffix=suffix or "?")
    sheets = report_sheets(c, report, lang)
    out = export_path(c, out)
    path = write_csv(out, sheets, encoding=encoding) if suffix == ".csv" else write_xlsx(out, sheets)
    with c.store.transaction():
        c.audit("report.export", file=path.name, first=report.first.isoformat(), last=report.last.isoformat())
    return path
