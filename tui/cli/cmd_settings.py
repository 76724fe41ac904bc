"""``chuangyou settings``: show or change the branch's settings."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from campaign import settings as branch_settings
from campaign.context import Campaign
from campaign.i18n import t

from .common import add_json, emit, with_campaign


def register(sub: Any) -> None:
    settings = sub.add_parser("settings", help=t("cli_settings.settings"))
    actions = settings.add_subparsers(dest="action")
    p = actions.add_parser("list", help=t("cli_settings.list"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_list))
    p = actions.add_parser("set", help=t("cli_settings.set"))
    p.add_argument("name", metavar="NAME", choices=branch_settings.setting_names())
    p.add_argument("value", metavar="VALUE")
    add_json(p)
    p.set_defaults(handler=with_campaign(_set))
    add_json(settings)
    settings.set_defaults(handler=with_campaign(_list))


def _list(c: Campaign, args: argparse.Namespace) -> int:
    values = asdict(c.settings)
    docs = branch_settings.describe()
    human = "\n".join(f"{k} = {v!r}\n    {docs.get(k, '')}" for k, v in values.items())
    return emit(args, {"settings": values}, human)


def _set(c: Campaign, args: argparse.Namespace) -> int:
    updated = branch_settings.update_setting(c, args.name, args.value)
    value = getattr(updated, args.name)
    return emit(args, {"name": args.name, "value": value}, t("cli_settings.changed", name=args.name, value=value))
