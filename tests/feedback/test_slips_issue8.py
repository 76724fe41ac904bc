"""Issue 8, parent feedback slips: no slip without a usable public_url, serve says where it listens, satisfaction
judged only with enough answers (worst teachers first), one comment limit for the kiosk and the web form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from campaign import feedback
from campaign import satisfaction as sat
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.settings import update_setting
from storage.records import Feedback, FeedbackOption
from tests.feedback.helpers import store_fingerprint


def unset_public_url(c: Campaign) -> None:
    with c.store.transaction():
        c.repos.settings.put(replace(c.settings, public_url=""))


def test_no_slip_is_issued_before_public_url_is_set(roster: Campaign) -> None:
    unset_public_url(roster)
    before = store_fingerprint(roster)
    with pytest.raises(Refused) as refused:
        feedback.issue_batch(roster, "T001", 40)
    assert "public_url" in refused.value.message() and "settings set public_url" in refused.value.message()
    assert store_fingerprint(roster) == before


def test_no_slip_sheet_is_printed_once_public_url_is_gone(roster: Campaign, tmp_path: Path) -> None:
    from campaign.printing.slips import write_slip_sheet

    batch = feedback.issue_batch(roster, "T001", 3)
    unset_public_url(roster)
    with pytest.raises(Refused):
        write_slip_sheet(roster, batch.batch.id, tmp_path / "slips.pdf")
    assert not (tmp_path / "slips.pdf").exists()


@pytest.mark.parametrize("bad", ["192.168.1.20:8080", "vm:8080", "ftp://192.168.1.20", "http://", "http:///f"])
def test_public_url_must_be_an_absolute_http_url(roster: Campaign, bad: str) -> None:
    with pytest.raises(Refused) as refused:
        update_setting(roster, "public_url", bad)
    assert "http://" in refused.value.message()
    assert update_setting(roster, "public_url", "https://pj.school.cn/").public_url == "https://pj.school.cn"


def test_serve_announces_the_address_it_listens_on(
    data_dir: Path, roster: Campaign, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.server
    from tui.cli import main

    bound: list[tuple[str, int]] = []
    monkeypatch.setattr(web.server, "serve", lambda c, host, port, **_: bound.append((host, port)))
    assert main(["--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port", "8099"]) == 0
    out = capsys.readouterr().out
    assert bound == [("127.0.0.1", 8099)]
    assert "http://127.0.0.1:8099" in out and "http://192.168.1.20:8080" in out


def _answers(c: Campaign, member: str, options: list[FeedbackOption]) -> None:
    with c.store.transaction():
        c.repos.feedback.add_many([Feedback(member, "第十八中学", o, date(2026, 11, 20)) for o in options])


def test_one_answer_is_too_few_to_judge(roster: Campaign) -> None:
    _answers(roster, "T001", [FeedbackOption.SATISFIED])
    report = sat.satisfaction_report(roster)
    assert report.min_n == 20
    assert report.verdict is sat.Verdict.TOO_FEW and report.target_met is None
    assert report.by_teacher["T001"].verdict(report.target, report.min_n) is sat.Verdict.TOO_FEW
    update_setting(roster, "satisfaction_min_n", "1")
    assert sat.satisfaction_report(roster).verdict is sat.Verdict.MET


def test_teachers_are_listed_worst_first(roster: Campaign) -> None:
    update_setting(roster, "satisfaction_min_n", "1")
    _answers(roster, "T001", [FeedbackOption.SATISFIED] * 3)
    _answers(roster, "T002", [FeedbackOption.UNSATISFIED, FeedbackOption.SATISFIED])
    _answers(roster, "T003", [FeedbackOption.UNSATISFIED])
    order = [code for code, _ in sat.satisfaction_report(roster).teachers_worst_first()]
    assert order == ["T003", "T002", "T001"]
