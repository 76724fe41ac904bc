"""The Chinese font: found offline, embedded; with none on the host, printing is refused with what to install."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from campaign import feedback
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.printing import fonts
from campaign.printing.badges import write_badge_sheet
from campaign.printing.slips import write_slip_sheet
from tests.tools import require_tool


def _fake_program(folder: Path, name: str, output: str) -> None:
    script = folder / name
    script.write_text(f"#!/bin/sh\nprintf '%s' '{output}'\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def no_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A host without Chinese fonts: fontconfig's best match for zh-cn is a Latin font, and it lists none."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_program(bin_dir, "fc-match", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf|0\n")
    _fake_program(bin_dir, "fc-list", "")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ())


def test_the_host_font_is_found_through_fontconfig() -> None:
    require_tool("fc-match", "Debian package fontconfig")
    font = fonts.cjk_font()
    assert font.path.is_file()
    assert font.path.suffix.lower() in (".ttf", ".ttc")


@pytest.mark.usefixtures("no_cjk_font")
def test_without_a_chinese_font_slips_are_refused_naming_the_package(roster: Campaign, tmp_path: Path) -> None:
    issued = feedback.issue_batch(roster, "T001", 2)
    with pytest.raises(Refused) as refused:
        write_slip_sheet(roster, issued.batch.id, tmp_path / "slips.pdf")
    assert refused.value.key == "printing.no_cjk_font"
    assert "fonts-wqy-microhei" in refused.value.message()
    assert "fonts-wqy-microhei" in refused.value.message("en")
    assert not (tmp_path / "slips.pdf").exists()


@pytest.mark.usefixtures("no_cjk_font")
def test_without_a_chinese_font_badges_are_refused(roster: Campaign, tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        write_badge_sheet(roster, tmp_path / "badges.pdf")
    assert refused.value.key == "printing.no_cjk_font"


def test_a_damaged_font_file_is_skipped_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"\x00\x01\x00\x00" + b"garbage" * 50)
    monkeypatch.setenv(fonts.FONT_ENV, str(broken))
    with pytest.raises(Refused) as refused:
        fonts.cjk_font()
    assert refused.value.key == "printing.no_cjk_font"


def test_the_environment_can_name_the_font(monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("fc-match", "Debian package fontconfig")
    found = fonts.cjk_font().path
    monkeypatch.setenv(fonts.FONT_ENV, str(found))
    assert fonts.cjk_font().path == found
