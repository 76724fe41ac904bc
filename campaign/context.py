"""The campaign: one store, its repositories, the clock, and who is acting. Services take a :class:`Campaign`."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from storage import Store, open_store
from storage.records import AuditEntry, Settings
from storage.repositories import Repositories

from . import names_migration  # noqa: F401  (registers the schema 2 → 3 migration before any store is opened)
from .clock import Clock, clock_for


@dataclass
class Campaign:
    store: Store
    clock: Clock
    #: Who is acting, for the audit log: "secretary", "cli:<user>", "kiosk", "web".
    actor: str = "cli"
    repos: Repositories = field(init=False)

    def __post_init__(self) -> None:
        self.repos = Repositories(self.store)

    @property
    def settings(self) -> Settings:
        return self.repos.settings.get()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def audit(self, action: str, **detail: Any) -> None:
        """Record a secretary action; call inside the transaction that makes the change."""
        self.repos.audit.append(AuditEntry(at=self.now(), actor=self.actor, action=action, detail=detail))


#: Seconds a program waits for another one holding the store's lock (default 15; tests and fault drills shorten it).
LOCK_TIMEOUT_ENV = "CHUANGYOU_LOCK_TIMEOUT"


def _lock_timeout() -> float:
    try:
        return max(float(os.environ.get(LOCK_TIMEOUT_ENV, "15")), 0.01)
    except ValueError:
        return 15.0


def open_campaign(data_dir: Path, *, actor: str | None = None, clock: Clock | None = None) -> Campaign:
    """Open the store in ``data_dir`` (see :func:`storage.open_store`) as a campaign."""
    store = open_store(data_dir, lock_timeout=_lock_timeout())
    if clock is None:
        from storage.repositories import SettingsRepo

        clock = clock_for(ZoneInfo(SettingsRepo(store).get().timezone))
    return Campaign(store, clock, actor or cli_actor())


def cli_actor() -> str:
    """Who acts from a shell: ``cli:<login name>``."""
    return f"cli:{_user()}"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
