"""Message catalogs: every string a person reads comes from ``locales/<lang>/*.toml``.

Keys are ``area.name``; a file ``locales/zh_CN/kiosk.toml`` holds the ``kiosk.*`` keys as a flat table.
zh_CN is the default language; en is complete (a test checks that both have the same keys and placeholders).
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
LANG_ENV = "CHUANGYOU_LANG"

_active = DEFAULT_LANGUAGE


def normalize(lang: str | None) -> str | None:
    """Map "zh", "zh-CN", "zh_CN.UTF-8", "en_US" ... to a supported language, or None."""
    if not lang:
        return None
    lang = lang.split(".")[0].replace("-", "_").lower()
    if lang.startswith("zh"):
        return "zh_CN"
    if lang.startswith("en"):
        return "en"
    return None


#: The catalogs' folder (``locales/<lang>/<area>.toml``).
LOCALES = Path(__file__).resolve().parent / "locales"


@cache
def _area(lang: str, area: str) -> dict[str, str]:
    """The messages of one area (one file), parsed when first asked for: a program reads only the areas it shows
    (all of them took ~25 ms of every start)."""
    if not area.isidentifier() or lang not in LANGUAGES:
        return {}
    try:
        text = (LOCALES / lang / f"{area}.toml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return {key: str(value) for key, value in tomllib.loads(text).items()}


def catalog(lang: str) -> dict[str, str]:
    """Every message of ``lang``, keyed ``area.name`` (every file parsed: for checks and listings)."""
    out: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        area = path.name[: -len(".toml")]
        out.update((f"{area}.{key}", text) for key, text in _area(lang, area).items())
    return out


def known(key: str, lang: str | None = None) -> bool:
    """Whether the catalog of ``lang`` (the active language if None) has ``key``."""
    area, _, name = key.partition(".")
    return name in _area(lang or _active, area)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def set_language(lang: str | None) -> str:
    """Make ``lang`` (or the ``CHUANGYOU_LANG`` environment variable, or zh_CN) the active language."""
    global _active
    _active = normalize(lang) or normalize(os.environ.get(LANG_ENV)) or DEFAULT_LANGUAGE
    return _active


def language() -> str:
    return _active


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The message ``key`` in the active language (or ``lang``), with ``{name}`` placeholders filled."""
    area, _, name = key.partition(".")
    text = _area(lang or _active, area).get(name)
    if text is None:
        text = _area(DEFAULT_LANGUAGE, area).get(name, key)
    return text.format(**params) if params else text
