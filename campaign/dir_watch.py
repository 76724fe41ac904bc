"""Which files of a directory were replaced, created or removed since the last look — from the kernel (inotify).

The store never writes a partition in place: a commit renames a new file over the old one, which inotify reports
as ``IN_MOVED_TO`` with the file's name, whichever process committed it. So a reader of a directory of thousands of
partitions learns exactly which ones changed without a ``stat`` of each. Linux only; :func:`watch` returns None
elsewhere, or when the kernel refuses (no inotify, the per-user limit of instances reached), and the caller looks
at every file instead. If the kernel's event queue overflowed, :meth:`DirWatch.changes` says so (None) and the
caller looks at every file once.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import struct
import sys
from pathlib import Path

IN_MODIFY = 0x00000002
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
_MASK = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
_LOST = IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF
_HEADER = struct.Struct("iIII")


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


class DirWatch:
    """An inotify watch on one directory. Close it when done (it holds a file descriptor)."""

    def __init__(self, fd: int, path: Path, identity: tuple[int, int]) -> None:
        self.fd = fd
        self.path = path
        self.identity = identity
        self.broken = False

    def changes(self) -> set[str] | None:
        """Names of the files changed since the last call, or None if events were lost (look at everything).

        A watch follows a directory, not a path: when another directory now stands at the path (a restore moved
        the whole store), :attr:`broken` is set and the caller watches the path again.
        """
        try:
            st = os.stat(self.path)
            if (st.st_dev, st.st_ino) != self.identity:
                self.broken = True
        except OSError:
            self.broken = True
        names: set[str] = set()
        lost = self.broken
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                lost = True
                break
            if not data:
                break
            offset = 0
            while offset + _HEADER.size <= len(data):
                _wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
                raw = data[offset + _HEADER.size : offset + _HEADER.size + length]
                offset += _HEADER.size + length
                if mask & _LOST:
                    lost = True
                if mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF):
                    self.broken = True  # the directory itself went (a restore): watch its path again
                name = raw.split(b"\0", 1)[0]
                if name:
                    names.add(os.fsdecode(name))
        return None if lost else names

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def watch(path: Path) -> DirWatch | None:
    """Start watching ``path`` (a directory), or None when inotify is not available here."""
    libc = _libc()
    if libc is None:
        return None
    fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    if fd < 0:
        return None
    if libc.inotify_add_watch(fd, os.fsencode(path), _MASK) < 0:
        os.close(fd)  # no such directory yet, no permission, or the per-user limit of watches
        return None
    try:
        st = os.stat(path)
    except OSError:
        os.close(fd)
        return None
    return DirWatch(fd, path, (st.st_dev, st.st_ino))
