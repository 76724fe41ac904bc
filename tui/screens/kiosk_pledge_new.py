"""A new pledge at the kiosk, three ways: a common pledge of the category where only a number and a date are
typed (no Chinese input method needed), the whole pledge typed, or "write it on my phone" (a QR code).

The pledge is created as a draft and sent for review at once; any refusal (no target, a past due date, a text
too long) is shown as the campaign words it, and what was typed stays to be corrected.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from campaign.context import Campaign
from campaign.i18n import language, t
from campaign.pledge_templates import create_from_template, templates
from campaign.pledges import as_member, create_pledge, edit_pledge, submit_pledge
from storage.records import Member, Pledge, PledgeCategory
from tui import limits
from tui.screens.admin.calls import Failed
from tui.text import literal, member_name, message

from .kiosk_pledge_base import KioskPledgeScreen

#: The two choices after a category's templates.
TYPED, PHONE = "-typed", "-phone"


def default_due(day: date) -> date:
    """A first guess for the due date: the end of this year, or of next June in December."""
    return date(day.year, 12, 31) if day.month < 12 else date(day.year + 1, 6, 30)


def edit_and_submit(c: Campaign, code: str, pledge_id: str, category: PledgeCategory, values: dict[str, str]) -> Pledge:
    """Correct a draft or returned pledge (typed) and send it for review again."""
    by = as_member(code)
    edit_pledge(c, by, pledge_id, category=category, text=values["text"], target=values["target"], due=values["due"])
    return submit_pledge(c, by, pledge_id)


def create_and_submit(c: Campaign, code: str, category: PledgeCategory, choice: str, values: dict[str, str]) -> Pledge:
    """Create the draft (from template ``choice``, or typed) and send it for review."""
    by = as_member(code)
    if choice == TYPED:
        draft = create_pledge(c, by, code, category, values["text"], values["target"], values["due"])
    else:
        draft = create_from_template(c, by, code, choice, values["number"], values["due"], language())
    return submit_pledge(c, by, draft.id)


class KioskPledgeNew(KioskPledgeScreen):
    CSS_PATH = "kiosk_pledge_new.tcss"
    AUTO_FOCUS = "#new-choices"
    MESSAGE_ID = "new-message"

    def __init__(self, member: Member, editing: Pledge | None = None) -> None:
        super().__init__()
        self.member = member
        #: A draft or returned pledge being corrected (typed, then sent for review again).
        self.editing = editing
        self.category = editing.category if editing is not None else PledgeCategory.STUDY
        self.choice = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="new"):
            with Horizontal(id="new-head"):
                yield Static(message("kiosk_pledges.new_title", name=member_name(self.member)), id="new-title")
                yield Button("", id="new-category")
            yield OptionList(id="new-choices")
            with Horizontal(id="new-template-fields", classes="new-fields"):
                yield Static(message("kiosk_pledges.number"), classes="new-label")
                yield Input(id="new-number", restrict=r"[0-9]*", max_length=4)
            with Vertical(id="new-typed-fields", classes="new-fields"):
                with Horizontal(classes="new-row"):
                    yield Static(message("kiosk_pledges.text"), classes="new-label")
                    yield Input(
                        id="new-text", placeholder=t("kiosk_pledges.text_placeholder"), max_length=limits.PLEDGE_TEXT
                    )
                with Horizontal(classes="new-row"):
                    yield Static(message("kiosk_pledges.target"), classes="new-label")
                    yield Input(
                        id="new-target",
                        placeholder=t("kiosk_pledges.target_placeholder"),
                        max_length=limits.PLEDGE_TARGET,
                    )
            with Horizontal(id="new-due-row", classes="new-fields"):
                yield Static(message("kiosk_pledges.due"), classes="new-label")
                yield Input(id="new-due", restrict=r"[0-9-]*", max_length=10, placeholder="YYYY-MM-DD")
            yield Static(id="new-preview")
            yield Static(message("pledges.guidance"), id="new-guidance")
            yield Static(id="new-message")
            with Horizontal(id="new-actions"):
                yield Button(message("kiosk_pledges.submit"), id="new-submit", variant="primary")
                yield Button(message("kiosk_pledges.back"), id="new-back")

    def on_mount(self) -> None:
        day = self.kiosk.campaign.now().astimezone(self.kiosk.tz).date()
        self.query_one("#new-due", Input).value = default_due(day).isoformat()
        self.show_category()
        if self.editing is not None:
            # Correcting: the pledge as it is, typed, ready to change.
            self.query_one("#new-text", Input).value = self.editing.text
            self.query_one("#new-target", Input).value = self.editing.target
            self.query_one("#new-due", Input).value = self.editing.due.isoformat()
            self.query_one("#new-choices").display = False
            self.choice = TYPED
            self.show_fields()
            self.query_one("#new-text", Input).focus()

    def show_category(self) -> None:
        self.query_one("#new-category", Button).label = message(
            "kiosk_pledges.category_button", name=t(f"pledges.category_{self.category}")
        )
        options = [Option(literal(tpl.text()), id=tpl.key) for tpl in templates(self.category)]
        options.append(Option(message("kiosk_pledges.choice_typed", "bold"), id=TYPED))
        options.append(Option(message("kiosk_pledges.choice_phone", "bold"), id=PHONE))
        choices = self.query_one("#new-choices", OptionList)
        choices.clear_options()
        choices.add_options(options)
        self.choice = ""
        self.show_fields()

    def show_fields(self) -> None:
        template = self.choice not in ("", TYPED, PHONE)
        self.query_one("#new-template-fields").display = template
        self.query_one("#new-typed-fields").display = self.choice == TYPED
        self.query_one("#new-due-row").display = template or self.choice == TYPED
        self.query_one("#new-submit").display = template or self.choice == TYPED
        self.preview()

    def preview(self) -> None:
        line = self.query_one("#new-preview", Static)
        if self.choice in ("", TYPED, PHONE):
            line.update(message("kiosk_pledges.choose_hint") if not self.choice else literal(""))
            return
        tpl = next(tpl for tpl in templates(self.category) if tpl.key == self.choice)
        number = self.query_one("#new-number", Input).value or None
        due = self.query_one("#new-due", Input).value
        line.update(message("kiosk_pledges.preview", text=tpl.text(number), target=tpl.target(number), due=due))

    @on(Input.Changed, "#new-number, #new-due")
    def changed(self) -> None:
        self.preview()

    @on(Button.Pressed, "#new-category")
    def next_category(self) -> None:
        order = list(PledgeCategory)
        self.category = order[(order.index(self.category) + 1) % len(order)]
        choice = self.choice
        self.show_category()
        if self.editing is not None:
            self.choice = choice
            self.show_fields()

    @on(OptionList.OptionSelected, "#new-choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        if choice == PHONE:
            from .kiosk_pledge_phone import KioskPledgePhone

            self.app.push_screen(KioskPledgePhone(self.member, ""))
            return
        self.choice = choice
        self.show_fields()
        self.query_one("#new-text" if choice == TYPED else "#new-number", Input).focus()

    @on(Input.Submitted, "#new-number, #new-text, #new-target")
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#new-submit")
    @on(Input.Submitted, "#new-due")
    async def submit(self) -> None:
        if self.choice in ("", PHONE):
            return
        c, code, category, choice = self.kiosk.campaign, self.member.code, self.category, self.choice
        values = {name: self.query_one(f"#new-{name}", Input).value for name in ("number", "text", "target", "due")}
        editing = self.editing
        if editing is not None:
            done = await self.call(lambda: edit_and_submit(c, code, editing.id, category, values))
        else:
            done = await self.call(lambda: create_and_submit(c, code, category, choice, values))
        if not self.on_top:
            return
        if isinstance(done, Failed):
            self.say(done.message, problem=True)
            return
        self.app.pop_screen()
        below = self.app.screen
        if isinstance(below, KioskPledgeScreen):
            below.say(message("kiosk_pledges.submitted", "bold $success"))

    @on(Button.Pressed, "#new-back")
    def back(self) -> None:
        self.app.pop_screen()
