"""``create_app``: settings -> registry -> routes, with the lifespan owning the chat backend (and so the embedded
model's process)."""

import asyncio
import ipaddress
import logging
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.access.gate import Gate
from gateway.backends import ChatBackend
from gateway.backends.local import LocalModelError
from gateway.backends.openai_compatible import connect_backend
from gateway.errors import GatewayError
from gateway.extraction.engine import Extractor
from gateway.http import metrics
from gateway.http.admin import add_admin_routes
from gateway.http.catalog import add_catalog_routes
from gateway.http.docs import add_docs_routes
from gateway.http.extraction import ExtractionEndpoints
from gateway.http.health import add_health_routes
from gateway.http.limits import BodyLimit
from gateway.http.playground import add_playground_routes
from gateway.http.request_log import RequestLog
from gateway.http.result_cache import result_cache
from gateway.request_context import note_error, schema_of_path, with_request_id
from gateway.schemas.registry import SchemaRegistry
from gateway.schemas.watch import refresh, schema_files_of, watch_schemas
from gateway.settings import Settings

logger = logging.getLogger("gateway")


# FastAPI's native OpenTelemetry checks its providers (and the environment) on every request, about 5% of a
# request's CPU; it is switched off unless the process is configured for OpenTelemetry.
# Response headers a browser script may read (with GATEWAY_CORS_ORIGINS).
EXPOSED_HEADERS = [
    "X-Request-ID",
    "Schema-Version",
    "Gateway-Usage",
    "Gateway-Cache",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]
_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def _opentelemetry_configured() -> bool:
    return any(name.startswith(("OTEL_", "FASTAPI_OTEL_")) for name in os.environ)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway: compile every schema file, then serve each one's routes and docs."""
    settings = settings or Settings()
    registry = SchemaRegistry.load(settings.schemas_dir, settings.cache_dir, max_list_items=settings.max_list_items)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            try:
                backend = await stack.enter_async_context(connect_backend(settings))
            except LocalModelError as exc:
                # Said once, as it is: the server prints this instead of a traceback (StartupFailureMessage).
                app.state.startup_failure = f"gateway: {exc}"
                raise
            app.state.backend = backend
            app.state.extractor = Extractor(backend, settings)
            _log_start_up(settings, registry, backend, app.state.gate)
            stop = asyncio.Event()
            watcher = asyncio.create_task(watch_schemas(registry, settings.watch, stop))
            if settings.watch != "off" and registry.folder is not None:
                # Whatever changed between the first compile and the watch starting.
                await refresh(
                    registry, {*schema_files_of(registry.folder), *(s.path for s in registry.schemas.values())}
                )
            try:
                yield
            finally:
                stop.set()
                await asyncio.wait_for(watcher, 5)
                await app.state.gate.close()
                if app.state.result_cache is not None:
                    await app.state.result_cache.close()

    app = FastAPI(
        title="gateway",
        version=version("gateway"),
        description="Typed extraction endpoints generated from the schema files in "
        f"`{settings.schemas_dir}`. One tag per schema; per-schema docs at `/docs/<name>`.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        telemetry=None if _opentelemetry_configured() else _NO_TELEMETRY,
    )
    # The last added is the outermost: RequestLog sees every request, BodyLimit runs before the extraction routes.
    app.add_middleware(ExtractionEndpoints, registry=registry, max_text_chars=settings.max_text_chars)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLog, every_request=settings.access_log, traced=_opentelemetry_configured())
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID", "If-Match", "Cache-Control"],
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
    app.add_middleware(StartupFailureMessage)
    app.state.settings = settings
    app.state.registry = registry
    app.state.startup_failure = None
    app.state.gate = Gate.from_settings(settings)
    app.state.result_cache = result_cache(settings)
    _add_error_handlers(app)
    add_docs_routes(app, registry)
    add_playground_routes(app, registry)
    add_catalog_routes(app, registry)
    add_health_routes(app, registry)
    add_admin_routes(app)
    registry.on_change = lambda outcome: metrics.RELOADS.labels(outcome).inc()
    return app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _log_start_up(settings: Settings, registry: SchemaRegistry, backend: ChatBackend, gate: Gate) -> None:
    """The start-up summary: what is served, what is not and why, and which model answers."""
    failed = "; ".join(f"{name} ({failure.message})" for name, failure in sorted(registry.failures.items()))
    logger.info(
        "serving %d schema(s) from %s: %s; provider %s, model %s, upstream %s",
        len(registry.schemas),
        settings.schemas_dir,
        ", ".join(registry.names) or "(none)",
        backend.provider,
        backend.model,
        backend.describe().get("upstream"),
    )
    if failed:
        logger.warning("not serving %d schema(s): %s", len(registry.failures), failed)
    if gate.keys is not None:
        logger.info("API keys from %s: %d active", settings.api_keys_file, len(gate.keys.keys))
    elif is_loopback(settings.host):
        logger.info("the gateway is open (no GATEWAY_API_KEYS_FILE): anyone on this machine may call it")
    else:
        logger.warning(
            "!!! the gateway is open and listens on %s: anyone who can reach the port may extract and spend "
            "upstream tokens. Set GATEWAY_API_KEYS_FILE (gateway keys create) or bind to 127.0.0.1 !!!",
            settings.host,
        )


class StartupFailureMessage:
    """Pure ASGI middleware: when start-up fails for a reason the gateway explains itself, the server prints that
    explanation instead of the lifespan's traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_explained(message: Message) -> None:
            failure = getattr(scope["app"].state, "startup_failure", None)
            if message["type"] == "lifespan.startup.failed" and failure:
                message = {**message, "message": failure}
            await send(message)

        await self.app(scope, receive, send_explained)


def _envelope(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": with_request_id(body)}, status_code=status, headers=headers)


_HTTP_ERROR_TYPES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _add_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``{"error": {"type", "message", "schema", ...}}`` with its proper status."""

    async def gateway_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GatewayError)
        note_error(exc)
        return _envelope(exc.status_code, exc.to_dict(), exc.headers())

    async def invalid_body(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}
            for error in exc.errors()
        ]
        message = "; ".join(f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in errors)
        body = {
            "type": "invalid_request",
            "message": message,
            "schema": schema_of_path(request.url.path),
            "errors": errors,
        }
        note_error(body, status=422)
        return _envelope(422, body)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        kind = _HTTP_ERROR_TYPES.get(exc.status_code, "http_error")
        body = {"type": kind, "message": str(exc.detail), "schema": schema_of_path(request.url.path)}
        note_error(body, status=exc.status_code)
        return _envelope(exc.status_code, body, dict(exc.headers or {}))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        body = {
            "type": "internal_error",
            "message": "the gateway failed; see its log",
            "schema": schema_of_path(request.url.path),
        }
        note_error(body, status=500, exc_info=exc)
        return _envelope(500, body)

    app.add_exception_handler(GatewayError, gateway_error)
    app.add_exception_handler(RequestValidationError, invalid_body)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
