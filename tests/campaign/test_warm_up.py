"""Reading ahead after the first screen: a failure only costs speed, it never ends the program."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign import pledge_queries
from campaign.context import Campaign
from campaign.logfile import setup_logging
from campaign.warm_up import warm_up


def test_a_failure_while_reading_ahead_is_logged_not_raised(roster: Campaign, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(c: Campaign) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pledge_queries, "warm_up", broken)
    setup_logging(roster.store.root)
    warm_up(roster)  # no exception
    log = Path(roster.store.root) / "logs" / "chuangyou.log"
    assert "warm-up" in log.read_text(encoding="utf-8")
