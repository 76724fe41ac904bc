"""argparse's own texts (``usage:``, ``options:``, its error messages) and every argument's help text, from the
catalogs, so ``chuangyou --help`` and a usage error read in the user's language.

argparse translates through the module-level ``_`` and ``ngettext`` it imported from :mod:`gettext`;
:func:`install` replaces those two with lookups in ``argparse.toml`` (an English message argparse does not list
there is shown as it is). Help texts for arguments that their ``register`` left without one come from
``cli_help.toml``, keyed by the command path and the argument (``member_add_code``).
"""

from __future__ import annotations

import argparse

from campaign.i18n import known, t

#: argparse's message ids (Python 3.11–3.13) → keys of ``argparse.toml``.
MESSAGES = {
    "usage: ": "usage",
    "positional arguments": "positional_arguments",
    "options": "options",
    "show this help message and exit": "help",
    "%(prog)s: error: %(message)s\n": "error",
    "the following arguments are required: %s": "required",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid choice: %(value)r, choose from %(choices)s": "invalid_choice_313",
    "unrecognized arguments: %s": "unrecognized",
    "expected one argument": "expected_one",
    "expected at least one argument": "expected_at_least_one",
    "expected at most one argument": "expected_at_most_one",
    "argument %(argument_name)s: %(message)s": "argument",
    "invalid %(type)s value: %(value)r": "invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "not allowed with argument %s": "not_allowed_with",
    "one of the arguments %s is required": "one_required",
    "ignored explicit argument %r": "ignored_explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
    "can't open '%(filename)s': %(error)s": "cant_open",
    "show program's version number and exit": "version",
}


def gettext(message: str) -> str:
    key = MESSAGES.get(message)
    return t(f"argparse.{key}") if key else message


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return t("argparse.expected_n")
    return singular if n == 1 else plural


def install() -> None:
    """Make argparse speak the catalogs (the active language at the time each message is made)."""
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def help_key(path: list[str], action: argparse.Action) -> str:
    name = action.option_strings[-1].lstrip("-") if action.option_strings else action.dest
    return "cli_help." + "_".join([*path, name]).replace("-", "_")


def fill_help(parser: argparse.ArgumentParser, path: list[str] | None = None) -> None:
    """Give every argument that has no help text its text from ``cli_help.toml`` (walking every subcommand)."""
    path = path or []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                fill_help(sub, [*path, name])
        elif action.help is None:
            key = help_key(path, action)
            if known(key):
                action.help = t(key)
