"""What the gateway serves, for people and machines: ``/schemas`` and ``/schemas/<name>``, as they are now."""

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from gateway.access.gate import Gate
from gateway.access.keys import ApiKey
from gateway.errors import SchemaNotFound
from gateway.http.extraction import ROUTE_SUFFIXES
from gateway.http.openapi import ErrorResponse
from gateway.http.playground import playground_url
from gateway.schemas.compiler import CompiledSchema
from gateway.schemas.registry import SchemaFailure, SchemaRegistry, StaleSchema


def schema_routes(name: str) -> list[str]:
    return [f"/extract/{name}{suffix}" for suffix in ROUTE_SUFFIXES]


class SchemaSummary(BaseModel):
    name: str
    status: Literal["ok", "stale", "error"] = Field(
        description="ok; stale: the file changed and no longer compiles, the version shown keeps serving; error: "
        "not served."
    )
    file: str
    title: str | None = None
    description: str | None = None
    content_hash: str | None = None
    version: str | None = Field(default=None, description="The version served (the `Schema-Version` header).")
    live_since: datetime | None = Field(default=None, description="When the version served went live.")
    routes: list[str] = []
    docs: str | None = None
    playground: str | None = Field(default=None, description="A page to try the schema in a browser.")
    message: str | None = Field(default=None, description="Why the file is not (or no longer) served as it is.")


class SchemaDetail(SchemaSummary):
    json_schema: dict[str, Any] | None = None
    model_source: str | None = None


def summarize(
    schema: CompiledSchema, live_since: float | None = None, stale: StaleSchema | None = None
) -> SchemaSummary:
    return SchemaSummary(
        name=schema.name,
        status="stale" if stale else "ok",
        file=str(schema.path),
        title=schema.title,
        description=schema.description,
        content_hash=schema.content_hash,
        version=schema.version,
        live_since=datetime.fromtimestamp(live_since, UTC) if live_since else None,
        routes=schema_routes(schema.name),
        docs=f"/docs/{schema.name}",
        playground=playground_url(schema.name),
        message=stale.message if stale else None,
    )


def summarize_failure(failure: SchemaFailure) -> SchemaSummary:
    return SchemaSummary(name=failure.name, status="error", file=str(failure.path), message=failure.message)


def add_catalog_routes(app: FastAPI, registry: SchemaRegistry) -> None:
    def caller(request: Request) -> tuple[Gate, ApiKey | None]:
        gate: Gate = request.app.state.gate
        return gate, gate.authenticate(request.headers.get("authorization", ""), request.headers.get("x-api-key", ""))

    async def list_schemas(request: Request) -> list[SchemaSummary]:
        # Read at each request: a schema that failed on first use shows as failed from then on. With API keys,
        # a key sees the schemas it may use.
        gate, key = caller(request)
        schemas, failures, stale, live = registry.schemas, registry.failures, registry.stale, registry.live_since
        visible = set(gate.visible(key, [*schemas, *failures]))
        return sorted(
            [summarize(schema, live.get(name), stale.get(name)) for name, schema in schemas.items() if name in visible]
            + [summarize_failure(failure) for failure in failures.values() if failure.name in visible],
            key=lambda summary: summary.name,
        )

    async def get_schema(name: str, request: Request) -> SchemaDetail:
        gate, key = caller(request)
        if name in registry.schemas or name in registry.failures:
            gate.check_schema(key, name)
        schema = registry.ready(name)  # builds the model, so a schema that cannot be served says so here
        if schema is not None:
            summary = summarize(schema, registry.live_since.get(name), registry.stale.get(name))
            return SchemaDetail(**summary.model_dump(), json_schema=schema.json_schema, model_source=schema.source)
        failure = registry.failures.get(name)
        if failure is not None:
            return SchemaDetail(**summarize_failure(failure).model_dump())
        known = ", ".join(gate.visible(key, registry.names))
        raise SchemaNotFound(f"unknown schema {name!r}; known schemas: {known}", schema=name)

    meta: dict[str, Any] = {"methods": ["GET"], "tags": ["gateway"]}
    app.add_api_route("/schemas", list_schemas, summary="Every schema file and its status", **meta)
    app.add_api_route(
        "/schemas/{name}",
        get_schema,
        summary="One schema and its generated model",
        responses={404: {"model": ErrorResponse, "description": "Unknown schema"}},
        **meta,
    )
