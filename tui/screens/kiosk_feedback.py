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
from textual.events import Key
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
        #: The rating the parent chose (None until they choose one: there is no default).
        self.choice: FeedbackOption | None = None

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        # Focus order: code → ratings → comment → send. Tab, Enter from the comment reaches "send", which records
        # nothing until a rating was chosen on purpose; every field is shown from the start so that keys sent in
        # one burst with Tab (a paste, a scanner) have a field to land in.
        with Vertical(id="feedback-form"):
            yield Static(message("kiosk.feedback_title"), id="feedback-title")
            yield Static(message("kiosk.feedback_code"), id="feedback-code-label")
            yield Input(placeholder=t("kiosk.feedback_code_placeholder"), id="slip-code", max_length=32)
            yield Static(id="feedback-for")
            with Horizontal(id="feedback-options"):
                for option in OPTIONS:
                    yield Button(message(f"feedback.option_{option.value}"), id=f"option-{option.value}")
            yield Input(
                placeholder=t("kiosk.feedback_comment"),
                id="feedback-comment",
                max_length=feedback.MAX_COMMENT,
                select_on_focus=False,
            )
            yield Button(message("kiosk_parent.send"), id="feedback-send", variant="primary")
            yield Static(id="feedback-message")
            yield Static(message("kiosk_parent.hint"), id="feedback-hint")

    def on_mount(self) -> None:
        for field in self.query(Input).results(Input):
            field.cursor_blink = self.kiosk.cursor_blink

    def say(self, text: Content) -> None:
        self.query_one("#feedback-message", Static).update(text)

    @on(Input.Submitted, "#slip-code")
    def code_entered(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.open_slip(event.value)

    @on(Input.Blurred, "#slip-code")
    def code_left(self, event: Input.Blurred) -> None:
        # Tab out of the code (typed or pasted) opens the slip as Enter does.
        value = event.value.strip()
        if value and (self.slip is None or feedback.normalize_code(value) != self.slip.code):
            self.open_slip(event.value)

    @on(Input.Changed, "#slip-code")
    def code_changed(self, event: Input.Changed) -> None:
        if self.slip is not None and feedback.normalize_code(event.value) != self.slip.code:
            self.slip = None
            self.query_one("#feedback-for", Static).update(literal(""))

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
            return
        about = event.slip.teacher
        if event.slip.class_label:
            about = f"{about}（{event.slip.class_label}）"
        self.query_one("#feedback-for", Static).update(message("kiosk.feedback_for", name=one_line(about)))
        self.say(literal(""))
        if self.focused is self.query_one("#slip-code"):
            # To the ratings, none of them chosen: Enter on one chooses it, it does not send.
            self.query_one(f"#option-{OPTIONS[0].value}", Button).focus()

    @on(Button.Pressed, "#feedback-options Button")
    def chosen(self, event: Button.Pressed) -> None:
        if event.button.id is None:
            return
        self.choice = FeedbackOption(event.button.id.removeprefix("option-"))
        for button in self.query("#feedback-options Button").results(Button):
            chosen = button is event.button
            button.set_class(chosen, "-chosen")
            button.variant = "success" if chosen else "default"
        self.say(message("kiosk_parent.chosen", option=t(f"feedback.option_{self.choice.value}")))

    @on(Button.Pressed, "#feedback-send")
    @on(Input.Submitted, "#feedback-comment")
    def send(self) -> None:
        if self.slip is None:
            self.say(message("kiosk_parent.code_first", "bold $warning"))
            return
        if self.choice is None:
            self.say(message("kiosk_parent.choose_first", "bold $warning"))
            return
        comment = self.query_one("#feedback-comment", Input).value
        self.answer(self.slip.code, self.choice.value, comment)

    def on_key(self, event: Key) -> None:
        # Typing while a button has the focus (after Tab in a burst, or a parent who just starts writing) goes to
        # the comment instead of being lost.
        if isinstance(self.focused, Button) and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            comment = self.query_one("#feedback-comment", Input)
            comment.insert_text_at_cursor(event.character)
            comment.focus()

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
