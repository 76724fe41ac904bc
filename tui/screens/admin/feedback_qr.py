"""One slip's QR code on the secretary's screen, for parents at a meeting to scan one after another.

The code is the slip's URL (:func:`campaign.urls.slip_url`), drawn by :class:`~tui.widgets.qr_code.QrCode`: black
modules on white whatever the theme, quiet zone included, with the address and the grouped code as text when
the terminal is too small. Beside it: the teacher, the class, what to do, and the code to type at the kiosk.

Only unused slips are shown. "Next" re-reads the batch, so a slip a parent just answered is skipped; and every
few seconds the screen checks whether the slip shown was answered meanwhile and, if so, moves on to the next one,
so the secretary need not touch the keyboard while parents queue. When ``public_url`` is not set, a warning says
that phones need the server's LAN address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Static

from campaign import feedback
from campaign.context import Campaign
from campaign.i18n import t
from campaign.urls import slip_url
from tui.text import literal, one_line
from tui.widgets.qr_code import QrCode

from .feedback_common import FeedbackBase, Problem


@dataclass(frozen=True)
class SlipOnScreen:
    """What the screen shows of a batch: its teacher and class, its unused codes, and which one is up."""

    teacher: str
    class_label: str
    expires: date
    expired: bool
    unused: tuple[str, ...]
    #: The code shown (normalised), its URL; empty when no slip can be shown.
    code: str
    url: str
    warn_public_url: bool

    @property
    def index(self) -> int:
        return self.unused.index(self.code) + 1 if self.code in self.unused else 0


def slip_to_show(c: Campaign, batch_id: str, wanted: str | None) -> SlipOnScreen:
    """The batch's state now, showing ``wanted`` if it is still unused, else the next unused code (wrapping).

    Reading only. With no unused code, or past the batch's expiry, no code is shown.
    """
    batch, teacher, tokens = feedback.batch_slips(c, batch_id)
    unused = tuple(token.code for token in tokens if token.used_at is None)
    expired = batch.expires < feedback.today(c)
    code = "" if expired or not unused else pick(unused, wanted, 0)
    return SlipOnScreen(
        teacher=teacher.name if teacher else batch.member,
        class_label=batch.class_label,
        expires=batch.expires,
        expired=expired,
        unused=unused,
        code=code,
        url=slip_url(c, code) if code else "",
        warn_public_url=not c.settings.public_url.strip(),
    )


def pick(unused: tuple[str, ...], after: str | None, step: int) -> str:
    """The code ``step`` places from ``after`` among ``unused`` (sorted), wrapping; the first when ``after`` is None.

    ``after`` may have been used meanwhile (no longer listed): "next" is then the first code after it.
    """
    if after is None:
        return unused[0]
    if after in unused:
        return unused[(unused.index(after) + step) % len(unused)]
    later = [i for i, code in enumerate(unused) if code > after]
    first_after = later[0] if later else 0
    # ``after`` sat just before ``first_after``: next is that code, previous the one before it.
    return unused[(first_after + (step - 1 if step > 0 else step)) % len(unused)]


class SlipQrScreen(FeedbackBase):
    """One unused slip of batch ``batch_id`` as a QR code; ``n``/``b`` for the next/previous slip."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "admin.back", id="feedback-qr.back"),
        Binding("n,right,space", "move(1)", "admin_feedback.qr_next", id="feedback-qr.next"),
        Binding("b,left", "move(-1)", "admin_feedback.qr_previous", id="feedback-qr.previous"),
        Binding("r", "move(0)", "admin_feedback.qr_refresh", id="feedback-qr.refresh"),
    ]

    #: How often the screen checks whether the slip shown has been answered (a store read, cheap when unchanged).
    CHECK_EVERY_S: ClassVar[float] = 3.0

    @dataclass
    class Loaded(Message):
        slip: SlipOnScreen
        #: Which request this answers: only the latest one is shown (an older read may finish later).
        request: int

    def __init__(self, campaign: Campaign, batch_id: str) -> None:
        super().__init__()
        self.campaign = campaign
        self.batch_id = batch_id
        self.slip: SlipOnScreen | None = None
        #: The code shown or about to be shown (normalised); None before the first read.
        self.current: str | None = None
        #: Reads asked for, and the last one shown: only the newest read is shown.
        self.requests = 0
        self.shown = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="qr-body"):
            yield QrCode("", id="slip-qr")
            with Vertical(id="qr-side"):
                yield Static("", id="qr-heading")
                yield Static("", id="qr-class")
                yield Static(literal(t("admin_feedback.qr_instruction")), id="qr-instruction")
                yield Static("", id="qr-code")
                yield Static("", id="qr-url")
                yield Static("", id="qr-position")
                yield Static("", id="qr-warning", classes="feedback-warning")
        yield Footer()

    def on_mount(self) -> None:
        self.action_move(0)
        self.set_interval(self.CHECK_EVERY_S, self.check_answered, name="slip-answered")

    def action_move(self, step: int) -> None:
        """Show the unused slip ``step`` places on (0: the same one, or the next if it was answered meanwhile)."""
        if step and self.slip is not None and self.slip.unused:
            # Moved here at once, so that quick presses add up before the store has been read again.
            self.current = pick(self.slip.unused, self.current, step)
        self.requests += 1
        self.load(self.current, self.requests)

    def check_answered(self) -> None:
        if self.shown == self.requests:  # a press is being answered: it re-reads the store anyway
            self.action_move(0)

    @work(thread=True, group="feedback-qr")
    def load(self, current: str | None, request: int) -> None:
        c, batch_id = self.campaign, self.batch_id
        slip = self.outcome(lambda: slip_to_show(c, batch_id, current))
        if slip is not None:
            self.post_message(self.Loaded(slip, request))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        if message.request != self.requests:
            return  # an older read: a newer one is on its way
        self.shown = message.request
        self.current = message.slip.code or None
        if message.slip == self.slip:
            return  # nothing changed: no redraw every few seconds
        self.slip = slip = message.slip
        qr = self.query_one("#slip-qr", QrCode)
        qr.data = slip.url
        qr.caption = feedback.display_code(slip.code) if slip.code else ""
        self.text("#qr-heading", t("admin_feedback.qr_heading", teacher=one_line(slip.teacher)))
        self.text("#qr-class", t("admin_feedback.qr_class", label=slip.class_label) if slip.class_label else "")
        if slip.expired:
            position = t("admin_feedback.qr_expired", expires=slip.expires.isoformat())
        elif not slip.code:
            position = t("admin_feedback.qr_used_up")
        else:
            position = t(
                "admin_feedback.qr_position",
                index=slip.index,
                unused=len(slip.unused),
                expires=slip.expires.isoformat(),
            )
        self.query_one("#qr-instruction").display = bool(slip.code)
        self.text("#qr-code", t("admin_feedback.qr_code", code=qr.caption) if slip.code else "")
        self.text("#qr-url", slip.url)
        self.text("#qr-position", position)
        self.text("#qr-warning", t("admin_feedback.public_url_missing") if slip.warn_public_url else "")

    def text(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(literal(text))
        widget.display = bool(text)

    @on(Problem)
    def show_problem(self, message: Problem) -> None:
        self.shown = self.requests  # the read failed: let the periodic check try again
        self.query_one("#slip-qr", QrCode).data = ""
        self.text("#qr-position", message.text)
