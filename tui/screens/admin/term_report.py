"""The branch's term report for the education bureau, from the secretary's Reports screen: pick the period and
the file (PDF, XLSX or CSV; it goes into the data directory's exports folder unless a full path is given)."""

from __future__ import annotations

from pathlib import Path

from campaign.context import Campaign
from campaign.i18n import t
from campaign.term_report import Preset, export_term_report, term_report

from .form import Field, FormScreen


def write_term_report(c: Campaign, values: dict[str, str]) -> Path:
    """Make the report for the chosen period and write it; a bare file name lands in the exports folder."""
    return export_term_report(c, term_report(c, values["preset"]), Path(values["out"].strip()))


def term_report_form(c: Campaign) -> FormScreen[Path]:
    today = c.now().astimezone(c.tz).date()
    presets = tuple((t(f"admin_term_report.preset_{p.name.lower()}"), p.value) for p in Preset)
    fields = [
        Field("preset", t("admin_term_report.period"), Preset.THIS_TERM.value, options=presets),
        Field("out", t("admin_term_report.file"), f"报表-{today:%Y%m%d}.pdf", placeholder="*.pdf / *.xlsx / *.csv"),
    ]
    return FormScreen(
        t("admin_term_report.title"), fields, lambda v: write_term_report(c, v), t("admin_term_report.save")
    )
