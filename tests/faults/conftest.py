"""The kiosk's and the secretary's fixtures (a session open at the fixed "now", an app with a clock for idle time, a
campaign with the passphrase set), shared here."""

from __future__ import annotations

from tests.tui_admin.conftest import secured
from tests.tui_kiosk.conftest import make_app, monotonic, open_session

__all__ = ["make_app", "monotonic", "open_session", "secured"]
