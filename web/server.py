"""Serving the feedback app with uvicorn (``chuangyou serve``)."""

from __future__ import annotations

import gc
import socket

import uvicorn

from campaign.context import Campaign
from campaign.errors import Refused
from campaign.warm_up import warm_up_server

from .app import create_app
from .guard import RateLimit
from .protocol import MAX_HEAD_BYTES, GuardedH11Protocol


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
        # The h11 parser with our limits (see web/protocol.py); httptools has no header size limit.
        http=GuardedH11Protocol,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        timeout_keep_alive=5,
        # Not limit_concurrency: uvicorn counts idle keep-alive connections against it, so idle sockets would
        # turn every parent away (503). Idle and slow connections are closed by the protocol's deadlines instead.
        limit_concurrency=None,
    )


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound to ``host``:``port`` before anything is announced; refused in one line when the
    port is taken or not allowed (uvicorn would log a bind error and exit with status 3)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise Refused("cli_feedback.cannot_listen", host=host, port=port, reason=exc.strerror or str(exc)) from exc
    return sock


def serve(c: Campaign, host: str, port: int, *, sock: socket.socket | None = None) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM), on ``sock`` if given (see :func:`listen`)."""
    c.actor = "web"
    prepare_process(c)
    server = uvicorn.Server(server_config(c, host, port, log_level="info"))
    server.run(sockets=[sock] if sock is not None else None)


def prepare_process(c: Campaign) -> None:
    """What a server process does once before serving: room for many connections, this year's slip codes read
    (``campaign.warm_up.warm_up_server``), and what the start made (the framework, the roster, the codes: ~10^5
    objects that live as long as the server) frozen out of garbage collection, so a collection in the middle of a
    load of answers does not look through all of it again."""
    raise_open_file_limit()
    warm_up_server(c)
    gc.freeze()


def raise_open_file_limit(wanted: int = 8192) -> None:
    """Raise this process's soft limit on open files towards ``wanted`` (never above the hard limit).

    Each connection is a file descriptor; the usual soft limit of 1024 would refuse connections (EMFILE) long
    before the protocol's own cap on connections.
    """
    try:
        import resource
    except ImportError:  # not on this platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


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
