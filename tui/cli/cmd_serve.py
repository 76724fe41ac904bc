"""``chuangyou serve``: the parent-feedback web server on the school network."""

from __future__ import annotations

import argparse
from typing import Any

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.urls import slips_url

from .common import with_campaign


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help=t("cli_feedback.serve"))
    p.add_argument("--host", default=None, metavar="H", help=t("cli_feedback.serve_host"))
    p.add_argument("--port", type=int, default=None, metavar="P", help=t("cli_feedback.serve_port"))
    p.set_defaults(handler=with_campaign(_serve))


def _serve(c: Campaign, args: argparse.Namespace) -> int:
    from web.server import listen, serve  # the web framework is loaded only by this command

    settings = c.settings
    host = args.host or settings.web_host
    port = args.port if args.port is not None else settings.web_port
    from campaign.logfile import setup_logging
    from campaign.maintenance import start_daily_backups

    setup_logging(c.store.root)
    sock = listen(host, port)  # a port in use is refused here, before anything is announced
    # What the server binds (--host/--port override the settings), then where slips send phones.
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [t("slips.serve_listening", address=f"http://{address}")]
    if host in ("0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding it
        lines.append(t("slips.serve_all_addresses"))
    try:
        lines.append(t("slips.serve_slips_point_to", url=slips_url(settings)))
    except Refused as exc:
        lines.append(exc.message())
    print("\n".join(lines), flush=True)
    backups = start_daily_backups(c)  # the server runs for weeks: a backup a day, off the event loop
    try:
        serve(c, host, port, sock=sock)
    except KeyboardInterrupt:  # ctrl+c: uvicorn has shut down gracefully and re-raises it; no traceback
        pass
    finally:
        backups.stop(timeout=0)
    return 0
