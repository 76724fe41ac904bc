"""The per-client token bucket, on a clock the test moves."""

from __future__ import annotations

from web.guard import RateLimit, RateLimiter


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_request_per_refill_interval() -> None:
    ticks = Ticks()
    limiter = RateLimiter(RateLimit(burst=3, per_second=0.5), monotonic=ticks)
    assert [limiter.allow("10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.allow("10.0.0.1")
    assert wait == 2.0  # one token every two seconds
    assert limiter.allow("10.0.0.2") == 0.0  # another phone is not affected
    ticks.now += 1.0
    assert limiter.allow("10.0.0.1") > 0
    ticks.now += 1.5
    assert limiter.allow("10.0.0.1") == 0.0
    assert limiter.allow("10.0.0.1") > 0


def test_refused_requests_do_not_buy_time_and_idle_clients_refill_to_the_burst_only() -> None:
    ticks = Ticks()
    limiter = RateLimiter(RateLimit(burst=2, per_second=1), monotonic=ticks)
    for _ in range(2):
        limiter.allow("a")
    for _ in range(10):  # hammering while limited keeps it limited
        assert limiter.allow("a") > 0
    ticks.now += 3600
    assert [limiter.allow("a") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.allow("a") > 0  # an hour of silence is worth the burst, not 3,600 requests


def test_memory_stays_bounded_under_many_addresses() -> None:
    ticks = Ticks()
    limiter = RateLimiter(RateLimit(burst=5, per_second=1, max_clients=100), monotonic=ticks)
    for i in range(1000):
        ticks.now += 0.001
        assert limiter.allow(f"10.{i // 256}.{i % 256}.1") == 0.0
    assert len(limiter) <= 101
