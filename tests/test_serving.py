"""How a served gateway presents itself: CORS for browser clients, what start-up says about access, and metrics
gathered from every worker process."""

import logging
import time
from pathlib import Path

import httpx
import pytest

from gateway.settings import Settings
from tests.conftest import REPO, GatewayFactory, served_env
from tests.fake_openai import FakeOpenAI
from tests.live_server import served_process

JASON = {"text": "Jason is 25 years old."}
APP = "https://app.example"


def test_cors_lets_the_configured_origins_call_and_read_the_headers(make_gateway: GatewayFactory) -> None:
    url = make_gateway(cors_origins=[APP])
    with httpx.Client(base_url=url, timeout=20) as http:
        preflight = http.options(
            "/extract/user_detail/stream",
            headers={
                "Origin": APP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == APP
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
        answer = http.post("/extract/user_detail", json=JASON, headers={"Origin": APP})
        assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == APP
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert {"x-request-id", "gateway-usage", "schema-version", "retry-after"} <= set(exposed.split(", "))
        stranger = http.post("/extract/user_detail", json=JASON, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in stranger.headers
    with httpx.Client(base_url=make_gateway(), timeout=20) as http:  # off by default
        assert (
            "access-control-allow-origin"
            not in http.post("/extract/user_detail", json=JASON, headers={"Origin": APP}).headers
        )


def test_cors_origins_read_as_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", '["*"]')
    assert Settings().cors_origins == ["*"]


def test_start_up_says_whether_the_gateway_is_open(
    make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # The app's host setting decides the message; the test server itself listens on loopback only.
    caplog.set_level(logging.INFO, logger="gateway")
    make_gateway(host="127.0.0.1")
    assert any("the gateway is open" in record.getMessage() for record in caplog.records)
    caplog.clear()
    make_gateway(host="0.0.0.0")
    (loud,) = [record for record in caplog.records if "!!! the gateway is open" in record.getMessage()]
    assert loud.levelname == "WARNING" and "GATEWAY_API_KEYS_FILE" in loud.getMessage()
    caplog.clear()
    keys = tmp_path / "keys.yaml"
    keys.write_text("keys: []\n")
    make_gateway(host="0.0.0.0", api_keys_file=keys)
    assert not any("is open" in record.getMessage() for record in caplog.records)
    assert any("API keys from" in record.getMessage() for record in caplog.records)


def test_metrics_add_up_every_worker(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    env = served_env(upstream, codegen_cache, GATEWAY_WORKERS="2")
    with served_process(env, cwd=REPO) as served:
        base = f"http://127.0.0.1:{served.port}"
        for _ in range(24):  # a new connection each: the kernel hands them to either worker
            with httpx.Client(base_url=base, timeout=20) as http:
                assert http.post("/extract/user_detail", json=JASON).status_code == 200
        line = 'gateway_requests_total{route="object",schema="user_detail",status="200"}'
        # A request is counted once its response has gone: on a busy machine the last may land a moment later.
        deadline = time.monotonic() + 10
        while True:
            metrics = served.client.get("/metrics").text
            (count,) = [float(row.rsplit(" ", 1)[1]) for row in metrics.splitlines() if row.startswith(line)]
            if count >= 24 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    served_by = {line.split("[")[1].split("]")[0] for line in served.log if "Started server process" in line}
    assert len(served_by) == 2
    assert count == 24
