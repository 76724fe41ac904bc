"""The pledge cycle at the kiosk, end to end in a headless terminal: the board, my pledges after find → PIN, new
pledges (template, typed, phone), progress, fulfilment, self-assessment, peer rating, refusals, idle.

Each test asserts on what the screen shows and on what the store holds.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, OptionList

from campaign import pledges as P
from campaign.context import Campaign
from campaign.pledge_links import use_phone_link
from campaign.pledge_queries import list_pledges, member_pledges
from campaign.pledge_ratings import close_window, open_window, rated_by
from storage.records import PledgeGrade, PledgeState, StudySession
from tui.screens.admin.tables import refill
from tui.screens.kiosk_home import KioskHome
from tui.screens.kiosk_pledge_base import KioskPledgeScreen
from tui.screens.kiosk_pledge_board import KioskPledgeBoard
from tui.screens.kiosk_pledge_detail import KioskPledgeDetail
from tui.screens.kiosk_pledge_mine import KioskPledgeMine
from tui.screens.kiosk_pledge_new import KioskPledgeNew
from tui.screens.kiosk_pledge_phone import KioskPledgePhone
from tui.screens.kiosk_pledge_rate import KioskPledgeRate
from tui.screens.kiosk_pledge_write import KioskPledgeWrite
from tui.text import cell
from tui.widgets.qr_code import QrCode

from .conftest import MARKUP, SMALL, FakeMonotonic, MakeApp, published, screen_text, settle, to_my_pledges


def states(c: Campaign, code: str) -> dict[str, PledgeState]:
    return {line.pledge.text: line.pledge.state for line in member_pledges(c, code)}


async def test_board_is_reached_from_home_by_keyboard_and_pages(pledged: Campaign, make_app: MakeApp) -> None:
    for n in range(8):
        published(pledged, "T003", "service", f"第 {n} 项：每月家访不少于 {n + 1} 户")
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        # Keyboard only: Tab moves along the home buttons to the board's.
        for _ in range(5):
            if app.focused is not None and app.focused.id == "pledges":
                break
            await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "pledges"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeBoard)
        shown = screen_text(app)
        assert "党员承诺公示栏" in shown and "公示期 5 天" in shown and "第 1/" in shown
        assert "公示中，至 2026-12-02" in shown  # published today, 5 days of 公示
        first_page = shown
        await pilot.press("right")
        await settle(pilot)
        assert "第 2/" in screen_text(app) and screen_text(app) != first_page
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)


async def test_board_filters_by_category_and_school(pledged: Campaign, make_app: MakeApp) -> None:
    app = make_app(pledged)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#pledges", Button).press()
        await settle(pilot)
        shown = screen_text(app)
        assert "本学期读完 3 本教育专著" in shown and "全勤参加支部学习" in shown
        app.screen.query_one("#board-category", Button).press()  # the first category: 带头学习提高
        await settle(pilot)
        shown = screen_text(app)
        assert "类别：带头学习提高" in shown
        assert "本学期读完 3 本教育专著" in shown and "全勤参加支部学习" not in shown
        app.screen.query_one("#board-school", Button).press()  # the first school: 第十八中学
        await settle(pilot)
        board = app.screen
        assert isinstance(board, KioskPledgeBoard) and board.board is not None
        school = str(board.query_one("#board-school", Button).label).removeprefix("学校：")
        assert school in ("第十八中学", "实验小学")
        assert board.board.lines and {line.school for line in board.board.lines} == {school}
        assert ("本学期读完 3 本教育专著" in screen_text(app)) == (school == "第十八中学")


async def test_whole_cycle_from_a_template(pledged: Campaign, make_app: MakeApp) -> None:
    c = pledged
    app = make_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001")
        assert isinstance(app.screen, KioskPledgeMine)
        assert "王晓明 的承诺" in screen_text(app)
        app.screen.query_one("#mine-new", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeNew)
        # The category button cycles to 带头服务群众 (the third); its first template is the home visits.
        for _ in range(2):
            app.screen.query_one("#new-category", Button).press()
            await settle(pilot)
        assert "带头服务群众" in screen_text(app)
        app.screen.query_one("#new-choices", OptionList).focus()
        await pilot.press("down", "enter")  # highlight the first template, choose it
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "new-number"
        await pilot.press("1", "2")
        await settle(pilot)
        assert "预览" in screen_text(app) and "12" in screen_text(app)
        due = app.screen.query_one("#new-due", Input)
        due.value = "2026-12-20"
        due.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeMine)
        assert "已提交，等待支部审定" in screen_text(app)
        new = [line.pledge for line in member_pledges(c, "T001") if "12" in line.pledge.text]
        assert len(new) == 1 and new[0].state is PledgeState.SUBMITTED and str(new[0].due) == "2026-12-20"
        pid = new[0].id

        # The secretary publishes it (another program); the member keeps it at the kiosk.
        c.actor = "secretary"
        P.publish_pledge(c, pid)
        await app.screen.load()
        await settle(pilot)
        table = app.screen.query_one("#mine-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(pid))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeDetail)

        app.screen.query_one("#detail-progress", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeWrite)
        note = app.screen.query_one("#write-input", Input)
        note.value = "已家访 5 户 " + MARKUP
        note.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeDetail)
        shown = screen_text(app)
        assert "进展已记录" in shown and "[@click=app.quit]x[/]" in shown and "<script>" in shown

        app.screen.query_one("#detail-fulfil", Button).press()
        await settle(pilot)
        app.screen.query_one("#write-input", Input).value = "全年家访 12 户，见家访手册"
        await pilot.press("enter")
        await settle(pilot)
        assert "已标记为完成" in screen_text(app)

        app.screen.query_one("#detail-self", Button).press()
        await settle(pilot)
        await pilot.press("enter")  # no grade chosen yet
        await settle(pilot)
        assert "请先选择一个等级" in screen_text(app)
        app.screen.query_one("#write-grade-excellent", Button).press()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "自评已保存" in screen_text(app)

    stored = P.get_pledge(c, pid)
    assert stored.state is PledgeState.FULFILLED and stored.self_grade is PledgeGrade.EXCELLENT
    assert stored.evidence == "全年家访 12 户，见家访手册"
    assert stored.progress[0]["note"] == "已家访 5 户 " + MARKUP


async def test_typed_pledge_and_its_refusals(pledged: Campaign, make_app: MakeApp) -> None:
    c = pledged
    app = make_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T004")
        app.screen.query_one("#mine-new", Button).press()
        await settle(pilot)
        options = app.screen.query_one("#new-choices", OptionList)
        options.focus()
        options.highlighted = options.get_option_index("-typed")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "new-text"
        screen = app.screen

        async def submit(text: str, target: str, due: str) -> str:
            screen.query_one("#new-text", Input).value = text
            screen.query_one("#new-target", Input).value = target
            screen.query_one("#new-due", Input).value = due
            screen.query_one("#new-submit", Button).press()
            await settle(pilot)
            return screen_text(app)

        assert "没有目标的承诺不能保存" in await submit("每周听课 2 节", "", "2026-12-31")
        assert "已经过去" in await submit("每周听课 2 节", "2 节/周", "2026-11-01")
        shown = await submit("长" * 2000, "2 节/周", "2026-12-31")
        assert "最多 500 字" in shown and "2000" in shown
        # Still here (no crash screen), the text kept to be shortened, the layout whole: buttons still on screen.
        assert app.screen is screen and len(screen.query_one("#new-text", Input).value) == 2000
        assert "提交审定" in shown and "返回" in shown
        # Nothing was stored by the refusals.
        assert set(states(c, "T004")) == {"每周为学困生辅导 2 次", "读完《给教师的建议》"}

        await submit(MARKUP, "[bold]2[/] 节/周", "2026-12-31")
        assert isinstance(app.screen, KioskPledgeMine)
        shown = screen_text(app)
        assert "[bold]粗体[/]" in shown and "已提交" in shown
    assert states(c, "T004")[MARKUP] is PledgeState.SUBMITTED


async def test_write_it_on_the_phone(pledged: Campaign, make_app: MakeApp) -> None:
    c = pledged
    app = make_app(c)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_my_pledges(pilot, "T001")
        app.screen.query_one("#mine-new", Button).press()
        await settle(pilot)
        options = app.screen.query_one("#new-choices", OptionList)
        options.focus()
        options.highlighted = options.get_option_index("-phone")
        await pilot.press("enter")
        await settle(pilot)
        phone = app.screen
        assert isinstance(phone, KioskPledgePhone) and phone.link is not None
        qr = phone.query_one(QrCode)
        assert qr.data == phone.link.url and phone.link.url.endswith(phone.link.code)
        assert "等待手机提交" in screen_text(app)
        await phone.poll()
        await settle(pilot)
        assert phone.draft is None

        # The phone sends the form (what the web form's handler calls).
        use_phone_link(c, phone.link.code, category="service", text=MARKUP, target="4 户", due="2026-12-31")
        await phone.poll()
        await settle(pilot)
        shown = screen_text(app)
        assert "已收到手机上写的承诺" in shown and "[@click=app.quit]x[/]" in shown
        assert states(c, "T001")[MARKUP] is PledgeState.DRAFT
        phone.query_one("#phone-submit", Button).press()
        await settle(pilot)
        assert "已提交" in screen_text(app)
    assert states(c, "T001")[MARKUP] is PledgeState.SUBMITTED


async def test_rating_peers_once_never_own(pledged: Campaign, make_app: MakeApp) -> None:
    c = pledged
    app = make_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T002")
        assert "互评进行中：还有 1 项" in screen_text(app)  # T002's own fulfilled pledge is not offered
        app.screen.query_one("#mine-rate", Button).press()
        await settle(pilot)
        rate = app.screen
        assert isinstance(rate, KioskPledgeRate)
        assert [line.pledge.member for line in rate.lines] == ["T004"]
        shown = screen_text(app)
        assert "读完《给教师的建议》" in shown and "每月到社区服务" not in shown
        rate.query_one("#rate-good", Button).press()
        await settle(pilot)
        assert "已评价" in screen_text(app) and "没有等您评价的承诺" in screen_text(app)
        assert len(rated_by(c, "T002")) == 1

        # The window closes while someone is at the rating screen: the refusal is shown, nothing is stored.
        c.actor = "secretary"
        close_window(c)
        offer(rate, c, "T004")
        rate.query_one("#rate-excellent", Button).press()
        await settle(pilot)
        assert "互评现在没有开放" in screen_text(app)
        assert rated_by(c, "T002") == {line.id for line in rate.lines}  # still the one rating

        # Open again, and the same pledge offered a second time (a stale list): refused, once is once.
        open_window(c)
        rate.query_one("#rate-excellent", Button).press()
        await settle(pilot)
        assert "只能评价一次" in screen_text(app)
    assert len(rated_by(c, "T002")) == 1


def offer(rate: KioskPledgeRate, c: Campaign, member: str) -> None:
    """Put ``member``'s fulfilled pledges on the rating list, as a list read a moment ago could hold them."""
    rate.lines = [line for line in list_pledges(c, state=PledgeState.FULFILLED) if line.pledge.member == member]
    table: DataTable[object] = rate.query_one("#rate-table", DataTable)
    refill(table, [(line.id, [cell(line.name), cell(""), cell(line.pledge.text)]) for line in rate.lines])


async def test_rating_ones_own_pledge_is_refused_on_screen(pledged: Campaign, make_app: MakeApp) -> None:
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T004")
        app.screen.query_one("#mine-rate", Button).press()
        await settle(pilot)
        rate = app.screen
        assert isinstance(rate, KioskPledgeRate)
        assert all(line.pledge.member != "T004" for line in rate.lines)
        offer(rate, pledged, "T004")
        rate.query_one("#rate-excellent", Button).press()
        await settle(pilot)
        assert "不能评价自己的承诺" in screen_text(app)
    assert rated_by(pledged, "T004") == set()


async def test_sign_in_mentions_pledges_due_soon_and_leads_to_them(
    pledged: Campaign, open_session: StudySession, make_app: MakeApp
) -> None:
    published(pledged, "T001", "service", "本周家访 2 户", due=pledged.now().date().replace(day=30))
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press(*"T001", "enter")
        await settle(pilot)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "签到成功" in shown and "您有 1 项承诺将在 7 天内到期" in shown and "本周家访 2 户" in shown
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeMine)
        # The result's "home in a few seconds" does not follow the member here.
        assert app.return_home_at is None


async def test_idle_goes_home_from_a_pledge_screen_and_forgets_the_member(
    pledged: Campaign, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001")
        app.screen.query_one("#mine-new", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, KioskPledgeNew)
        monotonic.advance(app.settings.idle_timeout_s - 0.5)
        app.return_home_if_idle()
        assert isinstance(app.screen, KioskPledgeNew)
        monotonic.advance(0.5)
        app.return_home_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        assert not any(isinstance(s, KioskPledgeMine | KioskPledgeNew) for s in app.screen_stack)
        assert "王晓明" not in screen_text(app)


async def test_lock_down_holds_on_pledge_screens(pledged: Campaign, make_app: MakeApp) -> None:
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001")
        await pilot.press("ctrl+q")
        await settle(pilot)
        from tui.screens.passphrase import PassphraseScreen

        assert isinstance(app.screen, PassphraseScreen)
        assert app.return_code is None


async def test_wrong_pin_keeps_pledges_closed(pledged: Campaign, make_app: MakeApp) -> None:
    app = make_app(pledged)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001", pin="9999")
        assert not isinstance(app.screen, KioskPledgeMine)
        assert "PIN" in screen_text(app)


async def test_returned_pledge_shows_the_comment_and_is_corrected(pledged: Campaign, make_app: MakeApp) -> None:
    c = pledged
    line = next(x for x in member_pledges(c, "T001") if x.pledge.state is PledgeState.SUBMITTED)
    comment = "目标请写成数量 [@click=app.quit]x[/] <b>"
    P.return_pledge(c, line.id, comment)
    app = make_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001")
        mine = app.screen
        assert isinstance(mine, KioskPledgeMine)
        table = mine.query_one("#mine-table", DataTable)
        table.move_cursor(row=table.get_row_index(line.id))
        await settle(pilot)
        assert "退回意见：" + comment in screen_text(app)
        mine.query_one("#mine-open", Button).press()
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, KioskPledgeDetail)
        detail.query_one("#detail-edit", Button).press()
        await settle(pilot)
        form = app.screen
        assert isinstance(form, KioskPledgeNew)
        assert form.query_one("#new-text", Input).value == line.pledge.text
        form.query_one("#new-target", Input).value = "每月 4 户，全年 40 户"
        form.query_one("#new-submit", Button).press()
        await settle(pilot)
        assert app.screen is detail and "已提交" in screen_text(app)
    stored = P.get_pledge(c, line.id)
    assert stored.state is PledgeState.SUBMITTED and stored.target == "每月 4 户，全年 40 户"


async def test_progress_by_number_and_by_phone(pledged: Campaign, make_app: MakeApp) -> None:
    c = pledged
    line = next(x for x in member_pledges(c, "T001") if x.pledge.state is PledgeState.PUBLISHED)
    app = make_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await to_my_pledges(pilot, "T001")
        app.push_screen(KioskPledgeDetail(app.screen.member, line.id))  # type: ignore[attr-defined]
        await settle(pilot)
        detail = app.screen
        detail.query_one("#detail-progress", Button).press()
        await settle(pilot)
        # Digits only (no input method needed): the number, Enter, Enter.
        assert app.focused is not None and app.focused.id == "write-number"
        await pilot.press("8", "enter", "enter")
        await settle(pilot)
        assert app.screen is detail and "已完成 8（目标：缺勤 0 次）" in screen_text(app)

        detail.query_one("#detail-phone", Button).press()
        await settle(pilot)
        phone = app.screen
        assert isinstance(phone, KioskPledgePhone) and phone.link is not None
        assert "用手机写进展" in screen_text(app)
        use_phone_link(c, phone.link.code, note="手机上写的进展 [bold]x[/]")
        await phone.poll()
        await settle(pilot)
        assert "进展已记录" in screen_text(app)
    notes = [entry["note"] for entry in P.get_pledge(c, line.id).progress]
    assert notes == ["已完成 8（目标：缺勤 0 次）", "手机上写的进展 [bold]x[/]"]


SCREENS = ("board", "find", "mine", "new", "detail", "write", "rate", "phone")


@pytest.mark.parametrize("which", SCREENS)
async def test_idle_goes_home_from_every_pledge_screen(
    which: str, pledged: Campaign, make_app: MakeApp, monotonic: FakeMonotonic
) -> None:
    from tui.screens.kiosk_pledge_find import KioskPledgeFind

    c = pledged
    member = c.repos.members.get("T001")
    assert member is not None
    line = next(x for x in member_pledges(c, "T001") if x.pledge.state is PledgeState.PUBLISHED)
    screens: dict[str, Callable[[], Screen[None]]] = {
        "board": lambda: KioskPledgeBoard(),
        "find": lambda: KioskPledgeFind(),
        "mine": lambda: KioskPledgeMine(member),
        "new": lambda: KioskPledgeNew(member),
        "detail": lambda: KioskPledgeDetail(member, line.id),
        "write": lambda: KioskPledgeWrite(member, line.pledge, "fulfil"),
        "rate": lambda: KioskPledgeRate(member),
        "phone": lambda: KioskPledgePhone(member, ""),
    }
    app = make_app(c)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(screens[which]())
        await settle(pilot)
        assert not isinstance(app.screen, KioskHome)
        monotonic.advance(app.settings.idle_timeout_s)
        app.return_home_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskHome)
        assert not any(isinstance(s, KioskPledgeScreen | KioskPledgeFind) for s in app.screen_stack)
