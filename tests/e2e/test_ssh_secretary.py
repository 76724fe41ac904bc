"""The secretary over real SSH: OpenSSH's sshd forces the login into ``chuangyou admin`` (the README's deployment
example), a kiosk in another terminal signs a teacher in meanwhile, and a dropped connection loses nothing saved.
"""

from __future__ import annotations

import grp
import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from campaign import passphrase
from campaign.clock import FixedClock
from campaign.context import open_campaign
from campaign.roster import add_member, add_school
from campaign.study_sessions import list_sessions
from tests.conftest import NOW
from tests.e2e.accounts import launcher, remove_launcher
from tests.e2e.sshd import give_to, shared_data_dir, ssh_server
from tests.e2e.terminal import Terminal, open_terminal
from tests.tools import require_tool

pytestmark = pytest.mark.e2e

PASSPHRASE = "secretary passphrase"
TITLE = "支部党员大会"
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
#: The group every chuangyou account shares (the README's deployment calls it chuangyou).
SHARED = f"cyshared{os.getpid()}"


def _fill(data_dir: Path) -> None:
    c = open_campaign(data_dir, actor="test", clock=FixedClock(NOW))
    add_school(c, "第十八中学")
    add_member(c, "T001", "王晓明", "第十八中学", pin="1234")
    add_member(c, "T002", "李红", "第十八中学", pin="1234")
    passphrase.set_passphrase(c, PASSPHRASE)


def deployed(user: str, data_dir: Path, chuangyou: Path) -> str:
    """The README's sshd snippet (deploy/), for this test's user, data directory and chuangyou."""
    text = (DEPLOY / "sshd_config.d-chuangyou.conf").read_text(encoding="utf-8")
    assert "Match User secretary" in text and "/srv/chuangyou" in text
    text = text.replace("Match User secretary", f"Match User {user}").replace("/srv/chuangyou", str(data_dir))
    return text.replace("/usr/local/bin/chuangyou", str(chuangyou))


def titles(data_dir: Path) -> list[str]:
    c = open_campaign(data_dir, actor="test", clock=FixedClock(NOW))
    return [s.title for s in list_sessions(c)]


def wait_until(condition: Callable[[], bool], deadline_s: float) -> bool:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_secretary_over_real_ssh_sees_a_kiosk_sign_in_and_a_dropped_link_loses_nothing(tmp_path: Path) -> None:
    require_tool("ssh", "apt-get install openssh-client")
    now = NOW.strftime("%Y-%m-%dT%H:%M")
    data_dir = Path("/nonexistent")
    terminals: list[Terminal] = []
    chuangyou = launcher()  # the secretary's account runs this checkout, whatever the test's interpreter is
    try:
        # The group must exist before the data directory can belong to it, and sshd's ForceCommand names the
        # directory: make the directory under a group made first, then start the server that uses both.
        subprocess.run(["groupadd", "-f", SHARED], check=True)
        data_dir = shared_data_dir(SHARED)
        with ssh_server(lambda user: deployed(user, data_dir, chuangyou), now) as server:
            subprocess.run(["usermod", "-a", "-G", SHARED, server.user], check=True)
            _fill(data_dir)
            give_to(data_dir, server.user, SHARED)

            secretary = open_terminal(tmp_path, "ssh", now=now)
            terminals.append(secretary)
            client = shlex.join(server.client(require_tool("ssh", "apt-get install openssh-client")))
            # The pane stays after ssh ends, so a failure shows what the session printed last.
            secretary.start(["sh", "-c", f'{client}; echo "ssh exited with $?"; sleep 600'], width=80, height=24)
            secretary.wait_for("书记口令", deadline_s=30)
            secretary.keys("-l", PASSPHRASE)
            secretary.keys("Enter")
            secretary.wait_for("党员名册", "集中学习")

            # Schedule a session over SSH.
            secretary.keys("s")
            secretary.wait_for("地点")
            secretary.keys("n")
            secretary.wait_for("新建学习会", "开始")
            secretary.keys("-l", TITLE)
            # Tab through the form to its last field (count); Enter there saves it (Enter in a field moves on).
            for _ in range(7):
                secretary.keys("Tab")
            secretary.keys("Enter")
            wait_until(lambda: TITLE in titles(data_dir), 15.0)
            assert TITLE in titles(data_dir)
            secretary.wait_for(TITLE)  # Chinese text readable through ssh and tmux

            # A kiosk in another terminal, as the same account, signs a teacher in while the secretary watches.
            kiosk = open_terminal(tmp_path, "kiosk", now=now)
            terminals.append(kiosk)
            runuser = require_tool("runuser", "apt-get install util-linux")
            kiosk.start([runuser, "-u", server.user, "--", str(chuangyou), "--data-dir", str(data_dir), "kiosk"])
            kiosk.wait_for("签  到")
            kiosk.keys("w", "x", "m")
            kiosk.wait_for("王晓明")
            kiosk.keys("Enter")
            kiosk.wait_for("请输入 PIN")
            kiosk.keys("1", "2", "3", "4", "Enter")
            kiosk.wait_for("签到成功", "王晓明")

            secretary.keys("Escape")  # (a key right after Escape would arrive as Alt+key: wait for the screen)
            secretary.wait_for("导入名册")
            secretary.keys("l")
            secretary.wait_for("王晓明", "准时")

            # Mid-edit, the link drops: the ssh client is killed with a form half typed.
            secretary.keys("Escape")
            secretary.wait_for("导入名册")
            secretary.keys("s")
            secretary.wait_for("地点")
            secretary.keys("n")
            secretary.wait_for("新建学习会", "开始")
            secretary.keys("-l", "未保存的会议")
            subprocess.run(["pkill", "-KILL", "-f", f"^{re.escape(client)}"], check=False)
            secretary.wait_for("ssh exited with")

            check = subprocess.run(
                [runuser, "-u", server.user, "--", str(chuangyou), "--data-dir", str(data_dir), "check", "--json"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert check.returncode == 0, check.stdout + check.stderr
            saved = titles(data_dir)
            assert TITLE in saved and "未保存的会议" not in saved
            # Files made by the secretary's login belong to the shared group and are not readable by others.
            for dirpath, _dirs, files in os.walk(data_dir / "store"):
                for name in files:
                    st = (Path(dirpath) / name).stat()
                    assert st.st_gid == grp.getgrnam(SHARED).gr_gid, name
    finally:
        for term in terminals:
            term.stop()
        subprocess.run(["rm", "-rf", str(data_dir)], check=False)
        remove_launcher(chuangyou)
        subprocess.run(["groupdel", SHARED], check=False, capture_output=True)
