"""Persistence for chuangyou: a TinyDB store that is safe across processes and crashes.

Open it with :func:`open_store`; write only inside ``with store.transaction():``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import (
    BackupInvalid,
    BackupRefused,
    MigrationFailed,
    OutsideTransaction,
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreNoPermission,
    StoreWriteFailed,
    TransactionFromAnotherTask,
    UnsafeFilesystem,
)
from .schema import CURRENT_SCHEMA, ensure_schema
from .store import Store, Transaction
from .tinystore import tinydb_for

#: Partitions parsed in full when the store opens, so a damaged one stops the program at start.
HOT_PARTITIONS = ("meta", "core", "sessions")


def open_store(
    data_dir: Path,
    *,
    hot: Iterable[str] = HOT_PARTITIONS,
    allow_network_fs: bool = False,
    lock_timeout: float = 15.0,
) -> Store:
    """Open (creating if needed) the store in ``data_dir``: recover, check, and migrate.

    Raises :class:`StoreCorrupt` (naming the newest good backup) if a hot partition does not parse; the
    damaged file is left exactly as it is.
    """
    store = Store(data_dir, lock_timeout=lock_timeout, allow_network_fs=allow_network_fs)
    if store.needs_recovery():
        with store.locked():  # finish what a killed writer left before anything is read
            for partition in hot:
                store.read(partition)
    else:
        # Nothing half done: every file is whole (commits replace files atomically), so reading needs no lock.
        for partition in hot:
            store.read(partition)
    ensure_schema(store)
    return store


__all__ = [
    "CURRENT_SCHEMA",
    "HOT_PARTITIONS",
    "BackupInvalid",
    "BackupRefused",
    "MigrationFailed",
    "OutsideTransaction",
    "SchemaTooNew",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "StoreNoPermission",
    "StoreWriteFailed",
    "Transaction",
    "TransactionFromAnotherTask",
    "UnsafeFilesystem",
    "open_store",
    "tinydb_for",
]
