from tests.tui_admin.conftest import admin_app, secured

__all__ = ["admin_app", "secured"]
