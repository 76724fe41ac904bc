"""A terminal that hangs up (a dropped SSH link, a closed window) ends the app, even when SIGHUP never arrives."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from campaign.context import Campaign
from tests.e2e.terminal import open_terminal

pytestmark = pytest.mark.e2e

CHUANGYOU = Path(sys.executable).parent / "chuangyou"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent has not collected it yet.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "zombie" in status.read_text())


@pytest.mark.parametrize("mode", ["kiosk", "admin"])
def test_app_exits_when_its_terminal_hangs_up(roster: Campaign, data_dir: Path, tmp_path: Path, mode: str) -> None:
    terminal = open_terminal(tmp_path, mode)
    try:
        # `trap "" HUP` stands for every wrapper that keeps SIGHUP away (make did, and the kiosk then spun
        # reading end-of-file at 70% of a core for hours).
        command = f'trap "" HUP; exec {CHUANGYOU} --data-dir {data_dir} {mode}'
        terminal.start(["sh", "-c", command], width=100, height=30)
        terminal.wait_for("创" if mode == "kiosk" else "口令")
        pid = int(terminal.run("display-message", "-p", "-t", terminal.name, "#{pane_pid}").strip())
        assert _alive(pid)
    finally:
        terminal.stop()
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _alive(pid)
    if alive:
        os.kill(pid, 9)
    assert not alive, "the app kept running after its terminal hung up"
