"""Importing a roster file: a preview of every row's problems (or the members it would add), then all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Footer, Input, ProgressBar, Static

from campaign import roster_import
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.roster_import import ImportPreview, ImportRefused
from storage.errors import StoreError
from tui import limits
from tui.text import cell, literal

from .base import AdminScreen
from .calls import Failed, attempt, failure_message, in_thread
from .tables import refill

PREVIEW_ROWS = 500


class ImportScreen(AdminScreen):
    """Type the file's path, preview, then import."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "admin.back", id="import.back")]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.preview: ImportPreview | None = None

    def compose(self) -> ComposeResult:
        yield Static(literal(t("admin.menu_import"), "bold"), classes="screen-title")
        yield Static(literal(t("admin.import_help")), id="import-help")
        yield Input(placeholder=t("admin.import_path"), id="import-path", max_length=limits.PATH)
        with Horizontal(id="import-buttons"):
            yield Button(literal(t("admin.import_preview")), id="import-preview")
            yield Button(literal(t("admin.import_apply")), id="import-apply", variant="primary", disabled=True)
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-summary")
        yield DataTable(id="import-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def path(self) -> Path:
        return Path(self.query_one("#import-path", Input).value.strip()).expanduser()

    @dataclass
    class Progress(Message):
        """How far the worker got through the file; later ones replace earlier ones still queued."""

        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ImportScreen.Progress)

    def progress(self, done: int, total: int) -> None:
        """Called from the worker thread while the file is checked; posting a message never blocks it."""
        self.post_message(self.Progress(done, total))

    def on_import_screen_progress(self, message: Progress) -> None:
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(message.total, 1), progress=message.done)

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-preview")
    def run_preview(self) -> None:
        path = self.path()
        self.forget_preview()
        if not path.is_file():
            self.say(t("admin.import_no_file", path=str(path)))
            return
        # A worker, not an await in this handler: the screen must keep handling the progress messages meanwhile.
        self.run_worker(self.preview_file(path), exclusive=True, group="import")

    async def preview_file(self, path: Path) -> None:
        c = self.campaign
        result = await attempt(self, lambda: roster_import.preview_import(c, path, progress=self.progress))
        if isinstance(result, Failed):
            self.say(result.message)
            return
        self.show(result)

    @on(Input.Changed, "#import-path")
    def forget_preview(self) -> None:
        """A preview only stands for the file it was made of: another path must be previewed again."""
        self.preview = None
        self.query_one("#import-apply", Button).disabled = True

    @on(Button.Pressed, "#import-apply")
    async def run_apply(self) -> None:
        c, preview = self.campaign, self.preview
        if preview is None:
            return
        self.query_one("#import-apply", Button).disabled = True
        try:
            result = await in_thread(self, lambda: roster_import.commit_preview(c, preview))
        except ImportRefused as refused:
            self.show(refused.preview)
            return
        except (Refused, StoreError) as exc:
            self.say(failure_message(exc) or "")
            return
        self.preview = None
        self.say(t("import.applied", count=len(result.members), file=result.file))
        self.notify(t("import.applied", count=len(result.members), file=result.file), markup=False)

    def say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(literal(text))

    def show(self, preview: ImportPreview) -> None:
        self.preview = preview
        table = self.query_one("#import-table", DataTable)
        table.clear(columns=True)
        if preview.problems:
            self.say(t("import.preview_bad", file=preview.file, encoding=preview.encoding, count=len(preview.problems)))
            table.add_column(cell(t("admin.col_row")), key="row")
            table.add_column(cell(t("admin.col_problem")), key="problem")
            refill(
                table,
                (
                    (str(i), (cell(str(p.row) if p.row else ""), cell(p.message(), max_width=100)))
                    for i, p in enumerate(preview.problems[:PREVIEW_ROWS])
                ),
            )
            return
        summary = [t("import.preview_ok", file=preview.file, encoding=preview.encoding, count=len(preview.members))]
        self.say("\n".join(summary + roster_import.preview_notes(preview)))
        for key in ("col_code", "col_name", "col_school", "col_role"):
            table.add_column(cell(t(f"admin.{key}")), key=key)
        refill(
            table,
            (
                (
                    m.code,
                    (
                        cell(m.code),
                        cell(m.name),
                        cell(m.school),
                        cell(t(f"cli.role_{m.role}")),
                    ),
                )
                for m in preview.members[:PREVIEW_ROWS]
            ),
        )
        self.query_one("#import-apply", Button).disabled = not preview.ok
