"""Fixtures for the pledge tests: the test roster, and pledges brought to each state through the campaign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from campaign import pledges as pl
from campaign.context import Campaign
from campaign.pledge_ratings import open_window
from storage.records import Pledge, PledgeState

DUE = date(2027, 1, 15)
MARKUP = ("[bold]x[/]", "[@click=app.quit]x[/]", "[/", "<script>alert(1)</script>")


def store_files(c: Campaign) -> dict[str, bytes]:
    """Every data file's bytes: a refused action must leave them all as they were."""
    return {str(p.relative_to(c.store.dir)): p.read_bytes() for p in sorted(c.store.dir.rglob("*.json"))}


def bring_to(c: Campaign, state: PledgeState, member: str = "T001", text: str = "每月家访不少于 4 户") -> Pledge:
    """A pledge of ``member`` taken to ``state`` by the usual steps (the member's own, the secretary's)."""
    me = pl.as_member(member)
    p = pl.create_pledge(c, me, member, "service", text, "家访 4 户/月", DUE)
    if state is PledgeState.DRAFT:
        return p
    if state is PledgeState.WITHDRAWN:
        return pl.withdraw_pledge(c, me, p.id, "调离本校")
    p = pl.submit_pledge(c, me, p.id)
    if state is PledgeState.SUBMITTED:
        return p
    if state is PledgeState.RETURNED:
        return pl.return_pledge(c, p.id, "请写明每月几户")
    p = pl.publish_pledge(c, p.id)
    if state is PledgeState.PUBLISHED:
        return p
    if state is PledgeState.UNKEPT:
        return pl.close_unkept(c, p.id, "长期病假")
    p = pl.fulfil_pledge(c, me, p.id, "家访记录 16 户")
    if state is PledgeState.FULFILLED:
        return p
    assert state is PledgeState.EVALUATED
    return pl.evaluate_pledge(c, p.id, "good", "按时完成")


@pytest.fixture
def pledge_in(roster: Campaign) -> Callable[..., Pledge]:
    def make(state: PledgeState, member: str = "T001", text: str = "每月家访不少于 4 户") -> Pledge:
        return bring_to(roster, state, member, text)

    return make


@pytest.fixture
def window(roster: Campaign) -> None:
    open_window(roster)
