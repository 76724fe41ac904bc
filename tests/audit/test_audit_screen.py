"""The secretary's audit screen (key ``a`` on the admin home), and the kiosk's unlock being recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from campaign import audit_log
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.i18n import set_language
from campaign.passphrase import set_passphrase
from tests.tui_admin.conftest import PASSPHRASE, log_in, settle
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp
from tui.screens.admin.audit import PAGE_SIZE, AuditScreen

SnapCompare = Callable[..., bool]
EVIL = "[@click=app.quit]x[/]"


def add_entries(c: Campaign, clock: FixedClock, n: int) -> None:
    """``n`` school additions, one a day before the fixed now (written as the campaign would, in tests only)."""
    start = clock.at
    with c.store.transaction():
        for i in range(n):
            clock.at = start - timedelta(days=n - i)
            c.audit("school.add", name=f"学校{i:03d}")
    clock.at = start


async def open_audit(pilot: Pilot[int]) -> None:
    await log_in(pilot)
    await pilot.press("a")
    await settle(pilot)


async def open_audit_on_settings(pilot: Pilot[int]) -> None:
    await open_audit(pilot)
    await pilot.press("up")  # the settings change above the login: its details show in full below the table
    await settle(pilot)


def rows(app: ChuangyouApp) -> list[str]:
    table = app.screen.query_one("#audit-table", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_pages_newest_first_page_then_back_and_filter_by_day(
    secured: Campaign, clock: FixedClock, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    add_entries(secured, clock, PAGE_SIZE + 30)
    app = admin_app(secured)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_audit(pilot)
        assert isinstance(app.screen, AuditScreen)
        # The roster's own entries, 130 additions, the passphrase and this login: the last page is shown first.
        total = len(audit_log.entries(secured))
        shown = rows(app)
        assert len(shown) == total - PAGE_SIZE and shown[-1].split()[-1] == "admin.login"
        assert shown[-2].split()[-1] == "passphrase.set" and any("name=学校129" in r for r in shown)
        assert "2 / 2" in screen_text(app) or "2 of 2" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert len(rows(app)) == PAGE_SIZE and "school.add" in rows(app)[0]
        await pilot.press("d")
        await pilot.press(*(clock.at - timedelta(days=3)).date().isoformat(), "enter")
        await settle(pilot)
        filtered = rows(app)
        assert [r.split()[-1] for r in filtered[:3]] == ["name=学校127", "name=学校128", "name=学校129"]
        since = (clock.at - timedelta(days=3)).date()
        expected = sum(1 for e in audit_log.entries(secured) if e.at.astimezone(secured.tz).date() >= since)
        assert not any("学校126" in r for r in filtered) and len(filtered) == expected
        await pilot.press("d", "ctrl+a", "ctrl+k", *"27/11", "enter")
        await settle(pilot)
        assert "YYYY-MM-DD" in screen_text(app) and isinstance(app.screen, AuditScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AuditScreen)


async def test_details_are_shown_literally(secured: Campaign, admin_app: Callable[[Campaign], ChuangyouApp]) -> None:
    audit_log.record(secured, "school.add", name=EVIL)
    app = admin_app(secured)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_audit(pilot)
        assert f"name={EVIL}" in screen_text(app)
        await pilot.press("up")
        await settle(pilot)
        detail = app.screen.query_one("#audit-detail", Static)
        assert str(detail.render()) == f"name={EVIL}"
        await pilot.click("#audit-table", offset=(60, 3))
        await settle(pilot)
        assert app.is_running


async def test_unlocking_the_kiosk_is_recorded(roster: Campaign) -> None:
    set_passphrase(roster, PASSPHRASE)
    app = ChuangyouApp(roster, "kiosk", cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press(*PASSPHRASE, "enter")
        await settle(pilot)
    assert app.return_code == 0
    assert [e.action for e in audit_log.entries(roster)][-1] == "kiosk.unlock"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_audit_screen_snapshot(
    lang: str,
    secured: Campaign,
    clock: FixedClock,
    admin_app: Callable[[Campaign], ChuangyouApp],
    snap_compare: SnapCompare,
) -> None:
    add_entries(secured, clock, 12)
    audit_log.record(secured, "settings.set", name="public_url", value=EVIL)
    set_language(lang)
    assert snap_compare(admin_app(secured), terminal_size=(80, 24), run_before=open_audit_on_settings)
