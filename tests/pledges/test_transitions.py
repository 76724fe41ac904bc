"""Every pledge step and every refusal: a refused step says why and leaves every data file as it was."""

# ruff: noqa: E501  (the table of illegal steps reads best one step a line)

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from campaign import pledges as pl
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.settings import update_setting
from storage.records import Pledge, PledgeGrade, PledgeState

from .conftest import DUE, store_files

S = PledgeState
ME = pl.as_member("T001")
OTHER = pl.as_member("T002")


def test_the_whole_cycle_keeps_a_full_history_and_audits_the_secretary(roster: Campaign) -> None:
    p = pl.create_pledge(roster, ME, "T001", "service", "每月家访不少于 3 户", "家访 3 户/月", DUE)
    assert (p.state, p.member, p.id.startswith("2026-")) == (S.DRAFT, "T001", True)
    p = pl.submit_pledge(roster, ME, p.id)
    p = pl.return_pledge(roster, p.id, "请写明学期内的总户数")
    assert p.state is S.RETURNED
    p = pl.edit_pledge(roster, ME, p.id, text="每月家访不少于 4 户，本学期共 16 户", target="家访 16 户")
    p = pl.submit_pledge(roster, ME, p.id)
    p = pl.publish_pledge(roster, p.id, "同意公示")
    assert p.published_at == roster.now()
    p = pl.add_progress(roster, ME, p.id, "十一月已家访 4 户")
    p = pl.fulfil_pledge(roster, ME, p.id, "家访记录本第 3-9 页")
    p = pl.self_assess(roster, ME, p.id, "excellent", "全部完成")
    p = pl.evaluate_pledge(roster, p.id, "good", "按时完成，记录完整")
    stored = roster.repos.pledges.get(p.id)
    assert stored == p
    assert (stored.state, stored.grade, stored.self_grade) == (S.EVALUATED, PledgeGrade.GOOD, PledgeGrade.EXCELLENT)
    assert stored.progress[0]["note"] == "十一月已家访 4 户" and stored.progress[0]["day"] == "2026-11-27"
    events = pl.events(stored)
    assert [e.action for e in events] == [
        "create", "submit", "return", "edit", "submit", "publish", "progress", "fulfil", "self_assess", "evaluate",
    ]  # fmt: skip
    assert [e.by for e in events] == ["T001", "T001", "secretary", "T001", "T001", "secretary"] + ["T001"] * 3 + [
        "secretary"
    ]
    assert events[2].note == "请写明学期内的总户数"
    assert events[3].changes == {
        "text": ["每月家访不少于 3 户", "每月家访不少于 4 户，本学期共 16 户"],
        "target": ["家访 3 户/月", "家访 16 户"],
    }
    assert events[9].changes["grade"] == [None, "good"]
    audit = [(e.action, e.detail["id"]) for e in reversed(roster.repos.audit.recent()) if e.action.startswith("pledge")]
    assert audit == [("pledge.return", p.id), ("pledge.publish", p.id), ("pledge.evaluate", p.id)]


def test_the_secretary_can_act_for_a_member_and_is_audited(roster: Campaign) -> None:
    p = pl.create_pledge(roster, pl.SECRETARY, "T002", "study", "读书 2 本", "笔记 2 篇", DUE)
    pl.submit_pledge(roster, pl.SECRETARY, p.id)
    assert [e.by for e in pl.events(pl.get_pledge(roster, p.id))] == ["secretary", "secretary"]
    assert [e.action for e in roster.repos.audit.recent()[:2]] == ["pledge.submit", "pledge.create"]


def _refused(c: Campaign, step: Callable[[], Any], key: str, **expected: str) -> Refused:
    before = store_files(c)
    with pytest.raises(Refused) as err:
        step()
    assert err.value.key == key, err.value.message()
    message = err.value.message()
    assert message and "\n" not in message
    for value in expected.values():
        assert value in message
    assert store_files(c) == before, "a refused step changed the store"
    return err.value


ILLEGAL: list[tuple[str, S, Callable[[Campaign, str], Any], str]] = [
    ("evaluate a draft", S.DRAFT, lambda c, i: pl.evaluate_pledge(c, i, "good"), "pledges.illegal_step"),
    ("evaluate a draft as excellent", S.DRAFT, lambda c, i: pl.evaluate_pledge(c, i, "excellent"), "pledges.illegal_step"),
    ("publish a draft", S.DRAFT, lambda c, i: pl.publish_pledge(c, i), "pledges.illegal_step"),
    ("publish a withdrawn pledge", S.WITHDRAWN, lambda c, i: pl.publish_pledge(c, i), "pledges.withdrawn_final"),
    ("submit a withdrawn pledge", S.WITHDRAWN, lambda c, i: pl.submit_pledge(c, ME, i), "pledges.withdrawn_final"),
    ("fulfil a submitted pledge", S.SUBMITTED, lambda c, i: pl.fulfil_pledge(c, ME, i, "x"), "pledges.illegal_step"),
    ("progress on a draft", S.DRAFT, lambda c, i: pl.add_progress(c, ME, i, "x"), "pledges.illegal_step"),
    ("submit twice", S.SUBMITTED, lambda c, i: pl.submit_pledge(c, ME, i), "pledges.illegal_step"),
    ("return a published pledge", S.PUBLISHED, lambda c, i: pl.return_pledge(c, i, "x"), "pledges.illegal_step"),
    ("edit a published pledge", S.PUBLISHED, lambda c, i: pl.edit_pledge(c, ME, i, text="y"), "pledges.illegal_step"),
    ("self-assess a published one", S.PUBLISHED, lambda c, i: pl.self_assess(c, ME, i, "good"), "pledges.illegal_step"),
    ("edit after evaluation", S.EVALUATED, lambda c, i: pl.edit_pledge(c, ME, i, text="y"), "pledges.final"),
    ("progress after evaluation", S.EVALUATED, lambda c, i: pl.add_progress(c, ME, i, "x"), "pledges.final"),
    ("evaluate twice", S.EVALUATED, lambda c, i: pl.evaluate_pledge(c, i, "excellent"), "pledges.final"),
    ("withdraw after evaluation", S.EVALUATED, lambda c, i: pl.withdraw_pledge(c, ME, i, "x"), "pledges.final"),
    ("self-assess after evaluation", S.EVALUATED, lambda c, i: pl.self_assess(c, ME, i, "good"), "pledges.final"),
    ("fulfil an unkept pledge", S.UNKEPT, lambda c, i: pl.fulfil_pledge(c, ME, i, "x"), "pledges.final"),
    ("correct a withdrawn pledge", S.WITHDRAWN, lambda c, i: pl.correct_pledge(c, i, "x", grade="good"), "pledges.withdrawn_final"),
    ("correct a fulfilled pledge", S.FULFILLED, lambda c, i: pl.correct_pledge(c, i, "x", grade="good"), "pledges.illegal_step"),
    ("another member submits", S.DRAFT, lambda c, i: pl.submit_pledge(c, OTHER, i), "pledges.not_yours"),
    ("another member withdraws", S.PUBLISHED, lambda c, i: pl.withdraw_pledge(c, OTHER, i, "x"), "pledges.not_yours"),
    ("another member notes progress", S.PUBLISHED, lambda c, i: pl.add_progress(c, OTHER, i, "x"), "pledges.not_yours"),
    ("another member fulfils", S.PUBLISHED, lambda c, i: pl.fulfil_pledge(c, OTHER, i, "x"), "pledges.not_yours"),
    ("another member edits", S.RETURNED, lambda c, i: pl.edit_pledge(c, OTHER, i, text="y"), "pledges.not_yours"),
    ("another member self-assesses", S.FULFILLED, lambda c, i: pl.self_assess(c, OTHER, i, "good"), "pledges.owner_only"),
    ("the secretary self-assesses", S.FULFILLED, lambda c, i: pl.self_assess(c, pl.SECRETARY, i, "good"), "pledges.owner_only"),
    ("return without a comment", S.SUBMITTED, lambda c, i: pl.return_pledge(c, i, "  "), "pledges.comment_required"),
    ("withdraw without a reason", S.PUBLISHED, lambda c, i: pl.withdraw_pledge(c, ME, i, "\n"), "pledges.reason_required"),
    ("fulfil without evidence", S.PUBLISHED, lambda c, i: pl.fulfil_pledge(c, ME, i, ""), "pledges.evidence_required"),
    ("correct without a comment", S.EVALUATED, lambda c, i: pl.correct_pledge(c, i, "", grade="pass"), "pledges.comment_required"),
    ("unknown pledge", S.DRAFT, lambda c, i: pl.submit_pledge(c, ME, "2026-99999"), "pledges.no_such_pledge"),
    ("nonsense id", S.DRAFT, lambda c, i: pl.publish_pledge(c, "../../etc"), "pledges.no_such_pledge"),
]  # fmt: skip


@pytest.mark.parametrize(("state", "step", "key"), [x[1:] for x in ILLEGAL], ids=[x[0] for x in ILLEGAL])
def test_illegal_steps_are_refused_and_change_nothing(
    roster: Campaign, pledge_in: Callable[..., Pledge], state: S, step: Callable[[Campaign, str], Any], key: str
) -> None:
    p = pledge_in(state)
    _refused(roster, lambda: step(roster, p.id), key)
    assert roster.repos.pledges.get(p.id) == p


def test_refusals_name_the_pledge_and_its_state(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    p = pledge_in(S.DRAFT)
    err = _refused(roster, lambda: pl.evaluate_pledge(roster, p.id, "good"), "pledges.illegal_step")
    assert p.id in err.message() and "草稿" in err.message() and "已践诺" in err.message()
    assert "draft" in err.message("en") and "fulfilled" in err.message("en")


def test_a_member_cannot_create_a_pledge_for_someone_else(roster: Campaign) -> None:
    _refused(
        roster, lambda: pl.create_pledge(roster, OTHER, "T001", "study", "x", "y", DUE), "pledges.not_yours_to_create"
    )


def test_an_inactive_or_unknown_member_cannot_act(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    from campaign.roster import edit_member

    p = pledge_in(S.DRAFT)
    edit_member(roster, "T001", active=False)
    _refused(roster, lambda: pl.submit_pledge(roster, ME, p.id), "pledges.unknown_member")
    _refused(
        roster,
        lambda: pl.create_pledge(roster, pl.as_member("NOPE"), "NOPE", "study", "x", "y", DUE),
        "pledges.unknown_member",
    )


@pytest.mark.parametrize("program", ["kiosk", "web"])
def test_secretary_steps_are_refused_in_the_kiosk_and_web_programs(
    roster: Campaign, pledge_in: Callable[..., Pledge], program: str
) -> None:
    p = pledge_in(S.SUBMITTED)
    roster.actor = program
    _refused(roster, lambda: pl.publish_pledge(roster, p.id), "pledges.secretary_program")
    _refused(roster, lambda: pl.return_pledge(roster, p.id, "x"), "pledges.secretary_program")
    _refused(roster, lambda: pl.submit_pledge(roster, pl.SECRETARY, p.id), "pledges.secretary_program")
    # The member still acts for themselves there.
    assert pl.withdraw_pledge(roster, ME, p.id, "换一项承诺").state is S.WITHDRAWN


def test_withdraw_is_possible_at_every_stage_before_evaluation(
    roster: Campaign, pledge_in: Callable[..., Pledge]
) -> None:
    for state in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.FULFILLED):
        p = pl.withdraw_pledge(roster, ME, pledge_in(state).id, "调到外校")
        assert (p.state, p.reason) == (S.WITHDRAWN, "调到外校")


def test_unkept_is_distinct_from_withdrawn_and_its_reason_is_public(
    roster: Campaign, pledge_in: Callable[..., Pledge]
) -> None:
    p = pl.close_unkept(roster, pledge_in(S.PUBLISHED).id, "学校停课，无法家访")
    assert (p.state, p.reason) == (S.UNKEPT, "学校停课，无法家访")
    assert roster.repos.audit.recent()[0].action == "pledge.unkept"
    draft = pledge_in(S.DRAFT)
    _refused(roster, lambda: pl.close_unkept(roster, draft.id, "x"), "pledges.illegal_step")
    _refused(roster, lambda: pl.close_unkept(roster, p.id, "again"), "pledges.final")
    corrected = pl.correct_pledge(roster, p.id, "原因写错了", reason="学校停课两个月，无法家访")
    assert corrected.reason == "学校停课两个月，无法家访" and corrected.state is S.UNKEPT


def test_only_an_audited_correction_changes_an_evaluated_pledge(
    roster: Campaign, pledge_in: Callable[..., Pledge]
) -> None:
    p = pledge_in(S.EVALUATED)
    fixed = pl.correct_pledge(roster, p.id, "录入错误，应为优秀", grade="excellent")
    assert (fixed.state, fixed.grade) == (S.EVALUATED, PledgeGrade.EXCELLENT)
    last = pl.events(fixed)[-1]
    assert (last.action, last.by, last.note, last.changes) == (
        "correct",
        "secretary",
        "录入错误，应为优秀",
        {"grade": ["good", "excellent"]},
    )
    entry = roster.repos.audit.recent()[0]
    assert (entry.action, entry.detail["id"], entry.detail["comment"]) == ("pledge.correct", p.id, "录入错误，应为优秀")


def test_excellent_is_capped_per_year_when_the_branch_says_so(
    roster: Campaign, pledge_in: Callable[..., Pledge]
) -> None:
    update_setting(roster, "pledge_excellent_max_fraction", "0.34")
    pledges = [pledge_in(S.FULFILLED, member) for member in ("T001", "T002", "T003")]
    pl.evaluate_pledge(roster, pledges[0].id, "excellent")
    err = _refused(roster, lambda: pl.evaluate_pledge(roster, pledges[1].id, "excellent"), "pledges.excellent_cap")
    assert "1" in err.message() and "34%" in err.message()
    pl.evaluate_pledge(roster, pledges[1].id, "good")
    _refused(roster, lambda: pl.correct_pledge(roster, pledges[1].id, "x", grade="excellent"), "pledges.excellent_cap")


def test_the_self_assessment_is_optional(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    p = pl.evaluate_pledge(roster, pledge_in(S.FULFILLED).id, "pass")
    assert (p.state, p.self_grade) == (S.EVALUATED, None)


def test_submitting_a_draft_whose_due_date_passed_asks_for_a_new_date(
    roster: Campaign, pledge_in: Callable[..., Pledge]
) -> None:
    from campaign.clock import FixedClock

    p = pledge_in(S.DRAFT)
    assert isinstance(roster.clock, FixedClock)
    roster.clock.set(roster.clock.at.replace(year=2027, month=2))
    _refused(roster, lambda: pl.submit_pledge(roster, ME, p.id), "pledges.due_past")
    pl.edit_pledge(roster, ME, p.id, due="2027-06-30")
    assert pl.submit_pledge(roster, ME, p.id).state is S.SUBMITTED


def test_messages_exist_in_both_languages_for_every_state_and_action() -> None:
    from campaign.pledge_rules import Action

    for lang in ("zh_CN", "en"):
        for state in S:
            assert t(f"pledges.state_{state}", lang=lang) != f"pledges.state_{state}"
        for action in Action:
            assert t(f"pledges.action_{action}", lang=lang) != f"pledges.action_{action}"


def test_a_member_acts_after_their_pin(roster: Campaign) -> None:
    assert pl.member_after_pin(roster, " T001 ", "1234") == ME
    for code, pin, key in (
        ("T001", "9999", "signin.wrong_pin"),
        ("T001", "", "signin.pin_required"),
        ("X", "1234", "pledges.unknown_member"),
    ):
        with pytest.raises(Refused) as err:
            pl.member_after_pin(roster, code, pin)
        assert err.value.key == key
