"""Growing delays after repeated wrong secrets, shared by every process through the store.

Each subject (a member's sign-in, the secretary passphrase) is counted separately per place: the kiosk, an SSH
login to ``chuangyou admin``, a script. Wrong tries at the kiosk never delay the secretary's SSH login.

The first :data:`FREE_TRIES` tries are free; from then on each wrong try makes the next one wait, twice as long
each time (:data:`FIRST_DELAY`, doubling, at most :data:`MAX_DELAY`). The secretary clears a delay (audited).

A try is counted *before* its secret is checked, in one store transaction that also checks the delay: forty
processes trying at once get :data:`FREE_TRIES` checks, not more. A right secret then clears the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .context import Campaign
from .errors import Refused

FREE_TRIES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)
PREFIX = "lockout:"

#: Places counted apart.
KIOSK = "kiosk"
ADMIN = "admin"
SCRIPT = "script"


def place_of(actor: str) -> str:
    """The place a campaign acts from: the kiosk app, the secretary's app (over SSH), or a script."""
    if actor in ("kiosk", "web"):
        return KIOSK
    if actor == "secretary":
        return ADMIN
    return SCRIPT


def subject(kind: str, place: str, who: str = "") -> str:
    """``signin:kiosk:T001``, ``passphrase:admin``."""
    return ":".join(p for p in (kind, place, who) if p)


def delay_after(failures: int) -> timedelta:
    """How long the next try waits after ``failures`` wrong tries in a row."""
    if failures < FREE_TRIES:
        return timedelta(0)
    wait: timedelta = FIRST_DELAY * 2 ** min(failures - FREE_TRIES, 16)
    return min(wait, MAX_DELAY)


@dataclass(frozen=True)
class Lock:
    subject: str
    failures: int
    until: datetime | None


def _state(c: Campaign, name: str) -> Lock:
    doc = c.repos.security.get(PREFIX + name) or {}
    until = doc.get("until")
    return Lock(name, int(doc.get("failures", 0)), datetime.fromisoformat(until) if until else None)


def waiting_until(c: Campaign, name: str) -> datetime | None:
    """When ``name`` may try again, if it must wait now."""
    until = _state(c, name).until
    return until if until is not None and until > c.now() else None


def check(c: Campaign, name: str, refusal: str) -> None:
    """Refuse (``refusal`` with ``until``) while ``name`` must wait; counts nothing."""
    until = waiting_until(c, name)
    if until is not None:
        raise Refused(refusal, until=f"{until.astimezone(c.tz):%H:%M:%S}")


def begin_attempt(c: Campaign, name: str, refusal: str) -> int:
    """Count a try before its secret is checked, atomically with the check that it may try now.

    Refuses with ``refusal`` while it must wait. Returns the tries left before a delay if this one turns out wrong.
    """
    with c.store.transaction():
        check(c, name, refusal)
        state = _state(c, name)
        failures = state.failures + 1
        wait = delay_after(failures)
        until = c.now() + wait if wait else None
        c.repos.security.put(PREFIX + name, {"failures": failures, "until": until.isoformat() if until else None})
        if failures == FREE_TRIES:
            c.audit("lockout.delay", subject=name, failures=failures)
    return max(FREE_TRIES - failures, 0)


def succeeded(c: Campaign, name: str) -> None:
    """The secret was right: forget the tries (the one counted for it included)."""
    state = _state(c, name)
    if state.failures or state.until:
        with c.store.transaction():
            c.repos.security.put(PREFIX + name, {"failures": 0, "until": None})


def refusal_after_wrong(c: Campaign, name: str, left: int, *, wrong: str, waiting: str) -> Refused:
    """The refusal for a wrong secret: tries left, or how long to wait."""
    until = waiting_until(c, name)
    if left == 0 and until is not None:
        return Refused(waiting, until=f"{until.astimezone(c.tz):%H:%M:%S}")
    return Refused(wrong, left=left)


def active(c: Campaign) -> list[Lock]:
    """Every subject with wrong tries counted, waiting or not, by subject."""
    found = [_state(c, doc["key"][len(PREFIX) :]) for doc in c.repos.security.with_prefix(PREFIX)]
    return sorted((s for s in found if s.failures or s.until), key=lambda s: s.subject)


def clear(c: Campaign, name: str) -> None:
    """Forget ``name``'s tries inside the caller's transaction (no audit: a recorded sign-in does this)."""
    if c.store.current() is None:
        succeeded(c, name)
        return
    state = _state(c, name)
    if state.failures or state.until:
        c.repos.security.put(PREFIX + name, {"failures": 0, "until": None})


def clear_by_secretary(c: Campaign, subjects: list[str] | None = None) -> list[str]:
    """The secretary clears the delays of ``subjects`` (all when None); audited. Returns the subjects cleared."""
    with c.store.transaction():
        names = [s.subject for s in active(c) if subjects is None or s.subject in subjects]
        unknown = [s for s in subjects or [] if s not in names]
        if unknown:
            raise Refused("lockout.unknown", subject=unknown[0])
        for name in names:
            c.repos.security.put(PREFIX + name, {"failures": 0, "until": None})
        if names:
            c.audit("lockout.clear", subjects=names)
    return names
