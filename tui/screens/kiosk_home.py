"""The kiosk's home: the time, the open (or next) study session, and big actions. Typing anywhere starts a search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.events import Key, Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Digits, Static

from campaign.i18n import language, t
from campaign.study_sessions import SessionState, state_of
from storage.errors import StoreError
from storage.records import Member
from tui.kiosk import HomeView, active_members, home_view
from tui.text import literal, message, one_line
from tui.widgets.attract import AttractPanel

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: How often the home screen re-reads the session anyway (a fallback: changes are noticed much sooner).
REFRESH_S = 20.0
#: How often the home screen looks at the store's cheap change fingerprint: a session opened, closed or created
#: elsewhere (the secretary's screen, a script) shows here within about this long, as in live attendance.
POLL_S = 0.5


#: From this size on (a staffroom screen rather than an SSH window) the kiosk spreads out to fill the screen.
LARGE = (150, 45)


def is_large(width: int, height: int) -> bool:
    return width >= LARGE[0] and height >= LARGE[1]


class KioskHome(Screen[None]):
    """Home: what is on now, the clock, and the way in. Any printable key opens "find yourself" with it typed."""

    CSS_PATH = "kiosk_home.tcss"
    AUTO_FOCUS = "#signin"

    @dataclass
    class Loaded(Message):
        view: HomeView
        #: Load the roster next (it waits until the session is on screen).
        with_roster: bool = False

    @dataclass
    class RosterLoaded(Message):
        members: list[Member]

    def __init__(self) -> None:
        super().__init__()
        self.view: HomeView | None = None
        #: The store's change fingerprint when the view was last read (None: not looked yet).
        self.generation: object = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(id="home-title")
            with Center():
                yield Digits("", id="home-clock")
            yield Static(id="home-date")
            with Center(id="home-session-row"), Vertical(id="home-session"):
                yield Static(id="session-heading")
                yield Static(id="session-title")
                yield Static(id="session-when")
                yield Static(id="session-place")
                yield Static(id="session-window")
            yield AttractPanel("#home-session", id="home-attract")
            with Horizontal(id="home-actions"):
                yield Button("", id="signin", variant="primary")
                yield Button("", id="feedback")
                yield Button("", id="pledges")
                yield Button("", id="home-board")
                yield Button("", id="language")
            yield Static(id="home-hint")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick, name="clock")
        self.set_interval(REFRESH_S, self.load, name="refresh")
        self.set_interval(POLL_S, self.poll_store, name="store-poll")
        # The first paint shows the session already: reading it here (~10 ms at stress) costs less than painting
        # twice. A busy or damaged store is left to the worker, whose faults the app reports as usual.
        try:
            first = home_view(self.kiosk.campaign)
        except StoreError:
            self.paint()
            self.load(with_roster=True)
        else:
            self.on_kiosk_home_loaded(self.Loaded(first, with_roster=True))

    def came_home(self) -> None:
        """The kiosk came back here: forget the last visitor's language, re-read the session and the roster."""
        self.paint()
        self.load(with_roster=True)

    def on_resize(self, event: Resize) -> None:
        self.set_class(is_large(event.size.width, event.size.height), "-large")

    def on_screen_resume(self) -> None:
        # Whoever comes next starts at 签到, not on the button the last visitor pressed.
        self.query_one("#signin", Button).focus()

    def retranslate(self) -> None:
        self.paint()

    # -- loading, off the UI thread ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="home-view")
    def load(self, *, with_roster: bool = False) -> None:
        self.post_message(self.Loaded(home_view(self.kiosk.campaign), with_roster))

    @work(thread=True, exclusive=True, group="home-poll")
    def poll_store(self) -> None:
        """Re-read the session only when the store changed since the last look (a few stat calls otherwise)."""
        store = self.kiosk.campaign.store
        try:
            generation = store.generation()
        except OSError:
            return  # looked at again on the next tick; a damaged store is reported where it is used
        if generation != self.generation:
            self.generation = generation
            self.post_message(self.Loaded(home_view(self.kiosk.campaign)))

    @work(thread=True, exclusive=True, group="home-roster")
    def load_roster(self) -> None:
        self.post_message(self.RosterLoaded(active_members(self.kiosk.campaign)))

    def on_kiosk_home_loaded(self, event: Loaded) -> None:
        self.view = event.view
        self.paint()
        if event.with_roster:
            # After the session is on screen: the roster (2,000 members at most) is for the first search.
            self.call_after_refresh(self.load_roster)

    def on_kiosk_home_roster_loaded(self, event: RosterLoaded) -> None:
        self.kiosk.roster = event.members
        self.kiosk.start_reading_ahead()  # the first screen is up and searchable: now the rest can be read
        from tui.screens.kiosk_find import KioskFind

        if isinstance(self.app.screen, KioskFind):
            self.app.screen.roster_ready()

    # -- drawing -------------------------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.kiosk.campaign.now().astimezone(self.kiosk.tz)

    def tick(self) -> None:
        now = self.now()
        view = self.view
        if view is not None and view.session is not None and state_of(view.session, now) is not view.state:
            self.load()  # the window opened or closed by the clock
        self.query_one("#home-clock", Digits).update(f"{now:%H:%M}")
        self.query_one("#home-date", Static).update(literal(format_date(now)))

    def paint(self) -> None:
        self.tick()
        self.query_one("#home-title", Static).update(message("kiosk.title"))
        self.query_one("#signin", Button).label = message("kiosk.action_signin")
        self.query_one("#language", Button).label = message("kiosk.action_language")
        self.query_one("#pledges", Button).label = message("kiosk_pledges.action_board")
        self.query_one("#home-board", Button).label = message("points_ui.action_board")
        self.query_one("#feedback", Button).label = message("kiosk.action_feedback")
        self.query_one("#home-hint", Static).update(message("kiosk.home_hint"))
        self.paint_session()

    def paint_session(self) -> None:
        self._paint_session()
        # An empty line (no place, no window) takes no room in the box.
        for line in self.query("#home-session Static").results(Static):
            content = line.content
            line.display = not isinstance(content, Content) or bool(content.plain)

    def _paint_session(self) -> None:
        heading = self.query_one("#session-heading", Static)
        lines = {name: self.query_one(f"#session-{name}", Static) for name in ("title", "when", "place", "window")}
        box = self.query_one("#home-session")
        view = self.view
        box.set_class(view is not None and view.state is SessionState.OPEN, "-open")
        if view is None or view.session is None or view.window is None:
            heading.update(message("kiosk.no_session") if view is not None else literal(""))
            lines["title"].update(message("kiosk.no_session_hint") if view is not None else literal(""))
            for name in ("when", "place", "window"):
                lines[name].update(literal(""))
            return
        s, w, tz = view.session, view.window, self.kiosk.tz
        now = self.now()
        start, end = s.start.astimezone(tz), s.end.astimezone(tz)
        is_open = view.state is SessionState.OPEN
        heading.update(message("kiosk.now_open" if is_open else "kiosk.next_session"))
        lines["title"].update(literal(one_line(s.title)))
        if start.date() == now.date():
            lines["when"].update(message("kiosk.when_today", start=f"{start:%H:%M}", end=f"{end:%H:%M}"))
        else:
            when = message("kiosk.when_day", date=format_date(start), start=f"{start:%H:%M}", end=f"{end:%H:%M}")
            lines["when"].update(when)
        lines["place"].update(message("kiosk.place", place=one_line(s.place)) if s.place else literal(""))
        if is_open and now > w.late_after:
            text = t("kiosk.late_now") + "  ·  " + t("kiosk.signed_in_count", count=view.signed_in)
        elif is_open:
            text = t(
                "kiosk.window",
                opens=f"{w.opens.astimezone(tz):%H:%M}",
                late=f"{w.late_after.astimezone(tz):%H:%M}",
                closes=f"{w.closes.astimezone(tz):%H:%M}",
            )
            text += "  ·  " + t("kiosk.signed_in_count", count=view.signed_in)
        else:
            text = t("kiosk.opens_at", opens=f"{w.opens.astimezone(tz):%H:%M}")
        lines["window"].update(literal(text))

    # -- actions -------------------------------------------------------------------------------------------------

    @on(Button.Pressed, "#signin")
    def sign_in(self) -> None:
        self.start_find("")

    @on(Button.Pressed, "#language")
    def switch_language(self) -> None:
        self.kiosk.action_toggle_language()

    @on(Button.Pressed, "#home-board")
    def leaderboard(self) -> None:
        from tui.screens.kiosk_board import KioskBoard

        self.app.push_screen(KioskBoard())

    @on(Button.Pressed, "#feedback")
    def parent_feedback(self) -> None:
        from tui.screens.kiosk_feedback import KioskFeedback

        self.app.push_screen(KioskFeedback())

    @on(Button.Pressed, "#pledges")
    def pledge_board(self) -> None:
        from tui.screens.kiosk_pledge_board import KioskPledgeBoard

        self.app.push_screen(KioskPledgeBoard())

    def start_find(self, typed: str, first_key_at: float | None = None) -> None:
        from tui.screens.kiosk_find import KioskFind

        top = self.app.screen_stack[-1]
        if isinstance(top, KioskFind):
            # Keys typed fast (a badge scan) can still reach home after the search screen was pushed.
            top.type_ahead(typed)
            return
        self.app.push_screen(KioskFind(typed, first_key_at=first_key_at))

    def on_key(self, event: Key) -> None:
        # A walk-up user (or a badge scanner) just types: the first character opens the search with it.
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            self.start_find(event.character, first_key_at=self.kiosk.monotonic())


def format_date(at: datetime) -> str:
    """A date the way the active language writes it, with the weekday."""
    return t(
        "kiosk.date",
        year=at.year,
        month=f"{at.month:02d}" if language() == "en" else at.month,
        day=f"{at.day:02d}" if language() == "en" else at.day,
        weekday=t(f"kiosk.weekday_{at.weekday()}"),
    )
