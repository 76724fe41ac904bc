"""Derived files beside the store (``DATA_DIR/cache/``): never the truth, rebuilt from the store whenever missing,
damaged or out of date, and left out of backups.

A program that had to read many partitions to answer a query may keep what it derived, so that the next program
to start does not read them all again; each entry names the partition signature it was derived from. Writes are
atomic (a reader sees the old file or the new one) but not fsynced: a file lost in a crash is only rebuilt.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from .perms import FILE_MODE, make_dirs, secure_fd

CACHE_DIR = "cache"


def cache_path(root: Path, name: str) -> Path:
    """Where the derived file ``name`` of the data directory ``root`` lives."""
    return root / CACHE_DIR / name


def read_cache(path: Path) -> bytes | None:
    """The file's bytes, or None if it is missing or cannot be read (a cache is never worth a failure)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_cache(path: Path, data: bytes) -> bool:
    """Replace the file atomically; False (and nothing left behind) if the disk or permissions say no."""
    tmp = path.parent / f".{secrets.token_hex(8)}.tmp"
    try:
        make_dirs(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            secure_fd(fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True
