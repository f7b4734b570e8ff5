"""``RateLimiter`` on Redis: a sliding log per key in a sorted set, shared by every API
process. One Lua script trims, counts and records atomically."""

from __future__ import annotations

import math
import uuid

import redis

from domain.accounts import RateDecision
from domain.ports import Clock

# KEYS[1]: the log. ARGV: now (ms), window (ms), limit, a unique member, expiry (ms).
# Returns {allowed, count after, oldest time in the window (ms, as a string)}.
_SLIDING_LOG = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, count, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, ARGV[5])
return {1, count + 1, '0'}
"""


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, clock: Clock, *, key_prefix: str) -> None:
        self._clock = clock
        self._prefix = key_prefix + "ratelimit:"
        self._script = client.register_script(_SLIDING_LOG)

    def hit(self, key: str, *, limit: int, window_ms: int) -> RateDecision:
        now_ms = self._clock.now().timestamp() * 1000
        allowed, count, oldest = self._script(
            keys=[self._prefix + key],
            args=[repr(now_ms), window_ms, limit, f"{now_ms!r}:{uuid.uuid4().hex}", window_ms],
        )
        if allowed:
            return RateDecision(allowed=True, remaining=limit - int(count), retry_after_seconds=0)
        wait_ms = float(oldest) + window_ms - now_ms
        return RateDecision(
            allowed=False, remaining=0, retry_after_seconds=max(1, math.ceil(wait_ms / 1000))
        )
