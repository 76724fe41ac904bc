"""Issuing batches, opening a slip, answering it: the service the web form and the kiosk share."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from campaign import feedback as fb
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from storage.records import Feedback, FeedbackOption

from .helpers import raw_store_text, store_fingerprint


def test_issuing_a_batch_stores_its_codes_and_audits_it_without_them(roster: Campaign) -> None:
    issued = fb.issue_batch(roster, "T001", 5, class_label="  初二(3)班 ", expires=date(2026, 12, 31))
    assert issued.batch.member == "T001"
    assert issued.batch.class_label == "初二(3)班"
    assert len(set(issued.codes)) == 5
    stored = roster.repos.tokens.for_batch(issued.batch.id)
    assert sorted(t.code for t in stored) == sorted(issued.codes)
    assert all(t.used_at is None and t.expires == date(2026, 12, 31) for t in stored)
    assert roster.repos.batches.get(issued.batch.id) == issued.batch
    entry = roster.repos.audit.recent(1)[0]
    assert entry.action == "feedback.issue" and entry.detail["count"] == 5
    assert not any(code in repr(entry) for code in issued.codes)


def test_without_an_expiry_date_codes_last_thirty_days(roster: Campaign) -> None:
    issued = fb.issue_batch(roster, "T002", 1)
    assert issued.batch.expires == date(2026, 11, 27) + timedelta(days=30)


@pytest.mark.parametrize(
    ("member", "count", "label", "expires", "key"),
    [
        ("T999", 3, "", None, "feedback.unknown_member"),
        ("T001", 0, "", None, "feedback.bad_count"),
        ("T001", fb.MAX_BATCH + 1, "", None, "feedback.bad_count"),
        ("T001", 3, "班" * (fb.MAX_CLASS_LABEL + 1), None, "feedback.bad_class_label"),
        ("T001", 3, "", date(2026, 11, 26), "feedback.expiry_past"),
    ],
)
def test_bad_batches_are_refused_and_nothing_is_written(
    roster: Campaign, member: str, count: int, label: str, expires: date | None, key: str
) -> None:
    before = store_fingerprint(roster)
    with pytest.raises(Refused) as caught:
        fb.issue_batch(roster, member, count, class_label=label, expires=expires)
    assert caught.value.key == key
    assert caught.value.message()  # worded by the catalog
    assert store_fingerprint(roster) == before


def test_opening_a_slip_shows_the_teacher_and_class_and_writes_nothing(roster: Campaign) -> None:
    code = fb.issue_batch(roster, "T003", 1, class_label="三(1)班").codes[0]
    before = store_fingerprint(roster)
    view = fb.open_slip(roster, fb.display_code(code).lower())
    assert (view.teacher, view.school, view.class_label, view.code) == ("张伟", "实验小学", "三(1)班", code)
    assert store_fingerprint(roster) == before


def test_an_answer_is_stored_without_its_code_and_uses_the_code_up(roster: Campaign) -> None:
    codes = fb.issue_batch(roster, "T001", 2, class_label="初二(3)班").codes
    fb.answer(roster, codes[0], "satisfied", "  老师很负责  ")
    answers = list(roster.repos.feedback.between())
    assert answers == [Feedback("T001", "第十八中学", FeedbackOption.SATISFIED, date(2026, 11, 27), "老师很负责")]
    raw = raw_store_text(roster, "feedback")
    assert codes[0] not in raw and fb.display_code(codes[0]) not in raw
    assert "初二(3)班" not in raw  # the class label is on the slip, not on the answer
    token = roster.repos.tokens.get(codes[0])
    assert token is not None and token.used_at is not None
    # No time of use is kept at all: neither the order nor the day of answers can be matched to the slips used.
    assert "2026-11-27" not in raw_store_text(roster, "used")
    assert roster.repos.tokens.get(codes[1]).used_at is None  # type: ignore[union-attr]


def test_a_used_code_is_refused_and_the_store_does_not_change(roster: Campaign) -> None:
    code = fb.issue_batch(roster, "T001", 1).codes[0]
    fb.answer(roster, code, FeedbackOption.BASICALLY)
    before = store_fingerprint(roster)
    for attempt in (lambda: fb.open_slip(roster, code), lambda: fb.answer(roster, code, "unsatisfied")):
        with pytest.raises(Refused) as caught:
            attempt()
        assert caught.value.key == "feedback.used_code"
    assert store_fingerprint(roster) == before
    assert len(list(roster.repos.feedback.between())) == 1


def test_a_code_works_through_its_expiry_day_and_not_after(roster: Campaign, clock: FixedClock) -> None:
    codes = fb.issue_batch(roster, "T001", 2, expires=date(2026, 11, 30)).codes
    clock.advance(days=3)  # 2026-11-30, the last valid day
    fb.answer(roster, codes[0], "satisfied")
    clock.advance(days=1)
    before = store_fingerprint(roster)
    with pytest.raises(Refused) as caught:
        fb.open_slip(roster, codes[1])
    assert caught.value.key == "feedback.expired_code"
    assert "2026-11-30" in caught.value.message()
    with pytest.raises(Refused):
        fb.answer(roster, codes[1], "satisfied")
    assert store_fingerprint(roster) == before


@pytest.mark.parametrize("forged", ["ABCDEFGHJKMNP", "K7QM-2XHD-9RTWP", "", "x" * 5000, "A"])
def test_forged_codes_are_unknown(roster: Campaign, forged: str) -> None:
    fb.issue_batch(roster, "T001", 3)
    before = store_fingerprint(roster)
    for attempt in (lambda: fb.open_slip(roster, forged), lambda: fb.answer(roster, forged, "satisfied")):
        with pytest.raises(Refused) as caught:
            attempt()
        assert caught.value.key == "feedback.unknown_code"
    assert store_fingerprint(roster) == before


@pytest.mark.parametrize(
    ("option", "comment", "key"),
    [
        ("very satisfied", "", "feedback.bad_option"),
        ("", "", "feedback.bad_option"),
        ("满意", "", "feedback.bad_option"),
        ("satisfied", "长" * (fb.MAX_COMMENT + 1), "feedback.comment_too_long"),
    ],
)
def test_invalid_answers_are_refused_and_leave_the_code_usable(
    roster: Campaign, option: str, comment: str, key: str
) -> None:
    code = fb.issue_batch(roster, "T001", 1).codes[0]
    before = store_fingerprint(roster)
    with pytest.raises(Refused) as caught:
        fb.answer(roster, code, option, comment)
    assert caught.value.key == key
    assert store_fingerprint(roster) == before
    fb.answer(roster, code, "satisfied", "长" * fb.MAX_COMMENT)  # exactly at the limit is fine
    assert len(list(roster.repos.feedback.between())) == 1


def test_comments_keep_their_text_literally_but_lose_control_characters(roster: Campaign) -> None:
    code = fb.issue_batch(roster, "T001", 1).codes[0]
    fb.answer(roster, code, "unsatisfied", "<script>alert(1)</script>\x1b[31m[bold]x[/]\x00\r\n第二行")
    (stored,) = roster.repos.feedback.between()
    assert stored.comment == "<script>alert(1)</script>[31m[bold]x[/]\n第二行"


def test_two_answers_racing_for_one_code_store_exactly_one(roster: Campaign, data_dir: Path, clock: FixedClock) -> None:
    code = fb.issue_batch(roster, "T001", 1).codes[0]
    others = [open_campaign(data_dir, actor="web", clock=clock) for _ in range(6)]
    start = threading.Barrier(len(others))
    outcomes: list[str] = []

    def race(c: Campaign) -> None:
        start.wait()
        try:
            fb.answer(c, code, "satisfied")
            outcomes.append("stored")
        except Refused as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=race, args=(c,)) for c in others]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert sorted(outcomes) == ["feedback.used_code"] * 5 + ["stored"]
    assert len(list(roster.repos.feedback.between())) == 1


def test_a_group_of_answers_stands_or_falls_one_by_one(roster: Campaign) -> None:
    a, b, c = fb.issue_batch(roster, "T001", 3).codes
    outcomes = fb.answer_many(
        roster,
        [
            fb.AnswerRequest(a, "satisfied"),
            fb.AnswerRequest(a, "unsatisfied"),  # the same code twice in one group
            fb.AnswerRequest(b, "nonsense"),
            fb.AnswerRequest("ZZZZZZZZZZZZZ", "satisfied"),
            fb.AnswerRequest(c, "unknown", "不清楚"),
        ],
    )
    assert [o.key if o else None for o in outcomes] == [
        None,
        "feedback.used_code",
        "feedback.bad_option",
        "feedback.unknown_code",
        None,
    ]
    assert sorted(str(x.option) for x in roster.repos.feedback.between()) == ["satisfied", "unknown"]
    assert fb.open_slip(roster, b).code == b  # the refused one is still usable


def test_batch_slips_lists_a_batch_and_refuses_an_unknown_one(roster: Campaign) -> None:
    issued = fb.issue_batch(roster, "T004", 4, class_label="五(2)班")
    batch, member, tokens = fb.batch_slips(roster, issued.batch.id)
    assert batch == issued.batch and member is not None and member.name == "王小梅"
    assert sorted(t.code for t in tokens) == sorted(issued.codes)
    with pytest.raises(Refused) as caught:
        fb.batch_slips(roster, "19990101-XXXX")
    assert caught.value.key == "feedback.unknown_batch"
