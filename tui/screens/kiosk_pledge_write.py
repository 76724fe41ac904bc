"""Writing about one's own pledge at the kiosk: a progress note (践诺), the evidence that it is kept, a
self-assessment (自评: a grade, a comment if one likes), or the reason for withdrawing it.

What is typed goes to the campaign as typed; a note that is empty or too long is refused with its message and
the text stays in the field to be corrected.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from campaign.i18n import t
from campaign.pledges import add_progress, as_member, fulfil_pledge, self_assess, withdraw_pledge
from storage.records import Member, Pledge, PledgeGrade
from tui import limits
from tui.screens.admin.calls import Failed
from tui.text import fit, literal, message

from .kiosk_pledge_base import KioskPledgeScreen

MODES = ("progress", "fulfil", "self", "withdraw")


class KioskPledgeWrite(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_write.tcss"
    AUTO_FOCUS = "#write-input"
    MESSAGE_ID = "write-message"

    def __init__(self, member: Member, pledge: Pledge, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        super().__init__()
        self.member = member
        self.pledge = pledge
        self.mode = mode
        self.grade: PledgeGrade | None = pledge.self_grade if mode == "self" else None

    def compose(self) -> ComposeResult:
        with Vertical(id="write"):
            yield Static(message(f"kiosk_pledges.write_{self.mode}_title", "bold $primary"), id="write-title")
            yield Static(literal(fit(self.pledge.text, 200)), id="write-pledge")
            yield Static(message(f"kiosk_pledges.write_{self.mode}_hint"), id="write-hint")
            if self.mode == "self":
                with Horizontal(id="write-grades"):
                    for grade in PledgeGrade:
                        yield Button(message(f"pledges.grade_{grade}"), id=f"write-grade-{grade}")
            if self.mode == "progress":
                # A note with digits only, for a terminal without a Chinese input method.
                with Horizontal(id="write-number-row"):
                    yield Static(message("kiosk_pledges.progress_number"), id="write-number-label")
                    yield Input(id="write-number", restrict=r"[0-9]*", max_length=6)
            yield Input(
                placeholder=t(f"kiosk_pledges.write_{self.mode}_placeholder"),
                id="write-input",
                max_length=limits.PLEDGE_NOTE,
            )
            yield Static(id="write-message")
            with Horizontal(id="write-actions"):
                yield Button(message("kiosk_pledges.save"), id="write-save", variant="primary")
                yield Button(message("kiosk_pledges.back"), id="write-back")

    def on_mount(self) -> None:
        self.show_grade()
        if self.mode == "progress":
            self.query_one("#write-number", Input).focus()

    def show_grade(self) -> None:
        for grade in PledgeGrade:
            for button in self.query(f"#write-grade-{grade}").results(Button):
                button.variant = "success" if grade is self.grade else "default"

    @on(Button.Pressed, "#write-grades Button")
    def choose_grade(self, event: Button.Pressed) -> None:
        if event.button.id:
            self.grade = PledgeGrade(event.button.id.removeprefix("write-grade-"))
            self.show_grade()
            self.query_one("#write-input", Input).focus()

    @on(Button.Pressed, "#write-save")
    @on(Input.Submitted, "#write-input")
    async def save(self) -> None:
        c, by, pid = self.kiosk.campaign, as_member(self.member.code), self.pledge.id
        text = self.query_one("#write-input", Input).value
        if self.mode == "self" and self.grade is None:
            self.say(message("kiosk_pledges.choose_grade"), problem=True)
            return
        grade = self.grade
        if self.mode == "progress":
            text = self.progress_note(text)
            done = await self.call(lambda: add_progress(c, by, pid, text))
        elif self.mode == "fulfil":
            done = await self.call(lambda: fulfil_pledge(c, by, pid, text))
        elif self.mode == "withdraw":
            done = await self.call(lambda: withdraw_pledge(c, by, pid, text))
        else:
            assert grade is not None
            done = await self.call(lambda: self_assess(c, by, pid, grade, text))
        if not self.on_top:
            return
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
            return
        self.app.pop_screen()
        below = self.app.screen
        if isinstance(below, KioskPledgeScreen):
            below.say(message(f"kiosk_pledges.write_{self.mode}_done", "bold $success"))

    def progress_note(self, typed: str) -> str:
        """The note: "已完成 n（目标：…）" from the number, then what was typed (either may be left empty)."""
        number = self.query_one("#write-number", Input).value.strip()
        if not number:
            return typed
        done = t("kiosk_pledges.progress_template", n=number, target=self.pledge.target)
        return f"{done} {typed.strip()}" if typed.strip() else done

    @on(Input.Submitted, "#write-number")
    def number_entered(self) -> None:
        self.query_one("#write-input", Input).focus()

    @on(Button.Pressed, "#write-back")
    def back(self) -> None:
        self.app.pop_screen()
