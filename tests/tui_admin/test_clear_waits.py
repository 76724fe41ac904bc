"""The secretary clears the waits after wrong PINs from the admin home (``u``), recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from campaign import lockout
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.signin import sign_in
from campaign.study_sessions import create_session
from storage.records import SignInMethod
from tests.conftest import NOW
from tui.app import ChuangyouApp

from .conftest import SIZE, log_in, settle

MakeApp = Callable[[Campaign], ChuangyouApp]


async def test_u_clears_every_wait_and_is_audited(secured: Campaign, admin_app: MakeApp) -> None:
    session = create_session(secured, "学习会", NOW.replace(hour=7, minute=45), NOW.replace(hour=9))
    for _ in range(5):
        with pytest.raises(Refused):
            sign_in(secured, session.id, "T001", "0000", how=SignInMethod.KIOSK)
    assert lockout.active(secured)
    app = admin_app(secured)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")  # before the login: nothing happens
        await settle(pilot)
        assert lockout.active(secured)
        await log_in(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert any("已解除 1 项输错等待" in str(n.message) for n in app._notifications)
    assert lockout.active(secured) == []
    assert any(e.action == "lockout.clear" and e.actor == "secretary" for e in secured.repos.audit.recent())
