"""The real ``chuangyou admin`` in tmux: a sign-in made by another process shows in the live view within 2 seconds."""

from __future__ import annotations

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
from tests.e2e.terminal import Terminal, open_terminal

pytestmark = pytest.mark.e2e

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
PASSPHRASE = "secretary passphrase"
LIVE_DEADLINE_S = 2.0


@pytest.fixture
def admin_terminal(tmp_path: Path) -> Iterator[tuple[Terminal, dict[str, str]]]:
    term = open_terminal(tmp_path, "admin")
    yield term, term.env
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
    shown = terminal.wait_for("学习会", "未到 4")
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
    assert "已到 1" in screen and "未到 3" in screen
