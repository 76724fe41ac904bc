"""``chuangyou kiosk`` and ``chuangyou admin``: the Textual app in its two modes."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Any

from campaign.context import Campaign
from campaign.i18n import t

from .common import EXIT_REFUSED, with_campaign


def register(sub: Any) -> None:
    p = sub.add_parser("kiosk", help=t("cli.kiosk"))
    p.set_defaults(handler=run_kiosk)
    p = sub.add_parser("admin", help=t("cli.admin"))
    p.set_defaults(handler=on_a_chinese_terminal(with_campaign(_admin)))
    p = sub.add_parser("demo", help=t("cli.demo"))
    p.add_argument("--no-open", action="store_true", help=t("cli.demo_no_open"))
    p.set_defaults(handler=on_a_chinese_terminal(with_campaign(_demo)))


def _start(c: Campaign, mode: str, args: argparse.Namespace) -> int:
    from tui.terminal import prepare

    prepare()  # before Textual is imported: it reads its settings once
    from tui.app import run_app  # Textual is imported only when a screen is opened

    # The daily backup runs beside the app so it never delays the first screen.
    threading.Thread(target=_daily_backup, args=(c,), name="daily-backup", daemon=True).start()
    code: int = run_app(c, mode, lang=getattr(args, "lang", None))
    return code


def _daily_backup(c: Campaign) -> None:
    from campaign.maintenance import backup_if_due
    from storage.errors import StoreError

    # The app must not die of a failed backup: the next start tries again, and `chuangyou check` warns
    # when the newest backup is old.
    with contextlib.suppress(OSError, StoreError):
        backup_if_due(c)


def _kiosk(c: Campaign, args: argparse.Namespace) -> int:
    c.actor = "kiosk"
    return _start(c, "kiosk", args)


def _admin(c: Campaign, args: argparse.Namespace) -> int:
    c.actor = "secretary"
    return _start(c, "admin", args)


def _demo(c: Campaign, args: argparse.Namespace) -> int:
    from campaign.demo import DEMO_PASSPHRASE, DEMO_PIN, fill_demo, is_empty

    if is_empty(c):
        s = fill_demo(c)
        print(
            t(
                "cli.demo_filled",
                members=s.members,
                sessions=s.sessions,
                schools=s.schools,
                pledges=s.pledges,
                feedback=s.feedback,
                pin=DEMO_PIN,
                passphrase=DEMO_PASSPHRASE,
            )
        )
    else:
        print(t("cli.demo_not_empty", dir=c.store.root))
    if args.no_open:
        return 0
    return _kiosk(c, args)


def on_a_chinese_terminal(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Refuse to open the TUI, before touching the data, on a terminal that cannot draw Chinese characters."""

    def run(args: argparse.Namespace) -> int:
        from tui.terminal import can_show_chinese

        if getattr(args, "no_open", False) or can_show_chinese():
            return handler(args)
        # Both languages, English first: only its letters can be read on the Linux console.
        print(t("console.linux", lang="en"), file=sys.stderr)
        print(t("console.linux", lang="zh_CN"), file=sys.stderr)
        return EXIT_REFUSED

    return run


run_kiosk = on_a_chinese_terminal(with_campaign(_kiosk))
