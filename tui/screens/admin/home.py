"""The secretary's home: the passphrase (set on first run, asked on every start), then a menu of screens."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Footer, Static

from campaign import passphrase
from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from tui.screens.passphrase import PassphraseScreen
from tui.text import literal

from .base import AdminScreen
from .calls import in_thread
from .form import Field, FormScreen

MENU = ("roster", "import", "sessions", "live", "reports", "feedback", "pledges", "quit")


def setup_passphrase(c: Campaign, values: dict[str, str]) -> bool:
    """First run: set the passphrase if both entries agree."""
    if values["new"] != values["again"]:
        raise Refused("admin.passphrase_mismatch")
    passphrase.set_passphrase(c, values["new"])
    return True


def record_login(c: Campaign) -> None:
    with c.store.transaction():
        c.audit("admin.login")


class AdminHome(AdminScreen):
    """The first screen of ``chuangyou admin``; construct with the campaign: ``AdminHome(c)``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "open('roster')", "admin.menu_roster", id="admin.roster"),
        Binding("i", "open('import')", "admin.menu_import", id="admin.import"),
        Binding("s", "open('sessions')", "admin.menu_sessions", id="admin.sessions"),
        Binding("l", "open('live')", "admin.menu_live", id="admin.live"),
        Binding("p", "open('reports')", "admin.menu_reports", id="admin.reports"),
        Binding("f", "open('feedback')", "admin.menu_feedback", id="admin.feedback"),
        Binding("g", "open('pledges')", "admin.menu_pledges", id="admin.pledges"),
        Binding("q", "open('quit')", "admin.menu_quit", id="admin.quit"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.unlocked = False

    def compose(self) -> ComposeResult:
        with Vertical(id="admin-home"):
            yield Static(literal(t("admin.home_title"), "bold"), id="admin-home-title")
            yield Static(literal(t("admin.locked")), id="admin-home-status")
            with Vertical(id="admin-menu"):
                for name in MENU:
                    yield Button(literal(t(f"admin.menu_{name}")), id=f"menu-{name}", disabled=True)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing but the passphrase dialogs is reachable before the secretary has logged in.
        if action == "open":
            return self.unlocked
        return True

    async def on_mount(self) -> None:
        c = self.campaign
        if await in_thread(self, lambda: passphrase.is_set(c)):
            self.ask_passphrase()
        else:
            fields = [
                Field("new", t("admin.passphrase_new", min=passphrase.MIN_LENGTH), password=True),
                Field("again", t("admin.passphrase_again"), password=True),
            ]
            form = FormScreen(t("admin.setup_title"), fields, lambda v: setup_passphrase(c, v), t("admin.save"))
            self.app.push_screen(form, self.logged_in)

    def ask_passphrase(self) -> None:
        self.app.push_screen(PassphraseScreen(self.campaign, title=t("admin.login_title")), self.logged_in)

    async def logged_in(self, ok: bool | None) -> None:
        if not ok:
            # Cancelling the passphrase leaves the secretary's screens: there is nothing to do without it.
            self.app.exit()
            return
        c = self.campaign
        await in_thread(self, lambda: record_login(c))
        self.unlocked = True
        self.query_one("#admin-home-status", Static).update(literal(t("admin.unlocked")))
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#menu-sessions", Button).focus()
        self.refresh_bindings()

    @on(Button.Pressed)
    async def menu_pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("menu-"):
            await self.action_open(event.button.id.removeprefix("menu-"))

    async def action_open(self, name: str) -> None:
        if not self.unlocked:
            return
        c = self.campaign
        if name == "quit":
            self.app.exit()
        elif name == "roster":
            from .roster import RosterScreen

            self.app.push_screen(RosterScreen(c))
        elif name == "import":
            from .import_roster import ImportScreen

            self.app.push_screen(ImportScreen(c))
        elif name == "sessions":
            from .sessions import SessionsScreen

            self.app.push_screen(SessionsScreen(c))
        elif name == "live":
            from .live import LiveAttendance

            session = await in_thread(self, lambda: ss.current_session(c) or ss.next_session(c))
            if session is None:
                self.notify(t("admin.no_session_now"), severity="warning", markup=False)
                return
            self.app.push_screen(LiveAttendance(c, session.id))
        elif name == "reports":
            from .reports import ReportsScreen

            self.app.push_screen(ReportsScreen(c))
        elif name == "feedback":
            from .feedback import FeedbackScreen

            self.app.push_screen(FeedbackScreen(c))
        elif name == "pledges":
            from .pledges import PledgesScreen

            self.app.push_screen(PledgesScreen(c))
