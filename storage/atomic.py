"""Durable file replacement: write a temporary file, fsync it, rename it over the target, fsync the directory.

A reader that opens the target by path sees either the old bytes or the new bytes, never a mix, and a crash
at any moment leaves at worst an orphan temporary file (removed by the store's recovery under its lock).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .perms import FILE_MODE, secure_fd

TMP_SUFFIX = ".tmp"


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (one place, so fault-injection tests can patch it)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (a rename into it) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_temp(tmp_dir: Path, data: bytes, *, mtime_ns: int | None = None) -> Path:
    """Write ``data`` to a new fsynced file in ``tmp_dir`` and return its path.

    With ``mtime_ns``, the file's access and modification times are set to it (a rename keeps them).
    On failure the partial temporary file is removed and the ``OSError`` propagates.
    """
    tmp = tmp_dir / f"{secrets.token_hex(8)}{TMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        secure_fd(fd)
        _write_all(fd, data)
        if mtime_ns is not None:
            os.utime(fd, ns=(mtime_ns, mtime_ns))
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def replace_durably(tmp: Path, final: Path) -> None:
    """Rename ``tmp`` over ``final`` and fsync the directory that now holds it.

    The temporary file's directory is not fsynced: once ``final``'s directory is durable the new name is; if
    the old name's removal were lost in a crash, the temporary name would come back as an orphan, which the
    store's recovery deletes under its lock. (One journal flush less per commit: a sign-in now makes two.)
    """
    os.replace(tmp, final)
    fsync_dir(final.parent)


def atomic_write(final: Path, data: bytes, tmp_dir: Path, *, mtime_ns: int | None = None) -> None:
    """Replace ``final`` with ``data`` durably; on any failure ``final`` is unchanged."""
    tmp = write_temp(tmp_dir, data, mtime_ns=mtime_ns)
    try:
        replace_durably(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
