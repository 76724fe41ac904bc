"""What every subcommand shares: global options, opening the campaign, JSON output, and refusals."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.locations import data_dir
from storage.errors import (
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreWriteFailed,
    UnsafeFilesystem,
)

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

Handler = Callable[[Campaign, argparse.Namespace], int]


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", default=None, help=t("cli.opt_data_dir"))
    parser.add_argument("--lang", choices=["zh_CN", "en"], default=None, help=t("cli.opt_lang"))


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.opt_json"))


def store_error_message(exc: StoreError) -> str:
    """One clear message, in the active language, for a storage failure."""
    if isinstance(exc, StoreCorrupt):
        first = t("store.corrupt", path=exc.path, detail=exc.detail)
        second = t("store.corrupt_backup", backup=exc.backup) if exc.backup else t("store.corrupt_no_backup")
        return f"{first}\n{second}"
    if isinstance(exc, StoreWriteFailed):
        key = "store.write_pending" if exc.pending else "store.write_failed"
        return t(key, path=exc.path, reason=exc.cause.strerror or str(exc.cause))
    if isinstance(exc, StoreBusy):
        return t("store.busy", timeout=f"{exc.timeout:g}")
    if isinstance(exc, SchemaTooNew):
        return t("store.schema_too_new", found=exc.found, supported=exc.supported)
    if isinstance(exc, UnsafeFilesystem):
        return t("store.unsafe_fs", path=exc.path, fstype=exc.fstype)
    return t("store.error", detail=str(exc))


#: Set by ``main`` once the command line is parsed: a refusal then also prints its JSON document on stdout.
json_output = False


def one_line(message: str) -> str:
    """A refusal is one line on stderr, whatever the message holds (a multi-line store error, problems)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def refuse(message: str, *, code: str = "refused") -> int:
    """Exit status 1 with one line on stderr; with ``--json`` also ``{"error": {"code", "message"}}`` on stdout."""
    line = one_line(message)
    if json_output:
        print(json.dumps({"error": {"code": code, "message": line}}, ensure_ascii=False))
    print(line, file=sys.stderr)
    return EXIT_REFUSED


def store_error_code(exc: StoreError) -> str:
    """``store.busy``, ``store.corrupt``, ...: the JSON error code of a storage failure."""
    codes = {
        StoreCorrupt: "store.corrupt",
        StoreWriteFailed: "store.write_failed",
        StoreBusy: "store.busy",
        SchemaTooNew: "store.schema_too_new",
        UnsafeFilesystem: "store.unsafe_fs",
    }
    return next((code for kind, code in codes.items() if isinstance(exc, kind)), "store.error")


def resolved_data_dir(args: argparse.Namespace) -> Path:
    return data_dir(args.data_dir)


def with_campaign(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """Open the campaign for ``handler``; turn refusals and store failures into exit status 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            c = open_campaign(resolved_data_dir(args))
            return handler(c, args)
        except Refused as exc:
            return refuse(exc.message(), code=exc.key)
        except StoreError as exc:
            return refuse(store_error_message(exc), code=store_error_code(exc))

    return run


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit(args: argparse.Namespace, document: dict[str, Any], human: str) -> int:
    """Print ``document`` as JSON with ``--json``, else the human-readable ``human`` text."""
    if getattr(args, "json", False):
        print(json.dumps(document, ensure_ascii=False, default=_default))
    else:
        print(human)
    return EXIT_OK
