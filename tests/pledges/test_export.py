"""Exports: every pledge as literal text in CSV and XLSX — markup, HTML and formulas included."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaign import pledges as pl
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.pledge_export import export_pledges
from storage.records import PledgeState

from .conftest import DUE, MARKUP, bring_to

FORMULAS = ('=HYPERLINK("http://evil","x")', "+1+1", "-2", "@SUM(A1)")


def _fill(c: Campaign) -> list[str]:
    texts = [*MARKUP, *FORMULAS, "长" * 500]
    ids = []
    for text in texts:
        p = pl.create_pledge(c, pl.as_member("T001"), "T001", "integrity", text, "目标", DUE)
        ids.append(p.id)
    bring_to(c, PledgeState.EVALUATED, "T002", "每月家访\n不少于 4 户")
    return texts


def test_csv_is_literal_and_never_a_formula(roster: Campaign, tmp_path: Path) -> None:
    texts = _fill(roster)
    out = export_pledges(roster, tmp_path / "pledges.csv")
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:5] == ["编号", "党员编号", "姓名", "学校", "分类"]
    cells = {row[5] for row in rows[1:]}
    for text in texts:
        expected = "'" + text if text[0] in "=+-@" else text
        assert expected in cells
    assert roster.repos.audit.recent()[0].action == "pledge.export"


def test_xlsx_cells_are_strings(roster: Campaign, tmp_path: Path) -> None:
    texts = _fill(roster)
    out = export_pledges(roster, tmp_path / "承诺.xlsx", lang="en")
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[:3] == ["ID", "Member code", "Name"]
    values = {ws.cell(row=r, column=6).value for r in range(2, ws.max_row + 1)}
    types = {ws.cell(row=r, column=6).data_type for r in range(2, ws.max_row + 1)}
    assert types == {"s"}
    # Typed as strings, a cell is never a formula in XLSX: the text is kept exactly as written.
    for text in texts:
        assert text in values
    graded = [ws.cell(row=r, column=13).value for r in range(2, ws.max_row + 1)]
    assert "Good" in graded


def test_control_characters_do_not_break_the_spreadsheet(roster: Campaign, tmp_path: Path) -> None:
    # Stored text never has them (normalised on entry), but a note written before that rule must not crash.
    p = pl.create_pledge(roster, pl.as_member("T001"), "T001", "study", "读书", "2 本", DUE)
    raw = p.to_doc()
    raw["text"] = "读书\x07\x1b笔记"
    from dataclasses import replace

    from storage.records import Pledge

    with roster.store.transaction():
        roster.repos.pledges.put(replace(Pledge.from_doc(raw)))
    out = export_pledges(roster, tmp_path / "x.xlsx")
    ws = load_workbook(out).active
    assert ws is not None and ws.cell(row=2, column=6).value == "读书笔记"


def test_unsupported_format_is_refused(roster: Campaign, tmp_path: Path) -> None:
    with pytest.raises(Refused) as err:
        export_pledges(roster, tmp_path / "x.pdf")
    assert err.value.key == "pledges.unsupported_format"
    with pytest.raises(Refused) as err:
        export_pledges(roster, tmp_path / "missing-dir" / "x.csv")
    assert err.value.key == "exports.cannot_write" and "missing-dir" in err.value.message()
