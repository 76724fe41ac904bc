"""Faults while the TUI runs: the one place that turns an error into what a screen may show.

A storage error (the store's lock held too long, a full disk, a damaged data file, a permission problem) or any
other exception must never reach Textual's crash screen: it prints a traceback with local variables (a PIN being
checked, a passphrase being typed, PIN hashes, other members' records). :meth:`tui.app.ChuangyouApp._handle_exception`
sends every exception that escapes a handler, a timer or a worker here. The details go to the log file in the data
directory; the screen gets a :class:`Fault`, worded from the catalogs without any data:

* the kiosk stays up and locked down, and says "cannot record right now" (a damaged file: out of service);
* the secretary reads what went wrong and what to do, with the exact recovery command for a damaged file.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from textual.worker import WorkerFailed

from campaign.errors import Refused
from campaign.i18n import t
from campaign.logfile import log_failure, log_path
from storage.errors import StoreBusy, StoreCorrupt, StoreError, StoreWriteFailed
from tui.cli.common import os_error_message, restore_command, store_error_message


class FaultKind(StrEnum):
    BUSY = "busy"
    FULL = "full"
    DAMAGED = "damaged"
    PERMISSION = "permission"
    IO = "io"
    #: Not a fault of the surroundings: a bug. Shown as calmly, never in detail.
    UNEXPECTED = "unexpected"


@dataclass(frozen=True)
class Fault:
    """What went wrong, for a screen: its kind, and the secretary's explanation (what happened, what to do)."""

    kind: FaultKind
    explanation: str
    #: The damaged file, for a damaged store (the kiosk watches it to come back by itself once it is restored).
    damaged: Path | None = None
    #: The command that recovers from it, ready to paste into a shell (a restore: with --data-dir and --yes).
    command: str | None = None


def unwrap(error: BaseException) -> BaseException:
    """The error itself, out of Textual's ``WorkerFailed`` wrapper."""
    while isinstance(error, WorkerFailed):
        error = error.error
    return error


def is_fault(error: BaseException) -> bool:
    """A failure of the surroundings (storage, the disk, permissions), as opposed to a bug."""
    error = unwrap(error)
    return isinstance(error, StoreError | OSError | Refused)


def _oserror_kind(error: OSError) -> FaultKind:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return FaultKind.FULL
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return FaultKind.PERMISSION
    return FaultKind.IO


def classify(error: BaseException, data_dir: Path) -> Fault:
    """The :class:`Fault` for ``error`` (a store error, an ``OSError``, or anything else)."""
    error = unwrap(error)
    if isinstance(error, StoreCorrupt):
        command = restore_command(error.data_dir, error.backup) if error.backup is not None else None
        return Fault(FaultKind.DAMAGED, store_error_message(error), error.path, command)
    if isinstance(error, StoreBusy):
        return Fault(FaultKind.BUSY, t("fault.admin_busy", timeout=f"{error.timeout:g}"))
    if isinstance(error, StoreWriteFailed):
        kind = _oserror_kind(error.cause)
        if error.pending or kind is FaultKind.IO:
            return Fault(kind, store_error_message(error))
        cause = OSError(error.cause.errno, error.cause.strerror, str(error.path))
        return Fault(kind, os_error_message(cause, data_dir))
    if isinstance(error, StoreError):
        return Fault(FaultKind.IO, store_error_message(error))
    if isinstance(error, Refused):
        return Fault(FaultKind.IO, error.message())
    if isinstance(error, OSError):
        kind = _oserror_kind(error)
        return Fault(kind, os_error_message(error, data_dir))
    return Fault(FaultKind.UNEXPECTED, t("fault.admin_unexpected"))


def record(error: BaseException, data_dir: Path, where: str = "tui") -> Fault:
    """Log ``error`` (with its traceback, never its local variables) and return what the screen may say."""
    error = unwrap(error)
    log_failure(where, error)
    return classify(error, data_dir)


def log_hint(data_dir: Path) -> str:
    return t("fault.admin_log", log=log_path(data_dir))


__all__ = ["Fault", "FaultKind", "classify", "is_fault", "log_hint", "record", "unwrap"]
