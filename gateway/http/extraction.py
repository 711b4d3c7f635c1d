"""The four extraction routes of every schema - ``POST /extract/<name>[/stream|/list|/list/stream]`` - served in
plain ASGI in front of FastAPI's router: one implementation of body reading, errors, streams and hang-ups for all
four. (How OpenAPI shows them is ``http.openapi``.)"""

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Coroutine
from contextlib import aclosing
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import to_json
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.errors import (
    GatewayError,
    InvalidRequest,
    MethodNotAllowed,
    SchemaNotFound,
    SchemaUnavailable,
    SchemaVersionMismatch,
    UnsupportedMediaType,
)
from gateway.extraction.engine import Extractor, Final
from gateway.extraction.evidence import evidence_for
from gateway.http.request_log import CLIENT_DISCONNECTED, note_error
from gateway.http.sse import STREAM_HEADERS, Event, encode_events
from gateway.schemas.compiler import CompiledSchema
from gateway.schemas.registry import SchemaRegistry

T = TypeVar("T")
Route = Literal["one", "stream", "list", "list/stream"]
ROUTE_SUFFIXES = ("", "/stream", "/list", "/list/stream")
_ROUTE = re.compile(r"/extract/(?P<name>[^/]+)(?:/(?P<route>stream|list|list/stream))?")

# Python's isspace() also counts these as spaces; JSON Schema's `\S` (the documented pattern) does not.
_NOT_BLANK = frozenset("\x1c\x1d\x1e\x1f\x85")
# Media types read as JSON: curl's `-d` sends application/x-www-form-urlencoded, and a missing type is common.
_JSON_MEDIA_TYPES = frozenset({"", "application/json", "application/x-www-form-urlencoded", "text/plain"})


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
    include: list[Literal["evidence"]] = Field(
        default_factory=list,
        max_length=1,
        description='`["evidence"]`: answer `{"data": ..., "evidence": [...]}` with where each value is in the text '
        "(streams add an `evidence` event after `final` and after each `item`).",
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


class ExtractionEndpoints:
    """Pure ASGI middleware: requests to an extraction route are answered here; anything else goes on to FastAPI.
    The extractor is read from the app's state (set by the lifespan)."""

    def __init__(self, app: ASGIApp, registry: SchemaRegistry, max_text_chars: int) -> None:
        self.app = app
        self.registry = registry
        self.max_text_chars = max_text_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _ROUTE.fullmatch(_route_path(scope)) if scope["type"] == "http" else None
        if match is None:
            await self.app(scope, receive, send)
            return
        name, route = match["name"], match["route"] or "one"
        version: dict[str, str] = {}  # the Schema-Version header, once the schema is known
        try:
            if scope["method"] != "POST":
                raise MethodNotAllowed(f"{scope['method']} is not allowed here; use POST", schema=name)
            body = await _read_body(receive)
            content_type = next(
                (value.decode("latin-1") for key, value in scope["headers"] if key == b"content-type"), ""
            )
            schema = self._schema(name)
            version["Schema-Version"] = schema.version
            _check_pinned_version(_header(scope, b"if-match"), schema)
            request = parse_extraction_request(content_type, body, schema=name, max_text_chars=self.max_text_chars)
            extractor: Extractor = scope["app"].state.extractor
            if route in ("stream", "list/stream"):
                events = _events(extractor, schema, request, route == "list/stream")
                await unless_client_leaves(receive, _stream(events, schema, send))
                return
            answer = await unless_client_leaves(receive, _json_answer(extractor, schema, request, route == "list"))
        except GatewayError as exc:
            note_error(exc)
            await _send_json(send, exc.status_code, {"error": exc.to_dict()}, {**version, **exc.headers()})
            return
        except ClientDisconnect:
            note_error({"type": CLIENT_DISCONNECTED, "message": "the client closed the connection", "schema": name})
            return  # nobody is left to answer
        await _send_json(send, 200, answer, version)

    def _schema(self, name: str) -> CompiledSchema:
        schema = self.registry.ready(name)
        if schema is None:
            raise unknown_schema(self.registry, name)
        return schema


def _check_pinned_version(if_match: str, schema: CompiledSchema) -> None:
    """A client that pins the version it was written against (``If-Match``) gets 412 when it is not served."""
    if not if_match:
        return
    wanted = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
    if "*" in wanted or any(len(tag) >= 8 and schema.content_hash.startswith(tag) for tag in wanted):
        return
    raise SchemaVersionMismatch(
        f"schema {schema.name!r} is at version {schema.version}, not {', '.join(wanted)} (If-Match)",
        schema=schema.name,
        served=schema.version,
    )


def _header(scope: Scope, name: bytes) -> str:
    return next((value.decode("latin-1") for key, value in scope["headers"] if key == name), "")


def _route_path(scope: Scope) -> str:
    """The path below the app's root path (as Starlette's router matches it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


async def _json_answer(
    extractor: Extractor, schema: CompiledSchema, request: ExtractionRequest, as_list: bool
) -> bytes:
    text, model, instructions = request.input_text, request.model, request.instructions
    if as_list:
        items = await extractor.extract_list(schema, text, model=model, instructions=instructions)
        data: Any = [item.model_dump(mode="json") for item in items]
    else:
        result = await extractor.extract(schema, text, model=model, instructions=instructions)
        if "evidence" not in request.include:
            return result.model_dump_json().encode()
        data = result.model_dump(mode="json")
    if "evidence" in request.include:
        return to_json({"data": data, "evidence": [found.model_dump() for found in evidence_for(data, text)]})
    return to_json(data)


async def _events(
    extractor: Extractor, schema: CompiledSchema, request: ExtractionRequest, as_list: bool
) -> AsyncGenerator[Event, None]:
    text, model, instructions = request.input_text, request.model, request.instructions
    evidence = "evidence" in request.include
    if as_list:
        index = 0
        async for item in extractor.stream_list(schema, text, model=model, instructions=instructions):
            yield "item", item.model_dump_json()
            if evidence:
                yield "evidence", _evidence_json(item.model_dump(mode="json"), text, prefix=f"[{index}]")
            index += 1
        return
    async for update in extractor.stream(schema, text, model=model, instructions=instructions):
        if isinstance(update, Final):
            yield "final", update.value.model_dump_json()
            if evidence:
                yield "evidence", _evidence_json(update.value.model_dump(mode="json"), text)
        else:
            yield "partial", json.dumps(update.data, default=str)


def _evidence_json(data: Any, text: str, *, prefix: str = "") -> str:
    return to_json([found.model_dump() for found in evidence_for(data, text, prefix=prefix)]).decode()


async def _stream(events: AsyncGenerator[Event, None], schema: CompiledSchema, send: Send) -> None:
    """Wait for the first event before answering 200, so that failures before any output (unreachable upstream,
    429, timeout) get their real HTTP status as a ``GatewayError``; later failures travel in the stream as
    ``error`` events, and ``done`` always ends it."""
    async with aclosing(events):
        try:
            first: Event | None = await anext(events)
        except StopAsyncIteration:
            first = None

        async def replay() -> AsyncIterator[Event]:
            if first is not None:
                yield first
                async for event in events:
                    yield event

        headers = [*STREAM_HEADERS, (b"schema-version", schema.version.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        async for chunk in encode_events(replay(), schema.name, schema.version):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _send_json(send: Send, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    payload = body if isinstance(body, bytes) else to_json(body)
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw_headers += [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


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
