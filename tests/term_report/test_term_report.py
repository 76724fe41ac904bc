"""The term report for the education bureau: every figure in the XLSX, the CSV (as Excel reads it) and the PDF is
checked against the store, counted here from the records themselves."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from campaign.clock import FixedClock
from campaign.context import Campaign, open_campaign
from campaign.demo import fill_demo
from campaign.errors import Refused
from campaign.exports import display_width
from campaign.settings import update_setting
from campaign.term_report import Preset, export_term_report, preset_range, term_report
from storage.records import AttendanceStatus, FeedbackOption, PledgeState
from tests.conftest import SHANGHAI
from tests.printing.helpers import pdf_fonts, pdf_text
from tests.tools import require_tool

#: A Friday in the autumn term, after eight of the demo's study sessions.
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
CHUANGYOU = Path(sys.executable).parent / "chuangyou"


@pytest.fixture
def demo(tmp_path: Path) -> Campaign:
    c = open_campaign(tmp_path / "data", actor="secretary", clock=FixedClock(NOW))
    fill_demo(c)
    update_setting(c, "branch_name", "第十八中学党支部")
    return c


def rows_of(ws: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """A sheet under its title row: the header, and each row as {header: value}."""
    header = [str(c.value) for c in ws[2]]
    return header, [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]


def held_sessions(c: Campaign, first: date, last: date) -> list[int]:
    today = NOW.date()
    return [
        s.id
        for s in c.repos.sessions.all()
        if not s.cancelled and first <= s.start.astimezone(c.tz).date() <= min(last, today)
    ]


def test_the_presets_cover_the_term_and_the_months_the_secretary_means(demo: Campaign) -> None:
    assert preset_range(demo, Preset.THIS_TERM)[:2] == (date(2026, 8, 1), date(2027, 1, 31))
    assert preset_range(demo, Preset.LAST_TERM)[:2] == (date(2026, 2, 1), date(2026, 7, 31))
    assert preset_range(demo, Preset.THIS_MONTH)[:2] == (date(2026, 11, 1), date(2026, 11, 30))
    assert preset_range(demo, Preset.LAST_MONTH)[:2] == (date(2026, 10, 1), date(2026, 10, 31))
    with pytest.raises(Refused, match="next-year"):
        preset_range(demo, "next-year")


def test_the_xlsx_report_has_every_figure_of_the_store_with_rates_as_percentages(
    demo: Campaign, tmp_path: Path
) -> None:
    report = term_report(demo, Preset.THIS_TERM)
    out = export_term_report(demo, report, tmp_path / "报表.xlsx")
    wb = load_workbook(out)
    sessions, members, pledges, ranking, satisfaction = (wb[name] for name in wb.sheetnames)

    # The title row names the branch and the period; the header follows.
    for ws in wb.worksheets:
        assert ws["A1"].value == "第十八中学党支部 创先争优工作报表（2026-08-01 至 2027-01-31）"
    # Attendance by session: counted here from the attendance records.
    ids = held_sessions(demo, date(2026, 8, 1), date(2027, 1, 31))
    assert sessions.max_row - 2 == len(ids) > 0
    header = [str(c.value) for c in sessions[2]]
    for row, sid in zip(sessions.iter_rows(min_row=3, values_only=False), ids, strict=True):
        counts = Counter(a.status for a in demo.repos.attendance.for_session(sid))
        values: dict[str, Any] = {h: cell.value for h, cell in zip(header, row, strict=True)}
        session = demo.repos.sessions.get(sid)
        assert session is not None and values["学习会"] == session.title
        assert values["准时"] == counts[AttendanceStatus.ON_TIME]
        assert values["迟到"] == counts[AttendanceStatus.LATE]
        assert values["缺席"] == counts[AttendanceStatus.ABSENT]
        rate_cell = row[header.index("出勤率")]
        attended = counts[AttendanceStatus.ON_TIME] + counts[AttendanceStatus.LATE] + counts[AttendanceStatus.MAKE_UP]
        assert isinstance(rate_cell.value, int | float)  # a number, not the text "85%"
        assert rate_cell.number_format.endswith("%")
        assert rate_cell.value == pytest.approx(attended / values["应到"])
    # Attendance by member: every member once, rates numeric.
    _, member_rows = rows_of(members)
    assert sorted(r["编号"] for r in member_rows) == sorted(m.code for m in demo.repos.members.all() if m.active)
    assert all(isinstance(r["出勤率"], int | float) for r in member_rows)
    # Pledges by category and state.
    by_state = Counter(p.state for p in demo.repos.pledges.all([2026, 2027]))
    _, pledge_rows = rows_of(pledges)
    assert sum(r["已公示"] for r in pledge_rows) == by_state[PledgeState.PUBLISHED]
    assert sum(r["合计"] for r in pledge_rows) == sum(by_state.values())
    # The points ranking: the same members and points as the leaderboard, best first.
    _, ranked = rows_of(ranking)
    assert [(r["名次"], r["编号"], r["积分"]) for r in ranked] == [
        (r.rank, r.key, r.points) for r in report.ranking.rows
    ]
    points = [r["积分"] for r in ranked]
    assert points == sorted(points, reverse=True)
    # Parents' satisfaction: counted here from the answers of the term.
    answers = list(demo.repos.feedback.between(date(2026, 8, 1), date(2027, 1, 31)))
    options = Counter(a.option for a in answers)
    got = rows_of(satisfaction)[1][0]
    n = options[FeedbackOption.SATISFIED] + options[FeedbackOption.BASICALLY] + options[FeedbackOption.UNSATISFIED]
    assert got["范围"] == "全支部" and got["有效评价数"] == n > 0
    assert got["满意率"] == pytest.approx((options[FeedbackOption.SATISFIED] + options[FeedbackOption.BASICALLY]) / n)
    assert got["目标"] == pytest.approx(0.9) and 0 < got["95% 下限"] < got["满意率"]
    # Column widths fit the widest cell (Chinese characters count double).
    title_width = sessions.column_dimensions["B"].width
    assert title_width >= max(display_width(str(c.value or "")) for c in sessions["B"][2:])


def test_the_csv_opens_in_excel_as_utf8_with_a_bom_or_as_gbk(demo: Campaign, tmp_path: Path) -> None:
    report = term_report(demo, Preset.THIS_TERM)
    utf8 = export_term_report(demo, report, tmp_path / "r.csv").read_bytes()
    assert utf8.startswith(b"\xef\xbb\xbf")  # Excel recognises UTF-8 by its BOM
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    assert rows[0] == [report.title]
    assert ["集中学习出勤（按学习会）"] in rows and ["家长满意度"] in rows
    gbk = export_term_report(demo, report, tmp_path / "r-gbk.csv", encoding="gbk").read_bytes()
    assert gbk.decode("gbk") == utf8.decode("utf-8-sig")  # the same table, in the encoding old Excel expects


def test_text_gbk_cannot_hold_is_refused_by_name_and_nothing_is_written(demo: Campaign, tmp_path: Path) -> None:
    from campaign.roster import add_member

    add_member(demo, "X001", "王𠀀", demo.repos.members.all()[0].school)
    report = term_report(demo, Preset.THIS_TERM)
    with pytest.raises(Refused, match="U\\+20000"):
        export_term_report(demo, report, tmp_path / "r.csv", encoding="gbk")
    assert not (tmp_path / "r.csv").exists()


def test_the_pdf_report_renders_with_chinese_headings_figures_and_an_embedded_font(
    demo: Campaign, tmp_path: Path
) -> None:
    report = term_report(demo, Preset.THIS_TERM)
    out = export_term_report(demo, report, tmp_path / "报表.pdf")
    text = pdf_text(out).replace(" ", "")
    for heading in (
        "第十八中学党支部",
        "集中学习出勤（按学习会）",
        "承诺（按五带头类别和状态）",
        "党员积分排名",
        "家长满意度",
    ):
        assert heading in text
    branch = report.satisfaction.branch
    assert branch.rate is not None
    assert f"{branch.rate * 100:.1f}%" in text and str(branch.n) in text
    assert report.ranking.rows[0].name in text
    for font in pdf_fonts(out):
        if font["name"] not in ("Helvetica", "Times-Roman", "Courier"):  # base-14 fonts need no embedding
            assert font["emb"] == "yes", font
    pdftoppm = require_tool("pdftoppm", "Debian package poppler-utils")
    subprocess.run([pdftoppm, "-r", "40", "-png", "-f", "1", "-l", "1", str(out), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5_000


def test_the_cli_writes_the_report_and_says_its_full_path(demo: Campaign, tmp_path: Path) -> None:
    env = {"CHUANGYOU_NOW": NOW.isoformat(), "PATH": "/usr/bin:/bin"}
    data_dir = demo.store.root.parent if demo.store.root.name == "store" else demo.store.root
    done = subprocess.run(
        [str(CHUANGYOU), "--data-dir", str(data_dir), "report", "term", "--preset", "last-month", "--out", "月报.xlsx"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    written = data_dir / "exports" / "月报.xlsx"  # a bare file name goes into the exports folder
    assert str(written) in done.stdout
    assert str(load_workbook(written).worksheets[0]["A1"].value).endswith("（2026-10-01 至 2026-10-31）")
    refused = subprocess.run(
        [str(CHUANGYOU), "--data-dir", str(data_dir), "report", "term", "--out", str(tmp_path / "nope" / "r.pdf")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1 and "nope" in refused.stderr
    assert "Traceback" not in refused.stderr
