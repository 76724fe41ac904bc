"""The rules file: shipped defaults, validation with exact messages, and the last good rules staying in force."""

from __future__ import annotations

import pytest

from campaign import points as pts
from campaign.context import Campaign
from campaign.i18n import t
from campaign.points_rules import default_text, describe_rules, load_rules, validate_rules
from storage.records import AttendanceStatus, PledgeGrade

from .helpers import write_rules


def test_defaults_are_written_commented_on_first_use(campaign: Campaign) -> None:
    path = campaign.store.root / "points.toml"
    assert not path.exists()
    status = pts.rules_status(campaign)
    assert status.ok and status.source == "file"
    text = path.read_text(encoding="utf-8")
    assert text == default_text() and "# 党员积分规则" in text
    rules = status.rules
    assert rules.attendance == {
        AttendanceStatus.ON_TIME: 2,
        AttendanceStatus.LATE: 1,
        AttendanceStatus.EXCUSED: 0,
        AttendanceStatus.ABSENT: -3,
        AttendanceStatus.MAKE_UP: 1,
    }
    assert rules.attendance_cap_per_year == 40
    assert rules.pledge_grades == {
        PledgeGrade.EXCELLENT: 5,
        PledgeGrade.GOOD: 3,
        PledgeGrade.PASS: 1,
        PledgeGrade.FAIL: -3,
    }
    assert rules.pledge_missing_per_term == -3
    assert [(b.at_least, b.below, b.points) for b in rules.satisfaction_bands] == [
        (0.95, None, 5),
        (0.90, None, 3),
        (None, 0.60, -3),
    ]
    assert (rules.satisfaction_min_answers, rules.satisfaction_judge, rules.adjustment_max_points) == (10, "wilson", 20)


def test_an_edited_file_takes_effect(campaign: Campaign) -> None:
    pts.rules_status(campaign)
    write_rules(campaign, default_text().replace("on_time = 2 ", "on_time = 4 "))
    assert pts.rules_in_force(campaign).attendance[AttendanceStatus.ON_TIME] == 4


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_rule_in_plain_words(campaign: Campaign, lang: str) -> None:
    described = describe_rules(pts.rules_in_force(campaign), lang)
    rules = [d.rule for d in described]
    assert rules[:6] == [
        "attendance.on_time",
        "attendance.late",
        "attendance.excused",
        "attendance.absent",
        "attendance.make_up",
        "attendance.cap",
    ]
    assert "satisfaction.at_least_95" in rules and "satisfaction.below_60" in rules and rules[-1] == "adjustment"
    texts = {d.rule: d.text for d in described}
    if lang == "zh_CN":
        assert texts["attendance.on_time"] == "集中学习 按时签到：每次 +2 分。"
        assert texts["attendance.absent"] == "集中学习 无故缺席：每次 -3 分。"
        assert "40" in texts["attendance.cap"] and "95% 置信下限" in texts["satisfaction.judge"]
    else:
        assert texts["attendance.on_time"] == "Study session, on time: +2 each time."
        assert texts["satisfaction.at_least_95"] == "Parent satisfaction at least 95%: +5."
    assert all("{" not in text and not text.startswith("points.") for text in texts.values())


# Each mistake: what is written, and what the message must say (zh_CN), including the line where it is.
MISTAKES = {
    "syntax": (("on_time = 3 ", "on_time = = 3 "), ["第 15 行", "文件格式错误（TOML）"]),
    "unknown_rule": (("[adjustment]", "[adjustmnet]"), ["第 56 行", "没有名为“adjustmnet”的规则分组", "adjustment"]),
    "unknown_key": (("late = 1 ", "lates = 1 "), ["第 16 行", "没有名为“attendance.lates”的设置项", "attendance.late"]),
    "negative_cap": (
        ("cap_per_year = 40", "cap_per_year = -40"),
        ["第 22 行", "上限“attendance.cap_per_year”不能是负数"],
    ),
    "bad_number": (("good = 3 ", "good = 2.5 "), ["第 27 行", "“pledge.good”的值 2.5 不是整数"]),
    "bad_type": (
        ('judge = "wilson"', "judge = 95"),
        ["第 39 行", "“satisfaction.judge”的值 95 不对：可选 wilson, rate"],
    ),
    "overlap": (("below = 60", "below = 92"), ["第 52 行", "满意度分档重叠", "below 92%", "at_least 90%"]),
    "points_not_number": (
        ("absent = -3 ", 'absent = "-3" '),
        ["第 19 行", "“attendance.absent”的值 '-3' 不对：应当是整数"],
    ),
    "percent": (("at_least = 95", "at_least = 950"), ["第 44 行", "不是 0 到 100 之间的百分数"]),
    "same_band": (("at_least = 90", "at_least = 95"), ["满意度分档重叠：有两档都是 at_least 95%"]),
}


@pytest.mark.parametrize("kind", sorted(MISTAKES))
def test_a_broken_file_keeps_the_last_good_rules_and_says_exactly_what(campaign: Campaign, kind: str) -> None:
    (old, new), expected = MISTAKES[kind]
    good = default_text().replace("on_time = 2 ", "on_time = 3 ")  # the secretary's own good rules
    write_rules(campaign, good)
    assert pts.rules_in_force(campaign).attendance[AttendanceStatus.ON_TIME] == 3
    assert old in good
    write_rules(campaign, good.replace(old, new, 1))

    status = pts.rules_status(campaign)
    assert not status.ok and status.source == "last_good"
    assert status.rules.attendance[AttendanceStatus.ON_TIME] == 3  # the last good rules, not the defaults
    messages = status.messages()
    assert messages[0].startswith("积分规则文件") and "上一次正确的规则" in messages[0]
    body = "\n".join(messages[1:])
    for fragment in expected:
        assert fragment in body, (fragment, body)
    assert len(messages) == 2, messages  # one mistake, one message
    en = "\n".join(status.messages("en"))
    assert "last good rules stay in force" in en


def test_every_problem_is_reported_at_once(campaign: Campaign) -> None:
    text = default_text().replace("late = 1 ", "lates = 1 ").replace("cap_per_year = 40", "cap_per_year = -1")
    rules, problems = validate_rules(text)
    assert rules is None
    keys = sorted(p.key for p in problems)
    assert keys == ["points.err_negative_cap", "points.err_unknown_key"]


def test_missing_group_is_one_message(campaign: Campaign) -> None:
    start = default_text().index("[pledge]")
    end = default_text().index("[satisfaction]")
    _, problems = validate_rules(default_text()[:start] + default_text()[end:])
    assert [p.message() for p in problems] == ["缺少规则分组 [pledge]"]


def test_broken_file_without_any_good_copy_uses_the_defaults(campaign: Campaign) -> None:
    write_rules(campaign, "[attendance\n")
    status = pts.rules_status(campaign)
    assert status.source == "defaults" and not status.ok
    assert status.rules == validate_rules(default_text())[0]
    assert "默认规则" in status.messages()[0]


def test_the_boards_stay_up_with_a_broken_file(roster: Campaign) -> None:
    from .helpers import add_session, record

    pts.rules_status(roster)
    sid = add_session(roster, roster.now().date().replace(day=2))
    record(roster, sid, "T001", AttendanceStatus.ON_TIME)
    write_rules(roster, "on_time = [")
    board = pts.leaderboard(roster)
    assert board.place_of("T001") is not None and board.place_of("T001").points == 2  # type: ignore[union-attr]
    assert pts.breakdown(roster, "T001").total == 2


def test_fixing_the_file_clears_the_problem(campaign: Campaign) -> None:
    write_rules(campaign, "nonsense = 1\n")
    assert not pts.rules_status(campaign).ok
    write_rules(campaign, default_text())
    assert pts.rules_status(campaign).ok


def test_a_file_that_is_not_utf8(campaign: Campaign) -> None:
    (campaign.store.root / "points.toml").write_bytes(default_text().encode("gb18030"))
    status = load_rules(campaign.store.root)
    assert not status.ok and status.problems[0].key == "points.err_encoding"


def test_unknown_message_keys_are_not_shown() -> None:
    for key in ("points.err_syntax", "points.in_force_last_good", "points.at_line"):
        assert t(key) != key
