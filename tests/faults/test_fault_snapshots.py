"""Snapshots of what a fault looks like, at 80×24 (an SSH window) in both languages: the kiosk's calm "cannot
record right now", its out-of-service screen, and the secretary's explanation with the recovery command.

Update after a deliberate change with ``pytest tests/faults/test_fault_snapshots.py --snapshot-update`` and look at
the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from campaign.context import Campaign
from campaign.i18n import set_language, t
from tests.tui_kiosk.conftest import MakeApp
from tui.fault import Fault, FaultKind
from tui.kiosk import Outcome, OutcomeKind
from tui.screens.admin.fault import AdminFault
from tui.screens.kiosk_out_of_service import KioskOutOfService
from tui.screens.kiosk_result import KioskResult

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def pushing(make: Callable[[], Any]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        pilot.app.push_screen(make())
        await pilot.pause()

    return steps


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("screen", ["cannot-record", "out-of-service"])
def test_kiosk_fault_screen(
    lang: str, screen: str, roster: Campaign, make_app: MakeApp, snap_compare: SnapCompare, tmp_path: Path
) -> None:
    set_language(lang)
    damaged = tmp_path / "never-parses.json"
    damaged.write_bytes(b"{")
    if screen == "cannot-record":
        steps = pushing(lambda: KioskResult(Outcome(OutcomeKind.FAULT, t("fault.kiosk_body"))))
    else:
        steps = pushing(lambda: KioskOutOfService(damaged))
    assert snap_compare(make_app(roster), terminal_size=SIZE, run_before=steps)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_admin_fault_screen(lang: str, roster: Campaign, make_app: MakeApp, snap_compare: SnapCompare) -> None:
    set_language(lang)
    command = "chuangyou --data-dir /srv/chuangyou restore /srv/chuangyou/backups/20261127T000000000000Z-daily --yes"
    explanation = "\n".join(
        [
            t("store.corrupt", path="/srv/chuangyou/store/core.json", detail="Expecting value: line 1 column 1"),
            t("store.corrupt_backup", backup="/srv/chuangyou/backups/20261127T000000000000Z-daily", command=command),
        ]
    )
    fault = Fault(FaultKind.DAMAGED, explanation, None, command)
    hint = t("fault.admin_log", log="/srv/chuangyou/logs/chuangyou.log")
    steps = pushing(lambda: AdminFault(fault, hint))
    assert snap_compare(make_app(roster, "admin"), terminal_size=SIZE, run_before=steps)
