"""``chuangyou feedback issue | sheet | stats | comments`` as scripts use them."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from campaign.settings import update_setting
from storage.records import Feedback, FeedbackOption
from tests.tools import require_tool
from tui.cli import main


@pytest.fixture
def cli(roster: Campaign, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("CHUANGYOU_NOW", "2026-11-27T07:50:00+08:00")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_issue_prints_the_batch_its_codes_and_their_urls(cli: Any, roster: Campaign) -> None:
    code, out, _ = cli("feedback", "issue", "--member", "T001", "--count", "4", "--class", "初二(3)班", "--json")
    assert code == 0
    doc = json.loads(out)
    assert len(doc["codes"]) == 4 and len(doc["urls"]) == 4
    assert roster.repos.batches.get(doc["batch"]) is not None
    for c, url in zip(doc["codes"], doc["urls"], strict=True):
        assert url.endswith(f"/f/{c}") and url.startswith("http://")
        assert fb.open_slip(roster, c).class_label == "初二(3)班"
    assert doc["expires"] == "2026-12-27"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--member", "NOPE", "--count", "2"], "NOPE"),
        (["--member", "T001", "--count", "0"], "1"),
        (["--member", "T001", "--count", "2", "--expires", "2026-13-01"], "2026-13-01"),
        (["--member", "T001", "--count", "2", "--expires", "2026-11-01"], "2026-11-01"),
    ],
)
def test_bad_issue_requests_exit_1_with_one_line(cli: Any, roster: Campaign, argv: list[str], needle: str) -> None:
    code, out, err = cli("feedback", "issue", *argv)
    assert code == 1 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1
    assert roster.repos.batches.all() == []


def test_stats_json_follows_the_contract(cli: Any, roster: Campaign) -> None:
    update_setting(roster, "satisfaction_min_n", "1")  # judge these few answers (the minimum has its own test)
    with roster.store.transaction():
        roster.repos.feedback.add_many(
            [Feedback("T001", "第十八中学", FeedbackOption.SATISFIED, date(2026, 11, 20))] * 6
            + [Feedback("T001", "第十八中学", FeedbackOption.BASICALLY, date(2026, 11, 20))] * 2
            + [Feedback("T002", "第十八中学", FeedbackOption.UNSATISFIED, date(2026, 11, 20))] * 2
            + [Feedback("T003", "实验小学", FeedbackOption.UNKNOWN, date(2026, 11, 20))] * 3
        )
    code, out, _ = cli("feedback", "stats", "--json")
    assert code == 0
    doc = json.loads(out)
    assert {k: doc[k] for k in ("n", "satisfied", "basically", "unsatisfied", "unknown")} == {
        "n": 10,
        "satisfied": 6,
        "basically": 2,
        "unsatisfied": 2,
        "unknown": 3,
    }
    assert doc["rate"] == pytest.approx(0.8) and doc["wilson_low"] == pytest.approx(0.4902, abs=1e-4)
    assert doc["score"] == pytest.approx(86.0) and doc["target"] == 0.9 and doc["met"] is False
    assert [s["school"] for s in doc["schools"]] == ["实验小学", "第十八中学"]
    code, out, _ = cli("feedback", "stats", "--member", "T001", "--json")
    one = json.loads(out)
    assert (one["n"], one["rate"], one["met"]) == (8, 1.0, True)
    code, out, _ = cli("feedback", "stats", "--period", "month")
    assert code == 0 and "80.0%" in out and "未达目标" in out
    code, _, err = cli("feedback", "stats", "--member", "T999")
    assert code == 1 and "T999" in err


def test_comments_are_listed_for_the_secretary_as_plain_text(cli: Any, roster: Campaign) -> None:
    code_ = fb.issue_batch(roster, "T001", 1).codes[0]
    fb.answer(roster, code_, "unsatisfied", "[bold]作业<b>太多</b>")
    status, out, _ = cli("feedback", "comments", "--json")
    assert status == 0
    assert json.loads(out)["comments"][0]["text"] == "[bold]作业<b>太多</b>"
    _, out, _ = cli("feedback", "comments")
    assert "[bold]作业<b>太多</b>" in out


def test_sheet_writes_a_pdf_for_a_batch_and_refuses_an_unknown_batch(cli: Any, tmp_path: Path) -> None:
    code, out, _ = cli("feedback", "issue", "--member", "T002", "--count", "3", "--class", "一(1)班", "--json")
    batch = json.loads(out)["batch"]
    pdf = tmp_path / "slips.pdf"
    code, out, err = cli("feedback", "sheet", "--batch", batch, "--out", str(pdf), "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == str(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    code, _, err = cli("feedback", "sheet", "--batch", "20000101-XXXX", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "20000101-XXXX" in err and not (tmp_path / "x.pdf").exists()


def test_the_sheet_names_the_teacher_in_chinese(cli: Any, tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext", "apt-get install poppler-utils")
    _, out, _ = cli("feedback", "issue", "--member", "T004", "--count", "2", "--class", "五(2)班", "--json")
    pdf = tmp_path / "slips.pdf"
    assert cli("feedback", "sheet", "--batch", json.loads(out)["batch"], "--out", str(pdf))[0] == 0
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "王小梅" in text and "五(2)班" in text
