"""``chuangyou kiosk`` and ``chuangyou admin``: the Textual app in its two modes."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from campaign.context import Campaign
from campaign.i18n import t

from .common import EXIT_REFUSED, log_failure_in, resolved_data_dir, store_error_message, with_campaign


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
    from campaign.logfile import setup_logging
    from campaign.maintenance import start_daily_backups
    from tui.app import run_app  # Textual is imported only when a screen is opened

    setup_logging(c.store.root)
    # The daily backup runs beside the app, in a thread (never the UI's), for as long as the app runs: it starts
    # once the first screen is up (or after FIRST_CHECK_WAIT_S), and a kiosk that runs for weeks makes one a day.
    # Failures go to the log.
    first_screen = threading.Event()
    backups = start_daily_backups(c, after=first_screen)
    try:
        code: int = run_app(c, mode, lang=getattr(args, "lang", None), on_first_screen=first_screen.set)
    finally:
        backups.stop(timeout=0)
    return code


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


def _run_kiosk(args: argparse.Namespace) -> int:
    """The kiosk; on a damaged store it still starts, out of service (naming no data) until the file is restored."""
    from campaign.context import open_campaign
    from storage.errors import StoreCorrupt

    root = resolved_data_dir(args)
    try:
        c = open_campaign(root)
    except StoreCorrupt as exc:
        log_failure_in(root, "kiosk", exc)
        print(store_error_message(exc), file=sys.stderr)  # for whoever reads the console later; no data in it
        return _start_out_of_service(root, exc.path, args)
    except Exception:
        return with_campaign(_kiosk)(args)
    return with_campaign(lambda _again, a: _kiosk(c, a), opened=c)(args)


def _start_out_of_service(root: Path, damaged: Path, args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from campaign.clock import clock_for
    from storage import Store
    from storage.records import Settings
    from tui.terminal import prepare

    settings = Settings()  # the branch's settings live in the damaged store: the defaults until it is restored
    c = Campaign(Store(root), clock_for(ZoneInfo(settings.timezone)), "kiosk")
    prepare()
    from tui.app import run_app

    code: int = run_app(c, "kiosk", lang=getattr(args, "lang", None), settings=settings, out_of_service=damaged)
    return code


run_kiosk = on_a_chinese_terminal(_run_kiosk)
