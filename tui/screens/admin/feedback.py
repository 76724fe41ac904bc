"""Parent feedback for the secretary: batches of slips issued per teacher, their printable sheet, the printer.

From here the secretary issues a batch (``n``), writes its A4 sheet into the data directory's ``exports/``
folder (``p``), sends it to the printer when CUPS ``lp`` exists (``l``), shows one slip's QR code on screen for
parents at a meeting (``c`` or enter), and opens the satisfaction figures (``s``). Every change goes through the
campaign services, which audit it; store calls run in worker threads and come back as messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from campaign import audit_log, feedback, roster
from campaign.context import Campaign
from campaign.i18n import t
from campaign.locations import exports_dir
from campaign.printing.printer import lp_available, print_pdf
from storage.records import FeedbackBatch
from tui.text import cell, literal

from .feedback_common import FeedbackBase, Problem
from .feedback_issue import Issued, issue_fields, issue_from_form
from .form import FormScreen
from .tables import refill, selected_key

BATCH_COLUMNS = ("col_batch", "col_teacher", "col_class", "col_count", "col_unused", "col_expires", "col_issued")


@dataclass(frozen=True)
class BatchRow:
    """A batch as the list shows it: who it is for and how many of its slips are still unused."""

    batch: FeedbackBatch
    teacher: str
    unused: int


def batch_rows(c: Campaign) -> list[BatchRow]:
    """Every batch, newest first, with its teacher's name and its unused slips."""
    names = {m.code: m.name for m in roster.list_members(c)}
    rows: list[BatchRow] = []
    for summary in feedback.list_batches(c):
        batch = summary.batch
        rows.append(BatchRow(batch, names.get(batch.member, batch.member), summary.unused))
    return rows


def sheet_path(c: Campaign, batch_id: str) -> Path:
    """Where a batch's sheet goes: ``<data dir>/exports/feedback-<batch>.pdf`` (created if missing)."""
    folder = exports_dir(Path(c.store.root)).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"feedback-{batch_id}.pdf"


def write_sheet(c: Campaign, batch_id: str) -> Path:
    """Write the batch's sheet of unused slips (audited by ``write_slip_sheet``); refused like it."""
    # Imported here: reportlab and the font lookup are only loaded when a sheet is drawn.
    from campaign.printing.slips import write_slip_sheet

    return write_slip_sheet(c, batch_id, sheet_path(c, batch_id))


def print_sheet(c: Campaign, batch_id: str) -> tuple[Path, str]:
    """Write the batch's sheet and hand it to ``lp``; returns the file and what ``lp`` said. Audited."""
    path = write_sheet(c, batch_id)
    said = print_pdf(path)
    audit_log.record(c, "feedback.print", batch=batch_id, path=str(path))
    return path, said


def public_url_missing(c: Campaign) -> bool:
    """True while slips point at a guessed address: phones need ``public_url`` (the server's LAN address)."""
    return not c.settings.public_url.strip()


class FeedbackScreen(FeedbackBase):
    """The batches of slips, newest first; construct with the campaign: ``FeedbackScreen(c)``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="feedback.back"),
        Binding("n", "issue", "admin_feedback.issue", id="feedback.issue"),
        Binding("p", "sheet", "admin_feedback.sheet", id="feedback.sheet"),
        Binding("l", "print", "admin_feedback.print", id="feedback.print"),
        Binding("c", "show_qr", "admin_feedback.qr", id="feedback.qr"),
        Binding("s", "stats", "admin_feedback.stats", id="feedback.stats"),
    ]

    @dataclass
    class Loaded(Message):
        rows: list[BatchRow]
        warn_public_url: bool
        #: The branch's date today (read with the batches: the time zone is a stored setting).
        today: date

    @dataclass
    class Done(Message):
        """A sheet was written (and perhaps printed): ``text`` says where it went."""

        text: str

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.rows: list[BatchRow] = []
        #: The batch to put the cursor on after the next load (one just issued).
        self.select_next: str | None = None
        #: The branch's date, as of the last read (the batch list dims expired batches; the form's default expiry).
        self.today = campaign.clock.now().date()
        #: Printing is offered only where CUPS ``lp`` exists (checked once: it does not come and go).
        self.can_print = lp_available()

    def compose(self) -> ComposeResult:
        yield Static(literal(t("admin_feedback.title"), "bold"), classes="screen-title")
        yield Static("", id="feedback-warning", classes="feedback-warning")
        table: DataTable[object] = DataTable(id="feedback-batches", cursor_type="row", zebra_stripes=True)
        for key in BATCH_COLUMNS:
            table.add_column(cell(t(f"admin_feedback.{key}")), key=key)
        yield table
        yield Static("", id="feedback-status")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print" and not self.can_print:
            return False
        # Shown but greyed out until there is a batch to act on.
        if action in ("sheet", "print", "show_qr") and not self.rows:
            return None
        return True

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="feedback-batches")
    def load(self) -> None:
        c = self.campaign
        loaded = self.outcome(lambda: (batch_rows(c), public_url_missing(c), feedback.today(c)))
        if loaded is not None:
            self.post_message(self.Loaded(*loaded))

    @on(Loaded)
    def show_batches(self, message: Loaded) -> None:
        self.rows = message.rows
        warning = self.query_one("#feedback-warning", Static)
        warning.update(literal(t("admin_feedback.public_url_missing")) if message.warn_public_url else "")
        warning.display = message.warn_public_url
        self.today = today = message.today
        table = self.query_one("#feedback-batches", DataTable)
        refill(table, ((row.batch.id, self.cells(row, today)) for row in self.rows))
        if self.select_next is not None and self.select_next in table.rows:
            table.move_cursor(row=table.get_row_index(self.select_next), animate=False, scroll=True)
            self.select_next = None
        if not self.rows:
            self.say(t("admin_feedback.no_batches"))
        self.refresh_bindings()

    @staticmethod
    def cells(row: BatchRow, today: date) -> list[Text]:
        # An expired batch is dimmed: its slips can no longer be answered or printed.
        style = "dim" if row.batch.expires < today else ""
        return [
            cell(row.batch.id, style=style),
            cell(row.teacher, max_width=20, style=style),
            cell(row.batch.class_label, max_width=20, style=style),
            cell(str(row.batch.count), style=style),
            cell(str(row.unused), style=style),
            cell(row.batch.expires.isoformat(), style=style),
            cell(row.batch.issued_at.date().isoformat(), style=style),
        ]

    def selected(self) -> BatchRow | None:
        key = selected_key(self.query_one("#feedback-batches", DataTable))
        return next((row for row in self.rows if row.batch.id == key), None)

    def selected_or_say(self) -> BatchRow | None:
        row = self.selected()
        if row is None:
            self.say(t("admin_feedback.no_selection"))
        return row

    def say(self, text: str, *, problem: bool = False) -> None:
        status = self.query_one("#feedback-status", Static)
        status.update(literal(text))
        status.set_class(problem, "-problem")

    @on(Problem)
    def show_problem(self, message: Problem) -> None:
        self.say(message.text, problem=True)

    # -- issuing -------------------------------------------------------------------------------------------------

    def action_issue(self) -> None:
        c = self.campaign
        form: FormScreen[Issued] = FormScreen(
            t("admin_feedback.issue_title"),
            issue_fields(self.today),
            lambda values: issue_from_form(c, values),
            t("admin_feedback.issue_submit"),
        )
        self.app.push_screen(form, self.issued)

    def issued(self, issued: Issued | None) -> None:
        if issued is None:
            return
        batch = issued.batch
        self.say(
            t(
                "admin_feedback.issued",
                teacher=issued.teacher.name,
                count=batch.count,
                batch=batch.id,
                expires=batch.expires.isoformat(),
            )
        )
        # The resumed screen reloads the list (on_screen_resume); the new batch is selected once it is there.
        self.select_next = batch.id

    # -- the sheet and the printer -------------------------------------------------------------------------------

    def action_sheet(self) -> None:
        row = self.selected_or_say()
        if row is not None:
            self.sheet(row.batch.id, row.unused)

    @work(thread=True, exclusive=True, group="feedback-sheet")
    def sheet(self, batch_id: str, unused: int) -> None:
        c = self.campaign
        path = self.outcome(lambda: write_sheet(c, batch_id))
        if path is not None:
            self.post_message(self.Done(t("admin_feedback.sheet_written", count=unused, path=str(path))))

    def action_print(self) -> None:
        row = self.selected_or_say()
        if row is not None:
            self.say(t("admin_feedback.printing_now"))
            self.print_batch(row.batch.id, row.unused)

    @work(thread=True, exclusive=True, group="feedback-sheet")
    def print_batch(self, batch_id: str, unused: int) -> None:
        c = self.campaign
        done = self.outcome(lambda: print_sheet(c, batch_id))
        if done is not None:
            path, said = done
            written = t("admin_feedback.sheet_written", count=unused, path=str(path))
            self.post_message(self.Done(f"{written}\n{t('printing.printed', detail=said)}"))

    @on(Done)
    def show_done(self, message: Done) -> None:
        self.say(message.text)

    # -- other screens -------------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#feedback-batches")
    def action_show_qr(self) -> None:
        row = self.selected_or_say()
        if row is not None:
            from .feedback_qr import SlipQrScreen

            self.app.push_screen(SlipQrScreen(self.campaign, row.batch.id))

    def action_stats(self) -> None:
        from .feedback_stats import SatisfactionScreen

        self.app.push_screen(SatisfactionScreen(self.campaign))
