"""Stylesheets are parsed once per program: a screen shown for the first time does not parse every widget's CSS
again (Textual re-parses them all on each new screen), and a new theme still gets its colours."""

from __future__ import annotations

from typing import Any

import pytest
from textual.color import Color
from textual.css import parse as textual_parser

from campaign.context import Campaign
from storage.records import StudySession
from tui.screens.kiosk_find import KioskFind
from tui.screens.kiosk_home import KioskHome

from .conftest import SIZE, MakeApp, settle

#: Stylesheet sources the kiosk's home needs (by where they are read from): parsed before any other screen shows.
#: (Not Widget's or Screen's: a widget class's default CSS is parsed again, rightly, for each depth of subclass.)
HOME_SOURCES = ("App.DEFAULT_CSS", "app.tcss", "Button.DEFAULT_CSS", "kiosk_home.tcss")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Where each stylesheet source Textual parses from now on was read from (its file or class variable)."""
    sources: list[str] = []
    tokenize = textual_parser.tokenize  # type: ignore[attr-defined]

    def counted(css: str, read_from: tuple[str, str]) -> Any:
        sources.append(read_from[1] or read_from[0].rsplit("/", 1)[-1])
        return tokenize(css, read_from)

    monkeypatch.setattr(textual_parser, "tokenize", counted)
    return sources


async def test_a_new_screen_parses_no_stylesheet_again(
    roster: Campaign, open_session: StudySession, make_app: MakeApp, parsed: list[str]
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        parsed.clear()
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, KioskFind)
    # Textual re-parsed every source seen so far when KioskFind (a screen with CSS of its own) first showed.
    assert [source for source in parsed if source in HOME_SOURCES] == []


async def test_a_new_theme_is_parsed_with_its_colours(
    roster: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    app = make_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dark = app.screen.styles.background
        app.theme = "textual-light"
        await settle(pilot)
        light = app.screen.styles.background
        assert light != dark and light.brightness > Color.parse("#808080").brightness
