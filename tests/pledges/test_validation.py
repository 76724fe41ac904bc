"""What a pledge may say: a target, a due date ahead, at most 500 characters; user text kept literally."""

from __future__ import annotations

from datetime import date

import pytest

from campaign import pledges as pl
from campaign.context import Campaign
from campaign.errors import Refused

from .conftest import DUE, MARKUP, store_files

ME = pl.as_member("T001")


@pytest.mark.parametrize(
    ("text", "target", "due", "key", "words"),
    [
        ("每月家访", "", DUE, "pledges.no_target", "目标"),
        ("每月家访", " \t\n", DUE, "pledges.no_target", "目标"),
        ("", "4 户", DUE, "pledges.no_text", "内容"),
        ("每月家访", "4 户", date(2026, 11, 26), "pledges.due_past", "2026-11-26"),
        ("每月家访", "4 户", "2026-13-01", "pledges.bad_due", "YYYY-MM-DD"),
        ("每月家访", "4 户", "下周", "pledges.bad_due", "YYYY-MM-DD"),
        ("每月家访", "4 户", "2035-01-01", "pledges.due_too_far", "2035-01-01"),
        ("长" * 2000, "4 户", DUE, "pledges.text_too_long", "500"),
        ("每月家访", "户" * 201, DUE, "pledges.target_too_long", "200"),
    ],
)
def test_bad_pledges_are_refused_with_a_clear_reason(
    roster: Campaign, text: str, target: str, due: date | str, key: str, words: str
) -> None:
    before = store_files(roster)
    with pytest.raises(Refused) as err:
        pl.create_pledge(roster, ME, "T001", "service", text, target, due)
    assert err.value.key == key
    assert words in err.value.message() and "\n" not in err.value.message()
    assert store_files(roster) == before


def test_a_2000_character_pledge_says_how_long_it_is_in_both_languages(roster: Campaign) -> None:
    with pytest.raises(Refused) as err:
        pl.create_pledge(roster, ME, "T001", "service", "长" * 2000, "4 户", DUE)
    assert "500" in err.value.message() and "2000" in err.value.message()
    assert "at most 500 characters; this one has 2000" in err.value.message("en")


def test_today_is_a_valid_due_date_and_500_characters_fit(roster: Campaign) -> None:
    p = pl.create_pledge(roster, ME, "T001", "study", "读" * 500, "1 本", date(2026, 11, 27))
    assert len(p.text) == 500 and p.due == date(2026, 11, 27)


def test_text_is_normalised_control_characters_dropped(roster: Campaign) -> None:
    p = pl.create_pledge(roster, ME, "T001", "study", " 每月\x00读书\x1b[31m 2 本\n\n以上\u202e ", "\t2 本\r\n", DUE)
    assert (p.text, p.target) == ("每月读书[31m 2 本 以上", "2 本")
    p = pl.publish_pledge(roster, pl.submit_pledge(roster, ME, p.id).id)
    p = pl.add_progress(roster, ME, p.id, "第一行\r\n\r\n\r\n\r\n第二行\x07")
    assert p.progress[-1]["note"] == "第一行\n\n第二行"


@pytest.mark.parametrize("text", [*MARKUP, "长" * 200])
def test_markup_and_html_are_stored_literally(roster: Campaign, text: str) -> None:
    p = pl.create_pledge(roster, ME, "T001", "integrity", text, text[:200], DUE)
    assert pl.get_pledge(roster, p.id).text == text
    p = pl.return_pledge(roster, pl.submit_pledge(roster, ME, p.id).id, text)
    assert pl.events(p)[-1].note == text


def test_unknown_category_and_grade_are_refused(roster: Campaign) -> None:
    with pytest.raises(Refused) as err:
        pl.create_pledge(roster, ME, "T001", "sports", "x", "y", DUE)
    assert err.value.key == "pledges.bad_category" and "integrity" in err.value.message()
