"""Pinyin keys for finding a member without a Chinese input method, computed once when a member is saved."""

from __future__ import annotations

import re

_NON_ALNUM = re.compile(r"[^0-9a-z]")


def pinyin_keys(name: str) -> tuple[str, str]:
    """``("wangxiaoming", "wxm")`` for 王晓明; non-Chinese characters are kept, lower-cased."""
    from pypinyin import Style, lazy_pinyin  # loaded only when a member is saved, never at the kiosk

    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default")]
    syllables = [_NON_ALNUM.sub("", s) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def search_key(text: str) -> str:
    """What a person typed, normalised for matching against names, pinyin keys and member codes."""
    return text.strip().lower().replace(" ", "")
