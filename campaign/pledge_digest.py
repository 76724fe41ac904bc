"""The pledge digest: what the board and the review queue need from each pledge file, without parsing the files.

At stress scale this year's and last year's pledges fill ~24 MB of JSON: parsing them takes a fresh program
~0.4 s, far from the 100 ms a person opening the board or the review queue should wait (issue 9). The digest keeps,
per pledge file (partition) and the signature of the file it was read from:

* a *row* per pledge: id, member, category, state, due (what the board sorts and counts by);
* the whole documents of the *submitted* pledges (the review queue; a few hundred at most);
* the board's order (its pledges' ids, sorted), with a fingerprint of the files' signatures and the roster's it
  was sorted from: a program that starts opens the first page without sorting ~20,000 rows.

It is derived, never the truth: each entry is used only while its file still has that signature (one ``stat``),
and a changed file is read again. A program that read files keeps the digest in ``DATA_DIR/cache/`` for the next
program to start (:mod:`storage.cache_files`; after :data:`SAVE_AFTER` files, so one pledge step does not rewrite
it); a missing, damaged or foreign digest is rebuilt from the files.
Inside a transaction the queries read the files themselves (the transaction may have changed one).
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import Any

from storage import Store
from storage.cache_files import cache_path, read_cache, write_cache
from storage.pledge_repos import Pledges
from storage.store import Signature

#: Bump when the digest's shape changes: a file of another version is rebuilt.
VERSION = 4
FILE_NAME = "pledge-digest.json"
#: Pledges kept whole in the digest: the review queue's.
WHOLE_STATES = frozenset({"submitted"})
#: A program rewrites the kept digest once it has read this many pledge files since it last wrote it (a program that
#: starts reads again only the files changed since: a few milliseconds each), and whenever it built it from nothing.
SAVE_AFTER = 32
#: A board order sorted afresh counts as this many files read (sorting ~20,000 rows costs about that much).
ORDER_WEIGHT = 8

#: A pledge's row: its id, member, category, state and due date (ISO), as stored (a list when read back).
Row = Sequence[str]


def row_of(doc: dict[str, Any]) -> Row:
    return (doc["id"], doc["member"], doc["category"], doc["state"], doc["due"])


class FileDigest:
    """One pledge file's digest. A new object whenever the file changed, so callers may key caches on it.

    Read back from the kept digest, its rows stay text until asked for: a program that starts and opens the review
    queue, or the board in its kept order, never builds the ~20,000 rows of a stress store."""

    __slots__ = ("_rows", "_rows_json", "signature", "whole")

    def __init__(
        self,
        signature: Signature,
        whole: tuple[dict[str, Any], ...],
        *,
        rows: Sequence[Row] | None = None,
        rows_json: str | None = None,
    ) -> None:
        self.signature = signature
        #: The whole documents of its pledges in :data:`WHOLE_STATES` (read-only).
        self.whole = whole
        self._rows = rows
        self._rows_json = rows_json

    @property
    def rows(self) -> Sequence[Row]:
        """A row per pledge, in the file's order (read-only; the same object every time)."""
        if self._rows is None:
            self._rows = json.loads(self._rows_json or "[]")
        return self._rows

    def rows_json(self) -> str:
        if self._rows_json is None:
            self._rows_json = json.dumps(self.rows, ensure_ascii=False, separators=(",", ":"))
        return self._rows_json


def _digest_of(signature: Signature, table: dict[str, dict[str, Any]]) -> FileDigest:
    rows = tuple(row_of(d) for d in table.values())
    return FileDigest(signature, tuple(d for d in table.values() if d["state"] in WHOLE_STATES), rows=rows)


class PledgeDigest:
    """The digest of one store's pledge files, shared by the threads of a program (see :func:`digest_for`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = cache_path(store.root, FILE_NAME)
        self._lock = threading.Lock()
        self._files: dict[str, FileDigest] | None = None
        #: How many pledge files this program parsed to answer from the digest (tests and benchmarks look).
        self.files_read = 0
        #: Files read since the digest was last written, and whether a digest was found or written.
        self._unsaved = 0
        self._on_disk = False
        #: The board's order (pledge ids) per years, with the fingerprint of what it was sorted from.
        self._orders: dict[str, tuple[str, list[str]]] = {}

    def files(self, years: list[int]) -> Iterator[tuple[str, FileDigest]]:
        """(partition, its digest) for every pledge file of ``years``, each checked against its file now."""
        with self._lock:
            known = self._load()
            out: list[tuple[str, FileDigest]] = []
            for partition in Pledges(self.store).partitions(years):
                signature = self.store.signature(partition)
                if signature is None:
                    continue
                entry = known.get(partition)
                if entry is None or entry.signature != signature:
                    entry = self._read(partition)
                    known[partition] = entry
                    self._unsaved += 1
                out.append((partition, entry))
            if self._unsaved >= SAVE_AFTER or (self._unsaved and not self._on_disk):
                self._save(known)
        return iter(out)

    def board_order(self, years: str, fingerprint: str) -> list[str] | None:
        """The board's pledge ids in order, as kept for ``years`` while nothing it was sorted from changed."""
        with self._lock:
            self._load()
            kept = self._orders.get(years)
            return kept[1] if kept is not None and kept[0] == fingerprint else None

    def has_board_order(self, years: str) -> bool:
        """Whether an order was ever kept for ``years`` (current or not)."""
        with self._lock:
            self._load()
            return years in self._orders

    def keep_board_order(self, years: str, fingerprint: str, ids: list[str]) -> None:
        """Keep the board's order; written out at once if the kept digest has none for ``years`` yet, else with
        the next write (:meth:`save_if_changed`, or after :data:`SAVE_AFTER`)."""
        with self._lock:
            files = self._load()
            first = years not in self._orders
            self._orders[years] = (fingerprint, ids)
            self._unsaved += ORDER_WEIGHT
            if first or self._unsaved >= SAVE_AFTER or not self._on_disk:
                self._save(files)

    def save_if_changed(self) -> None:
        """Write the digest out if this program read files or sorted the board since it was last written (a
        program's read-ahead does, so that the next program to start finds it up to date)."""
        with self._lock:
            if self._unsaved:
                self._save(self._load())

    def _read(self, partition: str) -> FileDigest:
        signature, data = self.store.read_unkept(partition)
        self.files_read += 1
        return _digest_of(signature or (0, 0, 0, 0), data.get("pledges", {}))

    def _load(self) -> dict[str, FileDigest]:
        if self._files is not None:
            return self._files
        self._files = {}
        raw = read_cache(self.path)
        if raw is None:
            return self._files
        checksum, _, body = raw.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != checksum:
            return self._files  # damaged, cut short or not ours: rebuilt from the files
        try:
            doc = json.loads(body)
            if doc.get("version") != VERSION:
                return self._files
            # Written by _save below (the checksum says so): the shapes are ours, nothing is converted.
            for partition, entry in doc["files"].items():
                sig = tuple(entry["signature"])
                self._files[partition] = FileDigest(sig, tuple(entry["whole"]), rows_json=str(entry["rows"]))
            self._orders = {
                years: (kept[0], str(kept[1]).split("\n") if kept[1] else []) for years, kept in doc["orders"].items()
            }
            self._on_disk = True
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            self._files, self._orders = {}, {}
        return self._files

    def _save(self, files: dict[str, FileDigest]) -> None:
        doc = {
            "version": VERSION,
            "files": {
                p: {"signature": list(e.signature), "rows": e.rows_json(), "whole": list(e.whole)}
                for p, e in files.items()
            },
            "orders": {years: [kept[0], "\n".join(kept[1])] for years, kept in self._orders.items()},
        }
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._unsaved = 0
        self._on_disk = write_cache(self.path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


_DIGESTS: weakref.WeakKeyDictionary[Store, PledgeDigest] = weakref.WeakKeyDictionary()
_DIGESTS_LOCK = threading.Lock()


def digest_for(store: Store) -> PledgeDigest:
    """The program's digest of ``store`` (one per store object)."""
    with _DIGESTS_LOCK:
        digest = _DIGESTS.get(store)
        if digest is None:
            digest = _DIGESTS[store] = PledgeDigest(store)
        return digest
