"""The secretary at the usual SSH window (80×24): every entry on screen, every action findable from the footer."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable, Input

from campaign import passphrase
from campaign import study_sessions as ss
from campaign.context import Campaign
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp
from tui.screens.admin.form import FormScreen
from tui.screens.admin.keys import KeysScreen

from .conftest import log_in, settle

SIZE = (80, 24)
MakeApp = Callable[[Campaign], ChuangyouApp]


async def test_admin_home_shows_every_entry(secured: Campaign, admin_app: MakeApp) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        text = screen_text(app)
        for entry in ("党员名册", "导入名册", "集中学习", "实时签到", "报表", "家长评价", "退出"):
            assert entry in text, entry
        for button in app.screen.query("#admin-menu Button"):
            assert button.region.bottom <= SIZE[1] - 1, f"{button.id} is below the screen"


async def test_session_list_shows_its_state_beside_a_long_title(secured: Campaign, admin_app: MakeApp) -> None:
    ss.create_session(
        secured,
        "学习贯彻党的二十届四中全会精神暨创先争优活动动员部署会议",
        ss.parse_local(secured, "2026-11-27 08:00"),
        ss.parse_local(secured, "2026-11-27 09:30"),
        place="第十八中学行政楼三楼党员活动室",
    )
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        assert "状态" in text and "签到中" in text
        # 请假, 补签 and 结束签到 are said in the footer (they are in the attendance view behind "l").
        assert "请假" in text and "补签" in text and "结束" in text


async def test_question_mark_lists_every_key(secured: Campaign, admin_app: MakeApp) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "全部按键" in screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert "取消学习会" in screen_text(app) and "立即开放签到" in screen_text(app)


async def test_roster_filter_by_key_and_down_into_the_table(secured: Campaign, admin_app: MakeApp) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert "筛选" in screen_text(app)
        await pilot.press("slash")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#roster-filter", Input)
        await pilot.press(*"wxm")
        await pilot.press("down")
        await settle(pilot)
        assert app.screen.query_one("#roster-table", DataTable).has_focus


async def test_enter_in_the_first_field_moves_to_the_next_one(roster: Campaign, admin_app: MakeApp) -> None:
    # First run: the passphrase is set in a two-field form.
    app = admin_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert app.screen is form
        assert app.focused is form.query_one("#field-again", Input)
        assert "不一致" not in screen_text(app)
        assert not passphrase.is_set(roster)


async def test_satisfaction_shows_every_teacher_of_a_small_branch(secured: Campaign, admin_app: MakeApp) -> None:
    from campaign import feedback
    from campaign.roster import add_member

    c = secured
    for code, name in (("T005", "赵敏"), ("T006", "钱进")):
        add_member(c, code, name, "实验小学", pin="1234")
    for code in ("T001", "T002", "T003", "T004", "T005", "T006"):
        slip = feedback.issue_batch(c, code, 1).codes[0]
        feedback.answer(c, slip, "satisfied", "好")
    app = admin_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        for name in ("王晓明", "李红", "张伟", "王小梅", "赵敏", "钱进"):
            assert name in text, name
        assert "评价太少" in text  # 6 answers, fewer than the 20 needed to judge
        teachers = app.screen.query_one("#stats-teachers", DataTable)
        assert teachers.row_count == 6 and teachers.size.height >= 1 + 6  # the header and every row


async def test_reports_keep_their_column_headers(secured: Campaign, admin_app: MakeApp) -> None:
    ss.create_session(
        secured, "学习", ss.parse_local(secured, "2026-11-20 08:00"), ss.parse_local(secured, "2026-11-20 09:30")
    )
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("p")
        await settle(pilot)
        for table_id in ("#report-sessions", "#report-members"):
            table = app.screen.query_one(table_id, DataTable)
            assert table.show_header and table.size.height >= 2, table_id  # the header and at least one row
        text = screen_text(app)
        assert "标题" in text and "出勤率" in text
