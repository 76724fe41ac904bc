"""A kiosk that can show Chinese: the README's kiosk session (the cage compositor running foot with a Chinese font,
deploy/chuangyou-kiosk.service) really draws the kiosk's Chinese text. cage runs headless here; grim takes a
screenshot and tesseract reads it back, an independent check that the glyphs are there (not boxes).
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest

from campaign.clock import FixedClock
from campaign.context import open_campaign
from campaign.roster import add_member, add_school
from campaign.study_sessions import create_session
from tests.conftest import NOW
from tests.e2e.accounts import launcher, remove_launcher, temporary_account
from tests.e2e.sshd import give_to
from tests.tools import in_ci, require_tool

pytestmark = pytest.mark.e2e

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TITLE = "创先争优动员会"


def remove_x_leftovers(uid: int | None = None) -> None:
    """Remove the X display socket and lock cage's XWayland made for a test account (``uid``), or, with no
    ``uid``, those of test accounts (``cy...``) or of accounts that are gone: cage refuses to start (it cannot
    create XWayland) while ``/tmp/.X11-unix`` belongs to another account, so one run would break every later
    one on the machine."""
    x11 = Path("/tmp/.X11-unix")
    leftovers = [x11, *Path("/tmp").glob(".X*-lock")]
    for path in leftovers:
        try:
            owner = path.lstat().st_uid
        except FileNotFoundError:
            continue
        if owner == 0 or (uid is not None and owner != uid):
            continue
        if uid is None:
            try:
                name = pwd.getpwuid(owner).pw_name
            except KeyError:
                name = ""  # an account that is gone
            if name and not name.startswith("cy"):
                continue  # a real account's display: not ours to remove (test accounts are named cy...)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def kiosk_command(chuangyou: Path, data_dir: Path) -> list[str]:
    """The ExecStart of deploy/chuangyou-kiosk.service, for this checkout and data directory (cage headless)."""
    unit = (DEPLOY / "chuangyou-kiosk.service").read_text(encoding="utf-8")
    line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    command = line.removeprefix("ExecStart=").replace("/usr/local/bin/chuangyou", str(chuangyou))
    argv = shlex.split(command)
    for i, arg in enumerate(argv):
        if arg in ("/usr/bin/cage", "/usr/bin/foot"):
            argv[i] = require_tool(Path(arg).name, f"apt-get install {Path(arg).name}")
    assert argv[-1] == "kiosk", argv
    return [*argv[:-1], "--data-dir", str(data_dir), "kiosk"]


def read_screen(shot: Path) -> str:
    tesseract = require_tool("tesseract", "apt-get install tesseract-ocr tesseract-ocr-chi-sim")
    done = subprocess.run([tesseract, str(shot), "-", "-l", "chi_sim+eng"], capture_output=True, text=True, timeout=60)
    return done.stdout.replace(" ", "")


def test_the_kiosk_under_cage_and_foot_draws_its_chinese_text() -> None:
    for tool in ("cage", "foot", "grim"):
        require_tool(tool, f"apt-get install {tool}")
    langs = subprocess.run(
        [require_tool("tesseract", "apt-get install tesseract-ocr"), "--list-langs"], capture_output=True, text=True
    )
    if "chi_sim" not in langs.stdout:
        message = "tesseract has no Chinese (apt-get install tesseract-ocr-chi-sim)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    chuangyou = launcher()
    remove_x_leftovers()  # of an earlier run whose account is gone
    with temporary_account("cykiosk") as (user, group):
        data_dir = Path(tempfile.mkdtemp(prefix="chuangyou-kiosk-"))
        runtime = Path(tempfile.mkdtemp(prefix="chuangyou-xdg-"))
        cage: subprocess.Popen[bytes] | None = None
        try:
            c = open_campaign(data_dir, actor="test", clock=FixedClock(NOW))
            add_school(c, "第十八中学")
            add_member(c, "T001", "王晓明", "第十八中学", pin="1234")
            create_session(c, f"集中学习：{TITLE}", NOW + timedelta(minutes=10), NOW + timedelta(hours=1))
            give_to(data_dir, user, group)
            give_to(runtime, user, group)
            runtime.chmod(0o700)
            env = {
                "XDG_RUNTIME_DIR": str(runtime),
                "WLR_BACKENDS": "headless",  # no screen or GPU here: cage draws into memory
                "WLR_LIBINPUT_NO_DEVICES": "1",
                "WLR_RENDERER": "pixman",
                "LANG": "C.UTF-8",
                "CHUANGYOU_NOW": NOW.strftime("%Y-%m-%dT%H:%M"),
            }
            env_args = [f"{k}={v}" for k, v in env.items()]
            cage = subprocess.Popen(
                ["runuser", "-u", user, "--", "env", *env_args, *kiosk_command(chuangyou, data_dir)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            grim = require_tool("grim", "apt-get install grim")
            shot = runtime / "screen.png"
            deadline = time.monotonic() + 90
            text = ""
            while time.monotonic() < deadline:
                if (runtime / "wayland-0").exists():
                    subprocess.run(
                        ["runuser", "-u", user, "--", "env", *env_args, "WAYLAND_DISPLAY=wayland-0", grim, str(shot)],
                        capture_output=True,
                        check=False,
                    )
                    if shot.exists():
                        text = read_screen(shot)
                        if "签到" in text and TITLE[:4] in text:
                            break
                time.sleep(0.5)
            assert "签到" in text and TITLE[:4] in text, f"the screen read back as: {text!r}"
        finally:
            if cage is not None:
                os.killpg(cage.pid, 15)
                cage.wait(timeout=20)
            remove_x_leftovers(pwd.getpwnam(user).pw_uid)
            shutil.rmtree(data_dir, ignore_errors=True)
            shutil.rmtree(runtime, ignore_errors=True)
            remove_launcher(chuangyou)
