"""Rendering pages: Jinja2 templates with autoescaping on, words from the catalogs, the language per request."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from campaign.i18n import DEFAULT_LANGUAGE, normalize, t


@cache
def environment() -> Environment:
    # Autoescape everything: names, class labels and comments are user text, never markup.
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,
    )
    return env


def negotiate_language(query_lang: str | None, accept_language: str | None) -> tuple[str, bool]:
    """The page language and whether it was chosen explicitly (``?lang=``) rather than by the browser."""
    chosen = normalize(query_lang)
    if chosen:
        return chosen, True
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for item in (accept_language or "")[:500].split(",")[:20]:
        tag, _, params = item.strip().partition(";")
        lang = normalize(tag.strip())
        if lang is None:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = lang, q
    return best, False


def render(template: str, lang: str, **context: Any) -> str:
    """The page ``template`` in ``lang``; ``_`` in templates is :func:`campaign.i18n.t` bound to ``lang``."""

    def gettext(key: str, **params: Any) -> str:
        return t(key, lang=lang, **params)

    other = "en" if lang == "zh_CN" else "zh_CN"
    return environment().get_template(template).render(_=gettext, other_lang=other, **context)
