"""The small profile's lists, read a chunk at a time (``profiles.small.lists``), against the fake upstream: which
calls are made, what comes back, and what a failure mid-list does. The real model runs in test_local_model.py."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from gateway.backends.openai_compatible import OpenAICompatible, create_openai_client
from gateway.backends.transport import AiohttpTransport
from gateway.errors import ExtractionFailed, UpstreamError
from gateway.extraction.engine import Extractor
from gateway.schemas.compiler import CompiledSchema, compile_schema
from tests.conftest import SHIPPED_SCHEMAS, gateway_settings
from tests.fake_openai import FakeOpenAI

TWO_SENTENCES = "Jason is 25 years old. Sarah is 30 years old."


@asynccontextmanager
async def small_extractor(upstream: FakeOpenAI, cache: Path, **settings: Any) -> AsyncIterator[Extractor]:
    """An extractor whose requests the small profile builds, whatever serves them (here the fake upstream)."""
    gateway = gateway_settings(upstream, cache, max_retries=0, model_profile="small", **settings)
    transport = AiohttpTransport()
    async with create_openai_client(gateway, transport=transport) as client:
        backend = OpenAICompatible(client, transport, provider="openai", model="fake-model", mode="tools")
        yield Extractor(backend, gateway)


@pytest.fixture
async def extractor(upstream: FakeOpenAI, codegen_cache: Path) -> AsyncIterator[Extractor]:
    async with small_extractor(upstream, codegen_cache) as made:
        yield made


@pytest.fixture
def user_detail(codegen_cache: Path) -> CompiledSchema:
    return compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", codegen_cache)


def asked(call: dict[str, Any]) -> tuple[str, Any]:
    """The text of one upstream call, and the names its grammar allowed (in the list's items or the object)."""
    parameters = call["tools"][0]["function"]["parameters"]
    person = parameters["$defs"]["UserDetail"] if "$defs" in parameters else parameters
    text = call["messages"][-1]["content"].split("\n\nNumbers in context:")[0]
    return text, person["properties"]["name"].get("enum")


async def test_each_sentence_is_one_call(
    extractor: Extractor, user_detail: CompiledSchema, upstream: FakeOpenAI
) -> None:
    items = await extractor.extract_list(user_detail, TWO_SENTENCES)
    assert [item.model_dump() for item in items] == [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]
    texts = [asked(call)[0] for call in upstream.calls]
    assert texts == ["Jason is 25 years old.", "Sarah is 30 years old."]


async def test_an_item_whose_stretch_offers_two_numbers_is_read_again(
    extractor: Extractor, user_detail: CompiledSchema, upstream: FakeOpenAI
) -> None:
    items = await extractor.extract_list(user_detail, "Nadia, 34, and Omar, 36, have 2 kids.")
    assert [item.model_dump() for item in items] == [{"name": "Nadia", "age": 34}, {"name": "Omar", "age": 36}]
    # Nadia's stretch ("Nadia, 34, and ") offers one number; Omar's (", and Omar, 36, have 2 kids.") two: he is
    # asked about again, as one object whose name the grammar fixes.
    assert [asked(call) for call in upstream.calls[1:]] == [(", and Omar, 36, have 2 kids.", ["Omar"])]


async def test_a_text_offering_no_whole_item_makes_no_call(
    extractor: Extractor, user_detail: CompiledSchema, upstream: FakeOpenAI
) -> None:
    assert await extractor.extract_list(user_detail, "Budget: 12,000 euros; seats 22A-22C.") == []
    assert upstream.calls == []


async def test_a_failure_mid_list_fails_the_list_and_ends_the_stream_with_it(
    extractor: Extractor, user_detail: CompiledSchema, upstream: FakeOpenAI
) -> None:
    text = "Jason is 25 years old. Sarah is 30 years old [[fault:500]]."  # the second call fails
    with pytest.raises(UpstreamError):
        await extractor.extract_list(user_detail, text)
    seen = []
    with pytest.raises(UpstreamError):
        async for item in extractor.stream_list(user_detail, text):
            seen.append(item.model_dump())
    assert seen == [{"name": "Jason", "age": 25}]  # the first sentence's item was sent before the failure
    assert len(upstream.calls) == 4


async def test_the_list_limit_counts_every_chunk(
    upstream: FakeOpenAI, codegen_cache: Path, user_detail: CompiledSchema
) -> None:
    async with small_extractor(upstream, codegen_cache, max_list_items=1) as extractor:
        with pytest.raises(ExtractionFailed, match="more than 1 objects"):
            await extractor.extract_list(user_detail, TWO_SENTENCES)
