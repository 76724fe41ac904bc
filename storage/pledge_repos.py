"""Pledges in the store: each year's pledges by member bucket, their peer ratings, the secretary's rating windows
and the phone links for writing one. See the partition table in :mod:`storage.repositories`."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from tinydb import where

from .records import EvaluationWindow, PeerRating, Pledge, PledgeLink
from .store import Store
from .tables import docs_of, table_of

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
        table = table_of(self.store, pledge_partition(year, bucket), "pledges")
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
        return docs_of(self.store, place[0], "pledges").get(str(place[1]))

    def put(self, pledge: Pledge) -> None:
        place = _pledge_place(pledge.id)
        if place is None:
            raise KeyError(pledge.id)
        table_of(self.store, place[0], "pledges").update(pledge.to_doc(), doc_ids=[place[1]])

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
            yield from docs_of(self.store, p, "pledges").values()

    def tables(self, years: list[int] | None = None) -> Iterator[tuple[str, dict[str, dict[str, Any]]]]:
        """(partition, its raw table) for the given years: read-only snapshots, the same object while the file is
        unchanged (so a query may keep what it derived from one, held beside the table it came from)."""
        for p in self.partitions(years):
            yield p, docs_of(self.store, p, "pledges")

    def docs_in_states(self, states: set[str], years: list[int] | None = None) -> Iterator[dict[str, Any]]:
        """The raw documents (read-only) in one of ``states``, through an index per file that is rebuilt only
        when the file changed: a queue of a few hundred pledges does not walk 100,000 documents each time."""
        in_txn = self.store.current() is not None
        for p in self.partitions(years):
            docs = docs_of(self.store, p, "pledges")
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
            for d in docs_of(self.store, pledge_partition(year, bucket), "pledges").values():
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
        docs = docs_of(self.store, rating_partition(pledge_id), "ratings")
        return [PeerRating.from_doc(d) for d in docs.values() if d["pledge"] == pledge_id]

    def add(self, rating: PeerRating) -> None:
        table_of(self.store, rating_partition(rating.pledge), "ratings").insert(rating.to_doc())

    def docs(self) -> Iterator[dict[str, Any]]:
        for p in self.store.partitions("pledge_ratings"):
            yield from docs_of(self.store, p, "ratings").values()


class EvaluationWindows:
    """The peer-rating windows the secretary opened, oldest first; at most the last one is open."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[EvaluationWindow]:
        docs = docs_of(self.store, "pledge_windows", "windows")
        return sorted((EvaluationWindow.from_doc(d) for d in docs.values()), key=lambda w: w.id)

    def add(self, window: EvaluationWindow) -> EvaluationWindow:
        table = table_of(self.store, "pledge_windows", "windows")
        doc_id = table.insert({**window.to_doc(), "id": 0})
        table.update({"id": doc_id}, doc_ids=[doc_id])
        return replace(window, id=doc_id)

    def put(self, window: EvaluationWindow) -> None:
        table_of(self.store, "pledge_windows", "windows").update(window.to_doc(), doc_ids=[window.id])


class PledgeLinks:
    """Phone links (short-lived, single-use), all in one small file; expired ones are pruned as new ones come."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, code: str) -> PledgeLink | None:
        for d in docs_of(self.store, "pledge_links", "links").values():
            if d["code"] == code:
                return PledgeLink.from_doc(d)
        return None

    def put(self, link: PledgeLink) -> None:
        table_of(self.store, "pledge_links", "links").upsert(link.to_doc(), where("code") == link.code)

    def prune(self, before: datetime) -> None:
        """Forget links that expired before ``before``."""
        old = [
            int(k)
            for k, d in docs_of(self.store, "pledge_links", "links").items()
            if datetime.fromisoformat(d["expires_at"]) < before
        ]
        if old:
            table_of(self.store, "pledge_links", "links").remove(doc_ids=old)
