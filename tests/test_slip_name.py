"""Issue 8: the parent-feedback slip has one name everywhere (评议卡; its code 评议卡编码), in every catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.i18n import catalog

#: Names the slip had before: each a different word for the same piece of paper.
OLD_NAMES = ("评议码", "评议条", "反馈条", "评价卡", "反馈码", "家长评议")


@pytest.mark.parametrize("old", OLD_NAMES)
def test_the_slip_has_one_chinese_name(old: str) -> None:
    texts = {key: text for key, text in catalog("zh_CN").items() if old in text}
    assert texts == {}
    templates = Path(__file__).parent.parent / "web" / "templates"
    assert not [p.name for p in templates.glob("*.html") if old in p.read_text(encoding="utf-8")]


def test_the_english_name_is_feedback_slip() -> None:
    en = catalog("en")
    assert not [k for k, v in en.items() if "feedback card" in v.lower() or "rating card" in v.lower()]
    assert "slip" in en["kiosk.feedback_code"]
