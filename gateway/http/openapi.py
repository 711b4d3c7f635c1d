"""Each schema's routes as OpenAPI documents them: the typed request body (one named component), the answers and
errors, each stream event with the type of its data, and examples made from the schema's own examples."""

import json
from typing import Any, Literal

from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from gateway.extraction.evidence import Evidence
from gateway.http.extraction import ExtractionRequest
from gateway.schemas.compiler import CompiledSchema

REQUEST_COMPONENT = "ExtractionRequest"


class EventStreamResponse(Response):
    """How OpenAPI learns a stream route's media type (the streams are sent by ``http.extraction``)."""

    media_type = "text/event-stream"


_REQUEST_REF = {"$ref": f"#/components/schemas/{REQUEST_COMPONENT}"}
_EVIDENCE_REF = {"$ref": "#/components/schemas/Evidence"}


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: str = Field(description="Machine-readable kind, e.g. `upstream_timeout`.")
    message: str = Field(description="What went wrong, for people.")
    schema_name: str | None = Field(default=None, alias="schema", description="The schema the request was for.")


class ErrorResponse(BaseModel):
    """Every error the gateway returns; some types add fields (`errors`, `raw_answer`, `retry_after`, ...)."""

    error: ErrorBody


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _error("An API key is required and was missing, unknown or revoked (keys on)"),
    403: _error("The key may not use this schema, model or instructions (keys on)"),
    404: _error("Unknown schema"),
    412: _error("If-Match names a schema version that is not served"),
    413: _error("The body is larger than GATEWAY_MAX_BODY_BYTES"),
    415: _error("The body is not JSON"),
    422: _error("Invalid request body, or the LLM's answer stayed invalid after every re-ask"),
    429: _error(
        "`rate_limited`: the key is over a limit (Retry-After, RateLimit-*); `upstream_rate_limited`: the upstream "
        "LLM is rate limiting (its Retry-After is passed on)"
    ),
    502: _error("The upstream LLM is unreachable, failed, or refused the request"),
    503: _error("The schema failed to compile, or the embedded model is restarting (Retry-After)"),
    504: _error("The upstream LLM did not answer in time"),
}

_SSE_DESCRIPTION = {
    "one": "`partial` events (the object so far), then `final` (the validated object) or `error`, then `done`.",
    "list": "One `item` event per complete, valid object, then `error` if any, then `done`.",
}


def request_component() -> dict[str, Any]:
    """The body of every extraction route: `text` (something besides spaces), optional `model` and `instructions`.
    `query`, the seed's name for `text`, is still accepted in its place and documented as deprecated; the
    component says "text, and no query" because "exactly one of the two" (a `oneOf`) leaves generated clients
    with an untyped body."""
    schema = ExtractionRequest.model_json_schema()
    for name in ("text", "query"):
        description = schema["properties"][name].get("description")
        schema["properties"][name] = {"type": "string", "pattern": r"\S", "description": description}
    schema["properties"]["query"]["deprecated"] = True
    schema["required"] = ["text"]
    schema["not"] = {"required": ["query"]}
    schema["description"] = "The input text, and optionally the model and extra instructions for this request."
    return schema


def schema_doc_routes(schema: CompiledSchema) -> list[APIRoute]:
    """The four routes of ``schema`` as OpenAPI shows them, for the docs only (requests are served by
    ``http.extraction``). ``complete_document`` finishes what FastAPI cannot express."""
    name, title = schema.name, schema.title
    summary = schema.description or f"Extract {title} from text"
    common: dict[str, Any] = {"methods": ["POST"], "tags": [name], "openapi_extra": _request_body(schema)}
    return [
        APIRoute(
            f"/extract/{name}",
            _documented_only,
            response_model=schema.model,
            summary=f"Extract one {title}",
            description=summary,
            operation_id=f"extract_{name}",
            responses=ERROR_RESPONSES,
            **common,
        ),
        APIRoute(
            f"/extract/{name}/stream",
            _documented_only,
            response_class=EventStreamResponse,
            summary=f"Stream one {title} as it forms (SSE)",
            description=f"{summary}\n\n{_SSE_DESCRIPTION['one']}",
            operation_id=f"stream_{name}",
            responses=_stream_responses(schema, "one"),
            **common,
        ),
        APIRoute(
            f"/extract/{name}/list",
            _documented_only,
            response_model=list[schema.model],  # type: ignore[name-defined]
            summary=f"Extract every {title}",
            description=summary,
            operation_id=f"extract_{name}_list",
            responses=ERROR_RESPONSES,
            **common,
        ),
        APIRoute(
            f"/extract/{name}/list/stream",
            _documented_only,
            response_class=EventStreamResponse,
            summary=f"Stream every {title}, one event per object (SSE)",
            description=f"{summary}\n\n{_SSE_DESCRIPTION['list']}",
            operation_id=f"stream_{name}_list",
            responses=_stream_responses(schema, "list"),
            **common,
        ),
    ]


async def _documented_only() -> None:
    """Stands in for the real endpoint in documentation routes; never served."""


SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "An API key from `gateway keys create`"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "The same key, another header"},
}


def complete_document(document: dict[str, Any], *, secured: bool = False) -> dict[str, Any]:
    """Add the request body component, type each stream event's data with the schema's own model (whose
    component name FastAPI chose), and, when API keys are on, the security schemes (Swagger's Authorize)."""
    if secured:
        document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for path, operations in document.get("paths", {}).items():
            if path.startswith("/extract/"):
                for operation in operations.values():
                    operation["security"] = [{"bearer": []}, {"apiKey": []}]
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components[REQUEST_COMPONENT] = request_component()
    components["Evidence"] = Evidence.model_json_schema()
    paths = document.get("paths", {})
    for path, operations in paths.items():
        shapes: tuple[tuple[str, Literal["one", "list"]], ...] = (("/list/stream", "list"), ("/stream", "one"))
        for suffix, shape in shapes:
            if not path.endswith(suffix) or not path.startswith("/extract/"):
                continue
            base = paths.get(path.removesuffix(suffix), {}).get("post", {})
            model = base.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            content = operations["post"]["responses"]["200"]["content"]["text/event-stream"]
            content["itemSchema"] = _event_schema(shape, model.get("schema", {"type": "object"}))
            content.pop("schema", None)  # FastAPI's {"type": "string"} for a non-JSON response class
            break
    for path, operations in paths.items():  # after the streams, which take the bare model's component
        if path.startswith("/extract/") and not path.endswith("stream"):
            _with_evidence_answer(operations["post"]["responses"]["200"]["content"]["application/json"])
    return document


def _with_evidence_answer(content: dict[str, Any]) -> None:
    """The JSON answer is the bare object (or list), or with ``include: ["evidence"]`` that and its evidence."""
    bare = content["schema"]
    evidenced = {
        "type": "object",
        "title": "WithEvidence",
        "required": ["data", "evidence"],
        "properties": {"data": bare, "evidence": {"type": "array", "items": _EVIDENCE_REF}},
        "description": 'The answer when the request has `"include": ["evidence"]`.',
    }
    content["schema"] = {"anyOf": [bare, evidenced]}


def _data(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "string", "contentMediaType": "application/json", "contentSchema": schema}


def _event(name: str, data: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["event", "data"],
        "properties": {"event": {"const": name}, "data": data},
    }


_USAGE: dict[str, Any] = {
    "type": "object",
    "description": "Tokens as the upstream reported them (else estimated), upstream calls made, model, upstream time.",
    "required": ["prompt_tokens", "completion_tokens", "estimated", "attempts", "model", "upstream_ms"],
    "properties": {
        "prompt_tokens": {"type": "integer", "minimum": 0},
        "completion_tokens": {"type": "integer", "minimum": 0},
        "estimated": {"type": "boolean"},
        "attempts": {"type": "integer", "minimum": 0},
        "model": {"type": ["string", "null"]},
        "upstream_ms": {"type": "number", "minimum": 0},
    },
}


def _event_schema(shape: Literal["one", "list"], model: dict[str, Any]) -> dict[str, Any]:
    """One event of the stream, as OpenAPI 3.2 describes server-sent events: each kind, with its data's type."""
    error = _event("error", _data({"$ref": "#/components/schemas/ErrorBody"}), "What failed; the stream then ends.")
    evidence = _event(
        "evidence",
        _data({"type": "array", "items": _EVIDENCE_REF}),
        'Where each value of the `final` or `item` just sent is in the text (with `"include": ["evidence"]`).',
    )
    spent = _event("usage", _data(_USAGE), "What the request cost; sent just before `done`.")
    done = _event("done", {"const": "[DONE]"}, "Always the last event.")
    if shape == "one":
        partial = {"type": "object", "description": "The fields the model has written so far (not yet validated)."}
        events = [
            _event("partial", _data(partial), "The object as it forms; repeated as fields appear and strings grow."),
            _event("final", _data(model), "The complete object, validated against the schema."),
        ]
    else:
        events = [_event("item", _data(model), "One complete, validated object.")]
    return {"oneOf": [*events, evidence, error, spent, done]}


def _stream_responses(schema: CompiledSchema, shape: Literal["one", "list"]) -> dict[int | str, dict[str, Any]]:
    """A stream's documented answers: its events, and the same JSON errors as the other routes (not SSE)."""
    # Each event is described by `itemSchema` (OpenAPI 3.2, as FastAPI documents its own streams), added by
    # complete_document once the model's component name is known; no `schema` describes the stream as a whole.
    content = {"text/event-stream": {"example": sse_example(schema, shape)}}
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    errors = {
        status: {"description": spec["description"], "content": error_content}
        for status, spec in ERROR_RESPONSES.items()
    }
    return {200: {"description": _SSE_DESCRIPTION[shape], "content": content}, **errors}


def sse_example(schema: CompiledSchema, shape: Literal["one", "list"]) -> str:
    """A stream as the route sends it, made from the schema's own examples (or, lacking one, from its fields)."""
    singles = [example.output for example in schema.options.examples if isinstance(example.output, dict)]
    lists = [example.output for example in schema.options.examples if isinstance(example.output, list)]
    if shape == "list":
        items = lists[0] if lists else singles or [_placeholder(schema.model_schema)]
        events = [("item", json.dumps(item, ensure_ascii=False, separators=(",", ":"))) for item in items]
    else:
        whole = singles[0] if singles else (lists[0][0] if lists else _placeholder(schema.model_schema))
        keys = list(whole)
        partials = [{key: whole[key] for key in keys[:count]} for count in range(1, len(keys) + 1)]
        events = [("partial", json.dumps(partial, ensure_ascii=False)) for partial in partials]
        events.append(("final", json.dumps(whole, ensure_ascii=False, separators=(",", ":"))))
    events.append(("done", "[DONE]"))
    return "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events)


_PLACEHOLDERS: dict[str, Any] = {"string": "...", "integer": 0, "number": 0.0, "boolean": True, "array": []}


def _placeholder(model_schema: dict[str, Any]) -> dict[str, Any]:
    """An object of the schema's required fields with a value of each one's type (for schemas without examples)."""
    properties = model_schema.get("properties", {})
    value = {}
    for name in model_schema.get("required", list(properties)):
        spec = properties.get(name, {})
        kind = spec.get("type") or next((branch.get("type") for branch in spec.get("anyOf", [])), None)
        value[name] = spec["enum"][0] if spec.get("enum") else _PLACEHOLDERS.get(str(kind), {})
    return value


def _request_body(schema: CompiledSchema) -> dict[str, Any]:
    """The request body as OpenAPI shows it (read by ``http.extraction``, not by FastAPI)."""
    examples = {
        f"example_{index + 1}": {"summary": example.text[:60], "value": {"text": example.text}}
        for index, example in enumerate(schema.options.examples)
    } or {"text": {"summary": "Text to extract from", "value": {"text": f"Some text with a {schema.title}."}}}
    json_body = {"schema": _REQUEST_REF, "examples": examples}
    return {"requestBody": {"required": True, "content": {"application/json": json_body}}}
