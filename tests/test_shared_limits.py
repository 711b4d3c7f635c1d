"""Limits kept in a real Redis (``GATEWAY_REDIS_URL``): two `gateway serve` processes enforce one key's limits
together, usage totals add up across them, and a Redis outage follows ``GATEWAY_REDIS_FAILURE``."""

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from gateway.access.keys import create_key
from gateway.access.limits import FLUSH_SECONDS
from tests.conftest import REPO, GatewayFactory, served_env
from tests.fake_openai import FakeOpenAI
from tests.live_server import served_process
from tests.redis_server import RedisServer

JASON = {"text": "Jason is 25 years old."}


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer(tmp_path) as server:
        yield server


def _away_from_a_minute_boundary() -> None:
    """Requests-per-minute windows are calendar minutes: start a count well inside one."""
    into = time.time() % 60
    if into > 45:
        time.sleep(61 - into)


def test_two_gateway_processes_share_one_keys_limits(
    redis_server: RedisServer, upstream: FakeOpenAI, codegen_cache: Path, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.yaml"
    rpm = create_key(keys_file, "rpm", requests_per_minute=4)
    tokens = create_key(keys_file, "tokens", tokens_per_day=10)
    env = served_env(
        upstream,
        codegen_cache,
        GATEWAY_API_KEYS_FILE=str(keys_file),
        GATEWAY_REDIS_URL=redis_server.url,
        GATEWAY_ADMIN_KEY="admin",
    )
    with ExitStack() as stack:
        first, _ = stack.enter_context(served_process(env, cwd=REPO))
        second, _ = stack.enter_context(served_process(env, cwd=REPO))
        _away_from_a_minute_boundary()
        statuses = []
        for turn in range(6):
            gateway = first if turn % 2 == 0 else second
            answer = gateway.post("/extract/user_detail", json=JASON, headers={"Authorization": f"Bearer {rpm}"})
            statuses.append(answer.status_code)
        assert statuses == [200, 200, 200, 200, 429, 429]
        assert answer.json()["error"]["limit"] == "requests_per_minute"
        assert answer.headers["ratelimit-limit"] == "4" and answer.headers["ratelimit-remaining"] == "0"

        # The day's tokens spent through one process close the key in the other (written within a second).
        assert first.post("/extract/user_detail", json=JASON, headers={"X-API-Key": tokens}).status_code == 200
        time.sleep(FLUSH_SECONDS + 0.5)
        refused = second.post("/extract/user_detail", json=JASON, headers={"X-API-Key": tokens})
        assert refused.status_code == 429 and refused.json()["error"]["limit"] == "tokens_per_day"

        # Either process reports the totals of both.
        totals = second.get("/admin/usage", headers={"Authorization": "Bearer admin"}).json()
        assert totals["rpm"]["requests"] == 4 and totals["tokens"]["requests"] == 1
        assert totals["rpm"]["prompt_tokens"] > 0 and totals["rpm"]["attempts"] == 4


@pytest.mark.parametrize("failure", ["open", "closed"])
def test_a_redis_outage_follows_the_configured_choice(
    failure: str,
    redis_server: RedisServer,
    make_gateway: GatewayFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    keys_file = tmp_path / "keys.yaml"
    secret = create_key(keys_file, "ops", requests_per_minute=1000)
    url = make_gateway(api_keys_file=keys_file, redis_url=redis_server.url, redis_failure=failure)
    with httpx.Client(base_url=url, timeout=20, headers={"Authorization": f"Bearer {secret}"}) as http:
        assert http.post("/extract/user_detail", json=JASON).status_code == 200
        redis_server.kill()
        for route in ("/extract/user_detail", "/extract/user_detail/stream"):
            answer = http.post(route, json=JASON)
            if failure == "open":
                assert answer.status_code == 200, answer.text  # admitted, unlimited while Redis is away
            else:
                assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
                assert answer.json()["error"]["type"] == "limits_unavailable"
        assert any("Redis is unreachable" in record.getMessage() for record in caplog.records)
        redis_server.start()  # back on the same port: limits apply again
        deadline = time.monotonic() + 10
        while (answer := http.post("/extract/user_detail", json=JASON)).status_code != 200:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.2)
        assert answer.headers["ratelimit-limit"] == "1000"
