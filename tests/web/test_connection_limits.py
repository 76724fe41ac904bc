"""The feedback server under idle, slow and huge requests: a real ``chuangyou serve`` process, real sockets.

On main, 205 idle TCP connections made every request a 503 (``limit_concurrency`` counts idle keep-alive
connections) and httptools read a header of any size. Here 500 connections sit idle and one client streams a
huge header while a parent opens a slip and answers it; the huge header is cut off early (431 or a closed
connection), and the idle connections are closed by the server after its deadlines.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from campaign import feedback as fb
from campaign.context import Campaign
from web.protocol import HEAD_TIMEOUT_S, MAX_HEAD_BYTES
from web.server import free_port, wait_until_listening

pytestmark = pytest.mark.e2e

HOST = "127.0.0.1"
IDLE = 500
#: Idle connections that first made one request (keep-alive); the rest never send a byte.
KEPT_ALIVE = 10
HUGE = 200 * 1024 * 1024


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@pytest.fixture
def server(roster: Campaign, data_dir: Path) -> Iterator[Server]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(4096, hard) if hard != resource.RLIM_INFINITY else 4096
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    port = free_port(HOST)
    env = {**os.environ, "CHUANGYOU_NOW": "2026-11-27T08:00:00+08:00"}
    command = [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), "serve", "--host", HOST]
    process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until_listening(HOST, port, timeout=30)
        yield Server(port, process)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def open_idle(port: int) -> list[socket.socket]:
    sockets = []
    for i in range(IDLE):
        s = socket.create_connection((HOST, port), timeout=10)
        if i < KEPT_ALIVE:
            s.sendall(b"GET /static/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(65536)
        sockets.append(s)
    return sockets


@dataclass
class HugeResult:
    sent: int = 0
    reply: bytes = b""
    done: bool = False


def send_huge_header(port: int, result: HugeResult) -> None:
    s = socket.create_connection((HOST, port), timeout=30)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ")
        chunk = b"a" * 65536
        while result.sent < HUGE:
            s.sendall(chunk)
            result.sent += len(chunk)
        result.reply = s.recv(4096)
    except OSError:
        with contextlib.suppress(OSError):
            result.reply = s.recv(4096)
    finally:
        s.close()
        result.done = True


@dataclass
class Dribble:
    closed_after: float | None = None


def dribble(port: int, result: Dribble, limit_s: float, start: bytes) -> None:
    """A slow client: ``start``, then one byte every 0.2 s, never finished; note when the server hangs up."""
    started = time.monotonic()
    with socket.create_connection((HOST, port), timeout=5) as s:
        s.sendall(start)
        while time.monotonic() - started < limit_s:
            try:
                s.sendall(b"z")
                s.settimeout(0.2)
                if s.recv(1) == b"":
                    break
            except TimeoutError:
                continue
            except OSError:
                break
        else:
            return
    result.closed_after = time.monotonic() - started


def closed_by_server(s: socket.socket, timeout: float) -> bool:
    s.settimeout(timeout)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_idle_connections_and_a_huge_header_do_not_keep_a_parent_out(roster: Campaign, server: Server) -> None:
    code = fb.issue_batch(roster, "T002", 2).codes[0]
    idle = open_idle(server.port)
    huge = HugeResult()
    flood = threading.Thread(target=send_huge_header, args=(server.port, huge), daemon=True)
    slow_head, slow_body = Dribble(), Dribble()
    limit = HEAD_TIMEOUT_S + 30
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
    body = f"POST /f/{code} HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\noption=".encode()
    slow_clients = [
        threading.Thread(target=dribble, args=(server.port, slow_head, limit, head), daemon=True),
        threading.Thread(target=dribble, args=(server.port, slow_body, limit, body), daemon=True),
    ]
    try:
        for t in slow_clients:
            t.start()
        flood.start()
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=5.0) as parent:
            page = parent.get(f"/f/{code}")
            answer = parent.post(f"/f/{code}", data={"option": "satisfied", "comment": "谢谢老师"})
        took = time.monotonic() - started
        print(f"a parent's answer beside {IDLE} idle connections and a huge header: {took:.3f} s")
        assert page.status_code == 200 and "李红" in page.text
        assert answer.status_code == 303
        (stored,) = roster.repos.feedback.between()
        assert stored.comment == "谢谢老师"

        flood.join(timeout=60)
        assert huge.done, "the huge header was still being read after a minute"
        print(f"huge header: server stopped it after {huge.sent / 1024:.0f} KiB sent; reply {huge.reply[:40]!r}")
        assert huge.sent < HUGE
        assert huge.reply == b"" or huge.reply.startswith(b"HTTP/1.1 431")

        # Silent connections and idle keep-alive ones are closed by the server, not kept for ever.
        sample = idle[:KEPT_ALIVE] + idle[-20:]
        started = time.monotonic()
        assert all(closed_by_server(s, HEAD_TIMEOUT_S + 20) for s in sample)
        print(f"idle connections closed by the server within {time.monotonic() - started:.1f} s")
        for t in slow_clients:
            t.join(timeout=HEAD_TIMEOUT_S + 40)
        print(f"a head sent a byte at a time: closed after {slow_head.closed_after} s")
        print(f"a body sent a byte at a time: closed after {slow_body.closed_after} s")
        assert slow_head.closed_after is not None and slow_body.closed_after is not None
    finally:
        for s in idle:
            s.close()


def test_a_head_over_the_limit_is_answered_431(server: Server) -> None:
    with socket.create_connection((HOST, server.port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * (MAX_HEAD_BYTES + 1024) + b"\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 431 ")
    with httpx.Client(base_url=server.url, timeout=5.0) as http:
        assert http.get("/static/style.css", headers={"X-Fine": "c" * 2000}).status_code == 200
