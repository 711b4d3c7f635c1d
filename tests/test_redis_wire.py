"""The admission's own Redis line (gateway/access/redis_wire.py) against a real redis-server: replies in order
under concurrency, replies split across reads, scripts loaded on NOSCRIPT, password and database, outages."""

import asyncio
import subprocess
from pathlib import Path

import pytest

from gateway.access.redis_wire import RedisUnavailable, RedisWire, encode, parse, sha1
from tests.redis_server import RedisServer


def test_replies_are_parsed_whole_or_not_at_all() -> None:
    reply = b"*3\r\n:1\r\n$19\r\nrequests_per_minute\r\n$-1\r\n"
    for cut in range(1, len(reply)):
        with pytest.raises(Exception) as incomplete:
            parse(reply[:cut], 0)
        assert type(incomplete.value).__name__ == "_Incomplete"
    value, end = parse(reply, 0)
    assert value == [1, b"requests_per_minute", None] and end == len(reply)
    error, _ = parse(b"-NOSCRIPT No matching script\r\n", 0)
    assert isinstance(error, RedisUnavailable) and "NOSCRIPT" in str(error)
    assert encode("GET", "k", 5) == b"*3\r\n$3\r\nGET\r\n$1\r\nk\r\n$1\r\n5\r\n"


def test_concurrent_calls_get_their_own_replies(tmp_path: Path) -> None:
    async def run(url: str) -> None:
        wire = RedisWire(url)
        try:
            await asyncio.gather(*(wire.call("SET", f"k{i}", "v" * i) for i in range(200)))
            values = await asyncio.gather(*(wire.call("GET", f"k{i}") for i in range(200)))
            assert values == [b"v" * i for i in range(200)]
            big = "x" * 300_000  # arrives in many reads
            await wire.call("SET", "big", big)
            assert await wire.call("GET", "big") == big.encode()
            script = "return {1, ARGV[1], redis.call('INCR', KEYS[1])}"
            assert await wire.script(script, sha1(script), ["n"], ["hello"]) == [1, b"hello", 1]  # EVAL first
            assert await wire.script(script, sha1(script), ["n"], ["again"]) == [1, b"again", 2]  # EVALSHA
        finally:
            await wire.close()

    with RedisServer(tmp_path) as server:
        asyncio.run(run(server.url))


def test_password_and_database_from_the_url(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    server.start()
    try:
        subprocess.run(
            ["redis-cli", "-p", str(server.port), "CONFIG", "SET", "requirepass", "s3cret"], check=True, timeout=10
        )

        async def run() -> None:
            wire = RedisWire(f"redis://:s3cret@127.0.0.1:{server.port}/3")
            await wire.call("SET", "where", "db3")
            assert await wire.call("GET", "where") == b"db3"
            await wire.close()
            refused = RedisWire(f"redis://127.0.0.1:{server.port}/0")
            with pytest.raises(RedisUnavailable, match="NOAUTH"):
                await refused.call("GET", "where")
            await refused.close()

        asyncio.run(run())
    finally:
        server.kill()


def test_an_outage_is_redis_unavailable_and_the_next_call_reconnects(tmp_path: Path) -> None:
    async def run(server: RedisServer) -> None:
        wire = RedisWire(server.url)
        assert await wire.call("PING") == "PONG"
        server.kill()
        with pytest.raises(RedisUnavailable):
            await wire.call("PING")
        with pytest.raises(RedisUnavailable, match="cannot connect"):
            await wire.call("PING")
        server.start()
        assert await wire.call("PING") == "PONG"
        await wire.close()

    with RedisServer(tmp_path) as server:
        asyncio.run(run(server))
    with pytest.raises(ValueError, match="redis://"):
        RedisWire("rediss://127.0.0.1:6379/0")
