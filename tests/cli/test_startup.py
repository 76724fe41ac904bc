"""ctrl+c before the program is ready: ignored for the kiosk, a quiet status 130 for any other command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli.startup import command_of, starts_kiosk

ROOT = Path(__file__).resolve().parents[2]
INTERRUPT = """
import os, signal, sys
from tui.cli.startup import guard_interrupts
guard_interrupts(sys.argv[1:])
os.kill(os.getpid(), signal.SIGINT)
print("still here")
"""


@pytest.mark.parametrize(
    ("argv", "command", "kiosk"),
    [
        ([], None, True),
        (["--data-dir", "d", "--lang", "en"], None, True),
        (["--data-dir", "kiosk", "member", "list"], "member", False),
        (["kiosk"], "kiosk", True),
        (["--lang", "en", "demo"], "demo", True),
        (["admin"], "admin", False),
        (["kiosk", "--help"], "kiosk", False),
    ],
)
def test_which_command_starts_the_kiosk(argv: list[str], command: str | None, kiosk: bool) -> None:
    assert command_of(argv) == command
    assert starts_kiosk(argv) is kiosk


@pytest.mark.parametrize(("argv", "code", "out"), [(["member", "list"], 130, ""), (["kiosk"], 0, "still here\n")])
def test_ctrl_c_during_start_up(argv: list[str], code: int, out: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPT, *argv], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (code, out, "")


GC_AT_IMPORT = """
import gc, sys
sys.argv = ["chuangyou", *sys.argv[1:]]
import tui.cli
print(gc.isenabled())
"""


@pytest.mark.parametrize(
    ("argv", "collecting"),
    [([], False), (["kiosk"], False), (["admin"], False), (["member", "list"], True), (["kiosk", "--help"], True)],
)
def test_collection_is_paused_only_for_a_screens_start(argv: list[str], collecting: bool) -> None:
    """The kiosk and the admin app start without garbage collection (tui.cli.startup); any other command keeps it."""
    done = subprocess.run(
        [sys.executable, "-c", GC_AT_IMPORT, *argv], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == str(collecting), done.stderr


def test_the_app_resumes_collection_once_started_with_the_start_frozen_out() -> None:
    script = (
        "import gc\n"
        "gc.disable()\n"
        "from tui.app import ChuangyouApp\n"
        "ChuangyouApp.end_start_up(None)  # what the first screen calls (or a timer, at the latest)\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 1000)\n"
        "ChuangyouApp.end_start_up(None)  # once only\n"
        "print(gc.isenabled())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr
