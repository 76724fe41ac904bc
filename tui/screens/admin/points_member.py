"""Anyone's points, for the secretary: the breakdown line by line, the adjustments made by hand, a new adjustment
(points and a reason) and the undo of one. Both changes are campaign calls that audit themselves.

``c`` asks for another member code; ``m``/``t``/``y``/``a`` choose the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from tui.points_view import PERIODS, MemberPoints, Trouble, adjust, calmly, member_points, period_title, undo
from tui.text import cell, literal, member_name, one_line
from tui.widgets.breakdown import Breakdown, signed

from .calls import Failed, attempt
from .form import Field, FormScreen
from .points_base import PointsAdminScreen, fill_sized
from .tables import selected_key

ADJUSTMENT_COLUMNS = ("col_id", "col_at", "col_points", "col_reason", "col_by", "col_state")


def parse_points(text: str) -> int:
    try:
        return int(text.strip().replace("＋", "+").replace("－", "-"))
    except ValueError:
        raise Refused("points_ui.bad_points", value=text) from None


class PointsMemberScreen(PointsAdminScreen):
    """Construct with the campaign, a member code (None: ask for one first) and the period."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="points-member.back"),
        Binding("c", "choose", "points_ui.key_member", id="points-member.choose"),
        Binding("n", "adjust", "points_ui.key_adjust", id="points-member.adjust"),
        Binding("z", "undo", "points_ui.key_undo", id="points-member.undo"),
        Binding("m", "period('month')", "points_ui.key_month", id="points-member.month"),
        Binding("t", "period('term')", "points_ui.key_term", id="points-member.term"),
        Binding("y", "period('year')", "points_ui.key_year", id="points-member.year"),
        Binding("a", "period('all')", "points_ui.key_all", id="points-member.all"),
    ]

    @dataclass
    class Loaded(Message):
        view: MemberPoints | Trouble

    def __init__(self, campaign: Campaign, code: str | None, period: str = "term") -> None:
        super().__init__()
        self.campaign = campaign
        self.code = code
        self.period = period
        self.view: MemberPoints | None = None

    def compose(self) -> ComposeResult:
        yield Static(literal(t("points_ui.member_title"), "bold"), id="pm-title", classes="screen-title")
        yield Static(id="pm-total", classes="points-status")
        yield Breakdown(id="pm-lines")
        yield Static(literal(t("points_ui.adjustments"), "bold $secondary"), classes="points-status")
        yield DataTable(id="pm-adjustments", cursor_type="row", zebra_stripes=True)
        yield Static(id="pm-status", classes="points-status")
        yield Footer()

    def on_mount(self) -> None:
        if self.code is None:
            self.action_choose()
        else:
            self.load()

    @work(thread=True, exclusive=True, group="points-member")
    def load(self) -> None:
        code, period = self.code, self.period
        if code is None:
            return
        c = self.campaign
        self.post_message(self.Loaded(calmly(lambda: member_points(c, code, period))))

    def on_points_member_screen_loaded(self, event: Loaded) -> None:
        if isinstance(event.view, Trouble):
            self.say(event.view.message)
            return
        view = self.view = event.view
        m = view.member
        heading = t("points_ui.member_heading", name=member_name(m), school=one_line(m.school), code=m.code)
        self.query_one("#pm-title", Static).update(literal(f"{t('points_ui.member_title')} · {heading}", "bold"))
        total = t("points_ui.mine_total", period=period_title(view.board), total=view.total)
        place = (
            t("points_ui.mine_place", rank=view.rank, count=view.count) if view.rank else t("points_ui.mine_no_place")
        )
        self.query_one("#pm-total", Static).update(literal(f"{total}   {place}", "bold"))
        self.query_one(Breakdown).show(view.lines, empty=t("points_ui.mine_empty"))
        tz = self.campaign.tz
        rows = [
            (
                str(a.id),
                [
                    cell(str(a.id)),
                    cell(f"{a.at.astimezone(tz):%Y-%m-%d %H:%M}"),
                    cell(signed(a.points)),
                    cell(a.reason, max_width=40),
                    cell(a.by, max_width=16),
                    cell(t("points_ui.adjustment_undone" if a.undone else "points_ui.adjustment_active")),
                ],
            )
            for a in view.adjustments
        ]
        headings = [(key, t(f"points_ui.{key}")) for key in ADJUSTMENT_COLUMNS]
        fill_sized(self.query_one(DataTable), headings, rows)

    def say(self, text: str) -> None:
        self.query_one("#pm-status", Static).update(literal(text))

    def action_period(self, period: str) -> None:
        if period in PERIODS:
            self.period = period
            self.load()

    def action_choose(self) -> None:
        fields = [Field("code", t("points_ui.member_code"), self.code or "")]

        def check(values: dict[str, str]) -> str:
            code = values["code"].strip()
            member_points(self.campaign, code, self.period)  # refuses an unknown code, in the form
            return code

        def done(code: str | None) -> None:
            if code:
                self.code = code
                self.say("")
                self.load()
            elif self.code is None:
                self.app.pop_screen()

        self.app.push_screen(FormScreen(t("points_ui.member_title"), fields, check, t("points_ui.member_show")), done)

    def action_adjust(self) -> None:
        view = self.view
        if view is None:
            return
        c, code = self.campaign, view.member.code
        fields = [Field("points", t("points_ui.adjust_points")), Field("reason", t("points_ui.adjust_reason"))]

        def save(values: dict[str, str]) -> tuple[int, str]:
            points = parse_points(values["points"])
            adjust(c, code, points, values["reason"])
            return points, values["reason"]

        def done(result: tuple[int, str] | None) -> None:
            if result is not None:
                self.say(t("points_ui.adjusted", points=signed(result[0]), reason=one_line(result[1])))
                self.load()

        title = t("points_ui.adjust_title", name=member_name(view.member))
        self.app.push_screen(FormScreen(title, fields, save, t("points_ui.adjust_save")), done)

    async def action_undo(self) -> None:
        view = self.view
        key = selected_key(self.query_one(DataTable))
        chosen = next((a for a in view.adjustments if str(a.id) == key), None) if view is not None else None
        if chosen is None or chosen.undone:
            self.say(t("points_ui.nothing_to_undo"))
            return
        c, adjustment_id = self.campaign, chosen.id
        result = await attempt(self, lambda: undo(c, adjustment_id))
        if isinstance(result, Failed):
            self.say(result.message)
            return
        self.say(t("points_ui.undone", id=adjustment_id))
        self.load()
