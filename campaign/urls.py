"""The feedback URL printed in a slip's QR code: short, so the code stays small and easy to scan."""

from __future__ import annotations

from urllib.parse import urlsplit

from storage.records import Settings

from .context import Campaign
from .errors import Refused

#: Path prefix of a slip's form on the feedback server (kept to one letter for short QR codes).
SLIP_PATH = "/f/"


def check_public_url(value: str) -> str:
    """``value`` as ``public_url`` is stored: an absolute http(s) URL with a host ("" unsets it); refused otherwise.

    A QR code holding anything else is plain text to a phone's scanner (WeChat will not open it).
    """
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
        parts = urlsplit("")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok or parts.query:
        raise Refused("slips.bad_public_url", value=value)
    return value.rstrip("/")


def slips_url(settings: Settings) -> str:
    """The address slips point at: ``public_url``, which must be set (and valid) before any slip is issued or
    printed; refused otherwise, saying how to set it."""
    value = settings.public_url.strip()
    if not value:
        raise Refused("slips.public_url_missing")
    return check_public_url(value)


def base_url(settings: Settings) -> str:
    """``settings.public_url`` if set, else ``http://web_host:web_port`` (a wildcard host cannot be printed).

    A server bound to 0.0.0.0 needs ``public_url`` for its slips to work on phones; until the secretary sets
    it, this falls back to the host name so a printed slip at least says where it points.
    """
    if settings.public_url.strip():
        return settings.public_url.strip().rstrip("/")
    host = settings.web_host
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - not binding, only naming the server
        import socket

        host = socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    port = "" if settings.web_port == 80 else f":{settings.web_port}"
    return f"http://{host}{port}"


def slip_url(c: Campaign, code: str) -> str:
    """The URL of the form for ``code`` (normalised code, no dashes): e.g. ``http://10.1.2.3:8080/f/K7QM2XHD9RTWP``."""
    return f"{slips_url(c.settings)}{SLIP_PATH}{code}"


def slip_urls(c: Campaign, codes: list[str] | tuple[str, ...]) -> list[str]:
    base = slips_url(c.settings)
    return [f"{base}{SLIP_PATH}{code}" for code in codes]
