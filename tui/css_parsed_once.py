"""CSS parsed once per program, not again for every screen (Textual 8.2).

Textual parses every stylesheet source again whenever a screen with CSS of its own is shown for the first time:
``Stylesheet.reparse`` parses all of them in a fresh stylesheet whose parse cache starts empty and is thrown away
afterwards, and the app's stylesheet then parses the new screen's CSS once more when the next widget registers.
At the kiosk's start that was ~13 ms of parsing text already parsed; each screen's first visit parsed the CSS of
every widget class seen so far again (Button's alone took 13 ms on the benchmark machine).

:func:`keep_parsed_css` wraps the parser that ``textual.css.stylesheet`` calls in a cache keyed by everything its
result depends on: the source text, where it was read from, its scope, whether it is a widget's default CSS, its
tie breaker, and the CSS variables in force (a new theme parses again). Textual itself hands the same parsed rule
sets out again from its own per-stylesheet cache: they are not changed once parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import textual.css.stylesheet as _stylesheet
from textual.css import parse as _textual_parser
from textual.css.model import RuleSet
from textual.css.tokenizer import Token
from textual.css.types import CSSLocation

#: Textual's parser (looked up at each call, so tests can count calls).
textual_parse = _textual_parser.parse

_parsed: dict[tuple[Any, ...], list[RuleSet]] = {}
#: Each variables mapping seen (held, so its id is not reused), with a small number for its contents.
_variables_seen: dict[int, tuple[dict[str, list[Token]], int]] = {}
_variables_numbers: dict[tuple[Any, ...], int] = {}


def _variables_number(tokens: dict[str, list[Token]] | None) -> int:
    if tokens is None:
        return -1
    seen = _variables_seen.get(id(tokens))
    if seen is None or seen[0] is not tokens:
        contents = tuple(sorted((name, tuple((t.name, t.value) for t in value)) for name, value in tokens.items()))
        number = _variables_numbers.setdefault(contents, len(_variables_numbers))
        seen = _variables_seen[id(tokens)] = (tokens, number)
    return seen[1]


def parse_once(
    scope: str,
    css: str,
    read_from: CSSLocation,
    variables: dict[str, str] | None = None,
    variable_tokens: dict[str, list[Token]] | None = None,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
) -> Iterable[RuleSet]:
    """``textual.css.parse.parse``, each distinct call parsed once."""
    key = (
        scope,
        css,
        read_from,
        tuple(sorted(variables.items())) if variables else None,
        _variables_number(variable_tokens),
        is_default_rules,
        tie_breaker,
    )
    rules = _parsed.get(key)
    if rules is None:
        rules = list(
            textual_parse(
                scope,
                css,
                read_from,
                variables=variables,
                variable_tokens=variable_tokens,
                is_default_rules=is_default_rules,
                tie_breaker=tie_breaker,
            )
        )
        _parsed[key] = rules
    return iter(rules)


def keep_parsed_css() -> None:
    """Make Textual's stylesheets parse through :func:`parse_once` (once per program; idempotent)."""
    _stylesheet.parse = parse_once  # type: ignore[attr-defined]  # the name the stylesheets call
