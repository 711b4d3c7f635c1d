"""/healthz (the process answers) and /readyz (it can extract now) against a hosted upstream, over real HTTP."""

import socket
from pathlib import Path

import httpx

from tests.conftest import GatewayFactory
from tests.fake_openai import FakeOpenAI


def test_readyz_is_ready_when_the_upstream_answers_and_reuses_its_probe(
    make_gateway: GatewayFactory, upstream: FakeOpenAI
) -> None:
    url = make_gateway()
    for _ in range(3):
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "status": "ready",
            "schemas": 4,
            "failed_schemas": 0,
            "upstream": "openai fake-model",
            "reasons": [],
            "stale": [],
        }
    assert upstream.model_listings == 1  # probed once (GET /models: no tokens spent), then reused for seconds
    assert upstream.calls == []


def test_readyz_is_503_with_the_reason_when_the_upstream_is_unreachable(make_gateway: GatewayFactory) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]  # nothing listens here once the socket is closed
    url = make_gateway(openai_base_url=f"http://127.0.0.1:{closed}/v1")
    assert httpx.get(f"{url}/healthz").status_code == 200  # alive all the same
    not_ready = httpx.get(f"{url}/readyz")
    assert not_ready.status_code == 503
    [reason] = not_ready.json()["reasons"]
    assert f"127.0.0.1:{closed}" in reason and "unreachable" in reason


def test_readyz_says_when_the_upstream_refuses_the_key(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    url = make_gateway(openai_api_key="wrong-key")
    not_ready = httpx.get(f"{url}/readyz")
    assert not_ready.status_code == 503
    [reason] = not_ready.json()["reasons"]
    assert reason == f"the upstream {upstream.base_url}/ refused the API key (HTTP 401 on GET /models)"


def test_readyz_is_503_when_no_schema_is_served(make_gateway: GatewayFactory, tmp_path: Path) -> None:
    url = make_gateway(schemas_dir=tmp_path)
    not_ready = httpx.get(f"{url}/readyz")
    assert not_ready.status_code == 503
    assert not_ready.json()["reasons"] == ["no schema is served (0 failed to compile)"]
