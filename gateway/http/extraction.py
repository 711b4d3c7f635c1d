"""The four extraction routes of every schema - ``POST /extract/<name>[/stream|/list|/list/stream]`` - served in
plain ASGI in front of FastAPI's router: one implementation of body reading, errors, streams and hang-ups for all
four. (How OpenAPI shows them is ``http.openapi``.)"""

import asyncio
import json
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine
from contextlib import aclosing
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import to_json
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.access.gate import Gate
from gateway.access.keys import ApiKey
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
from gateway.http import metrics
from gateway.http.result_cache import ResultCache, cache_key
from gateway.http.shutdown import DRAIN, shutting_down
from gateway.http.sse import STREAM_HEADERS, Event, encode_events, stream_end
from gateway.request_context import (
    CLIENT_DISCONNECTED,
    RequestRecord,
    current_record,
    note_error,
    usage,
    usage_header,
    with_request_id,
)
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
        task = asyncio.current_task()
        assert task is not None
        DRAIN.track(task)  # a stopping gateway ends it when the grace period is over
        try:
            await self._answer(match["name"], match["route"] or "one", scope, receive, send)
        finally:
            DRAIN.untrack(task)

    async def _answer(self, name: str, route: str, scope: Scope, receive: Receive, send: Send) -> None:
        headers: dict[str, str] = {}  # Schema-Version and RateLimit-*, once known
        gate: Gate = scope["app"].state.gate
        record = current_record()
        try:
            if scope["method"] != "POST":
                raise MethodNotAllowed(f"{scope['method']} is not allowed here; use POST", schema=name)
            key = gate.authenticate(_header(scope, b"authorization"), _header(scope, b"x-api-key"))
            if key is not None and record is not None:
                record.key = key.name
            body = await _read_body(receive)
            schema = self._schema(name, gate, key)
            headers["Schema-Version"] = schema.version
            _check_pinned_version(_header(scope, b"if-match"), schema)
            request = parse_extraction_request(
                _header(scope, b"content-type"), body, schema=name, max_text_chars=self.max_text_chars
            )
            extractor: Extractor = scope["app"].state.extractor
            gate.check_options(
                key,
                schema=name,
                model=request.model,
                default_model=extractor.default_model(schema),
                instructions=request.instructions is not None,
            )
            stream = route in ("stream", "list/stream")
            granted = await gate.admit(key, stream=stream, schema=name)
            headers.update(granted.rate_headers())
            try:
                if stream:
                    events = _events(extractor, schema, request, route == "list/stream")
                    await unless_client_leaves(receive, _stream(events, schema, send, headers), schema=name)
                    return
                work = _json_answer(extractor, schema, request, route == "list")
                cache: ResultCache | None = scope["app"].state.result_cache
                if cache is not None and extractor.deterministic(schema):
                    work = _cached(cache, work, request, schema, route, extractor, scope, headers)
                answer = await unless_client_leaves(receive, work, schema=name)
            finally:
                await gate.finish(granted, spent(record))
        except GatewayError as exc:
            note_error(exc)
            await _send_json(
                send, exc.status_code, {"error": with_request_id(exc.to_dict())}, {**headers, **exc.headers()}
            )
            return
        except ClientDisconnect:
            note_error({"type": CLIENT_DISCONNECTED, "message": "the client closed the connection", "schema": name})
            return  # nobody is left to answer
        usage = {"Gateway-Usage": usage_header(record)} if record is not None else {}
        await _send_json(send, 200, answer, {**headers, **usage})

    def _schema(self, name: str, gate: Gate, key: ApiKey | None) -> CompiledSchema:
        schema = self.registry.ready(name)
        if schema is None:
            raise unknown_schema(self.registry, name, may_see=lambda other: gate.may_see(key, other))
        gate.check_schema(key, name)
        return schema


def _usage_event() -> str | None:
    record = current_record()
    return to_json(usage(record)).decode() if record is not None else None


def spent(record: RequestRecord | None) -> dict[str, int]:
    """What a request spent, as a key's budget and totals count it."""
    if record is None:
        return {}
    return {
        "requests": 1,
        "prompt_tokens": record.prompt_tokens,
        "completion_tokens": record.completion_tokens,
        "attempts": record.attempts,
    }


async def _cached(
    cache: ResultCache,
    work: Coroutine[Any, Any, bytes],
    request: ExtractionRequest,
    schema: CompiledSchema,
    route: str,
    extractor: Extractor,
    scope: Scope,
    headers: dict[str, str],
) -> bytes:
    """``work``'s answer through the result cache; ``Gateway-Cache`` says which."""
    key = cache_key(
        schema=schema.name,
        version=schema.version,
        route=route,
        model=request.model or extractor.default_model(schema),
        instructions=request.instructions,
        include=list(request.include),
        text=request.input_text,
    )
    if "no-cache" in _header(scope, b"cache-control").lower():
        headers["Gateway-Cache"] = "bypass"
    else:
        found = await cache.get(key)
        if found is not None:
            work.close()
            headers["Gateway-Cache"] = "hit"
            return found
        headers["Gateway-Cache"] = "miss"
    answer = await work
    await cache.put(key, answer)
    return answer


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


async def _stream(
    events: AsyncGenerator[Event, None], schema: CompiledSchema, send: Send, headers: dict[str, str]
) -> None:
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

        head = [*STREAM_HEADERS, *((name.lower().encode(), value.encode()) for name, value in headers.items())]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        metrics.STREAMS.inc()
        try:
            try:
                async for chunk in encode_events(replay(), schema.name, schema.version, usage=_usage_event):
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            except asyncio.CancelledError:
                if not DRAIN.ended(asyncio.current_task()):
                    raise
                # The gateway is stopping and the grace period is over: the stream ends, said so.
                end = stream_end(shutting_down(schema.name), schema.version, _usage_event)
                await send({"type": "http.response.body", "body": end, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            metrics.STREAMS.dec()


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


async def unless_client_leaves(receive: Receive, work: Coroutine[Any, Any, T], *, schema: str | None = None) -> T:
    """``work``'s result; if the client hangs up first, ``work`` is cancelled (closing its upstream call, so an
    abandoned request stops costing tokens) and ``ClientDisconnect`` raised. The body has been read, so the
    next ASGI message is the hang-up. ``work`` runs in the request's own task; one watcher task cancels it. A
    stopping gateway's drain cancels it too once the grace period is over: ``ShuttingDown``."""
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
        if DRAIN.ended(task):
            raise shutting_down(schema) from None
        raise
    finally:
        watcher.cancel()


def unknown_schema(
    registry: SchemaRegistry, name: str, *, may_see: Callable[[str], bool] = lambda name: True
) -> SchemaNotFound | SchemaUnavailable:
    """The error for a name not served; ``may_see``: whether the caller may know of a schema (a key's scopes)."""
    failure = registry.failures.get(name)
    if failure is not None and may_see(name):
        return SchemaUnavailable(f"schema {name!r} failed to compile: {failure.message}", schema=name)
    known = [other for other in registry.names if may_see(other)]
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
