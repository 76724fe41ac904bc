"""``chuangyou pin-slips``: PINs in bulk for members who have none, with a sealed slip per member."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from campaign.context import Campaign
from campaign.exports import export_path
from campaign.i18n import t

from .common import add_json, emit, with_campaign


def register(sub: Any) -> None:
    p = sub.add_parser("pin-slips", help=t("pin_slips.cli"))
    p.add_argument("--member", action="append", default=None, metavar="CODE", help=t("pin_slips.cli_member"))
    p.add_argument("--out", type=Path, default=Path("pin-slips.pdf"), metavar="FILE.pdf", help=t("pin_slips.cli_out"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_pin_slips))


def _pin_slips(c: Campaign, args: argparse.Namespace) -> int:
    from campaign.printing.pin_slips import issue_pin_slips

    path, count = issue_pin_slips(c, export_path(c, args.out), args.member)
    return emit(args, {"path": str(path), "count": count}, t("pin_slips.written", count=count, path=str(path)))
