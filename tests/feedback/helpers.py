"""Shared by the feedback and web tests: fingerprints of the store, to prove that a refusal changed nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from campaign.context import Campaign


def store_fingerprint(c: Campaign) -> dict[str, str]:
    """Every partition file and its content hash (lock file and temporaries excluded)."""
    out: dict[str, str] = {}
    for path in sorted(Path(c.store.dir).rglob("*.json")):
        out[str(path.relative_to(c.store.dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def raw_store_text(c: Campaign, prefix: str) -> str:
    """The concatenated raw text of every partition file under ``prefix`` (e.g. "feedback")."""
    return "".join(p.read_text(encoding="utf-8") for p in sorted((Path(c.store.dir) / prefix).rglob("*.json")))
