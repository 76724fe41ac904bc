"""The parent's form, in-process: what a phone gets for each request."""

from __future__ import annotations

import re

import httpx

from campaign import feedback as fb
from campaign.context import Campaign
from campaign.feedback import display_code
from storage.records import FeedbackOption

from ..feedback.helpers import raw_store_text


def _text(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)<', page, re.S)
    assert match, f"no #{element_id}"
    return match.group(1).strip()


async def test_the_form_shows_teacher_class_four_options_and_a_bounded_comment(
    web: httpx.AsyncClient, slips: list[str]
) -> None:
    r = await web.get(f"/f/{slips[0]}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert '<html lang="zh-CN">' in page
    assert _text(page, "teacher") == "王晓明" and _text(page, "class") == "初二(3)班"
    values = re.findall(r'name="option" value="(\w+)"', page)
    assert values == [str(o) for o in FeedbackOption]
    for label in ("满意", "基本满意", "不满意", "不了解"):
        assert f"<span>{label}</span>" in page
    assert 'maxlength="300"' in page
    assert 'name="viewport"' in page


async def test_the_grouped_or_lowercase_code_opens_the_same_form(web: httpx.AsyncClient, slips: list[str]) -> None:
    r = await web.get(f"/f/{display_code(slips[1]).lower()}")
    assert r.status_code == 200 and f'action="/f/{slips[1]}"' in r.text


async def test_answering_redirects_to_thanks_and_stores_the_answer_without_the_code(
    web: httpx.AsyncClient, slips: list[str], roster: Campaign
) -> None:
    r = await web.post(f"/f/{slips[0]}", data={"option": "basically", "comment": "希望多沟通"})
    assert r.status_code == 303 and r.headers["location"] == "/thanks"
    thanks = await web.get("/thanks")
    assert thanks.status_code == 200 and "谢谢您的评议" in thanks.text
    (answer,) = roster.repos.feedback.between()
    assert (answer.member, answer.option, answer.comment) == ("T001", FeedbackOption.BASICALLY, "希望多沟通")
    assert slips[0] not in raw_store_text(roster, "feedback")
    again = await web.get(f"/f/{slips[0]}")
    assert again.status_code == 200 and "已经用过" in again.text and 'name="option"' not in again.text


async def test_english_by_browser_preference_or_by_choice(web: httpx.AsyncClient, slips: list[str]) -> None:
    r = await web.get(f"/f/{slips[0]}", headers={"accept-language": "en-US,en;q=0.9,zh-CN;q=0.5"})
    assert '<html lang="en">' in r.text and "Basically satisfied" in r.text
    assert f'action="/f/{slips[0]}"' in r.text  # the browser will say the same again
    r = await web.get(f"/f/{slips[0]}?lang=en", headers={"accept-language": "zh-CN"})
    assert "Send feedback" in r.text and f'action="/f/{slips[0]}?lang=en"' in r.text
    r = await web.post(f"/f/{slips[0]}?lang=en", data={"option": "satisfied"})
    assert r.headers["location"] == "/thanks?lang=en"
    assert "Thank you" in (await web.get(r.headers["location"])).text
    r = await web.get(f"/f/{slips[1]}", headers={"accept-language": "fr-FR,de;q=0.8"})
    assert '<html lang="zh-CN">' in r.text  # zh-CN unless English is asked for


async def test_used_expired_and_unknown_codes_get_a_clear_page(
    web: httpx.AsyncClient, roster: Campaign, clock: object
) -> None:
    from campaign.clock import FixedClock

    assert isinstance(clock, FixedClock)
    from datetime import date

    expiring = fb.issue_batch(roster, "T002", 1, expires=date(2026, 11, 27)).codes[0]
    clock.advance(days=1)
    for path, needle in (
        (f"/f/{expiring}", "已于 2026-11-27 过期"),
        ("/f/ABCDEFGHJKMNP", "无效"),
        ("/f/not-a-code", "无效"),
    ):
        r = await web.get(path)
        assert r.status_code == 200, path
        assert needle in r.text and 'id="heading"' in r.text and "<form" not in r.text


async def test_the_stylesheet_is_ours_and_there_is_nothing_else(web: httpx.AsyncClient) -> None:
    css = await web.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for path in ("/", "/admin", "/f/", "/api/feedback", "/static/", "/static/../app.py", "/thanks/x", "/favicon.ico"):
        r = await web.get(path)
        assert r.status_code == 404, path
        assert "页面不存在" in r.text


async def test_pages_load_nothing_from_elsewhere_and_need_no_script(web: httpx.AsyncClient, slips: list[str]) -> None:
    for path in (f"/f/{slips[0]}", "/thanks", "/nope", "/f/ABCDEFGHJKMNP"):
        page = (await web.get(path)).text
        assert "<script" not in page.lower() and "style=" not in page.lower()
        assert not re.search(r"(src|href|action)=\"(https?:)?//", page), path
        assert re.findall(r'href="([^"]+)"', page) == ["/static/style.css", "?lang=en"]
