"""The ``chuangyou`` command: for people and for scripts.

Exit status: 0 success; 1 a refused action (one line on stderr, in the user's language); 2 bad usage.
``--json`` prints exactly one JSON document on stdout, on a refusal too (``{"error": {"code", "message"}}``).
The global options (``--data-dir``, ``--lang``, ``--json``) go before or after the subcommand. Each ``cmd_*.py``
module here adds its subcommands. Output cut short by a closed pipe (``| head -1``) ends quietly.
"""

from __future__ import annotations

# First, before the heavier imports below: ctrl+c during start-up must not print a traceback (see startup.py).
from .startup import guard_interrupts, pause_gc_for_start_up

guard_interrupts()
pause_gc_for_start_up()

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import pkgutil  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from campaign.i18n import set_language, t  # noqa: E402
from storage.errors import StoreError  # noqa: E402
from storage.perms import restrict_umask  # noqa: E402

from . import common  # noqa: E402
from .argparse_i18n import fill_help  # noqa: E402
from .argparse_i18n import install as install_argparse_translations  # noqa: E402
from .common import (  # noqa: E402
    EXIT_USAGE,
    add_global_options,
    data_root_of,
    permission_message,
    refuse,
    resolved_data_dir,
    store_error_message,
)
from .scripts import accept_global_options_everywhere, quiet_on_broken_pipe  # noqa: E402

#: The commands ``cmd_app`` registers: the TUI. ``chuangyou`` alone (or ``kiosk``, ``admin``, ``demo``) builds its
#: parser from that module only, so a kiosk's start does not import every other command (a test keeps this list
#: equal to what ``cmd_app`` registers).
APP_COMMANDS = frozenset({"kiosk", "admin", "demo"})


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line, or only the subcommands of ``modules`` (e.g. ``["cmd_app"]``)."""
    parser = argparse.ArgumentParser(prog="chuangyou", description=t("cli.description"))
    add_global_options(parser)
    parser.add_argument("--version", action=_ShowVersion, help=t("console.version"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_") and (modules is None or info.name in modules):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(sub)
    accept_global_options_everywhere(parser)
    fill_help(parser)
    return parser


class _ShowVersion(argparse.Action):
    """``--version``: the version is looked up only when asked for (reading the package metadata costs ~15 ms at
    every start otherwise)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"chuangyou {version()}")
        parser.exit()


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
    return quiet_on_broken_pipe(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The language is needed before the parser exists: its help texts come from the catalog.
    early = argparse.ArgumentParser(add_help=False)
    add_global_options(early)
    known, rest = early.parse_known_args(args_list)
    set_language(known.lang)
    install_argparse_translations()
    command = next((a for a in rest if not a.startswith("-")), None)
    asks_for_help = any(a in ("-h", "--help", "--version") for a in rest)
    tui_only = (command is None or command in APP_COMMANDS) and not asks_for_help
    if not tui_only:
        gc.enable()  # paused only for a screen's start (startup.pause_gc_for_start_up)
    parser = build_parser(["cmd_app"] if tui_only else None)
    args = parser.parse_args(args_list)
    common.json_output = bool(getattr(args, "json", False))
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
