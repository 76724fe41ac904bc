"""The live attendance view: who is in, late, excused, and still missing at one study session.

Another process (the kiosk) writes the sign-ins. The view polls the store's cheap generation fingerprint twice a
second and reloads the roll call only when it changed, so a sign-in shows here within a second or so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static
from textual.worker import WorkerCancelled

from campaign import roster
from campaign import study_sessions as ss
from campaign.context import Campaign
from campaign.i18n import t
from storage.errors import StoreError
from storage.records import Attendance, SignInMethod
from tui.text import cell, literal, one_line

from .base import AdminScreen
from .calls import Failed, attempt, failure_message, in_thread
from .form import Field, FormScreen
from .tables import refill, selected_key

POLL_SECONDS = 0.5
COLUMN_KEYS = ("col_name", "col_school", "col_status", "col_time", "col_note")
NAME_WIDTH = 30
#: How many of the latest arrivals the counts line names.
RECENT = 3
#: Reload even without a write, so the session's state follows the clock (scheduled → open → closed).
RELOAD_SECONDS = 15.0

#: How each status looks; "missing" means no record yet.
STYLE = {
    "on_time": "green",
    "make_up": "green",
    "late": "yellow",
    "excused": "cyan",
    "absent": "red",
    "missing": "bold red",
}


@dataclass(frozen=True)
class LiveRow:
    code: str
    name: str
    school: str
    status: str
    at: str
    note: str


@dataclass(frozen=True)
class LiveView:
    """Everything the view shows, built in a worker thread."""

    title: str
    when: str
    place: str
    state: str
    rows: tuple[LiveRow, ...]
    #: The latest arrivals, newest first ("name HH:MM"): shown above the table, wherever their rows are.
    recent: tuple[str, ...] = ()

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r.status in statuses)


def load_view(c: Campaign, session_id: int) -> LiveView:
    roll = ss.roll_call(c, session_id)
    members = {m.code: m for m in roster.list_members(c)}
    tz = c.tz
    rows: list[LiveRow] = []
    for code, a in roll.records.items():
        m = members.get(code)
        note = a.reason or (t("admin.minutes_late", minutes=a.minutes_late) if a.minutes_late else "")
        rows.append(
            LiveRow(
                code,
                m.name if m else code,
                m.school if m else "",
                str(a.status),
                f"{a.at.astimezone(tz):%H:%M}",
                note,
            )
        )
    for code in roll.missing:
        m = members[code]
        rows.append(LiveRow(code, m.name, m.school, "missing", "", ""))
    # The roster's order (school, pinyin): a row stays where the secretary saw it when its member arrives.
    place = {m.code: i for i, m in enumerate(members.values())}
    rows.sort(key=lambda r: (place.get(r.code, len(place)), r.code))
    arrived = sorted(
        (a for a in roll.records.values() if a.status in ss.PRESENT and a.how is not SignInMethod.SECRETARY),
        key=lambda a: a.at,
        reverse=True,
    )
    recent = tuple(
        f"{members[a.member].name if a.member in members else a.member} {a.at.astimezone(tz):%H:%M}"
        for a in arrived[:RECENT]
    )
    s = roll.session
    when = f"{s.start.astimezone(tz):%Y-%m-%d %H:%M}–{s.end.astimezone(tz):%H:%M}"
    return LiveView(s.title, when, s.place, str(roll.state), tuple(rows), recent)


class LiveAttendance(AdminScreen):
    """One session's roll call, kept current; the secretary records excused absences, make-ups, and closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="live.back"),
        Binding("x", "excuse", "admin.excuse", id="live.excuse"),
        Binding("m", "make_up", "admin.make_up", id="live.make_up"),
        Binding("k", "close_session", "admin.close_session", id="live.close"),
    ]

    def __init__(self, campaign: Campaign, session_id: int) -> None:
        super().__init__()
        self.campaign = campaign
        self.session_id = session_id
        self.seen: object = None
        self.loaded_at = 0.0
        self.view: LiveView | None = None
        #: The rows in the table, by member code.
        self.shown: dict[str, LiveRow] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="live-title")
        yield Static("", id="live-counts")
        table: DataTable[object] = DataTable(id="live-table", cursor_type="row", zebra_stripes=True)
        for key in COLUMN_KEYS:
            table.add_column(cell(t(f"admin.{key}")), key=key)
        yield table
        yield Footer()

    async def on_mount(self) -> None:
        await self.reload()
        self.set_interval(POLL_SECONDS, self.poll, name="live-poll")

    async def poll(self) -> None:
        store = self.campaign.store
        try:
            generation = await in_thread(self, store.generation, group="poll")
            if generation != self.seen or time.monotonic() - self.loaded_at > RELOAD_SECONDS:
                await self.reload(generation)
        except WorkerCancelled:
            # The secretary left the view while it was reloading: its workers were cancelled with it.
            return
        except StoreError as exc:
            # A busy or damaged store is shown and retried on the next tick, not fatal to the view.
            self.query_one("#live-counts", Static).update(literal(failure_message(exc) or "", "bold $error"))

    async def reload(self, generation: object = None) -> None:
        c, sid = self.campaign, self.session_id
        if generation is None:
            generation = await in_thread(self, c.store.generation, group="poll")
        view = await in_thread(self, lambda: load_view(c, sid), group="poll")
        self.seen, self.loaded_at = generation, time.monotonic()
        self.show(view)

    def show(self, view: LiveView) -> None:
        self.view = view
        place = f" · {one_line(view.place)}" if view.place else ""
        self.query_one("#live-title", Static).update(
            literal(f"{one_line(view.title)}  {view.when}{place}  [{t('sessions.state_' + view.state)}]", "bold")
        )
        # 已到 is the sum of its parts, shown beside them, so no number is counted twice.
        counts = t(
            "attendance.live_counts",
            present=view.count("on_time", "late", "make_up"),
            on_time=view.count("on_time"),
            late=view.count("late"),
            make_up=view.count("make_up"),
            excused=view.count("excused"),
            missing=view.count("missing"),
            absent=view.count("absent"),
            total=len(view.rows),
        )
        if view.recent:
            counts += "\n" + t("attendance.recent", names="、".join(view.recent))
        self.query_one("#live-counts", Static).update(literal(counts))
        self.fill_table(view)

    def cells(self, r: LiveRow) -> tuple[Text, ...]:
        return (
            cell(r.name, max_width=NAME_WIDTH),
            cell(r.school, max_width=20),
            cell(t(f"admin.status_{r.status}"), style=STYLE[r.status]),
            cell(r.at),
            cell(r.note, max_width=30),
        )

    def fill_table(self, view: LiveView) -> None:
        """Show ``view``'s rows. When only some members' attendance changed (the usual sign-in), update just their
        cells and re-sort: refilling a 2,000-member table re-measures every cell and stalls the screen for a second.
        """
        table = self.query_one("#live-table", DataTable)
        new = {r.code: r for r in view.rows}
        old, self.shown = self.shown, new
        if old is None or old.keys() != new.keys():
            refill(table, ((r.code, self.cells(r)) for r in view.rows))
            return
        changed = [r for code, r in new.items() if r != old[code]]
        if not changed:
            return
        for r in changed:
            for column, value in zip(COLUMN_KEYS, self.cells(r), strict=True):
                table.update_cell(r.code, column, value, update_width=True)

    def selected(self) -> LiveRow | None:
        code = selected_key(self.query_one("#live-table", DataTable))
        if self.view is None or code is None:
            return None
        return next((r for r in self.view.rows if r.code == code), None)

    def action_excuse(self) -> None:
        self.ask_reason("excuse")

    def action_make_up(self) -> None:
        self.ask_reason("make_up")

    def ask_reason(self, kind: str) -> None:
        row = self.selected()
        if row is None:
            return
        c, sid, code = self.campaign, self.session_id, row.code
        record = ss.excuse if kind == "excuse" else ss.make_up
        form = FormScreen(
            t(f"admin.{kind}_title", name=one_line(row.name), code=code),
            [Field("reason", t("admin.reason"))],
            lambda v: record(c, sid, code, v["reason"]),
            t("admin.save"),
        )
        self.app.push_screen(form, self.after_change)

    async def action_close_session(self) -> None:
        c, sid = self.campaign, self.session_id
        plan = await attempt(self, lambda: ss.close_plan(c, sid))
        if isinstance(plan, Failed):
            self.notify(plan.message, severity="error", markup=False)
            return
        # Says what closing will do; before the start that is "nobody recorded absent", and it must be confirmed.
        if plan.before_start:
            start = f"{plan.session.start.astimezone(c.tz):%Y-%m-%d %H:%M}"
            question = t("attendance.close_confirm_before_start", start=start, recorded=plan.recorded)
        else:
            question = t("attendance.close_confirm", absent=plan.absent, recorded=plan.recorded)
        form = FormScreen(question, [], lambda _v: ss.close_session(c, sid, confirmed=True), t("admin.close_session"))
        self.app.push_screen(form, self.after_close)

    async def after_change(self, result: object) -> None:
        if result is not None:
            await self.reload()

    async def after_close(self, absent: list[Attendance] | None) -> None:
        if absent is not None:
            self.notify(t("admin.closed", absent=len(absent)), markup=False)
            await self.reload()
