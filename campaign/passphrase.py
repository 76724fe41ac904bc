"""The secretary's passphrase: set on the first run of ``chuangyou admin``, needed to leave or unlock the kiosk.

Stored as a slow salted scrypt hash; five wrong tries lock it for five minutes in every process.
"""

from __future__ import annotations

from . import lockout
from .context import Campaign
from .errors import Refused
from .hashing import hash_passphrase, verify_secret

KEY = "passphrase"
SUBJECT = "passphrase"
MIN_LENGTH = 8


def is_set(c: Campaign) -> bool:
    return c.repos.security.get(KEY) is not None


def set_passphrase(c: Campaign, new: str, *, current: str | None = None) -> None:
    """Set the passphrase. Changing an existing one needs the current one."""
    if len(new) < MIN_LENGTH:
        raise Refused("passphrase.too_short", min=MIN_LENGTH)
    if is_set(c) and (current is None or not verify(c, current)):
        raise Refused("passphrase.wrong_current")
    digest = hash_passphrase(new)
    with c.store.transaction():
        c.repos.security.put(KEY, {"hash": digest})
        c.audit("passphrase.set")


def verify(c: Campaign, attempt: str, *, audit_as: str | None = None) -> bool:
    """True if ``attempt`` is the passphrase. Raises Refused while locked out; wrong tries count toward it.

    With ``audit_as`` (e.g. ``"kiosk.unlock"``), a right passphrase is recorded under that action in the audit
    log, in the same transaction that clears the failed tries.
    """
    until = lockout.locked_until(c, SUBJECT)
    if until is not None:
        raise Refused("passphrase.locked", until=f"{until.astimezone(c.tz):%H:%M}")
    stored = c.repos.security.get(KEY)
    if stored is None:
        return False
    if verify_secret(attempt, str(stored["hash"])):
        with c.store.transaction():
            lockout.clear(c, SUBJECT)
            if audit_as:
                c.audit(audit_as)
        return True
    with c.store.transaction():
        left = lockout.record_failure(c, SUBJECT)
    if left == 0:
        until = lockout.locked_until(c, SUBJECT)
        raise Refused("passphrase.locked", until=f"{until.astimezone(c.tz):%H:%M}" if until else "")
    return False
