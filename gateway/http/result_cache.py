"""The optional result cache of the JSON routes (``GATEWAY_CACHE=memory|redis``; off by default).

An answer is kept under a digest of everything that decides it - the schema's name and version, the route, the
model, the instructions, what the request includes, and the text - and only where the answer is deterministic
(the schema's temperature is 0). The key check runs first, so a cached answer reaches only callers who may use
the schema. ``Cache-Control: no-cache`` skips the lookup (the fresh answer is stored); the ``Gateway-Cache``
header says ``hit``, ``miss`` or ``bypass``. Streams are not cached.
"""

import hashlib
import json
import logging
import time
from collections import OrderedDict
from typing import Protocol

from gateway.settings import Settings

logger = logging.getLogger(__name__)


class ResultCache(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, answer: bytes) -> None: ...

    async def close(self) -> None: ...


def cache_key(*, schema: str, version: str, route: str, model: str, instructions: str | None, include: list[str],
              text: str) -> str:  # fmt: skip
    parts = json.dumps([schema, version, route, model, instructions, sorted(include), text], ensure_ascii=False)
    return hashlib.sha256(parts.encode()).hexdigest()


class MemoryResultCache:
    """The answers of one process, least recently used first out."""

    def __init__(self, *, max_entries: int, ttl: float) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_entries, self._ttl = max_entries, ttl

    async def get(self, key: str) -> bytes | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires, answer = found
        if expires < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return answer

    async def put(self, key: str, answer: bytes) -> None:
        self._entries[key] = (time.monotonic() + self._ttl, answer)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def close(self) -> None:
        self._entries.clear()


class RedisResultCache:
    """Answers in Redis, shared by every worker and replica; an unreachable Redis is a miss (logged once)."""

    def __init__(self, url: str, *, ttl: float, prefix: str = "gateway:answer:") -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError, TimeoutError)
        self._ttl, self._prefix, self._down = max(1, round(ttl)), prefix, False

    def _failed(self, exc: BaseException) -> None:
        if not self._down:
            logger.warning("the result cache's Redis is unreachable (%s): answering without the cache", exc)
        self._down = True

    async def get(self, key: str) -> bytes | None:
        try:
            answer = await self._redis.get(self._prefix + key)
        except self._errors as exc:
            self._failed(exc)
            return None
        self._down = False
        return answer if isinstance(answer, bytes) else None

    async def put(self, key: str, answer: bytes) -> None:
        try:
            await self._redis.set(self._prefix + key, answer, ex=self._ttl)
        except self._errors as exc:
            self._failed(exc)

    async def close(self) -> None:
        await self._redis.aclose()


def result_cache(settings: Settings) -> ResultCache | None:
    """The cache the settings ask for, or None (off)."""
    if settings.cache == "memory":
        return MemoryResultCache(max_entries=settings.cache_max_entries, ttl=settings.cache_ttl)
    if settings.cache == "redis":
        assert settings.redis_url is not None  # the settings check this
        return RedisResultCache(settings.redis_url, ttl=settings.cache_ttl)
    return None
