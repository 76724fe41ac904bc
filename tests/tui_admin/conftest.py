"""The secretary's app under Pilot: a campaign with a passphrase, and helpers to wait for the store calls."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from campaign import passphrase
from campaign.context import Campaign
from tui.app import ChuangyouApp

PASSPHRASE = "correct horse battery"
SIZE = (110, 32)


async def settle(pilot: Pilot[int]) -> None:
    """Wait until every worker is done and every message handled (store calls run in worker threads)."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot: Pilot[int], done: Callable[[], bool], what: str, deadline_s: float = 10.0) -> None:
    """Let the app run until ``done()`` holds (a worker finished and the screen shows it), or fail saying ``what``."""
    end = time.monotonic() + deadline_s
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)


async def click_button(pilot: Pilot[int], selector: str) -> None:
    """Click a button like a person: not again while it still shows the last press (Textual ignores that click)."""
    button = pilot.app.screen.query_one(selector, Button)
    await until(pilot, lambda: not button.has_class("-active"), f"{selector} ready for another press")
    button.scroll_visible(animate=False)  # a long form scrolls (as a person would) to show its button
    await pilot.pause()
    await pilot.click(selector)


async def type_text(pilot: Pilot[int], text: str) -> None:
    """Type ``text`` into the focused input: key by key when it is ASCII, else as an input method would."""
    if text.isascii():
        await pilot.press(*text)
    else:
        focused = pilot.app.focused
        assert isinstance(focused, Input), focused
        focused.insert_text_at_cursor(text)
    await pilot.pause()


async def log_in(pilot: Pilot[int]) -> None:
    """Give the passphrase the app asks for at start (typed as a paste: key-by-key typing is tested once)."""
    await settle(pilot)
    field = pilot.app.focused
    assert isinstance(field, Input) and field.password, field
    field.value = PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def secured(roster: Campaign) -> Campaign:
    """The roster fixture with the secretary's passphrase set."""
    passphrase.set_passphrase(roster, PASSPHRASE)
    return roster


@pytest.fixture
def admin_app() -> Callable[[Campaign], ChuangyouApp]:
    def make(c: Campaign) -> ChuangyouApp:
        c.actor = "secretary"
        return ChuangyouApp(c, "admin", cursor_blink=False)

    return make
