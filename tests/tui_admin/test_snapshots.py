"""Snapshots of the live attendance view in both languages: fixed clock, fixed size, no blink, no animation.

Update after a deliberate change with ``pytest tests/tui_admin --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.i18n import set_language
from campaign.signin import sign_in
from tui.app import ChuangyouApp

from .conftest import SIZE, log_in, settle

SnapCompare = Callable[..., bool]


async def open_live_view(pilot: Pilot[int]) -> None:
    await log_in(pilot)
    await pilot.press("l")
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_live_attendance(
    lang: str,
    secured: Campaign,
    clock: FixedClock,
    admin_app: Callable[[Campaign], ChuangyouApp],
    snap_compare: SnapCompare,
) -> None:
    c = secured
    s = ss.create_session(
        c,
        "学习二十届四中全会精神",
        ss.parse_local(c, "2026-11-27 08:00"),
        ss.parse_local(c, "2026-11-27 09:30"),
        place="第十八中学会议室",
    )
    sign_in(c, s.id, "T001", "1234")
    clock.advance(minutes=17)
    sign_in(c, s.id, "T002", "1234")
    ss.excuse(c, s.id, "T003", "外出培训")
    set_language(lang)
    assert snap_compare(admin_app(c), terminal_size=SIZE, run_before=open_live_view)
