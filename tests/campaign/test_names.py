"""Finding people by the reading of their name, one name rule on every path, ASCII PINs, inactive members."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.roster import add_member, edit_member, find_members, list_members, set_pin
from campaign.roster_import import apply_import, preview_import
from campaign.signin import sign_in
from campaign.study_sessions import create_session
from storage import schema
from tests.conftest import NOW

SURNAMES = [
    ("Z001", "曾桂英", "zgy", "zengguiying"),
    ("Z002", "单田芳", "stf", "shantianfang"),
    ("Z003", "解缙", "xj", "xiejin"),
    ("Z004", "仇英", "qy", "qiuying"),
    ("Z005", "区志坚", "ozj", "ouzhijian"),
    ("Z006", "查良镛", "zly", "zhaliangyong"),
    ("Z007", "朴树", "ps", "piaoshu"),
    ("Z008", "覃敏", "qm", "qinmin"),
    ("Z009", "翟志刚", "zzg", "zhaizhigang"),
    ("Z010", "乐嘉", "yj", "yuejia"),
    ("Z011", "欧阳娜娜", "oynn", "ouyangnana"),
    ("Z012", "诸葛亮", "zgl", "zhugeliang"),
    ("Z013", "司马光", "smg", "simaguang"),
    ("Z014", "尉迟恭", "ycg", "yuchigong"),
]


@pytest.fixture
def surnames(campaign: Campaign) -> Campaign:
    from campaign.roster import add_school

    add_school(campaign, "第十八中学")
    for code, name, _, _ in SURNAMES:
        add_member(campaign, code, name, "第十八中学")
    return campaign


@pytest.mark.parametrize(("code", "name", "initials", "full"), SURNAMES)
def test_surnames_are_found_by_their_reading_in_names(
    surnames: Campaign, code: str, name: str, initials: str, full: str
) -> None:
    members = list_members(surnames)
    assert code in [m.code for m in find_members(members, initials)]
    assert code in [m.code for m in find_members(members, full)]
    assert code in [m.code for m in find_members(members, full[:4])]


def test_every_reading_of_a_polyphonic_character_matches(surnames: Campaign) -> None:
    members = list_members(surnames)
    assert "Z001" in [m.code for m in find_members(members, "cgy")]  # 曾 read ceng still finds 曾桂英
    assert "Z002" in [m.code for m in find_members(members, "dtf")]
    assert "Z010" in [m.code for m in find_members(members, "lejia")]
    stored = surnames.repos.members.get("Z001")
    assert stored is not None and stored.pinyin_initials.split()[0] == "zgy"  # the name reading sorts


@pytest.mark.parametrize("padded", ["李　红", "　李红　", "李 红", " 李\u3000\u3000红 "])
def test_padded_two_character_names_are_stored_without_the_padding(roster: Campaign, padded: str) -> None:
    added = add_member(roster, "T9", padded, "第十八中学")
    assert added.name == "李红"
    assert roster.repos.members.get("T9").name == "李红"  # type: ignore[union-attr]
    edited = edit_member(roster, "T001", name="王　晓明")
    assert edited.name == "王晓明"


def test_full_width_letters_are_normalised_and_latin_names_keep_their_space(roster: Campaign) -> None:
    assert add_member(roster, "T8", "Ｊｏｈｎ\u3000 Ｓｍｉｔｈ", "第十八中学").name == "John Smith"


@pytest.mark.parametrize(
    ("name", "position", "char"),
    [
        ("\x1b]0;pwned\x07王", 1, "U+001B"),
        ("王\x1b[2J", 2, "U+001B"),
        ("李\u202e红", 2, "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("张\u2066伟", 2, "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("张\u200b伟", 2, "U+200B ZERO WIDTH SPACE"),
        ("张伟\n", 3, "U+000A"),
    ],
)
def test_control_and_bidi_characters_are_refused_saying_which_and_where(
    roster: Campaign, name: str, position: int, char: str
) -> None:
    with pytest.raises(Refused) as err:
        add_member(roster, "T9", name, "第十八中学")
    assert err.value.key == "names.bad_char"
    message = err.value.message()
    assert f"第 {position} 个字符" in message and char in message and "T9" in message
    assert f"position {position}: {char}" in err.value.message("en")
    with pytest.raises(Refused):
        edit_member(roster, "T001", name=name)
    assert roster.repos.members.get("T9") is None
    assert roster.repos.members.get("T001").name == "王晓明"  # type: ignore[union-attr]


def test_import_applies_the_same_rule(roster: Campaign, tmp_path: Path) -> None:
    sheet = tmp_path / "roster.csv"
    sheet.write_text("编号,姓名,学校\nT10,李　红,第十八中学\nT11,张\u202e伟,第十八中学\n", encoding="utf-8")
    preview = preview_import(roster, sheet)
    assert [p.key for p in preview.problems] == ["names.bad_char"]
    assert "U+202E" in preview.problems[0].message()
    sheet.write_text("编号,姓名,学校\nT10,李　红,第十八中学\n", encoding="utf-8")
    apply_import(roster, sheet)
    assert roster.repos.members.get("T10").name == "李红"  # type: ignore[union-attr]


@pytest.mark.parametrize("pin", ["²³⁴⁵", "１２３４", "١٢٣٤", "12a4", "123", "123456789"])
def test_pins_are_ascii_digits_only(roster: Campaign, pin: str) -> None:
    with pytest.raises(Refused) as err:
        set_pin(roster, "T001", pin)
    assert err.value.key == "roster.pin_format"
    with pytest.raises(Refused):
        add_member(roster, "T9", "赵六", "第十八中学", pin=pin)


def test_a_deactivated_member_is_told_they_are_inactive(roster: Campaign) -> None:
    session = create_session(roster, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    edit_member(roster, "T001", active=False)
    with pytest.raises(Refused) as err:
        sign_in(roster, session.id, "T001", "1234")
    assert err.value.key == "names.inactive"
    assert "已停用" in err.value.message() and "王晓明" in err.value.message()
    assert "inactive" in err.value.message("en")
    with pytest.raises(Refused) as unknown:
        sign_in(roster, session.id, "T999", "1234")
    assert unknown.value.key == "signin.not_on_roster"


def test_members_stored_before_get_their_keys_recomputed_by_the_migration(roster: Campaign, data_dir: Path) -> None:
    add_member(roster, "Z001", "曾桂英", "第十八中学")
    store = roster.store
    # Make it look like a schema-1 store: the old keys (pypinyin's first reading) and a name from before the rule.
    core = json.loads(store.path("core").read_text(encoding="utf-8"))
    for doc in core["members"].values():
        if doc["code"] == "Z001":
            doc["pinyin_full"], doc["pinyin_initials"] = "cengguiying", "cgy"
        if doc["code"] == "T002":
            doc["name"] = "李\x1b[2J\u3000红"
    store.path("core").write_text(json.dumps(core, ensure_ascii=False), encoding="utf-8")
    meta = json.loads(store.path("meta").read_text(encoding="utf-8"))
    meta["meta"]["1"]["schema"] = 1
    store.path("meta").write_text(json.dumps(meta), encoding="utf-8")

    reopened = open_campaign(data_dir, clock=FixedClock(NOW))
    assert schema.read_schema(reopened.store) == schema.CURRENT_SCHEMA
    members = list_members(reopened)
    assert [m.code for m in find_members(members, "zgy")] == ["Z001"]
    assert reopened.repos.members.get("T002").name == "李红"  # type: ignore[union-attr]
    # The XLSX report (openpyxl refuses control characters) works on the migrated roster.
    from campaign.reports import attendance_report, export_report

    out = export_report(reopened, attendance_report(reopened, NOW.date(), NOW.date()), data_dir.parent / "r.xlsx")
    assert out.stat().st_size > 0


def test_school_names_follow_the_rule_too(campaign: Campaign) -> None:
    from campaign.roster import add_school

    with pytest.raises(Refused) as err:
        add_school(campaign, "第十八\x1b[2J中学")
    assert err.value.key == "names.school_bad_char" and "U+001B" in err.value.message()
    with pytest.raises(Refused):
        add_school(campaign, "中" * 201)
    assert add_school(campaign, "  第十八中学\u3000").name == "第十八中学"
