"""The audit log: reading it, and the secretary's actions that change nothing else but must be recorded.

Every secretary action is recorded by the campaign function that performs it, in the transaction that makes
the change (``c.audit`` inside ``with c.store.transaction():``). Screens, web routes and CLI handlers never
write entries themselves; the few actions with no other change to the store (a login, a printed sheet, a
backup) have their own function here. A restore keeps the live log: the backup's entries and the live ones are
merged into the restored store, with an entry for the restore itself, in the same atomic swap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from storage import Store, StoreError
from storage.audit_merge import merge_audit
from storage.backup import create_backup, restore
from storage.records import AuditEntry

from .clock import clock_for
from .context import Campaign

#: The time zone used when a damaged store's settings cannot be read (the settings' own default).
FALLBACK_TZ = "Asia/Shanghai"


def entries(c: Campaign, since: date | None = None) -> list[AuditEntry]:
    """Every audit entry from ``since`` (a day in the branch's time zone, inclusive) on, oldest first."""
    first: datetime | None = None
    if since is not None:
        first = datetime.combine(since, time(0), tzinfo=c.tz)
    out = list(c.repos.audit.all_entries(since=first))
    out.sort(key=lambda e: e.at)
    return out


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    """The stable JSON shape of one entry: ``{"at", "actor", "action", "detail"}``."""
    return {"at": entry.at.isoformat(), "actor": entry.actor, "action": entry.action, "detail": dict(entry.detail)}


def detail_text(entry: AuditEntry) -> str:
    """The entry's details as one line of ``key=value`` pairs (values as stored; show it literally)."""
    return " ".join(f"{k}={v}" for k, v in entry.detail.items())


def record(c: Campaign, action: str, **detail: Any) -> None:
    """Record an action that changes nothing else in the store (a login, a printed sheet)."""
    with c.store.transaction():
        c.audit(action, **detail)


def record_login(c: Campaign) -> None:
    """The secretary logged in to ``chuangyou admin``."""
    record(c, "admin.login")


def maintenance_campaign(store: Store, actor: str) -> Campaign:
    """A campaign over a store opened without its checks (backup and restore work on a damaged store)."""
    try:
        from storage.repositories import SettingsRepo

        tz = ZoneInfo(SettingsRepo(store).get().timezone)
    except (StoreError, ValueError, KeyError):
        tz = ZoneInfo(FALLBACK_TZ)
    return Campaign(store, clock_for(tz), actor)


def backup(c: Campaign, *, to: Path | None = None, reason: str = "manual", keep: int | None = None) -> Path:
    """Make a backup (see :func:`storage.backup.create_backup`) and record it in the audit log.

    The entry is written after the copy (a backup changes nothing in the store); if the log cannot be written
    (a damaged month of the log, a full disk), the backup still stands and the error is raised.
    """
    path = create_backup(c.store, to=to, reason=reason, keep=keep)
    record(c, "store.backup", path=str(path), reason=reason)
    return path


def restore_backup(c: Campaign, backup_path: Path) -> Path:
    """Make ``backup_path`` the live store, keeping the live audit log and recording the restore in it.

    Returns where the replaced store was kept. The merged log and the restore's own entry are written into the
    restored copy before the swap, so they take effect together with it.
    """
    entry = AuditEntry(at=c.now(), actor=c.actor, action="store.restore", detail={"backup": str(backup_path)})

    def prepare(staging: Path) -> None:
        merge_audit(c.store.dir, staging, [entry])

    kept = restore(c.store, backup_path, prepare=prepare)
    return kept


@dataclass(frozen=True)
class AuditPage:
    """One page of the log for a screen: the entries, the page number (from 0) and how many pages there are."""

    entries: list[AuditEntry]
    page: int
    pages: int
    #: Entries on every page together.
    total: int


def page(c: Campaign, since: date | None, number: int, size: int) -> AuditPage:
    """Page ``number`` (clamped; -1 is the last) of the entries from ``since``, ``size`` per page, oldest first."""
    rows = entries(c, since)
    pages = max(1, -(-len(rows) // size))
    if number < 0 or number >= pages:
        number = pages - 1
    return AuditPage(rows[number * size : (number + 1) * size], number, pages, len(rows))
