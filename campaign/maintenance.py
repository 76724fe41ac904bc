"""Housekeeping every long-running process does: a daily backup, rotated to the branch's setting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import HOT_PARTITIONS
from storage.backup import create_backup, list_backups
from storage.errors import StoreError

from .context import Campaign

BACKUP_EVERY = timedelta(hours=24)


def backup_if_due(c: Campaign, *, every: timedelta = BACKUP_EVERY) -> Path | None:
    """Make an automatic backup if the newest one is older than ``every`` (or there is none)."""
    backups = list_backups(c.store)
    if backups:
        try:
            newest = datetime.fromisoformat(backups[0].created)
        except ValueError:
            newest = datetime.min.replace(tzinfo=UTC)
        if datetime.now(UTC) - newest < every:
            return None
    return create_backup(c.store, reason="daily", keep=c.settings.backup_keep)


def damage_cleared(c: Campaign, damaged: Path | None) -> bool:
    """Whether the store reads again after a damaged file was reported: that file parses (or is gone, e.g. after a
    restore), and so does every partition a program reads at start."""
    try:
        if damaged is not None and damaged.exists():
            json.loads(damaged.read_bytes())
        for partition in HOT_PARTITIONS:
            c.store.read(partition)
    except (StoreError, OSError, ValueError):
        return False
    return True
