"""TinyDB bound to the store, through TinyDB's own extension points (a ``Storage`` and a ``Table`` subclass).

Two TinyDB habits are unsafe with several processes and are switched off here:

* ``Table._next_id`` caches the next document id per process, so two processes that each hold the lock in
  turn still hand out the same id. :class:`StoreTable` forgets it at the start of every insert, so it is
  recomputed from the data read under the lock.
* The query cache is only invalidated by writes through the same ``Table`` object, so it hides other
  processes' writes. Tables are created with a capacity of 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
        #: Set by :class:`StoreTable` while TinyDB reads data it is about to modify in place.
        self.for_update = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self._store.read(self._partition, for_update=self.for_update) or None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._store.write(self._partition, data)


@contextmanager
def _updating(storage: Storage) -> Iterator[None]:
    """TinyDB mutates what read() returns before calling write(): while it does, reads hand out a private copy,
    never the shared snapshot (and outside a transaction they fail before anything is touched)."""
    assert isinstance(storage, PartitionStorage)
    storage.for_update = True
    try:
        yield
    finally:
        storage.for_update = False


class StoreTable(Table):
    """A TinyDB table that never trusts a per-process id counter or query cache."""

    default_query_cache_capacity = 0

    def __init__(self, storage: Storage, name: str, cache_size: int = 0, persist_empty: bool = False) -> None:
        # Table.__init__'s own default (10) was bound when TinyDB defined it: the class attribute above does not
        # reach it, so a long-lived table kept a query cache. Any size asked for is refused: always 0.
        super().__init__(storage, name, cache_size=0, persist_empty=persist_empty)

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        with _updating(self._storage):
            super()._update_table(updater)

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

    def drop_table(self, name: str) -> None:
        with _updating(self.storage):
            super().drop_table(name)


def tinydb_for(store: Store, partition: str) -> TinyDB:
    return StoreDB(store, partition, storage=PartitionStorage)
