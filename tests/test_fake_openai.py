"""Tests for tests/fake_openai.py, driven by the real ``openai.AsyncOpenAI`` client and ``instructor``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing
from typing import Any, Literal

import httpx2
import instructor
import openai
import pytest
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel, Field, ValidationError

from tests.fake_openai import FAULTS, FakeOpenAI, input_text, invalid_for, split_segments, value_for

JASON: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Jason is 25 years old"}]
MODEL = "gpt-4o-mini"


class UserDetail(BaseModel):
    name: str
    age: int


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(fake: FakeOpenAI) -> Iterator[None]:
    fake.reset()
    yield
    fake.reset()


@pytest.fixture
async def oai(fake: FakeOpenAI) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(base_url=fake.base_url, api_key="x", max_retries=0) as client:
        yield client


def _instructor(oai: AsyncOpenAI, mode: instructor.Mode = instructor.Mode.TOOLS) -> Any:
    return instructor.from_openai(oai, mode=mode)


async def _partials(client: Any, text: str, **kwargs: Any) -> list[Any]:
    messages = [{"role": "user", "content": text}]
    gen = client.create_partial(model=MODEL, response_model=UserDetail, messages=messages, strict=False, **kwargs)
    async with aclosing(gen) as stream:
        return [item async for item in stream]


# --------------------------------------------------------------------------- happy paths


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA])
async def test_extracts_from_request_text(fake: FakeOpenAI, oai: AsyncOpenAI, mode: instructor.Mode) -> None:
    user = await _instructor(oai, mode).create(model=MODEL, response_model=UserDetail, messages=JASON)
    assert (user.name, user.age) == ("Jason", 25)
    (call,) = fake.calls
    assert call["messages"][-1]["content"] == "Jason is 25 years old"
    if mode is instructor.Mode.TOOLS:
        assert call["tool_choice"] == {"type": "function", "function": {"name": "UserDetail"}}
    else:
        assert call["response_format"]["type"] == "json_schema"


@pytest.mark.parametrize("mode", [instructor.Mode.JSON, instructor.Mode.MD_JSON])
async def test_schema_embedded_in_system_prompt(oai: AsyncOpenAI, mode: instructor.Mode) -> None:
    messages = [{"role": "user", "content": "Sarah is 30 years old"}]
    user = await _instructor(oai, mode).create(model=MODEL, response_model=UserDetail, messages=messages)
    assert (user.name, user.age) == ("Sarah", 30)


async def test_answers_differ_per_request(oai: AsyncOpenAI) -> None:
    client = _instructor(oai)
    texts = ["Jason is 25 years old", "Dr. Sarah Connor, 41", "Mr. Bob Smith turned 7 today"]
    users = await asyncio.gather(
        *(
            client.create(model=MODEL, response_model=UserDetail, messages=[{"role": "user", "content": t}])
            for t in texts
        )
    )
    assert [(u.name, u.age) for u in users] == [("Jason", 25), ("Sarah Connor", 41), ("Bob Smith", 7)]


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA])
async def test_create_partial_streams_to_full_object(fake: FakeOpenAI, oai: AsyncOpenAI, mode: instructor.Mode) -> None:
    partials = await _partials(_instructor(oai, mode), "Jason is 25 years old")
    assert len(partials) > 2
    assert partials[0].age is None
    assert (partials[-1].name, partials[-1].age) == ("Jason", 25)
    assert fake.calls[0]["stream"] is True


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA])
async def test_create_iterable_yields_one_item_per_sentence(oai: AsyncOpenAI, mode: instructor.Mode) -> None:
    messages = [{"role": "user", "content": "Jason is 25 years old. Sarah is 30 years old."}]
    gen = _instructor(oai, mode).create_iterable(model=MODEL, response_model=UserDetail, messages=messages)
    async with aclosing(gen) as stream:
        users = [u async for u in stream]
    assert [(u.name, u.age) for u in users] == [("Jason", 25), ("Sarah", 30)]


async def test_raw_stream_chunks_and_usage(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.chunk_size = 5
    try:
        stream = await oai.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Jason is 25 years old"}],
            tools=[{"type": "function", "function": {"name": "U", "parameters": UserDetail.model_json_schema()}}],
            tool_choice={"type": "function", "function": {"name": "U"}},
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = [chunk async for chunk in stream]
    finally:
        fake.chunk_size = 8
    assert chunks[0].choices[0].delta.role == "assistant"
    first_call = chunks[1].choices[0].delta.tool_calls
    assert first_call is not None and first_call[0].id and first_call[0].function is not None
    assert first_call[0].function.name == "U"
    args = "".join(
        tc.function.arguments or ""
        for c in chunks
        if c.choices
        for tc in c.choices[0].delta.tool_calls or []
        if tc.function is not None
    )
    assert UserDetail.model_validate_json(args) == UserDetail(name="Jason", age=25)
    assert chunks[-2].choices[0].finish_reason == "tool_calls"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None


async def test_plain_request_echoes_and_models_listed(oai: AsyncOpenAI) -> None:
    completion = await oai.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hello there"}])
    assert completion.choices[0].message.content == "Echo: hello there"
    assert completion.usage is not None and completion.usage.total_tokens > 0
    models = [m.id async for m in oai.models.list()]
    assert MODEL in models


async def test_json_object_without_schema_answers_empty_object(oai: AsyncOpenAI) -> None:
    completion = await oai.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "anything"}], response_format={"type": "json_object"}
    )
    assert completion.choices[0].message.content == "{}"


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize(("fault", "status"), [("500", 500), ("503", 503)])
async def test_server_errors(fake: FakeOpenAI, oai: AsyncOpenAI, fault: str, status: int) -> None:
    fake.fail_next(fault)
    with pytest.raises(openai.InternalServerError) as info:
        await oai.chat.completions.create(model=MODEL, messages=JASON)
    assert info.value.status_code == status
    body = info.value.body  # openai unwraps {"error": {...}} into .body
    assert isinstance(body, dict) and body["type"] == "server_error" and body["message"]
    # instructor does not retry API errors: it wraps them (cause = the openai error) after one call
    fake.fail_next(fault)
    with pytest.raises(InstructorRetryException) as wrapped:
        await _instructor(oai).create(model=MODEL, response_model=UserDetail, messages=JASON)
    assert isinstance(wrapped.value.__cause__, openai.InternalServerError)
    assert len(fake.calls) == 2
    # the queue is consumed: the next call succeeds
    await _instructor(oai).create(model=MODEL, response_model=UserDetail, messages=JASON)


@pytest.mark.parametrize(("fault", "retry_after"), [("429", "7"), ("429-bare", None)])
async def test_rate_limit(fake: FakeOpenAI, oai: AsyncOpenAI, fault: str, retry_after: str | None) -> None:
    fake.fail_next(fault)
    with pytest.raises(openai.RateLimitError) as info:
        await oai.chat.completions.create(model=MODEL, messages=JASON)
    assert info.value.status_code == 429
    assert info.value.response.headers.get("retry-after") == retry_after


@pytest.mark.parametrize("fault", ["malformed", "invalid"])
async def test_bad_payload_makes_instructor_retry(fake: FakeOpenAI, oai: AsyncOpenAI, fault: str) -> None:
    fake.fail_always(fault)
    with pytest.raises(InstructorRetryException) as info:
        await _instructor(oai).create(model=MODEL, response_model=UserDetail, messages=JASON, max_retries=2)
    assert info.value.n_attempts == 3
    assert len(fake.calls) == 3
    assert isinstance(info.value.__cause__, ValidationError)
    # one bad answer, then a good one: the retry (with instructor's reask messages) succeeds
    fake.reset()
    fake.fail_next(fault)
    user = await _instructor(oai, instructor.Mode.JSON_SCHEMA).create(
        model=MODEL, response_model=UserDetail, messages=JASON, max_retries=2
    )
    assert (user.name, user.age) == ("Jason", 25)
    assert len(fake.calls) == 2
    assert fake.calls[1]["messages"][-1]["content"].startswith("Correct your JSON")


async def test_invalid_stream_raises_validation_error(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.fail_next("invalid")
    with pytest.raises(ValidationError):
        await _partials(_instructor(oai), "Jason is 25 years old")
    assert len(fake.calls) == 1  # streamed validation errors are not retried


@pytest.mark.parametrize("fault", ["drop", "reset"])
async def test_connection_faults(fake: FakeOpenAI, oai: AsyncOpenAI, fault: str) -> None:
    fake.fail_next(fault)
    with pytest.raises(openai.APIConnectionError):
        await oai.chat.completions.create(model=MODEL, messages=JASON)
    fake.fail_next(fault)
    with pytest.raises(InstructorRetryException) as info:
        await _instructor(oai).create(model=MODEL, response_model=UserDetail, messages=JASON)
    assert isinstance(info.value.__cause__, openai.APIConnectionError)
    assert len(fake.calls) == 2


async def test_drop_mid_stream_breaks_the_stream(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.fail_next("drop")
    seen: list[Any] = []
    gen = _instructor(oai).create_partial(model=MODEL, response_model=UserDetail, messages=JASON, strict=False)
    with pytest.raises(httpx2.RemoteProtocolError):
        async with aclosing(gen) as stream:
            async for item in stream:
                seen.append(item)
    assert seen and seen[-1].age is None  # some partials arrived before the connection died


async def test_reset_on_stream_is_connection_error(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.fail_next("reset")
    with pytest.raises(InstructorRetryException) as info:
        await _partials(_instructor(oai), "Jason is 25 years old")
    assert isinstance(info.value.__cause__, openai.APIConnectionError)


async def test_truncated(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.fail_next("truncated")
    with pytest.raises(IncompleteOutputException):
        await _instructor(oai).create(model=MODEL, response_model=UserDetail, messages=JASON, max_retries=2)
    assert len(fake.calls) == 1  # finish_reason=length is not retried
    # streaming: the body ends cleanly but without finish chunk / [DONE]; instructor just stops
    fake.fail_next("truncated")
    partials = await _partials(_instructor(oai), "Jason is 25 years old")
    assert partials and partials[-1].age is None
    fake.fail_next("truncated")
    stream = await oai.chat.completions.create(model=MODEL, messages=JASON, stream=True)
    chunks = [c async for c in stream]
    assert chunks and all(c.choices[0].finish_reason is None for c in chunks)


async def test_malformed_stream_ends_incomplete(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.fail_next("malformed")
    partials = await _partials(_instructor(oai), "Jason is 25 years old")
    assert partials[-1].age is None


async def test_hang_times_out_and_stop_is_prompt(fake: FakeOpenAI) -> None:
    fake.fail_next("hang")
    async with AsyncOpenAI(base_url=fake.base_url, api_key="x", max_retries=0, timeout=0.3) as client:
        with pytest.raises(openai.APITimeoutError):
            await client.chat.completions.create(model=MODEL, messages=JASON)

    other = FakeOpenAI(hang_seconds=30).start()
    other.fail_always("hang")
    async with AsyncOpenAI(base_url=other.base_url, api_key="x", max_retries=0) as client:
        pending = asyncio.ensure_future(client.chat.completions.create(model=MODEL, messages=JASON))
        for _ in range(500):  # wait until the request is in flight
            if other.calls:
                break
            await asyncio.sleep(0.01)
        started = time.monotonic()
        await asyncio.to_thread(other.stop)
        assert time.monotonic() - started < 2
        with pytest.raises(openai.APIConnectionError):
            await pending


async def test_short_hang_then_answers(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.hang_seconds = 0.2
    try:
        started = time.monotonic()
        user = await _instructor(oai).create(
            model=MODEL, response_model=UserDetail, messages=[{"role": "user", "content": "[[fault:hang]] Jason, 25"}]
        )
    finally:
        fake.hang_seconds = 30.0
    assert time.monotonic() - started >= 0.2
    assert (user.name, user.age) == ("Jason", 25)


async def test_fault_token_in_text_is_per_request(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    client = _instructor(oai)
    bad = client.create(
        model=MODEL, response_model=UserDetail, messages=[{"role": "user", "content": "Jason is 25 [[fault:500]]"}]
    )
    good = client.create(model=MODEL, response_model=UserDetail, messages=[{"role": "user", "content": "Sarah is 30"}])
    results = await asyncio.gather(bad, good, return_exceptions=True)
    assert isinstance(results[0], InstructorRetryException)
    assert isinstance(results[0].__cause__, openai.InternalServerError)
    assert isinstance(results[1], UserDetail) and results[1].name == "Sarah"
    # the token does not consume queued faults
    fake.fail_next("429")
    with pytest.raises(openai.InternalServerError):
        await oai.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "x [[fault:500]]"}])
    with pytest.raises(openai.RateLimitError):
        await oai.chat.completions.create(model=MODEL, messages=JASON)


async def test_fail_next_order_fail_always_and_reset(fake: FakeOpenAI, oai: AsyncOpenAI) -> None:
    fake.fail_next("500", "429")
    fake.fail_always("503")
    for expected in (500, 429, 503, 503):
        with pytest.raises(openai.APIStatusError) as info:
            await oai.chat.completions.create(model=MODEL, messages=JASON)
        assert info.value.status_code == expected
    assert len(fake.calls) == 4
    fake.reset()
    assert fake.calls == []
    await oai.chat.completions.create(model=MODEL, messages=JASON)
    with pytest.raises(ValueError, match="unknown fault"):
        fake.fail_next("nope")
    assert FAULTS >= {"500", "503", "429", "429-bare", "hang", "malformed", "invalid", "drop", "truncated", "reset"}


# --------------------------------------------------------------------------- value generation


def test_value_for_formats_and_constraints() -> None:
    class Contact(BaseModel):
        first_name: str
        email: str = Field(json_schema_extra={"format": "email"})
        born: str = Field(json_schema_extra={"format": "date"})
        homepage: str = Field(json_schema_extra={"format": "uri"})
        status: Literal["active", "banned"]
        code: str = Field(pattern=r"^[A-Z]{3}-\d+$", max_length=10)
        score: int = Field(ge=0, le=10)
        ratio: float = Field(gt=0)
        nickname: str | None = None
        tags: list[str] = Field(min_length=2, max_length=3)
        vip: bool

    text = "Contact Ms. Ada Lovelace <ada@example.org>, born 1815-12-10, BANNED, see https://ada.dev, id ABC-42, 99"
    value = value_for(Contact.model_json_schema(), text)
    assert value["first_name"] == "Ada"
    assert value["email"] == "ada@example.org"
    assert value["born"] == "1815-12-10"
    assert value["homepage"] == "https://ada.dev"
    assert value["status"] == "banned"
    assert value["code"] == "ABC-42"
    assert value["score"] == 10  # 1815 clamped to maximum
    assert value["ratio"] == 1815.0
    assert isinstance(value["nickname"], str)
    assert len(value["tags"]) == 2
    assert value["vip"] is False
    Contact.model_validate(value)


def test_value_for_refs_and_recursion() -> None:
    class Node(BaseModel):
        label: str
        children: list[Node] = []

    class Tree(BaseModel):
        root: Node
        size: int = Field(gt=0)

    value = value_for(Tree.model_json_schema(), "no digits here")
    Tree.model_validate(value)
    assert value["size"] == 1


def test_invalid_for_breaks_every_field() -> None:
    schema = UserDetail.model_json_schema()
    assert invalid_for(schema) == {"name": ["wrong"], "age": ["wrong"]}
    with pytest.raises(ValidationError):
        UserDetail.model_validate(invalid_for(schema))


def test_segments_and_input_text() -> None:
    assert split_segments("Jason is 25 and Sarah is 30; Dr. Who is 900\nhello") == [
        "Jason is 25",
        "Sarah is 30",
        "Dr. Who is 900",
    ]
    messages = [
        {"role": "user", "content": [{"type": "text", "text": "Jason"}, {"type": "text", "text": "is 25"}]},
        {"role": "assistant", "content": "{}"},
        {"role": "user", "content": "Correct your JSON ONLY RESPONSE, based on the following errors: ..."},
    ]
    assert input_text(messages) == "Jason is 25"
