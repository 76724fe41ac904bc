"""The secretary's flows under Pilot, asserting on the screen and on the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, Select, Static

from campaign import passphrase
from campaign import study_sessions as ss
from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.signin import sign_in
from storage.records import AttendanceStatus, Role
from tui.app import ChuangyouApp
from tui.screens.admin.form import FormScreen
from tui.screens.admin.home import AdminHome
from tui.screens.admin.live import LiveAttendance
from tui.screens.admin.roster import RosterScreen
from tui.screens.admin.sessions import SessionsScreen
from tui.screens.passphrase import PassphraseScreen

from .conftest import PASSPHRASE, SIZE, click_button, log_in, settle, type_text, until

MakeApp = Callable[[Campaign], ChuangyouApp]


def table_text(app: ChuangyouApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def static_text(app: ChuangyouApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def fill(pilot: object, values: dict[str, str]) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen)
    for name, value in values.items():
        widget = screen.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.pause()


async def test_first_run_sets_the_passphrase_then_it_is_asked_on_the_next_start(
    roster: Campaign, admin_app: MakeApp
) -> None:
    app = admin_app(roster)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#field-new", Input).password
        await fill(pilot, {"new": "short", "again": "short"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert "8" in static_text(app, "#form-problem")  # too short: the minimum is named
        await fill(pilot, {"new": PASSPHRASE, "again": PASSPHRASE + "x"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert not passphrase.is_set(roster)
        await fill(pilot, {"new": PASSPHRASE, "again": PASSPHRASE})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, AdminHome)
        assert not app.screen.query_one("#menu-sessions", Button).disabled
    assert passphrase.verify(roster, PASSPHRASE)
    assert any(e.action == "passphrase.set" for e in roster.repos.audit.recent())

    again = admin_app(roster)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, PassphraseScreen)
        await type_text(pilot, "wrong passphrase")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(again.screen, PassphraseScreen)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(again.screen, AdminHome) and again.screen.unlocked


async def test_keys_before_login_open_nothing(secured: Campaign, admin_app: MakeApp) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # cancelling the passphrase leaves the app
        await settle(pilot)
    assert app.return_code == 0
    assert not any(e.action == "admin.login" for e in secured.repos.audit.recent())


async def test_secretary_creates_a_session_excuses_a_member_closes_it_and_sees_absentees(
    secured: Campaign, admin_app: MakeApp, clock: FixedClock
) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("n")
        await settle(pilot)
        await fill(
            pilot,
            {
                "title": "学习二十届四中全会精神",
                "place": "会议室",
                "start": "2026-11-27 08:00",
                "end": "2026-11-27 09:30",
            },
        )
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        (session,) = ss.list_sessions(secured)
        assert session.title == "学习二十届四中全会精神" and session.place == "会议室"
        assert table_text(app, "#sessions-table")[0][3] == "学习二十届四中全会精神"

        await pilot.press("enter")  # the session's live roll call
        await settle(pilot)
        assert isinstance(app.screen, LiveAttendance)
        rows = table_text(app, "#live-table")
        assert [r[2] for r in rows] == ["未到"] * 4
        names = [r[0] for r in rows]
        target = names.index("张伟")
        app.screen.query_one("#live-table", DataTable).move_cursor(row=target)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        await click_button(pilot, "#form-submit")  # no reason: refused, the form stays
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert "原因" in static_text(app, "#form-problem")
        await type_text(pilot, "外出培训")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LiveAttendance)
        excused = secured.repos.attendance.get(session.id, "T003")
        assert excused is not None and excused.status is AttendanceStatus.EXCUSED and excused.reason == "外出培训"
        assert ["张伟", "实验小学", "请假", "07:50", "外出培训"] in table_text(app, "#live-table")

        clock.advance(hours=2)  # after the session: closing records who did not come (before it, nobody)
        await pilot.press("k")
        await settle(pilot)
        assert "3" in static_text(app, "#form-title")  # three not in yet will be absent
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, LiveAttendance)
        statuses = {r[0]: r[2] for r in table_text(app, "#live-table")}
        assert statuses == {"张伟": "请假", "王晓明": "缺席", "李红": "缺席", "王小梅": "缺席"}
        assert "缺席 3" in static_text(app, "#live-counts")

    records = {a.member: a.status for a in secured.repos.attendance.for_session(session.id)}
    assert records == {
        "T001": AttendanceStatus.ABSENT,
        "T002": AttendanceStatus.ABSENT,
        "T003": AttendanceStatus.EXCUSED,
        "T004": AttendanceStatus.ABSENT,
    }
    actions = [e.action for e in secured.repos.audit.recent()]
    assert {"session.create", "attendance.excuse", "session.close", "admin.login"} <= set(actions)


async def test_make_up_sign_in_needs_a_reason_and_is_audited(secured: Campaign, admin_app: MakeApp) -> None:
    s = ss.create_session(
        secured, "学习会", ss.parse_local(secured, "2026-11-27 08:00"), ss.parse_local(secured, "2026-11-27 09:00")
    )
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LiveAttendance)
        names = [r[0] for r in table_text(app, "#live-table")]
        app.screen.query_one("#live-table", DataTable).move_cursor(row=names.index("李红"))
        await pilot.press("m")
        await settle(pilot)
        await type_text(pilot, "忘带胸卡，书记确认到场")
        await pilot.press("enter")
        await settle(pilot)
        assert ["李红", "第十八中学", "补签", "07:50", "忘带胸卡，书记确认到场"] in table_text(app, "#live-table")
    record = secured.repos.attendance.get(s.id, "T002")
    assert record is not None and record.status is AttendanceStatus.MAKE_UP
    entry = next(e for e in secured.repos.audit.recent() if e.action == "attendance.make_up")
    assert entry.detail["reason"] == "忘带胸卡，书记确认到场" and entry.actor == "secretary"


async def test_edit_and_cancel_a_session(secured: Campaign, admin_app: MakeApp) -> None:
    s = ss.create_session(
        secured, "旧标题", ss.parse_local(secured, "2026-12-01 08:00"), ss.parse_local(secured, "2026-12-01 09:00")
    )
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, {"title": "新标题", "end": "2026-12-01 07:00"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert "结束时间必须晚于开始时间" in static_text(app, "#form-problem")
        await fill(pilot, {"end": "2026-12-01 10:00"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert table_text(app, "#sessions-table")[0][3] == "新标题"
        await pilot.press("c")
        await settle(pilot)
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert table_text(app, "#sessions-table")[0][2] == "已取消"
    stored = ss.get_session(secured, s.id)
    assert (stored.title, stored.cancelled) == ("新标题", True)
    assert f"{stored.end.astimezone(secured.tz):%H:%M}" == "10:00"


async def test_roster_add_edit_deactivate_and_pin_reset(secured: Campaign, admin_app: MakeApp) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert len(table_text(app, "#roster-table")) == 4
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, {"code": "T001", "name": "重复", "school": "实验小学", "role": "member"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert "T001" in static_text(app, "#form-problem")  # code already in use
        await fill(pilot, {"code": "T005", "name": "欧阳娜娜", "pin": "2468"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        added = secured.repos.members.get("T005")
        assert added is not None and added.name == "欧阳娜娜" and added.pinyin_initials == "oynn"
        assert ["T005", "欧阳娜娜", "实验小学", "党员", "在册", "已设"] in table_text(app, "#roster-table")

        codes = [r[0] for r in table_text(app, "#roster-table")]
        app.screen.query_one("#roster-table", DataTable).move_cursor(row=codes.index("T005"))
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, {"name": "欧阳娜", "school": "第十八中学", "role": "committee"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        edited = secured.repos.members.get("T005")
        assert edited is not None
        assert (edited.name, edited.school, edited.role) == ("欧阳娜", "第十八中学", Role.COMMITTEE)

        await pilot.press("d")
        await settle(pilot)
        deactivated = secured.repos.members.get("T005")
        assert deactivated is not None and not deactivated.active
        assert ["T005", "欧阳娜", "第十八中学", "支委", "已停用", "已设"] in table_text(app, "#roster-table")

        codes = [r[0] for r in table_text(app, "#roster-table")]
        app.screen.query_one("#roster-table", DataTable).move_cursor(row=codes.index("T002"))
        old_hash = secured.repos.members.get("T002").pin_hash  # type: ignore[union-attr]
        await pilot.press("p")
        await settle(pilot)
        await fill(pilot, {"pin": "12a4", "again": "12a4"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert "4 到 8 位数字" in static_text(app, "#form-problem")
        await fill(pilot, {"pin": "97531", "again": "97531"})
        await click_button(pilot, "#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
    member = secured.repos.members.get("T002")
    assert member is not None and member.pin_hash != old_hash
    from campaign.hashing import verify_secret

    assert member.pin_hash is not None and verify_secret("97531", member.pin_hash)
    actions = [e.action for e in secured.repos.audit.recent()]
    assert actions.count("member.edit") == 2 and "member.add" in actions and "member.set_pin" in actions


async def test_filter_typing_is_text_not_commands(secured: Campaign, admin_app: MakeApp) -> None:
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#roster-filter", Input).focus()
        await type_text(pilot, "wxm")
        assert isinstance(app.screen, RosterScreen)
        assert sorted(r[1] for r in table_text(app, "#roster-table")) == ["王小梅", "王晓明"]
        await type_text(pilot, "ad")  # "a" would add a member if the filter did not hold the keys
        assert isinstance(app.screen, RosterScreen)
        assert table_text(app, "#roster-table") == []


async def test_live_view_follows_sign_ins_written_by_another_store(
    secured: Campaign, admin_app: MakeApp, clock: FixedClock
) -> None:
    s = ss.create_session(
        secured, "学习会", ss.parse_local(secured, "2026-11-27 08:00"), ss.parse_local(secured, "2026-11-27 09:00")
    )
    kiosk = open_campaign(secured.store.root, actor="kiosk", clock=FixedClock(clock.now()))  # its own store
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one("#live-table", DataTable)
        names = [r[0] for r in table_text(app, "#live-table")]
        table.move_cursor(row=names.index("张伟"))
        sign_in(kiosk, s.id, "T001", "1234")
        await until(
            pilot, lambda: ["王晓明", "第十八中学", "准时", "07:50", ""] in table_text(app, "#live-table"), "sign-in"
        )
        assert "已到 1" in static_text(app, "#live-counts")
        assert table_text(app, "#live-table")[table.cursor_row][0] == "张伟"  # the cursor stayed on its member
        assert [r[2] for r in table_text(app, "#live-table")] == ["未到", "未到", "未到", "准时"]


async def test_badge_sheet_for_the_active_members_from_the_roster(
    secured: Campaign, admin_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("b")
        # Into the one exports folder, not the current directory (issue 8).
        sheet = Path(secured.store.root).resolve() / "exports" / "badges.pdf"
        await until(pilot, sheet.exists, "the badge sheet")
    assert sheet.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "badges.pdf").exists()
