"""A real uvicorn server on loopback, in a thread, for the browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from campaign.context import Campaign
from web.server import free_port, server_config, wait_until_listening

HOST = "127.0.0.1"


@contextmanager
def live_server(c: Campaign) -> Iterator[str]:
    """Serve the feedback app for ``c`` on a free loopback port; yields its base URL; stops on exit."""
    port = free_port(HOST)
    server = uvicorn.Server(server_config(c, HOST, port))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        wait_until_listening(HOST, port, timeout=20)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
