"""Pledges for the secretary: the review queue (publish / return with a comment), the evaluation queue (grade
with a comment, the self-assessment and the peer tally beside it), the due and overdue lists, per-member and
per-category views, the peer-rating window, and CSV/XLSX exports.

Every change is a campaign call (:mod:`campaign.pledges`, :mod:`campaign.pledge_ratings`), which checks the
state machine and writes the audit entry; store calls run in worker threads; refusals show on the status line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from campaign import pledge_queries as q
from campaign.context import Campaign
from campaign.i18n import t
from campaign.pledge_ratings import close_window, current_window, open_window
from campaign.pledge_views import due_within, export_list
from campaign.pledges import evaluate_pledge, publish_pledge, return_pledge
from storage.records import PledgeCategory, PledgeGrade, PledgeState
from tui.text import cell, literal
from tui.widgets.pledge_text import grade_name, pledge_full, tally_text

from .base import AdminScreen
from .calls import Failed, attempt
from .form import Field, FormScreen
from .tables import refill, selected_key

#: The views, in the order ``v`` goes through them.
VIEWS = ("review", "evaluation", "due", "overdue", "members", "categories", "all")
PLEDGE_COLUMNS = ("col_id", "col_name", "col_category", "col_text", "col_due", "col_state")
EVALUATION_COLUMNS = ("col_id", "col_name", "col_text", "col_self", "col_peers")
MEMBER_COLUMNS = ("col_code", "col_name", "col_school", "col_total", "col_open", "col_overdue")
CATEGORY_COLUMNS = ("col_category", "col_total", "col_published", "col_fulfilled", "col_evaluated", "col_grades")


@dataclass
class ViewData:
    """What one view shows, read in one worker call: its rows, the counts on the view line, the window."""

    view: str
    lines: list[q.PledgeLine] = field(default_factory=list)
    members: list[q.MemberSummary] = field(default_factory=list)
    categories: list[q.CategorySummary] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    window_open: bool = False
    #: False for the placeholder shown while the view is read.
    loaded: bool = False


def read_view(c: Campaign, view: str, member: str | None, category: PledgeCategory | None) -> ViewData:
    data = ViewData(view, window_open=current_window(c) is not None, loaded=True)
    review, evaluation, overdue = q.review_queue(c), q.evaluation_queue(c), q.overdue(c)
    data.counts = {"review": len(review), "evaluation": len(evaluation), "overdue": len(overdue)}
    if view == "review":
        data.lines = list(review)
    elif view == "evaluation":
        data.lines = list(evaluation)
    elif view == "due":
        data.lines = due_within(c)
    elif view == "overdue":
        data.lines = overdue
    elif view == "members":
        data.members = q.member_summaries(c)
    elif view == "categories":
        data.categories = q.category_summaries(c)
    else:
        data.lines = q.list_pledges(c, member=member, category=category)
    return data


class PledgesScreen(AdminScreen):
    """The pledge views; construct with the campaign: ``PledgesScreen(c)``."""

    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = ["admin.tcss", "pledges.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "admin.back", id="pledges.back"),
        Binding("v", "next_view", "admin_pledges.key_view", id="pledges.view"),
        Binding("p", "publish", "admin_pledges.key_publish", id="pledges.publish"),
        Binding("r", "return_pledge", "admin_pledges.key_return", id="pledges.return"),
        Binding("g", "grade", "admin_pledges.key_grade", id="pledges.grade"),
        Binding("m", "by_member", "admin_pledges.key_member", id="pledges.member"),
        Binding("c", "by_category", "admin_pledges.key_category", id="pledges.category"),
        Binding("w", "window", "admin_pledges.key_window", id="pledges.window"),
        Binding("x", "export", "admin_pledges.key_export", id="pledges.export"),
    ]

    def __init__(self, campaign: Campaign, view: str = "review") -> None:
        super().__init__()
        self.campaign = campaign
        self.view = view
        self.data = ViewData(view)
        #: Filters of the "all" view (set from a member or a category row, or from the selected pledge).
        self.member: str | None = None
        self.category: PledgeCategory | None = None
        #: The width the rows were last cut for.
        self.painted_width = 0

    def compose(self) -> ComposeResult:
        yield Static(literal(t("admin_pledges.title"), "bold"), classes="screen-title", id="pledges-title")
        yield Static(id="pledges-views")
        yield DataTable(id="pledges-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="pledges-detail-box"):
            yield Static(id="pledges-detail")
        yield Static(id="pledges-status")
        # The palette's hint would take the room of the screen's own keys at 80 columns (ctrl+p still opens it).
        yield Footer(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Steps are offered only in the view they belong to (so the footer fits an 80-column window).
        if action in ("publish", "return_pledge"):
            return self.view == "review"
        if action == "grade":
            return self.view == "evaluation"
        return True

    async def on_screen_resume(self) -> None:
        await self.reload()

    def on_resize(self) -> None:
        # Only a new width changes the rows (the pledge column takes the room there is).
        if self.size.width != self.painted_width:
            self.paint()

    async def reload(self) -> None:
        c, view, member, category = self.campaign, self.view, self.member, self.category
        data = await attempt(self, lambda: read_view(c, view, member, category))
        if isinstance(data, Failed):
            self.say(data.message, problem=True)  # a busy or damaged store: said calmly, never a crash screen
            return
        if view != self.view:
            return  # the secretary moved on meanwhile
        self.data = data
        self.paint()

    # -- drawing -------------------------------------------------------------------------------------------------

    def paint(self) -> None:
        self.painted_width = self.size.width
        self.paint_views()
        table: DataTable[object] = self.query_one("#pledges-table", DataTable)
        columns = self.columns()
        if tuple(str(k.value) for k in table.columns) != columns:
            table.clear(columns=True)
            for key in columns:
                table.add_column(cell(t(f"admin_pledges.{key}")), key=key)
        refill(table, self.rows())
        if table.row_count == 0:
            self.query_one("#pledges-detail", Static).update(literal(t(f"admin_pledges.empty_{self.view}")))
        else:
            self.show_selected()
        self.refresh_bindings()

    def paint_views(self) -> None:
        counts = self.data.counts
        parts: list[Content] = []
        for view in VIEWS:
            name = t(f"admin_pledges.view_{view}")
            if view in counts:
                name = f"{name} {counts[view]}"
            parts.append(Content.styled(f" {name} ", "reverse bold" if view == self.view else "dim"))
        window = t("admin_pledges.window_open" if self.data.window_open else "admin_pledges.window_closed")
        line = Content(" ").join(parts)
        filters = self.filter_text()
        tail = f"   {window}" + (f"   {filters}" if filters else "")
        self.query_one("#pledges-views", Static).update(line.append(literal(tail)))

    def filter_text(self) -> str:
        if self.view != "all":
            return ""
        parts = []
        if self.member:
            parts.append(t("admin_pledges.filter_member", code=self.member))
        if self.category:
            parts.append(t("admin_pledges.filter_category", name=t(f"pledges.category_{self.category}")))
        return " · ".join(parts)

    def columns(self) -> tuple[str, ...]:
        if self.view == "evaluation":
            return EVALUATION_COLUMNS
        if self.view == "members":
            return MEMBER_COLUMNS
        if self.view == "categories":
            return CATEGORY_COLUMNS
        return PLEDGE_COLUMNS

    def rows(self) -> list[tuple[str, list[Text]]]:
        if self.view == "members":
            return [
                (
                    s.code,
                    [
                        cell(s.code),
                        cell(s.name, max_width=16),
                        cell(s.school, max_width=16),
                        cell(str(s.total)),
                        cell(str(sum(n for st, n in s.states.items() if st in OPEN_STATES))),
                        cell(str(s.overdue), style="bold red" if s.overdue else ""),
                    ],
                )
                for s in self.data.members
            ]
        if self.view == "categories":
            return [
                (
                    str(s.category),
                    [
                        cell(t(f"pledges.category_{s.category}")),
                        cell(str(s.total)),
                        cell(str(s.states.get(PledgeState.PUBLISHED, 0))),
                        cell(str(s.states.get(PledgeState.FULFILLED, 0))),
                        cell(str(s.states.get(PledgeState.EVALUATED, 0))),
                        cell(" ".join(f"{grade_name(g)}{s.grades.get(g, 0)}" for g in PledgeGrade)),
                    ],
                )
                for s in self.data.categories
            ]
        if self.view == "evaluation":
            out = []
            for line in self.data.lines:
                assert isinstance(line, q.EvaluationLine)
                out.append(
                    (
                        line.id,
                        [
                            cell(line.id),
                            cell(line.name, max_width=8),
                            cell(line.pledge.text, max_width=self.text_width(52)),
                            cell(grade_name(line.self_grade)),
                            cell("/".join(str(line.tally.count(g)) for g in PledgeGrade)),
                        ],
                    )
                )
            return out
        return [
            (
                line.id,
                [
                    cell(line.id),
                    cell(line.name, max_width=8),
                    cell(t(f"pledges.category_{line.pledge.category}"), max_width=10),
                    cell(line.pledge.text, max_width=self.text_width(62)),
                    cell(line.pledge.due.isoformat()),
                    cell(t(f"pledges.state_{line.pledge.state}"), max_width=10),
                ],
            )
            for line in self.data.lines
        ]

    def text_width(self, others: int) -> int:
        """The pledge column gets what the ``others`` cells of the other columns leave (at least 12)."""
        return max(12, self.size.width - others)

    def selected_line(self) -> q.PledgeLine | None:
        key = selected_key(self.query_one("#pledges-table", DataTable))
        return next((line for line in self.data.lines if line.id == key), None)

    @on(DataTable.RowHighlighted, "#pledges-table")
    def show_selected(self) -> None:
        detail = self.query_one("#pledges-detail", Static)
        line = self.selected_line()
        if line is None:
            detail.update(literal(t(f"admin_pledges.hint_{self.view}")) if self.view in SUMMARY_VIEWS else "")
            return
        who = literal(f"{line.name} · {line.school} · {line.pledge.member}", "bold")
        parts = [who, pledge_full(line.pledge, self.campaign.tz)]
        if isinstance(line, q.EvaluationLine):
            parts.insert(1, literal(t("admin_pledges.peer_tally", tally=tally_text(line.tally)), "bold"))
        detail.update(Content("\n").join(parts))

    def say(self, text: str, *, problem: bool = False) -> None:
        status = self.query_one("#pledges-status", Static)
        status.update(literal(text))
        status.set_class(problem, "-problem")

    # -- moving between views ------------------------------------------------------------------------------------

    async def show_view(self, view: str) -> None:
        self.view = view
        self.data = ViewData(view, counts=self.data.counts, window_open=self.data.window_open)
        self.paint()
        await self.reload()

    async def action_next_view(self) -> None:
        await self.show_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    async def action_back(self) -> None:
        if self.view == "all" and (self.member or self.category):
            self.member = self.category = None
            await self.reload()
            return
        self.app.pop_screen()

    async def action_by_member(self) -> None:
        key = selected_key(self.query_one("#pledges-table", DataTable))
        line = self.selected_line()
        if self.view == "members" and key is not None:
            self.member, self.category = key, None
        elif line is not None:
            self.member, self.category = line.pledge.member, None
        else:
            await self.show_view("members")
            return
        await self.show_view("all")

    async def action_by_category(self) -> None:
        key = selected_key(self.query_one("#pledges-table", DataTable))
        line = self.selected_line()
        if self.view == "categories" and key is not None:
            self.member, self.category = None, PledgeCategory(key)
        elif line is not None:
            self.member, self.category = None, line.pledge.category
        else:
            await self.show_view("categories")
            return
        await self.show_view("all")

    @on(DataTable.RowSelected, "#pledges-table")
    async def row_chosen(self) -> None:
        if self.view == "members":
            await self.action_by_member()
        elif self.view == "categories":
            await self.action_by_category()
        elif self.view == "review":
            await self.action_publish()
        elif self.view == "evaluation":
            self.action_grade()

    # -- steps ---------------------------------------------------------------------------------------------------

    def selected_or_say(self) -> q.PledgeLine | None:
        line = self.selected_line()
        if line is None:
            self.say(t("admin_pledges.no_selection"), problem=True)
        return line

    async def action_publish(self) -> None:
        line = self.selected_or_say()
        if line is None:
            return
        c, pid = self.campaign, line.id
        done = await attempt(self, lambda: publish_pledge(c, pid))
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
        else:
            self.say(t("admin_pledges.published", id=pid, name=line.name))
        await self.reload()

    def action_return_pledge(self) -> None:
        line = self.selected_or_say()
        if line is None:
            return
        c, pid = self.campaign, line.id
        title = t("admin_pledges.return_title", id=pid, name=line.name, text=line.pledge.text)
        fields = [Field("comment", t("admin_pledges.comment"), placeholder=t("admin_pledges.return_placeholder"))]
        form: FormScreen[object] = FormScreen(
            title, fields, lambda v: return_pledge(c, pid, v["comment"]), t("admin_pledges.key_return")
        )
        self.app.push_screen(form, lambda done: self.after_step(done, t("admin_pledges.returned", id=pid)))

    def action_grade(self) -> None:
        line = self.selected_or_say()
        if not isinstance(line, q.EvaluationLine):
            return
        c, pid = self.campaign, line.id
        title = t(
            "admin_pledges.grade_title",
            id=pid,
            name=line.name,
            text=line.pledge.text,
            self_grade=grade_name(line.self_grade),
            self_comment=line.self_comment,
            tally=tally_text(line.tally),
        )
        options = tuple((grade_name(g), str(g)) for g in PledgeGrade)
        fields = [
            Field("grade", t("admin_pledges.grade"), options=options),
            Field("comment", t("admin_pledges.comment")),
        ]
        form: FormScreen[object] = FormScreen(
            title, fields, lambda v: evaluate_pledge(c, pid, v["grade"], v["comment"]), t("admin_pledges.key_grade")
        )
        self.app.push_screen(form, lambda done: self.after_step(done, t("admin_pledges.graded", id=pid)))

    def after_step(self, done: object | None, said: str) -> None:
        if done is not None:
            self.say(said)
        # The resumed screen reloads by itself (on_screen_resume).

    async def action_window(self) -> None:
        c, is_open = self.campaign, self.data.window_open
        done = await attempt(self, lambda: close_window(c) if is_open else open_window(c))
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
        else:
            self.say(t("admin_pledges.window_closed_now" if is_open else "admin_pledges.window_opened_now"))
        await self.reload()

    def action_export(self) -> None:
        c, view = self.campaign, self.view
        lines = None if view in SUMMARY_VIEWS else list(self.data.lines)
        name = "all" if view in SUMMARY_VIEWS else view
        options = (("CSV", "csv"), ("Excel (XLSX)", "xlsx"))
        fields = [Field("format", t("admin_pledges.export_format"), value="xlsx", options=options)]
        what = t("admin_pledges.export_all") if lines is None else t(f"admin_pledges.view_{view}")
        form: FormScreen[object] = FormScreen(
            t("admin_pledges.export_title", what=what),
            fields,
            lambda v: export_list(c, name, v["format"] or "xlsx", lines),
            t("admin_pledges.key_export"),
        )
        self.app.push_screen(form, self.exported)

    def exported(self, path: object | None) -> None:
        if path is not None:
            self.say(t("admin_pledges.exported", path=str(path)))


#: Views of summaries rather than of pledges.
SUMMARY_VIEWS = ("members", "categories")
#: States counted as "open" in the per-member view.
OPEN_STATES = frozenset(
    {PledgeState.DRAFT, PledgeState.SUBMITTED, PledgeState.RETURNED, PledgeState.PUBLISHED, PledgeState.FULFILLED}
)
