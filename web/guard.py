"""What stands in front of every request: a per-client rate limit and the security headers.

Written as plain ASGI middleware so that refused requests (429) carry the same headers as every other answer
and cost almost nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: No inline script or style anywhere; only our own stylesheet; forms post back to us; never framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


@dataclass(frozen=True)
class RateLimit:
    """A token bucket per client address: ``burst`` requests at once, refilled at ``per_second``."""

    burst: float = 30.0
    per_second: float = 0.5
    #: How many client addresses are remembered before idle ones are forgotten (bounds memory).
    max_clients: int = 10_000


class RateLimiter:
    def __init__(self, limit: RateLimit, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._now = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._guard = threading.Lock()

    def __len__(self) -> int:
        """How many client addresses are remembered."""
        return len(self._buckets)

    def allow(self, client: str) -> float:
        """0 if ``client`` may proceed (and spend one token), else the seconds until it may try again."""
        now = self._now()
        with self._guard:
            tokens, last = self._buckets.get(client, (self.limit.burst, now))
            tokens = min(self.limit.burst, tokens + (now - last) * self.limit.per_second)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > self.limit.max_clients:
                    self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.limit.per_second

    def _forget_idle(self, now: float) -> None:
        full_after = self.limit.burst / self.limit.per_second
        for key in [k for k, (_, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[key]
        if len(self._buckets) > self.limit.max_clients:  # under a flood: forget the oldest half
            for key in sorted(self._buckets, key=lambda k: self._buckets[k][1])[: len(self._buckets) // 2]:
                del self._buckets[key]


class Guard:
    """ASGI middleware: security headers on every response; 429 (with its own small page) past the rate limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: RateLimiter | None,
        too_many: Callable[[Scope, float], tuple[int, list[tuple[bytes, bytes]], bytes]],
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.too_many = too_many

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                message["headers"] = headers + SECURITY_HEADERS
            await send(message)

        if self.limiter is not None:
            client = scope.get("client")
            wait = self.limiter.allow(client[0] if client else "?")
            if wait > 0:
                status, headers, body = self.too_many(scope, wait)
                await send_secured({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send_secured)
