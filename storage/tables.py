"""Tables of partitions, as the repositories use them (``storage.repositories``, ``storage.pledge_repos``,
``storage.slips``): TinyDB tables for writes, the snapshot's documents for reads, and tables kept in a canonical
order for records whose order of arrival must not show."""

from __future__ import annotations

import bisect
import json
from typing import Any

from tinydb.table import Table

from .store import Store
from .tinystore import tinydb_for


def table_of(store: Store, partition: str, name: str) -> Table:
    """Table ``name`` of ``partition`` through TinyDB (writes go to the current transaction)."""
    return tinydb_for(store, partition).table(name)


def docs_of(store: Store, partition: str, name: str) -> dict[str, dict[str, Any]]:
    """The documents of table ``name`` by doc id, as this thread should see them (never to be changed in place)."""
    found: dict[str, dict[str, Any]] = store.read(partition).get(name, {})
    return found


#: A table of its own in a partition whose records are kept in canonical order (see :func:`write_canonical`).
_CANONICAL = "canonical"
_CANONICAL_MARK = {"1": {"order": "content"}}


def _canonical_key(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False)


def write_canonical(store: Store, partition: str, name: str, new: list[dict[str, Any]]) -> None:
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
    rows = {str(i): d for i, d in enumerate(docs, start=1)}
    store.write(partition, {**data, name: rows, _CANONICAL: _CANONICAL_MARK})
