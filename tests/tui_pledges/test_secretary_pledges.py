"""The secretary's pledge screen end to end: review (publish, return with a comment), evaluation (grade with
the self-assessment and peer tally beside it), due and overdue lists, per-member and per-category views, the
peer-rating window and exports — at an SSH window's size, asserting on the screen and in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Select

from campaign import pledges as P
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.pledge_queries import list_pledges
from campaign.pledge_ratings import current_window, rate_pledge
from storage.records import PledgeGrade, PledgeState
from tests.tui_admin.conftest import until
from tui.app import ChuangyouApp
from tui.screens.admin.form import FormScreen
from tui.screens.admin.pledges import PledgesScreen

from .conftest import MARKUP, SMALL, log_in, published, screen_text, settle


async def shown_view(pilot: object, screen: PledgesScreen, view: str) -> None:
    """Wait until ``view`` is read and on screen (each key's view is read in a worker, one after another)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await until(
        pilot, lambda: screen.view == view and screen.data.view == view and screen.data.loaded, f"the {view} view shown"
    )
    await settle(pilot)


def state_of(c: Campaign, text: str) -> PledgeState:
    return next(line.pledge.state for line in list_pledges(c) if line.pledge.text == text)


def select_row(screen: PledgesScreen, text: str) -> None:
    table: DataTable[object] = screen.query_one("#pledges-table", DataTable)
    line = next(line for line in screen.data.lines if line.pledge.text == text)
    table.move_cursor(row=table.get_row_index(line.id))


async def open_pledges(pilot: object) -> PledgesScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await log_in(pilot)
    await pilot.press("g")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PledgesScreen)
    return screen


async def test_review_publish_and_return_with_a_comment(
    pledged: Campaign, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    c = pledged
    app = admin_app(c)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_pledges(pilot)
        shown = screen_text(app)
        assert "待审定 2" in shown and "每月家访不少于" in shown and "[bold]粗体[/]" in shown
        # Every step of this view is in the footer, at 80 columns.
        for key in ("p 公示", "r 退回", "x 导出", "w 互评", "v 视图"):
            assert key in shown, key

        select_row(screen, "每月家访不少于 4 户")
        await pilot.press("p")
        await settle(pilot)
        assert "已公示" in screen_text(app) and "待审定 1" in screen_text(app)
        assert state_of(c, "每月家访不少于 4 户") is PledgeState.PUBLISHED

        select_row(screen, MARKUP)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "[@click=app.quit]x[/]" in screen_text(app)  # the pledge text in the form's title, literally
        form.query_one("#form-submit", Button).press()
        await settle(pilot)
        assert app.screen is form and "请" in screen_text(app)  # a return needs a comment: refused in the form
        form.query_one("#field-comment", Input).value = "目标请写成数量 [bold]x[/] [@click=app.quit]q[/]"
        form.query_one("#form-submit", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, PledgesScreen) and "已退回" in screen_text(app)
    pledge = next(line.pledge for line in list_pledges(c) if line.pledge.text == MARKUP)
    assert pledge.state is PledgeState.RETURNED
    assert pledge.history[-1]["note"] == "目标请写成数量 [bold]x[/] [@click=app.quit]q[/]"
    actions = {(e.action, e.detail.get("id")) for e in c.repos.audit.recent()}
    assert ("pledge.return", pledge.id) in actions  # audited by the campaign, in the step's transaction
    assert any(action == "pledge.publish" for action, _ in actions)
    assert app.return_code in (None, 0)


async def test_evaluation_queue_shows_self_and_peers_and_grades(
    pledged: Campaign, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    c = pledged
    fulfilled_t002 = next(line for line in list_pledges(c, state=PledgeState.FULFILLED) if line.pledge.member == "T002")
    rate_pledge(c, "T001", fulfilled_t002.id, PledgeGrade.EXCELLENT)
    rate_pledge(c, "T003", fulfilled_t002.id, PledgeGrade.GOOD)
    app = admin_app(c)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_pledges(pilot)
        await pilot.press("v")
        await shown_view(pilot, screen, "evaluation")
        shown = screen_text(app)
        assert "g 评定" in shown and "p 公示" not in shown
        select_row(screen, "每月到社区服务 1 次")
        await settle(pilot)
        shown = screen_text(app)
        assert "良好" in shown and "1/1/0/0" in shown  # self: good; peers: one excellent, one good
        assert "互评：优秀 1 · 良好 1 · 合格 0 · 不合格 0（共 2）" in shown
        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "自评：良好 基本做到" in screen_text(app)
        form.query_one("#field-grade", Select).value = "excellent"
        form.query_one("#field-comment", Input).value = "<b>带头</b> [bold]好[/]"
        form.query_one("#form-submit", Button).press()
        await settle(pilot)
        assert app.screen is screen and "已评定" in screen_text(app)
        assert "每月到社区服务 1 次" not in screen_text(app)  # off the queue
    p = P.get_pledge(c, fulfilled_t002.id)
    assert p.state is PledgeState.EVALUATED and p.grade is PledgeGrade.EXCELLENT
    assert p.grade_comment == "<b>带头</b> [bold]好[/]"
    assert any(e.action == "pledge.evaluate" and e.detail.get("id") == p.id for e in c.repos.audit.recent())


async def test_due_overdue_member_category_views(
    pledged: Campaign, clock: FixedClock, admin_app: Callable[[Campaign], ChuangyouApp]
) -> None:
    c = pledged
    published(c, "T003", "service", "本周家访 3 户", due=date(2026, 11, 30))
    published(c, "T002", "service", "下周家访 2 户", due=date(2026, 12, 8))
    clock.advance(days=5)  # 2026-12-02: the first is overdue, the second due within 14 days
    app = admin_app(c)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_pledges(pilot)
        await pilot.press("v", "v")
        await shown_view(pilot, screen, "due")
        assert "下周家访 2 户" in screen_text(app)
        assert "本周家访 3 户" not in screen_text(app)
        await pilot.press("v")
        await shown_view(pilot, screen, "overdue")
        assert "本周家访 3 户" in screen_text(app)
        assert "已逾期 1" in screen_text(app)
        await pilot.press("m")  # this pledge's member: every pledge of 张伟
        await shown_view(pilot, screen, "all")
        assert screen.member == "T003"
        assert {line.pledge.member for line in screen.data.lines} == {"T003"}
        assert "党员 T003" in screen_text(app)
        await pilot.press("escape")  # clears the filter first
        await until(pilot, lambda: screen.member is None and not screen.filter_text(), "the filter cleared")
        assert app.screen is screen
        await pilot.press("v", "v", "v", "v", "v")  # all → review → evaluation → due → overdue → members
        await shown_view(pilot, screen, "members")
        assert "张伟" in screen_text(app)
        await pilot.press("v")
        await shown_view(pilot, screen, "categories")
        assert "带头服务群众" in screen_text(app)
        table: DataTable[object] = screen.query_one("#pledges-table", DataTable)
        table.move_cursor(row=table.get_row_index("service"))
        await pilot.press("enter")
        await shown_view(pilot, screen, "all")
        assert screen.category is not None
        assert {str(line.pledge.category) for line in screen.data.lines} == {"service"}


async def test_window_and_export(
    pledged: Campaign, admin_app: Callable[[Campaign], ChuangyouApp], data_dir: Path
) -> None:
    c = pledged
    app = admin_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await open_pledges(pilot)
        assert "互评：开放中" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert "互评已关闭" in screen_text(app) and current_window(c) is None
        await pilot.press("w")
        await settle(pilot)
        assert "互评已开放" in screen_text(app) and current_window(c) is not None

        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-format", Select).value = "csv"
        form.query_one("#form-submit", Button).press()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PledgesScreen)
        status = str(screen.query_one("#pledges-status").render())
        assert "已导出到 " in status
        path = Path(status.split("已导出到 ", 1)[1].strip())
    assert path.is_absolute() and path.exists() and path.parent == (data_dir / "exports").resolve()
    text = path.read_text(encoding="utf-8-sig")
    assert MARKUP in text  # the review view: both submitted pledges, the markup one literally
    assert any(e.action == "pledge.export" for e in c.repos.audit.recent())
