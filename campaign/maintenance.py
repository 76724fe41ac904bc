"""Housekeeping every long-running process does: a daily backup, rotated to the branch's setting.

The kiosk, the secretary's app and the web server run for weeks: :func:`start_daily_backups` checks every hour, in
a thread of its own (never the UI's), whether a day has passed since the newest good backup. A failure is logged
and tried again at the next check; ``chuangyou check`` warns when the newest backup is old.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import HOT_PARTITIONS
from storage.errors import StoreError

from .context import Campaign
from .logfile import log_failure, logger

BACKUP_EVERY = timedelta(hours=24)
#: How often a long-running process looks whether a backup is due.
CHECK_EVERY_S = 3600.0
#: How long a program's first backup check waits for its first screen at most.
FIRST_CHECK_WAIT_S = 30.0


def backup_if_due(c: Campaign, *, every: timedelta = BACKUP_EVERY) -> Path | None:
    """Make an automatic backup if the newest verified one is older than ``every`` (or there is none)."""
    from storage.backup import iter_backups  # here: a program's start does not need the backup module

    last = next((b for b in iter_backups(c.store) if b.verified and not b.apart), None)
    if last is not None:
        try:
            newest = datetime.fromisoformat(last.created)
        except ValueError:
            newest = datetime.min.replace(tzinfo=UTC)
        if datetime.now(UTC) - newest < every:
            return None
    from .audit_log import backup

    return backup(c, reason="daily", keep=c.settings.backup_keep)


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


class DailyBackups:
    """A thread that makes the daily backup while a program runs; :meth:`stop` ends it."""

    def __init__(
        self,
        c: Campaign,
        *,
        check_every_s: float = CHECK_EVERY_S,
        every: timedelta = BACKUP_EVERY,
        after: threading.Event | None = None,
    ) -> None:
        self.campaign = c
        self.check_every_s = check_every_s
        self.every = every
        #: Set when the program's first screen is up: the first check waits for it (at most FIRST_CHECK_WAIT_S).
        self.after = after
        self.made: list[Path] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="daily-backups", daemon=True)

    def start(self) -> DailyBackups:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def check_now(self) -> Path | None:
        try:
            made = backup_if_due(self.campaign, every=self.every)
        except (OSError, StoreError) as exc:
            log_failure("daily backup", exc)  # the program goes on; the next check tries again
            return None
        if made is not None:
            self.made.append(made)
            logger().info("daily backup made: %s", made)
        return made

    def _run(self) -> None:
        if self.after is not None:
            # Reading the newest backup's manifest and copying the store compete for the CPU with the first screen.
            self.after.wait(FIRST_CHECK_WAIT_S)
        while True:
            self.check_now()
            if self._stop.wait(self.check_every_s):
                return


def start_daily_backups(
    c: Campaign, *, check_every_s: float = CHECK_EVERY_S, after: threading.Event | None = None
) -> DailyBackups:
    """Make the daily backup now if due (once ``after`` is set, if given), then keep checking every
    ``check_every_s`` until the program ends."""
    return DailyBackups(c, check_every_s=check_every_s, after=after).start()
