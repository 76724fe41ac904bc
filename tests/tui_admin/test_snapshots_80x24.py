"""Every secretary screen at the usual SSH window (80×24), in both languages: nothing the secretary needs is cut.

Update after a deliberate change with ``pytest tests/tui_admin --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from campaign import feedback
from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.i18n import set_language
from campaign.signin import sign_in
from tui.app import ChuangyouApp

from .conftest import log_in, settle

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]
SIZE = (80, 24)


def keys(*pressed: str) -> Steps:
    async def run(pilot: Pilot[Any]) -> None:
        await log_in(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


SCREENS: dict[str, Steps] = {
    "login": settle,
    "home": keys(),
    "roster": keys("r"),
    "import": keys("i"),
    "sessions": keys("s"),
    "session-new": keys("s", "n"),
    "live": keys("l"),
    "reports": keys("p"),
    "feedback": keys("f"),
    "satisfaction": keys("f", "s"),
}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_admin_screen_at_80x24(
    lang: str,
    screen: str,
    secured: Campaign,
    clock: FixedClock,
    admin_app: Callable[[Campaign], ChuangyouApp],
    snap_compare: SnapCompare,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Slip codes, batch ids and answer buckets are random: seeded here, so the same picture every run.
    rng = random.Random(8)
    monkeypatch.setattr(secrets, "choice", rng.choice)
    monkeypatch.setattr(secrets, "randbelow", rng.randrange)
    c = secured
    s = ss.create_session(
        c,
        "学习二十届四中全会精神",
        ss.parse_local(c, "2026-11-27 08:00"),
        ss.parse_local(c, "2026-11-27 09:30"),
        place="第十八中学会议室",
    )
    ss.create_session(c, "党课：新党章", ss.parse_local(c, "2026-12-04 15:00"), ss.parse_local(c, "2026-12-04 16:00"))
    sign_in(c, s.id, "T001", "1234")
    clock.advance(minutes=17)
    sign_in(c, s.id, "T002", "1234")
    ss.excuse(c, s.id, "T003", "外出培训")
    for member, option in (("T001", "satisfied"), ("T001", "basically"), ("T002", "unsatisfied")):
        code = feedback.issue_batch(c, member, 1, class_label="初二（3）班").codes[0]
        feedback.answer(c, code, option, "很好")
    set_language(lang)
    assert snap_compare(admin_app(c), terminal_size=SIZE, run_before=SCREENS[screen])
