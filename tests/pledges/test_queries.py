"""What the screens ask for: the board, a member's own pledges, the queues, due and overdue, summaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from campaign import pledge_queries as q
from campaign import pledges as pl
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.pledge_templates import create_from_template, templates
from campaign.settings import update_setting
from storage.records import Pledge, PledgeCategory, PledgeState

S = PledgeState


def test_the_board_shows_public_pledges_by_category_and_school_paged(
    roster: Campaign, pledge_in: Callable[..., Pledge]
) -> None:
    hidden = [pledge_in(S.DRAFT), pledge_in(S.SUBMITTED), pledge_in(S.RETURNED), pledge_in(S.WITHDRAWN)]
    shown = [
        pledge_in(S.PUBLISHED, "T001"),
        pledge_in(S.FULFILLED, "T002"),
        pledge_in(S.EVALUATED, "T003"),
        pledge_in(S.UNKEPT, "T004"),
    ]
    board = q.pledge_board(roster)
    assert {x.id for x in board.lines} == {p.id for p in shown}
    assert not {x.id for x in board.lines} & {p.id for p in hidden}
    # Same category: by school (实验小学 before 第十八中学 in code-point order), then member.
    assert [x.school for x in board.lines] == sorted(x.school for x in board.lines)
    unkept = next(x for x in board.lines if x.pledge.state is S.UNKEPT)
    assert unkept.pledge.reason == "长期病假"
    by_school = q.pledge_board(roster, school="实验小学")
    assert {x.name for x in by_school.lines} == {"张伟", "王小梅"}
    assert q.pledge_board(roster, category="study").total == 0
    pages = [q.pledge_board(roster, page=i, per_page=3) for i in range(3)]
    assert [(len(b.lines), b.page, b.pages, b.total) for b in pages] == [(3, 0, 2, 4), (1, 1, 2, 4), (1, 1, 2, 4)]


def test_the_publicity_period_follows_the_setting(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    pledge_in(S.PUBLISHED)
    (line,) = q.pledge_board(roster).lines
    assert (line.publicity_until, line.in_publicity, q.pledge_board(roster).publicity_days) == (
        date(2026, 12, 2),
        True,
        5,
    )
    update_setting(roster, "pledge_publicity_days", "3")
    assert isinstance(roster.clock, FixedClock)
    roster.clock.advance(days=4)
    (line,) = q.pledge_board(roster).lines
    assert (line.publicity_until, line.in_publicity) == (date(2026, 11, 30), False)


def test_a_members_own_pledges_open_first(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    done, draft = pledge_in(S.EVALUATED), pledge_in(S.DRAFT)
    pledge_in(S.PUBLISHED, "T002")
    assert [x.id for x in q.member_pledges(roster, "T001")] == [draft.id, done.id]


def test_review_and_evaluation_queues(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    first = pledge_in(S.SUBMITTED, "T001")
    assert isinstance(roster.clock, FixedClock)
    roster.clock.advance(minutes=1)
    second = pledge_in(S.SUBMITTED, "T002")
    fulfilled = pledge_in(S.FULFILLED, "T003")
    pl.self_assess(roster, pl.as_member("T003"), fulfilled.id, "good", "按计划完成")
    assert [x.id for x in q.review_queue(roster)] == [first.id, second.id]
    (line,) = q.evaluation_queue(roster)
    assert (line.id, line.self_grade, line.self_comment, line.tally.total) == (fulfilled.id, "good", "按计划完成", 0)


def test_due_soon_and_overdue(roster: Campaign) -> None:
    me = pl.as_member("T001")
    soon = pl.create_pledge(roster, me, "T001", "study", "读书", "1 本", date(2026, 12, 3))
    later = pl.create_pledge(roster, me, "T001", "study", "听课", "4 节", date(2026, 12, 14))
    for p in (soon, later):
        pl.publish_pledge(roster, pl.submit_pledge(roster, me, p.id).id)
    assert [x.id for x in q.due_soon(roster, "T001")] == [soon.id]
    assert q.due_soon(roster, "T002") == [] and q.overdue(roster) == []
    assert isinstance(roster.clock, FixedClock)
    roster.clock.advance(days=10)
    assert [x.id for x in q.overdue(roster)] == [soon.id] == [x.id for x in q.overdue(roster, "T001")]
    assert [x.id for x in q.due_soon(roster, "T001")] == [later.id]
    summary = {s.code: s for s in q.member_summaries(roster)}
    assert (summary["T001"].states, summary["T001"].overdue, summary["T002"].total) == ({S.PUBLISHED: 2}, 1, 0)
    cats = q.category_summaries(roster)
    assert [c.category for c in cats] == list(PledgeCategory) and cats[0].total == 2


def test_list_filters(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    b = pledge_in(S.PUBLISHED, "T002")
    assert isinstance(roster.clock, FixedClock)
    roster.clock.advance(minutes=1)
    a = pledge_in(S.DRAFT, "T001")
    assert [x.id for x in q.list_pledges(roster)] == [b.id, a.id]  # oldest first
    assert [x.id for x in q.list_pledges(roster, member="T002")] == [b.id]
    assert [x.id for x in q.list_pledges(roster, state="draft")] == [a.id]
    assert q.list_pledges(roster, category="study") == []


def test_templates_take_digits_and_a_date(roster: Campaign) -> None:
    for category in PledgeCategory:
        assert templates(category), category
    for tpl in templates():
        assert "__" in tpl.text() and "__" in tpl.text(lang="en")
    p = create_from_template(roster, pl.as_member("T001"), "T001", "service_home_visits", "４", "2027-01-15")
    assert (p.text, p.target, p.category) == ("每月家访不少于 4 户", "家访 4 户/月", PledgeCategory.SERVICE)
    en = create_from_template(roster, pl.as_member("T001"), "T001", "service_home_visits", "3", date(2027, 1, 1), "en")
    assert en.text == "Visit at least 3 pupils' families every month"
    from campaign.errors import Refused

    for bad in ("", "abc", "0", "10000", "-1", "3.5"):
        try:
            create_from_template(roster, pl.as_member("T001"), "T001", "service_home_visits", bad, "2027-01-15")
        except Refused as err:
            assert err.key == "pledges.bad_number"
        else:
            raise AssertionError(bad)
    assert (date(2027, 1, 15) - timedelta(days=1)).year == 2027


def test_pledge_settings_are_validated(roster: Campaign) -> None:
    import pytest

    from campaign.errors import Refused

    for name, bad in (
        ("pledge_publicity_days", "-1"),
        ("pledge_link_minutes", "0"),
        ("pledge_excellent_max_fraction", "150%"),
    ):
        with pytest.raises(Refused):
            update_setting(roster, name, bad)
    assert update_setting(roster, "pledge_excellent_max_fraction", "33%").pledge_excellent_max_fraction == 0.33


def test_queues_cover_this_year_and_last_unless_asked(roster: Campaign) -> None:
    assert isinstance(roster.clock, FixedClock)
    start = roster.clock.at
    me = pl.as_member("T001")
    roster.clock.set(start.replace(year=2024))
    old = pl.submit_pledge(roster, me, pl.create_pledge(roster, me, "T001", "study", "读书", "2 本", "2024-12-31").id)
    roster.clock.set(start.replace(year=2025))
    last = pl.submit_pledge(roster, me, pl.create_pledge(roster, me, "T001", "study", "听课", "4 节", "2025-12-31").id)
    roster.clock.set(start)
    assert [x.id for x in q.review_queue(roster)] == [last.id]
    assert [x.id for x in q.review_queue(roster, years=[2024, 2025])] == [old.id, last.id]
    assert {x.id for x in q.list_pledges(roster, state="submitted")} == {old.id, last.id}


def test_the_board_sees_other_programs_changes(roster: Campaign, pledge_in: Callable[..., Pledge]) -> None:
    from campaign.context import open_campaign
    from campaign.roster import edit_member

    kiosk = open_campaign(roster.store.root, actor="kiosk", clock=roster.clock)
    p = pledge_in(S.PUBLISHED)
    q.warm_up(kiosk)
    assert [x.pledge.state for x in q.pledge_board(kiosk).lines] == [S.PUBLISHED]
    pl.close_unkept(roster, p.id, "长期病假")  # the secretary's program
    assert [(x.pledge.state, x.pledge.reason) for x in q.pledge_board(kiosk).lines] == [(S.UNKEPT, "长期病假")]
    edit_member(roster, "T001", school="实验小学")
    assert [x.school for x in q.pledge_board(kiosk).lines] == ["实验小学"]
    assert q.pledge_board(kiosk, school="第十八中学").total == 0
    other = pledge_in(S.SUBMITTED, "T002")
    assert [x.id for x in q.review_queue(kiosk)] == [other.id]
