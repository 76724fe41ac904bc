"""Group commit: answers from many requests share commits, and each caller hears its own outcome."""

from __future__ import annotations

import asyncio

import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from campaign.errors import Refused
from storage.errors import StoreBusy
from web.group_commit import GroupCommit

from ..feedback.helpers import store_fingerprint


async def _answer_all(group: GroupCommit, requests: list[fb.AnswerRequest]) -> list[str]:
    async def one(request: fb.AnswerRequest) -> str:
        try:
            await group.answer(request)
        except Refused as exc:
            return exc.key
        except StoreBusy:
            return "busy"
        return "stored"

    return list(await asyncio.wait_for(asyncio.gather(*(one(r) for r in requests)), 60))


async def test_concurrent_answers_share_commits_and_each_gets_its_own_outcome(roster: Campaign) -> None:
    codes = list(fb.issue_batch(roster, "T001", 30).codes)
    requests = [fb.AnswerRequest(k, "satisfied", f"c{i}") for i, k in enumerate(codes)]
    requests += [fb.AnswerRequest(codes[0], "satisfied", "again"), fb.AnswerRequest(codes[1], "bad-option")]
    group = GroupCommit(roster)
    outcomes = await _answer_all(group, requests)
    assert outcomes.count("stored") == 30
    assert sorted(o for o in outcomes if o != "stored") == ["feedback.bad_option", "feedback.used_code"]
    assert group.commits < 30  # answers waiting together were committed together
    stored = {a.comment for a in roster.repos.feedback.between()}
    # Whichever of the two answers for the first code came first was stored; the other was refused.
    assert len(stored) == 30 and stored - {"c0", "again"} == {f"c{i}" for i in range(1, 30)}


async def test_a_failed_commit_reaches_every_waiting_caller_and_stores_nothing(
    roster: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = list(fb.issue_batch(roster, "T002", 12).codes)
    before = store_fingerprint(roster)

    def busy(*args: object) -> None:
        raise StoreBusy(roster.store.lock_path, 15.0)

    group = GroupCommit(roster)
    with monkeypatch.context() as patch:
        patch.setattr("campaign.feedback.answer_many", busy)
        assert await _answer_all(group, [fb.AnswerRequest(k, "satisfied") for k in codes]) == ["busy"] * 12
    assert store_fingerprint(roster) == before
    await group.answer(fb.AnswerRequest(codes[0], "satisfied"))  # the group commit still works afterwards
    assert len(list(roster.repos.feedback.between())) == 1
