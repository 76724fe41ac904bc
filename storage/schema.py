"""Schema versions and migrations, applied at open under the lock after a backup."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import SchemaTooNew
from .pledge_layout import pledges_by_member_bucket
from .tinystore import tinydb_for

if TYPE_CHECKING:
    from .store import Store

#: The schema this code reads and writes.
CURRENT_SCHEMA = 2

Migration = Callable[["Store"], None]

#: ``MIGRATIONS[n]`` turns a schema-``n`` store into schema ``n + 1``; it runs inside one transaction.
MIGRATIONS: dict[int, Migration] = {1: pledges_by_member_bucket}

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
    """Stamp a new store, or migrate an older one (after a backup). Returns the versions migrated from."""
    from .backup import create_backup

    # Looked up at call time (not bound as a default at import), so the schema in force is the module's.
    current = CURRENT_SCHEMA if current is None else current

    with store.transaction():
        found = read_schema(store)
        if found is None:
            _write_schema(store, current)
            return []
    if found > current:
        raise SchemaTooNew(found, current)
    if found == current:
        return []
    create_backup(store, reason=f"before-migration-v{found}", keep=keep_backups)
    done = []
    with store.transaction():
        version = read_schema(store)
        assert version is not None
        while version < current:
            MIGRATIONS[version](store)
            done.append(version)
            version += 1
        _write_schema(store, version)
    return done
