"""A real terminal for end-to-end tests: a detached tmux session on a private server, keys in with send-keys,
the screen out with capture-pane."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.conftest import NOW
from tests.tools import require_tool

#: For steps that wait on an app's start-up on a loaded machine; measured steps pass their own deadline.
STEP_DEADLINE_S = 20.0


class Terminal:
    def __init__(self, tmux: str, socket: Path, env: dict[str, str], name: str = "app") -> None:
        self.tmux, self.socket, self.env, self.name = tmux, socket, env, name

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", str(self.socket), *args], env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: list[str], width: int = 100, height: int = 32, cwd: Path | None = None) -> None:
        extra = ["-c", str(cwd)] if cwd else []
        self.run("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), *extra, *command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

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


def open_terminal(tmp_path: Path, name: str = "app", *, now: str | None = NOW.strftime("%Y-%m-%dT%H:%M")) -> Terminal:
    """A terminal (tmux required: fails under CI=true if missing) whose programs see a fixed clock ``now``."""
    tmux = require_tool("tmux", "apt-get install tmux")
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    if now:
        env["CHUANGYOU_NOW"] = now
    for key in ("CHUANGYOU_LANG", "CHUANGYOU_DATA_DIR", "TMUX"):
        env.pop(key, None)
    return Terminal(tmux, tmp_path / f"{name}.sock", env, name)
