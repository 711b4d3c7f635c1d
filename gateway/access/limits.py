"""Limits and budgets per key - requests per minute, concurrent streams, tokens per day - and usage totals per key.

``RedisLimits`` keeps the counters in Redis (one atomic Lua script per admission), so every worker and replica
shares them; what requests spent is added up in the process and written in one round trip a second
(``FLUSH_SECONDS``), so a day's token budget is seen at most that late. ``MemoryLimits`` keeps them in the
process. Requests per minute count in fixed one-minute windows, tokens per UTC day. When Redis cannot be reached
the configured choice applies: ``open`` admits (and logs once), ``closed`` refuses with ``503 limits_unavailable``.
"""

import asyncio
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from gateway.access.keys import ApiKey
from gateway.access.redis_wire import RedisWire, sha1
from gateway.errors import LimitsUnavailable

logger = logging.getLogger(__name__)

LimitName = Literal["requests_per_minute", "tokens_per_day", "concurrent_streams"]
FailureMode = Literal["open", "closed"]
MINUTE, DAY = 60, 86_400
# A stream counter outlives a process that died holding streams open by at most this long.
STREAM_COUNTER_TTL = 3600
USAGE_FIELDS = ("requests", "prompt_tokens", "completion_tokens", "attempts")
FLUSH_SECONDS = 1.0


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go on; for a refusal, which limit and when to try again. ``limit``/``remaining``/
    ``reset`` describe the requests-per-minute window (the ``RateLimit-*`` headers)."""

    allowed: bool
    limit: int | None = None
    remaining: int | None = None
    reset: int | None = None
    refused_by: LimitName | None = None
    retry_after: int | None = None


class Limits(Protocol):
    async def admit(self, key: ApiKey, *, stream: bool) -> Verdict:
        """Count one request (and one open stream) against ``key``'s limits, or refuse it."""
        ...

    async def release_stream(self, key: ApiKey) -> None: ...

    async def spend(self, key: ApiKey, usage: dict[str, int]) -> None:
        """Add one request's usage to the key's day budget and totals."""
        ...

    async def totals(self) -> dict[str, dict[str, int]]:
        """Usage so far, per key name."""
        ...


def _windows(now: float) -> tuple[int, int, int, int]:
    """The current minute and day, and the seconds left in each."""
    minute, day = int(now // MINUTE), int(now // DAY)
    return minute, day, max(1, (minute + 1) * MINUTE - int(now)), max(1, (day + 1) * DAY - int(now))


def _verdict(key: ApiKey, outcome: LimitName | None, count: int, minute_left: int, day_left: int) -> Verdict:
    limit = key.requests_per_minute
    remaining = max(0, limit - count) if limit is not None else None
    if outcome is None:
        return Verdict(True, limit, remaining, minute_left if limit is not None else None)
    retry_after = {"requests_per_minute": minute_left, "tokens_per_day": day_left, "concurrent_streams": 1}[outcome]
    return Verdict(False, limit, remaining, minute_left, outcome, retry_after)


class MemoryLimits:
    """The counters of one process."""

    def __init__(self) -> None:
        self._minutes: dict[tuple[str, int], int] = {}
        self._days: dict[tuple[str, int], int] = {}
        self._streams: dict[str, int] = defaultdict(int)
        self._totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(USAGE_FIELDS, 0))

    async def admit(self, key: ApiKey, *, stream: bool) -> Verdict:
        minute, day, minute_left, day_left = _windows(time.time())
        count = 0
        if key.requests_per_minute is not None:
            if len(self._minutes) > 10_000:  # old windows
                self._minutes = {k: v for k, v in self._minutes.items() if k[1] >= minute}
            count = self._minutes[(key.name, minute)] = self._minutes.get((key.name, minute), 0) + 1
            if count > key.requests_per_minute:
                return _verdict(key, "requests_per_minute", count, minute_left, day_left)
        if key.tokens_per_day is not None and self._days.get((key.name, day), 0) >= key.tokens_per_day:
            return _verdict(key, "tokens_per_day", count, minute_left, day_left)
        if stream and key.concurrent_streams is not None:
            if self._streams[key.name] >= key.concurrent_streams:
                return _verdict(key, "concurrent_streams", count, minute_left, day_left)
            self._streams[key.name] += 1
        return _verdict(key, None, count, minute_left, day_left)

    async def release_stream(self, key: ApiKey) -> None:
        if key.concurrent_streams is not None:
            self._streams[key.name] = max(0, self._streams[key.name] - 1)

    async def spend(self, key: ApiKey, usage: dict[str, int]) -> None:
        _, day, _, _ = _windows(time.time())
        tokens = usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
        self._days[(key.name, day)] = self._days.get((key.name, day), 0) + tokens
        totals = self._totals[key.name]
        for name in USAGE_FIELDS:
            totals[name] += usage.get(name, 0)

    async def totals(self) -> dict[str, dict[str, int]]:
        return {name: dict(values) for name, values in self._totals.items()}


# One admission, atomically: KEYS = minute counter, day tokens, open streams; ARGV = the limits (0: none), the
# seconds the minute window has left, whether the request is a stream.
_ADMIT = """
local count = 0
if tonumber(ARGV[1]) > 0 then
  count = redis.call('INCR', KEYS[1])
  if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[4] + 1) end
  if count > tonumber(ARGV[1]) then return {0, 'requests_per_minute', count} end
end
if tonumber(ARGV[2]) > 0 then
  local spent = tonumber(redis.call('GET', KEYS[2]) or '0')
  if spent >= tonumber(ARGV[2]) then return {0, 'tokens_per_day', count} end
end
if ARGV[5] == '1' and tonumber(ARGV[3]) > 0 then
  local open = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
  if open > tonumber(ARGV[3]) then
    redis.call('DECR', KEYS[3])
    return {0, 'concurrent_streams', count}
  end
end
return {1, '', count}
"""


_ADMIT_SHA1 = sha1(_ADMIT)


class RedisLimits:
    """The counters in Redis, shared by every process that uses the same server and ``prefix``."""

    def __init__(self, url: str, *, failure: FailureMode, prefix: str = "gateway") -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._wire = RedisWire(url)  # the admission, on every request: the lean line
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError, TimeoutError)
        self._failure = failure
        self._prefix = prefix
        self._down = False
        self._pending: dict[str, dict[str, int]] = {}  # spent since the last write, per key name
        self._flusher: asyncio.Task[None] | None = None

    def _key(self, *parts: object) -> str:
        return ":".join((self._prefix, *map(str, parts)))

    def _unreachable(self, exc: BaseException) -> None:
        if not self._down:
            logger.error(
                "Redis is unreachable (%s): requests are %s", exc, "admitted" if self._failure == "open" else "refused"
            )
        self._down = True
        if self._failure == "closed":
            raise LimitsUnavailable("the limits store is unreachable; try again shortly", retry_after=5) from exc

    def _reached(self) -> None:
        if self._down:
            logger.info("Redis is reachable again")
        self._down = False

    async def admit(self, key: ApiKey, *, stream: bool) -> Verdict:
        minute, day, minute_left, day_left = _windows(time.time())
        keys = [self._key("rpm", key.name, minute), self._key("tokens", key.name, day), self._key("streams", key.name)]
        limits = [key.requests_per_minute or 0, key.tokens_per_day or 0, key.concurrent_streams or 0]
        try:
            allowed, refused_by, count = await self._wire.script(
                _ADMIT, _ADMIT_SHA1, keys, [*limits, minute_left, "1" if stream else "0", STREAM_COUNTER_TTL]
            )
        except self._errors as exc:
            self._unreachable(exc)
            return Verdict(True)
        self._reached()
        name = refused_by.decode() if isinstance(refused_by, bytes) else str(refused_by)
        outcome: Any = None if allowed else name
        return _verdict(key, outcome, int(count), minute_left, day_left)

    async def release_stream(self, key: ApiKey) -> None:
        if key.concurrent_streams is None:
            return
        try:
            await self._redis.decr(self._key("streams", key.name))
        except self._errors as exc:
            logger.warning("could not release a stream of key %s in Redis: %s", key.name, exc)

    async def spend(self, key: ApiKey, usage: dict[str, int]) -> None:
        pending = self._pending.setdefault(key.name, dict.fromkeys(USAGE_FIELDS, 0))
        for name in USAGE_FIELDS:
            pending[name] += usage.get(name, 0)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        await self.flush()

    async def flush(self) -> None:
        """Write what was spent since the last write: day tokens and totals per key, one round trip."""
        pending, self._pending = self._pending, {}
        if not pending:
            return
        _, day, _, _ = _windows(time.time())
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for name, spent in pending.items():
                    tokens_key = self._key("tokens", name, day)
                    pipe.incrby(tokens_key, spent["prompt_tokens"] + spent["completion_tokens"])
                    pipe.expire(tokens_key, DAY + 3600)
                    for field_name, value in spent.items():
                        pipe.hincrby(self._key("usage", name), field_name, value)
                await pipe.execute()
        except self._errors as exc:
            logger.warning("could not record the usage of %d key(s) in Redis: %s", len(pending), exc)

    async def totals(self) -> dict[str, dict[str, int]]:
        await self.flush()
        found: dict[str, dict[str, int]] = {}
        async for raw in self._redis.scan_iter(match=self._key("usage", "*")):
            name = (raw.decode() if isinstance(raw, bytes) else str(raw)).rsplit(":", 1)[-1]
            values = await self._redis.hgetall(raw)
            found[name] = {_text(field): int(value) for field, value in values.items()}
        return found

    async def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
        await self.flush()
        await self._wire.close()
        await self._redis.aclose()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
