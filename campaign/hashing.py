"""Salted, slow hashes for PINs and the secretary's passphrase (scrypt, from the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# PINs are short, so the lock-out after 5 wrong tries is what protects them; the hash only keeps a copied data
# file from giving them away, and must stay fast enough for a 50 ms sign-in.
PIN_COST = 2**11
PASSPHRASE_COST = 2**15


def _scrypt(secret: str, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=32)


def hash_secret(secret: str, *, cost: int) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, cost)
    return f"scrypt${cost}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, cost, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = _scrypt(secret, base64.b64decode(salt), int(cost))
    return hmac.compare_digest(actual, base64.b64decode(digest))


def hash_pin(pin: str) -> str:
    return hash_secret(pin, cost=PIN_COST)


def hash_passphrase(passphrase: str) -> str:
    return hash_secret(passphrase, cost=PASSPHRASE_COST)
