"""The secretary's home: the passphrase (set on first run, asked on every start), then a menu of screens."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Footer, Static

from campaign import audit_log, lockout, passphrase
from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from tui.screens.passphrase import PassphraseScreen
from tui.text import literal

from .base import AdminScreen
from .calls import in_thread
from .form import Field, FormScreen

MENU = ("roster", "import", "sessions", "live", "reports", "feedback", "pledges", "points", "audit", "quit")


def setup_passphrase(c: Campaign, values: dict[str, str]) -> bool:
    """First run: set the passphrase if both entries agree."""
    if values["new"] != values["again"]:
        raise Refused("admin.passphrase_mismatch")
    passphrase.set_passphrase(c, values["new"])
    return True


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
        Binding("j", "open('points')", "admin.menu_points", id="admin.points"),
        Binding("q", "open('quit')", "admin.menu_quit", id="admin.quit"),
        Binding("a", "open('audit')", "admin.menu_audit", id="admin.audit"),
        Binding("u", "clear_waits", "lockout.admin_clear", id="admin.clear_waits"),
    ]

    def __init__(self, campaign: Campaign, *, unlocked: bool = False) -> None:
        super().__init__()
        self.campaign = campaign
        #: True once the passphrase was given (also for a home rebuilt after a fault: see tui/fault_guard.py).
        self.unlocked = unlocked

    def compose(self) -> ComposeResult:
        with Vertical(id="admin-home"):
            yield Static(literal(t("admin.home_title"), "bold"), id="admin-home-title")
            yield Static(literal(t("admin.locked")), id="admin-home-status")
            yield Static(id="admin-home-points")
            with Vertical(id="admin-menu"):
                for name in MENU:
                    yield Button(literal(t(f"admin.menu_{name}")), id=f"menu-{name}", disabled=True)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing but the passphrase dialogs is reachable before the secretary has logged in.
        if action in ("open", "clear_waits"):
            return self.unlocked
        return True

    async def on_mount(self) -> None:
        c = self.campaign
        if self.unlocked:
            self.enable_menu()
            return
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
        await in_thread(self, lambda: audit_log.record_login(c))
        self.unlocked = True
        self.enable_menu()
        from tui.points_view import Trouble, calmly, rules_warning

        warning = await in_thread(self, lambda: calmly(lambda: rules_warning(c)))
        self.query_one("#admin-home-points", Static).update(
            literal(warning.message if isinstance(warning, Trouble) else warning)
        )

    def enable_menu(self) -> None:
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
        elif name == "points":
            from .points_board import PointsBoardScreen

            self.app.push_screen(PointsBoardScreen(c))
        elif name == "audit":
            from .audit import AuditScreen

            self.app.push_screen(AuditScreen(c))

    async def action_clear_waits(self) -> None:
        """Clear every wait after wrong PINs or passphrases (audited by the campaign layer)."""
        if not self.unlocked:
            return
        c = self.campaign
        try:
            cleared = await in_thread(self, lambda: lockout.clear_by_secretary(c))
        except Refused as exc:
            self.notify(exc.message(), severity="warning", markup=False)
            return
        self.notify(t("lockout.admin_cleared", count=len(cleared)), markup=False)
