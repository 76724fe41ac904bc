"""The secretary's home: login / first-run passphrase setup, then a menu of the secretary's screens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from campaign.context import Campaign


class AdminHome(Screen[None]):
    """The first screen of ``chuangyou admin``; construct with the campaign: ``AdminHome(c)``."""

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="admin-home-body")
        yield Footer()
