"""Message catalogs: every string a person reads comes from ``locales/<lang>/*.toml``.

Keys are ``area.name``; a file ``locales/zh_CN/kiosk.toml`` holds the ``kiosk.*`` keys as a flat table.
zh_CN is the default language; en is complete (a test checks that both have the same keys and placeholders).
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from importlib import resources
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


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of ``lang``, keyed ``area.name``."""
    out: dict[str, str] = {}
    folder = resources.files("campaign") / "locales" / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        area = entry.name[: -len(".toml")]
        for key, text in tomllib.loads(entry.read_text(encoding="utf-8")).items():
            out[f"{area}.{key}"] = str(text)
    return out


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
    text = catalog(lang or _active).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**params) if params else text
