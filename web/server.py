"""Serving the feedback app with uvicorn (``chuangyou serve``)."""

from __future__ import annotations

import uvicorn

from campaign.context import Campaign

from .app import create_app
from .guard import RateLimit


def server_config(
    c: Campaign, host: str, port: int, *, rate_limit: RateLimit | None = None, log_level: str = "warning"
) -> uvicorn.Config:
    """The uvicorn configuration for the feedback app.

    The access log is off on purpose: it would record each slip's code beside the parent's address and time.
    No proxy headers are trusted, so the rate limit keys on the real peer address.
    """
    return uvicorn.Config(
        create_app(c, rate_limit=rate_limit),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
        h11_max_incomplete_event_size=16 * 1024,
        timeout_keep_alive=5,
        limit_concurrency=200,
    )


def serve(c: Campaign, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM)."""
    c.actor = "web"
    uvicorn.Server(server_config(c, host, port, log_level="info")).run()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on ``host`` (for tests and benchmarks on loopback)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_listening(host: str, port: int, timeout: float = 20.0) -> None:
    """Poll ``host:port`` until it accepts a connection; TimeoutError after ``timeout`` seconds."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:g}s") from None
            time.sleep(0.02)
