"""Per-address sliding-window limits in Redis: over a limit, a send is delayed, not refused.

`acquire()` runs right before each send, atomically (one Lua script, shared by all
workers), against the sends recorded and booked for the sender's and the recipient's
address under every limit (e.g. 1/s, 3/min, 60/h):
- if the send fits now — no window of any limit would hold more than its count, booked
  sends included (for a send whose booked slot has come: the sends before it) — it is
  recorded at now and may go (delay 0);
- else it books the earliest instant after the address's latest booking where it fits,
  and returns the wait; the caller re-runs it then and `acquire()` checks again, so a job
  that runs late (a busy worker) can never push more sends into a window than the limit.
Booking after the latest one keeps a backlog to one recruiter in order and spaced as
configured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis

KEY_PREFIX = "spontane:mail-limit:"

_ACQUIRE = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local n = tonumber(ARGV[3])
local limits = {}
local maxw = 0
for i = 1, n do
  local c, w = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  limits[i] = {c, w}
  if w > maxw then maxw = w end
end
-- Could this send go at `x` without a window of any limit holding more than its count?
-- `upto` bounds the others' sends considered: x + w for a new send, so booked sends
-- count too and a caller whose clock read came earlier than others' bookings cannot
-- squeeze into their windows; x for a send whose booked slot has come, which was fitted
-- among the bookings already and only has to check what went before it.
local function fits(key, x, ahead)
  for i = 1, n do
    local c, w = limits[i][1], limits[i][2]
    local upto = string.format('%.6f', x)
    if ahead then upto = '(' .. string.format('%.6f', x + w) end
    local around = redis.call('ZRANGEBYSCORE', key, '(' .. string.format('%.6f', x - w),
      upto, 'WITHSCORES')
    local count = #around / 2
    for j = 1, count - c + 1 do
      local lo = math.min(tonumber(around[2 * j]), x)
      local hi = math.max(tonumber(around[2 * (j + c - 1)]), x)
      if hi - lo < w then return false end
    end
  end
  return true
end
local booked = redis.call('ZSCORE', KEYS[1], member)
local due = booked and tonumber(booked) <= now
local free = true
for _, key in ipairs(KEYS) do
  redis.call('ZREM', key, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - maxw)
end
for _, key in ipairs(KEYS) do
  if not fits(key, now, not due) then free = false end
end
if free then
  for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, member)
    -- Keep the key as long as its latest booking needs it.
    local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    redis.call('PEXPIRE', key, math.ceil((math.max(tonumber(last[2]), now) - now + maxw) * 1000))
  end
  return '0'
end
local t = now
for _, key in ipairs(KEYS) do
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] and tonumber(last[2]) > t then t = tonumber(last[2]) end
end
local changed, guard = true, 0
while changed and guard < 1000 do
  changed, guard = false, guard + 1
  for _, key in ipairs(KEYS) do
    for i = 1, n do
      local c, w = limits[i][1], limits[i][2]
      local low = '(' .. string.format('%.6f', t - w)
      local inside = redis.call('ZRANGEBYSCORE', key, low, '+inf', 'WITHSCORES')
      local count = #inside / 2
      if count >= c then
        t = tonumber(inside[2 * (count - c + 1)]) + w
        changed = true
      end
    end
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, t, member)
  redis.call('PEXPIRE', key, math.ceil((t - now + maxw) * 1000))
end
return string.format('%.6f', t - now)
"""


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: float


def parse_limits(raw: str) -> list[Limit]:
    """`"1/1,3/60,60/3600"` → limits; "off" (or an empty string) means no limit."""
    if raw.strip().lower() == "off":
        return []
    limits = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        count, sep, seconds = part.partition("/")
        try:
            limit = Limit(int(count), float(seconds))
        except ValueError:
            limit = None
        if not sep or limit is None or limit.count < 1 or limit.seconds <= 0:
            raise ValueError(
                f"MAIL_RATE_LIMITS: {part!r} is not COUNT/SECONDS such as 3/60 (3 per minute)"
            )
        limits.append(limit)
    return limits


class RateLimiter:
    def __init__(self, connection: redis.Redis, limits: list[Limit]) -> None:
        self.connection = connection
        self.limits = limits
        self._script = connection.register_script(_ACQUIRE)

    def acquire(self, member: str, sender: str, recipient: str, now: float | None = None) -> float:
        """Seconds to wait before sending `member` from `sender` to `recipient` (0: go now).

        With a wait, the slot is booked for `member`: call again when it comes.
        """
        return self.acquire_many([(member, sender, recipient)], now)[0]

    def acquire_many(
        self, sends: list[tuple[str, str, str]], now: float | None = None
    ) -> list[float]:
        """`acquire` for each (member, sender, recipient), in order, in one round trip:
        each script call stays atomic, and a later send to the same address sees the
        earlier ones of the list."""
        if not self.limits or not sends:
            return [0.0] * len(sends)
        now = time.time() if now is None else now
        with self.connection.pipeline(transaction=False) as pipe:
            for member, sender, recipient in sends:
                # Spontane's own emails (copies, notices) have no sender to limit: only
                # their recipient's limit applies, not one shared by every candidate.
                keys = [f"{KEY_PREFIX}to:{recipient.lower()}"]
                if sender:
                    keys.append(f"{KEY_PREFIX}from:{sender.lower()}")
                args: list[object] = [f"{now:.6f}", member, len(self.limits)]
                for limit in self.limits:
                    args += [limit.count, limit.seconds]
                self._script(keys=keys, args=args, client=pipe)
            answers = pipe.execute()
        return [max(0.0, float(answer)) for answer in answers]
