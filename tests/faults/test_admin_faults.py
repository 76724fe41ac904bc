"""Faults while the secretary's app runs (real store, real files; Pilot): it shows the problem and what to do, with
the exact recovery command for a damaged file; never the passphrase, a PIN hash or a traceback; it keeps running."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from campaign.clock import FixedClock
from campaign.context import Campaign
from storage.backup import create_backup
from tests.faults.helpers import damaged, disk_full, lock_held, pin_hashes, secrets_in, unreadable
from tests.faults.pilot import quick_campaign, settle, shows, still_running, until
from tests.tui_admin.conftest import PASSPHRASE, SIZE
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp

CHUANGYOU = Path(sys.executable).parent / "chuangyou"
PROBLEM = "数据出现问题"


@pytest.fixture
def admin(secured: Campaign, data_dir: Path, clock: FixedClock) -> Campaign:
    return quick_campaign(data_dir, clock, "secretary")


def _app(c: Campaign) -> ChuangyouApp:
    return ChuangyouApp(c, "admin", cursor_blink=False)


async def _log_in(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    field = pilot.app.focused
    assert isinstance(field, Input) and field.password, field
    field.value = PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)


def _secrets(data_dir: Path) -> list[str]:
    return [PASSPHRASE, "1234", *pin_hashes(data_dir)]


async def test_a_damaged_file_shows_the_recovery_command_that_works_when_pasted(
    admin: Campaign, data_dir: Path, tmp_path: Path
) -> None:
    good = create_backup(admin.store)
    core = admin.store.path("core")
    secrets = _secrets(data_dir)
    app = _app(admin)
    async with app.run_test(size=(160, 40)) as pilot:
        await _log_in(pilot)
        with damaged(core):
            await pilot.press("r")  # the roster reads the damaged file
            await until(pilot, lambda: shows(app, PROBLEM, "--yes"), "the fault and its recovery command")
            shown = screen_text(app)
            assert secrets_in(shown, secrets) == []
            assert still_running(app)
            command = app.recovery_command or ""
            assert command.startswith("chuangyou --data-dir") and "chuangyou --data-dir" in shown
            await pilot.press("c")  # copied to the clipboard (OSC 52)
            assert app.clipboard == command
        assert f"--data-dir {data_dir}" in command and str(good) in command
        # Pasted into a shell, somewhere else (not the data directory), it restores the right store.
        env = {**os.environ, "PATH": f"{CHUANGYOU.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        await pilot.press("enter")
        await settle(pilot)
        assert still_running(app)
        await pilot.press("r")
        await until(pilot, lambda: shows(app, "王晓明"), "the roster after the restore")


@pytest.mark.parametrize("fault", ["busy", "full", "unreadable"])
async def test_a_fault_when_saving_says_what_to_do_and_the_app_goes_on(
    fault: str, admin: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(admin)
    secrets = _secrets(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("s")  # add a school: a form
        await settle(pilot)
        await pilot.press(*"NewSchool")
        if fault == "busy":
            injected = lock_held(data_dir)
            expected = "占用"
        elif fault == "full":
            injected = disk_full(monkeypatch)
            expected = "磁盘已满"
        else:
            injected = unreadable(monkeypatch, admin.store.path("core"))
            expected = "权限"  # names the account, the path and the commands that fix it (storage/perms)
        with injected:
            await pilot.press("enter")
            await until(pilot, lambda: shows(app, expected), f"the {fault} message")
            assert secrets_in(screen_text(app), secrets) == []
            assert still_running(app)
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.focused, Input) or "NewSchool" in screen_text(app), "saved")
        await settle(pilot)
    assert any(s.name == "NewSchool" for s in admin.repos.schools.all())


async def test_a_busy_store_at_login_never_shows_the_passphrase_and_asks_again(admin: Campaign, data_dir: Path) -> None:
    app = _app(admin)
    secrets = _secrets(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        with lock_held(data_dir):
            await _log_in(pilot)  # recording the login needs the lock
            await until(pilot, lambda: shows(app, "占用"), "the busy message")
            assert secrets_in(screen_text(app), secrets) == []
            assert still_running(app)
        await _log_in(pilot)
        await until(pilot, lambda: shows(app, "请选择要做的事"), "logged in after the fault")
        assert still_running(app)
