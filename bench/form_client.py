"""A bare HTTP/1.1 keep-alive client that posts forms: what the feedback load test drives the server with."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlencode


class Connection:
    """A bare HTTP/1.1 keep-alive client for form posts: a few microseconds of Python per request, so the load
    generator leaves the machine's two cores to the server (httpx took most of a core at 300 requests/s)."""

    def __init__(self, host: str, port: int, local_host: str) -> None:
        self.host, self.port, self.local_host = host, port, local_host
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, local_addr=(self.local_host, 0))

    async def post(self, path: str, form: dict[str, str]) -> int:
        body = urlencode(form).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection: reconnect once
            if self.writer is None:
                await self.connect()
            assert self.reader is not None and self.writer is not None
            try:
                self.writer.write(head + body)
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed by the server")
                headers = await self.reader.readuntil(b"\r\n\r\n")
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
                continue
            length, close = 0, False
            for line in (status_line + headers).split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                await self.reader.readexactly(length)
            if close:
                await self.close()
            return int(status_line.split()[1])
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None
