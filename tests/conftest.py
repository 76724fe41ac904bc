"""Fixtures shared by every test: a campaign in a temporary data directory with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
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
    """An empty campaign acting as the secretary."""
    return open_campaign(data_dir, actor="secretary", clock=clock)


@pytest.fixture
def roster(campaign: Campaign) -> Campaign:
    """A campaign with two schools and four members (PIN 1234 each)."""
    add_school(campaign, "第十八中学")
    add_school(campaign, "实验小学")
    add_member(campaign, "T001", "王晓明", "第十八中学", pin="1234")
    add_member(campaign, "T002", "李红", "第十八中学", pin="1234")
    add_member(campaign, "T003", "张伟", "实验小学", pin="1234")
    add_member(campaign, "T004", "王小梅", "实验小学", pin="1234")
    return campaign
