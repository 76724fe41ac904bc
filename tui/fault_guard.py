"""What the app does with an exception that escaped a handler, a timer or a worker (see :mod:`tui.fault`).

Textual would end the app with a traceback listing local variables. Instead (called from
``ChuangyouApp._handle_exception``): the error and its traceback go to the log file, and

* a kiosk never ends: every screen above home is dropped (their errand failed), a home whose message loop died
  with the error is replaced by a fresh one, and a calm "cannot record right now" result is shown, which goes home
  by itself; a damaged file shows the out-of-service screen instead, until the file reads again;
* the secretary's app shows the fault and what to do, over the screen it came from (a screen whose message loop
  died with the error is closed); a bug that is not a fault ends it with one line naming the log file.

A screen whose handler raised cannot handle messages again (Textual stops its message loop), which is why dead
screens are replaced rather than reused.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.screen import Screen

from campaign.i18n import t
from tui.fault import Fault, FaultKind, is_fault, log_hint, record

if TYPE_CHECKING:
    from tui.app import ChuangyouApp


def _alive(screen: Screen[Any]) -> bool:
    """The screen and every widget in it still process messages."""
    if not screen.is_running:
        return False
    nodes: list[DOMNode] = list(screen.walk_children())
    return all(node.is_running or not node.is_attached for node in nodes)


#: More errors than this within the window are only logged: recovering must not itself loop.
STORM_LIMIT = 20
STORM_WINDOW_S = 10.0
_recent: WeakKeyDictionary[ChuangyouApp, list[float]] = WeakKeyDictionary()


def absorb(app: ChuangyouApp, error: BaseException) -> bool:
    """Log ``error`` and deal with it; False when the app should end (the secretary's app, after a bug)."""
    try:
        fault = record(error, app.campaign.store.root)
    except Exception:  # the guard itself must not fail into Textual's crash screen
        fault = Fault(FaultKind.UNEXPECTED, "")
    if app._exit or not app.is_running:  # shutting down: nothing to show it on
        return app.mode == "kiosk" or is_fault(error)
    now = time.monotonic()
    recent = _recent[app] = [at for at in _recent.get(app, []) if now - at < STORM_WINDOW_S] + [now]
    if len(recent) > STORM_LIMIT:
        return True  # a storm of errors (a recovery failing again): logged, no more screens pushed for now
    if app.mode == "kiosk":
        app.call_later(recover_kiosk, app, fault)
        return True
    if is_fault(error):
        app.call_later(recover_admin, app, fault)
        return True
    return False


def recover_kiosk(app: ChuangyouApp, fault: Fault) -> None:
    from tui.kiosk import Outcome, OutcomeKind
    from tui.screens.kiosk_home import KioskHome
    from tui.screens.kiosk_out_of_service import KioskOutOfService
    from tui.screens.kiosk_result import KioskResult

    if app.screen_stack and isinstance(app.screen_stack[-1], KioskOutOfService):
        return  # already out of service: nothing else can be done until the file is restored
    app.return_home_at = None
    while len(app.screen_stack) > 1 and not isinstance(app.screen_stack[-1], KioskHome):
        app.pop_screen()
    top = app.screen_stack[-1] if app.screen_stack else None
    if not isinstance(top, KioskHome):
        app.push_screen(KioskHome())
    elif not _alive(top):
        app.switch_screen(KioskHome())
    if fault.kind is FaultKind.DAMAGED:
        app.push_screen(KioskOutOfService(fault.damaged))
    else:
        app.push_screen(KioskResult(Outcome(OutcomeKind.FAULT, t("fault.kiosk_body"))))


def recover_admin(app: ChuangyouApp, fault: Fault) -> None:
    from tui.screens.admin.fault import AdminFault
    from tui.screens.admin.home import AdminHome

    unlocked = False
    while len(app.screen_stack) > 1 and not _alive(app.screen_stack[-1]):
        dead = app.screen_stack[-1]
        unlocked = unlocked or (isinstance(dead, AdminHome) and dead.unlocked)
        app.pop_screen()
    if fault.command:
        app.recovery_command = fault.command  # printed again, on one line, when the app ends
    if isinstance(app.screen, AdminFault):
        app.pop_screen()  # one fault at a time: the newest
    shown = AdminFault(fault, log_hint(app.campaign.store.root))
    if any(isinstance(s, AdminHome) for s in app.screen_stack):
        app.push_screen(shown)
        return

    def home_again(_: None) -> None:
        # After the fault was read: a fresh home (asking for the passphrase again unless it was given).
        app.push_screen(AdminHome(app.campaign, unlocked=unlocked))

    app.push_screen(shown, home_again)
