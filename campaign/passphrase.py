"""The secretary's passphrase: set on the first run of ``chuangyou admin``, needed to leave or unlock the kiosk.

Stored as a slow salted scrypt hash. Wrong tries are counted per place (the kiosk apart from an SSH login to
``chuangyou admin``): after five in a row each next try waits, longer each time (see :mod:`campaign.lockout`).
"""

from __future__ import annotations

from . import lockout
from .context import Campaign
from .errors import Refused
from .hashing import hash_passphrase, verify_secret

KEY = "passphrase"
SUBJECT = "passphrase"
MIN_LENGTH = 8
#: Longer passphrases are refused (and never hashed at length).
MAX_LENGTH = 256


def is_set(c: Campaign) -> bool:
    return c.repos.security.get(KEY) is not None


def set_passphrase(c: Campaign, new: str, *, current: str | None = None) -> None:
    """Set the passphrase. Changing an existing one needs the current one."""
    if len(new) < MIN_LENGTH:
        raise Refused("passphrase.too_short", min=MIN_LENGTH)
    if len(new) > MAX_LENGTH:
        raise Refused("lockout.passphrase_too_long", max=MAX_LENGTH)
    if is_set(c) and (current is None or not verify(c, current)):
        raise Refused("passphrase.wrong_current")
    digest = hash_passphrase(new)
    with c.store.transaction():
        c.repos.security.put(KEY, {"hash": digest})
        c.audit("passphrase.set")


def lock_subject(c: Campaign, place: str | None = None) -> str:
    """``passphrase:kiosk`` or ``passphrase:admin``: the kiosk's tries never delay an SSH login."""
    return lockout.subject(SUBJECT, place or lockout.place_of(c.actor))


def verify(c: Campaign, attempt: str, *, place: str | None = None, audit_as: str | None = None) -> bool:
    """True if ``attempt`` is the passphrase. Refused while this place must wait; each try is counted (atomically,
    before the slow hash is checked) and a right one clears the count.

    With ``audit_as`` (e.g. ``"kiosk.unlock"``), a right passphrase is recorded under that action in the audit
    log, in the same transaction that clears the count.
    """
    name = lock_subject(c, place)
    lockout.check(c, name, "passphrase.locked")
    stored = c.repos.security.get(KEY)
    if stored is None:
        return False
    if len(attempt) > MAX_LENGTH:
        attempt = attempt[: MAX_LENGTH + 1]  # never right; not hashed at length
    left = lockout.begin_attempt(c, name, "passphrase.locked")
    if verify_secret(attempt, str(stored["hash"])):
        with c.store.transaction():
            lockout.succeeded(c, name)
            if audit_as:
                c.audit(audit_as)
        return True
    if left == 0:
        raise lockout.refusal_after_wrong(c, name, left, wrong="passphrase.locked", waiting="passphrase.locked")
    return False
