"""What makes the CLI good to script: global options anywhere, quiet on a closed pipe, secrets from stdin."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable

from campaign.errors import Refused
from campaign.i18n import t

from .common import EXIT_OK

#: Options every subcommand also accepts after its name (the top-level parser holds their defaults).
GLOBAL_OPTIONS = ("--data-dir", "--lang", "--json")


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.append(child)
                found.extend(_subparsers(child))
    return found


def accept_global_options_everywhere(parser: argparse.ArgumentParser) -> None:
    """``chuangyou member list --data-dir D --lang en --json`` as well as ``chuangyou --data-dir D ... member list``.

    The copies on subcommands default to "not given" (SUPPRESS), so they never undo the value given before the
    subcommand; ``--json`` is also accepted before the subcommand.
    """
    top = {option: action for action in parser._actions for option in action.option_strings}
    if "--json" not in top:
        parser.add_argument("--json", action="store_true", help=t("cli.opt_json"))
        top = {option: action for action in parser._actions for option in action.option_strings}
    for child in _subparsers(parser):
        have = {option: action for action in child._actions for option in action.option_strings}
        for option in GLOBAL_OPTIONS:
            if option in have:
                have[option].default = argparse.SUPPRESS
                continue
            original = top[option]
            kwargs: dict[str, object] = {"default": argparse.SUPPRESS, "help": original.help}
            if option == "--json":
                kwargs["action"] = "store_true"
            else:
                kwargs["metavar"] = original.metavar
                if original.choices is not None:
                    kwargs["choices"] = original.choices
            child.add_argument(option, **kwargs)  # type: ignore[arg-type]


def quiet_on_broken_pipe(run: Callable[[], int]) -> int:
    """Run the command; if whoever reads its output went away (``| head -1``), end quietly instead of a traceback."""
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point stdout at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OK
    return code


def read_secret(prompt_key: str, *, confirm_key: str | None = None) -> str:
    """A PIN from the terminal (not echoed, asked twice when ``confirm_key``) or the first line of stdin.

    Never from the command line: that shows in ``ps`` and in the shell's history.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(t(prompt_key))
        if confirm_key is not None and getpass.getpass(t(confirm_key)) != first:
            raise Refused("scripts.pin_mismatch")
        return first.strip()
    line = sys.stdin.readline(256) if sys.stdin is not None else ""
    if not line.strip():
        raise Refused("scripts.pin_missing")
    return line.strip()
