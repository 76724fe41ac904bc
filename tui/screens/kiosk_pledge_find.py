"""Find yourself, then your PIN, to reach your pledges: the kiosk's search, ending at the pledge PIN step.

The same search as for a sign-in (:class:`KioskFind`, its style sheet and ids); choosing a member asks for their
PIN on :class:`~tui.screens.kiosk_pledge_pin.KioskPledgePin` instead of signing them in.
"""

from __future__ import annotations

from storage.records import Member, SignInMethod
from tui.screens.kiosk_find import KioskFind


class KioskPledgeFind(KioskFind):
    def choose(self, member: Member, how: SignInMethod) -> None:
        from tui.screens.kiosk_pledge_pin import KioskPledgePin

        self.app.push_screen(KioskPledgePin(member, how))
