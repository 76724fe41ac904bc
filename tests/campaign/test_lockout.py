"""Wrong tries: counted per place, atomically before the hash is checked, growing waits the secretary clears."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from campaign import lockout, passphrase
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.signin import sign_in
from campaign.study_sessions import create_session
from storage.records import SignInMethod
from tests.conftest import NOW

SECRET = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]


def _as(c: Campaign, actor: str, clock: FixedClock) -> Campaign:
    return open_campaign(c.store.root, actor=actor, clock=clock)


def test_the_kiosk_cannot_keep_the_secretary_out_of_ssh(roster: Campaign, clock: FixedClock) -> None:
    passphrase.set_passphrase(roster, SECRET)
    kiosk = _as(roster, "kiosk", clock)
    answers: list[bool | str] = []
    for _ in range(12):  # someone at the kiosk: ctrl+c, wrong passphrases, again and again
        try:
            answers.append(passphrase.verify(kiosk, "let me out"))
        except Refused as exc:
            answers.append(exc.key)
    assert answers == [False] * 4 + ["passphrase.locked"] * 8
    admin = _as(roster, "secretary", clock)
    assert passphrase.verify(admin, SECRET)  # the SSH login is counted apart
    with pytest.raises(Refused):  # the kiosk still waits: its count is its own
        passphrase.verify(kiosk, SECRET)


def test_waits_grow_and_are_capped() -> None:
    waits = [lockout.delay_after(n) for n in range(1, 14)]
    assert waits[:4] == [timedelta(0)] * 4
    assert waits[4:8] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(waits) == lockout.MAX_DELAY == waits[-1]


def test_a_member_locked_at_the_kiosk_can_still_sign_in_by_script(roster: Campaign, clock: FixedClock) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    for _ in range(5):
        with pytest.raises(Refused):
            sign_in(roster, session.id, "T001", "9999", how=SignInMethod.KIOSK)
    with pytest.raises(Refused) as err:
        sign_in(roster, session.id, "T001", "1234", how=SignInMethod.KIOSK)
    assert err.value.key == "signin.locked"
    assert sign_in(roster, session.id, "T001", "1234", how=SignInMethod.SCRIPT).member.code == "T001"


def test_the_secretary_clears_a_wait_and_it_is_audited(roster: Campaign, clock: FixedClock) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    for _ in range(5):
        with pytest.raises(Refused):
            sign_in(roster, session.id, "T002", "9999", how=SignInMethod.KIOSK)
    locks = lockout.active(roster)
    assert [(s.subject, s.failures) for s in locks] == [("signin:kiosk:T002", 5)]
    with pytest.raises(Refused) as err:
        lockout.clear_by_secretary(roster, ["signin:kiosk:T999"])
    assert err.value.key == "lockout.unknown"
    assert lockout.clear_by_secretary(roster, ["signin:kiosk:T002"]) == ["signin:kiosk:T002"]
    assert lockout.active(roster) == []
    actions = [(e.action, e.detail) for e in roster.repos.audit.recent()]
    assert ("lockout.delay", {"subject": "signin:kiosk:T002", "failures": 5}) in actions
    assert ("lockout.clear", {"subjects": ["signin:kiosk:T002"]}) in actions
    assert sign_in(roster, session.id, "T002", "1234", how=SignInMethod.KIOSK).member.code == "T002"


def test_an_overlong_passphrase_is_refused_and_never_hashed_at_length(roster: Campaign) -> None:
    with pytest.raises(Refused) as err:
        passphrase.set_passphrase(roster, "x" * 20_000)
    assert err.value.key == "lockout.passphrase_too_long"
    passphrase.set_passphrase(roster, SECRET)
    assert not passphrase.verify(roster, SECRET + "x" * 20_000)


#: One process of the crowd: everything imported first, then all start together on a file appearing.
CROWD = """
import os, sys, time
from tui.cli import main
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.005)
sys.exit(main(sys.argv[2:]))
"""


def test_forty_processes_at_once_get_five_checks_not_more(roster: Campaign, tmp_path: Path) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    go = tmp_path / "go"
    env = {**os.environ, "CHUANGYOU_NOW": NOW.strftime("%Y-%m-%dT%H:%M"), "PYTHONPATH": str(ROOT)}
    args = ["--data-dir", str(roster.store.root), "signin", "--session", str(session.id), "--member", "T001"]
    crowd = [
        subprocess.Popen(
            [sys.executable, "-c", CROWD, str(go), *args, "--pin", "9999", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(40)
    ]
    ready = tmp_path / "ready"
    ready.write_text("")
    os.replace(ready, go)
    results = [p.communicate(timeout=300) for p in crowd]
    assert all(p.returncode == 1 for p in crowd), results
    # Every try counted before its hash was checked: five tries got to the hash, the others were told to wait.
    counted = [
        doc for doc in json.loads(roster.store.path("security").read_text(encoding="utf-8"))["security"].values()
    ]
    failures = sum(int(d.get("failures", 0)) for d in counted if "T001" in d["key"])
    assert failures == 5  # lockout.FREE_TRIES
    wrong = [err for _, err in results if "PIN 不正确" in err]
    assert len(wrong) == 4


def test_right_pins_never_add_up_to_a_wait(roster: Campaign) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    sign_in(roster, session.id, "T001", "1234")
    for _ in range(8):  # a badge re-scanned again and again, with the right PIN: "already", never a wait
        with pytest.raises(Refused) as err:
            sign_in(roster, session.id, "T001", "1234")
        assert err.value.key == "signin.already"
    assert lockout.active(roster) == []
