"""Parent feedback at the kiosk, for a parent without a phone: type the slip's code, choose, optionally comment.

The same single-use rules as the phone form (``campaign.feedback``); the answer cannot be traced to the slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from campaign import feedback
from campaign.errors import Refused
from campaign.i18n import t
from storage.records import FeedbackOption
from tui.text import literal, message, one_line

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

OPTIONS = (FeedbackOption.SATISFIED, FeedbackOption.BASICALLY, FeedbackOption.UNSATISFIED, FeedbackOption.UNKNOWN)


class KioskFeedback(Screen[None]):
    CSS_PATH = "kiosk_feedback.tcss"
    AUTO_FOCUS = "#slip-code"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", show=False)]

    @dataclass
    class Opened(Message):
        slip: feedback.SlipView | None
        problem: str = ""

    @dataclass
    class Answered(Message):
        problem: str = ""

    def __init__(self) -> None:
        super().__init__()
        self.slip: feedback.SlipView | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="feedback"):
            yield Static(message("kiosk.feedback_title"), id="feedback-title")
            yield Static(message("kiosk.feedback_code"), id="feedback-code-label")
            yield Input(placeholder=t("kiosk.feedback_code_placeholder"), id="slip-code", max_length=32)
            yield Static(id="feedback-for")
            yield Input(placeholder=t("kiosk.feedback_comment"), id="feedback-comment", max_length=500)
            with Horizontal(id="feedback-options"):
                for option in OPTIONS:
                    yield Button(message(f"feedback.option_{option.value}"), id=f"option-{option.value}")
            yield Static(id="feedback-message")
            yield Static(message("kiosk.feedback_hint"), id="feedback-hint")

    def on_mount(self) -> None:
        for field in self.query(Input).results(Input):
            field.cursor_blink = self.kiosk.cursor_blink
        self.show_answer_step(False)

    def show_answer_step(self, shown: bool) -> None:
        self.query_one("#feedback-options").display = shown
        self.query_one("#feedback-comment").display = shown

    def say(self, text: Content) -> None:
        self.query_one("#feedback-message", Static).update(text)

    @on(Input.Submitted, "#slip-code")
    def code_entered(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.open_slip(event.value)

    @work(thread=True, exclusive=True, group="feedback")
    def open_slip(self, code: str) -> None:
        try:
            self.post_message(self.Opened(feedback.open_slip(self.kiosk.campaign, code)))
        except Refused as exc:
            self.post_message(self.Opened(None, exc.message()))

    def on_kiosk_feedback_opened(self, event: Opened) -> None:
        self.slip = event.slip
        if event.slip is None:
            self.say(literal(event.problem, "bold $error"))
            self.show_answer_step(False)
            return
        about = event.slip.teacher
        if event.slip.class_label:
            about = f"{about}（{event.slip.class_label}）"
        self.query_one("#feedback-for", Static).update(message("kiosk.feedback_for", name=one_line(about)))
        self.say(literal(""))
        self.show_answer_step(True)
        self.query_one(f"#option-{OPTIONS[0].value}", Button).focus()

    @on(Button.Pressed, "#feedback-options Button")
    def chosen(self, event: Button.Pressed) -> None:
        if self.slip is None or event.button.id is None:
            return
        option = event.button.id.removeprefix("option-")
        comment = self.query_one("#feedback-comment", Input).value
        self.answer(self.slip.code, option, comment)

    @work(thread=True, exclusive=True, group="feedback")
    def answer(self, code: str, option: str, comment: str) -> None:
        try:
            feedback.answer(self.kiosk.campaign, code, option, comment)
        except Refused as exc:
            self.post_message(self.Answered(exc.message()))
        else:
            self.post_message(self.Answered())

    def on_kiosk_feedback_answered(self, event: Answered) -> None:
        if event.problem:
            self.say(literal(event.problem, "bold $error"))
            return
        from tui.kiosk import Outcome, OutcomeKind
        from tui.screens.kiosk_result import KioskResult

        self.app.switch_screen(KioskResult(Outcome(OutcomeKind.THANKS, t("kiosk.feedback_thanks"))))

    def action_back(self) -> None:
        self.kiosk.go_home()
