"""The kiosk's own inputs in a real terminal (tmux): a paste start without its end, ctrl+c while it starts, and a
very long typed passphrase."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign import passphrase
from campaign.context import Campaign
from campaign.study_sessions import create_session
from tests.conftest import NOW
from tests.e2e.terminal import STEP_DEADLINE_S, Terminal, open_terminal

pytestmark = pytest.mark.e2e

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
SECRET = "correct horse battery"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = open_terminal(tmp_path, "kiosk")
    yield term
    term.stop()


def keep_pressing(terminal: Terminal, key: str, *until: str, deadline_s: float = STEP_DEADLINE_S) -> str:
    """Press ``key`` again and again (a person would) until the screen shows every one of ``until``."""
    end = time.monotonic() + deadline_s
    shown = ""
    while time.monotonic() < end:
        terminal.keys(key)
        shown = terminal.screen()
        if all(text in shown for text in until):
            return shown
        time.sleep(0.2)
    raise AssertionError(f"never saw {until!r} pressing {key!r}; the terminal shows:\n{shown}")


def kiosk_still_running(terminal: Terminal) -> str:
    """The kiosk is up: home, or the passphrase it asks for when ctrl+c reached it as a key. Returns the home."""
    end = time.monotonic() + STEP_DEADLINE_S
    shown = ""
    while time.monotonic() < end:
        shown = terminal.screen()
        assert "Traceback" not in shown and "KeyboardInterrupt" not in shown, shown
        if "退出签到机需要支部书记口令" in shown:
            terminal.keys("Escape")
        elif "正在签到" in shown:
            return shown
        time.sleep(0.05)
    raise AssertionError(f"the kiosk is not running; the terminal shows:\n{shown}")


def start_kiosk(roster: Campaign, data_dir: Path, terminal: Terminal) -> None:
    create_session(roster, "学习会", NOW.replace(hour=7, minute=30), NOW.replace(hour=9))
    passphrase.set_passphrase(roster, SECRET)
    terminal.start([str(CHUANGYOU), "--data-dir", str(data_dir), "kiosk"], width=100, height=32)
    terminal.wait_for("正在签到", "学习会")


def test_a_paste_start_without_its_end_does_not_freeze_the_kiosk(
    roster: Campaign, data_dir: Path, terminal: Terminal
) -> None:
    start_kiosk(roster, data_dir, terminal)
    terminal.keys("-l", "\x1b[200~")  # the start of a bracketed paste, and never its end
    keep_pressing(terminal, "C-c", "退出签到机需要支部书记口令")  # ctrl+c works again: it asks for the passphrase
    terminal.keys("Escape")
    terminal.wait_for("正在签到")
    terminal.keys("w", "x", "m")
    terminal.wait_for("找到 2 人", "王晓明")


def sigint_ignored(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    ignored = next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1]
    return bool(int(ignored, 16) & (1 << (signal.SIGINT - 1)))


def test_ctrl_c_while_the_kiosk_starts_prints_no_traceback_and_does_not_end_it(
    roster: Campaign, data_dir: Path, terminal: Terminal
) -> None:
    create_session(roster, "学习会", NOW.replace(hour=7, minute=30), NOW.replace(hour=9))
    terminal.start([str(CHUANGYOU), "--data-dir", str(data_dir), "kiosk"], width=100, height=32)
    terminal.run("set-option", "-t", terminal.name, "remain-on-exit", "on")  # keep what an ended kiosk printed
    pid = int(terminal.run("display-message", "-p", "-t", terminal.name, "#{pane_pid}"))
    # From the moment chuangyou's own code runs (Python's first milliseconds belong to the launcher: README),
    # ctrl+c is ignored: it must be, or the ctrl+c below ends the kiosk with a KeyboardInterrupt traceback.
    end = time.monotonic() + STEP_DEADLINE_S
    while not sigint_ignored(pid):
        assert time.monotonic() < end, "ctrl+c is never ignored while the kiosk starts"
        time.sleep(0.001)
    end = time.monotonic() + 1.5  # the rest of the start-up (imports, opening the store, Textual) and more
    while time.monotonic() < end:
        terminal.keys("C-c", "C-z")
        time.sleep(0.02)
    kiosk_still_running(terminal)
    assert terminal.run("display-message", "-p", "-t", terminal.name, "#{pane_dead}").strip() == "0"


def test_the_readme_launcher_covers_pythons_own_start(roster: Campaign, data_dir: Path, terminal: Terminal) -> None:
    create_session(roster, "学习会", NOW.replace(hour=7, minute=30), NOW.replace(hour=9))
    launcher = f"trap '' INT QUIT TSTP; exec {CHUANGYOU} --data-dir {data_dir} kiosk"
    terminal.start(["sh", "-c", launcher], width=100, height=32)
    terminal.run("set-option", "-t", terminal.name, "remain-on-exit", "on")
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        terminal.keys("C-c")
        time.sleep(0.02)
    kiosk_still_running(terminal)
    assert terminal.run("display-message", "-p", "-t", terminal.name, "#{pane_dead}").strip() == "0"


def test_a_very_long_typed_passphrase_is_capped_and_answered(
    roster: Campaign, data_dir: Path, terminal: Terminal
) -> None:
    start_kiosk(roster, data_dir, terminal)
    terminal.keys("C-c")
    terminal.wait_for("退出签到机需要支部书记口令")
    for _ in range(20):  # 20,000 characters typed (not pasted) into the passphrase field
        terminal.keys("-l", "x" * 1000)
    terminal.keys("Enter")
    terminal.wait_for("口令不正确")
    terminal.keys("-l", SECRET)
    terminal.keys("Enter")
    # The right passphrase still works: the kiosk ends (and with it the terminal's only session).
    end = time.monotonic() + STEP_DEADLINE_S
    while time.monotonic() < end:
        try:
            terminal.run("has-session", "-t", terminal.name)
        except subprocess.CalledProcessError:
            return
        time.sleep(0.1)
    raise AssertionError(f"the kiosk did not end with the right passphrase:\n{terminal.screen()}")
