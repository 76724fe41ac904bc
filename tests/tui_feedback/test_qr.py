"""One slip's QR code on the secretary's screen: a screenshot decodes to the slip's URL, in any theme."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widgets import Static

from campaign import feedback
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.i18n import t
from campaign.qr import HALF_BLOCK
from campaign.settings import update_setting
from campaign.urls import slip_url
from tests.printing.helpers import decode_zbar, decode_zxing
from tests.printing.screenshot import rasterise
from tests.tui_kiosk.conftest import screen_text
from tui.app import ChuangyouApp
from tui.screens.admin.feedback_qr import SlipQrScreen
from tui.widgets.qr_code import QrCode

from .conftest import PUBLIC_URL, SIZE, MakeApp, open_feedback, settle


def decoded(app: ChuangyouApp, folder: Path, name: str) -> list[str]:
    """What zxing-cpp reads from the screen as a terminal draws it, not trying inverted codes; zbar must agree."""
    width, height = app.size
    png = folder / f"{name}.png"
    rasterise(app.export_screenshot(), width, height).save(png)
    found = [d.text for d in decode_zxing(png, try_invert=False)]
    assert decode_zbar(png) == found
    return found


def side_text(app: ChuangyouApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("#qr-side Static").results(Static) if w.display)


def widget_text(widget: QrCode) -> str:
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def test_the_code_on_screen_decodes_to_the_slip_url(lan: Campaign, make_app: MakeApp, tmp_path: Path) -> None:
    c = lan
    issued = feedback.issue_batch(c, "T001", 4, class_label="初二（3）班")
    first, second, third, fourth = sorted(issued.codes)
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(pilot)
        assert not app.screen.query_one("#feedback-warning", Static).display
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SlipQrScreen)
        qr = screen.query_one(QrCode)
        assert qr.showing_code()
        assert decoded(app, tmp_path, "first") == [slip_url(c, first)] == [f"{PUBLIC_URL}/f/{first}"]
        text = side_text(app)
        assert "王晓明" in text and "初二（3）班" in text and feedback.display_code(first) in text
        assert t("admin_feedback.public_url_missing") not in text

        # A parent answers the second slip on a phone meanwhile: "next" skips it.
        feedback.answer(c, second, "satisfied")
        await pilot.press("n")
        await settle(pilot)
        # Dark modules on light whatever the theme: the secretary's light theme reads the same way.
        app.theme = "textual-light"
        await pilot.pause()
        assert decoded(app, tmp_path, "third") == [slip_url(c, third)]
        expires = issued.batch.expires.isoformat()
        assert t("admin_feedback.qr_position", index=2, unused=3, expires=expires) in side_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert decoded(app, tmp_path, "back") == [slip_url(c, first)]

        # Two quick presses move two slips, even before the store has been read again.
        await pilot.press("n", "n")
        await settle(pilot)
        assert (qr.data, qr.caption) == (slip_url(c, fourth), feedback.display_code(fourth))
        # The slip on screen is answered: the periodic check moves on by itself (wrapping to the first).
        feedback.answer(c, fourth, "basically")
        screen.check_answered()
        await settle(pilot)
        assert qr.data == slip_url(c, first)


async def test_without_public_url_the_secretary_is_told_what_to_set(secretary: Campaign, make_app: MakeApp) -> None:
    feedback.issue_batch(secretary, "T002", 1)
    # Unset afterwards (a batch cannot be issued without it): the QR code is refused, not drawn.
    update_setting(secretary, "public_url", "")
    app = make_app(secretary)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(pilot)
        warning = app.screen.query_one("#feedback-warning", Static)
        assert warning.display
        assert str(warning.render()) == t("admin_feedback.public_url_missing")
        assert "settings set public_url" in str(warning.render())
        await pilot.press("enter")  # the selected batch
        await settle(pilot)
        assert isinstance(app.screen, SlipQrScreen)
        assert t("slips.public_url_missing")[:20] in screen_text(app)
        assert not app.screen.query_one(QrCode).data


async def test_a_small_terminal_shows_text_and_a_used_up_batch_no_code(
    lan: Campaign, clock: FixedClock, make_app: MakeApp
) -> None:
    c = lan
    used_up = feedback.issue_batch(c, "T003", 1)
    feedback.answer(c, used_up.codes[0], "unknown")
    clock.advance(minutes=1)
    issued = feedback.issue_batch(c, "T003", 1)  # listed first: the newest
    (code,) = issued.codes
    app = make_app(c)
    async with app.run_test(size=(72, 18)) as pilot:
        await open_feedback(pilot)
        await pilot.press("c")
        await settle(pilot)
        widget = app.screen.query_one(QrCode)
        assert not widget.showing_code()
        text = widget_text(widget)
        assert HALF_BLOCK not in text
        assert slip_url(c, code) in text.replace("\n", "")
        assert feedback.display_code(code) in text
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert widget.showing_code()

        await pilot.press("escape", "down", "c")
        await settle(pilot)
        widget = app.screen.query_one(QrCode)
        assert not widget.showing_code()
        assert t("admin_feedback.qr_used_up") in side_text(app)
        assert HALF_BLOCK not in widget_text(widget)
