"""The log file: errors and their tracebacks go to ``DATA_DIR/logs/chuangyou.log``, never to a screen.

A shared kiosk screen must never show a traceback (it can list a PIN or a passphrase). Every long-running program
and every CLI command sends the details of a failure here, rotated so weeks of a busy store cannot fill the disk,
readable by chuangyou's own accounts only (0600, or 0660 when the data directory is shared with a group).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = "chuangyou"
LOG_DIR = "logs"
LOG_NAME = "chuangyou.log"
#: Rotated at this size, keeping this many old files: at most ~5 MB of log.
MAX_BYTES = 1_000_000
BACKUP_COUNT = 4

_guard = threading.Lock()


def log_path(data_dir: Path) -> Path:
    return data_dir / LOG_DIR / LOG_NAME


def _mode_for(data_dir: Path) -> int:
    """0660 when the data directory is shared with a group (group-writable), else 0600."""
    try:
        shared = bool(os.stat(data_dir).st_mode & stat.S_IWGRP)
    except OSError:
        shared = False
    return 0o660 if shared else 0o600


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating file handler whose files (the rotated ones too) are created with a private mode."""

    def __init__(self, path: Path, mode: int) -> None:
        self.file_mode = mode
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)

    def _open(self):  # type: ignore[no-untyped-def]  # typeshed types it as returning TextIOWrapper
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, self.file_mode)
        with contextlib.suppress(OSError):  # whatever the umask, and for a file an older version created
            os.fchmod(fd, self.file_mode)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        # A log that cannot be written (a full disk) must not print a traceback to the terminal either.
        pass


def logger() -> logging.Logger:
    log = logging.getLogger(LOGGER)
    log.propagate = False  # nothing reaches the root logger, whose last resort prints to stderr
    return log


def setup_logging(data_dir: Path) -> Path | None:
    """Send chuangyou's log to the rotating file in ``data_dir`` (idempotent); returns its path, or None if the
    log directory cannot be made (the program runs on; a failing log must not stop a sign-in)."""
    path = log_path(data_dir)
    log = logger()
    with _guard:
        for handler in log.handlers:
            if isinstance(handler, PrivateRotatingFileHandler) and Path(handler.baseFilename) == path.absolute():
                return path
        try:
            path.parent.mkdir(mode=0o770, parents=True, exist_ok=True)
        except OSError:
            if not log.handlers:
                log.addHandler(logging.NullHandler())
            return None
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()
        handler = PrivateRotatingFileHandler(path.absolute(), _mode_for(data_dir))
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


def log_failure(what: str, error: BaseException) -> None:
    """Record ``error`` with its traceback (no local variables) in the log file."""
    logger().error("%s: %s", what, type(error).__name__, exc_info=(type(error), error, error.__traceback__))


__all__ = ["LOGGER", "log_failure", "log_path", "logger", "setup_logging"]
