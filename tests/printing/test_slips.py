"""The A4 sheet of feedback slips, checked the way a secretary and a parent's phone would: decoded, read, measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign import feedback
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.printing.pdf import MM, PAGE_WIDTH
from campaign.printing.slips import MARGIN, write_slip_sheet
from campaign.roster import add_member
from campaign.urls import slip_url
from tests.feedback.helpers import store_fingerprint

from .conftest import PUBLIC_URL
from .helpers import cells, decode_zbar, decode_zxing, page_count, pdf_fonts, pdf_text, pdf_words, render_pages

BASE_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
    "Symbol", "ZapfDingbats",
}  # fmt: skip


def test_every_slip_decodes_to_its_url_with_its_code_printed_below(
    branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path
) -> None:
    pdf = write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf")
    assert page_count(pdf) == 2
    pages = render_pages(pdf, tmp_path / "png")
    words = pdf_words(pdf)

    found: dict[str, int] = {}
    for page_no, png in enumerate(pages, start=1):
        decoded = decode_zxing(png)
        # zbar, one slip at a time (as a phone sees it; on a whole page of codes it can miss one).
        by_zbar = [
            text for cell in cells(png, tmp_path, margin_pt=MARGIN, columns=2, rows=5) for text in decode_zbar(cell)
        ]
        assert sorted(d.text for d in decoded) == sorted(by_zbar), "zbar and zxing-cpp disagree"
        for qr in decoded:
            assert qr.text not in found, "a slip is printed twice"
            found[qr.text] = page_no
            # The grouped code printed centred right under this QR code is the code the QR code carries.
            centre = (qr.left + qr.right) / 2
            under = [w.text for w in words if w.page == page_no and abs((w.left + w.right) / 2 - centre) < 3 * MM
                     and qr.bottom < w.top < qr.bottom + 12 * MM]  # fmt: skip
            code = qr.text.rsplit("/", 1)[1]
            assert under == [feedback.display_code(code)]
    assert set(found) == {slip_url(branch, code) for code in batch.codes}
    assert all(url.startswith(f"{PUBLIC_URL}/f/") for url in found)
    assert sorted(found.values()) == [1] * 10 + [2] * 2


def test_eight_a_page_also_decodes(branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path) -> None:
    pdf = write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf", per_page=8)
    pages = render_pages(pdf, tmp_path / "png")
    assert [len(decode_zxing(p)) for p in pages] == [8, 4]


def test_the_chinese_font_is_embedded_and_the_text_extracts(
    branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path
) -> None:
    pdf = write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf")
    fonts = pdf_fonts(pdf)
    assert any("TrueType" in f["type"] for f in fonts), fonts
    for font in fonts:
        if font["name"] not in BASE_14:
            assert font["emb"] == "yes", font
    text = pdf_text(pdf)
    assert text.count("教师：王晓明") == 12
    assert text.count("班级：初二（3）班") == 12
    assert text.count("请用手机扫码，评价这位老师") == 12
    assert "第十八中学" in text
    assert "有效期至 2026-12-27" in text


def test_used_codes_are_not_printed_again(branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path) -> None:
    used = batch.codes[0]
    feedback.answer(branch, used, "satisfied")
    pdf = write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf")
    text = pdf_text(pdf)
    assert feedback.display_code(used) not in text
    assert all(feedback.display_code(code) in text for code in batch.codes[1:])


@pytest.mark.parametrize(
    "name",
    [
        "<b>x</b>",
        "[bold]x[/]",
        "[@click=app.quit]x[/]",
        "a (b) \\ c",
        "王" * 200,
        "W" * 200,
        "<font size=80>大</font>" * 8,
    ],
    ids=["html", "rich", "click", "pdf-escapes", "200-han", "200-latin", "font-tags"],
)
def test_names_and_class_labels_print_literally_and_stay_inside_their_slip(
    branch: Campaign, name: str, tmp_path: Path
) -> None:
    add_member(branch, "T900", name, "第十八中学")
    label = "[red]<i>3班</i>"
    issued = feedback.issue_batch(branch, "T900", 4, class_label=label)
    pdf = write_slip_sheet(branch, issued.batch.id, tmp_path / "slips.pdf")
    text = pdf_text(pdf)
    shown = name if len(name) < 12 else name[:8]
    assert f"教师：{shown}" in text
    assert f"班级：{label}" in text
    if len(name) > 100:
        assert "…" in text, "a long name is cut with an ellipsis"
    # No word crosses the cut line between the two columns or leaves the page margins.
    middle = PAGE_WIDTH / 2
    for word in pdf_words(pdf):
        assert word.left >= MARGIN and word.right <= PAGE_WIDTH - MARGIN, word
        assert word.right <= middle or word.left >= middle, word
    pages = render_pages(pdf, tmp_path / "png")
    assert {d.text for d in decode_zxing(pages[0])} == {slip_url(branch, code) for code in issued.codes}


def test_an_unknown_batch_is_refused_and_nothing_is_written(branch: Campaign, tmp_path: Path) -> None:
    before = store_fingerprint(branch)
    with pytest.raises(Refused) as refused:
        write_slip_sheet(branch, "20261127-NOPE", tmp_path / "slips.pdf")
    assert refused.value.key == "feedback.unknown_batch"
    assert "20261127-NOPE" in refused.value.message()
    assert not (tmp_path / "slips.pdf").exists()
    assert store_fingerprint(branch) == before


def test_an_expired_batch_is_refused(
    branch: Campaign, batch: feedback.IssuedBatch, clock: FixedClock, tmp_path: Path
) -> None:
    clock.advance(days=31)
    with pytest.raises(Refused) as refused:
        write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf")
    assert refused.value.key == "printing.batch_expired"
    assert "2026-12-27" in refused.value.message()
    assert not (tmp_path / "slips.pdf").exists()


def test_a_used_up_batch_is_refused(branch: Campaign, tmp_path: Path) -> None:
    issued = feedback.issue_batch(branch, "T002", 1)
    feedback.answer(branch, issued.codes[0], "basically")
    with pytest.raises(Refused) as refused:
        write_slip_sheet(branch, issued.batch.id, tmp_path / "slips.pdf")
    assert refused.value.key == "printing.batch_used_up"


def test_an_unwritable_destination_is_refused_and_leaves_no_partial_file(
    branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path
) -> None:
    with pytest.raises(Refused) as refused:
        write_slip_sheet(branch, batch.batch.id, tmp_path / "no-such-folder" / "slips.pdf")
    assert refused.value.key == "printing.cannot_write"
    with pytest.raises(Refused):
        write_slip_sheet(branch, batch.batch.id, tmp_path)  # a directory
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_only_eight_or_ten_a_page(branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf", per_page=12)
    assert refused.value.key == "printing.bad_layout"


def test_printing_a_sheet_is_audited(branch: Campaign, batch: feedback.IssuedBatch, tmp_path: Path) -> None:
    write_slip_sheet(branch, batch.batch.id, tmp_path / "slips.pdf")
    entry = branch.repos.audit.recent(1)[0]
    assert entry.action == "feedback.sheet"
    assert entry.detail["batch"] == batch.batch.id
    assert entry.detail["slips"] == 12
    assert not any(code in str(entry.detail) for code in batch.codes), "the audit log never holds codes"
