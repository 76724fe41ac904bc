"""A small modal form: labelled inputs and choices, saved by a campaign call that may refuse.

The form stays open and shows the refusal when the call is refused, so the secretary can correct what they typed;
it closes with the call's result when it succeeds, and with None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from campaign.i18n import t
from tui import limits
from tui.text import literal

from .calls import Failed, attempt

T = TypeVar("T")


@dataclass(frozen=True)
class Field:
    """One line of a form. With ``options`` ((shown, value) pairs; shown text is literal) it is a choice."""

    name: str
    label: str
    value: str = ""
    password: bool = False
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] | None = None
    #: The most characters the field takes (every input is capped: see tui/limits.py).
    max_length: int = limits.TEXT


class FormScreen(ModalScreen[T | None], Generic[T]):
    """Ask for ``fields``; ``save(values)`` runs in a worker thread when the secretary confirms."""

    CSS_PATH = "admin.tcss"
    AUTO_FOCUS = "Input, Select, #form-submit"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False, id="form.cancel")]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict[str, str]], T], submit: str) -> None:
        super().__init__(classes="admin-form")
        self.form_title = title
        self.fields = fields
        self.save = save
        self.submit_label = submit

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Label(literal(self.form_title), id="form-title")
            for f in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(literal(f.label), classes="form-label")
                    if f.options is not None:
                        yield Select(
                            [(Text(shown), value) for shown, value in f.options],
                            value=f.value if f.value in {v for _, v in f.options} else Select.NULL,
                            allow_blank=not f.value,
                            prompt=t("admin.choose"),
                            id=f"field-{f.name}",
                        )
                    else:
                        yield Input(
                            f.value,
                            placeholder=f.placeholder,
                            password=f.password,
                            id=f"field-{f.name}",
                            max_length=f.max_length,
                        )
            yield Static("", id="form-problem")
            with Horizontal(id="form-buttons"):
                yield Button(literal(self.submit_label), variant="primary", id="form-submit")
                yield Button(literal(t("admin.cancel")), id="form-cancel")

    def on_mount(self) -> None:
        # The app turns blinking off for snapshot tests (a still screen).
        blink = bool(getattr(self.app, "cursor_blink", True))
        for widget in self.query(Input):
            widget.cursor_blink = blink

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            if isinstance(widget, Select):
                value = widget.value
                out[f.name] = value if isinstance(value, str) else ""
            elif isinstance(widget, Input):
                out[f.name] = widget.value
        return out

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    async def field_entered(self, event: Input.Submitted) -> None:
        # Enter moves to the next field, as in a paper form; only Enter in the last field (or the button) saves.
        fields = [w for w in self.query("#form .form-row > *").results() if isinstance(w, Input | Select)]
        if event.input is not fields[-1]:
            event.stop()
            fields[fields.index(event.input) + 1].focus()
            return
        await self.submit()

    @on(Button.Pressed, "#form-submit")
    async def submit(self) -> None:
        values = self.values()
        result = await attempt(self, lambda: self.save(values))
        if isinstance(result, Failed):
            self.query_one("#form-problem", Static).update(literal(result.message))
            # Back to typing: the secretary corrects the entry the message is about.
            inputs = self.query(Input)
            if inputs:
                inputs.first().focus()
            return
        self.dismiss(result)
