"""Abuse: forged codes, replays, oversized or malformed bodies, floods, markup in comments, bad options.

Each case checks that the server answers calmly (no 500), that the store did not change, and that the server
still serves a real parent afterwards.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from storage.errors import StoreBusy
from web.guard import CONTENT_SECURITY_POLICY, RateLimit

from ..feedback.helpers import store_fingerprint
from .conftest import client_for


async def _still_serves(web: httpx.AsyncClient, code: str, c: Campaign) -> None:
    before = len(list(c.repos.feedback.between()))
    r = await web.post(f"/f/{code}", data={"option": "satisfied"})
    assert r.status_code == 303
    assert len(list(c.repos.feedback.between())) == before + 1


@pytest.mark.parametrize(
    "path",
    ["/f/ABCDEFGHJKMNP", "/f/0000000000000", "/f/%3Cscript%3E", "/f/" + "A" * 4000, "/f/..%2F..%2Fstore", "/f/%00"],
)
async def test_forged_codes_change_nothing(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str], path: str
) -> None:
    before = store_fingerprint(roster)
    for r in (await web.get(path), await web.post(path, data={"option": "satisfied", "comment": "x"})):
        assert r.status_code in (200, 404)
        assert "<script>" not in r.text
    assert store_fingerprint(roster) == before
    await _still_serves(web, slips[0], roster)


async def test_a_replayed_answer_is_refused_and_stored_once(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str]
) -> None:
    form = {"option": "unsatisfied", "comment": "一次"}
    assert (await web.post(f"/f/{slips[0]}", data=form)).status_code == 303
    before = store_fingerprint(roster)
    replies = await asyncio.gather(*(web.post(f"/f/{slips[0]}", data=form) for _ in range(5)))
    assert all(r.status_code == 200 and "已经用过" in r.text for r in replies)
    assert store_fingerprint(roster) == before
    assert len(list(roster.repos.feedback.between())) == 1


async def test_simultaneous_first_answers_for_one_code_store_one(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str]
) -> None:
    replies = await asyncio.gather(*(web.post(f"/f/{slips[2]}", data={"option": "satisfied"}) for _ in range(8)))
    assert sorted(r.status_code for r in replies) == [200] * 7 + [303]
    assert len(list(roster.repos.feedback.between())) == 1


async def test_an_oversized_body_is_rejected_before_it_is_read(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str]
) -> None:
    before = store_fingerprint(roster)
    big = {"option": "satisfied", "comment": "长" * 20_000}
    r = await web.post(f"/f/{slips[0]}", data=big)
    assert r.status_code == 413 and "过长" in r.text

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while streaming
        yield b"option=satisfied&comment="
        for _ in range(100):
            yield b"x" * 1024

    r = await web.post(
        f"/f/{slips[0]}", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413
    r = await web.post(
        f"/f/{slips[0]}",
        content=b"option=satisfied",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "-1"},
    )
    assert r.status_code in (400, 413)
    assert store_fingerprint(roster) == before
    await _still_serves(web, slips[0], roster)


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"option": "satisfied"}', "application/json", 415),
        (b"--x\r\nContent-Disposition: form-data; name=option\r\n\r\nsatisfied\r\n--x--", "multipart/form-data", 415),
        (b"option=satisfied&comment=%FF%FE", "application/x-www-form-urlencoded", 400),
        (b"option=\xff\xfe", "application/x-www-form-urlencoded", 400),
        (b"&".join(b"f%d=1" % i for i in range(50)), "application/x-www-form-urlencoded", 400),
        (b"", "application/x-www-form-urlencoded", 400),
        (b"option=excellent", "application/x-www-form-urlencoded", 400),
        (b"option=%E6%BB%A1%E6%84%8F", "application/x-www-form-urlencoded", 400),  # the label, not the value
        (b"option=satisfied&option=unsatisfied&comment=" + b"a" * 301, "application/x-www-form-urlencoded", 400),
    ],
)
async def test_malformed_or_invalid_answers_are_refused(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str], content: bytes, content_type: str, status: int
) -> None:
    before = store_fingerprint(roster)
    r = await web.post(f"/f/{slips[0]}", content=content, headers={"content-type": content_type})
    assert r.status_code == status
    assert "text/html" in r.headers["content-type"]
    assert store_fingerprint(roster) == before
    await _still_serves(web, slips[0], roster)  # the refused slip is still usable


async def test_an_invalid_option_shows_the_form_again_with_the_comment_escaped(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str]
) -> None:
    evil = '</textarea><script>alert("x")</script><img src=x onerror=alert(1)>'
    r = await web.post(f"/f/{slips[0]}", data={"option": "best", "comment": evil})
    assert r.status_code == 400
    assert "<script>" not in r.text and "<img" not in r.text
    assert "&lt;/textarea&gt;&lt;script&gt;" in r.text
    assert 'id="error"' in r.text and "请选择" in r.text


async def test_markup_in_comments_and_names_is_stored_and_shown_as_text(roster: Campaign) -> None:
    from campaign.roster import add_member

    add_member(roster, "T666", '<b onmouseover="x()">坏</b>{{7*7}}', "实验小学")
    code = fb.issue_batch(roster, "T666", 1, class_label="<i>班</i>").codes[0]
    async with client_for(roster) as web:
        page = (await web.get(f"/f/{code}")).text
        assert "<b " not in page and "<i>" not in page
        # Shown literally and not evaluated as a template (a random slip code may well contain "49").
        assert "&lt;b onmouseover=&#34;x()&#34;&gt;坏&lt;/b&gt;{{7*7}}" in page
        comment = "<script>alert(document.cookie)</script>[@click=app.quit]x[/]"
        assert (await web.post(f"/f/{code}", data={"option": "unknown", "comment": comment})).status_code == 303
    (stored,) = roster.repos.feedback.between()
    assert stored.comment == comment  # kept literally; every screen escapes it


async def test_one_client_is_rate_limited_and_others_are_not(roster: Campaign, slips: list[str]) -> None:
    limit = RateLimit(burst=5, per_second=0.01)
    flooder, parent = client_for(roster, address="10.9.9.9", rate_limit=limit), None
    before = store_fingerprint(roster)
    async with flooder:
        replies = [await flooder.get(f"/f/ABCDEFGHJKM{i:02d}") for i in range(12)]
        assert [r.status_code for r in replies[:5]] == [200] * 5
        limited = replies[5:]
        assert all(r.status_code == 429 for r in limited)
        assert int(limited[0].headers["retry-after"]) >= 1
        assert limited[0].headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "请稍后再试" in limited[0].text
        r = await flooder.post(f"/f/{slips[0]}", data={"option": "satisfied"})
        assert r.status_code == 429
        assert store_fingerprint(roster) == before
        # Another phone on the same app is served.
        transport = httpx.ASGITransport(app=flooder._transport.app, client=("10.9.9.10", 1))  # type: ignore[attr-defined]
        async with httpx.AsyncClient(transport=transport, base_url="http://school.test") as parent:
            assert (await parent.post(f"/f/{slips[0]}", data={"option": "satisfied"})).status_code == 303


async def test_every_answer_carries_the_security_headers(web: httpx.AsyncClient, slips: list[str]) -> None:
    requests = [
        web.get(f"/f/{slips[0]}"),
        web.get("/thanks"),
        web.get("/static/style.css"),
        web.get("/nowhere"),
        web.put(f"/f/{slips[0]}", content=b""),
        web.delete(f"/f/{slips[0]}"),
        web.post(f"/f/{slips[0]}", data={"comment": "x" * 20_000}),
        web.post(f"/f/{slips[0]}", data={"option": "satisfied"}),
    ]
    for r in await asyncio.gather(*requests):
        assert r.status_code != 500
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "server" not in r.headers
    csp = CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src" not in csp
    assert "default-src 'none'" in csp


async def test_a_busy_store_gets_a_retry_page_and_the_slip_stays_usable(
    web: httpx.AsyncClient, roster: Campaign, slips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import campaign.feedback

    def busy(*args: object, **kwargs: object) -> None:
        raise StoreBusy(roster.store.lock_path, 15.0)

    original = campaign.feedback.answer_many
    monkeypatch.setattr("campaign.feedback.answer_many", busy)
    r = await web.post(f"/f/{slips[0]}", data={"option": "satisfied"})
    assert r.status_code == 503 and r.headers["retry-after"] and "系统繁忙" in r.text
    monkeypatch.setattr("campaign.feedback.answer_many", original)
    await _still_serves(web, slips[0], roster)


@pytest.fixture
def loop_thread_watch(roster: Campaign, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every store read or transaction made on a thread that runs an event loop."""
    offenders: list[str] = []
    store = roster.store

    def on_loop(what: str) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        offenders.append(f"{what} on {threading.current_thread().name}")

    real_read, real_txn = store.read, store.transaction

    def read(partition: str, **kwargs: Any) -> object:
        on_loop(f"read {partition}")
        return real_read(partition, **kwargs)

    def transaction() -> object:
        on_loop("transaction")
        return real_txn()

    monkeypatch.setattr(store, "read", read)
    monkeypatch.setattr(store, "transaction", transaction)
    yield offenders


async def test_store_calls_never_run_on_the_event_loop(
    roster: Campaign, slips: list[str], loop_thread_watch: list[str]
) -> None:
    async with client_for(roster) as web:
        await asyncio.gather(
            web.get(f"/f/{slips[0]}"),
            web.post(f"/f/{slips[1]}", data={"option": "satisfied"}),
            web.post(f"/f/{slips[2]}", data={"option": "nope"}),
            web.post(f"/f/{slips[1]}", data={"option": "satisfied"}),
            web.get("/f/ABCDEFGHJKMNP"),
        )
    assert loop_thread_watch == []
