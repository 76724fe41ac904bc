"""Schema versions and migrations, applied at open under the lock after a backup."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import MigrationFailed, SchemaTooNew
from .pledge_layout import pledges_by_member_bucket
from .tinystore import tinydb_for
from .token_layout import tokens_by_year

if TYPE_CHECKING:
    from .store import Store

#: The schema this code reads and writes.
CURRENT_SCHEMA = 4

Migration = Callable[["Store"], None]

#: ``MIGRATIONS[n]`` turns a schema-``n`` store into schema ``n + 1``; it runs inside one transaction.
#: 1 → 2: pledges filed per year and member bucket (storage/pledge_layout.py).
#: 2 → 3 (members' pinyin keys with every reading) is registered by ``campaign.names_migration``.
#: 3 → 4: slip codes filed by the year they were issued (storage/token_layout.py).
MIGRATIONS: dict[int, Migration] = {1: pledges_by_member_bucket, 3: tokens_by_year}

META = "meta"


def read_schema(store: Store) -> int | None:
    docs = tinydb_for(store, META).table(META).all()
    return int(docs[0]["schema"]) if docs else None


def _write_schema(store: Store, version: int) -> None:
    table = tinydb_for(store, META).table(META)
    if table.contains(doc_id=1):
        table.update({"schema": version}, doc_ids=[1])
    else:
        table.insert({"schema": version})


def ensure_schema(store: Store, *, current: int | None = None, keep_backups: int = 14) -> list[int]:
    """Stamp a new store, or migrate an older one (after a backup). Returns the versions migrated from.

    A migration that fails raises :class:`MigrationFailed`: its transaction is not committed, so the store is as it
    was, and no backup is rotated away. A program restarted in a loop after such a failure makes no further backup:
    at most one "before-migration" backup per schema version is kept, reused while the store has not changed.
    (``keep_backups`` is kept for callers; a migration no longer rotates.)
    """
    from .backup import before_migration_backup

    # Looked up at call time (not bound as a default at import), so the schema in force is the module's.
    current = CURRENT_SCHEMA if current is None else current

    if read_schema(store) == current:  # the usual case, read without the lock (the file is replaced whole)
        return []
    with store.transaction():
        found = read_schema(store)
        if found is None:
            _write_schema(store, current)
            return []
    if found > current:
        raise SchemaTooNew(found, current)
    if found == current:
        return []
    backup = before_migration_backup(store, found)
    done = []
    try:
        with store.transaction():
            version = read_schema(store)
            assert version is not None
            while version < current:
                MIGRATIONS[version](store)
                done.append(version)
                version += 1
            _write_schema(store, version)
    except Exception as exc:
        raise MigrationFailed(found, current, backup, exc, store.root) from exc
    return done
