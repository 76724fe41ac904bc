"""Housekeeping every long-running process does: a daily backup, rotated to the branch's setting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.backup import list_backups

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
    from .audit_log import backup

    return backup(c, reason="daily", keep=c.settings.backup_keep)
