"""``chuangyou audit [--since YYYY-MM-DD] [--json]``: every secretary action, oldest first."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from campaign import audit_log
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from tui.text import clean, one_line, pad

from .common import add_json, emit, with_campaign

#: Widths of the human table's first columns (time, actor, action); the details take the rest of the line.
WIDTHS = (19, 14, 18)


def register(sub: Any) -> None:
    p = sub.add_parser("audit", help=t("audit.cli_help"))
    p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help=t("audit.cli_since"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_audit))


def _since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Refused("audit.bad_date", text=text) from None


def _audit(c: Campaign, args: argparse.Namespace) -> int:
    rows = audit_log.entries(c, _since(args.since))
    doc = {"entries": [audit_log.entry_json(e) for e in rows]}
    head = [t("audit.col_at"), t("audit.col_actor"), t("audit.col_action")]
    lines = ["  ".join([*(pad(h, w) for h, w in zip(head, WIDTHS, strict=True)), t("audit.col_detail")])]
    for e in rows:
        cells = [f"{e.at.astimezone(c.tz):%Y-%m-%d %H:%M:%S}", e.actor, e.action]
        # Values are shown as stored, minus control characters: a name must not drive the secretary's terminal.
        detail = one_line(clean(audit_log.detail_text(e)))
        lines.append("  ".join([*(pad(x, w) for x, w in zip(cells, WIDTHS, strict=True)), detail]))
    if not rows:
        lines.append(t("audit.empty"))
    return emit(args, doc, "\n".join(lines))
