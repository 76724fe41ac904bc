"""Study sessions for the secretary: schedule, edit, cancel, open early, and go to a session's live roll call."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from campaign import session_series as series
from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from storage.records import StudySession
from tui.text import cell, literal

from .base import AdminScreen
from .calls import Failed, attempt, in_thread
from .form import Field, FormScreen
from .tables import refill, selected_key

TIME_FORMAT = "%Y-%m-%d %H:%M"


def session_fields(c: Campaign, s: StudySession | None) -> list[Field]:
    """The fields of the session form, filled from ``s`` (editing) or with next hour's defaults (new)."""
    if s is None:
        start = (c.now() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        title, topic, place, end = "", "", "", start + timedelta(hours=1)
    else:
        title, topic, place, start, end = s.title, s.topic, s.place, s.start.astimezone(c.tz), s.end.astimezone(c.tz)
    return [
        Field("title", t("admin.session_title"), title),
        Field("topic", t("admin.session_topic"), topic),
        Field("place", t("admin.session_place"), place),
        Field("start", t("admin.session_start"), f"{start:{TIME_FORMAT}}", placeholder="YYYY-MM-DD HH:MM"),
        Field("end", t("admin.session_end"), f"{end:{TIME_FORMAT}}", placeholder="YYYY-MM-DD HH:MM"),
        *(series_fields() if s is None else []),
    ]


def series_fields() -> list[Field]:
    """A new session's kind (三会一课) and its repeating schedule."""
    kinds = tuple((series.kind_label(k), k or "none") for k in ("", *series.KINDS))
    repeats = tuple((t(f"attendance.repeat_{r or 'none'}"), r or "none") for r in ("", *series.REPEATS))
    return [
        Field("kind", t("attendance.kind"), "none", options=kinds),
        Field("repeat", t("attendance.repeat"), "none", options=repeats),
        Field("count", t("attendance.count"), "1"),
    ]


def save_session(c: Campaign, session_id: int | None, v: dict[str, str]) -> StudySession:
    start, end = ss.parse_local(c, v["start"]), ss.parse_local(c, v["end"])
    if session_id is None:
        repeat = "" if v.get("repeat", "none") == "none" else v["repeat"]
        try:
            count = int(v.get("count", "1").strip() or "1") if repeat else 1
        except ValueError:
            raise Refused("attendance.bad_count", count=v["count"], limit=series.MAX_COUNT) from None
        created = series.create_series(
            c,
            v["title"],
            start,
            end,
            place=v["place"],
            topic=v["topic"],
            kind="" if v.get("kind", "none") == "none" else v["kind"],
            repeat=repeat,
            count=count,
        )
        return created[0]
    return ss.edit_session(c, session_id, title=v["title"], start=start, end=end, place=v["place"], topic=v["topic"])


class SessionsScreen(AdminScreen):
    """Every study session, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="sessions.back"),
        # Excuse (请假), make-up (补签) and closing (结束签到) live in the attendance view: the footer says so.
        Binding("l", "live", "admin_keys.session_live", id="sessions.live"),
        Binding("n", "new", "admin.session_new", id="sessions.new"),
        Binding("e", "edit", "admin.session_edit", id="sessions.edit"),
        Binding("c", "cancel_session", "admin.session_cancel", id="sessions.cancel"),
        Binding("o", "open_now", "admin.session_open", id="sessions.open"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign

    def compose(self) -> ComposeResult:
        yield Static(literal(t("admin.menu_sessions"), "bold"), classes="screen-title")
        table: DataTable[object] = DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        # The state before the long columns: at 80 columns it is the one that must not be cut off.
        for key in ("col_id", "col_start", "col_state", "col_title", "col_place"):
            table.add_column(cell(t(f"admin.{key}")), key=key)
        yield table
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        c = self.campaign
        sessions, now, tz = await in_thread(self, lambda: (ss.list_sessions(c), c.now(), c.tz))
        refill(
            self.query_one("#sessions-table", DataTable),
            (
                (
                    str(s.id),
                    (
                        cell(str(s.id)),
                        cell(f"{s.start.astimezone(tz):{TIME_FORMAT}}–{s.end.astimezone(tz):%H:%M}"),
                        cell(t(f"sessions.state_{ss.state_of(s, now)}")),
                        cell(s.title, max_width=40),
                        cell(s.place, max_width=20),
                    ),
                )
                for s in sorted(sessions, key=lambda s: (s.start, s.id), reverse=True)
            ),
        )

    def selected_id(self) -> int | None:
        key = selected_key(self.query_one("#sessions-table", DataTable))
        return int(key) if key is not None else None

    def action_new(self) -> None:
        c = self.campaign
        form = FormScreen(
            t("admin.session_new"), session_fields(c, None), lambda v: save_session(c, None, v), t("admin.save")
        )
        self.app.push_screen(form, self.after_save)

    async def action_edit(self) -> None:
        c, sid = self.campaign, self.selected_id()
        if sid is None:
            return
        s = await in_thread(self, lambda: ss.get_session(c, sid))
        form = FormScreen(
            t("admin.session_edit"), session_fields(c, s), lambda v: save_session(c, sid, v), t("admin.save")
        )
        self.app.push_screen(form, self.after_save)

    def action_cancel_session(self) -> None:
        c, sid = self.campaign, self.selected_id()
        if sid is None:
            return
        form = FormScreen(
            t("admin.cancel_confirm", id=sid), [], lambda _v: ss.cancel_session(c, sid), t("admin.session_cancel")
        )
        self.app.push_screen(form, self.after_save)

    async def action_open_now(self) -> None:
        c, sid = self.campaign, self.selected_id()
        if sid is None:
            return
        result = await attempt(self, lambda: ss.open_now(c, sid))
        if isinstance(result, Failed):
            self.notify(result.message, severity="error", markup=False)
        await self.reload()

    def action_live(self) -> None:
        sid = self.selected_id()
        if sid is None:
            return
        from .live import LiveAttendance

        self.app.push_screen(LiveAttendance(self.campaign, sid))

    @on(DataTable.RowSelected, "#sessions-table")
    def row_chosen(self) -> None:
        self.action_live()

    async def after_save(self, result: StudySession | None) -> None:
        if result is not None:
            await self.reload()
            table = self.query_one("#sessions-table", DataTable)
            table.move_cursor(row=table.get_row_index(str(result.id)), animate=False)
