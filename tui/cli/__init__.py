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

from campaign.i18n import set_language, t

from .argparse_i18n import fill_help
from .argparse_i18n import install as install_argparse_translations
from .common import EXIT_USAGE, add_global_options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chuangyou", description=t("cli.description"))
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(sub)
    fill_help(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The language is needed before the parser exists: its help texts come from the catalog.
    early = argparse.ArgumentParser(add_help=False)
    add_global_options(early)
    set_language(early.parse_known_args(args_list)[0].lang)
    install_argparse_translations()
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is not None:
            parser.parse_args([*args_list, "--help"])
            return EXIT_USAGE
        from .cmd_app import run_kiosk

        handler = run_kiosk
    code: int = handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
