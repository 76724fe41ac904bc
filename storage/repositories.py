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
feedback/<yyyy-mm>-<bb>  parents' answers by month, 16 buckets, no codes  answering
audit/<yyyy-mm>          the secretary's actions by month                 every secretary action
security                 passphrase hash, failed-attempt counters         passphrase, PIN locks
adjustments              manual points adjustments                        the secretary
=======================  ===============================================  ======================

Reads outside a transaction come from snapshots; call writes inside ``with store.transaction():``.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import secrets
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from tinydb import where
from tinydb.table import Table

from .records import (
    Attendance,
    AuditEntry,
    EvaluationWindow,
    Feedback,
    FeedbackBatch,
    FeedbackToken,
    Member,
    PeerRating,
    Pledge,
    PledgeLink,
    PointsAdjustment,
    School,
    Settings,
    StudySession,
)
from .store import Store
from .tinystore import tinydb_for

ATTENDANCE_BUCKETS = 16
FEEDBACK_BUCKETS = 16


def _table(store: Store, partition: str, name: str) -> Table:
    return tinydb_for(store, partition).table(name)


def _docs(store: Store, partition: str, name: str) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = store.read(partition).get(name, {})
    return table


#: A table of its own in a partition whose records are kept in canonical order (see :func:`_write_canonical`).
_CANONICAL = "canonical"
_CANONICAL_MARK = {"1": {"order": "content"}}


def _canonical_key(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False)


def _write_canonical(store: Store, partition: str, name: str, new: list[dict[str, Any]]) -> None:
    """Add ``new`` documents to table ``name`` of ``partition`` and rewrite the table in a canonical order (sorted
    by content, ids 1..n), for records whose order of arrival must not be readable from the file (see issue 7:
    answers and used slips). Nothing may refer to these documents by id."""
    data = store.read(partition, for_update=True)
    docs = list(data.get(name, {}).values())
    if data.get(_CANONICAL) != _CANONICAL_MARK:
        # Written before tables were kept in order (in the order of use): sorted once, then kept sorted.
        docs.sort(key=_canonical_key)
    for doc in new:
        # The table is kept sorted, so each new document costs O(log n) keys, not a sort of the month's answers.
        bisect.insort(docs, doc, key=_canonical_key)
    table = {str(i): d for i, d in enumerate(docs, start=1)}
    store.write(partition, {**data, name: table, _CANONICAL: _CANONICAL_MARK})


class Schools:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[School]:
        return [School.from_doc(d) for d in _docs(self.store, "core", "schools").values()]

    def exists(self, name: str) -> bool:
        return any(d["name"] == name for d in _docs(self.store, "core", "schools").values())

    def add(self, school: School) -> None:
        _table(self.store, "core", "schools").insert(school.to_doc())


class Members:
    def __init__(self, store: Store) -> None:
        self.store = store
        # The snapshot table the index was built from, held (not its id(): once that table is freed, a newer
        # snapshot's table can be allocated at the same address and a stale index would look current).
        self._index_of: dict[str, dict[str, Any]] | None = None
        self._index: dict[str, tuple[int, dict[str, Any]]] = {}

    def _by_code(self) -> dict[str, tuple[int, dict[str, Any]]]:
        docs = _docs(self.store, "core", "members")
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
        return _docs(self.store, "core", "members")

    def get(self, code: str) -> Member | None:
        hit = self._by_code().get(code)
        return Member.from_doc(hit[1]) if hit else None

    def add(self, member: Member) -> None:
        _table(self.store, "core", "members").insert(member.to_doc())

    def add_many(self, members: list[Member]) -> None:
        _table(self.store, "core", "members").insert_multiple([m.to_doc() for m in members])

    def put(self, member: Member) -> None:
        """Replace the member with the same code."""
        hit = self._by_code().get(member.code)
        if hit is None:
            raise KeyError(member.code)
        _table(self.store, "core", "members").update(member.to_doc(), doc_ids=[hit[0]])


class SettingsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self) -> Settings:
        docs = _docs(self.store, "core", "settings")
        return Settings.from_doc(next(iter(docs.values()))) if docs else Settings()

    def put(self, settings: Settings) -> None:
        table = _table(self.store, "core", "settings")
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
        docs = _docs(self.store, "sessions", "sessions")
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
        docs = _docs(self.store, "sessions", "sessions").values()
        kept = (
            d
            for d in docs
            if d["end"][:10] >= cutoff or d.get("forced") == "open" or int(d.get("closes_after_min", 0)) > 1440
        )
        return sorted((StudySession.from_doc(d) for d in kept), key=lambda s: (s.start, s.id))

    def get(self, session_id: int) -> StudySession | None:
        doc = _docs(self.store, "sessions", "sessions").get(str(session_id))
        return StudySession.from_doc(doc) if doc else None

    def add(self, session: StudySession) -> StudySession:
        """Store a new session; its ``id`` is assigned here (the given one is ignored)."""
        table = _table(self.store, "sessions", "sessions")
        doc_id = table.insert({**session.to_doc(), "id": 0})
        table.update({"id": doc_id}, doc_ids=[doc_id])
        return replace(session, id=doc_id)

    def put(self, session: StudySession) -> None:
        _table(self.store, "sessions", "sessions").update(session.to_doc(), doc_ids=[session.id])


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
            out.extend(Attendance.from_doc(d) for d in _docs(self.store, p, "attendance").values())
        return sorted(out, key=lambda a: (a.at, a.member))

    def get(self, session_id: int, member: str) -> Attendance | None:
        docs = _docs(self.store, attendance_partition(session_id, member), "attendance")
        for d in docs.values():
            if d["member"] == member:
                return Attendance.from_doc(d)
        return None

    def put(self, record: Attendance) -> None:
        """Insert or replace the record for (session, member)."""
        table = _table(self.store, attendance_partition(record.session_id, record.member), "attendance")
        table.upsert(record.to_doc(), where("member") == record.member)

    def put_many(self, records: list[Attendance]) -> None:
        by_partition: dict[str, list[Attendance]] = {}
        for r in records:
            by_partition.setdefault(attendance_partition(r.session_id, r.member), []).append(r)
        for partition, group in by_partition.items():
            table = _table(self.store, partition, "attendance")
            existing = {d["member"]: int(k) for k, d in _docs(self.store, partition, "attendance").items()}
            new = [r.to_doc() for r in group if r.member not in existing]
            for r in group:
                if r.member in existing:
                    table.update(r.to_doc(), doc_ids=[existing[r.member]])
            if new:
                table.insert_multiple(new)

    def session_ids(self) -> set[int]:
        return {int(p.split("/")[1].split("-")[0]) for p in self.store.partitions("attendance")}


#: Each year's pledges are spread over this many files by member, so a pledge step rewrites a small file (~40
#: pledges at stress scale: 10,000 a year), about as large as a sign-in's attendance bucket.
PLEDGE_BUCKETS = 256
#: A year's pledge files live in a folder of their own (``pledges_<year>/<bb>``): a query of this year's and last
#: year's pledges lists and checks only those folders, whatever the years of history.
PLEDGE_FOLDER = "pledges_"


def pledge_bucket(member: str) -> int:
    """The bucket of a member's pledges (all of a member's pledges of one year share a file)."""
    return zlib.crc32(member.encode("utf-8")) % PLEDGE_BUCKETS


def pledge_partition(year: int | str, bucket: int) -> str:
    return f"{PLEDGE_FOLDER}{year}/{bucket:02x}"


def _pledge_place(pledge_id: str) -> tuple[str, int] | None:
    """(partition, doc id) of ``<year>-<n>``: n = (doc_id - 1) * PLEDGE_BUCKETS + bucket + 1."""
    year, _, n = pledge_id.strip().partition("-")
    if not (len(year) == 4 and year.isdigit() and n.isdigit() and 0 < int(n) < 10**12):
        return None
    k = int(n) - 1
    return pledge_partition(year, k % PLEDGE_BUCKETS), k // PLEDGE_BUCKETS + 1


class Pledges:
    """Pledges live by creation year, spread over :data:`PLEDGE_BUCKETS` files by member
    (``pledges_<year>/<bb>``). A pledge's id is ``<year>-<n>``; ``n`` encodes its file and document id, so a
    look-up by id reads one small file.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        # Per partition: the snapshot table an index was built from (held, not its id()), and its docs by state.
        self._by_state: dict[str, tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]] = {}

    def add(self, pledge: Pledge) -> Pledge:
        """Store a new pledge; its ``id`` is assigned here (the given one is ignored)."""
        year = pledge.created.year
        bucket = pledge_bucket(pledge.member)
        table = _table(self.store, pledge_partition(year, bucket), "pledges")
        doc_id = table.insert({**pledge.to_doc(), "id": ""})
        stored = replace(pledge, id=f"{year}-{(doc_id - 1) * PLEDGE_BUCKETS + bucket + 1}")
        table.update({"id": stored.id}, doc_ids=[doc_id])
        return stored

    def get(self, pledge_id: str) -> Pledge | None:
        doc = self.doc(pledge_id)
        return Pledge.from_doc(doc) if doc else None

    def doc(self, pledge_id: str) -> dict[str, Any] | None:
        """The raw document of a pledge (read-only: never mutate it), or None."""
        place = _pledge_place(pledge_id)
        if place is None:
            return None
        return _docs(self.store, place[0], "pledges").get(str(place[1]))

    def put(self, pledge: Pledge) -> None:
        place = _pledge_place(pledge.id)
        if place is None:
            raise KeyError(pledge.id)
        _table(self.store, place[0], "pledges").update(pledge.to_doc(), doc_ids=[place[1]])

    def years(self) -> list[int]:
        """The years that have pledges, oldest first."""
        try:
            names = [e.name for e in os.scandir(self.store.dir) if e.is_dir() and e.name.startswith(PLEDGE_FOLDER)]
        except FileNotFoundError:
            return []
        return sorted(int(n[len(PLEDGE_FOLDER) :]) for n in names if n[len(PLEDGE_FOLDER) :].isdigit())

    def partitions(self, years: list[int] | None = None) -> list[str]:
        """The partitions holding the pledges of ``years`` (every year if None), by year then bucket."""
        out: list[str] = []
        for year in self.years() if years is None else sorted({int(y) for y in years}):
            out.extend(self.store.partitions(f"{PLEDGE_FOLDER}{year}"))
        return out

    def docs(self, years: list[int] | None = None) -> Iterator[dict[str, Any]]:
        """The raw documents (read-only snapshots: never mutate them) of the given years, or of every year.

        Queries filter on these and build :class:`Pledge` records only for what they show.
        """
        for p in self.partitions(years):
            yield from _docs(self.store, p, "pledges").values()

    def tables(self, years: list[int] | None = None) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
        """(partition, its raw table) for the given years: read-only snapshots, the same object while the file is
        unchanged (so a query may keep what it derived from one, held beside the table it came from)."""
        for p in self.partitions(years):
            yield p, _docs(self.store, p, "pledges")

    def docs_in_states(self, states: set[str], years: list[int] | None = None) -> Iterator[dict[str, Any]]:
        """The raw documents (read-only) in one of ``states``, through an index per file that is rebuilt only
        when the file changed: a queue of a few hundred pledges does not walk 100,000 documents each time."""
        in_txn = self.store.current() is not None
        for p in self.partitions(years):
            docs = _docs(self.store, p, "pledges")
            cached = self._by_state.get(p)
            if cached is not None and cached[0] is docs:
                index = cached[1]
            else:
                index = {}
                for d in docs.values():
                    index.setdefault(d["state"], []).append(d)
                if not in_txn:
                    self._by_state[p] = (docs, index)
            for state in states:
                yield from index.get(state, ())

    def for_member(self, member: str, years: list[int] | None = None) -> list[Pledge]:
        bucket = pledge_bucket(member)
        out: list[Pledge] = []
        for year in self.years() if years is None else years:
            for d in _docs(self.store, pledge_partition(year, bucket), "pledges").values():
                if d["member"] == member:
                    out.append(Pledge.from_doc(d))
        return out

    def all(self, years: list[int] | None = None) -> list[Pledge]:
        return [Pledge.from_doc(d) for d in self.docs(years)]


def rating_partition(pledge_id: str) -> str:
    """Where a pledge's peer ratings are: ``pledge_ratings/<year>-<bb>``, named like its pledge's file."""
    place = _pledge_place(pledge_id)
    if place is None:
        raise KeyError(pledge_id)
    folder, bucket = place[0].split("/")
    return f"pledge_ratings/{folder[len(PLEDGE_FOLDER) :]}-{bucket}"


class PeerRatings:
    """互评 ratings, apart from the pledges so that a pledge's document never says who rated it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def for_pledge(self, pledge_id: str) -> list[PeerRating]:
        docs = _docs(self.store, rating_partition(pledge_id), "ratings")
        return [PeerRating.from_doc(d) for d in docs.values() if d["pledge"] == pledge_id]

    def add(self, rating: PeerRating) -> None:
        _table(self.store, rating_partition(rating.pledge), "ratings").insert(rating.to_doc())

    def docs(self) -> Iterator[dict[str, Any]]:
        for p in self.store.partitions("pledge_ratings"):
            yield from _docs(self.store, p, "ratings").values()


class EvaluationWindows:
    """The peer-rating windows the secretary opened, oldest first; at most the last one is open."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[EvaluationWindow]:
        docs = _docs(self.store, "pledge_windows", "windows")
        return sorted((EvaluationWindow.from_doc(d) for d in docs.values()), key=lambda w: w.id)

    def add(self, window: EvaluationWindow) -> EvaluationWindow:
        table = _table(self.store, "pledge_windows", "windows")
        doc_id = table.insert({**window.to_doc(), "id": 0})
        table.update({"id": doc_id}, doc_ids=[doc_id])
        return replace(window, id=doc_id)

    def put(self, window: EvaluationWindow) -> None:
        _table(self.store, "pledge_windows", "windows").update(window.to_doc(), doc_ids=[window.id])


class PledgeLinks:
    """Phone links (short-lived, single-use), all in one small file; expired ones are pruned as new ones come."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, code: str) -> PledgeLink | None:
        for d in _docs(self.store, "pledge_links", "links").values():
            if d["code"] == code:
                return PledgeLink.from_doc(d)
        return None

    def put(self, link: PledgeLink) -> None:
        _table(self.store, "pledge_links", "links").upsert(link.to_doc(), where("code") == link.code)

    def prune(self, before: datetime) -> None:
        """Forget links that expired before ``before``."""
        old = [
            int(k)
            for k, d in _docs(self.store, "pledge_links", "links").items()
            if datetime.fromisoformat(d["expires_at"]) < before
        ]
        if old:
            _table(self.store, "pledge_links", "links").remove(doc_ids=old)


class Batches:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, batch: FeedbackBatch) -> None:
        _table(self.store, "batches", "batches").insert(batch.to_doc())

    def add_many(self, batches: list[FeedbackBatch]) -> None:
        _table(self.store, "batches", "batches").insert_multiple([b.to_doc() for b in batches])

    def get(self, batch_id: str) -> FeedbackBatch | None:
        for d in _docs(self.store, "batches", "batches").values():
            if d["id"] == batch_id:
                return FeedbackBatch.from_doc(d)
        return None

    def all(self) -> list[FeedbackBatch]:
        return [FeedbackBatch.from_doc(d) for d in _docs(self.store, "batches", "batches").values()]


def token_partition(code: str, year: int | str) -> str:
    """Where a slip code issued in ``year`` is kept: ``tokens_<yyyy>/<first 2 letters>``.

    Filed by year, so the file a code is looked up in holds one year's codes however long the history (at ten
    years, a two-letter bucket of every year's codes held ~900 codes, and each slip issued rewrote one).
    """
    return f"tokens_{year}/{code[:2].upper()}"


#: Slip codes were filed by their first 2 letters only (``tokens/<xx>``) before schema 4.
LEGACY_TOKENS = "tokens"
_TOKEN_YEAR = re.compile(r"^tokens_(\d{4})$")


def used_partition(member: str, batch_id: str) -> str:
    """Where the used codes of a teacher's batches of one year are kept (``used/m<crc32 of code>-<yyyy>``).

    Not one file per batch: a batch is a class, and the file a commit rewrites (its time, its inode) would then
    tie an answer to its class. All of a teacher's classes share the file, and the answer names the teacher anyway.
    """
    return f"used/m{zlib.crc32(member.encode('utf-8')):08x}-{batch_id[:4]}"


#: The ``used_at`` of a used slip: codes are marked used without a time (see :meth:`Tokens.mark_used`).
USED_UNDATED = datetime(1970, 1, 1, tzinfo=UTC)


def legacy_used_partition(batch_id: str) -> str:
    """Where used codes were kept before (one file per batch); still read, never written."""
    return f"used/{batch_id}"


class Tokens:
    """Slip codes. A code's record is written once, when issued (:func:`token_partition`: by the year of its batch,
    then its first letters; looked up from the newest year back, so this year's slips are found first); that it was
    used is recorded beside the other used codes of its teacher's batches that year (:func:`used_partition`). A
    group of parents answering at a meeting holds slips of one teacher, so their answers commit one small file.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._years: tuple[int, list[str]] | None = None

    def add_many(self, tokens: list[FeedbackToken]) -> None:
        groups: dict[str, list[dict[str, Any]]] = {}
        for t in tokens:
            groups.setdefault(token_partition(t.code, t.batch[:4]), []).append(t.to_doc())
        for partition, docs in groups.items():
            _table(self.store, partition, "tokens").insert_multiple(docs)

    def years(self) -> list[str]:
        """The years slips were issued in, newest first (one listing of the store's folder while it is unchanged)."""
        try:
            mtime = os.stat(self.store.dir).st_mtime_ns
        except FileNotFoundError:
            return []
        if self._years is None or self._years[0] != mtime:
            with os.scandir(self.store.dir) as entries:
                found = sorted((m[1] for e in entries if (m := _TOKEN_YEAR.match(e.name))), reverse=True)
            self._years = (mtime, found)
        return self._years[1]

    def _partitions(self) -> Iterator[str]:
        for year in self.years():
            yield from self.store.partitions(f"tokens_{year}")

    def _used(self, member: str, batch_id: str) -> dict[str, str]:
        docs = _docs(self.store, used_partition(member, batch_id), "used")
        used = {d["code"]: d.get("used_at", "") for d in docs.values()}
        legacy = _docs(self.store, legacy_used_partition(batch_id), "used")
        if legacy:
            used.update((d["code"], d["used_at"]) for d in legacy.values())
        return used

    def _token(self, doc: dict[str, Any], used: dict[str, str]) -> FeedbackToken:
        token = FeedbackToken.from_doc(doc)
        if token.code not in used or token.used_at is not None:
            return token
        at = used[token.code]
        return replace(token, used_at=datetime.fromisoformat(at) if at else USED_UNDATED)

    def get(self, code: str) -> FeedbackToken | None:
        if len(code) < 2:
            return None
        searched: set[str] = set()
        for fresh in (False, True):
            if fresh:  # not found: another process may have made a new year's folder within one mtime tick
                self._years = None
            for year in self.years():
                if year in searched:
                    continue
                searched.add(year)
                for d in _docs(self.store, token_partition(code, year), "tokens").values():
                    if d["code"] == code:
                        return self._token(d, self._used(d["member"], d["batch"]))
        return None

    def mark_used(self, token: FeedbackToken) -> None:
        """Record that ``token`` was used: only that, with no time (a day of use beside an answer's day would tie a
        slip to its answer on a day with one answer). Used codes are kept as a set, sorted by code (not in the order
        they were used) and numbered afresh, so the file says nothing about which came last."""
        new = [{"code": token.code}]
        legacy = legacy_used_partition(token.batch)
        old = _docs(self.store, legacy, "used")
        if old:  # a batch's file from before (in the order of use, with days): its codes join the set, undated
            new.extend({"code": d["code"]} for d in old.values())
            self.store.write(legacy, {"used": {}})
        _write_canonical(self.store, used_partition(token.member, token.batch), "used", new)

    def _docs_where(self, keep: Any) -> Iterator[FeedbackToken]:
        used: dict[str, dict[str, str]] = {}
        for p in self._partitions():
            for d in _docs(self.store, p, "tokens").values():
                if keep(d):
                    batch = d["batch"]
                    if batch not in used:
                        used[batch] = self._used(d["member"], batch)
                    yield self._token(d, used[batch])

    def all(self) -> Iterator[FeedbackToken]:
        return self._docs_where(lambda d: True)

    def for_batch(self, batch_id: str) -> list[FeedbackToken]:
        return list(self._docs_where(lambda d: d["batch"] == batch_id))


class FeedbackRepo:
    """Parents' answers, by month, each month spread over buckets so that no commit rewrites a whole month.

    An answer has no key anyone looks it up by, so each commit puts its answers in one bucket chosen at random:
    the files stay a sixteenth of a month, and the bucket says nothing about which slip an answer came from.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, answer: Feedback) -> None:
        self.add_many([answer])

    def add_many(self, answers: list[Feedback]) -> None:
        bucket = secrets.randbelow(FEEDBACK_BUCKETS)
        groups: dict[str, list[dict[str, Any]]] = {}
        for a in answers:
            groups.setdefault(f"feedback/{a.day:%Y-%m}-{bucket:02d}", []).append(a.to_doc())
        for partition, docs in groups.items():
            # Kept sorted by content and numbered afresh: neither position nor id tells which answer came when.
            _write_canonical(self.store, partition, "feedback", docs)

    def between(self, first: date | None = None, last: date | None = None) -> Iterator[Feedback]:
        for p in self.store.partitions("feedback"):
            month = p.split("/")[1][:7]
            if (first and month < f"{first:%Y-%m}") or (last and month > f"{last:%Y-%m}"):
                continue
            for d in _docs(self.store, p, "feedback").values():
                answer = Feedback.from_doc(d)
                if (first is None or answer.day >= first) and (last is None or answer.day <= last):
                    yield answer


class Audit:
    def __init__(self, store: Store) -> None:
        self.store = store

    def append(self, entry: AuditEntry) -> None:
        _table(self.store, f"audit/{entry.at:%Y-%m}", "audit").insert(entry.to_doc())

    def recent(self, limit: int = 200) -> list[AuditEntry]:
        out: list[AuditEntry] = []
        for p in reversed(self.store.partitions("audit")):
            docs = _docs(self.store, p, "audit")
            out.extend(AuditEntry.from_doc(d) for d in reversed(list(docs.values())))
            if len(out) >= limit:
                break
        return out[:limit]

    def all_entries(self, since: datetime | None = None) -> Iterator[AuditEntry]:
        """Every entry (from ``since`` on, if given), month by month; within a month in stored order."""
        for p in self.store.partitions("audit"):
            if since is not None and p.split("/")[1] < f"{since:%Y-%m}":
                continue
            for d in _docs(self.store, p, "audit").values():
                entry = AuditEntry.from_doc(d)
                if since is None or entry.at >= since:
                    yield entry


class Security:
    """Secrets and attempt counters shared by every process (passphrase hash, lock-outs)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> dict[str, Any] | None:
        for d in _docs(self.store, "security", "security").values():
            if d["key"] == key:
                return dict(d)
        return None

    def with_prefix(self, prefix: str) -> list[dict[str, Any]]:
        """Every entry whose key starts with ``prefix`` (e.g. the attempt counters)."""
        return [dict(d) for d in _docs(self.store, "security", "security").values() if d["key"].startswith(prefix)]

    def put(self, key: str, value: dict[str, Any]) -> None:
        _table(self.store, "security", "security").upsert({**value, "key": key}, where("key") == key)


class Adjustments:
    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[PointsAdjustment]:
        return [PointsAdjustment.from_doc(d) for d in _docs(self.store, "adjustments", "adjustments").values()]

    def add(self, adj: PointsAdjustment) -> PointsAdjustment:
        table = _table(self.store, "adjustments", "adjustments")
        doc_id = table.insert({**adj.to_doc(), "id": 0})
        table.update({"id": doc_id}, doc_ids=[doc_id])
        return replace(adj, id=doc_id)

    def put(self, adj: PointsAdjustment) -> None:
        _table(self.store, "adjustments", "adjustments").update(adj.to_doc(), doc_ids=[adj.id])


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
