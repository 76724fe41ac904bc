"""Fixtures shared by every test: a campaign in a temporary data directory with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.i18n import set_language
from campaign.roster import add_member, add_school

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The fixed "now" of every test that does not say otherwise: a Friday morning before the study session.
NOW = datetime(2026, 11, 27, 7, 50, tzinfo=SHANGHAI)
#: Where the test branch's feedback slips point.
PUBLIC_URL = "http://192.168.1.20:8080"


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CHUANGYOU_LANG", raising=False)
    monkeypatch.delenv("CHUANGYOU_NOW", raising=False)
    monkeypatch.delenv("CHUANGYOU_DATA_DIR", raising=False)
    set_language("zh_CN")
    yield
    set_language("zh_CN")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def campaign(data_dir: Path, clock: FixedClock) -> Campaign:
    """An empty campaign acting as the secretary, its feedback slips pointing at a LAN address (``public_url``,
    required before any slip is issued)."""
    c = open_campaign(data_dir, actor="secretary", clock=clock)
    with c.store.transaction():
        c.repos.settings.put(replace(c.settings, public_url=PUBLIC_URL))
    return c


@pytest.fixture
def roster(campaign: Campaign, clock: FixedClock) -> Campaign:
    """A campaign with two schools and four members (PIN 1234 each), members since a year before NOW (so they
    are expected at every session the tests hold)."""
    now = clock.now()
    clock.set(now - timedelta(days=365))
    add_school(campaign, "第十八中学")
    add_school(campaign, "实验小学")
    add_member(campaign, "T001", "王晓明", "第十八中学", pin="1234")
    add_member(campaign, "T002", "李红", "第十八中学", pin="1234")
    add_member(campaign, "T003", "张伟", "实验小学", pin="1234")
    add_member(campaign, "T004", "王小梅", "实验小学", pin="1234")
    clock.set(now)
    return campaign
