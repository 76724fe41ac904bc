"""Faults made for real: the store's lock held by another process, a damaged file, an unreadable file, a full disk.

What a screen must never show after a fault: a PIN, the secretary's passphrase, a PIN hash, a record it was not
showing before, or any part of a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage import atomic

#: Words of a Python or Textual traceback (a crash screen): none may appear on any screen or output.
TRACEBACK_WORDS = ("Traceback", "locals", 'File "', "Error:", "raise ", "scrypt$", "pin_hash")


@contextmanager
def lock_held(data_dir: Path) -> Iterator[None]:
    """The store's lock held by another process (as a stuck backup or script would) until the block ends."""
    script = (
        "import sys; from filelock import FileLock\n"
        f"lock = FileLock({str(data_dir / 'store.lock')!r})\n"
        "lock.acquire(); print('held', flush=True); sys.stdin.read()\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)


@contextmanager
def disk_full(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every durable write fails with ENOSPC at the storage's write boundary (as on a full disk)."""

    def full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr(atomic, "_write_all", full)
        yield


@contextmanager
def damaged(path: Path) -> Iterator[bytes]:
    """``path`` damaged (cut short, as by a bad disk) until the block ends; yields its good bytes."""
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    try:
        yield good
    finally:
        pass


@contextmanager
def unreadable(monkeypatch: pytest.MonkeyPatch, path: Path) -> Iterator[None]:
    """Opening ``path`` fails with EACCES (as for a file another account owns; root would read it anyway)."""
    real_open = os.open

    def guarded(file: str | os.PathLike[str], flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_open(file, flags, mode, dir_fd=dir_fd)

    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if os.fspath(self) == os.fspath(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_read(self)

    with monkeypatch.context() as m:
        m.setattr(os, "open", guarded)
        m.setattr(Path, "read_bytes", read_bytes)
        yield


def secrets_in(text: str, secrets: list[str]) -> list[str]:
    """Which of ``secrets`` (and of the traceback words) ``text`` shows."""
    return [s for s in [*secrets, *TRACEBACK_WORDS] if s and s in text]


def pin_hashes(data_dir: Path) -> list[str]:
    core = json.loads((data_dir / "store" / "core.json").read_bytes())
    return [str(m.get("pin_hash")) for m in core.get("members", {}).values() if m.get("pin_hash")]
