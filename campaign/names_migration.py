"""Schema 2 → 3: every member's pinyin keys recomputed with every reading and the surname table (see
:mod:`campaign.names`), and names stored before the name rule made to follow it.

Registered into :data:`storage.schema.MIGRATIONS` when the campaign layer is imported (storage does not know how
names are read); it runs inside the store's migration transaction, after the before-migration backup.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from storage import schema
from storage.repositories import Members
from storage.store import Store

from .errors import Refused
from .names import REFUSED_CATEGORIES, normalize_name, pinyin_keys

FROM_VERSION = 2
#: Terminal escape sequences (CSI, OSC, two-character): dropped whole from names stored before the rule.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?", re.DOTALL)


def stored_name(name: str, code: str) -> str:
    """``name`` under the name rule; characters the rule refuses are dropped (a name already stored must stay)."""
    kept = "".join(ch for ch in _ESCAPES.sub("", name) if unicodedata.category(ch) not in REFUSED_CATEGORIES)
    try:
        return normalize_name(kept, code=code)
    except Refused:
        return code


def recompute_member_keys(store: Store) -> None:
    members = Members(store)
    for member in members.all():
        name = stored_name(member.name, member.code)
        full, initials = pinyin_keys(name)
        if (name, full, initials) != (member.name, member.pinyin_full, member.pinyin_initials):
            members.put(replace(member, name=name, pinyin_full=full, pinyin_initials=initials))


schema.MIGRATIONS.setdefault(FROM_VERSION, recompute_member_keys)
