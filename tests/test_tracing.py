"""OpenTelemetry, when configured (any OTEL_* variable): FastAPI's server span of each request carries the
gateway's fields - request id, schema, key, error type, attempts, tokens."""

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.conftest import GatewayFactory
from tests.fake_openai import FakeOpenAI


def test_the_server_span_carries_the_request_fields(
    make_gateway: GatewayFactory, upstream: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "gateway-test")
    url = make_gateway()
    with httpx.Client(base_url=url, timeout=20) as http:
        http.post("/extract/user_detail", json={"text": "Jason is 25"}, headers={"X-Request-ID": "trace-me-1"})
        http.post(
            "/extract/user_detail", json={"text": "Bo is 4 [[fault:500]]"}, headers={"X-Request-ID": "trace-me-2"}
        )
    provider.force_flush()
    by_id = {
        span.attributes.get("gateway.request_id"): span.attributes
        for span in exporter.get_finished_spans()
        if span.attributes and "gateway.request_id" in span.attributes
    }
    answered, failed = by_id["trace-me-1"], by_id["trace-me-2"]
    assert answered["gateway.schema"] == "user_detail" and answered["gateway.attempts"] == 1
    assert isinstance(answered["gateway.prompt_tokens"], int) and answered["gateway.prompt_tokens"] > 0
    assert answered["gateway.model"] == "fake-model"
    assert failed["gateway.error_type"] == "upstream_error" and failed["gateway.upstream_status"] == 500
