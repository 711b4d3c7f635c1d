"""The upstream fault matrix x every route: a typed status or an in-band error every time, the retry budget held,
no task or connection left behind, and a client hang-up closing the upstream call at once."""

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway import create_app
from tests.conftest import gateway_settings
from tests.fake_openai import FakeOpenAI
from tests.live_server import LiveServer
from tests.sse_client import read_stream

TEXT = {"text": "Jason is 25 years old. Sarah is 30 years old."}
MAX_RETRIES = 1
JSON_ROUTES = ["/extract/user_detail", "/extract/user_detail/list"]
STREAM_ROUTES = ["/extract/user_detail/stream", "/extract/user_detail/list/stream"]

# fault -> (status of a JSON route, error type); streams give the same status when the fault hits before any
# output, or a 200 whose last events are `error` then `done`.
EXPECTED = {
    "500": (502, "upstream_error"),
    "429": (429, "upstream_rate_limited"),
    "hang": (504, "upstream_timeout"),
    "malformed": (422, "extraction_failed"),
    "truncated": (422, "extraction_failed"),
    "drop": (502, "upstream_error"),
    "reset": (502, "upstream_error"),
}
# A truncated stream ends with no finish reason at all (a JSON answer says "length"): an upstream fault.
STREAM_STATUS = {**EXPECTED, "truncated": (502, "upstream_error")}
STREAM_ERROR_TYPES = {
    "malformed": {"extraction_failed"},
    "truncated": {"upstream_error", "extraction_failed"},
    "drop": {"upstream_error"},
}


@pytest.fixture(scope="module")
def server(upstream_server: FakeOpenAI, codegen_cache: Path) -> Iterator[LiveServer]:
    settings = gateway_settings(
        upstream_server, codegen_cache, upstream_timeout=0.5, request_timeout=5, max_retries=MAX_RETRIES
    )
    with LiveServer(create_app(settings)) as live:
        yield live


def connections_to(port: int) -> Counter[str]:
    """TCP states of this process's connections whose remote end is ``port`` (the gateway's upstream sockets)."""
    names = {"01": "ESTABLISHED", "06": "TIME_WAIT", "08": "CLOSE_WAIT", "07": "CLOSE", "04": "FIN_WAIT1"}
    states: Counter[str] = Counter()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port:
            states[names.get(fields[3], fields[3])] += 1
    return states


@pytest.mark.parametrize("fault", sorted(EXPECTED))
@pytest.mark.parametrize("route", JSON_ROUTES)
def test_json_routes_under_every_fault(server: LiveServer, upstream: FakeOpenAI, route: str, fault: str) -> None:
    upstream.fail_always(fault)
    response = httpx.post(f"{server.url}{route}", json=TEXT, timeout=20)
    status, error_type = EXPECTED[fault]
    assert (response.status_code, response.json()["error"]["type"]) == (status, error_type)
    if fault == "429":
        assert response.headers["retry-after"] == "7"
    assert 1 <= len(upstream.calls) <= 1 + MAX_RETRIES


@pytest.mark.parametrize("fault", sorted(EXPECTED))
@pytest.mark.parametrize("route", STREAM_ROUTES)
def test_stream_routes_under_every_fault(server: LiveServer, upstream: FakeOpenAI, route: str, fault: str) -> None:
    upstream.fail_always(fault)
    with httpx.Client(base_url=server.url, timeout=20) as client:
        result = read_stream(client, route, TEXT)
    if result.status == 200:
        assert result.names[-3:] == ["error", "usage", "done"], result.names
        assert result.data("error")[0]["type"] in STREAM_ERROR_TYPES.get(fault, set()), result.data("error")
    else:
        status, error_type = STREAM_STATUS[fault]
        assert result.status == status and f'"{error_type}"' in result.error_body
    assert len(upstream.calls) == 1  # a stream makes one upstream call


def test_no_task_or_connection_is_left_behind(server: LiveServer, upstream: FakeOpenAI) -> None:
    baseline = server.task_count()
    before = connections_to(upstream.port)
    with httpx.Client(base_url=server.url, timeout=20) as client:
        for fault in sorted(EXPECTED):
            upstream.fail_always(fault)
            for route in JSON_ROUTES:
                client.post(route, json=TEXT)
            for route in STREAM_ROUTES:
                read_stream(client, route, TEXT)
        upstream.fail_always(None)
        assert client.post("/extract/user_detail", json=TEXT).status_code == 200
    deadline = time.monotonic() + 5
    while server.task_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.task_count() <= baseline
    after = connections_to(upstream.port)
    # The fake closed and the gateway never did: a leaked socket. (The fake keeps idle connections open.)
    assert after["CLOSE_WAIT"] <= before["CLOSE_WAIT"], (before, after)
    # Idle keep-alive connections of the upstream pool are fine; one per failed call is not.
    assert after["ESTABLISHED"] - before["ESTABLISHED"] <= 4, (before, after)


def assert_upstream_abandoned_soon_after(upstream: FakeOpenAI, hung_up: float) -> None:
    """The fake saw the gateway leave its call within 0.5 s of the client hanging up on the gateway."""
    deadline = hung_up + 0.5
    while not upstream.abandoned_at and time.monotonic() < deadline:
        time.sleep(0.01)
    assert upstream.abandoned_at, "the upstream call was still open half a second after the client left"
    assert upstream.abandoned_at[0] - hung_up <= 0.5


@pytest.fixture(scope="module")
def patient_server(upstream_server: FakeOpenAI, codegen_cache: Path) -> Iterator[LiveServer]:
    """A gateway that would wait 5 s for its upstream."""
    settings = gateway_settings(upstream_server, codegen_cache, upstream_timeout=5, request_timeout=5)
    with LiveServer(create_app(settings)) as live:
        yield live


@pytest.mark.parametrize("route", JSON_ROUTES + STREAM_ROUTES)
def test_client_hang_up_before_any_answer_closes_the_upstream_call_within_half_a_second(
    patient_server: LiveServer, upstream: FakeOpenAI, route: str
) -> None:
    # The upstream hangs; the client gives up after 0.3 s, before any answer (a stream's first event included).
    # The gateway must not keep waiting (5 s here) for an answer no one will read: a hosted model would keep
    # generating, and billing, until it finished.
    body = {"text": "Jason is 25 [[fault:hang]]"}
    with httpx.Client(base_url=patient_server.url) as client, pytest.raises(httpx.ReadTimeout):
        client.post(route, json=body, timeout=httpx.Timeout(5, read=0.3))
    assert_upstream_abandoned_soon_after(upstream, time.monotonic())


@pytest.mark.parametrize("route", STREAM_ROUTES)
def test_client_hang_up_closes_the_upstream_call_within_half_a_second(
    server: LiveServer, upstream: FakeOpenAI, route: str
) -> None:
    upstream.chunk_size, upstream.chunk_delay = 2, 0.1  # an answer of ~50 chunks: ~5 s to finish
    try:
        with httpx.Client(base_url=server.url, timeout=20) as client, client.stream("POST", route, json=TEXT) as reply:
            for line in reply.iter_lines():
                if line.startswith("event: "):
                    break
            hung_up = time.monotonic()
        assert_upstream_abandoned_soon_after(upstream, hung_up)
    finally:
        upstream.chunk_size, upstream.chunk_delay = 8, 0.0
