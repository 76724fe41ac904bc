"""Sending a sheet to CUPS: ``lp`` is used when present, and its absence or failure is a clear refusal."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.printing.printer import lp_available, print_pdf
from tui.cli import main


def _fake_lp(folder: Path, *, status: int = 0) -> Path:
    """An ``lp`` that records its arguments; the real one would need a printer."""
    folder.mkdir(exist_ok=True)
    log = folder / "lp.args"
    script = folder / "lp"
    reply = 'echo "request id is Office-42 (1 file(s))"' if status == 0 else 'echo "lp: No default destination." >&2'
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n{reply}\nexit {status}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


def test_print_pdf_hands_the_file_to_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    assert lp_available()
    assert print_pdf(pdf) == "request id is Office-42 (1 file(s))"
    assert log.read_text(encoding="utf-8").splitlines() == ["-t", "sheet.pdf", str(pdf.resolve())]
    print_pdf(pdf, printer="Office")
    assert log.read_text(encoding="utf-8").splitlines()[:2] == ["-d", "Office"]


def test_without_lp_printing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    assert not lp_available()
    with pytest.raises(Refused) as refused:
        print_pdf(pdf)
    assert refused.value.key == "printing.no_lp"
    assert str(pdf) in refused.value.message()


def test_an_lp_failure_is_refused_with_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path / "bin", status=1)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(Refused) as refused:
        print_pdf(pdf)
    assert refused.value.key == "printing.lp_failed"
    assert "No default destination" in refused.value.message()


def test_a_missing_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(Refused) as refused:
        print_pdf(tmp_path / "nothing.pdf")
    assert refused.value.key == "printing.not_a_pdf"


def test_member_badges_print(
    roster: Campaign,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = _fake_lp(tmp_path / "bin")
    # fontconfig stays reachable; lp is the fake one, found first.
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    out = tmp_path / "badges.pdf"
    code = main(["--data-dir", str(data_dir), "member", "badges", "--out", str(out), "--print", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["printed"] == "request id is Office-42 (1 file(s))"
    assert log.read_text(encoding="utf-8").splitlines()[-1] == str(out.resolve())
