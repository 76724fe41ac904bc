"""The chuangyou Textual app: one app, two modes.

``kiosk``: the walk-up sign-in terminal. It cannot be left without the secretary's passphrase (ctrl+c, ctrl+q,
ctrl+z, the command palette and injected ``@click`` actions are all refused), and after ``idle_timeout_s`` without
input any screen goes back home and forgets who was there.

``admin``: the secretary's screens (``tui.screens.admin``), an ordinary app that quits with ctrl+q.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from campaign.context import Campaign
from campaign.i18n import LANG_ENV, language, set_language, t
from campaign.logfile import log_path, setup_logging
from storage.records import Member, Settings
from tui.css_parsed_once import keep_parsed_css

Mode = Literal["kiosk", "admin"]
MODES: tuple[Mode, ...] = ("kiosk", "admin")

#: High contrast for a shared screen in a bright room: pure black and white, saturated status colours.
KIOSK_THEME = Theme(
    name="chuangyou-kiosk",
    primary="#ffd700",
    secondary="#00bfff",
    accent="#ffd700",
    warning="#ffb000",
    error="#ff5050",
    success="#3ddc84",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    dark=True,
)
ADMIN_THEME = Theme(
    name="chuangyou",
    primary="#c8102e",
    secondary="#0178d4",
    accent="#ffb000",
    warning="#ffb000",
    error="#ff5050",
    success="#4ebf71",
    foreground="#e6e6e6",
    dark=True,
)

#: App actions a locked kiosk still allows; every other app action (quit, suspend_process, command_palette,
#: screenshot, switch_mode, change_theme, ...) is refused, whether it comes from a key or an injected ``@click``.
KIOSK_ACTIONS = frozenset({"leave", "suspend", "toggle_language", "focus_next", "focus_previous", "bell"})


#: How often the app checks that its terminal is still there.
TERMINAL_CHECK_S = 1.0
#: How long a graceful exit may take once the terminal is gone.
TERMINAL_GONE_EXIT_S = 2.0
#: Garbage collection resumes at the latest this long after the app is mounted (see ChuangyouApp.end_start_up).
START_UP_LATEST_S = 10.0


def terminal_attached() -> bool:
    """Whether standard input is still a terminal (after a hang-up it no longer is)."""
    try:
        return os.isatty(sys.__stdin__.fileno()) if sys.__stdin__ is not None else False
    except (OSError, ValueError):
        return False


class ChuangyouApp(App[int]):
    """The chuangyou TUI. ``monotonic`` is the clock for idle time (tests inject one they can move)."""

    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "leave", show=False, priority=True, id="leave"),
        Binding("ctrl+c", "leave", show=False, priority=True, id="leave-ctrl-c"),
        Binding("ctrl+z", "suspend", show=False, priority=True, id="suspend"),
    ]

    def __init__(
        self,
        campaign: Campaign,
        mode: Mode = "kiosk",
        *,
        settings: Settings | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        idle_check_s: float = 0.2,
        result_s: float = 6.0,
        cursor_blink: bool = True,
        out_of_service: Path | None = None,
        read_ahead: bool = False,
        on_first_screen: Callable[[], None] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        super().__init__()
        self.campaign = campaign
        #: Read the pledge files and the points index in the background after the first screen (the real program
        #: does; tests leave it off so that nothing reads the store behind their back).
        self.read_ahead = read_ahead
        self._read_ahead_started = False
        #: Called once the first screen is up (and searchable, at the kiosk).
        self.on_first_screen = on_first_screen
        self.mode: Mode = mode
        self.settings = settings if settings is not None else campaign.settings
        #: The branch's time zone, read once: every time the kiosk shows is in it.
        self.tz = ZoneInfo(self.settings.timezone)
        self.monotonic = monotonic
        self.idle_check_s = idle_check_s
        #: How long a kiosk result stays up before going home by itself.
        self.result_s = result_s
        #: Inputs blink their cursor unless told not to (snapshot tests need a still screen).
        self.cursor_blink = cursor_blink
        #: True once the secretary's passphrase was given at this kiosk: quitting is then allowed.
        self.unlocked = False
        self.last_input = monotonic()
        #: When (monotonic) the screen on top wants to go home by itself, e.g. a result screen.
        self.return_home_at: float | None = None
        #: The active roster for searching, loaded in a worker whenever the kiosk comes home.
        self.roster: list[Member] | None = None
        #: The language the kiosk comes back to after idling (a visitor may have switched it).
        self.home_language = language()
        self.use_command_palette = mode == "admin"
        #: A kiosk started on a damaged store: the damaged file (it opens out of service, and home once restored).
        self.out_of_service = out_of_service
        #: The command that recovers from the last fault shown, if any (printed when the app ends: tui/fault_guard.py).
        self.recovery_command: str | None = None
        self.title = t("app.title")
        keep_parsed_css()  # each stylesheet source parsed once, not again for every new screen
        self._start_in_theme(KIOSK_THEME if mode == "kiosk" else ADMIN_THEME)

    def _start_in_theme(self, theme: Theme) -> None:
        """Start in ``theme`` without a second parse of every stylesheet.

        Setting ``App.theme`` once running re-parses all the CSS (~70 ms at start); here, before the stylesheets are
        first read, the theme, its classes and its variables are put in place as Textual's theme watcher would.
        """
        for registered in (KIOSK_THEME, ADMIN_THEME):
            self.register_theme(registered)
        self.set_reactive(App.theme, theme.name)
        self.set_class(True, f"-theme-{theme.name}", update=False)
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self.stylesheet.set_variables(self.get_css_variables())

    # -- lifetime ------------------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        setup_logging(self.campaign.store.root)
        if self.mode == "kiosk":
            from tui.screens.kiosk_home import KioskHome

            if self.out_of_service is not None:
                from tui.screens.kiosk_out_of_service import KioskOutOfService

                self.push_screen(KioskOutOfService(self.out_of_service))
            else:
                self.push_screen(KioskHome())
            self.set_interval(self.idle_check_s, self.return_home_if_idle, name="idle")
        else:
            from tui.screens.admin.home import AdminHome

            self.push_screen(AdminHome(self.campaign))
        if not self.is_headless:
            self.set_interval(TERMINAL_CHECK_S, self.exit_if_terminal_gone, name="terminal")
        if self.mode == "admin":
            self.call_after_refresh(self.start_reading_ahead)
        # Whatever the first screen (out of service, say), collection resumes soon after the start.
        self.set_timer(START_UP_LATEST_S, self.end_start_up, name="start-up")
        # The kiosk starts reading ahead once its home screen has its session and its roster (KioskHome): before
        # that, a thread parsing years of files would slow the first screen down.

    def end_start_up(self) -> None:
        """Resume garbage collection if the launcher paused it for the start (``tui.cli.startup``), with what the
        start made frozen out of it: those objects live as long as the program, and a long-running kiosk need not
        look through them at every collection. Otherwise nothing."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def start_reading_ahead(self) -> None:
        """After the first screen: read the pledge files and the points index in a thread (campaign.warm_up).

        Once per program, and only if it was asked for (``read_ahead``) and the store is in service. Calls
        ``on_first_screen`` first (once)."""
        self.end_start_up()
        if self.on_first_screen is not None:
            self.on_first_screen()
            self.on_first_screen = None
        if not self.read_ahead or self.out_of_service is not None or self._read_ahead_started:
            return
        self._read_ahead_started = True
        from campaign.warm_up import warm_up

        # A daemon thread, not a Textual worker: leaving the program must not wait for seconds of reading (it only
        # reads; nothing is half-written if the process ends meanwhile).
        threading.Thread(target=warm_up, args=(self.campaign,), name="read-ahead", daemon=True).start()

    def exit_if_terminal_gone(self) -> None:
        """Leave when the terminal hung up (a dropped SSH link, a closed window), lock-down or not.

        SIGHUP usually ends the process, but not when a wrapper (make, a launcher that ignores SIGHUP) keeps it
        from arriving; Textual then reads end-of-file from stdin in a busy loop forever, with nobody to see it.
        """
        if terminal_attached():
            return
        # Textual's own shutdown writes to the terminal and can wait forever on a hung-up one (seen with
        # Textual 8.2.8: its writer queue deadlocks). Exiting outright is safe: every store write is atomic.
        watchdog = threading.Timer(TERMINAL_GONE_EXIT_S, os._exit, args=(0,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(0)

    async def on_event(self, event: events.Event) -> None:
        # Input from a person (not one Textual forwards internally) restarts the idle time.
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.last_input = self.monotonic()
        await super().on_event(event)

    # -- faults --------------------------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Textual's own handling (a private hook: there is no public one) ends the app with a traceback that lists
        # local variables: a PIN, a passphrase, records. tui/fault_guard.py logs it and keeps the app going.
        from tui.fault_guard import absorb

        if absorb(self, error):
            return
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # What Textual prints when the app ends after an error: one line naming the log, never a traceback.
        from rich.text import Text

        self.bell()
        self._exit_renderables.append(Text(t("fault.stopped", log=log_path(self.campaign.store.root))))
        self._close_messages_no_wait()

    # -- lock-down -----------------------------------------------------------------------------------------------

    @property
    def locked_down(self) -> bool:
        return self.mode == "kiosk" and not self.unlocked

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.locked_down and action not in KIOSK_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.locked_down:
            return iter(())
        return super().get_system_commands(screen)

    def action_leave(self) -> None:
        """ctrl+q / ctrl+c: quit; at a locked kiosk only after the secretary's passphrase."""
        if not self.locked_down:
            self.exit(0)
            return
        self._ask_passphrase(lambda: self.exit(0))

    def action_suspend(self) -> None:
        """ctrl+z: suspend to the shell; never at a locked kiosk (it asks for the passphrase to leave instead)."""
        if self.locked_down:
            self._ask_passphrase(lambda: self.exit(0))
            return
        self.action_suspend_process()

    def _ask_passphrase(self, then: Callable[[], None]) -> None:
        from tui.screens.passphrase import PassphraseScreen

        if isinstance(self.screen, PassphraseScreen):
            return

        def done(ok: bool | None) -> None:
            if ok:
                self.unlocked = True
                then()

        screen = PassphraseScreen(self.campaign, reason=t("app.passphrase_leave"), audit_as="kiosk.unlock")
        self.push_screen(screen, done)

    # -- idle and going home -------------------------------------------------------------------------------------

    def idle_for(self) -> float:
        return self.monotonic() - self.last_input

    def return_home_if_idle(self) -> None:
        """Go home if the kiosk was idle for ``idle_timeout_s``, or the screen's own deadline passed.

        Called every ``idle_check_s``, so it fires at most that late (a reset Timer would fire between T and 2T).
        """
        if self.mode != "kiosk" or not self.screen_stack:
            return
        if getattr(self.screen_stack[-1], "STAYS_UP", False):
            return  # out of service: nothing works until the data is restored
        now = self.monotonic()
        idle = now - self.last_input >= self.settings.idle_timeout_s
        if self.at_home:
            if idle and language() != self.home_language:
                self.go_home()  # a visitor switched the language and walked away
            return
        due = self.return_home_at is not None and now >= self.return_home_at
        if due or idle:
            self.go_home()

    @property
    def at_home(self) -> bool:
        from tui.screens.kiosk_home import KioskHome

        # Read the stack, not self.screen: while the app shuts down the stack is empty and the timer may still tick.
        return bool(self.screen_stack) and isinstance(self.screen_stack[-1], KioskHome)

    def go_home(self) -> None:
        """Back to the kiosk home, dropping every screen above it (and with them who was there)."""
        from tui.screens.kiosk_home import KioskHome

        self.return_home_at = None
        if language() != self.home_language:
            set_language(self.home_language)
        while len(self.screen_stack) > 1 and not isinstance(self.screen_stack[-1], KioskHome):
            self.pop_screen()
        home = self.screen_stack[-1]
        if isinstance(home, KioskHome):
            home.came_home()

    def next_person(self, typed: str) -> None:
        """Someone started typing on a result: go home (unless already there) and search with what they typed."""
        from tui.screens.kiosk_find import KioskFind
        from tui.screens.kiosk_home import KioskHome

        first_key_at = self.monotonic()
        if not isinstance(self.screen, KioskHome | KioskFind):
            self.go_home()
        for home in self.screen_stack:
            if isinstance(home, KioskHome):
                home.start_find(typed, first_key_at=first_key_at)

    def action_toggle_language(self) -> None:
        """Switch between Chinese and English for this visitor (idle brings back the configured language)."""
        set_language("en" if language() == "zh_CN" else "zh_CN")
        self.title = t("app.title")
        screen = self.screen
        refresh = getattr(screen, "retranslate", None)
        if callable(refresh):
            refresh()


def choose_language(cli_lang: str | None, settings: Settings) -> str:
    """``--lang``, else ``CHUANGYOU_LANG``, else the branch setting, else zh_CN."""
    return set_language(cli_lang or os.environ.get(LANG_ENV) or settings.language)


def run_app(
    c: Campaign,
    mode: str,
    *,
    lang: str | None = None,
    settings: Settings | None = None,
    out_of_service: Path | None = None,
    on_first_screen: Callable[[], None] | None = None,
) -> int:
    """Run the TUI in ``mode`` ("kiosk" or "admin") until it exits; returns the exit status. ``on_first_screen``
    is called once the first screen is up (what waits for it: the daily backup).

    The launcher calls :func:`tui.terminal.prepare` before importing this module.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    settings = settings if settings is not None else c.settings
    choose_language(lang, settings)
    from tui.paste_guard import install

    install()  # a paste start without its end must not freeze the keys
    app = ChuangyouApp(
        c, mode, settings=settings, out_of_service=out_of_service, read_ahead=True, on_first_screen=on_first_screen
    )
    app.run()
    if app.recovery_command:
        print(t("fault.command_again", command=app.recovery_command))
    return app.return_code or 0


__all__ = ["KIOSK_THEME", "ChuangyouApp", "choose_language", "run_app"]
