"""Find yourself: results update as you type (pinyin initials, full pinyin, characters, member code).

A badge scanner is a keyboard that types a member code fast and presses Enter; such an Enter goes straight to the
PIN step and the sign-in is recorded as a scan.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Input, Static

from campaign.i18n import t
from campaign.roster import find_members
from storage.records import Member, SignInMethod
from tui.kiosk import refusal_for_code
from tui.text import literal, message, one_line
from tui.widgets.member_list import MemberList

if TYPE_CHECKING:
    from tui.app import ChuangyouApp

#: A scanner types faster than this between characters; people do not.
SCAN_GAP_S = 0.05
#: How many people a search shows at most (fewer when the terminal is short).
RESULT_LIMIT = 20


def headings() -> tuple[str, str, str]:
    return (t("kiosk.col_name"), t("kiosk.col_school"), t("kiosk.col_code"))


class KioskFind(Screen[None]):
    CSS_PATH = "kiosk_find.tcss"
    AUTO_FOCUS = "#find-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(5)", show=False),
        Binding("pageup", "move(-5)", show=False),
    ]

    def __init__(self, typed: str = "", *, first_key_at: float | None = None) -> None:
        super().__init__()
        self.initial = typed
        #: Monotonic times of each change to the search text, to tell a scanner from a person.
        self.key_times: list[float] = [first_key_at] if first_key_at is not None else []
        self.results: list[Member] = []

    @property
    def kiosk(self) -> ChuangyouApp:
        return cast("ChuangyouApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="find"):
            yield Static(message("kiosk.find_title"), id="find-title")
            yield Input(
                self.initial,
                placeholder=t("kiosk.find_placeholder"),
                id="find-input",
                max_length=64,
                select_on_focus=False,
            )
            yield Static(id="find-status")
            yield MemberList(headings(), id="results")
            yield Static(message("kiosk.find_hint"), id="find-hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = self.kiosk.cursor_blink
        field.cursor_position = len(self.initial)
        self.watch(field, "value", self.typed, init=False)
        self.search(field.value)

    def roster_ready(self) -> None:
        """The roster finished loading: show results for what is already typed."""
        fields = self.query(Input)
        if fields:  # else the screen is still being built: its on_mount searches with the roster
            self.search(fields.first().value)

    # -- searching -----------------------------------------------------------------------------------------------

    def typed(self, value: str) -> None:
        # A watcher, not an Input.Changed handler: it runs as the value changes, without a message's trip up the
        # DOM, so results are ready for the next frame.
        self.key_times.append(self.kiosk.monotonic())
        self.search(value)

    def search(self, typed: str) -> None:
        """Show the members matching ``typed`` (in memory: the roster was loaded when the kiosk came home)."""
        roster = self.kiosk.roster
        status = self.query_one("#find-status", Static)
        results = self.query_one(MemberList)
        self.results = find_members(roster, typed, limit=self.result_limit()) if roster is not None and typed else []
        results.show(self.results)
        if not typed.strip():
            line = message("kiosk.find_start")
        elif roster is None:
            line = literal("…")
        elif not self.results:
            line = message("kiosk.find_none", "bold $warning", typed=one_line(typed.strip()))
        else:
            line = message("kiosk.find_count", count=len(self.results))
        status.update(line, layout=False)  # one line, always: no layout of the screen per key

    def result_limit(self) -> int:
        # Only as many as the screen shows: the best matches come first, and a hidden highlight helps nobody.
        shown = self.query_one(MemberList).rows_shown
        return max(3, min(RESULT_LIMIT, shown)) if shown else RESULT_LIMIT

    def on_key(self, event: Key) -> None:
        # Keys that reach the screen missed the search field: typed before it took focus (a scanner is that fast)
        # or while the results had it. They belong in the search all the same.
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self.type_ahead(event.character)

    def type_ahead(self, text: str) -> None:
        """Add ``text`` to the search as if typed into it (also before the field exists)."""
        fields = self.query(Input)
        if not fields:
            self.initial += text
            self.key_times.append(self.kiosk.monotonic())
            return
        field = fields.first()
        field.focus()
        field.insert_text_at_cursor(text)

    def action_move(self, by: int) -> None:
        # Down typed in the same burst as the name can arrive before the list is composed: nothing to move yet.
        lists = self.query(MemberList)
        if lists:
            lists.first().move(by)

    # -- choosing ------------------------------------------------------------------------------------------------

    def typed_like_a_scanner(self, text: str) -> bool:
        times = [*self.key_times, self.kiosk.monotonic()]
        if len(text) < 3 or len(times) < len(text) + 1:
            return False
        recent = times[-(len(text) + 1) :]
        return all(b - a <= SCAN_GAP_S for a, b in pairwise(recent))

    @on(Input.Submitted, "#find-input")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        exact = next((m for m in self.results if m.code == text or m.code.lower() == text.lower()), None)
        if exact is not None:
            how = SignInMethod.SCAN if self.typed_like_a_scanner(text) else SignInMethod.KIOSK
            self.choose(exact, how)
        elif (member := self.query_one(MemberList).chosen) is not None:
            self.choose(member, SignInMethod.KIOSK)
        else:
            self.refuse_code(text)

    @work(thread=True, group="refuse-code")
    def refuse_code(self, text: str) -> None:
        """A code not among the results: say why (not on the roster, or inactive), from the store."""
        from tui.screens.kiosk_result import KioskResult

        outcome = refusal_for_code(self.kiosk.campaign, text)
        self.app.call_from_thread(self.app.push_screen, KioskResult(outcome))

    @on(MemberList.Chosen, "#results")
    def clicked(self, event: MemberList.Chosen) -> None:
        self.choose(event.member, SignInMethod.KIOSK)

    def choose(self, member: Member, how: SignInMethod) -> None:
        from tui.screens.kiosk_pin import KioskPin

        self.app.push_screen(KioskPin(member, how))

    def action_back(self) -> None:
        self.kiosk.go_home()
