"""A request budget ("100 per second;100000 per hour") charged in one Redis round trip.

flask-limiter charges each limit of a budget with its own script call, then reads the
window of the limit it reports in the headers with another: three round trips a request
for a two-limit budget. Here one script does all of it with the same moving-window
entries (`limits`' lists of timestamps, under the same keys), and with flask-limiter's
rules: limits in order (the shortest window first), stop at the first one breached; the
one to report is the breached one, else the first. Redis unreachable: the same limits
count in this process's memory (as RATELIMIT_IN_MEMORY_FALLBACK_ENABLED does), and Redis
is tried again after RETRY_SECONDS rather than on every request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask
from limits import RateLimitItem
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0

# KEYS: one list per limit. ARGV: now, then amount and expiry of each limit. Returns the
# 1-based index of the breached limit (0: none), then the oldest timestamp in the window of
# the limit to report (the breached one, else the first) and its number of entries, this
# request's included.
CHARGE = """
local now = tonumber(ARGV[1])
local breached = 0
for i, key in ipairs(KEYS) do
    local amount = tonumber(ARGV[2 * i])
    local expiry = tonumber(ARGV[2 * i + 1])
    local last = redis.call('lindex', key, amount - 1)
    if last and tonumber(last) >= now - expiry then
        breached = i
        break
    end
    redis.call('lpush', key, now)
    redis.call('ltrim', key, 0, amount - 1)
    redis.call('expire', key, expiry)
end
local report = math.max(breached, 1)
local key, since = KEYS[report], now - tonumber(ARGV[2 * report + 1])
local low, high, found = 0, redis.call('llen', key) - 1, -1
while low <= high do
    local mid = math.floor((low + high) / 2)
    if tonumber(redis.call('lindex', key, mid)) >= since then
        found = mid
        low = mid + 1
    else
        high = mid - 1
    end
end
if found < 0 then
    return {breached, tostring(now), 0}
end
return {breached, tostring(redis.call('lindex', key, found)), found + 1}
"""


@dataclass(frozen=True)
class Charge:
    """What one request did to its budget: the limit to report and its window."""

    limit: RateLimitItem  # the breached limit, else the first (shortest window)
    breached: bool
    reset_at: int  # when the window frees an entry (epoch seconds, as flask-limiter says)
    remaining: int


class MovingWindow:
    def __init__(self, storage: object) -> None:
        self.storage = storage
        self.redis = storage if isinstance(storage, RedisStorage) else None
        self.script = self.redis.get_connection().register_script(CHARGE) if self.redis else None
        self.memory = MovingWindowRateLimiter(MemoryStorage())
        self.retry_at = 0.0  # time.monotonic() after which Redis is tried again

    def charge(self, items: list[RateLimitItem], *identifiers: str) -> Charge:
        """Count one request against every limit of `items` (sorted here)."""
        items = sorted(items)
        if self.redis is not None and time.monotonic() >= self.retry_at:
            try:
                return self._charge_redis(items, identifiers)
            except Exception:  # any storage error: count in memory, never refuse for it
                log.exception("rate limit storage unreachable: counted in memory")
                self.retry_at = time.monotonic() + RETRY_SECONDS
        return self._charge_memory(items, identifiers)

    def _charge_redis(self, items: list[RateLimitItem], identifiers: tuple[str, ...]) -> Charge:
        redis = self.redis
        keys = [redis.prefixed_key(item.key_for(*identifiers)) for item in items]
        args: list[float] = [time.time()]
        for item in items:
            args += [item.amount, item.get_expiry()]
        breached, oldest, count = self.script(keys=keys, args=args)
        item = items[breached - 1 if breached else 0]
        return Charge(
            limit=item,
            breached=bool(breached),
            reset_at=int(float(oldest) + item.get_expiry() + 1),
            remaining=item.amount - int(count),
        )

    def _charge_memory(self, items: list[RateLimitItem], identifiers: tuple[str, ...]) -> Charge:
        report, breached = items[0], False
        for item in items:
            if not self.memory.hit(item, *identifiers):
                report, breached = item, True
                break
        stats = self.memory.get_window_stats(report, *identifiers)
        return Charge(report, breached, int(stats.reset_time + 1), stats.remaining)


def moving_window(app: Flask, storage: object) -> MovingWindow:
    """The app's charger for the limiter's storage (made again if the limiter's changes)."""
    current = app.extensions.get("moving_window")
    if current is None or current.storage is not storage:
        current = MovingWindow(storage)
        app.extensions["moving_window"] = current
    return current
