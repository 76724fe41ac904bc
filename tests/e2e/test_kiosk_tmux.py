"""The real ``chuangyou kiosk`` in a real terminal (tmux): type ``wxm``, pick the member, enter the PIN, read the
result from the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.context import Campaign
from campaign.study_sessions import create_session
from tests.conftest import NOW
from tests.tools import require_tool

pytestmark = pytest.mark.e2e

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
DEADLINE_S = 20.0


class Terminal:
    """A detached tmux session on a private server, driven by send-keys and read by capture-pane."""

    def __init__(self, tmux: str, socket: Path, env: dict[str, str]) -> None:
        self.tmux, self.socket, self.env = tmux, socket, env

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", str(self.socket), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: list[str], width: int = 100, height: int = 32) -> None:
        self.run("new-session", "-d", "-s", "kiosk", "-x", str(width), "-y", str(height), *command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "kiosk")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "kiosk", *keys)

    def wait_for(self, *texts: str, deadline_s: float = DEADLINE_S) -> str:
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
def terminal(tmp_path: Path) -> Iterator[Terminal]:
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
    yield term
    term.stop()


def test_sign_in_at_the_real_kiosk(roster: Campaign, data_dir: Path, terminal: Terminal) -> None:
    session = create_session(
        roster, "学习会", NOW.replace(hour=8, minute=0), NOW.replace(hour=9, minute=30), place="活动室"
    )
    terminal.start([str(CHUANGYOU), "--data-dir", str(data_dir), "kiosk"])

    terminal.wait_for("正在签到", "学习会", "签  到")
    terminal.keys("w", "x", "m")
    terminal.wait_for("找到 2 人", "王晓明", "王小梅")
    terminal.keys("Down", "Enter")
    terminal.wait_for("请输入 PIN", "王晓明")
    terminal.keys("1", "2", "3", "4", "Enter")
    shown = terminal.wait_for("签到成功", "王晓明", "签到时间 07:50")
    assert "准时" in shown

    record = roster.repos.attendance.get(session.id, "T001")
    assert record is not None and record.status.value == "on_time"

    # The next person just types: their search starts from the result screen.
    terminal.keys("l", "h")
    terminal.wait_for("找到 1 人", "李红")
    terminal.keys("Escape")
    terminal.wait_for("正在签到", "已签到 1 人")

    # The kiosk cannot be left with ctrl+c: it asks for the passphrase and keeps running.
    terminal.keys("C-c")
    terminal.wait_for("退出签到机需要支部书记口令")
    terminal.keys("Escape")
    terminal.wait_for("正在签到")


def test_english_kiosk_with_lang_option(roster: Campaign, data_dir: Path, terminal: Terminal) -> None:
    create_session(roster, "Study", NOW.replace(hour=8, minute=0), NOW.replace(hour=9, minute=30))
    terminal.start([str(CHUANGYOU), "--lang", "en", "--data-dir", str(data_dir), "kiosk"])
    terminal.wait_for("Sign-in open", "Sign in")
    terminal.keys("z", "h", "a", "n", "g", "w")
    terminal.wait_for("1 found", "张伟")
    terminal.keys("Enter")
    terminal.wait_for("Enter your PIN")
    terminal.keys("1", "2", "3", "4", "Enter")
    terminal.wait_for("Signed in, on time.", "张伟")
