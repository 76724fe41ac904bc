"""The PIN step before a member's pledges: the same box, lockout and messages as a sign-in's, no sign-in.

The PIN is checked by :func:`campaign.pledges.member_after_pin` (sign-in's PIN rule: wrong tries count towards
the same lockout); when it is right, the member's pledges replace this screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.message import Message

from campaign.errors import Refused
from campaign.pledges import member_after_pin
from campaign.signin import check_pin
from storage.errors import StoreError
from storage.records import Member
from tui.cli.common import store_error_message
from tui.kiosk import Outcome, OutcomeKind, PinStep
from tui.screens.kiosk_pin import KioskPin

#: Refusals from check_pin that end the step (shown as a result), rather than asking for the PIN again.
_FINAL = {"signin.locked": OutcomeKind.LOCKED, "signin.no_pin_set": OutcomeKind.REFUSED}


def _outcome(exc: Refused | StoreError, member: Member) -> Outcome:
    if isinstance(exc, StoreError):
        # A busy or damaged store: said calmly, never a crash screen (it would show the PIN being checked).
        return Outcome(OutcomeKind.REFUSED, store_error_message(exc), member)
    kind = _FINAL.get(exc.key, OutcomeKind.WRONG_PIN)
    return Outcome(kind, exc.message(), member)


class KioskPledgePin(KioskPin):
    @dataclass
    class Verified(Message):
        """The PIN was right (or the branch needs none): the member may see their pledges."""

    @work(thread=True, group="pin-check")
    def check(self) -> None:
        c = self.kiosk.campaign
        try:
            check_pin(c, self.member, None)
        except StoreError as exc:
            self.post_message(self.Checked(PinStep(None, _outcome(exc, self.member))))
            return
        except Refused as exc:
            if exc.key == "signin.pin_required":
                self.post_message(self.Checked(PinStep(None, None)))
            else:
                self.post_message(self.Checked(PinStep(None, _outcome(exc, self.member))))
            return
        self.post_message(self.Verified())  # the branch asks for no PIN

    @work(thread=True, exclusive=True, group="pin")
    def sign_in(self, pin: str) -> None:
        try:
            member_after_pin(self.kiosk.campaign, self.member.code, pin)
        except (Refused, StoreError) as exc:
            self.post_message(self.Attempted(_outcome(exc, self.member)))
            return
        self.post_message(self.Verified())

    def on_kiosk_pledge_pin_verified(self) -> None:
        if self.app.screen is not self:
            return  # the kiosk went home meanwhile
        if self.working is not None:
            self.working.stop()
        from tui.screens.kiosk_pledge_mine import KioskPledgeMine

        self.app.switch_screen(KioskPledgeMine(self.member))
