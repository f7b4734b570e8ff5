"""``SessionStore`` on Redis: one key per session, written with ``SET … EX`` (SETEX).

Redis expires the key itself (real time); the stored value also starts with its expiry by
the injected clock (``<ms since the epoch>:``), so every store expires on the same clock as
the SQL one and the tests move time instead of sleeping. Compare-and-set steps are Lua
scripts, atomic against every other process.
"""

from __future__ import annotations

import math

import redis

from domain.ports import Clock

# Reads the live value of a stored raw value (nil when absent, malformed or expired).
_LIVE = """
local function live(raw, now)
  if not raw then return nil end
  local sep = string.find(raw, ':', 1, true)
  if not sep then return nil end
  if tonumber(string.sub(raw, 1, sep - 1)) <= now then return nil end
  return string.sub(raw, sep + 1)
end
"""
# ARGV: now (ms), '1' when a value is expected, the expected value, the new raw value, ttl.
_PUT_IF = (
    _LIVE
    + """
local current = live(redis.call('GET', KEYS[1]), tonumber(ARGV[1]))
if ARGV[2] == '1' then
  if current ~= ARGV[3] then return 0 end
elseif current ~= nil then
  return 0
end
redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[5])
return 1
"""
)
# ARGV: now (ms), the expected value.
_DELETE_IF = (
    _LIVE
    + """
local current = live(redis.call('GET', KEYS[1]), tonumber(ARGV[1]))
if current ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1
"""
)


class RedisSessionStore:
    def __init__(self, client: redis.Redis, clock: Clock, *, key_prefix: str) -> None:
        self._client = client
        self._clock = clock
        self._prefix = key_prefix + "session:"
        self._put_if = client.register_script(_PUT_IF)
        self._delete_if = client.register_script(_DELETE_IF)

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None:
        raw = self._raw(value, ttl_seconds)
        # SET … EX is SETEX (redis-py deprecates the separate command).
        self._client.set(self._prefix + key, raw, ex=ttl_seconds)

    def get(self, key: str) -> bytes | None:
        raw = self._client.get(self._prefix + key)
        if raw is None:
            return None
        assert isinstance(raw, bytes)
        expires, sep, value = raw.partition(b":")
        if not sep or not expires.isdigit() or int(expires) <= self._now_ms():
            return None
        return value

    def delete(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def put_if(self, key: str, value: bytes, ttl_seconds: int, *, expected: bytes | None) -> bool:
        raw = self._raw(value, ttl_seconds)
        flag, wanted = ("1", expected) if expected is not None else ("0", b"")
        stored = self._put_if(
            keys=[self._prefix + key],
            args=[self._now_ms(), flag, wanted, raw, ttl_seconds],
        )
        return bool(stored)

    def delete_if(self, key: str, expected: bytes) -> bool:
        deleted = self._delete_if(keys=[self._prefix + key], args=[self._now_ms(), expected])
        return bool(deleted)

    def _raw(self, value: bytes, ttl_seconds: int) -> bytes:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        return b"%d:" % (self._now_ms() + ttl_seconds * 1000) + bytes(value)

    def _now_ms(self) -> int:
        return math.floor(self._clock.now().timestamp() * 1000)
