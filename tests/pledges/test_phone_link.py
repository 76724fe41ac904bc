""" "Write it on your phone": the link works once, expires, is bound to its member; the form escapes everything.

The first tests drive a real ``chuangyou serve`` process over HTTP, as a phone would; the rest use the app
in-process for the form's details.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from campaign import pledges as pl
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.pledge_links import LinkState, create_phone_link, phone_link_result, use_phone_link
from storage.records import PledgeState
from web.server import free_port, wait_until_listening

from ..conftest import NOW
from ..web.conftest import client_for
from .conftest import DUE, bring_to, store_files

FORM = {"category": "service", "text": "每月家访不少于 4 户", "target": "家访 4 户/月", "due": "2027-01-15"}


@pytest.fixture
def server(roster: Campaign, data_dir: Path) -> Iterator[str]:
    """A real ``chuangyou serve`` process on loopback, its clock a minute after the test's."""
    port = free_port()
    env = {**os.environ, "CHUANGYOU_NOW": (NOW + timedelta(minutes=1)).isoformat()}
    command = [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until_listening("127.0.0.1", port, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)


def _path(url: str) -> str:
    return "/p/" + url.rsplit("/p/", 1)[1]


@pytest.mark.e2e
def test_a_link_works_once_for_its_member_only(roster: Campaign, server: str) -> None:
    link = create_phone_link(roster, "T002")
    assert phone_link_result(roster, link.code).state is LinkState.PENDING
    with httpx.Client(base_url=server) as phone:
        page = phone.get(_path(link.url))
        assert page.status_code == 200 and "李红" in page.text and "王晓明" not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "<script" not in page.text.lower()
        # The form cannot say whose pledge it is: a "member" field is ignored.
        sent = phone.post(_path(link.url), data={**FORM, "member": "T001"})
        assert sent.status_code == 303
        done = phone.get(sent.headers["location"])
        assert done.status_code == 200 and "已经保存" in done.text
        again = phone.post(_path(link.url), data=FORM)
        assert again.status_code == 200 and "已经用过" in again.text
        assert "已经用过" in phone.get(_path(link.url)).text
    result = phone_link_result(roster, link.code)
    assert result.state is LinkState.USED
    pledge = pl.get_pledge(roster, result.pledge_id)
    assert (pledge.member, pledge.state, pledge.text, pledge.history[0]["via"]) == (
        "T002",
        PledgeState.DRAFT,
        FORM["text"],
        "web",
    )
    assert [p.member for p in roster.repos.pledges.all()] == ["T002"]


@pytest.mark.e2e
def test_an_expired_or_unknown_link_is_refused(roster: Campaign, server: str) -> None:
    assert isinstance(roster.clock, FixedClock)
    roster.clock.set(NOW - timedelta(minutes=20))
    old = create_phone_link(roster, "T001")  # valid until 15 minutes later: 5 minutes before the server's now
    roster.clock.set(NOW)
    with httpx.Client(base_url=server) as phone:
        page = phone.get(_path(old.url))
        assert page.status_code == 200 and "已经过期" in page.text and 'name="text"' not in page.text
        assert "已经过期" in phone.post(_path(old.url), data=FORM).text
        assert "无效" in phone.get("/p/ABCDEFGHJK").text
        assert phone.get("/p/..%2F..%2Fetc").status_code in (200, 404)
    assert roster.repos.pledges.all() == []
    assert phone_link_result(roster, old.code).state is LinkState.EXPIRED


async def test_refusals_keep_the_link_and_show_the_input_escaped(roster: Campaign) -> None:
    link = create_phone_link(roster, "T001")
    nasty = "<script>alert(1)</script> [@click=app.quit]x[/]"
    async with client_for(roster) as phone:
        r = await phone.post(_path(link.url), data={**FORM, "text": nasty, "target": ""})
        assert r.status_code == 400 and 'id="error"' in r.text and "目标" in r.text
        assert "<script>alert(1)</script>" not in r.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; [@click=app.quit]x[/]" in r.text
        r = await phone.post(_path(link.url), data={**FORM, "due": "2026-11-01"})
        assert r.status_code == 400 and "2026-11-01" in r.text
        r = await phone.post(_path(link.url), data={**FORM, "text": "长" * 2000})
        assert r.status_code == 400 and "最多 500 字" in r.text and "2000" in r.text
        r = await phone.post(_path(link.url) + "?lang=en", data={**FORM, "text": nasty})
        assert r.status_code == 303 and r.headers["location"].endswith("&lang=en")
    (pledge,) = roster.repos.pledges.all()
    assert (pledge.member, pledge.text) == ("T001", nasty)


async def test_a_progress_link_writes_a_note_on_the_members_published_pledge(roster: Campaign) -> None:
    published = bring_to(roster, PledgeState.PUBLISHED, "T001", "<b>每月家访</b>")
    with pytest.raises(Refused) as err:
        create_phone_link(roster, "T002", pledge_id=published.id)
    assert err.value.key == "pledges.not_yours"
    link = create_phone_link(roster, "T001", pledge_id=published.id)
    async with client_for(roster) as phone:
        page = await phone.get(_path(link.url) + "?lang=en")
        assert "&lt;b&gt;每月家访&lt;/b&gt;" in page.text and 'name="note"' in page.text and "Progress" in page.text
        r = await phone.post(_path(link.url), data={"note": "十一月家访 4 户"})
        assert r.status_code == 303
    pledge = pl.get_pledge(roster, published.id)
    assert pledge.progress[-1]["note"] == "十一月家访 4 户" and pledge.history[-1]["by"] == "T001"
    assert phone_link_result(roster, link.code).pledge_id == published.id


def test_links_are_single_use_even_when_two_forms_race(roster: Campaign) -> None:
    link = create_phone_link(roster, "T003")
    use_phone_link(roster, link.code, **FORM)
    before = store_files(roster)
    with pytest.raises(Refused) as err:
        use_phone_link(roster, link.code, **FORM)
    assert err.value.key == "pledges.link_used" and store_files(roster) == before
    with pytest.raises(Refused) as err:
        create_phone_link(roster, "NOBODY")
    assert err.value.key == "pledges.unknown_member"
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", link.code)
    assert link.expires_at == roster.now() + timedelta(minutes=15) and DUE
