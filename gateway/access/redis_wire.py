"""The admission's line to Redis: one pipelined connection that speaks just enough RESP to run a Lua script.

Every extraction request under a key with limits makes one admission, so its cost is the layer's cost: a general
client (redis-py with hiredis) spends over 100 us of CPU per command on this machine; this one writes the
command, keeps a future in a queue and parses the reply when it arrives (Redis answers in order), with no pool,
lock or task per call. Anything it cannot reach or read raises ``RedisUnavailable``; the next call connects again.
"""

import asyncio
import hashlib
from collections import deque
from typing import Any, cast
from urllib.parse import unquote, urlsplit

CONNECT_TIMEOUT = 1.0
REPLY_TIMEOUT = 1.0


class RedisUnavailable(ConnectionError):
    """Redis cannot be reached, did not answer in time, or answered with an error."""


class _Incomplete(Exception):
    pass


def encode(*parts: bytes | str | int) -> bytes:
    """A command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def parse(buffer: bytes | bytearray, position: int) -> tuple[Any, int]:
    """One reply from ``buffer`` at ``position``: (value, position after it); ``_Incomplete`` when it has not all
    arrived. An error reply is returned as a ``RedisUnavailable`` value."""
    end = buffer.find(b"\r\n", position)
    if end < 0:
        raise _Incomplete
    kind, line = buffer[position : position + 1], bytes(buffer[position + 1 : end])
    after = end + 2
    if kind == b"+":
        return line.decode(), after
    if kind == b"-":
        return RedisUnavailable(f"Redis answered: {line.decode(errors='replace')}"), after
    if kind == b":":
        return int(line), after
    if kind == b"$":
        length = int(line)
        if length < 0:
            return None, after
        if len(buffer) < after + length + 2:
            raise _Incomplete
        return bytes(buffer[after : after + length]), after + length + 2
    if kind == b"*":
        count = int(line)
        items = []
        for _ in range(max(0, count)):
            item, after = parse(buffer, after)
            items.append(item)
        return (items if count >= 0 else None), after
    raise RedisUnavailable(f"not a Redis reply: {bytes(buffer[position : position + 20])!r}")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.buffer = bytearray()
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass of asyncio's

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        position = 0
        try:
            while position < len(self.buffer) and self.waiting:
                value, position = parse(self.buffer, position)
                future = self.waiting.popleft()
                if future.done():  # timed out: its reply is read and dropped
                    continue
                if isinstance(value, RedisUnavailable):
                    future.set_exception(value)
                else:
                    future.set_result(value)
        except _Incomplete:
            pass
        except (RedisUnavailable, ValueError) as exc:
            self._fail(RedisUnavailable(str(exc)))
            if self.transport is not None:
                self.transport.close()
            return
        del self.buffer[:position]

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._fail(RedisUnavailable(f"the connection to Redis closed{f': {exc}' if exc else ''}"))

    def _fail(self, error: RedisUnavailable) -> None:
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)


class RedisWire:
    """Scripts and commands over one connection to the Redis at ``url`` (``redis://[:password@]host[:port][/db]``)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "redis":
            raise ValueError(f"GATEWAY_REDIS_URL: only redis:// URLs are supported, not {parts.scheme}://")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 6379
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.db = int(parts.path.strip("/") or 0)
        self._protocol: _Protocol | None = None
        self._connecting: asyncio.Lock | None = None

    async def _connected(self) -> _Protocol:
        protocol = self._protocol
        if protocol is not None and not protocol.lost:
            return protocol
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            current = self._protocol
            if current is not None and not current.lost:
                return current
            loop = asyncio.get_running_loop()
            try:
                _, fresh = await asyncio.wait_for(
                    loop.create_connection(_Protocol, self.host, self.port), CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError) as exc:
                raise RedisUnavailable(f"cannot connect to Redis at {self.host}:{self.port}: {exc}") from None
            self._protocol = fresh
            if self.password is not None:
                credentials = (self.username, self.password) if self.username else (self.password,)
                await self.call("AUTH", *credentials)
            if self.db:
                await self.call("SELECT", self.db)
            return fresh

    async def call(self, *parts: bytes | str | int) -> Any:
        protocol = await self._connected()
        assert protocol.transport is not None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        protocol.waiting.append(future)
        protocol.transport.write(encode(*parts))
        timer = asyncio.get_running_loop().call_later(REPLY_TIMEOUT, _expire, future, protocol)
        try:
            return await future
        finally:
            timer.cancel()

    async def script(self, source: str, digest: str, keys: list[str], args: list[Any]) -> Any:
        """Run a Lua script by its SHA-1 (loading it on the first ``NOSCRIPT``)."""
        try:
            return await self.call("EVALSHA", digest, len(keys), *keys, *args)
        except RedisUnavailable as exc:
            if "NOSCRIPT" not in str(exc):
                raise
            return await self.call("EVAL", source, len(keys), *keys, *args)

    async def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        self._protocol = None


def sha1(source: str) -> str:
    return hashlib.sha1(source.encode()).hexdigest()  # noqa: S324 - Redis names scripts by their SHA-1


def _expire(future: asyncio.Future[Any], protocol: _Protocol) -> None:
    if not future.done():
        future.set_exception(RedisUnavailable(f"Redis did not answer within {REPLY_TIMEOUT:g} s"))
        if protocol.transport is not None:
            protocol.transport.close()  # a fresh connection for the next call, rather than a queue of late replies
