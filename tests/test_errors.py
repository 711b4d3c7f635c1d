"""Every failure gets a typed status (or an in-band ``error`` event), and the retry budget holds."""

import socket
import time

import httpx
import openai
import pytest

from gateway.backends.openai_compatible import read_chat_completion, translate_error
from gateway.errors import UpstreamError
from tests.conftest import GatewayFactory
from tests.fake_openai import FakeOpenAI
from tests.sse_client import read_stream

JASON = {"text": "Jason is 25 years old"}
TWO_PEOPLE = {"text": "Jason is 25 years old. Sarah is 30 years old."}


def error_of(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, object] = body["error"]
    assert isinstance(error["type"], str) and isinstance(error["message"], str) and error["message"]
    return error


def test_unknown_schema_is_404_listing_the_known_names(client: httpx.Client) -> None:
    response = client.post("/extract/no_such_thing", json=JASON)
    assert response.status_code == 404
    error = error_of(response)
    assert error["type"] == "unknown_schema"
    assert error["schema"] == "no_such_thing"
    assert error["known"] == ["calendar_event", "contact_card", "invoice", "user_detail"]
    for suffix in ("/stream", "/list", "/list/stream"):
        assert client.post(f"/extract/no_such_thing{suffix}", json=JASON).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "a", "query": "b"}, {"text": 5}, {"text": "a", "unknown": 1}],
    ids=["missing", "empty", "both", "wrong-type", "extra-field"],
)
def test_bad_body_is_422_and_never_reaches_the_llm(client: httpx.Client, upstream: FakeOpenAI, body: object) -> None:
    response = client.post("/extract/user_detail", json=body)
    assert response.status_code == 422
    error = error_of(response)
    assert error["type"] == "invalid_request"
    assert error["schema"] == "user_detail"
    assert upstream.calls == []


def test_non_json_body_is_422(client: httpx.Client) -> None:
    response = client.post("/extract/user_detail", content=b"not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert error_of(response)["type"] == "invalid_request"


def test_curl_default_content_type_is_read_as_json(client: httpx.Client) -> None:
    # `curl -d '{...}'` sends application/x-www-form-urlencoded; the README's first example relies on this.
    headers = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/extract/user_detail", content=b'{"text": "Jason is 25 years old"}', headers=headers)
    assert response.json() == {"name": "Jason", "age": 25}


def test_a_body_that_is_not_json_is_415(client: httpx.Client, upstream: FakeOpenAI) -> None:
    response = client.post("/extract/user_detail", files={"text": ("a.txt", b"Jason is 25")})
    assert response.status_code == 415
    assert error_of(response)["type"] == "unsupported_media_type"
    assert upstream.calls == []


def test_invalid_answer_after_every_reask_is_422_with_errors_and_raw_answer(
    client: httpx.Client, upstream: FakeOpenAI
) -> None:
    upstream.fail_always("invalid")
    response = client.post("/extract/user_detail", json=JASON)
    assert response.status_code == 422
    error = error_of(response)
    assert error["type"] == "extraction_failed"
    assert error["attempts"] == 2  # GATEWAY_MAX_RETRIES defaults to 1 re-ask
    assert isinstance(error["errors"], list) and error["errors"]
    assert isinstance(error["raw_answer"], str) and "wrong" in error["raw_answer"]
    assert len(upstream.calls) == 2
    # The re-ask tells the model what was wrong.
    assert "Validation Error" in str(upstream.calls[1]["messages"][-1]["content"])


def test_schema_retry_budget_is_honoured(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.fail_always("malformed")
    response = client.post("/extract/invoice", json={"text": "Invoice INV-1"})
    assert response.status_code == 422
    assert len(upstream.calls) == 3  # invoice.yaml sets x-gateway.max_retries: 2


def test_raw_control_characters_in_an_answer_are_repaired_not_reasked(
    client: httpx.Client, upstream: FakeOpenAI
) -> None:
    upstream.fail_always("control")
    response = client.post("/extract/user_detail", json=JASON)
    assert response.status_code == 200, response.text
    assert response.json() == {"name": "Jason", "age": 25}  # user_detail.yaml's `remove` also trims it
    assert len(upstream.calls) == 1


@pytest.mark.parametrize("route", ["/extract/user_detail/stream", "/extract/user_detail/list/stream"])
def test_raw_control_characters_in_a_streamed_answer_are_repaired(
    client: httpx.Client, upstream: FakeOpenAI, route: str
) -> None:
    upstream.fail_always("control")
    result = read_stream(client, route, JASON)
    assert result.status == 200
    assert "error" not in result.names, result.data("error")
    assert result.names[-1] == "done"


def test_a_reask_that_succeeds_is_a_200(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.fail_next("invalid")
    response = client.post("/extract/user_detail", json=JASON)
    assert response.status_code == 200
    assert response.json() == {"name": "Jason", "age": 25}
    assert len(upstream.calls) == 2


@pytest.mark.parametrize(
    ("fault", "status", "error_type"),
    [
        ("500", 502, "upstream_error"),
        ("503", 502, "upstream_error"),
        ("reset", 502, "upstream_error"),
        ("drop", 502, "upstream_error"),
        ("429-bare", 429, "upstream_rate_limited"),
    ],
)
@pytest.mark.parametrize("route", ["/extract/user_detail", "/extract/user_detail/list"])
def test_upstream_faults_map_to_typed_statuses_with_one_call(
    client: httpx.Client, upstream: FakeOpenAI, route: str, fault: str, status: int, error_type: str
) -> None:
    upstream.fail_always(fault)
    response = client.post(route, json=JASON)
    assert response.status_code == status
    assert error_of(response)["type"] == error_type
    assert len(upstream.calls) == 1  # upstream faults are not retried: the budget is for re-asks


def test_upstream_429_passes_retry_after_on(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.fail_always("429")
    response = client.post("/extract/user_detail", json=JASON)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert error_of(response)["retry_after"] == "7"


def test_truncated_answer_is_422_not_a_crash(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.fail_always("truncated")
    response = client.post("/extract/user_detail", json=JASON)
    assert response.status_code == 422
    assert "cut off" in str(error_of(response)["message"])


def test_upstream_hang_is_504(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    url = make_gateway(upstream_timeout=0.5, request_timeout=5)
    upstream.fail_always("hang")
    response = httpx.post(f"{url}/extract/user_detail", json=JASON, timeout=20)
    assert response.status_code == 504
    assert error_of(response)["type"] == "upstream_timeout"


@pytest.mark.parametrize("route", ["/extract/user_detail/stream", "/extract/user_detail/list/stream"])
def test_stream_that_fails_before_any_output_gets_a_real_status(
    client: httpx.Client, upstream: FakeOpenAI, route: str
) -> None:
    upstream.fail_always("500")
    result = read_stream(client, route, JASON)
    assert result.status == 502
    assert '"upstream_error"' in result.error_body


# The fake drops the connection after two chunks of the answer: sized so that the client already has events.
@pytest.mark.parametrize(
    ("route", "chunk_size"), [("/extract/user_detail/stream", 4), ("/extract/user_detail/list/stream", 30)]
)
def test_stream_dropped_midway_ends_with_error_then_done(
    make_gateway: GatewayFactory, upstream: FakeOpenAI, route: str, chunk_size: int
) -> None:
    url = make_gateway()
    upstream.chunk_size = chunk_size
    try:
        upstream.fail_always("drop")
        with httpx.Client(base_url=url, timeout=20) as http:
            result = read_stream(http, route, {"text": "Jason is 25 years old. Sarah is 30 years old."})
    finally:
        upstream.chunk_size = 8
    assert result.status == 200
    assert result.names[0] in {"partial", "item"}
    assert result.names[-3:] == ["error", "usage", "done"], result.names
    assert result.events[-1].data == "[DONE]"
    error = result.data("error")[0]
    assert error["type"] in {"upstream_error", "extraction_failed"}
    assert error["schema"] == "user_detail"


def test_stream_with_invalid_final_object_ends_with_error_then_done(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.fail_always("invalid")
    result = read_stream(client, "/extract/user_detail/stream", JASON)
    assert result.status == 200
    assert result.names[-3:] == ["error", "usage", "done"]
    assert "final" not in result.names
    error = result.data("error")[0]
    assert error["type"] == "extraction_failed"
    assert error["errors"]


def test_stream_hang_after_start_ends_with_timeout_error(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    url = make_gateway(upstream_timeout=0.5, request_timeout=5)
    upstream.fail_always("hang")
    with httpx.Client(base_url=url, timeout=20) as http:
        result = read_stream(http, "/extract/user_detail/stream", JASON)
    assert result.status == 504
    assert '"upstream_timeout"' in result.error_body


def test_unknown_path_and_method_use_the_envelope(client: httpx.Client) -> None:
    assert error_of(client.get("/nope"))["type"] == "not_found"
    response = client.get("/extract/user_detail")
    assert response.status_code == 405
    assert error_of(response)["type"] == "method_not_allowed"


@pytest.mark.parametrize("route", ["/extract/user_detail/stream", "/extract/user_detail/list/stream"])
def test_client_disconnect_cancels_the_upstream_call(
    make_gateway: GatewayFactory, upstream: FakeOpenAI, route: str
) -> None:
    url = make_gateway()
    upstream.chunk_size, upstream.chunk_delay = 2, 0.2  # an answer of ~40 chunks: seconds to finish
    try:
        with httpx.Client(base_url=url, timeout=20) as http, http.stream("POST", route, json=TWO_PEOPLE) as response:
            for line in response.iter_lines():
                if line.startswith("event: "):
                    break  # hang up after the first event
        # The fake counts a stream as abandoned only if its client (the gateway) hung up before the end.
        deadline = time.monotonic() + 10
        while upstream.abandoned_streams == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert upstream.abandoned_streams == 1
    finally:
        upstream.chunk_size, upstream.chunk_delay = 8, 0.0


def test_an_answer_that_is_not_a_chat_completion_is_an_upstream_error() -> None:
    odd_bodies = [
        b"<html>gateway timeout</html>",
        b'{"object": "list"}',
        b"[]",
        b'{"choices": []}',
        b'{"choices": [{"index": 0}]}',
        b'{"choices": [{"message": {"tool_calls": [{"id": "x"}]}}]}',
        b'{"choices": [{"message": {"tool_calls": [{"function": {"arguments": {"a": 1}}}]}}]}',
    ]
    for body in odd_bodies:
        with pytest.raises(openai.APIError) as caught:
            read_chat_completion("http://127.0.0.1:9/v1/chat/completions", body)
        error = translate_error(caught.value)
        assert isinstance(error, UpstreamError) and error.status_code == 502
        assert "not a chat completion" in error.message


def test_a_wrong_api_key_is_a_clear_upstream_error(make_gateway: GatewayFactory) -> None:
    url = make_gateway(openai_api_key="wrong-key")
    with httpx.Client(base_url=url, timeout=20) as http:
        for route in ("/extract/user_detail", "/extract/user_detail/stream"):
            response = http.post(route, json={"text": "Jason is 25"})
            assert response.status_code == 502, response.text
            error = response.json()["error"]
            assert error["type"] == "upstream_error" and error["upstream_status"] == 401
            # The client reads what failed; the upstream's words (which quote the key) go to the log only.
            assert "answered 401: it refused the gateway's credentials" in error["message"]
            assert "Incorrect API key" not in response.text and "wrong-key" not in response.text


def test_an_unreachable_upstream_names_no_address_to_clients(
    make_gateway: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]  # nothing listens here once the socket is closed
    url = make_gateway(openai_base_url=f"http://127.0.0.1:{closed}/v1")
    with httpx.Client(base_url=url, timeout=20) as http:
        for route in ("/extract/user_detail", "/extract/user_detail/stream"):
            response = http.post(route, json={"text": "Jason is 25"})
            assert response.status_code == 502 and response.json()["error"]["type"] == "upstream_error"
            assert "unreachable" in response.text and str(closed) not in response.text
    # The operator's log has the detail.
    assert any(str(closed) in record.getMessage() for record in caplog.records if record.name == "gateway.requests")
