"""Lock-outs after repeated wrong secrets, shared by every process through the store.

Five wrong tries lock the subject (a member's kiosk sign-in, the secretary passphrase) for five minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .context import Campaign

MAX_TRIES = 5
LOCK_FOR = timedelta(minutes=5)


def locked_until(c: Campaign, subject: str) -> datetime | None:
    """When the lock on ``subject`` ends, if it is locked now."""
    state = c.repos.security.get(f"lockout:{subject}")
    if not state or not state.get("until"):
        return None
    until = datetime.fromisoformat(state["until"])
    return until if until > c.now() else None


def record_failure(c: Campaign, subject: str) -> int:
    """Count a wrong try (inside a transaction); returns the tries left before the lock (0 = now locked)."""
    key = f"lockout:{subject}"
    state = c.repos.security.get(key) or {}
    if state.get("until") and datetime.fromisoformat(state["until"]) <= c.now():
        state = {}
    failures = int(state.get("failures", 0)) + 1
    until = (c.now() + LOCK_FOR).isoformat() if failures >= MAX_TRIES else None
    c.repos.security.put(key, {"failures": failures, "until": until})
    return max(MAX_TRIES - failures, 0)


def clear(c: Campaign, subject: str) -> None:
    key = f"lockout:{subject}"
    state = c.repos.security.get(key)
    if state and (state.get("failures") or state.get("until")):
        c.repos.security.put(key, {"failures": 0, "until": None})
