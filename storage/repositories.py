"""Repositories: where each kind of record lives in the store, and typed access to it.

Partitioning keeps every durable write small, whatever the years of history:

=======================  ===============================================  ======================
partition                holds                                            written by
=======================  ===============================================  ======================
core                     schools, members, settings                       roster changes
sessions                 study sessions                                   the secretary
attendance/<id>-<bb>     one study session's attendance, 16 buckets       each sign-in
pledges_<year>/<bb>      pledges created that year, 256 files by member   pledge steps
pledge_ratings/<y>-<bb>  peer ratings (互评), by their pledge's file       rating a pledge
pledge_windows           the secretary's peer-rating windows              opening/closing one
pledge_links             phone links for writing a pledge (short-lived)   the kiosk, the phone
batches                  feedback slip batches                            issuing slips
tokens_<yyyy>/<xx>       slip codes by year issued, then first 2 letters  issuing slips
used/m<crc>-<yyyy>       used slip codes of one teacher's batches a year  answering
feedback/<yyyy-mm>-<nn>  parents' answers by month, 16 lanes, no codes    answering
audit/<yyyy-mm>          the secretary's actions by month                 every secretary action
security                 passphrase hash, failed-attempt counters         passphrase, PIN locks
adjustments              manual points adjustments                        the secretary
=======================  ===============================================  ======================

Pledges are kept by :mod:`storage.pledge_repos`, slips and answers by :mod:`storage.slips`. Reads outside a
transaction come from snapshots; call writes inside ``with store.transaction():``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from tinydb import where

from .pledge_repos import EvaluationWindows, PeerRatings, PledgeLinks, Pledges
from .records import (
    Attendance,
    AuditEntry,
    Member,
    PointsAdjustment,
    School,
    Settings,
    StudySession,
)
from .slips import Batches, FeedbackRepo, Tokens
from .store import Store
from .tables import docs_of, table_of

ATTENDANCE_BUCKETS = 16


class Schools:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[School]:
        return [School.from_doc(d) for d in docs_of(self.store, "core", "schools").values()]

    def exists(self, name: str) -> bool:
        return any(d["name"] == name for d in docs_of(self.store, "core", "schools").values())

    def add(self, school: School) -> None:
        table_of(self.store, "core", "schools").insert(school.to_doc())


class Members:
    def __init__(self, store: Store) -> None:
        self.store = store
        # The snapshot table the index was built from, held (not its id(): once that table is freed, a newer
        # snapshot's table can be allocated at the same address and a stale index would look current).
        self._index_of: dict[str, dict[str, Any]] | None = None
        self._index: dict[str, tuple[int, dict[str, Any]]] = {}

    def _by_code(self) -> dict[str, tuple[int, dict[str, Any]]]:
        docs = docs_of(self.store, "core", "members")
        txn = self.store.current()
        # A transaction that is changing the roster has its own copy (changed in place): never indexed for later.
        # Otherwise a transaction reads the snapshot (current: checked under the lock), and its index serves.
        private = txn is not None and "core" in txn.staged
        if private or self._index_of is not docs:
            index = {d["code"]: (int(k), d) for k, d in docs.items()}
            if private:
                return index
            self._index, self._index_of = index, docs
        return self._index

    def all(self) -> list[Member]:
        return [Member.from_doc(d) for _, d in self._by_code().values()]

    def docs(self) -> dict[str, dict[str, Any]]:
        """Every member's raw document by code (read-only: never mutate), without building records."""
        return {code: d for code, (_, d) in self._by_code().items()}

    def table(self) -> dict[str, dict[str, Any]]:
        """The raw members table (read-only snapshot): the same object until the roster changes."""
        return docs_of(self.store, "core", "members")

    def get(self, code: str) -> Member | None:
        hit = self._by_code().get(code)
        return Member.from_doc(hit[1]) if hit else None

    def add(self, member: Member) -> None:
        table_of(self.store, "core", "members").insert(member.to_doc())

    def add_many(self, members: list[Member]) -> None:
        table_of(self.store, "core", "members").insert_multiple([m.to_doc() for m in members])

    def put(self, member: Member) -> None:
        """Replace the member with the same code."""
        hit = self._by_code().get(member.code)
        if hit is None:
            raise KeyError(member.code)
        table_of(self.store, "core", "members").update(member.to_doc(), doc_ids=[hit[0]])


class SettingsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self) -> Settings:
        docs = docs_of(self.store, "core", "settings")
        return Settings.from_doc(next(iter(docs.values()))) if docs else Settings()

    def put(self, settings: Settings) -> None:
        table = table_of(self.store, "core", "settings")
        if table.contains(doc_id=1):
            table.update(settings.to_doc(), doc_ids=[1])
        else:
            table.insert(settings.to_doc())


class Sessions:
    def __init__(self, store: Store) -> None:
        self.store = store
        # The table the sorted sessions were built from, held (as Members holds its index's table), and them: the
        # kiosk asks for every session twice a second, and a snapshot nothing changed since is the same dict.
        self._built_from: dict[str, Any] | None = None
        self._sorted: tuple[StudySession, ...] = ()

    def all(self) -> list[StudySession]:
        docs = docs_of(self.store, "sessions", "sessions")
        txn = self.store.current()
        private = txn is not None and "sessions" in txn.staged  # changed in place by this transaction: not kept
        if private or docs is not self._built_from:
            built = sorted((StudySession.from_doc(d) for d in docs.values()), key=lambda s: (s.start, s.id))
            if private:
                return built
            self._built_from, self._sorted = docs, tuple(built)
        return list(self._sorted)

    def not_over_before(self, day: date) -> list[StudySession]:
        """The sessions that may still be open or to come on ``day`` or later: those ending on ``day`` or later
        (by the date written in their end, give or take a time zone: callers pass a day of margin), those whose
        sign-in stays open for over a day after their end, and those the secretary forced open; sorted like
        :meth:`all`. Only these are built, not years of past sessions."""
        cutoff = day.isoformat()
        docs = docs_of(self.store, "sessions", "sessions").values()
        kept = (
            d
            for d in docs
            if d["end"][:10] >= cutoff or d.get("forced") == "open" or int(d.get("closes_after_min", 0)) > 1440
        )
        return sorted((StudySession.from_doc(d) for d in kept), key=lambda s: (s.start, s.id))

    def get(self, session_id: int) -> StudySession | None:
        doc = docs_of(self.store, "sessions", "sessions").get(str(session_id))
        return StudySession.from_doc(doc) if doc else None

    def add(self, session: StudySession) -> StudySession:
        """Store a new session; its ``id`` is assigned here (the given one is ignored)."""
        table = table_of(self.store, "sessions", "sessions")
        doc_id = table.insert({**session.to_doc(), "id": 0})
        table.update({"id": doc_id}, doc_ids=[doc_id])
        return replace(session, id=doc_id)

    def put(self, session: StudySession) -> None:
        table_of(self.store, "sessions", "sessions").update(session.to_doc(), doc_ids=[session.id])


def attendance_partition(session_id: int, member: str) -> str:
    bucket = zlib.crc32(member.encode("utf-8")) % ATTENDANCE_BUCKETS
    return f"attendance/{session_id}-{bucket:02d}"


class AttendanceRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _partitions(self, session_id: int) -> list[str]:
        return [f"attendance/{session_id}-{b:02d}" for b in range(ATTENDANCE_BUCKETS)]

    def for_session(self, session_id: int) -> list[Attendance]:
        out: list[Attendance] = []
        for p in self._partitions(session_id):
            out.extend(Attendance.from_doc(d) for d in docs_of(self.store, p, "attendance").values())
        return sorted(out, key=lambda a: (a.at, a.member))

    def get(self, session_id: int, member: str) -> Attendance | None:
        docs = docs_of(self.store, attendance_partition(session_id, member), "attendance")
        for d in docs.values():
            if d["member"] == member:
                return Attendance.from_doc(d)
        return None

    def put(self, record: Attendance) -> None:
        """Insert or replace the record for (session, member)."""
        table = table_of(self.store, attendance_partition(record.session_id, record.member), "attendance")
        table.upsert(record.to_doc(), where("member") == record.member)

    def put_many(self, records: list[Attendance]) -> None:
        by_partition: dict[str, list[Attendance]] = {}
        for r in records:
            by_partition.setdefault(attendance_partition(r.session_id, r.member), []).append(r)
        for partition, group in by_partition.items():
            table = table_of(self.store, partition, "attendance")
            existing = {d["member"]: int(k) for k, d in docs_of(self.store, partition, "attendance").items()}
            new = [r.to_doc() for r in group if r.member not in existing]
            for r in group:
                if r.member in existing:
                    table.update(r.to_doc(), doc_ids=[existing[r.member]])
            if new:
                table.insert_multiple(new)

    def session_ids(self) -> set[int]:
        return {int(p.split("/")[1].split("-")[0]) for p in self.store.partitions("attendance")}


class Audit:
    def __init__(self, store: Store) -> None:
        self.store = store

    def append(self, entry: AuditEntry) -> None:
        table_of(self.store, f"audit/{entry.at:%Y-%m}", "audit").insert(entry.to_doc())

    def recent(self, limit: int = 200) -> list[AuditEntry]:
        out: list[AuditEntry] = []
        for p in reversed(self.store.partitions("audit")):
            docs = docs_of(self.store, p, "audit")
            out.extend(AuditEntry.from_doc(d) for d in reversed(list(docs.values())))
            if len(out) >= limit:
                break
        return out[:limit]

    def all_entries(self, since: datetime | None = None) -> Iterator[AuditEntry]:
        """Every entry (from ``since`` on, if given), month by month; within a month in stored order."""
        for p in self.store.partitions("audit"):
            if since is not None and p.split("/")[1] < f"{since:%Y-%m}":
                continue
            for d in docs_of(self.store, p, "audit").values():
                entry = AuditEntry.from_doc(d)
                if since is None or entry.at >= since:
                    yield entry


class Security:
    """Secrets and attempt counters shared by every process (passphrase hash, lock-outs)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> dict[str, Any] | None:
        for d in docs_of(self.store, "security", "security").values():
            if d["key"] == key:
                return dict(d)
        return None

    def with_prefix(self, prefix: str) -> list[dict[str, Any]]:
        """Every entry whose key starts with ``prefix`` (e.g. the attempt counters)."""
        return [dict(d) for d in docs_of(self.store, "security", "security").values() if d["key"].startswith(prefix)]

    def put(self, key: str, value: dict[str, Any]) -> None:
        table_of(self.store, "security", "security").upsert({**value, "key": key}, where("key") == key)


class Adjustments:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[PointsAdjustment]:
        return [PointsAdjustment.from_doc(d) for d in docs_of(self.store, "adjustments", "adjustments").values()]

    def add(self, adj: PointsAdjustment) -> PointsAdjustment:
        table = table_of(self.store, "adjustments", "adjustments")
        doc_id = table.insert({**adj.to_doc(), "id": 0})
        table.update({"id": doc_id}, doc_ids=[doc_id])
        return replace(adj, id=doc_id)

    def put(self, adj: PointsAdjustment) -> None:
        table_of(self.store, "adjustments", "adjustments").update(adj.to_doc(), doc_ids=[adj.id])


class Repositories:
    """Every repository over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.schools = Schools(store)
        self.members = Members(store)
        self.settings = SettingsRepo(store)
        self.sessions = Sessions(store)
        self.attendance = AttendanceRepo(store)
        self.pledges = Pledges(store)
        self.peer_ratings = PeerRatings(store)
        self.evaluation_windows = EvaluationWindows(store)
        self.pledge_links = PledgeLinks(store)
        self.batches = Batches(store)
        self.tokens = Tokens(store)
        self.feedback = FeedbackRepo(store)
        self.audit = Audit(store)
        self.security = Security(store)
        self.adjustments = Adjustments(store)
