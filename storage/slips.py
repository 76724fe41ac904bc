"""Feedback slips and parents' answers in the store: slip batches, their codes (filed by year), the codes used,
and the answers (by month, no codes). See the partition table in :mod:`storage.repositories`."""

from __future__ import annotations

import os
import re
import secrets
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from .records import Feedback, FeedbackBatch, FeedbackToken
from .store import Store
from .tables import docs_of, table_of, write_canonical


class Batches:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, batch: FeedbackBatch) -> None:
        table_of(self.store, "batches", "batches").insert(batch.to_doc())

    def add_many(self, batches: list[FeedbackBatch]) -> None:
        table_of(self.store, "batches", "batches").insert_multiple([b.to_doc() for b in batches])

    def get(self, batch_id: str) -> FeedbackBatch | None:
        for d in docs_of(self.store, "batches", "batches").values():
            if d["id"] == batch_id:
                return FeedbackBatch.from_doc(d)
        return None

    def all(self) -> list[FeedbackBatch]:
        return [FeedbackBatch.from_doc(d) for d in docs_of(self.store, "batches", "batches").values()]


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
            table_of(self.store, partition, "tokens").insert_multiple(docs)

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

    def read_ahead(self) -> int:
        """Parse the newest year's code files into the store's snapshots (every lookup starts there); returns how
        many files were read."""
        years = self.years()
        files = self.store.partitions(f"tokens_{years[0]}") if years else []
        for partition in files:
            self.store.read(partition)
        return len(files)

    def _partitions(self) -> Iterator[str]:
        for year in self.years():
            yield from self.store.partitions(f"tokens_{year}")

    def _used(self, member: str, batch_id: str) -> dict[str, str]:
        docs = docs_of(self.store, used_partition(member, batch_id), "used")
        used = {d["code"]: d.get("used_at", "") for d in docs.values()}
        legacy = docs_of(self.store, legacy_used_partition(batch_id), "used")
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
                for d in docs_of(self.store, token_partition(code, year), "tokens").values():
                    if d["code"] == code:
                        return self._token(d, self._used(d["member"], d["batch"]))
        return None

    def mark_used(self, token: FeedbackToken) -> None:
        """Record that ``token`` was used: only that, with no time (a day of use beside an answer's day would tie a
        slip to its answer on a day with one answer). Used codes are kept as a set, sorted by code (not in the order
        they were used) and numbered afresh, so the file says nothing about which came last."""
        new = [{"code": token.code}]
        legacy = legacy_used_partition(token.batch)
        old = docs_of(self.store, legacy, "used")
        if old:  # a batch's file from before (in the order of use, with days): its codes join the set, undated
            new.extend({"code": d["code"]} for d in old.values())
            self.store.write(legacy, {"used": {}})
        write_canonical(self.store, used_partition(token.member, token.batch), "used", new)

    def _docs_where(self, keep: Any) -> Iterator[FeedbackToken]:
        used: dict[str, dict[str, str]] = {}
        for p in self._partitions():
            for d in docs_of(self.store, p, "tokens").values():
                if keep(d):
                    batch = d["batch"]
                    if batch not in used:
                        used[batch] = self._used(d["member"], batch)
                    yield self._token(d, used[batch])

    def all(self) -> Iterator[FeedbackToken]:
        return self._docs_where(lambda d: True)

    def for_batch(self, batch_id: str) -> list[FeedbackToken]:
        return list(self._docs_where(lambda d: d["batch"] == batch_id))


#: A month's answers are spread over this many lanes; each commit picks one at random.
FEEDBACK_BUCKETS = 16
#: A lane's file that has grown to this size is full, and the lane goes on in a file of its own: a commit rewrites
#: at most about this much (~150 answers), however many answers the month already holds.
FEEDBACK_BUCKET_BYTES = 16 * 1024


def feedback_partition(month: str, lane: int, generation: int = 0) -> str:
    """``feedback/<yyyy-mm>-<n>``: the ``generation``-th file of ``lane`` (n = lane + 16 × generation)."""
    return f"feedback/{month}-{lane + FEEDBACK_BUCKETS * generation:02d}"


class FeedbackRepo:
    """Parents' answers, by month, each month spread over lanes so that no commit rewrites a whole month.

    An answer has no key anyone looks it up by, so each commit puts its answers in one lane chosen at random, in
    the lane's newest file; once that file holds :data:`FEEDBACK_BUCKET_BYTES` the lane goes on in a new one. Files
    stay small whatever a month's answers, and the file says nothing about which slip an answer came from.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        # Files found full: they only grow, so a lane's walk to its newest file starts past them next time.
        self._full: set[str] = set()

    def add(self, answer: Feedback) -> None:
        self.add_many([answer])

    def add_many(self, answers: list[Feedback]) -> None:
        lane = secrets.randbelow(FEEDBACK_BUCKETS)
        months: dict[str, list[dict[str, Any]]] = {}
        for a in answers:
            months.setdefault(f"{a.day:%Y-%m}", []).append(a.to_doc())
        for month, docs in months.items():
            # Kept sorted by content and numbered afresh: neither position nor id tells which answer came when.
            write_canonical(self.store, self._newest(month, lane), "feedback", docs)

    def _newest(self, month: str, lane: int) -> str:
        """The file of ``lane`` in ``month`` that answers go to: its first one not yet full."""
        generation = 0
        while True:
            partition = feedback_partition(month, lane, generation)
            if partition not in self._full:
                if self.store.size(partition) < FEEDBACK_BUCKET_BYTES:
                    return partition
                self._full.add(partition)
            generation += 1

    def between(self, first: date | None = None, last: date | None = None) -> Iterator[Feedback]:
        for p in self.store.partitions("feedback"):
            month = p.split("/")[1][:7]
            if (first and month < f"{first:%Y-%m}") or (last and month > f"{last:%Y-%m}"):
                continue
            for d in docs_of(self.store, p, "feedback").values():
                answer = Feedback.from_doc(d)
                if (first is None or answer.day >= first) and (last is None or answer.day <= last):
                    yield answer
