"""Hostile and odd input on the secretary's screens: markup in names, very long names, an empty roster, bad files."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, ProgressBar, Static

from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.roster import add_member, add_school
from tui.app import ChuangyouApp
from tui.screens.admin.import_roster import ImportScreen
from tui.screens.admin.live import LiveAttendance
from tui.screens.admin.roster import RosterScreen

from .conftest import SIZE, click_button, log_in, settle, until
from .test_flows import static_text, table_text

MakeApp = Callable[[Campaign], ChuangyouApp]
MARKUP = ["[bold]x[/]", "[@click=app.quit]x[/]", "[/", "[link=http://x]y[/link]"]
LONG = "很" * 200


def hostile_roster(c: Campaign) -> None:
    add_school(c, "[red]学校[/]")
    for i, name in enumerate([*MARKUP, LONG]):
        add_member(c, f"H{i}", name, "[red]学校[/]", pin="1234")


def shown_lines(table: DataTable[object]) -> list[str]:
    """The table as drawn on the terminal, line by line."""
    return [table.render_line(y).text for y in range(table.size.height)]


async def click_across_row(pilot: Pilot[int], table: DataTable[object], key: str) -> None:
    """Click every position of the first 40 cells of row ``key``: a parsed ``@click`` there would run its action."""
    region = table.region
    y = region.y + 1 + table.get_row_index(key) - round(table.scroll_y)  # 1: the header row
    for x in range(region.x, region.x + min(region.width, 40)):
        await pilot.click(offset=(x, y))
    await pilot.pause()


async def test_markup_in_names_is_shown_literally_and_clicking_it_does_nothing(
    campaign: Campaign, admin_app: MakeApp
) -> None:
    from campaign import passphrase

    from .conftest import PASSPHRASE

    hostile_roster(campaign)
    passphrase.set_passphrase(campaign, PASSPHRASE)
    ss.create_session(
        campaign,
        "[@click=app.quit]学习[/]",
        ss.parse_local(campaign, "2026-11-27 08:00"),
        ss.parse_local(campaign, "2026-11-27 09:00"),
    )
    app = admin_app(campaign)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        names = [r[1] for r in table_text(app, "#roster-table")]
        assert set(MARKUP) <= set(names)
        drawn = "\n".join(shown_lines(app.screen.query_one("#roster-table", DataTable)))
        assert all(name in drawn for name in MARKUP)
        assert any(n.startswith("很" * 10) and n.endswith("…") for n in names)  # cut to the column, not wrapped
        await click_across_row(pilot, app.screen.query_one("#roster-table", DataTable), "H1")
        assert app.is_running and isinstance(app.screen, RosterScreen)
        await pilot.press("escape")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LiveAttendance)
        assert "[@click=app.quit]学习[/]" in static_text(app, "#live-title")
        live_names = [r[0] for r in table_text(app, "#live-table")]
        assert set(MARKUP) <= set(live_names)
        drawn = "\n".join(shown_lines(app.screen.query_one("#live-table", DataTable)))
        assert all(name in drawn for name in MARKUP) and "[red]学校[/]" in drawn
        assert {r[1] for r in table_text(app, "#live-table")} == {"[red]学校[/]"}
        await click_across_row(pilot, app.screen.query_one("#live-table", DataTable), "H1")
        await pilot.click("#live-title")
        assert app.is_running and isinstance(app.screen, LiveAttendance)


async def test_empty_roster_says_what_to_do(campaign: Campaign, admin_app: MakeApp) -> None:
    from campaign import passphrase

    from .conftest import PASSPHRASE

    passphrase.set_passphrase(campaign, PASSPHRASE)
    app = admin_app(campaign)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("l")  # no session at all
        await settle(pilot)
        assert not isinstance(app.screen, LiveAttendance)
        await pilot.press("r")
        await settle(pilot)
        assert table_text(app, "#roster-table") == []
        assert "名册为空" in static_text(app, "#roster-empty")
        await pilot.press("a")  # no school yet: nothing to add a member to
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    assert campaign.repos.members.all() == []


async def import_file(pilot: object, app: ChuangyouApp, path: Path, *, apply: bool = False) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    screen = app.screen
    summary = screen.query_one("#import-summary", Static)
    summary.update("")
    screen.query_one("#import-path", Input).value = str(path)
    await click_button(pilot, "#import-preview")
    await until(pilot, lambda: str(summary.render()) != "", f"a preview of {path.name}")
    if apply:
        assert not screen.query_one("#import-apply", Button).disabled
        preview = str(summary.render())
        await click_button(pilot, "#import-apply")
        # Until the summary says the import was done (the preview's own text also names the file).
        await until(pilot, lambda: str(summary.render()) not in ("", preview), "the import")


async def test_import_screen_previews_problems_and_imports_a_gbk_file(
    secured: Campaign, admin_app: MakeApp, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes("编号,姓名,学校\nT9,,实验小学\nT9,李雪,实验小学\nT8,赵六,火星小学\n".encode("gbk"))
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(b"not a workbook")
    good = tmp_path / "good.csv"
    good.write_bytes("编号,姓名,学校\nT10,[@click=app.quit]欧阳[/],实验小学\nT11,李雪,第十八中学\n".encode("gbk"))
    before = {m.code for m in secured.repos.members.all()}
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)

        await import_file(pilot, app, bad)
        rows = table_text(app, "#import-table")
        assert ["2", "缺少姓名。"] in rows
        assert app.screen.query_one("#import-apply", Button).disabled
        assert "2 处问题" in static_text(app, "#import-summary")  # 火星小学 is offered, not a problem

        await import_file(pilot, app, corrupt)
        assert "无法读取该工作簿" in table_text(app, "#import-table")[0][1]
        assert app.screen.query_one("#import-apply", Button).disabled

        await import_file(pilot, app, tmp_path / "missing.csv")
        assert "找不到文件" in static_text(app, "#import-summary")
        assert {m.code for m in secured.repos.members.all()} == before

        await import_file(pilot, app, good, apply=True)
        assert "已从 good.csv 导入 2 名党员" in static_text(app, "#import-summary")
        bar = app.screen.query_one("#import-progress", ProgressBar)
        assert bar.display and bar.percentage == 1
        await click_across_row(pilot, app.screen.query_one("#import-table", DataTable), "T10")
        assert app.is_running
    imported = secured.repos.members.get("T10")
    assert imported is not None and imported.name == "[@click=app.quit]欧阳[/]"
    assert {m.code for m in secured.repos.members.all()} == before | {"T10", "T11"}


async def test_report_screen_refuses_a_bad_range_and_exports_xlsx(
    secured: Campaign, admin_app: MakeApp, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    s = ss.create_session(
        secured,
        "=HYPERLINK(1)",
        ss.parse_local(secured, "2026-11-20 08:00"),
        ss.parse_local(secured, "2026-11-20 09:00"),
    )
    ss.close_session(secured, s.id)
    out = tmp_path / "report.xlsx"
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#report-from", Input).value = "2026-13-01"
        await click_button(pilot, "#report-show")
        await settle(pilot)
        assert "2026-13-01" in static_text(app, "#report-summary")
        app.screen.query_one("#report-from", Input).value = "2026-11-01"
        app.screen.query_one("#report-out", Input).value = str(out)
        await click_button(pilot, "#report-show")
        await settle(pilot)
        assert table_text(app, "#report-sessions")[0][2] == "=HYPERLINK(1)"
        assert table_text(app, "#report-members")[0][4:] == ["0", "0", "0", "0", "1", "0.0%"]
        await click_button(pilot, "#report-write")
        await settle(pilot)
        assert "report.xlsx" in static_text(app, "#report-summary")
    wb = load_workbook(out)
    cell = wb.worksheets[0]["C2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


async def test_a_large_file_reports_progress_while_it_is_read(
    secured: Campaign, admin_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.csv"
    big.write_text("编号,姓名,学校\n" + "".join(f"X{i:04d},学员{i},实验小学\n" for i in range(1000)), encoding="utf-8")
    # Each report waits until the screen has shown it before the reading goes on. Without that, a busy machine
    # lets later reports replace earlier ones still queued (they coalesce, by design), and which ones reach the
    # screen depends on timing: the test would see (200, 1000) first on a loaded CI box.
    shown: list[tuple[int, int, float | None]] = []
    handled = threading.Event()
    show = ImportScreen.on_import_screen_progress
    report = ImportScreen.progress

    def show_and_note(screen: ImportScreen, message: ImportScreen.Progress) -> None:
        show(screen, message)
        shown.append((message.done, message.total, screen.query_one("#import-progress", ProgressBar).percentage))
        handled.set()

    def report_and_wait(screen: ImportScreen, done: int, total: int) -> None:
        handled.clear()
        report(screen, done, total)
        assert handled.wait(timeout=60), "the screen never showed a progress report"

    monkeypatch.setattr(ImportScreen, "on_import_screen_progress", show_and_note)
    monkeypatch.setattr(ImportScreen, "progress", report_and_wait)
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("i")
        await settle(pilot)
        await import_file(pilot, app, big)
        assert "1000 名党员可以导入" in static_text(app, "#import-summary")
        assert app.screen.query_one("#import-progress", ProgressBar).percentage == 1
    assert [(done, total) for done, total, _ in shown] == [(n, 1000) for n in (0, 200, 400, 600, 800, 1000)]
    # The bar moved while the file was read, not only at the end.
    assert [pct for _, _, pct in shown] == [0, 0.2, 0.4, 0.6, 0.8, 1]


async def test_a_large_roster_lists_a_page_and_the_filter_finds_the_rest(secured: Campaign, admin_app: MakeApp) -> None:
    from campaign.roster import new_member

    extra = [new_member(f"Y{i:04d}", f"学员{i}", "实验小学") for i in range(450)]
    with secured.store.transaction():
        secured.repos.members.add_many(extra)
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert len(table_text(app, "#roster-table")) == 200
        assert "454" in static_text(app, "#roster-empty")
        app.screen.query_one("#roster-filter", Input).value = "Y0449"
        await pilot.pause()
        assert [r[0] for r in table_text(app, "#roster-table")] == ["Y0449"]
        assert static_text(app, "#roster-empty") == ""
