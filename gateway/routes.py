"""The extraction routes (object, object stream, list, list stream) for every schema, and each schema's routes as
its docs show them."""

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, Literal, TypeVar

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import to_json
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.compiler import CompiledSchema
from gateway.errors import (
    GatewayError,
    InvalidRequest,
    SchemaNotFound,
    SchemaUnavailable,
    UnsupportedMediaType,
)
from gateway.llm import Extractor, Final
from gateway.registry import SchemaRegistry
from gateway.request_log import note_error
from gateway.sse import Event, EventStreamResponse, encode_events

T = TypeVar("T")

# Python's isspace() also counts these as spaces; JSON Schema's `\S` (the documented pattern) does not.
_NOT_BLANK = frozenset("\x1c\x1d\x1e\x1f\x85")


class ExtractionRequest(BaseModel):
    """The body of every extraction route."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="The text to extract from.")
    query: str | None = Field(
        default=None, description="Deprecated: the seed's name for `text`, accepted in its place (never both)."
    )
    model: str | None = Field(default=None, max_length=200, description="Upstream model for this request only.")
    instructions: str | None = Field(
        default=None, max_length=4000, description="Extra instructions appended to the system prompt."
    )

    @model_validator(mode="after")
    def _one_text(self) -> "ExtractionRequest":
        if (self.text is None) == (self.query is None):
            raise ValueError("give the input as exactly one of 'text' or 'query'")
        if all(character.isspace() and character not in _NOT_BLANK for character in self.input_text):
            raise ValueError("the input text is empty")
        return self

    @property
    def input_text(self) -> str:
        return self.text if self.text is not None else (self.query or "")


ROUTE_SUFFIXES = ("", "/stream", "/list", "/list/stream")


def add_extraction_routes(app: FastAPI, registry: SchemaRegistry, *, max_text_chars: int) -> None:
    """The four extraction routes, each one route for every schema: ``/extract/{name}[/stream|/list|/list/stream]``.

    One parameterised route per kind, not one per schema: start-up builds no route objects per schema, and a
    request finds its route in four patterns whatever the number of schemas. OpenAPI still shows every schema's
    own paths and models (``schema_doc_routes``).
    """

    async def read(name: str, request: Request) -> tuple[CompiledSchema, ExtractionRequest, Extractor]:
        """The schema, the parsed body, and the app's extractor (read here, not through a FastAPI dependency:
        dependency solving was a measurable share of a request's CPU)."""
        schema = registry.ready(name)
        if schema is None:
            raise unknown_schema(registry, name)
        body = parse_extraction_request(
            request.headers.get("content-type", ""), await request.body(), schema=name, max_text_chars=max_text_chars
        )
        extractor: Extractor = request.app.state.extractor
        return schema, body, extractor

    def json_endpoint(shape: Literal["one", "list"]) -> Callable[[str, Request], Awaitable[Response]]:
        # POST requests to these routes are answered by JsonExtractionFastPath before they reach FastAPI, unless the
        # app is served under a root path; FastAPI's routes keep the rest (other methods: 405, trailing slash:
        # redirect).
        async def extract(name: str, request: Request) -> Response:
            answer = await json_extraction(
                request.app.state.extractor, registry, name, shape, request.headers.get("content-type", ""),
                await request.body(), request.receive, max_text_chars=max_text_chars,
            )  # fmt: skip
            return Response(answer, media_type="application/json")

        return extract

    extract_one, extract_list = json_endpoint("one"), json_endpoint("list")

    async def stream_one(name: str, request: Request) -> EventStreamResponse:
        schema, body, extractor = await read(name, request)
        updates = extractor.stream(schema, body.input_text, model=body.model, instructions=body.instructions)

        async def events() -> AsyncGenerator[Event, None]:
            async for update in updates:
                if isinstance(update, Final):
                    yield "final", update.value.model_dump_json()
                else:
                    yield "partial", json.dumps(update.data, default=str)

        return await open_stream(events(), name, request.receive)

    async def stream_list(name: str, request: Request) -> EventStreamResponse:
        schema, body, extractor = await read(name, request)
        items = extractor.stream_list(schema, body.input_text, model=body.model, instructions=body.instructions)

        async def events() -> AsyncGenerator[Event, None]:
            async for item in items:
                yield "item", item.model_dump_json()

        return await open_stream(events(), name, request.receive)

    for suffix, endpoint in zip(ROUTE_SUFFIXES, (extract_one, stream_one, extract_list, stream_list), strict=True):
        app.add_api_route(f"/extract/{{name}}{suffix}", endpoint, methods=["POST"], include_in_schema=False)


async def json_extraction(
    extractor: Extractor,
    registry: SchemaRegistry,
    name: str,
    shape: Literal["one", "list"],
    content_type: str,
    body: bytes,
    receive: Receive,
    *,
    max_text_chars: int,
) -> bytes:
    """The JSON answer of ``POST /extract/{name}`` (``one``) or ``/extract/{name}/list``; every problem is a
    ``GatewayError``. ``receive`` is the request's, after its body: a hang-up cancels the extraction."""
    schema = registry.ready(name)
    if schema is None:
        raise unknown_schema(registry, name)
    request = parse_extraction_request(content_type, body, schema=name, max_text_chars=max_text_chars)
    text, model, instructions = request.input_text, request.model, request.instructions
    if shape == "one":
        result = await unless_client_leaves(
            receive, extractor.extract(schema, text, model=model, instructions=instructions)
        )
        return result.model_dump_json().encode()
    work = extractor.extract_list(schema, text, model=model, instructions=instructions)
    items = await unless_client_leaves(receive, work)
    return to_json([item.model_dump(mode="json") for item in items])


class JsonExtractionFastPath:
    """``POST /extract/{name}`` and ``/extract/{name}/list``, answered in plain ASGI in front of FastAPI's router:
    routing, the request/response wrappers and exception middleware cost about a tenth of a request's CPU. The
    answer and every error are those of FastAPI's routes (the same ``json_extraction``; errors in the same
    envelope, logged the same way). Any other request, method or path goes on to FastAPI."""

    def __init__(self, app: ASGIApp, registry: SchemaRegistry, max_text_chars: int) -> None:
        self.app = app
        self.registry = registry
        self.max_text_chars = max_text_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _JSON_ROUTE.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if match is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        name = match["name"]
        shape: Literal["one", "list"] = "list" if match["list"] else "one"
        content_type = ""
        for key, value in scope["headers"]:
            if key == b"content-type":
                content_type = value.decode("latin-1")
        try:
            body = await _read_body(receive)
            extractor: Extractor = scope["app"].state.extractor
            answer = await json_extraction(
                extractor, self.registry, name, shape, content_type, body, receive, max_text_chars=self.max_text_chars
            )
            status, headers = 200, {}
        except GatewayError as exc:
            note_error(exc)
            status, headers = exc.status_code, exc.headers()
            # As Starlette's JSONResponse writes the envelope on FastAPI's routes.
            answer = json.dumps(
                {"error": exc.to_dict()}, ensure_ascii=False, allow_nan=False, separators=(",", ":")
            ).encode()
        except ClientDisconnect:
            return  # the client hung up: nobody is left to answer
        raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
        raw_headers += [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": answer})


_JSON_ROUTE = re.compile(r"/extract/(?P<name>[^/]+)(?P<list>/list)?")


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def unless_client_leaves(receive: Receive, work: Coroutine[Any, Any, T]) -> T:
    """``work``'s result; if the client hangs up first, ``work`` is cancelled (closing its upstream call, so an
    abandoned request stops costing tokens) and ``ClientDisconnect`` raised. The body has been read, so the
    next ASGI message is the hang-up. ``work`` runs in the request's own task; one watcher task cancels it."""
    task = asyncio.current_task()
    assert task is not None
    left = False

    async def watch() -> None:
        nonlocal left
        while (await receive())["type"] != "http.disconnect":
            pass
        left = True
        task.cancel()

    watcher = asyncio.ensure_future(watch())
    try:
        return await work
    except asyncio.CancelledError:
        if left and task.uncancel() == 0:
            raise ClientDisconnect() from None
        raise
    finally:
        watcher.cancel()


def unknown_schema(registry: SchemaRegistry, name: str) -> SchemaNotFound | SchemaUnavailable:
    failure = registry.failures.get(name)
    if failure is not None:
        return SchemaUnavailable(f"schema {name!r} failed to compile: {failure.message}", schema=name)
    known = registry.names
    return SchemaNotFound(
        f"unknown schema {name!r}; known schemas: {', '.join(known) or '(none)'}", schema=name, known=known
    )


async def open_stream(events: AsyncGenerator[Event, None], schema: str, receive: Receive) -> EventStreamResponse:
    """Wait for the first event before answering 200, so that failures before any output (unreachable upstream,
    429, timeout) get their real HTTP status; later failures travel in the stream as ``error`` events. A client
    that hangs up while it waits closes the upstream call at once (``unless_client_leaves``)."""

    async def first_event() -> Event | None:
        try:
            return await anext(events)
        except StopAsyncIteration:
            return None

    try:
        first = await unless_client_leaves(receive, first_event())
    except BaseException:
        await events.aclose()
        raise
    iterator = events

    async def replay() -> AsyncIterator[Event]:
        if first is not None:
            yield first
            async for event in iterator:
                yield event

    return EventStreamResponse(encode_events(replay(), schema))


# Media types read as JSON: curl's `-d` sends application/x-www-form-urlencoded, and a missing type is common.
_JSON_MEDIA_TYPES = frozenset({"", "application/json", "application/x-www-form-urlencoded", "text/plain"})


def parse_extraction_request(content_type: str, body: bytes, *, schema: str, max_text_chars: int) -> ExtractionRequest:
    """The request body, parsed by pydantic straight from bytes; every problem is a typed 415 or 422."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in _JSON_MEDIA_TYPES and not media_type.endswith("+json"):
        raise UnsupportedMediaType(f"the body must be JSON (application/json), not {media_type}", schema=schema)
    try:
        request = ExtractionRequest.model_validate_json(body)
    except ValidationError as exc:
        errors = [
            {"loc": ["body", *error["loc"]], "msg": error["msg"], "type": error["type"]}
            for error in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        message = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in errors)
        raise InvalidRequest(message, schema=schema, errors=errors) from None
    length = len(request.input_text)
    if length > max_text_chars:
        raise InvalidRequest(f"the text has {length} characters; the limit is {max_text_chars}", schema=schema)
    return request
