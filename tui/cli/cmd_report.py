"""``chuangyou report attendance``: attendance by session and by member over a date range, to CSV or XLSX."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from campaign import reports
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t

from .common import add_json, emit, with_campaign


def register(sub: Any) -> None:
    report = sub.add_parser("report", help=t("reports.cli_report")).add_subparsers(dest="action", required=True)
    p = report.add_parser("attendance", help=t("reports.cli_attendance"))
    p.add_argument("--from", dest="first", default=None, metavar="YYYY-MM-DD", help=t("reports.cli_from"))
    p.add_argument("--to", dest="last", default=None, metavar="YYYY-MM-DD", help=t("reports.cli_to"))
    p.add_argument("--out", type=Path, default=None, metavar="FILE.csv|FILE.xlsx", help=t("reports.cli_out"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_attendance))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused("reports.bad_date", text=text) from None


def _attendance(c: Campaign, args: argparse.Namespace) -> int:
    today = c.now().date()
    last = _day(args.last) if args.last else today
    first = _day(args.first) if args.first else last - timedelta(days=30)
    report = reports.attendance_report(c, first, last)
    written = reports.export_report(c, report, args.out) if args.out is not None else None
    doc = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "out": str(written) if written else None,
        "sessions": [
            {
                "id": line.session.id,
                "title": line.session.title,
                "start": line.session.start.astimezone(c.tz).isoformat(),
                "state": line.state,
                **{str(s): line.counts.get(s, 0) for s in reports.STATUSES},
                "missing": line.missing,
            }
            for line in report.sessions
        ],
        "members": [
            {
                "code": m.code,
                "name": m.name,
                "school": m.school,
                "sessions": m.sessions,
                **{str(s): m.counts.get(s, 0) for s in reports.STATUSES},
                "rate": m.rate,
            }
            for m in report.members
        ],
    }
    if written is not None:
        human = t("reports.written", path=str(written), sessions=len(report.sessions), members=len(report.members))
    else:
        table = reports.session_table(c, report)
        human = "\n".join("\t".join(str(v) for v in row) for row in table)
    return emit(args, doc, human)
