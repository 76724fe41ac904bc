"""The real ``chuangyou kiosk`` in a real terminal (tmux): type ``wxm``, pick the member, enter the PIN, read the
result from the terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.context import Campaign
from campaign.study_sessions import create_session
from tests.conftest import NOW
from tests.e2e.terminal import Terminal, open_terminal

pytestmark = pytest.mark.e2e

CHUANGYOU = Path(sys.executable).parent / "chuangyou"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = open_terminal(tmp_path, "kiosk")
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
