"""The roster: schools, members, pinyin keys, and finding yourself at the kiosk."""

from __future__ import annotations

import pytest

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.hashing import verify_secret
from campaign.roster import add_member, add_school, edit_member, find_members, list_members, set_pin


def test_pinyin_keys_are_computed_when_saved(roster: Campaign) -> None:
    m = roster.repos.members.get("T001")
    assert m is not None
    # The name reading first (for sorting), then the other readings of polyphonic characters.
    assert (m.pinyin_full.split()[0], m.pinyin_initials.split()[0]) == ("wangxiaoming", "wxm")


def test_find_by_initials_full_pinyin_characters_and_code(roster: Campaign) -> None:
    members = list_members(roster)
    assert [m.name for m in find_members(members, "wxm")] == ["王小梅", "王晓明"]  # both are w-x-m
    assert [m.name for m in find_members(members, "wangxiaoming")] == ["王晓明"]
    assert [m.name for m in find_members(members, "WXM ")] == ["王小梅", "王晓明"]
    assert [m.name for m in find_members(members, "zhangw")] == ["张伟"]
    assert [m.name for m in find_members(members, "红")] == ["李红"]
    assert [m.code for m in find_members(members, "t003")] == ["T003"]
    assert find_members(members, "   ") == []


def test_inactive_members_are_not_found(roster: Campaign) -> None:
    edit_member(roster, "T001", active=False)
    assert [m.code for m in find_members(list_members(roster), "wxm")] == ["T004"]


def test_unknown_school_is_refused_and_nothing_created(campaign: Campaign) -> None:
    add_school(campaign, "第十八中学")
    with pytest.raises(Refused) as err:
        add_member(campaign, "T1", "王晓明", "第十八中")
    assert err.value.key == "roster.unknown_school"
    assert campaign.repos.members.all() == []
    assert [s.name for s in campaign.repos.schools.all()] == ["第十八中学"]


def test_duplicate_code_refused(roster: Campaign) -> None:
    with pytest.raises(Refused) as err:
        add_member(roster, "T001", "别人", "实验小学")
    assert err.value.key == "roster.code_taken"
    assert roster.repos.members.get("T001").name == "王晓明"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "name", "key"),
    [
        ("", "王晓明", "roster.code_format"),
        ("A B", "王晓明", "roster.code_format"),
        ("T9", "   ", "roster.name_empty"),
        ("T9", "长" * 201, "roster.name_too_long"),
    ],
)
def test_bad_member_input_refused(roster: Campaign, code: str, name: str, key: str) -> None:
    before = roster.repos.members.all()
    with pytest.raises(Refused) as err:
        add_member(roster, code, name, "实验小学")
    assert err.value.key == key
    assert roster.repos.members.all() == before


def test_markup_and_long_names_are_kept_literally(roster: Campaign) -> None:
    for i, name in enumerate(["[bold]x[/]", "[@click=app.quit]x[/]", "[/", "<script>alert(1)</script>", "长" * 200]):
        add_member(roster, f"X{i}", name, "实验小学")
        assert roster.repos.members.get(f"X{i}").name == name  # type: ignore[union-attr]


def test_pin_is_stored_hashed_and_validated(roster: Campaign) -> None:
    set_pin(roster, "T001", "86420")
    m = roster.repos.members.get("T001")
    assert m is not None and m.pin_hash is not None
    assert "86420" not in m.pin_hash
    assert verify_secret("86420", m.pin_hash)
    with pytest.raises(Refused):
        set_pin(roster, "T001", "12a4")


def test_secretary_actions_are_audited(roster: Campaign) -> None:
    set_pin(roster, "T002", "5555")
    actions = [e.action for e in roster.repos.audit.recent()]
    assert actions[0] == "member.set_pin"
    assert actions.count("member.add") == 4
    assert all(e.actor == "secretary" for e in roster.repos.audit.recent())
