"""Fixtures for the web tests: the app over the test roster, driven in-process through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from web.app import create_app
from web.guard import RateLimit

BASE = "http://school.test"


@pytest.fixture
def slips(roster: Campaign) -> list[str]:
    """Five codes for 王晓明, class 初二(3)班, valid until the end of the year."""
    return list(fb.issue_batch(roster, "T001", 5, class_label="初二(3)班", expires=date(2026, 12, 31)).codes)


def client_for(c: Campaign, *, address: str = "10.1.2.3", rate_limit: RateLimit | None = None) -> httpx.AsyncClient:
    app = create_app(c, rate_limit=rate_limit)
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    return httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=False)


@pytest.fixture
async def web(roster: Campaign) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(roster) as client:
        yield client
