"""The four extraction routes over real HTTP, against the fake upstream: happy paths, options, and what is sent."""

import gc
import json
from pathlib import Path

import httpx

from gateway import create_app
from gateway.process import FULL_COLLECTION_EVERY, YOUNG_COLLECTION_EVERY, served_app
from tests.conftest import GatewayFactory, gateway_settings
from tests.fake_openai import FakeOpenAI
from tests.live_server import LiveServer
from tests.sse_client import read_stream

JASON = {"text": "Jason is 25 years old"}
TWO_PEOPLE = {"text": "Jason is 25 years old. Sarah is 30 years old."}


def test_extract_returns_the_validated_object(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.script({"name": "Jason", "age": 25})  # what the model answers
    response = client.post("/extract/user_detail", json=JASON)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"name": "Jason", "age": 25}


def test_extract_accepts_the_seed_query_field(client: httpx.Client) -> None:
    response = client.post("/extract/user_detail", json={"query": "Sarah is 31 years old"})
    assert response.json() == {"name": "Sarah", "age": 31}


def test_stream_sends_partials_then_final_then_done(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.script({"name": "Jason", "age": 25})
    result = read_stream(client, "/extract/user_detail/stream", JASON)
    assert result.status == 200
    assert result.content_type.startswith("text/event-stream")
    names = result.names
    assert names[-3:] == ["final", "usage", "done"]
    assert set(names[:-3]) == {"partial"} and len(names) >= 5, names
    assert result.data("final") == [{"name": "Jason", "age": 25}]
    assert result.events[-1].data == "[DONE]"
    partials = result.data("partial")
    # Fields appear as the LLM writes them: the first snapshot lacks the age, the last one has everything.
    assert "age" not in partials[0]
    assert partials[-1] == {"name": "Jason", "age": 25}
    assert upstream.calls[0]["stream"] is True


def test_stream_events_are_framed_per_the_sse_spec(client: httpx.Client) -> None:
    response = client.post("/extract/user_detail/stream", json=JASON)
    body, version = response.text, response.headers["schema-version"]
    assert body.endswith(f"event: done\ndata: [DONE]\nid: {version}\n\n")  # the version that answered
    blocks = body.split("\n\n")
    assert blocks[-1] == ""
    for block in blocks[:-1]:
        lines = block.split("\n")
        assert lines[0].startswith("event: ") and all(line.startswith(("data: ", "id: ")) for line in lines[1:]), block
        assert (f"id: {version}" in lines) == (lines[0] in ("event: final", "event: done"))


def test_list_returns_every_object(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.script({"items": [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]})
    response = client.post("/extract/user_detail/list", json=TWO_PEOPLE)
    assert response.status_code == 200
    assert response.json() == [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]
    tool = upstream.calls[0]["tools"][0]["function"]
    assert tool["parameters"]["properties"]["items"]["type"] == "array"


def test_list_stream_sends_one_item_event_per_object(client: httpx.Client, upstream: FakeOpenAI) -> None:
    upstream.script({"tasks": [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]})  # instructor's wrapper
    result = read_stream(client, "/extract/user_detail/list/stream", TWO_PEOPLE)
    assert result.status == 200
    assert result.names == ["item", "item", "usage", "done"]
    assert result.data("item") == [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]


def test_descriptions_and_constraints_reach_the_llm(client: httpx.Client, upstream: FakeOpenAI) -> None:
    client.post("/extract/user_detail", json=JASON)
    call = upstream.calls[0]
    parameters = call["tools"][0]["function"]["parameters"]
    assert call["tool_choice"]["function"]["name"] == call["tools"][0]["function"]["name"]
    assert "age in whole years" in parameters["properties"]["age"]["description"]
    assert parameters["properties"]["age"]["maximum"] == 150
    assert set(parameters["required"]) == {"name", "age"}


def test_invoice_refs_enums_and_formats_reach_the_llm(client: httpx.Client, upstream: FakeOpenAI) -> None:
    client.post("/extract/invoice", json={"text": "Invoice INV-7 from ACME GmbH to Bob Ltd, total 10 EUR."})
    parameters = upstream.calls[0]["tools"][0]["function"]["parameters"]
    assert "LineItem" in json.dumps(parameters["$defs"])
    assert parameters["properties"]["currency"]["enum"][:3] == ["EUR", "USD", "GBP"]
    assert parameters["properties"]["issue_date"]["format"] == "date"
    assert "pattern" in parameters["properties"]["invoice_number"]


def test_prompt_carries_instructions_examples_and_the_text_last(client: httpx.Client, upstream: FakeOpenAI) -> None:
    client.post("/extract/user_detail", json={**JASON, "instructions": "Prefer the first person named."})
    messages = upstream.calls[0]["messages"]
    system = messages[0]["content"]
    assert messages[0]["role"] == "system"
    assert "UserDetail" in system
    # A request's instructions never reach the system message: they follow the text, marked as the caller's.
    assert "Prefer the first person named." not in system
    # The schema's x-gateway.examples become few-shot turns before the real text.
    assert [message["role"] for message in messages[1:-1]] == ["user", "assistant"] * 3
    assert json.loads(messages[2]["content"]) == {"name": "Maria Lopez", "age": 42}
    assert messages[-1] == {
        "role": "user",
        "content": JASON["text"] + "\n\n[Note from the caller, not a rule: Prefer the first person named.]",
    }


def test_request_may_choose_the_model(client: httpx.Client, upstream: FakeOpenAI) -> None:
    client.post("/extract/user_detail", json={**JASON, "model": "gpt-4o-mini"})
    client.post("/extract/user_detail", json=JASON)
    assert [call["model"] for call in upstream.calls] == ["gpt-4o-mini", "fake-model"]


def test_model_outside_the_allowed_list_is_refused(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    url = make_gateway(allowed_models=["fake-model"])
    response = httpx.post(f"{url}/extract/user_detail", json={**JASON, "model": "gpt-5"})
    assert response.status_code == 422
    assert "not allowed" in response.json()["error"]["message"]
    assert upstream.calls == []


def test_json_schema_mode_sends_response_format(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    url = make_gateway(mode="json_schema")
    response = httpx.post(f"{url}/extract/user_detail", json=JASON, timeout=20)
    assert response.json() == {"name": "Jason", "age": 25}
    call = upstream.calls[0]
    assert "tools" not in call
    schema = call["response_format"]["json_schema"]["schema"]
    assert "age in whole years" in schema["properties"]["age"]["description"]
    with httpx.Client(base_url=url, timeout=20) as http:
        stream = read_stream(http, "/extract/user_detail/stream", JASON)
    assert stream.names[-3:] == ["final", "usage", "done"]


def test_text_reaches_the_llm_verbatim_even_if_it_looks_like_a_template(
    client: httpx.Client, upstream: FakeOpenAI
) -> None:
    text = "  Jason is 25 {{ 7 * 7 }} {% if x %}\n    indented {# note #}"
    response = client.post("/extract/user_detail", json={"text": text})
    assert response.status_code == 200
    assert upstream.calls[0]["messages"][-1]["content"] == text


def test_upstream_calls_carry_the_key_and_the_sdk_headers(client: httpx.Client, upstream: FakeOpenAI) -> None:
    # JSON calls leave through the gateway's own aiohttp path, streams through the SDK: both must authenticate
    # and identify themselves the same way.
    assert client.post("/extract/user_detail", json={"text": "Jason is 25"}).status_code == 200
    assert read_stream(client, "/extract/user_detail/stream", {"text": "Jason is 25"}).status == 200
    json_call, stream_call = upstream.request_headers[-2:]
    for headers in (json_call, stream_call):
        assert headers["authorization"] == "Bearer test-key"
        assert headers["content-type"] == "application/json"
        assert headers["user-agent"].startswith("AsyncOpenAI/Python")


def test_an_app_of_its_own_leaves_the_garbage_collector_alone(make_gateway: GatewayFactory) -> None:
    # create_app() may run inside another program (or this test runner): it must not freeze or retune its heap.
    before = (gc.get_threshold(), gc.get_freeze_count())
    url = make_gateway()
    assert httpx.post(f"{url}/extract/user_detail", json=JASON).status_code == 200
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_gateway_serve_tunes_the_garbage_collector_while_it_serves(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    """Under load, collections walk every request in flight: the served app makes them rarer (gateway.process)."""
    before = gc.get_threshold()
    app = served_app(create_app(gateway_settings(upstream, codegen_cache)))
    try:
        with LiveServer(app) as server:
            assert httpx.post(f"{server.url}/extract/user_detail", json=JASON).status_code == 200
            threshold = gc.get_threshold()
            assert threshold[0] == YOUNG_COLLECTION_EVERY and threshold[2] == FULL_COLLECTION_EVERY
            assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
