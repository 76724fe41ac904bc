"""Faults while the kiosk runs (real store, real files; Pilot): it stays up and locked down, says calmly that it
cannot record right now (a damaged file: out of service), never shows a PIN, a PIN hash or a traceback, and works
again once the fault clears. The errors go to the log file in the data directory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaign import feedback
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.logfile import log_path
from storage.records import AttendanceStatus, StudySession
from tests.faults.helpers import damaged, disk_full, lock_held, pin_hashes, secrets_in, unreadable
from tests.faults.pilot import quick_campaign, settle, shows, still_running, until
from tests.tui_kiosk.conftest import SIZE, FakeMonotonic, MakeApp, screen_text

CANNOT = "暂时无法记录"
HOME = "正在签到"


@pytest.fixture
def kiosk(roster: Campaign, open_session: StudySession, data_dir: Path, clock: FixedClock) -> Campaign:
    return quick_campaign(data_dir, clock, "kiosk")


async def _to_pin(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    await pilot.press(*"wxm", "down", "enter")
    await settle(pilot)


def _signed_in(c: Campaign, session: StudySession) -> bool:
    record = c.repos.attendance.get(session.id, "T001")
    return record is not None and record.status is AttendanceStatus.ON_TIME


@pytest.mark.parametrize("fault", ["busy", "full", "unreadable"])
async def test_a_fault_at_sign_in_shows_a_calm_screen_and_the_kiosk_works_again(
    fault: str,
    kiosk: Campaign,
    open_session: StudySession,
    data_dir: Path,
    make_app: MakeApp,
    monotonic: FakeMonotonic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(kiosk)
    secrets = ["1234", *pin_hashes(data_dir)]
    partition = kiosk.store.path(f"attendance/{open_session.id}-00")
    async with app.run_test(size=SIZE) as pilot:
        await _to_pin(pilot)
        await pilot.press(*"1234")
        if fault == "busy":
            injected = lock_held(data_dir)
        elif fault == "full":
            injected = disk_full(monkeypatch)
        else:
            kiosk.store.path("security").parent.mkdir(parents=True, exist_ok=True)
            injected = unreadable(monkeypatch, kiosk.store.path("security"))
        with injected:
            await pilot.press("enter")
            await until(pilot, lambda: shows(app, CANNOT), "the calm fault screen")
            shown = screen_text(app)
            assert secrets_in(shown, secrets) == []
            assert "王晓明" not in shown  # who was signing in is gone with their errand
            assert still_running(app) and app.locked_down
        assert not _signed_in(kiosk, open_session)
        assert not partition.exists() or "T001" not in partition.read_text()

        # The screen goes home by itself, and the next sign-in works.
        monotonic.advance(app.result_s + 1)
        await until(pilot, lambda: shows(app, HOME), "home again")
        await _to_pin(pilot)
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: shows(app, "签到成功"), "a sign-in after the fault")
        assert _signed_in(kiosk, open_session)
    assert "Traceback" in log_path(data_dir).read_text(encoding="utf-8")


async def test_a_damaged_file_puts_the_kiosk_out_of_service_until_it_is_restored(
    kiosk: Campaign,
    open_session: StudySession,
    data_dir: Path,
    make_app: MakeApp,
    monotonic: FakeMonotonic,
) -> None:
    app = make_app(kiosk)
    secrets = ["1234", *pin_hashes(data_dir)]
    core = kiosk.store.path("core")
    async with app.run_test(size=SIZE) as pilot:
        await _to_pin(pilot)
        await pilot.press(*"1234")
        with damaged(core) as good:
            await pilot.press("enter")
            await until(pilot, lambda: shows(app, "暂停服务"), "the out-of-service screen")
            shown = screen_text(app)
            assert secrets_in(shown, secrets) == [] and "王晓明" not in shown and str(core) not in shown
            # Idle does not take it home, and typing does not start a search.
            monotonic.advance(3600)
            await pilot.press(*"wxm", "enter")
            await settle(pilot)
            assert shows(app, "暂停服务") and still_running(app)
            core.write_bytes(good)  # what `chuangyou restore` does, as far as this kiosk can tell
            await until(pilot, lambda: shows(app, HOME), "home again once the file reads")
        await _to_pin(pilot)
        await pilot.press(*"1234", "enter")
        await until(pilot, lambda: shows(app, "签到成功"), "a sign-in after the restore")


async def test_a_busy_store_while_a_parent_answers_at_the_kiosk(
    kiosk: Campaign, data_dir: Path, make_app: MakeApp, monotonic: FakeMonotonic, roster: Campaign
) -> None:
    issued = feedback.issue_batch(roster, "T001", 2, expires=date(2027, 12, 31))
    app = make_app(kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#feedback")
        await settle(pilot)
        await pilot.press(*issued.codes[0], "enter")
        await settle(pilot)
        await pilot.click("#option-satisfied")  # a deliberate choice, then 提交评价 (issue 8)
        with lock_held(data_dir):
            await pilot.click("#feedback-send")
            await until(pilot, lambda: shows(app, CANNOT), "the calm fault screen")
            assert secrets_in(screen_text(app), [issued.codes[0], *pin_hashes(data_dir)]) == []
            assert still_running(app)
        monotonic.advance(app.result_s + 1)
        await until(pilot, lambda: shows(app, HOME), "home again")
        await pilot.click("#feedback")
        await settle(pilot)
        await pilot.press(*issued.codes[0], "enter")
        await settle(pilot)
        await pilot.click("#option-satisfied")
        await pilot.click("#feedback-send")
        await until(pilot, lambda: shows(app, "谢谢"), "the answer recorded after the fault")


async def test_a_busy_store_while_the_secretary_unlocks_the_kiosk(
    kiosk: Campaign, data_dir: Path, make_app: MakeApp
) -> None:
    from campaign import passphrase

    secret = "secretary-pass"
    passphrase.set_passphrase(kiosk, secret)
    app = make_app(kiosk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        with lock_held(data_dir):  # checking the passphrase counts attempts under the lock
            await pilot.press(*secret, "enter")
            await until(pilot, lambda: shows(app, "请稍后再试"), "the calm message in the dialog")
            assert secrets_in(screen_text(app), [secret, *pin_hashes(data_dir)]) == []
            assert still_running(app) and app.locked_down
        await pilot.press(*secret, "enter")
        await until(pilot, lambda: app.unlocked, "unlocked once the store is free")
