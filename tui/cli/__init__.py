"""The ``chuangyou`` command: for people and for scripts.

Exit status: 0 success; 1 a refused action (one line on stderr, in the user's language); 2 bad usage.
``--json`` prints exactly one JSON document on stdout. Each ``cmd_*.py`` module here adds its subcommands.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

from campaign.i18n import set_language, t
from storage.errors import StoreError
from storage.perms import restrict_umask

from .common import (
    EXIT_USAGE,
    add_global_options,
    data_root_of,
    permission_message,
    refuse,
    resolved_data_dir,
    store_error_message,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chuangyou", description=t("cli.description"))
    add_global_options(parser)
    parser.add_argument("--version", action="version", version=f"chuangyou {version()}", help=t("console.version"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(sub)
    return parser


def version() -> str:
    """The installed package's version (the checkout's, when run from one)."""
    from importlib import metadata

    try:
        return metadata.version("chuangyou")
    except metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever the caller's umask, nothing this process creates is readable by other accounts (storage/perms.py).
    restrict_umask()
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The language is needed before the parser exists: its help texts come from the catalog.
    early = argparse.ArgumentParser(add_help=False)
    add_global_options(early)
    set_language(early.parse_known_args(args_list)[0].lang)
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is not None:
            parser.parse_args([*args_list, "--help"])
            return EXIT_USAGE
        from .cmd_app import run_kiosk

        handler = run_kiosk
    try:
        code: int = handler(args)
    except StoreError as exc:  # a last resort: handlers turn these into refusals themselves
        return refuse(store_error_message(exc))
    except PermissionError as exc:
        path = Path(exc.filename or resolved_data_dir(args))
        return refuse(permission_message(path, data_root_of(path), "write"))
    return code


if __name__ == "__main__":
    sys.exit(main())
