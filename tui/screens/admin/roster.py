"""The roster for the secretary: members added, edited, deactivated; schools; PINs set and reset."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Key
from textual.widgets import DataTable, Footer, Input, Static

from campaign import roster
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.exports import export_path
from campaign.i18n import t
from campaign.names import keys_start_with, search_key
from storage.records import Member, Role, School
from tui import limits
from tui.text import cell, literal

from .base import AdminScreen
from .calls import Failed, attempt, in_thread
from .form import Field, FormScreen
from .tables import refill, selected_key

#: The most members listed at once; the filter narrows the rest down.
MAX_SHOWN = 200


def role_options() -> tuple[tuple[str, str], ...]:
    return tuple((t(f"cli.role_{r}"), r.value) for r in Role)


def member_fields(schools: list[School], m: Member | None) -> list[Field]:
    school_options = tuple((s.name, s.name) for s in sorted(schools, key=lambda s: s.name))
    default_school = schools[0].name if len(schools) == 1 else ""
    fields = [] if m is not None else [Field("code", t("admin.col_code"))]
    fields += [
        Field("name", t("admin.col_name"), m.name if m else ""),
        Field("school", t("admin.col_school"), m.school if m else default_school, options=school_options),
        Field("role", t("admin.col_role"), str(m.role) if m else Role.MEMBER.value, options=role_options()),
    ]
    if m is None:
        fields.append(Field("pin", t("admin.pin_optional"), password=True))
    return fields


def add_member(c: Campaign, v: dict[str, str]) -> Member:
    return roster.add_member(
        c, v["code"], v["name"], v["school"], role=Role(v["role"] or "member"), pin=v["pin"] or None
    )


def edit_member(c: Campaign, code: str, v: dict[str, str]) -> Member:
    return roster.edit_member(c, code, name=v["name"], school=v["school"] or None, role=Role(v["role"] or "member"))


def reset_pin(c: Campaign, code: str, v: dict[str, str]) -> Member:
    if v["pin"] != v["again"]:
        raise Refused("admin.pin_mismatch")
    roster.set_pin(c, code, v["pin"])
    return roster.get_member(c, code)


def matches(m: Member, key: str) -> bool:
    return (
        not key
        or key in m.code.lower()
        or key in m.name.lower()
        or keys_start_with(m.pinyin_initials, key)
        or keys_start_with(m.pinyin_full, key)
    )


class RosterScreen(AdminScreen):
    """Every member, inactive ones included; type in the filter to narrow by code, name or pinyin."""

    # The table first, so the command keys work at once; the filter is a click or a tab away.
    AUTO_FOCUS = "#roster-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="roster.back"),
        Binding("slash", "filter", "admin_keys.filter", id="roster.filter"),
        Binding("a", "add", "admin.member_add", id="roster.add"),
        Binding("e", "edit", "admin.member_edit", id="roster.edit"),
        Binding("d", "toggle_active", "admin.member_deactivate", id="roster.deactivate"),
        Binding("p", "reset_pin", "admin.member_pin", id="roster.pin"),
        Binding("s", "add_school", "admin.school_add", id="roster.school"),
        Binding("b", "badges", "admin.badges", id="roster.badges"),
        Binding("k", "pin_slips", "pin_slips.key", id="roster.pin_slips"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.members: list[Member] = []
        self.schools: list[School] = []

    def compose(self) -> ComposeResult:
        yield Static(literal(t("admin.menu_roster"), "bold"), classes="screen-title")
        yield Input(placeholder=t("admin.filter"), id="roster-filter", max_length=limits.SEARCH)
        table: DataTable[object] = DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        for key in ("col_code", "col_name", "col_school", "col_role", "col_active", "col_pin"):
            table.add_column(cell(t(f"admin.{key}")), key=key)
        yield table
        yield Static("", id="roster-empty")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters typed into the filter are text, not commands.
        commands = ("add", "edit", "toggle_active", "reset_pin", "add_school", "badges", "pin_slips")
        return not (action in commands and isinstance(self.focused, Input))

    def action_filter(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    def on_key(self, event: Key) -> None:
        # Down from the filter goes into the list it filters.
        if event.key == "down" and self.focused is self.query_one("#roster-filter", Input):
            event.stop()
            self.query_one("#roster-table", DataTable).focus()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        c = self.campaign
        self.members, self.schools = await in_thread(self, lambda: (roster.list_members(c), roster.list_schools(c)))
        self.show()

    def show(self) -> None:
        key = search_key(self.query_one("#roster-filter", Input).value)
        found = [m for m in self.members if matches(m, key)]
        # A DataTable measures every cell it is given: thousands of rows would stall each keystroke in the filter.
        shown = found[:MAX_SHOWN]
        refill(
            self.query_one("#roster-table", DataTable),
            (
                (
                    m.code,
                    (
                        cell(m.code, max_width=16),
                        cell(m.name, max_width=30),
                        cell(m.school, max_width=20),
                        cell(t(f"cli.role_{m.role}")),
                        cell(t("admin.active") if m.active else t("admin.inactive"), style="" if m.active else "dim"),
                        cell(t("admin.pin_set") if m.pin_hash else t("admin.pin_none")),
                    ),
                )
                for m in shown
            ),
        )
        if not self.members:
            note = t("admin.roster_empty")
        elif len(found) > len(shown):
            note = t("admin.roster_more", shown=len(shown), found=len(found))
        else:
            note = ""
        self.query_one("#roster-empty", Static).update(literal(note))

    @on(Input.Changed, "#roster-filter")
    def filter_changed(self) -> None:
        self.show()

    @on(Input.Submitted, "#roster-filter")
    def filter_done(self) -> None:
        self.query_one("#roster-table", DataTable).focus()

    def selected(self) -> Member | None:
        code = selected_key(self.query_one("#roster-table", DataTable))
        return next((m for m in self.members if m.code == code), None)

    def action_add(self) -> None:
        c = self.campaign
        if not self.schools:
            self.notify(t("admin.no_schools"), severity="warning", markup=False)
            return
        form = FormScreen(
            t("admin.member_add"), member_fields(self.schools, None), lambda v: add_member(c, v), t("admin.save")
        )
        self.app.push_screen(form, self.after_change)

    def action_edit(self) -> None:
        c, m = self.campaign, self.selected()
        if m is None:
            return
        code = m.code
        form = FormScreen(
            t("admin.member_edit_title", code=code),
            member_fields(self.schools, m),
            lambda v: edit_member(c, code, v),
            t("admin.save"),
        )
        self.app.push_screen(form, self.after_change)

    async def action_toggle_active(self) -> None:
        c, m = self.campaign, self.selected()
        if m is None:
            return
        code, active = m.code, not m.active
        result = await attempt(self, lambda: roster.edit_member(c, code, active=active))
        if isinstance(result, Failed):
            self.notify(result.message, severity="error", markup=False)
            return
        key = "admin.member_reactivated" if active else "admin.member_deactivated"
        self.notify(t(key, name=result.name, code=code), markup=False)
        await self.reload()

    def action_reset_pin(self) -> None:
        c, m = self.campaign, self.selected()
        if m is None:
            return
        code = m.code
        fields = [Field("pin", t("admin.pin_new"), password=True), Field("again", t("admin.pin_again"), password=True)]
        form = FormScreen(
            t("admin.member_pin_title", code=code), fields, lambda v: reset_pin(c, code, v), t("admin.save")
        )
        self.app.push_screen(form, self.after_pin)

    def action_add_school(self) -> None:
        c = self.campaign
        form = FormScreen(
            t("admin.school_add"),
            [Field("name", t("admin.col_school"))],
            lambda v: roster.add_school(c, v["name"]),
            t("admin.save"),
        )
        self.app.push_screen(form, self.after_change)

    async def action_badges(self) -> None:
        try:
            from campaign.printing.badges import write_badge_sheet
        except ImportError:
            self.notify(t("admin.badges_unavailable"), severity="warning", markup=False)
            return
        c = self.campaign
        codes = [m.code for m in self.members if m.active]
        out = export_path(c, "badges.pdf")
        result = await attempt(self, lambda: write_badge_sheet(c, out, codes))
        if isinstance(result, Failed):
            self.notify(result.message, severity="error", markup=False)
        else:
            self.notify(t("admin.badges_written", path=str(out), count=len(codes)), markup=False)

    def action_pin_slips(self) -> None:
        """PINs for every active member without one, and their sealed slips (asked first: it sets PINs)."""
        c = self.campaign
        count = sum(1 for m in self.members if m.active and not m.pin_hash)
        if not count:
            self.notify(t("pin_slips.nobody"), severity="warning", markup=False)
            return

        def issue(_values: dict[str, str]) -> str:
            from campaign.printing.pin_slips import issue_pin_slips

            path, done = issue_pin_slips(c, export_path(c, "pin-slips.pdf"))
            return t("pin_slips.written", count=done, path=str(path))

        form = FormScreen(t("pin_slips.confirm", count=count), [], issue, t("pin_slips.key"))
        self.app.push_screen(form, self.after_pin_slips)

    async def after_pin_slips(self, said: str | None) -> None:
        if said is not None:
            self.notify(said, markup=False, timeout=30)
            await self.reload()

    async def after_change(self, result: object) -> None:
        if result is not None:
            await self.reload()

    async def after_pin(self, result: Member | None) -> None:
        if result is not None:
            self.notify(t("admin.pin_was_reset", code=result.code), markup=False)
            await self.reload()
