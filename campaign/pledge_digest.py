"""The pledge digest: what the board and the review queue need from each pledge file, without parsing the files.

At stress scale this year's and last year's pledges fill ~24 MB of JSON: parsing them takes a fresh program
~0.4 s, far from the 100 ms a person opening the board or the review queue should wait (issue 9). The digest keeps,
per pledge file (partition) and the signature of the file it was read from:

* a *row* per pledge: ``id``, ``member``, ``category``, ``state``, ``due`` (what the board sorts and counts by);
* the whole documents of the *submitted* pledges (the review queue; a few hundred at most).

It is derived, never the truth: each entry is used only while its file still has that signature (one ``stat``),
and a changed file is read again. A program that read any file keeps the digest in ``DATA_DIR/cache/`` for the next
program to start (:mod:`storage.cache_files`); a missing, damaged or foreign digest is rebuilt from the files.
Inside a transaction the queries read the files themselves (the transaction may have changed one).
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from storage import Store
from storage.cache_files import cache_path, read_cache, write_cache
from storage.repositories import Pledges
from storage.store import Signature

#: Bump when the digest's shape changes: a file of another version is rebuilt.
VERSION = 1
FILE_NAME = "pledge-digest.json"
ROW_KEYS = ("id", "member", "category", "state", "due")
#: Pledges kept whole in the digest: the review queue's.
WHOLE_STATES = frozenset({"submitted"})


@dataclass(frozen=True)
class FileDigest:
    """One pledge file's digest. A new object whenever the file changed, so callers may key caches on it."""

    signature: Signature
    #: Pledge id → its row (a dict with :data:`ROW_KEYS`; read-only).
    rows: dict[str, dict[str, Any]]
    #: The whole documents of its pledges in :data:`WHOLE_STATES` (read-only).
    whole: tuple[dict[str, Any], ...]


def _digest_of(signature: Signature, table: dict[str, dict[str, Any]]) -> FileDigest:
    rows = {d["id"]: {k: d[k] for k in ROW_KEYS} for d in table.values()}
    return FileDigest(signature, rows, tuple(d for d in table.values() if d["state"] in WHOLE_STATES))


class PledgeDigest:
    """The digest of one store's pledge files, shared by the threads of a program (see :func:`digest_for`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = cache_path(store.root, FILE_NAME)
        self._lock = threading.Lock()
        self._files: dict[str, FileDigest] | None = None
        #: How many pledge files this program parsed to answer from the digest (tests and benchmarks look).
        self.files_read = 0

    def files(self, years: list[int]) -> Iterator[tuple[str, FileDigest]]:
        """(partition, its digest) for every pledge file of ``years``, each checked against its file now."""
        with self._lock:
            known = self._load()
            changed = False
            out: list[tuple[str, FileDigest]] = []
            for partition in Pledges(self.store).partitions(years):
                signature = self.store.signature(partition)
                if signature is None:
                    continue
                entry = known.get(partition)
                if entry is None or entry.signature != signature:
                    entry = self._read(partition)
                    known[partition] = entry
                    changed = True
                out.append((partition, entry))
            if changed:
                self._save(known)
        return iter(out)

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
        try:
            doc = json.loads(raw)
            if doc.get("version") != VERSION:
                return self._files
            for partition, entry in doc["files"].items():
                signature = tuple(int(x) for x in entry["signature"])
                if len(signature) != 4:
                    continue
                rows = {r["id"]: {k: r[k] for k in ROW_KEYS} for r in entry["rows"]}
                whole = tuple(d for d in entry["whole"] if isinstance(d, dict))
                self._files[str(partition)] = FileDigest(
                    (signature[0], signature[1], signature[2], signature[3]), rows, whole
                )
        except (ValueError, TypeError, KeyError, AttributeError):
            self._files = {}  # damaged or foreign: rebuilt from the files
        return self._files

    def _save(self, files: dict[str, FileDigest]) -> None:
        doc = {
            "version": VERSION,
            "files": {
                p: {"signature": list(e.signature), "rows": list(e.rows.values()), "whole": list(e.whole)}
                for p, e in files.items()
            },
        }
        write_cache(self.path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


_DIGESTS: weakref.WeakKeyDictionary[Store, PledgeDigest] = weakref.WeakKeyDictionary()
_DIGESTS_LOCK = threading.Lock()


def digest_for(store: Store) -> PledgeDigest:
    """The program's digest of ``store`` (one per store object)."""
    with _DIGESTS_LOCK:
        digest = _DIGESTS.get(store)
        if digest is None:
            digest = _DIGESTS[store] = PledgeDigest(store)
        return digest
