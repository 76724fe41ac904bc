"""``chuangyou serve``: the real command, as the secretary starts it, answers a phone on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from web.server import free_port, wait_until_listening

pytestmark = pytest.mark.e2e


def test_serve_answers_a_slip_and_stops_on_sigterm(roster: Campaign, data_dir: Path) -> None:
    code = fb.issue_batch(roster, "T002", 1, class_label="初一(1)班").codes[0]
    port = free_port()
    env = {**os.environ, "CHUANGYOU_NOW": "2026-11-27T08:00:00+08:00"}
    command = [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1"]
    server = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until_listening("127.0.0.1", port, timeout=30)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            page = http.get(f"/f/{code}")
            assert page.status_code == 200 and "李红" in page.text and "初一(1)班" in page.text
            assert "server" not in page.headers
            answer = http.post(f"/f/{code}", data={"option": "satisfied", "comment": "好"})
            assert answer.status_code == 303
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=20)
    # uvicorn shuts down cleanly ("Finished server process"), then re-raises SIGTERM as its exit status.
    assert server.returncode in (0, -signal.SIGTERM), err
    assert b"Finished server process" in err
    assert code.encode() not in out + err  # no access log: codes are not written anywhere
    (stored,) = roster.repos.feedback.between()
    assert (stored.member, stored.comment) == ("T002", "好")
