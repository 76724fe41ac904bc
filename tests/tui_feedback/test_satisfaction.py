"""Satisfaction figures on the secretary's screen match campaign.satisfaction; comments show literally."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from campaign import feedback
from campaign import satisfaction as sat
from campaign.clock import FixedClock
from campaign.context import Campaign
from campaign.i18n import set_language, t
from campaign.settings import update_setting
from tui.app import ChuangyouApp
from tui.screens.admin.feedback_stats import SatisfactionScreen, figures, percent, score

from .conftest import SIZE, B, K, MakeApp, U, answer_on, open_feedback, settle

SnapCompare = Callable[..., bool]
TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _judge_even_a_few_answers(campaign: Campaign) -> None:
    """These tests are about the figures; the minimum number of answers has its own tests."""
    update_setting(campaign, "satisfaction_min_n", "1")


def rows(app: ChuangyouApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(x) for x in table.get_row_at(i)] for i in range(table.row_count)]


def text(app: ChuangyouApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def branch_line(s: sat.Satisfaction) -> str:
    return t(
        "admin_feedback.branch_line",
        rate=percent(s.rate),
        score=score(s.score),
        n=s.n,
        unknown=s.unknown,
        low=percent(s.wilson_low),
    )


async def open_stats(pilot: Pilot[int]) -> None:
    await open_feedback(pilot)
    await pilot.press("s")
    await settle(pilot)


async def test_figures_on_screen_are_those_of_campaign_satisfaction(answered: Campaign, make_app: MakeApp) -> None:
    c = answered
    names = {"T001": ["王晓明", "第十八中学"], "T002": ["李红", "第十八中学"], "T003": ["张伟", "实验小学"]}
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_stats(pilot)
        assert isinstance(app.screen, SatisfactionScreen)
        for key, period in [
            ("t", sat.Period.TERM),
            ("m", sat.Period.MONTH),
            ("y", sat.Period.YEAR),
            ("a", sat.Period.ALL),
        ]:
            await pilot.press(key)
            await settle(pilot)
            report = sat.satisfaction_report(c, *sat.period_bounds(period, TODAY))
            target = report.target
            assert text(app, "#stats-branch") == branch_line(report.branch), period
            assert rows(app, "#stats-schools") == [[k, *figures(v, target)] for k, v in report.by_school.items()]
            assert rows(app, "#stats-teachers") == [
                [*names[k], *figures(v, target)] for k, v in report.teachers_worst_first()
            ]
            if period is sat.Period.TERM:
                term = (text(app, "#stats-branch"), rows(app, "#stats-teachers"), text(app, "#stats-target"))

    # This term, by hand: 5 满意 + 1 基本满意 out of 8 valid answers (2 不了解 left out).
    wilson = sat.wilson_lower_bound(6, 8)
    assert wilson is not None and 0.40 < wilson < 0.41
    assert term[0] == t("admin_feedback.branch_line", rate="75.0%", score="85.6", n=8, unknown=2, low=f"{wilson:.1%}")
    # 王晓明: 3 满意, 1 基本满意, 1 不满意 (+1 不了解): 4 / 5 = 80%, (300 + 75 + 55) / 5 = 86.
    # Worst first: 张伟 0%, 王晓明 80%, 李红 100%.
    assert term[1][0][2:7] == ["0.0%", "55.0", "1", "1", "0.0%"]
    assert term[1][1][:6] == ["王晓明", "第十八中学", "80.0%", "86.0", "5", "1"]
    assert term[1][2][:6] == ["李红", "第十八中学", "100.0%", "100.0", "2", "0"]
    assert term[2] == t("admin_feedback.target_line", target="90.0%", verdict=t("feedback.target_not_met"))


async def test_no_answers_then_the_target_met(secretary: Campaign, clock: FixedClock, make_app: MakeApp) -> None:
    from .conftest import S

    app = make_app(secretary)
    async with app.run_test(size=SIZE) as pilot:
        await open_stats(pilot)
        assert text(app, "#stats-target") == t(
            "admin_feedback.target_line", target="90.0%", verdict=t("feedback.no_answers")
        )
        assert text(app, "#stats-branch") == branch_line(sat.Satisfaction())
        assert rows(app, "#stats-teachers") == []
        assert text(app, "#stats-comment") == t("admin_feedback.no_comments")

        # Parents answer meanwhile (the web server is another process); choosing the period again re-reads.
        answer_on(secretary, clock, date(2026, 11, 2), "T002", [(S, "")] * 9 + [(B, ""), (K, "")])
        await pilot.press("t")
        await settle(pilot)
        target = app.screen.query_one("#stats-target", Static)
        assert str(target.render()) == t("admin_feedback.target_line", target="90.0%", verdict=t("feedback.target_met"))
        assert target.has_class("-met")
        assert rows(app, "#stats-teachers")[0][:6] == ["李红", "第十八中学", "100.0%", "97.5", "10", "1"]


MARKUP = ["[@click=app.quit]x[/]", "<script>alert('x')</script>", "[/", "[bold]粗体[/bold] $error"]


async def test_comments_show_literally_and_an_injected_click_does_nothing(
    secretary: Campaign, clock: FixedClock, make_app: MakeApp
) -> None:
    c = secretary
    answer_on(c, clock, date(2026, 11, 25), "T003", [(U, m) for m in MARKUP])
    app = make_app(c)
    async with app.run_test(size=SIZE) as pilot:
        await open_stats(pilot)
        shown = {row[3]: row for row in rows(app, "#stats-comments")}
        assert sorted(shown) == sorted(MARKUP)
        table = app.screen.query_one("#stats-comments", DataTable)
        for i, row in enumerate(rows(app, "#stats-comments")):
            table.move_cursor(row=i)
            await pilot.pause()
            # The whole comment below the table, exactly as the parent typed it.
            assert text(app, "#stats-comment") == row[3]
            if row[3] == MARKUP[0]:
                clickable = i
        table.move_cursor(row=clickable)
        await pilot.pause()
        # Click where the "x" would be if the comment were parsed as markup, and where it is as text.
        for x in (1, 2, 18):
            await pilot.click("#stats-comment", offset=(x, 1))
        await pilot.click("#stats-comments", offset=(60, clickable + 1))
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, SatisfactionScreen)


@pytest.mark.parametrize("lang", ["zh_CN"])
def test_satisfaction_snapshot(
    lang: str, answered: Campaign, clock: FixedClock, make_app: MakeApp, snap_compare: SnapCompare
) -> None:
    c = answered
    # A comment that would be markup, so the snapshot shows it literally.
    answer_on(c, clock, date(2026, 11, 24), "T003", [(U, "[@click=app.quit]x[/] <b>作业</b>")])
    feedback.issue_batch(c, "T001", 1)
    set_language(lang)
    assert snap_compare(make_app(c), terminal_size=SIZE, run_before=open_stats)
