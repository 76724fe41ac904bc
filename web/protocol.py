"""The HTTP/1.1 protocol the feedback server speaks: uvicorn's h11 protocol with the limits a LAN form needs.

Measured on main (issue 7): uvicorn's httptools parser has no header size limit (one 200 MB header cost 46 s of
CPU), a connection that never sends a request stays open for ever, and ``limit_concurrency`` counts idle
keep-alive connections, so a few hundred idle sockets made every parent's request a 503. Here:

* h11 is the parser, with a cap on a request's head (:data:`MAX_HEAD_BYTES`); a bigger head is answered 431 and
  the connection closed, after reading at most that much;
* a connection must deliver a complete request (head and body) within :data:`HEAD_TIMEOUT_S` of opening, or of
  the end of its previous response, or it is closed (slow or silent clients: a form's request is a few hundred
  bytes); idle keep-alive connections close after uvicorn's ``timeout_keep_alive``;
* no concurrency limit counts connections: at most :data:`MAX_CONNECTIONS` are open at once (a new one beyond that
  is closed at once), and idle ones do not keep anyone else's request from being served.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: The largest request head (request line and headers) accepted. The form's requests need well under 2 KiB.
MAX_HEAD_BYTES = 16 * 1024
#: Seconds a connection has to send a complete request (its head and its body).
HEAD_TIMEOUT_S = 10.0
#: Open connections at most; above it, new connections are closed on arrival.
MAX_CONNECTIONS = 2000

#: The client's states while a request is still being received.
_READING = (h11.IDLE, h11.SEND_BODY)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for each request head, a 431 for oversized heads, a connection cap."""

    head_timeout_s = HEAD_TIMEOUT_S
    max_connections = MAX_CONNECTIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            transport.close()
            return
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # h11's own cap only applies while a head is incomplete: a whole oversized head arriving in one read would
        # pass. So a head is measured here, before h11 parses it: its end must come within MAX_HEAD_BYTES.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            pending = self.conn.trailing_data[0]
            if len(pending) + len(data) > MAX_HEAD_BYTES and b"\r\n\r\n" not in (pending + data)[: MAX_HEAD_BYTES + 4]:
                self._disarm_head_deadline()
                self._send_431()
                return
        super().data_received(data)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_deadline()

    def handle_events(self) -> None:
        super().handle_events()
        # Once a whole request has arrived, the deadline is met (the response takes the app's time).
        if self.conn.their_state not in _READING and self._head_deadline is not None:
            self._disarm_head_deadline()

    def send_400_response(self, msg: str) -> None:
        if len(self.conn.trailing_data[0]) > MAX_HEAD_BYTES:
            self._send_431()
        else:
            super().send_400_response(msg)

    def _send_431(self) -> None:
        body = b"Request header fields too large."
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        self.transport.close()

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self.conn.their_state in _READING and not self.transport.is_closing():
            self.transport.close()
