"""The incremental points index: each member's facts and dated points, kept up to date by re-reading only the
store partitions that changed since the last look.

What it holds per member is small: attendance as one byte per study session, pledge facts, answer counts per
term, adjustments — and a *ledger*: the member's entry days and running totals, so the points of any period are
two binary searches. A refresh compares each partition's identity (inode, size, mtime, ctime — the store's own
snapshot signature) with the one it summarised; a directory (``attendance/``, ``feedback/``) is looked into only
when its own mtime moved, or when this process's own commits (:meth:`storage.Store.commits_into`) explain the move
and name the partitions. Changing the rules, the sessions, the term dates or the day a term ends recomputes every
member from the facts already held.

It must always equal :func:`campaign.points.gather_facts` + :func:`campaign.points_calc.member_entries` over every
record (a property test checks it after random sequences of writes).
"""

from __future__ import annotations

import os
import threading
import weakref
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from storage import Store
from storage.pledge_repos import PLEDGE_FOLDER, Pledges
from storage.records import AttendanceStatus, FeedbackOption, Member, PledgeGrade

from . import dir_watch
from .context import Campaign
from .points_calc import (
    NOT_COUNTED_PLEDGE_STATES,
    AdjustmentFact,
    Context,
    Entry,
    Leaderboard,
    MemberFacts,
    PledgeFact,
    SessionFact,
    member_entries,
)
from .points_periods import Term, term_of, term_starts, terms_between
from .points_rules import load_rules
from .satisfaction import Satisfaction

Signature = tuple[int, int, int, int]
_STATUS_CODES = {str(s): i for i, s in enumerate(AttendanceStatus, start=1)}
_STATUSES = (None, *AttendanceStatus)
_OPTIONS = {str(o): i for i, o in enumerate(FeedbackOption)}
#: How many periods' totals are kept up to date (month, term, year, all — and a few others a screen asked for).
_PERIODS_KEPT = 8


def _sig(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass
class _Ledger:
    """A member's entry days (ordinals, ascending) and the running total after each."""

    days: array[int] = field(default_factory=lambda: array("i"))
    totals: array[int] = field(default_factory=lambda: array("i"))

    def between(self, first: date | None, last: date | None) -> int:
        if not self.totals:
            return 0
        hi = len(self.days) if last is None else bisect_right(self.days, last.toordinal())
        lo = 0 if first is None else bisect_left(self.days, first.toordinal())
        if hi <= lo:
            return 0
        return self.totals[hi - 1] - (self.totals[lo - 1] if lo else 0)


def _ledger(entries: list[Entry]) -> _Ledger:
    by_day: dict[int, int] = {}
    for e in entries:
        o = e.day.toordinal()
        by_day[o] = by_day.get(o, 0) + e.points
    ledger = _Ledger()
    running = 0
    for o in sorted(by_day):
        running += by_day[o]
        ledger.days.append(o)
        ledger.totals.append(running)
    return ledger


class PointsIndex:
    """One store's points index. Thread-safe; use :func:`index_for` to share one per store."""

    def __init__(self, store: Store) -> None:
        # Held weakly: index_for keeps indexes in a WeakKeyDictionary keyed by the store, and a value that held its
        # key strongly would keep every store (and its directory watches) alive for the life of the process.
        self._store = weakref.ref(store)
        self._lock = threading.RLock()
        self._watches: dict[str, dir_watch.DirWatch | bool] = {}
        weakref.finalize(self, _close_watches, self._watches)
        self._reset()

    @property
    def store(self) -> Store:
        store = self._store()
        if store is None:  # pragma: no cover - index_for drops an index with its store
            raise RuntimeError("the store of this points index is gone")
        return store

    def _reset(self) -> None:
        _close_watches(self._watches)
        self._sigs: dict[str, Signature | None] = {}
        self._dir_mtimes: dict[str, int] = {}
        self._members: dict[str, Member] = {}
        self._tz = ZoneInfo("Asia/Shanghai")
        self._term_key: object = None
        self._sessions: list[SessionFact] = []
        self._session_keys: dict[int, tuple[datetime, SessionFact]] = {}
        # attendance: member → status code per session id (0: no record)
        self._att: dict[str, bytearray] = {}
        self._bucket_members: dict[int, set[str]] = {}
        # pledges: partition → pledge id → (member, fact)
        self._pledge_parts: dict[str, dict[str, tuple[str, PledgeFact]]] = {}
        self._pledges: dict[str, dict[str, PledgeFact]] = {}
        self._pledge_first: dict[str, date | None] = {}
        #: The pledge folders (one per year) the index has read files from.
        self._pledge_folders: set[str] = set()
        self._term_of_day: dict[str, Term] = {}
        # feedback: month ("YYYY-MM") → member → term → counts; and the sums per member
        self._fb_months: dict[str, dict[str, dict[Term, list[int]]]] = {}
        self._fb: dict[str, dict[Term, list[int]]] = {}
        self._fb_parts: dict[str, set[str]] = {}
        self._adjustments: dict[str, list[AdjustmentFact]] = {}
        self._ctx: Context | None = None
        self._ctx_key: object = None
        self._ledgers: dict[str, _Ledger] = {}
        self._period_totals: dict[tuple[date | None, date | None], dict[str, int]] = {}
        # Boards built from this state: any change that could alter one bumps the version.
        self._version = getattr(self, "_version", 0) + 1
        self._boards: dict[tuple[object, ...], tuple[int, Leaderboard]] = {}
        self._dirty: set[str] = set()
        self._all_dirty = True

    # ------------------------------------------------------------------------------------------- queries
    def active_members(self) -> list[Member]:
        with self._lock:
            return [m for m in self._members.values() if m.active]

    def total(self, code: str, first: date | None, last: date | None) -> int:
        ledger = self._ledgers.get(code)
        return 0 if ledger is None else ledger.between(first, last)

    def entries(self, code: str) -> list[Entry]:
        with self._lock:
            assert self._ctx is not None
            return member_entries(self._facts(code), self._ctx)

    def totals(self, first: date | None, last: date | None) -> dict[str, int]:
        """Every member's points between ``first`` and ``last`` (kept per period and updated member by member)."""
        with self._lock:
            totals = self._period_totals.get((first, last))
            if totals is None:
                if len(self._period_totals) >= _PERIODS_KEPT:
                    self._period_totals.pop(next(iter(self._period_totals)))
                totals = {code: ledger.between(first, last) for code, ledger in self._ledgers.items()}
                self._period_totals[(first, last)] = totals
            return totals

    def forget_boards(self) -> None:
        """Drop the boards and period totals kept (the next board is summed from every member's ledger)."""
        with self._lock:
            self._boards.clear()
            self._period_totals.clear()

    def cached_board(self, key: tuple[object, ...]) -> tuple[int, Leaderboard | None]:
        """The current version, and the board kept for ``key`` if it was built at that version."""
        with self._lock:
            hit = self._boards.get(key)
            return self._version, (hit[1] if hit is not None and hit[0] == self._version else None)

    def previous_board(self, key: tuple[object, ...]) -> Leaderboard | None:
        with self._lock:
            hit = self._boards.get(key)
            return hit[1] if hit is not None else None

    def keep_board(self, key: tuple[object, ...], version: int, board: Leaderboard) -> None:
        with self._lock:
            if len(self._boards) >= 2 * _PERIODS_KEPT and key not in self._boards:
                self._boards.pop(next(iter(self._boards)))
            self._boards[key] = (version, board)

    # ---------------------------------------------------------------------------------------- refreshing
    def refresh(self, c: Campaign, today: date) -> None:
        """Bring the index up to date with the store, the rules file and ``today``."""
        with self._lock:
            settings = c.settings
            tz = c.tz
            term_key = (term_starts(settings), settings.timezone)
            if term_key != self._term_key:
                self._reset()
                self._term_key, self._tz = term_key, tz
                self._settings = settings
            self._settings = settings
            self._refresh_members()
            sessions_changed = self._refresh_sessions()
            self._refresh_adjustments()
            self._refresh_pledges()
            self._refresh_attendance()
            self._refresh_feedback()
            rules = load_rules(self.store.root).rules
            ended = self._ended_terms(today)
            key = (rules, tuple(ended))
            if key != self._ctx_key or self._ctx is None:
                self._ctx_key = key
                self._all_dirty = True
            if self._all_dirty or sessions_changed:
                self._ctx = Context(rules, tuple(self._sessions), tuple(ended))
            self._rebuild()

    def _known(self, code: str) -> bool:
        return any(code in d for d in (self._members, self._att, self._pledges, self._fb, self._adjustments))

    def _rebuild(self) -> None:
        assert self._ctx is not None
        if self._all_dirty:
            self._ledgers.clear()
            self._period_totals.clear()
            codes = set(self._members) | set(self._att) | set(self._pledges) | set(self._fb) | set(self._adjustments)
            dirty = codes
        else:
            dirty = set()
            for code in self._dirty:
                if self._known(code):
                    dirty.add(code)
                else:
                    self._ledgers.pop(code, None)
                    for totals in self._period_totals.values():
                        totals.pop(code, None)
        if dirty or self._dirty:
            self._version += 1
        for code in dirty:
            ledger = self._ledgers[code] = _ledger(member_entries(self._facts(code), self._ctx))
            for (first, last), totals in self._period_totals.items():
                totals[code] = ledger.between(first, last)
        self._dirty.clear()
        self._all_dirty = False

    def _facts(self, code: str) -> MemberFacts:
        member = self._members.get(code)
        statuses = self._att.get(code)

        def attendance(sid: int) -> AttendanceStatus | None:
            if statuses is None or sid >= len(statuses):
                return None
            status: AttendanceStatus | None = _STATUSES[statuses[sid]]
            return status

        pledges = sorted(self._pledges.get(code, {}).values(), key=lambda p: (p.created, p.id))
        satisfaction = {
            term: Satisfaction(satisfied=n[0], basically=n[1], unsatisfied=n[2], unknown=n[3])
            for term, n in self._fb.get(code, {}).items()
            if any(n)
        }
        return MemberFacts(
            code,
            member.active if member else False,
            attendance,
            pledges,
            satisfaction,
            sorted(self._adjustments.get(code, []), key=lambda a: a.id),
        )

    def _ended_terms(self, today: date) -> list[Term]:
        firsts = [d for d in self._pledge_first.values() if d is not None]
        if not firsts:
            return []
        first = min(firsts)
        if first > today:
            return []
        return [term for term in terms_between(self._settings, first, today) if term.last < today]

    # ------------------------------------------------------------------------------------------ reading
    def _read(self, partition: str) -> tuple[Signature | None, dict[str, Any]]:
        return self.store.read_unkept(partition)

    def _changed(self, partition: str) -> bool:
        return self.store.signature(partition) != self._sigs.get(partition, (0, 0, 0, 0))

    def _refresh_members(self) -> None:
        if not self._changed("core"):
            return
        sig, data = self._read("core")
        self._sigs["core"] = sig
        members = {d["code"]: Member.from_doc(d) for d in data.get("members", {}).values()}
        for code in set(members) | set(self._members):
            old, new = self._members.get(code), members.get(code)
            if old is None or new is None or old.active != new.active:
                self._dirty.add(code)
        self._members = members
        self._version += 1  # names, schools, who is active: every board shows them

    def _refresh_sessions(self) -> bool:
        if not self._changed("sessions"):
            return False
        sig, data = self._read("sessions")
        self._sigs["sessions"] = sig
        rows = []
        for d in data.get("sessions", {}).values():
            if d.get("cancelled"):
                continue
            start = datetime.fromisoformat(d["start"])
            rows.append((start, int(d["id"]), SessionFact(int(d["id"]), start.astimezone(self._tz).date(), d["title"])))
        rows.sort(key=lambda r: (r[0], r[1]))
        keys = {r[1]: (r[0], r[2]) for r in rows}
        # Only members with a record in a session that appeared, went, moved or was renamed are affected: the
        # order of every other session among themselves is the same (sorted by the same start times).
        changed = {
            sid for sid in keys.keys() | self._session_keys.keys() if keys.get(sid) != self._session_keys.get(sid)
        }
        for code, row in self._att.items():
            if any(sid < len(row) and row[sid] for sid in changed):
                self._dirty.add(code)
        self._session_keys = keys
        self._sessions = [r[2] for r in rows]
        return bool(changed)

    def _refresh_adjustments(self) -> None:
        if not self._changed("adjustments"):
            return
        sig, data = self._read("adjustments")
        self._sigs["adjustments"] = sig
        by_member: dict[str, list[AdjustmentFact]] = {}
        for d in data.get("adjustments", {}).values():
            at = datetime.fromisoformat(d["at"]).astimezone(self._tz).date()
            fact = AdjustmentFact(int(d["id"]), at, int(d["points"]), d["reason"], bool(d.get("undone")))
            by_member.setdefault(d["member"], []).append(fact)
        for code in set(by_member) | set(self._adjustments):
            if by_member.get(code) != self._adjustments.get(code):
                self._dirty.add(code)
        self._adjustments = by_member

    def _refresh_pledges(self) -> None:
        # Each year's folder is watched like attendance's (a few thousand files at stress: no stat of each one).
        folders = {f"{PLEDGE_FOLDER}{year}" for year in Pledges(self.store).years()} | self._pledge_folders
        for folder in sorted(folders):
            for p in self._changed_in(folder):
                sig, data = self._read(p)
                if sig is None:  # gone (a restore): its pledges leave the ledgers
                    self._sigs.pop(p, None)
                else:
                    self._sigs[p] = sig
                facts: dict[str, tuple[str, PledgeFact]] = {}
                for d in data.get("pledges", {}).values():
                    facts[d["id"]] = (d["member"], self._pledge_fact(d))
                self._apply_pledges(p, facts)

    def _pledge_fact(self, d: dict[str, Any]) -> PledgeFact:
        from .points import pledge_fact

        grade = PledgeGrade(d["grade"]) if d.get("grade") else None
        due = date.fromisoformat(d["due"]) if d.get("due") else None
        history = tuple(d.get("history") or ())
        return pledge_fact(datetime.fromisoformat(d["created"]), d["id"], d["state"], grade, due, history, self._tz)

    def _apply_pledges(self, partition: str, facts: dict[str, tuple[str, PledgeFact]]) -> None:
        old = self._pledge_parts.get(partition, {})
        for pid in set(old) | set(facts):
            before, after = old.get(pid), facts.get(pid)
            if before == after:
                continue
            if before is not None:
                self._pledges.get(before[0], {}).pop(pid, None)
                self._dirty.add(before[0])
            if after is not None:
                self._pledges.setdefault(after[0], {})[pid] = after[1]
                self._dirty.add(after[0])
        self._pledge_parts[partition] = facts
        self._pledge_folders.add(partition.partition("/")[0])
        made = [p.created for _, p in facts.values() if p.state not in NOT_COUNTED_PLEDGE_STATES]
        self._pledge_first[partition] = min(made) if made else None

    # ---------------------------------------------------------------------------- attendance and feedback
    def _changed_in(self, folder: str) -> list[str]:
        """Partitions under ``folder/`` whose identity differs from what was summarised (gone ones included)."""
        dir_path = self.store.dir / folder
        w = self._watches.get(folder)
        if w is None and dir_path.is_dir():
            # Watch before looking, so that nothing written during the look is missed.
            w = self._watches[folder] = dir_watch.watch(dir_path) or False
        elif isinstance(w, dir_watch.DirWatch):
            names = w.changes()
            if names is not None:
                candidates = [f"{folder}/{n[:-5]}" for n in names if n.endswith(".json")]
                return [p for p in candidates if self.store.signature(p) != self._sigs.get(p)]
            if w.broken:
                w.close()
                w = self._watches[folder] = dir_watch.watch(dir_path) or False
            self._dir_mtimes.pop(folder, None)  # events were lost: look at every file below
        try:
            mtime = os.stat(dir_path).st_mtime_ns
        except FileNotFoundError:
            return [p for p in self._sigs if p.startswith(folder + "/")]
        seen_mtime = self._dir_mtimes.get(folder)
        if seen_mtime == mtime and not isinstance(w, dir_watch.DirWatch):
            return []
        if seen_mtime is not None and not isinstance(w, dir_watch.DirWatch):
            own = self.store.commits_into(dir_path, seen_mtime, mtime)
            if own is not None:
                # Only this process wrote here since the last look: check just the partitions it committed.
                self._dir_mtimes[folder] = mtime
                return [p for p in dict.fromkeys(own) if self.store.signature(p) != self._sigs.get(p)]
        changed: list[str] = []
        seen: set[str] = set()
        with os.scandir(dir_path) as it:
            for entry in it:
                if not entry.name.endswith(".json"):
                    continue
                partition = f"{folder}/{entry.name[:-5]}"
                seen.add(partition)
                try:
                    sig = _sig(entry.stat())
                except FileNotFoundError:
                    sig = None
                if sig != self._sigs.get(partition):
                    changed.append(partition)
        changed.extend(p for p in self._sigs if p.startswith(folder + "/") and p not in seen)
        self._dir_mtimes[folder] = mtime
        return changed

    def _refresh_attendance(self) -> None:
        for partition in self._changed_in("attendance"):
            sig, data = self._read(partition)
            self._sigs[partition] = sig
            sid_text, _, bucket_text = partition.split("/")[1].partition("-")
            sid, bucket = int(sid_text), int(bucket_text)
            new = {d["member"]: _STATUS_CODES.get(d["status"], 0) for d in data.get("attendance", {}).values()}
            members = self._bucket_members.setdefault(bucket, set())
            for code in list(members | set(new)):
                row = self._att.get(code)
                old_code = row[sid] if row is not None and sid < len(row) else 0
                new_code = new.get(code, 0)
                if old_code == new_code:
                    continue
                if row is None:
                    row = self._att[code] = bytearray()
                if sid >= len(row):
                    row.extend(bytes(sid + 1 - len(row)))
                row[sid] = new_code
                members.add(code)
                self._dirty.add(code)

    def _refresh_feedback(self) -> None:
        months = {p.split("/")[1][:7] for p in self._changed_in("feedback")}
        if not months:
            return
        # A month's answers are spread over buckets: a changed bucket re-reads the whole month (the others are
        # needed to know the month's counts per member; a month is a few MB at most).
        by_month: dict[str, list[str]] = {}
        for p in self.store.partitions("feedback"):
            by_month.setdefault(p.split("/")[1][:7], []).append(p)
        for month in sorted(months):
            counts: dict[str, dict[Term, list[int]]] = {}
            present = by_month.get(month, [])
            for gone in self._fb_parts.get(month, set()) - set(present):
                self._sigs.pop(gone, None)
            self._fb_parts[month] = set(present)
            for partition in present:
                sig, data = self._read(partition)
                if sig is None:
                    self._sigs.pop(partition, None)
                    continue
                self._sigs[partition] = sig
                for d in data.get("feedback", {}).values():
                    term = self._term_of_day.get(d["day"])
                    if term is None:
                        term = self._term_of_day[d["day"]] = term_of(self._settings, date.fromisoformat(d["day"]))
                    n = counts.setdefault(d["member"], {}).setdefault(term, [0, 0, 0, 0])
                    n[_OPTIONS[d["option"]]] += 1
            old = self._fb_months.get(month, {})
            for code in set(old) | set(counts):
                if old.get(code) == counts.get(code):
                    continue
                totals = self._fb.setdefault(code, {})
                for term, n in old.get(code, {}).items():
                    totals[term] = [a - b for a, b in zip(totals[term], n, strict=True)]
                for term, n in counts.get(code, {}).items():
                    totals[term] = [a + b for a, b in zip(totals.get(term, [0, 0, 0, 0]), n, strict=True)]
                self._dirty.add(code)
            self._fb_months[month] = counts


def _close_watches(watches: dict[str, dir_watch.DirWatch | bool]) -> None:
    for w in watches.values():
        if isinstance(w, dir_watch.DirWatch):
            w.close()
    watches.clear()


_indexes: weakref.WeakKeyDictionary[Store, PointsIndex] = weakref.WeakKeyDictionary()
_indexes_guard = threading.Lock()


def index_for(c: Campaign) -> PointsIndex:
    """The one points index of the campaign's store in this process."""
    with _indexes_guard:
        index = _indexes.get(c.store)
        if index is None:
            index = _indexes[c.store] = PointsIndex(c.store)
        return index


__all__ = ["PointsIndex", "index_for"]
