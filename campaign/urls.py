"""The feedback URL printed in a slip's QR code: short, so the code stays small and easy to scan."""

from __future__ import annotations

from storage.records import Settings

from .context import Campaign

#: Path prefix of a slip's form on the feedback server (kept to one letter for short QR codes).
SLIP_PATH = "/f/"


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
    return f"{base_url(c.settings)}{SLIP_PATH}{code}"


def slip_urls(c: Campaign, codes: list[str] | tuple[str, ...]) -> list[str]:
    base = base_url(c.settings)
    return [f"{base}{SLIP_PATH}{code}" for code in codes]
