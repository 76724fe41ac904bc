"""Where parents' answers are kept: a month spread over lanes, a lane going on in a new file once its file is full,
so that an answer's commit rewrites a small file however many answers the month already holds."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from campaign.satisfaction import satisfaction_report
from storage import slips
from storage.slips import FEEDBACK_BUCKETS

#: Small files for the test (16 KiB in use): a file is full after a dozen answers.
SMALL_FILE = 1024
GROUP = 8


def _answer_in_groups(c: Campaign, codes: Sequence[str], option: str) -> None:
    for i in range(0, len(codes), GROUP):
        requests = [fb.AnswerRequest(code, option, "谢谢老师") for code in codes[i : i + GROUP]]
        assert fb.answer_many(c, requests) == [None] * len(requests)


def test_a_full_file_is_never_rewritten_and_every_answer_counts(
    roster: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slips, "FEEDBACK_BUCKET_BYTES", SMALL_FILE)
    codes = fb.issue_batch(roster, "T001", 200).codes + fb.issue_batch(roster, "T002", 200).codes
    _answer_in_groups(roster, codes[:240], "satisfied")
    store = roster.store
    files = store.partitions("feedback")
    assert len(files) > FEEDBACK_BUCKETS  # lanes went on in new files
    full = {p: store.signature(p) for p in files if store.size(p) >= SMALL_FILE}
    assert full
    _answer_in_groups(roster, codes[240:], "unsatisfied")
    # The files that were full are untouched (same inode, size and times); the new answers went elsewhere.
    assert {p: store.signature(p) for p in full} == full
    # No file grew past a full file and one group's answers.
    assert max(store.size(p) for p in store.partitions("feedback")) <= SMALL_FILE + GROUP * 200
    report = satisfaction_report(roster)
    assert (report.branch.satisfied, report.branch.unsatisfied) == (240, 160)
    assert (report.by_teacher["T001"].satisfied, report.by_teacher["T002"].unsatisfied) == (200, 160)


def test_a_transaction_sees_the_size_of_what_it_is_about_to_write(roster: Campaign) -> None:
    store = roster.store
    assert store.size("feedback/2026-01-00") == 0
    with store.transaction():
        store.write("feedback/2026-01-00", {"feedback": {"1": {"comment": "x" * 5000}}})
        staged = store.size("feedback/2026-01-00")
        assert staged > 5000
    assert store.size("feedback/2026-01-00") == staged
