"""Member badges: each QR code holds exactly the member code a keyboard-wedge scanner will type at the kiosk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.printing.badges import MARGIN, write_badge_sheet
from campaign.printing.pdf import PAGE_WIDTH
from campaign.roster import add_member, add_school, edit_member
from tests.feedback.helpers import store_fingerprint
from tui.cli import main

from .helpers import cells, decode_zbar, decode_zxing, page_count, pdf_fonts, pdf_text, pdf_words, render_pages


def test_every_badge_decodes_to_its_member_code(roster: Campaign, tmp_path: Path) -> None:
    for i in range(5, 13):
        add_member(roster, f"T{i:03d}", f"成员{i}", "实验小学")
    pdf = write_badge_sheet(roster, tmp_path / "badges.pdf")
    assert page_count(pdf) == 2
    codes = {m.code for m in roster.repos.members.all()}
    pages = render_pages(pdf, tmp_path / "png")
    by_zxing = [d.text for png in pages for d in decode_zxing(png)]
    by_zbar = [text for png in pages for cell in cells(png, tmp_path, margin_pt=MARGIN, columns=2, rows=5)
               for text in decode_zbar(cell)]  # fmt: skip
    assert sorted(by_zxing) == sorted(by_zbar) == sorted(codes)


def test_names_schools_and_codes_are_printed_in_an_embedded_font(roster: Campaign, tmp_path: Path) -> None:
    pdf = write_badge_sheet(roster, tmp_path / "badges.pdf")
    text = pdf_text(pdf)
    for name in ("王晓明", "李红", "张伟", "王小梅", "第十八中学", "实验小学", "T001", "T004"):
        assert name in text
    assert all(f["emb"] == "yes" for f in pdf_fonts(pdf) if "TrueType" in f["type"])


def test_only_the_codes_asked_for_in_that_order(roster: Campaign, tmp_path: Path) -> None:
    pdf = write_badge_sheet(roster, tmp_path / "badges.pdf", codes=["T003", " T001 ", "T003"])
    pages = render_pages(pdf, tmp_path / "png")
    decoded = sorted(decode_zxing(pages[0]), key=lambda d: d.left)
    assert [d.text for d in decoded] == ["T003", "T001"]


@pytest.mark.parametrize(
    "name",
    ["<b>x</b>", "[bold]x[/]", "[@click=app.quit]x[/]", "王" * 200, "M" * 200],
    ids=["html", "rich", "click", "200-han", "200-latin"],
)
def test_names_print_literally_and_stay_on_their_badge(roster: Campaign, name: str, tmp_path: Path) -> None:
    add_member(roster, "X1", name, "实验小学")
    pdf = write_badge_sheet(roster, tmp_path / "badges.pdf", codes=["X1", "T001"])
    text = pdf_text(pdf)
    assert (name if len(name) < 20 else name[:6]) in text
    if len(name) > 100:
        assert "…" in text
    middle = PAGE_WIDTH / 2
    for word in pdf_words(pdf):
        assert word.right <= middle or word.left >= middle, word
    assert {d.text for d in decode_zxing(render_pages(pdf, tmp_path / "png")[0])} == {"X1", "T001"}


def test_unknown_and_deactivated_codes_are_refused_by_name(roster: Campaign, tmp_path: Path) -> None:
    edit_member(roster, "T002", active=False)
    before = store_fingerprint(roster)
    with pytest.raises(Refused) as refused:
        write_badge_sheet(roster, tmp_path / "badges.pdf", codes=["T001", "NOPE", "T002"])
    assert refused.value.key == "printing.unknown_members"
    assert "NOPE, T002" in refused.value.message()
    assert not (tmp_path / "badges.pdf").exists()
    assert store_fingerprint(roster) == before


def test_an_empty_roster_is_refused(campaign: Campaign, tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        write_badge_sheet(campaign, tmp_path / "badges.pdf")
    assert refused.value.key == "printing.no_members"


def test_a_code_a_scanner_cannot_type_is_refused(roster: Campaign, tmp_path: Path) -> None:
    add_school(roster, "二中")
    add_member(roster, "党员01", "赵六", "二中")
    with pytest.raises(Refused) as refused:
        write_badge_sheet(roster, tmp_path / "badges.pdf")
    assert refused.value.key == "printing.code_not_scannable"
    assert "党员01" in refused.value.message()


def test_the_cli_writes_the_sheet_and_reports_it(
    roster: Campaign, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "badges.pdf"
    code = main(
        ["--data-dir", str(data_dir), "member", "badges", "--codes", "T001", "T002", "--out", str(out), "--json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc == {"path": str(out), "badges": 2, "pages": 1, "printed": None}
    assert {d.text for d in decode_zxing(render_pages(out, tmp_path / "png")[0])} == {"T001", "T002"}
    assert roster.repos.audit.recent(1)[0].action == "member.badges"


def test_the_cli_refuses_unknown_codes_with_exit_1(
    roster: Campaign, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--data-dir", str(data_dir), "--lang", "en", "member", "badges", "--codes", "Z9", "--out",
                 str(tmp_path / "b.pdf")])  # fmt: skip
    assert code == 1
    assert "not on the roster" in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()
