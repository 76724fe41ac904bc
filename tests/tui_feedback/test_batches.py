"""Issuing slips, writing their sheet into exports/, printing it: from the secretary's screen, checked in the store."""

from __future__ import annotations

import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from campaign import feedback, roster
from campaign.context import Campaign
from campaign.i18n import t
from tests.feedback.helpers import store_fingerprint
from tui.screens.admin.feedback import FeedbackScreen
from tui.screens.admin.form import FormScreen

from .conftest import PASSPHRASE, SIZE, MakeApp, open_feedback, settle

TODAY = date(2026, 11, 27)


def shown(app: object, selector: str) -> str:
    from textual.app import App

    assert isinstance(app, App)
    return str(app.screen.query_one(selector, Static).render())


def fake_lp(folder: Path) -> Path:
    """An ``lp`` that records its arguments and answers like CUPS (the real one would need a printer)."""
    folder.mkdir(exist_ok=True)
    log = folder / "lp.args"
    script = folder / "lp"
    script.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\necho "request id is Office-42 (1 file(s))"\n', encoding="utf-8"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


async def fill_form(app: object, values: dict[str, str]) -> None:
    from textual.app import App

    assert isinstance(app, App) and isinstance(app.screen, FormScreen)
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}", Input).value = value


async def test_secretary_issues_a_batch_from_the_menu(secretary: Campaign, make_app: MakeApp) -> None:
    c = secretary
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#menu-feedback")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert shown(app, "#feedback-status") == t("admin_feedback.no_batches")
        await pilot.press("n")
        await settle(pilot)
        # The expiry is filled in: 30 days from today.
        assert app.screen.query_one("#field-expires", Input).value == (TODAY + timedelta(days=30)).isoformat()
        await fill_form(app, {"member": "王晓明", "count": "12", "class_label": "初二（3）班"})
        await pilot.click("#form-submit")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        table = app.screen.query_one("#feedback-batches", DataTable)
        rows = [[str(x) for x in table.get_row_at(i)] for i in range(table.row_count)]
        status = shown(app, "#feedback-status")

    (batch,) = c.repos.batches.all()
    assert (batch.member, batch.count, batch.class_label) == ("T001", 12, "初二（3）班")
    assert batch.expires == TODAY + timedelta(days=30) and batch.by == "secretary"
    _, _, tokens = feedback.batch_slips(c, batch.id)
    assert len(tokens) == 12 and all(tk.used_at is None and tk.member == "T001" for tk in tokens)
    assert all(feedback.normalize_code(tk.code) == tk.code for tk in tokens)
    assert rows == [[batch.id, "王晓明", "初二（3）班", "12", "12", batch.expires.isoformat(), "2026-11-27"]]
    assert batch.id in status and "王晓明" in status
    issued = [e for e in c.repos.audit.recent() if e.action == "feedback.issue"]
    assert [(e.actor, e.detail["batch"], e.detail["count"]) for e in issued] == [("secretary", batch.id, 12)]


async def test_bad_input_shows_the_catalog_message_and_changes_nothing(secretary: Campaign, make_app: MakeApp) -> None:
    c = secretary
    roster.edit_member(c, "T004", active=False)  # 王小梅 left: no slips for her
    cases = [
        ({"member": "T999"}, t("feedback.unknown_member", code="T999")),
        ({"member": "T004"}, t("feedback.unknown_member", code="T004")),
        ({"member": ""}, t("admin_feedback.member_missing")),
        ({"member": "T00"}, None),  # several members: the message lists them
        ({"count": "0"}, t("feedback.bad_count", limit=feedback.MAX_BATCH)),
        ({"count": "1000"}, t("feedback.bad_count", limit=feedback.MAX_BATCH)),
        ({"count": "ten"}, t("admin_feedback.bad_count", limit=feedback.MAX_BATCH)),
        ({"expires": "2026-11-26"}, t("feedback.expiry_past", expires="2026-11-26")),
        ({"expires": "next week"}, t("admin_feedback.bad_date", text="next week")),
        ({"class_label": "班" * 41}, t("feedback.bad_class_label", limit=feedback.MAX_CLASS_LABEL)),
    ]
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(pilot)
        await pilot.press("n")
        await settle(pilot)
        before = store_fingerprint(c)
        for change, expected in cases:
            good = {"member": "T001", "count": "5", "class_label": "初二（3）班", "expires": "2026-12-31"}
            await fill_form(app, {**good, **change})
            await pilot.click("#form-submit")
            await settle(pilot)
            assert isinstance(app.screen, FormScreen), change
            problem = shown(app, "#form-problem")
            if expected is None:
                assert all(f"{name} {code}" in problem for name, code in [("王晓明", "T001"), ("李红", "T002")])
            else:
                assert problem == expected, change
            assert store_fingerprint(c) == before, change
        await pilot.click("#form-cancel")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
    assert c.repos.batches.all() == []


async def test_the_sheet_goes_to_exports_and_to_the_printer(
    secretary: Campaign, data_dir: Path, tmp_path: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = secretary
    issued = feedback.issue_batch(c, "T002", 3, class_label="三（1）班")
    feedback.answer(c, issued.codes[0], "satisfied")
    log = fake_lp(tmp_path / "bin")
    # The fake lp comes first; fontconfig (for the Chinese font) stays reachable.
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(pilot)
        await pilot.press("p")
        await settle(pilot)
        pdf = (data_dir / "exports" / f"feedback-{issued.batch.id}.pdf").resolve()
        assert pdf.read_bytes().startswith(b"%PDF")
        assert shown(app, "#feedback-status") == t("admin_feedback.sheet_written", count=2, path=str(pdf))
        pdf.unlink()
        await pilot.press("l")
        await settle(pilot)
        status = shown(app, "#feedback-status")
    assert pdf.is_file()
    assert log.read_text(encoding="utf-8").splitlines() == ["-t", pdf.name, str(pdf)]
    assert "request id is Office-42" in status and str(pdf) in status
    actions = [(e.action, e.detail.get("batch")) for e in c.repos.audit.recent()]
    assert ("feedback.sheet", issued.batch.id) in actions and ("feedback.print", issued.batch.id) in actions


async def test_without_lp_printing_is_not_offered(
    secretary: Campaign, tmp_path: Path, make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = secretary
    feedback.issue_batch(c, "T002", 3)
    monkeypatch.setenv("PATH", str(tmp_path))
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(pilot)
        assert "l" not in app.screen.active_bindings or not app.screen.active_bindings["l"].enabled
        before = store_fingerprint(c)
        await pilot.press("l")
        await settle(pilot)
        assert shown(app, "#feedback-status") == ""
        assert store_fingerprint(c) == before


async def test_an_expired_batch_is_not_printed(secretary: Campaign, make_app: MakeApp, clock: object) -> None:
    from campaign.clock import FixedClock

    assert isinstance(clock, FixedClock)
    c = secretary
    issued = feedback.issue_batch(c, "T003", 2, expires=TODAY)
    clock.advance(days=1)
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(pilot)
        await pilot.press("p")
        await settle(pilot)
        status = app.screen.query_one("#feedback-status", Static)
        assert str(status.render()) == t("printing.batch_expired", batch=issued.batch.id, expires=TODAY.isoformat())
        assert status.has_class("-problem")
    assert not (Path(c.store.root) / "exports" / f"feedback-{issued.batch.id}.pdf").exists()
