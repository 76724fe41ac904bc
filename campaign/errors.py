"""Refusals: an action the campaign's rules do not allow. The CLI exits 1 with the message; the TUI shows it."""

from __future__ import annotations

from typing import Any

from .i18n import t


class Refused(Exception):
    """A refused action, worded by the catalog key ``key`` with ``params``."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, **self.params)

    def __str__(self) -> str:
        return self.message()
