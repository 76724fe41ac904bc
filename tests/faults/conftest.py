"""The kiosk's fixtures (a session open at the fixed "now", an app with a clock for idle time), shared here."""

from __future__ import annotations

from tests.tui_kiosk.conftest import make_app, monotonic, open_session

__all__ = ["make_app", "monotonic", "open_session"]
