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
from storage.records import Attendance
from tui.text import cell, fit, literal, one_line

from .base import AdminScreen
from .calls import failure_message, in_thread
from .form import Field, FormScreen
from .tables import refill, selected_key

POLL_SECONDS = 0.5
COLUMN_KEYS = ("col_name", "col_school", "col_status", "col_time", "col_note")
NAME_WIDTH = 30
#: Reload even without a write, so the session's state follows the clock (scheduled → open → closed).
RELOAD_SECONDS = 15.0

#: How each status sorts and looks; "missing" means no record yet.
ORDER = ("missing", "excused", "late", "on_time", "make_up", "absent")
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
    # The same order as LiveAttendance.resort, which only sees what the cells show.
    rows.sort(key=lambda r: (ORDER.index(r.status), r.school, fit(r.name, NAME_WIDTH), r.code))
    s = roll.session
    when = f"{s.start.astimezone(tz):%Y-%m-%d %H:%M}–{s.end.astimezone(tz):%H:%M}"
    return LiveView(s.title, when, s.place, str(roll.state), tuple(rows))


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
        counts = t(
            "admin.live_counts",
            present=view.count("on_time", "late", "make_up"),
            late=view.count("late"),
            excused=view.count("excused"),
            missing=view.count("missing"),
            absent=view.count("absent"),
        )
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
        keep = selected_key(table)
        for r in changed:
            for column, value in zip(COLUMN_KEYS, self.cells(r), strict=True):
                table.update_cell(r.code, column, value, update_width=True)
        rank = {t(f"admin.status_{s}"): i for i, s in enumerate(ORDER)}
        table.sort(
            "col_status",
            "col_school",
            "col_name",
            key=lambda v: (rank.get(str(v[0]), len(ORDER)), str(v[1]), str(v[2])),
        )
        if keep is not None:
            table.move_cursor(row=table.get_row_index(keep), animate=False)

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

    def action_close_session(self) -> None:
        c, sid = self.campaign, self.session_id
        missing = self.view.count("missing") if self.view else 0
        form = FormScreen(
            t("admin.close_confirm", missing=missing), [], lambda _v: ss.close_session(c, sid), t("admin.close_session")
        )
        self.app.push_screen(form, self.after_close)

    async def after_change(self, result: object) -> None:
        if result is not None:
            await self.reload()

    async def after_close(self, absent: list[Attendance] | None) -> None:
        if absent is not None:
            self.notify(t("admin.closed", absent=len(absent)), markup=False)
            await self.reload()
