"""The API's budget script (server/auth/moving_window.py) against limits' own strategy."""

from __future__ import annotations

import uuid

from limits import parse, parse_many
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from server.auth.moving_window import MovingWindow


def _storage(redis_url: str) -> RedisStorage:
    return RedisStorage(redis_url.replace("unix://", "redis+unix://", 1))


def test_the_script_keeps_limits_own_entries(redis_url):
    """Same keys, same entries: flask-limiter's strategy reads what the script wrote."""
    storage = _storage(redis_url)
    who = uuid.uuid4().hex
    charger = MovingWindow(storage)
    charges = [charger.charge(parse_many("4 per minute;10 per hour"), "ip", who) for _ in range(5)]
    assert [c.breached for c in charges] == [False] * 4 + [True]
    assert [c.remaining for c in charges] == [3, 2, 1, 0, 0]
    strategy = MovingWindowRateLimiter(storage)
    assert strategy.get_window_stats(parse("4 per minute"), "ip", who).remaining == 0
    assert strategy.get_window_stats(parse("10 per hour"), "ip", who).remaining == 6


def test_redis_unreachable_counts_in_memory(caplog):
    charger = MovingWindow(RedisStorage("redis://127.0.0.1:9"))  # nothing listens there
    budget = parse_many("2 per minute")
    assert [charger.charge(budget, "ip", "x").breached for _ in range(3)] == [False, False, True]
    assert "counted in memory" in caplog.text
    assert charger.retry_at > 0  # Redis is left alone for a while, not tried every request
