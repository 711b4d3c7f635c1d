"""``create_app``: settings -> registry -> routes, with the lifespan owning the upstream client."""

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from gateway.body_limit import BodyLimit
from gateway.catalog import add_catalog_routes
from gateway.docs import add_docs_routes
from gateway.errors import GatewayError, log_gateway_error
from gateway.llm import Extractor
from gateway.registry import SchemaRegistry
from gateway.routes import JsonExtractionFastPath, add_extraction_routes
from gateway.settings import Settings
from gateway.upstream import connect_upstream

logger = logging.getLogger("gateway")


# FastAPI's native OpenTelemetry checks its providers (and the environment) on every request, about 5% of a
# request's CPU; it is switched off unless the process is configured for OpenTelemetry.
_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def _opentelemetry_configured() -> bool:
    return any(name.startswith(("OTEL_", "FASTAPI_OTEL_")) for name in os.environ)


# Garbage-collector thresholds while serving (Python's defaults: 700 allocations, 10, 10). Under load each request's
# objects live as long as its upstream call (a second, say), so every collection walks the objects of every request
# in flight. A young collection every 10 000 net allocations instead of 700 (at most a few MB more waits): the
# 1 s-upstream bench at 500 req/s went from p99 1.050-1.063 s (4 runs) to 1.018-1.026 s (3). A full collection after 100
# middle-generation ones instead of 10: they came about once a second, each pausing every request for 100+ ms with
# 500 in flight. Garbage in reference cycles is still collected; the extraction path makes almost none.
YOUNG_COLLECTION_EVERY = 10_000
FULL_COLLECTION_EVERY = 100


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway: compile every schema file, then serve each one's routes and docs."""
    settings = settings or Settings()
    registry = SchemaRegistry.load(settings.schemas_dir, settings.cache_dir, max_list_items=settings.max_list_items)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with connect_upstream(settings) as upstream:
            app.state.upstream = upstream
            app.state.extractor = Extractor(upstream, settings)
            logger.info(
                "serving %d schema(s) from %s (%d failed); provider %s, model %s, upstream %s",
                len(registry.schemas),
                settings.schemas_dir,
                len(registry.failures),
                upstream.provider,
                upstream.model,
                upstream.client.base_url,
            )
            # What start-up made (models, routes, docs) lives as long as the process: the garbage collector
            # stops scanning it, so collections under load only walk the requests' own objects.
            gc.collect()
            gc.freeze()
            thresholds = gc.get_threshold()
            gc.set_threshold(YOUNG_COLLECTION_EVERY, thresholds[1], FULL_COLLECTION_EVERY)
            try:
                yield
            finally:
                gc.set_threshold(*thresholds)

    app = FastAPI(
        title="gateway",
        version=version("gateway"),
        description="Typed extraction endpoints generated from the schema files in "
        f"`{settings.schemas_dir}`. One tag per schema; per-schema docs at `/docs/<name>`.",
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": schema.name, "description": schema.description or schema.title}
            for schema in (registry.schemas[name] for name in registry.names)
        ],
        lifespan=lifespan,
        telemetry=None if _opentelemetry_configured() else _NO_TELEMETRY,
    )
    # Added first, so it runs inside BodyLimit (the last added is the outermost).
    app.add_middleware(JsonExtractionFastPath, registry=registry, max_text_chars=settings.max_text_chars)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.state.settings = settings
    app.state.registry = registry
    _add_error_handlers(app)
    add_docs_routes(app, registry)
    add_catalog_routes(app, registry)
    add_extraction_routes(app, registry, max_text_chars=settings.max_text_chars)
    return app


def _schema_of(request: Request) -> str | None:
    parts = request.url.path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "extract" else None


def _envelope(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": body}, status_code=status, headers=headers)


_HTTP_ERROR_TYPES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _add_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``{"error": {"type", "message", "schema", ...}}`` with its proper status."""

    async def gateway_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GatewayError)
        log_gateway_error(request.method, request.url.path, exc)
        return _envelope(exc.status_code, exc.to_dict(), exc.headers())

    async def invalid_body(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}
            for error in exc.errors()
        ]
        message = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in errors)
        body = {"type": "invalid_request", "message": message, "schema": _schema_of(request), "errors": errors}
        return _envelope(422, body)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        kind = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error"
        )
        body = {"type": kind, "message": str(exc.detail), "schema": _schema_of(request)}
        return _envelope(exc.status_code, body, dict(exc.headers or {}))

    async def client_gone(request: Request, exc: Exception) -> Response:
        # The client hung up while sending its body: nobody is left to read an answer, and nothing failed here.
        logger.debug("client disconnected during %s %s", request.method, request.url.path)
        return Response(status_code=400)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        body = {"type": "internal_error", "message": "the gateway failed; see its log", "schema": _schema_of(request)}
        return _envelope(500, body)

    app.add_exception_handler(GatewayError, gateway_error)
    app.add_exception_handler(RequestValidationError, invalid_body)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(ClientDisconnect, client_gone)
    app.add_exception_handler(Exception, unexpected)
