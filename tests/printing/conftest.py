"""A campaign whose slips point at a fixed LAN address, and a batch of slips for 王晓明."""

from __future__ import annotations

from dataclasses import replace

import pytest

from campaign import feedback
from campaign.context import Campaign

PUBLIC_URL = "http://192.168.1.20:8080"


@pytest.fixture
def branch(roster: Campaign) -> Campaign:
    """The test roster, with the feedback server's public address set (as the secretary would)."""
    with roster.store.transaction():
        roster.repos.settings.put(replace(roster.settings, public_url=PUBLIC_URL))
    return roster


@pytest.fixture
def batch(branch: Campaign) -> feedback.IssuedBatch:
    """Twelve slips for T001 王晓明, class 初二（3）班: two pages at ten a page."""
    return feedback.issue_batch(branch, "T001", 12, class_label="初二（3）班")
