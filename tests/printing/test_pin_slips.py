"""Issue 8: PINs in bulk for members imported without one, and a sealed PIN slip per member."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.hashing import verify_secret
from campaign.printing.pin_slips import issue_pin_slips
from campaign.roster import add_member
from tests.printing.helpers import pdf_fonts, pdf_text
from tui.cli import main


def test_members_without_a_pin_get_one_and_a_slip(roster: Campaign, tmp_path: Path) -> None:
    add_member(roster, "N001", "欧阳娜娜", "第十八中学")
    add_member(roster, "N002", "[bold]李雪[/]", "实验小学")
    path, count = issue_pin_slips(roster, tmp_path / "pins.pdf")
    assert count == 2
    text = pdf_text(path)
    assert "欧阳娜娜" in text and "[bold]李雪[/]" in text and "王晓明" not in text  # T001 has a PIN already
    pins = re.findall(r"\b\d{6}\b", text)
    assert len(pins) == 2
    hashes = [roster.repos.members.get(code).pin_hash for code in ("N001", "N002")]  # type: ignore[union-attr]
    assert all(h and any(verify_secret(p, h) for p in pins) for h in hashes)
    assert all(f["emb"] == "yes" for f in pdf_fonts(path) if not f["name"].endswith(("Courier-Bold", "Helvetica")))
    audit = [e for e in roster.repos.audit.recent() if e.action == "member.pins_set"]
    assert audit and not any(p in json.dumps(audit[0].to_doc(), ensure_ascii=False) for p in pins)


def test_nobody_without_a_pin_is_refused(roster: Campaign, tmp_path: Path) -> None:
    with pytest.raises(Refused):
        issue_pin_slips(roster, tmp_path / "pins.pdf")
    assert not (tmp_path / "pins.pdf").exists()


def test_a_sheet_that_cannot_be_written_changes_no_pin(roster: Campaign, tmp_path: Path) -> None:
    add_member(roster, "N001", "欧阳娜娜", "第十八中学")
    with pytest.raises(Refused):
        issue_pin_slips(roster, tmp_path / "no" / "such" / "pins.pdf")
    assert roster.repos.members.get("N001").pin_hash is None  # type: ignore[union-attr]


def test_the_cli_writes_to_the_exports_folder(
    data_dir: Path, roster: Campaign, capsys: pytest.CaptureFixture[str]
) -> None:
    add_member(roster, "N001", "欧阳娜娜", "第十八中学")
    assert main(["--data-dir", str(data_dir), "pin-slips", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["count"] == 1 and doc["path"] == str((data_dir / "exports" / "pin-slips.pdf").resolve())
