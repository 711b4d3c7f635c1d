"""The optional result cache (GATEWAY_CACHE): deterministic JSON answers kept by schema version, model,
instructions and text; `Cache-Control: no-cache` bypasses; never across keys that may not see the schema."""

from pathlib import Path

import httpx
import pytest

from gateway.access.keys import create_key
from tests.conftest import GatewayFactory
from tests.fake_openai import FakeOpenAI
from tests.redis_server import RedisServer

JASON = {"text": "Jason is 25 years old."}


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_deterministic_answers_are_served_from_the_cache(
    kind: str, make_gateway: GatewayFactory, upstream: FakeOpenAI, tmp_path: Path
) -> None:
    with RedisServer(tmp_path) as redis_server:
        url = make_gateway(cache=kind, redis_url=redis_server.url if kind == "redis" else None)
        with httpx.Client(base_url=url, timeout=20) as http:
            first = http.post("/extract/user_detail", json=JASON)
            again = http.post("/extract/user_detail", json=JASON)
            assert (first.headers["gateway-cache"], again.headers["gateway-cache"]) == ("miss", "hit")
            assert first.json() == again.json() == {"name": "Jason", "age": 25}
            assert len(upstream.calls) == 1
            assert "prompt_tokens=0" in again.headers["gateway-usage"]  # a hit costs nothing upstream
            # Anything that decides the answer is part of the key: another route, text or instructions miss.
            assert http.post("/extract/user_detail/list", json=JASON).headers["gateway-cache"] == "miss"
            other = {"text": "Ann is 3 years old."}
            assert http.post("/extract/user_detail", json=other).headers["gateway-cache"] == "miss"
            noted = {**JASON, "instructions": "Prefer full names."}
            assert http.post("/extract/user_detail", json=noted).headers["gateway-cache"] == "miss"
            evidence = {**JASON, "include": ["evidence"]}
            assert "evidence" in http.post("/extract/user_detail", json=evidence).json()
            bypass = http.post("/extract/user_detail", json=JASON, headers={"Cache-Control": "no-cache"})
            assert bypass.headers["gateway-cache"] == "bypass" and len(upstream.calls) == 6
            # Streams are not cached.
            with http.stream("POST", "/extract/user_detail/stream", json=JASON) as stream:
                stream.read()
                assert "gateway-cache" not in stream.headers


def test_no_cache_without_temperature_zero_or_when_off(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    for url in (make_gateway(cache="memory", temperature=0.5), make_gateway()):
        with httpx.Client(base_url=url, timeout=20) as http:
            for _ in range(2):
                assert "gateway-cache" not in http.post("/extract/user_detail", json=JASON).headers
    assert len(upstream.calls) == 4


def test_a_cached_answer_never_reaches_a_key_that_may_not_see_the_schema(
    make_gateway: GatewayFactory, upstream: FakeOpenAI, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.yaml"
    everything = create_key(keys_file, "everything")
    invoices = create_key(keys_file, "invoices", schemas=["invoice"])
    url = make_gateway(cache="memory", api_keys_file=keys_file)
    with httpx.Client(base_url=url, timeout=20) as http:
        allowed = http.post("/extract/user_detail", json=JASON, headers={"X-API-Key": everything})
        assert allowed.headers["gateway-cache"] == "miss"
        refused = http.post("/extract/user_detail", json=JASON, headers={"X-API-Key": invoices})
        assert refused.status_code == 403 and "Jason" not in refused.text
        anonymous = http.post("/extract/user_detail", json=JASON)
        assert anonymous.status_code == 401 and "Jason" not in anonymous.text
