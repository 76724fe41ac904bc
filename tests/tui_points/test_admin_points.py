"""The secretary's points screens: the board from the admin home's footer key, anyone's breakdown, an adjustment
and its undo (in the store and the audit log), a broken rules file (admin home and rules screen), the dashboard's
figures against the store, and the export."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from campaign import dashboard, points
from campaign.context import Campaign
from campaign.points_periods import Period
from campaign.points_rules import rules_path
from storage.records import PledgeCategory
from tests.tui_admin.conftest import log_in, settle, type_text, until
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp
from tui.screens.admin.points_board import PointsBoardScreen
from tui.screens.admin.points_dashboard import DashboardScreen
from tui.screens.admin.points_member import PointsMemberScreen
from tui.screens.admin.points_rules import RulesScreen

from .conftest import LARGE, SMALL, KioskApp


def plain(app: ChuangyouApp) -> str:
    return " ".join(screen_text(app).split())


async def open_points(pilot: Pilot[int]) -> None:
    await log_in(pilot)
    await pilot.press("j")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PointsBoardScreen)


async def test_board_from_admin_home_and_breakdown_of_anyone(scored: Campaign, admin_app: KioskApp) -> None:
    app = admin_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_points(pilot)
        table = app.screen.query_one(DataTable)
        keys = [table.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value for i in range(table.row_count)]
        assert keys == [r.key for r in points.leaderboard(scored, Period.TERM, "member").rows]
        # Schools (pooled), all time, then back to members this term.
        await pilot.press("b", "a")
        await settle(pilot)
        text = plain(app)
        assert "累计" in text and "第十八中学" in text and "王晓明" not in text
        schools = points.leaderboard(scored, Period.ALL, "school")
        for row in schools.rows:
            assert f"{row.points:.1f}" in text
        await pilot.press("b", "t")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        # The third row (李红) — anyone's breakdown, not only the top.
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PointsMemberScreen) and app.screen.code == "T002"
        text = plain(app)
        assert "李红" in text and "合计 2 分" in text and "第 3 名（共 4 人）" in text
        assert "集中学习 请假" in text or points.rule_label("attendance.excused") in text


async def test_adjustment_and_undo_from_the_admin_screen(scored: Campaign, admin_app: KioskApp) -> None:
    app = admin_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_points(pilot)
        await pilot.press("down", "down", "enter")  # 李红, 2 points
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "5")
        await pilot.press("tab")
        await type_text(pilot, "支教期间表现突出")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PointsMemberScreen)
        await until(pilot, lambda: "合计 7 分" in plain(app), "the total with the adjustment")
        (adj,) = points.list_adjustments(scored, "T002")
        assert (adj.points, adj.reason, adj.undone, adj.by) == (5, "支教期间表现突出", False, "secretary")
        assert points.breakdown(scored, "T002", Period.TERM).total == 7
        assert "支教期间表现突出" in plain(app)
        audit = [e.action for e in scored.repos.audit.recent()]
        assert "points.adjust" in audit

        app.screen.query_one(DataTable).focus()
        await pilot.press("z")
        await settle(pilot)
        await until(pilot, lambda: "合计 2 分" in plain(app), "the total without the adjustment")
        (adj,) = points.list_adjustments(scored, "T002")
        assert adj.undone
        assert "已撤销第" in plain(app)
        assert "points.undo" in [e.action for e in scored.repos.audit.recent()]

        # Undoing it again is refused calmly, on the screen.
        await pilot.press("z")
        await settle(pilot)
        assert "请先在下方表格中选中一条有效的加减分记录" in plain(app)


async def test_a_bad_adjustment_is_refused_in_the_form(scored: Campaign, admin_app: KioskApp) -> None:
    app = admin_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_points(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "abc")
        await pilot.press("enter")  # Enter in a field moves to the next one (issue 8)
        await pilot.press("enter")  # ... and in the last one saves the form
        await settle(pilot)
        assert "不是整数分数" in plain(app)
        field = app.focused
        assert isinstance(field, Input)
        field.value = "500"
        await pilot.press("tab")
        await type_text(pilot, "太多")
        await pilot.press("enter")
        await settle(pilot)
        assert points.list_adjustments(scored) == []
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PointsMemberScreen)


async def test_broken_rules_file_on_admin_home_and_rules_screen(scored: Campaign, admin_app: KioskApp) -> None:
    good = points.rules_status(scored)  # writes the default file, and keeps it as the last good rules
    path = rules_path(scored.store.root)
    path.write_text(path.read_text(encoding="utf-8").replace("on_time = 2", "on_time = 'two'"), encoding="utf-8")
    app = admin_app(scored)
    async with app.run_test(size=LARGE) as pilot:
        await log_in(pilot)
        text = plain(app)
        assert "积分规则文件有 1 处错误，正在使用上一次正确的规则" in text
        await pilot.press("j")
        await settle(pilot)
        assert "积分规则文件有 1 处错误，正在使用上一次正确的规则。按 u 查看" in plain(app)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        text = plain(app)
        status = points.rules_status(scored)
        assert not status.ok and status.rules == good.rules
        for line in status.messages():
            assert " ".join(line.split()) in text
        assert str(path) in text
        assert "按时签到" in text and "+2" in text  # the last good rules, in plain words


async def test_good_rules_screen_says_so(scored: Campaign, admin_app: KioskApp) -> None:
    app = admin_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_points(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "规则文件正确" in plain(app)
        assert "积分规则文件有" not in plain(app)


async def test_dashboard_figures_against_the_store(scored: Campaign, admin_app: KioskApp) -> None:
    app = admin_app(scored)
    async with app.run_test(size=LARGE) as pilot:
        await open_points(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = plain(app)
        board = points.leaderboard(scored, Period.TERM, "member")
        d = dashboard.branch_dashboard(scored, board.first, board.last, [int(r.points) for r in board.rows])
        # Attendance per session: 3 of 4 at the first (one late), 2 of 4 at the second (one excused, one absent).
        assert [(s.attended, s.expected) for s in d.sessions] == [(3, 4), (2, 4)]
        assert "75.0%（3/4）" in text and "50.0%（2/4）" in text
        # Satisfaction: 3 of 3, against the 90 % target, with its Wilson lower bound.
        assert d.satisfaction.rate == 1.0 and d.satisfaction.wilson_low is not None
        assert "100.0%" in text and f"{d.satisfaction.wilson_low:.1%}" in text
        assert "目标 90%" in text and "样本尚不足以确信" in text
        # Points distribution: four members.
        assert sum(b.members for b in d.points) == 4
        # Pledges: the one due this term in 学习提高 was kept; the 服务群众 one is still owed.
        rates = {p.category: (p.kept, p.owed) for p in d.pledges}
        assert rates[PledgeCategory.STUDY] == (1, 1) and rates[PledgeCategory.SERVICE] == (0, 1)
        assert "学习提高" in text and "100.0%（1/1）" in text and "0.0%（0/1）" in text


async def test_export_the_board(scored: Campaign, admin_app: KioskApp, tmp_path: Path) -> None:
    out = tmp_path / "board.csv"
    app = admin_app(scored)
    async with app.run_test(size=SMALL) as pilot:
        await open_points(pilot)
        await pilot.press("x")
        await settle(pilot)
        field = app.focused
        assert isinstance(field, Input)
        field.value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert out.exists()
        assert "王晓明" in out.read_text(encoding="utf-8-sig")
        assert "已导出 4 行" in plain(app)


MISTAKES = {
    "bad number": ("on_time = 2", "on_time = 'two'"),
    "negative cap": ("cap_per_year = 40", "cap_per_year = -5"),
    "unknown key": ("cap_per_year = 40", "cap_per_year = 40\nbogus = 1"),
    "unknown rule": ("[adjustment]", "[bonus]\nextra = 1\n\n[adjustment]"),
    "overlapping thresholds": ("below = 60", "below = 96"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
async def test_rules_screen_says_exactly_what_is_wrong(mistake: str, scored: Campaign, admin_app: KioskApp) -> None:
    good = points.rules_status(scored)
    path = rules_path(scored.store.root)
    before, after = MISTAKES[mistake]
    text = path.read_text(encoding="utf-8")
    assert before in text
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    status = points.rules_status(scored)
    assert not status.ok and status.rules == good.rules, mistake
    app = admin_app(scored)
    async with app.run_test(size=LARGE) as pilot:
        await open_points(pilot)
        await pilot.press("u")
        await settle(pilot)
        shown = plain(app)
        for line in status.messages():
            assert " ".join(line.split()) in shown, (mistake, line)
