"""互评: one rating per pledge per rater, never one's own, only fulfilled pledges, only while the window is open;
nobody sees who rated what."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from campaign import pledge_queries as q
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.pledge_ratings import close_window, current_window, open_window, peer_tally, rate_pledge
from storage.records import Pledge, PledgeState

from .conftest import store_files


def _refused(c: Campaign, key: str, rater: str, pledge_id: str, grade: str = "good") -> None:
    before = store_files(c)
    with pytest.raises(Refused) as err:
        rate_pledge(c, rater, pledge_id, grade)
    assert err.value.key == key and err.value.message()
    assert store_files(c) == before


def test_ratings_need_an_open_window(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    p = pledge_in(PledgeState.FULFILLED)
    _refused(roster, "pledges.window_closed", "T002", p.id)
    open_window(roster)
    assert rate_pledge(roster, "T002", p.id, "excellent").excellent == 1
    close_window(roster)
    _refused(roster, "pledges.window_closed", "T003", p.id)
    actions = [e.action for e in roster.repos.audit.recent()[:2]]
    assert actions == ["pledge.window_close", "pledge.window_open"]


def test_own_twice_and_unfulfilled_are_refused(
    roster: Campaign, pledge_in: Callable[..., Pledge], window: None
) -> None:
    p = pledge_in(PledgeState.FULFILLED)
    _refused(roster, "pledges.rate_own", "T001", p.id)
    rate_pledge(roster, "T002", p.id, "good")
    _refused(roster, "pledges.rate_twice", "T002", p.id, "excellent")
    published = pledge_in(PledgeState.PUBLISHED, "T003")
    _refused(roster, "pledges.rate_not_fulfilled", "T002", published.id)
    evaluated = pledge_in(PledgeState.EVALUATED, "T003")
    _refused(roster, "pledges.rate_not_fulfilled", "T002", evaluated.id)
    _refused(roster, "pledges.unknown_member", "NOBODY", p.id)
    assert peer_tally(roster, p.id).as_dict() == {"excellent": 0, "good": 1, "pass": 0, "fail": 0}


def test_the_pledge_document_never_says_who_rated_it(
    roster: Campaign, pledge_in: Callable[..., Pledge], window: None
) -> None:
    p = pledge_in(PledgeState.FULFILLED)
    for rater, grade in (("T002", "excellent"), ("T003", "good"), ("T004", "excellent")):
        rate_pledge(roster, rater, p.id, grade)
    pledge_files = "".join(f.read_text() for f in roster.store.dir.glob("pledges_*/*.json"))
    assert "每月家访" in pledge_files
    assert "T002" not in pledge_files and "T003" not in pledge_files
    (line,) = q.evaluation_queue(roster)
    assert (line.tally.excellent, line.tally.good, line.tally.total) == (2, 1, 3)
    assert "T00" not in json.dumps(line.tally.as_dict())


def test_what_is_left_to_rate(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    mine, theirs = pledge_in(PledgeState.FULFILLED, "T002"), pledge_in(PledgeState.FULFILLED, "T003")
    assert q.pledges_to_rate(roster, "T002") == []  # no window
    open_window(roster)
    assert [x.id for x in q.pledges_to_rate(roster, "T002")] == [theirs.id]
    rate_pledge(roster, "T002", theirs.id, "pass")
    assert q.pledges_to_rate(roster, "T002") == [] and mine.id
    assert current_window(roster) is not None


def test_window_cannot_be_opened_twice_or_closed_when_shut(roster: Campaign) -> None:
    with pytest.raises(Refused) as err:
        close_window(roster)
    assert err.value.key == "pledges.window_not_open"
    open_window(roster)
    with pytest.raises(Refused) as err:
        open_window(roster)
    assert err.value.key == "pledges.window_already_open"
    roster.actor = "kiosk"
    with pytest.raises(Refused) as err:
        close_window(roster)
    assert err.value.key == "pledges.secretary_program"
