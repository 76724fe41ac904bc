"""The real ``chuangyou admin`` in tmux: a sign-in made by another process shows in the live view within 2 seconds."""

from __future__ import annotations

import os
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
from tests.tools import require_tool

pytestmark = pytest.mark.e2e

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
PASSPHRASE = "secretary passphrase"
LIVE_DEADLINE_S = 2.0
#: For the steps before the measured one (the app's start-up on a loaded machine).
STEP_DEADLINE_S = 20.0


class Terminal:
    """A detached tmux session on a private server: keys in with send-keys, the screen out with capture-pane."""

    def __init__(self, tmux: str, socket: Path, env: dict[str, str]) -> None:
        self.tmux, self.socket, self.env = tmux, socket, env

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", str(self.socket), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: list[str], width: int, height: int) -> None:
        self.run("new-session", "-d", "-s", "admin", "-x", str(width), "-y", str(height), *command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "admin")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "admin", *keys)

    def wait_for(self, *texts: str, deadline_s: float = STEP_DEADLINE_S) -> str:
        """Poll the pane until every one of ``texts`` shows, or fail with what it shows."""
        end = time.monotonic() + deadline_s
        shown = ""
        while time.monotonic() < end:
            shown = self.screen()
            if all(text in shown for text in texts):
                return shown
            time.sleep(0.05)
        raise AssertionError(f"never saw {texts!r} within {deadline_s}s; the terminal shows:\n{shown}")

    def stop(self) -> None:
        subprocess.run([self.tmux, "-S", str(self.socket), "kill-server"], env=self.env, capture_output=True)


@pytest.fixture
def admin_terminal(tmp_path: Path) -> Iterator[tuple[Terminal, dict[str, str]]]:
    tmux = require_tool("tmux", "apt-get install tmux")
    env = {
        **os.environ,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "CHUANGYOU_NOW": NOW.strftime("%Y-%m-%dT%H:%M"),
    }
    env.pop("CHUANGYOU_LANG", None)
    env.pop("TMUX", None)
    term = Terminal(tmux, tmp_path / "tmux.sock", env)
    yield term, env
    term.stop()


def row_with(screen: str, *texts: str) -> str | None:
    return next((line for line in screen.splitlines() if all(t in line for t in texts)), None)


def test_a_kiosk_sign_in_appears_in_the_admin_live_view_within_2_seconds(
    roster: Campaign, data_dir: Path, admin_terminal: tuple[Terminal, dict[str, str]]
) -> None:
    terminal, env = admin_terminal
    passphrase.set_passphrase(roster, PASSPHRASE)
    session = create_session(roster, "学习会", NOW.replace(hour=8, minute=0), NOW.replace(hour=9, minute=30))
    terminal.start([str(CHUANGYOU), "--data-dir", str(data_dir), "admin"], width=110, height=32)

    terminal.wait_for("书记口令")
    terminal.keys("-l", PASSPHRASE)
    terminal.keys("Enter")
    terminal.wait_for("实时签到", "党员名册")
    terminal.keys("l")
    shown = terminal.wait_for("学习会", "未到：4")
    assert row_with(shown, "王晓明", "未到")

    command = [str(CHUANGYOU), "--data-dir", str(data_dir), "signin"]
    signin = subprocess.run(
        [*command, "--session", str(session.id), "--member", "T001", "--pin", "1234"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert signin.returncode == 0, signin.stderr
    committed = time.monotonic()
    deadline = committed + LIVE_DEADLINE_S
    screen = ""
    while time.monotonic() < deadline:
        screen = terminal.screen()
        if row_with(screen, "王晓明", "准时", "07:50"):
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the sign-in did not show within {LIVE_DEADLINE_S}s; the pane shows:\n{screen}")
    assert "已到：1" in screen and "未到：3" in screen
