r"""Ctrl+C before the program is ready: never a traceback, and never a way out of the kiosk.

Imported first by :mod:`tui.cli`, before anything heavy: Python turns ctrl+c into a KeyboardInterrupt traceback
until Textual switches the terminal to raw mode (where ctrl+c arrives as a key the kiosk refuses). For the kiosk
(``chuangyou``, ``chuangyou kiosk``, ``chuangyou demo``) ctrl+c, ctrl+\ and ctrl+z are ignored from here on; any
other command ends quietly with status 130, as shells expect of an interrupted command.

Python's own start (before any of this code runs, some tens of milliseconds) can only be covered by whoever starts
it: the kiosk account's launcher ignores them first (``trap '' INT QUIT TSTP; exec chuangyou kiosk``, README).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

EXIT_INTERRUPTED = 130
#: Commands that start the kiosk.
KIOSK_COMMANDS = frozenset({"kiosk", "demo"})
#: Global options that take a value (their value is not the command).
_WITH_VALUE = frozenset({"--data-dir", "--lang"})


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand in ``argv`` (without the program name), or None when there is none."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in _WITH_VALUE:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg
    return None


def starts_kiosk(argv: Sequence[str]) -> bool:
    if any(arg in ("-h", "--help") for arg in argv):
        return False
    command = command_of(argv)
    return command is None or command in KIOSK_COMMANDS


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(EXIT_INTERRUPTED)


def launched_as_chuangyou() -> bool:
    """Whether this process is the ``chuangyou`` command (or ``python -m tui.cli``), not a test importing it."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    return program in ("chuangyou", "__main__.py")


def guard_interrupts(argv: Sequence[str] | None = None) -> None:
    """Ignore ctrl+c for the kiosk; end any other command quietly on ctrl+c. Only in the ``chuangyou`` process."""
    if argv is None and not launched_as_chuangyou():
        return
    args = sys.argv[1:] if argv is None else argv
    try:
        if starts_kiosk(args):
            # ctrl+c, ctrl+\ and ctrl+z: until Textual takes the terminal, none may end or suspend the kiosk.
            for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
                signal.signal(signum, signal.SIG_IGN)
        else:
            signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread (tests calling main() from a worker): leave Python's default
        pass


def pause_gc_for_start_up(argv: Sequence[str] | None = None) -> None:
    """For a screen's start (the kiosk, the admin app), in the ``chuangyou`` process only: no garbage collection
    until the first screen is up. A start allocates ~300,000 objects that live as long as the program (modules,
    classes, styles); collecting among them cost ~20 ms of every start. The app resumes collection, with those
    objects frozen out of it, once its first screen is up (``ChuangyouApp.end_start_up``)."""
    if argv is None and not launched_as_chuangyou():
        return
    args = sys.argv[1:] if argv is None else argv
    if starts_kiosk(args) or command_of(args) == "admin":
        gc.disable()
