"""While an answer waits for the store's lock (held by another process), the server keeps serving."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx

from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from web.app import create_app


async def test_a_held_store_lock_does_not_stall_other_requests(
    roster: Campaign, slips: list[str], data_dir: Path, clock: FixedClock
) -> None:
    other = open_campaign(data_dir, actor="kiosk", clock=clock)  # its own lock handle, like another process
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with other.store.transaction():
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert held.wait(10)
    app = create_app(roster)
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 1))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://school.test") as web:
            answer = asyncio.create_task(web.post(f"/f/{slips[0]}", data={"option": "satisfied"}))
            for _ in range(500):  # bounded: until the answer is queued behind the held lock
                if app.state.group_commit.busy:
                    break
                await asyncio.sleep(0.01)
            assert app.state.group_commit.busy
            start = time.perf_counter()
            page = await web.get(f"/f/{slips[1]}")
            assert page.status_code == 200 and "王晓明" in page.text
            assert time.perf_counter() - start < 2.0
            assert not answer.done()  # still waiting for the lock, in its worker thread
            release.set()
            assert (await asyncio.wait_for(answer, 30)).status_code == 303
    finally:
        release.set()
        holder.join(timeout=10)
    assert len(list(roster.repos.feedback.between())) == 1
