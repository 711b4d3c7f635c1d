"""What the gateway serves, for people and machines: ``/schemas``, ``/schemas/<name>``, ``/healthz``."""

from typing import Any, Literal

from fastapi import FastAPI, Request
from pydantic import BaseModel

from gateway.compiler import CompiledSchema
from gateway.errors import SchemaNotFound
from gateway.registry import SchemaFailure, SchemaRegistry
from gateway.routes import ROUTE_SUFFIXES, ErrorResponse
from gateway.upstream import Upstream


def schema_routes(name: str) -> list[str]:
    return [f"/extract/{name}{suffix}" for suffix in ROUTE_SUFFIXES]


class SchemaSummary(BaseModel):
    name: str
    status: Literal["ok", "error"]
    file: str
    title: str | None = None
    description: str | None = None
    content_hash: str | None = None
    routes: list[str] = []
    docs: str | None = None
    message: str | None = None


class SchemaDetail(SchemaSummary):
    json_schema: dict[str, Any] | None = None
    model_source: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    provider: Literal["local", "openai"]
    model: str
    mode: str
    schemas: int
    failed_schemas: int
    local_model_load_seconds: float | None = None


def summarize(schema: CompiledSchema) -> SchemaSummary:
    return SchemaSummary(
        name=schema.name,
        status="ok",
        file=str(schema.path),
        title=schema.title,
        description=schema.description,
        content_hash=schema.content_hash,
        routes=schema_routes(schema.name),
        docs=f"/docs/{schema.name}",
    )


def summarize_failure(failure: SchemaFailure) -> SchemaSummary:
    return SchemaSummary(name=failure.name, status="error", file=str(failure.path), message=failure.message)


def add_catalog_routes(app: FastAPI, registry: SchemaRegistry) -> None:
    summaries = sorted(
        [summarize(schema) for schema in registry.schemas.values()]
        + [summarize_failure(failure) for failure in registry.failures.values()],
        key=lambda summary: summary.name,
    )

    async def list_schemas() -> list[SchemaSummary]:
        return summaries

    async def get_schema(name: str) -> SchemaDetail:
        schema = registry.schemas.get(name)
        if schema is not None:
            return SchemaDetail(
                **summarize(schema).model_dump(), json_schema=schema.json_schema, model_source=schema.source
            )
        failure = registry.failures.get(name)
        if failure is not None:
            return SchemaDetail(**summarize_failure(failure).model_dump())
        raise SchemaNotFound(f"unknown schema {name!r}; known schemas: {', '.join(registry.names)}", schema=name)

    async def healthz(request: Request) -> Health:
        upstream: Upstream = request.app.state.upstream
        return Health(
            status="ok",
            provider=upstream.provider,
            model=upstream.model,
            mode=upstream.mode,
            schemas=len(registry.schemas),
            failed_schemas=len(registry.failures),
            local_model_load_seconds=upstream.local_server.load_seconds if upstream.local_server else None,
        )

    meta: dict[str, Any] = {"methods": ["GET"], "tags": ["gateway"]}
    app.add_api_route("/schemas", list_schemas, summary="Every schema file and its status", **meta)
    app.add_api_route(
        "/schemas/{name}",
        get_schema,
        summary="One schema and its generated model",
        responses={404: {"model": ErrorResponse, "description": "Unknown schema"}},
        **meta,
    )
    app.add_api_route("/healthz", healthz, summary="Liveness, provider and model", **meta)
