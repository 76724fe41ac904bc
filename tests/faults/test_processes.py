"""The fault-injection suite against real processes: a busy store (the lock held by another process), a full disk
(ENOSPC), a permission error (EACCES), a damaged file, and kill -9 in the middle of a backup and of a restore — run
against the kiosk and the admin app (tmux), the web server (``chuangyou serve``) and the CLI.

Every run checks: no traceback and no secret (PIN, passphrase, PIN hash, slip code) on any screen or output, every
acknowledged write still in the store, the program still running (or exited 1 with one clear message), and at
least one verified good backup kept.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from campaign import feedback, passphrase
from campaign.context import Campaign, open_campaign
from campaign.study_sessions import create_session
from storage.backup import create_backup, list_backups
from storage.records import StudySession
from tests.conftest import NOW
from tests.e2e.terminal import Terminal, open_terminal
from tests.faults.helpers import TRACEBACK_WORDS, lock_held, pin_hashes
from tests.faults.processes import CHUANGYOU, Faults
from web.server import free_port, wait_until_listening

pytestmark = pytest.mark.e2e

PASSPHRASE = "correct horse battery"


@pytest.fixture
def faults(tmp_path: Path) -> Faults:
    return Faults(tmp_path / "faults")


@pytest.fixture
def session(roster: Campaign) -> StudySession:
    return create_session(roster, "学习会", NOW.replace(hour=8, minute=0), NOW.replace(hour=9, minute=30))


def run(faults: Faults, data_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = faults.env()
    env["CHUANGYOU_NOW"] = NOW.isoformat()
    return subprocess.run(
        [str(CHUANGYOU), "--data-dir", str(data_dir), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def clean(text: str, secrets: list[str]) -> list[str]:
    """What ``text`` shows that it must not: secrets and traceback words."""
    return [s for s in [*secrets, *TRACEBACK_WORDS] if s and s in text]


def good_backups(data_dir: Path) -> list[Path]:
    c = open_campaign(data_dir)
    return [b.path for b in list_backups(c.store) if b.verified and b.reason != "replaced-by-restore"]


# ---------------------------------------------------------------------------------------------- the CLI
def test_the_cli_says_one_line_for_each_fault(
    roster: Campaign, session: StudySession, data_dir: Path, faults: Faults
) -> None:
    secrets = ["1234", *pin_hashes(data_dir)]
    signin = ["signin", "--session", str(session.id), "--member", "T001", "--pin", "1234"]
    create_backup(roster.store)

    with lock_held(data_dir):
        done = run(faults, data_dir, *signin)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert clean(done.stdout + done.stderr, secrets) == []

    faults.on("enospc")
    done = run(faults, data_dir, "member", "add", "T009", "赵六", "--school", "实验小学", "--pin", "9876")
    faults.off("enospc")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "磁盘已满" in done.stderr and clean(done.stdout + done.stderr, [*secrets, "9876"]) == []

    faults.on("eacces", str(roster.store.path("core")))
    done = run(faults, data_dir, "member", "list")
    faults.off("eacces")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert str(roster.store.path("core")) in done.stderr and "权限" in done.stderr

    core = roster.store.path("core")
    good = core.read_bytes()
    core.write_bytes(good[:-7])
    done = run(faults, data_dir, *signin)
    assert done.returncode == 1 and "--yes" in done.stderr and clean(done.stdout + done.stderr, secrets) == []
    done = run(faults, data_dir, "backup")  # a backup of a damaged store is refused, the good one stays
    assert done.returncode == 1 and clean(done.stderr, secrets) == []
    core.write_bytes(good)

    done = run(faults, data_dir, *signin, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["member"] == "T001"
    assert len(good_backups(data_dir)) >= 1


# ---------------------------------------------------------------------------------------------- the kiosk
@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = open_terminal(tmp_path, "faults")
    yield term
    term.stop()


def _to_pin(terminal: Terminal) -> None:
    terminal.wait_for("正在签到")
    terminal.keys("w", "x", "m")
    terminal.wait_for("王晓明")
    terminal.keys("Down", "Enter")
    terminal.wait_for("请输入 PIN")
    terminal.keys("1", "2", "3", "4")


def test_the_kiosk_in_a_real_terminal_survives_every_fault(
    roster: Campaign, session: StudySession, data_dir: Path, faults: Faults, terminal: Terminal
) -> None:
    secrets = ["1234", *pin_hashes(data_dir)]
    terminal.env = faults.env(terminal.env)
    terminal.start([str(CHUANGYOU), "--data-dir", str(data_dir), "kiosk"])
    security = str(roster.store.path("security"))
    for fault in ("busy", "enospc", "eacces"):
        _to_pin(terminal)
        if fault == "busy":
            with lock_held(data_dir):
                terminal.keys("Enter")
                shown = terminal.wait_for("暂时无法记录")
        else:
            faults.on(fault, security if fault == "eacces" else "")
            terminal.keys("Enter")
            shown = terminal.wait_for("暂时无法记录")
            faults.off(fault)
        assert clean(shown, secrets) == [], (fault, shown)
        terminal.keys("Enter")  # back home; the next sign-in works
    _to_pin(terminal)
    terminal.keys("Enter")
    terminal.wait_for("签到成功")
    assert roster.repos.attendance.get(session.id, "T001") is not None

    # A damaged file: out of service, naming no data, until the secretary restores the newest good backup.
    good = create_backup(roster.store)
    terminal.keys("Escape")
    terminal.wait_for("正在签到")
    core = roster.store.path("core")
    core.write_bytes(core.read_bytes()[:-7])
    # The kiosk may notice by itself (it re-reads the session and the roster); else the next sign-in does.
    terminal.keys("w", "x", "m", "Down", "Enter", "1", "2", "3", "4", "Enter")
    shown = terminal.wait_for("暂停服务")
    assert clean(shown, secrets) == [] and "王晓明" not in shown and str(core) not in shown
    done = run(faults, data_dir, "restore", str(good), "--yes")
    assert done.returncode == 0, done.stderr
    terminal.wait_for("正在签到", deadline_s=30)
    assert roster.repos.attendance.get(session.id, "T001") is not None  # the acknowledged sign-in is there


# ---------------------------------------------------------------------------------------------- the admin app
def test_the_admin_app_in_a_real_terminal_shows_the_fault_and_the_command(
    roster: Campaign, data_dir: Path, faults: Faults, terminal: Terminal, tmp_path: Path
) -> None:
    passphrase.set_passphrase(roster, PASSPHRASE)
    secrets = [PASSPHRASE, "1234", *pin_hashes(data_dir)]
    good = create_backup(roster.store)
    terminal.env = faults.env(terminal.env)
    admin = f"{CHUANGYOU} --data-dir {data_dir} admin; echo ADMIN-ENDED $?; sleep 60"
    terminal.start(["/bin/sh", "-c", admin], width=120, height=40)
    terminal.wait_for("口令")
    terminal.keys(PASSPHRASE, "Enter")
    terminal.wait_for("请选择要做的事")
    with lock_held(data_dir):
        terminal.keys("s")  # the sessions screen reads; adding one writes
        terminal.wait_for("学习")
        terminal.keys("Escape")
    # A key sent right after Escape would arrive as Alt+key: wait for the home screen first.
    terminal.wait_for("请选择要做的事")
    core = roster.store.path("core")
    core.write_bytes(core.read_bytes()[:-7])
    terminal.keys("r")
    shown = terminal.wait_for("数据出现问题", "--yes")
    assert clean(shown, secrets) == []
    terminal.keys("Enter")
    terminal.wait_for("请选择要做的事")
    terminal.keys("q")  # leaving prints the recovery command again, on one line, to copy from the shell
    terminal.wait_for("ADMIN-ENDED 0")
    joined = terminal.run("capture-pane", "-p", "-J", "-t", terminal.name)
    assert clean(joined, secrets) == []
    line = next(x for x in joined.splitlines() if "恢复数据请运行" in x)
    command = line.split("：", 1)[1].strip()
    assert command == f"chuangyou --data-dir {data_dir} restore {good} --yes"
    env = faults.env()
    env["PATH"] = f"{CHUANGYOU.parent}:{env['PATH']}"
    pasted = subprocess.run(["/bin/sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert pasted.returncode == 0, pasted.stderr
    assert run(faults, data_dir, "member", "list").returncode == 0


# ---------------------------------------------------------------------------------------------- the web server
def test_the_web_server_answers_calmly_through_every_fault_and_loses_no_answer(
    roster: Campaign, data_dir: Path, faults: Faults, tmp_path: Path
) -> None:
    issued = feedback.issue_batch(roster, "T001", 6, expires=date(2027, 12, 31))
    codes = list(issued.codes)
    create_backup(roster.store)
    port = free_port()
    env = faults.env()
    env["CHUANGYOU_NOW"] = NOW.isoformat()
    out = (tmp_path / "serve.out").open("w")
    server = subprocess.Popen(
        [str(CHUANGYOU), "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
    )
    acknowledged = []
    try:
        wait_until_listening("127.0.0.1", port, timeout=30)
        web = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

        def answer(code: str) -> int:
            status = web.post(f"/f/{code}", data={"option": "satisfied", "comment": ""}).status_code
            if status == 303:
                acknowledged.append(code)
            return status

        assert answer(codes[0]) == 303
        with lock_held(data_dir):
            r = web.post(f"/f/{codes[1]}", data={"option": "satisfied"})
            assert r.status_code == 503 and clean(r.text, codes) == []
        faults.on("enospc")
        assert answer(codes[2]) == 503
        faults.off("enospc")
        faults.on("eacces", str(next(roster.store.dir.glob("used/*.json"))))
        assert answer(codes[2]) == 503
        faults.off("eacces")
        used = next(roster.store.dir.glob("used/*.json"))
        good = used.read_bytes()
        used.write_bytes(good[:-3])
        assert answer(codes[3]) == 503
        used.write_bytes(good)
        for code in codes[1:]:
            assert answer(code) == 303
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        out.close()
    output = (tmp_path / "serve.out").read_text(encoding="utf-8")
    assert clean(output, codes) == [], output
    stats = feedback_count(data_dir)
    assert stats == len(acknowledged) == 6


def feedback_count(data_dir: Path) -> int:
    c = open_campaign(data_dir)
    return sum(len(c.store.read(p).get("feedback", {})) for p in c.store.partitions("feedback"))


# ---------------------------------------------------------------------------------------------- kill -9
def _kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool], deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while not ready():
        if proc.poll() is not None:
            raise AssertionError(f"finished before it could be killed: {proc.returncode}")
        if time.monotonic() > end:
            raise AssertionError("never reached the moment to kill it")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _signins(faults: Faults, data_dir: Path, session: StudySession, codes: list[str]) -> list[str]:
    acked = []
    for code in codes:
        done = run(faults, data_dir, "signin", "--session", str(session.id), "--member", code, "--pin", "1234")
        if done.returncode == 0:
            acked.append(code)
        assert "Traceback" not in done.stderr
    return acked


def test_kill_9_in_the_middle_of_a_backup_loses_nothing_and_keeps_the_good_backup(
    roster: Campaign, session: StudySession, data_dir: Path, faults: Faults
) -> None:
    good = create_backup(roster.store)
    faults.on("slow-backup")
    env = faults.env()
    backup = subprocess.Popen(
        [str(CHUANGYOU), "--data-dir", str(data_dir), "backup"], env=env, stdout=subprocess.PIPE, text=True
    )
    partial = roster.store.backup_dir
    _kill_when(backup, lambda: any(p.name.startswith(".partial-") for p in partial.iterdir()))
    faults.off("slow-backup")
    acked = _signins(faults, data_dir, session, ["T001", "T002"])  # the lock is free at once
    assert acked == ["T001", "T002"]
    assert good_backups(data_dir) == [good]  # the partial copy never counts
    assert run(faults, data_dir, "check").returncode == 0
    assert run(faults, data_dir, "backup").returncode == 0
    c = open_campaign(data_dir)
    assert all(c.repos.attendance.get(session.id, code) is not None for code in acked)


def test_kill_9_in_the_middle_of_a_restore_leaves_the_store_as_it_was(
    roster: Campaign, session: StudySession, data_dir: Path, faults: Faults
) -> None:
    good = create_backup(roster.store)
    acked = _signins(faults, data_dir, session, ["T001"])
    before = {p: p.read_bytes() for p in roster.store.dir.rglob("*.json")}
    faults.on("slow-backup")
    restore = subprocess.Popen(
        [str(CHUANGYOU), "--data-dir", str(data_dir), "restore", str(good), "--yes"],
        env=faults.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_when(restore, lambda: any(p.name.startswith(".partial-restore") for p in roster.store.backup_dir.iterdir()))
    faults.off("slow-backup")
    assert {p: p.read_bytes() for p in roster.store.dir.rglob("*.json")} == before
    acked += _signins(faults, data_dir, session, ["T002"])
    c = open_campaign(data_dir)
    assert all(c.repos.attendance.get(session.id, code) is not None for code in acked)
    assert good_backups(data_dir) == [good]
    assert run(faults, data_dir, "restore", str(good), "--yes").returncode == 0


def test_a_kiosk_started_on_a_damaged_store_is_out_of_service_until_it_is_restored(
    roster: Campaign, session: StudySession, data_dir: Path, faults: Faults, terminal: Terminal
) -> None:
    good = create_backup(roster.store)
    core = roster.store.path("core")
    core.write_bytes(core.read_bytes()[:-7])
    terminal.env = faults.env(terminal.env)
    terminal.start([str(CHUANGYOU), "--data-dir", str(data_dir), "kiosk"])
    shown = terminal.wait_for("暂停服务")
    assert clean(shown, ["1234", "王晓明"]) == [] and str(core) not in shown
    terminal.keys("C-c")  # still locked down: leaving needs the passphrase
    terminal.wait_for("支部书记口令")
    terminal.keys("Escape")
    assert run(faults, data_dir, "restore", str(good), "--yes").returncode == 0
    terminal.wait_for("正在签到", deadline_s=30)
    _to_pin(terminal)
    terminal.keys("Enter")
    terminal.wait_for("签到成功")
