"""TinyDB bound to the store, through TinyDB's own extension points (a ``Storage`` and a ``Table`` subclass).

Two TinyDB habits are unsafe with several processes and are switched off here:

* ``Table._next_id`` caches the next document id per process, so two processes that each hold the lock in
  turn still hand out the same id. :class:`StoreTable` forgets it at the start of every insert, so it is
  recomputed from the data read under the lock.
* The query cache is only invalidated by writes through the same ``Table`` object, so it hides other
  processes' writes. Tables are created with a capacity of 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

if TYPE_CHECKING:
    from .store import Store


class PartitionStorage(Storage):
    """TinyDB storage for one partition: reads and writes go through the store (and its transaction)."""

    def __init__(self, store: Store, partition: str) -> None:
        self._store = store
        self._partition = partition

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self._store.read(self._partition) or None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._store.write(self._partition, data)


class StoreTable(Table):
    """A TinyDB table that never trusts a per-process id counter or query cache."""

    default_query_cache_capacity = 0

    def insert(self, document: Any) -> int:
        self._next_id = None
        doc_id: int = super().insert(document)
        return doc_id

    def insert_multiple(self, documents: Any) -> list[int]:
        self._next_id = None
        doc_ids: list[int] = super().insert_multiple(documents)
        return doc_ids


class StoreDB(TinyDB):
    table_class = StoreTable


def tinydb_for(store: Store, partition: str) -> TinyDB:
    return StoreDB(store, partition, storage=PartitionStorage)
