"""Faults injected into real chuangyou processes (the kiosk and the admin app in tmux, ``chuangyou serve``, CLI
commands), switched on and off while they run by flag files.

Each process gets a ``sitecustomize`` (on ``PYTHONPATH``) that, while a flag file exists in the fault directory:

* ``enospc``: makes every durable write of the store fail with ENOSPC at its write boundary (a full disk);
* ``eacces``: makes opening the file named in it fail with EACCES (root reads every file, so it is injected);
* ``slow-backup``: slows every file a backup or a restore writes (0.2 s each), to kill -9 one in the middle.

A busy store is real: another process holds the store's lock (``helpers.lock_held``), and the programs are told to
give up after ``CHUANGYOU_LOCK_TIMEOUT`` seconds instead of 15.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
LOCK_TIMEOUT_S = "0.5"

SITECUSTOMIZE = """
import errno, os, pathlib, time
_flags = pathlib.Path(os.environ["CHUANGYOU_TEST_FAULTS"])

def _on(name):
    return (_flags / name).exists()

def _denied(path):
    flag = _flags / "eacces"
    return flag.exists() and os.fspath(path) == flag.read_text()

try:
    from storage import atomic as _atomic
    from storage import backup as _backup
except Exception:  # noqa
    _atomic = _backup = None

if _atomic is not None:
    _write_all = _atomic._write_all
    def _full(fd, data):
        if _on("enospc"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return _write_all(fd, data)
    _atomic._write_all = _full

    _write_out = _backup._write_out
    def _slow(path, data):
        if _on("slow-backup"):
            time.sleep(0.2)
        return _write_out(path, data)
    _backup._write_out = _slow

_open = os.open
def _guarded_open(path, flags, mode=0o777, *, dir_fd=None):
    if _denied(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
    return _open(path, flags, mode, dir_fd=dir_fd)
os.open = _guarded_open

_read_bytes = pathlib.Path.read_bytes
def _guarded_read(self):
    if _denied(self):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(self))
    return _read_bytes(self)
pathlib.Path.read_bytes = _guarded_read
"""


class Faults:
    """The fault switches of the processes started with :meth:`env`."""

    def __init__(self, root: Path) -> None:
        self.flags = root / "flags"
        self.hook = root / "hook"
        self.flags.mkdir(parents=True, exist_ok=True)
        self.hook.mkdir(parents=True, exist_ok=True)
        (self.hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        for key in [k for k in env if k.startswith("CHUANGYOU_")]:
            env.pop(key)
        if base is not None and "CHUANGYOU_NOW" in base:
            env["CHUANGYOU_NOW"] = base["CHUANGYOU_NOW"]
        env["PYTHONPATH"] = os.pathsep.join([str(self.hook), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["CHUANGYOU_TEST_FAULTS"] = str(self.flags)
        env["CHUANGYOU_LOCK_TIMEOUT"] = LOCK_TIMEOUT_S
        return env

    def on(self, name: str, value: str = "") -> None:
        (self.flags / name).write_text(value, encoding="utf-8")

    def off(self, name: str) -> None:
        (self.flags / name).unlink(missing_ok=True)
