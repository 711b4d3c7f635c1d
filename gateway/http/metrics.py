"""Prometheus metrics of a served gateway (``GET /metrics``, behind the admin key when one is set).

With several worker processes each one writes its samples to ``PROMETHEUS_MULTIPROC_DIR`` (``gateway serve`` sets
it) and ``/metrics`` reads every worker's; with one, the process's own registry is read.
"""

import os
import time

import prometheus_client
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess

from gateway.request_context import RequestRecord, schema_of_path

# The `_created` series double the output and say little here.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]

_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

REQUESTS = Counter("gateway_requests_total", "Requests answered.", ["schema", "route", "status"])
DURATION = Histogram(
    "gateway_request_seconds", "Time to answer a request (a stream: to its end).", ["schema", "route"], buckets=_SECONDS
)
UPSTREAM = Histogram(
    "gateway_upstream_seconds", "Time spent in upstream calls per request.", ["schema"], buckets=_SECONDS
)
ATTEMPTS = Counter("gateway_upstream_calls_total", "Upstream calls (first attempts and further ones).", ["schema"])
INVALID = Counter("gateway_extraction_failures_total", "Answers still invalid after the retry budget.", ["schema"])
TOKENS = Counter("gateway_tokens_total", "Tokens spent, as reported or estimated.", ["schema", "kind"])
REJECTED = Counter("gateway_limit_rejections_total", "Requests refused by a key's limit.", ["limit"])
IN_FLIGHT = Gauge("gateway_requests_in_flight", "Requests being answered.", multiprocess_mode="livesum")
STREAMS = Gauge("gateway_streams_open", "Streams being sent.", multiprocess_mode="livesum")
RELOADS = Counter("gateway_schema_changes_total", "Schema files taken in while serving, by outcome.", ["outcome"])

_ROUTES = {"": "object", "stream": "stream", "list": "list", "list/stream": "list_stream"}


def route_of(path: str) -> str:
    """The route kind of an extraction path (``/extract/<name>/list`` -> ``list``); other paths as they are."""
    parts = path.split("/", 3)
    if len(parts) > 2 and parts[1] == "extract":
        return _ROUTES.get(parts[3] if len(parts) > 3 else "", "other")
    return "other"


def observe(record: RequestRecord) -> None:
    """Count one finished request."""
    schema = record.schema or schema_of_path(record.path) or ""
    route = route_of(record.path)
    if route == "other":
        return  # only the extraction routes are measured
    REQUESTS.labels(schema, route, str(record.status)).inc()
    DURATION.labels(schema, route).observe(time.perf_counter() - record.started)
    if record.attempts:
        UPSTREAM.labels(schema).observe(record.upstream_seconds)
        ATTEMPTS.labels(schema).inc(record.attempts)
    if record.prompt_tokens or record.completion_tokens:
        TOKENS.labels(schema, "prompt").inc(record.prompt_tokens)
        TOKENS.labels(schema, "completion").inc(record.completion_tokens)
    if record.error_type == "extraction_failed":
        INVALID.labels(schema).inc()
    elif record.error_type == "rate_limited" and record.limit is not None:
        REJECTED.labels(record.limit).inc()


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type: every worker's when the process is one of several."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
