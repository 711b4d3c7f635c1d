"""Liveness (``/healthz``: the process answers) and readiness (``/readyz``: it can extract right now)."""

import asyncio
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.backends import ChatBackend
from gateway.schemas.registry import SchemaRegistry

# A hosted upstream's probe is reused this long: load balancers poll often, and the upstream is not ours to load.
PROBE_CACHE_SECONDS = 5.0


class Health(BaseModel):
    status: Literal["ok"]
    provider: Literal["local", "openai"]
    model: str
    mode: str
    schemas: int
    failed_schemas: int
    local_model_load_seconds: float | None = None
    local_model_restarts: int | None = None


class StaleNote(BaseModel):
    name: str
    version: str
    message: str


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    schemas: int
    failed_schemas: int
    upstream: str
    reasons: list[str]
    stale: list[StaleNote] = []


class _UpstreamProbe:
    """The last readiness probe of the upstream, shared by concurrent callers and reused for a few seconds."""

    def __init__(self) -> None:
        self._at = -PROBE_CACHE_SECONDS
        self._problem: str | None = None
        self._lock = asyncio.Lock()

    async def problem(self, backend: ChatBackend) -> str | None:
        if backend.embedded:
            return await backend.problem()  # a look at a local process: no need to cache it
        loop = asyncio.get_running_loop()
        async with self._lock:
            if loop.time() - self._at >= PROBE_CACHE_SECONDS:
                self._problem = await backend.problem()
                self._at = loop.time()
            return self._problem


def add_health_routes(app: FastAPI, registry: SchemaRegistry) -> None:
    probe = _UpstreamProbe()

    async def healthz(request: Request) -> Health:
        backend: ChatBackend = request.app.state.backend
        described = backend.describe()
        return Health(
            status="ok",
            provider=backend.provider,
            model=backend.model,
            mode=backend.mode,
            schemas=len(registry.schemas),
            failed_schemas=len(registry.failures),
            local_model_load_seconds=described.get("local_model_load_seconds"),
            local_model_restarts=described.get("local_model_restarts"),
        )

    async def readyz(request: Request) -> JSONResponse:
        backend: ChatBackend = request.app.state.backend
        reasons = []
        if not registry.schemas:
            reasons.append(f"no schema is served ({len(registry.failures)} failed to compile)")
        problem = await probe.problem(backend)
        if problem is not None:
            reasons.append(problem)
        body = Readiness(
            status="not_ready" if reasons else "ready",
            schemas=len(registry.schemas),
            failed_schemas=len(registry.failures),
            upstream=f"{backend.provider} {backend.model}",
            reasons=reasons,
            stale=[
                StaleNote(name=name, version=registry.schemas[name].version, message=note.message)
                for name, note in sorted(registry.stale.items())
                if name in registry.schemas
            ],
        )
        return JSONResponse(body.model_dump(), status_code=503 if reasons else 200)

    meta: dict[str, Any] = {"methods": ["GET"], "tags": ["gateway"]}
    app.add_api_route("/healthz", healthz, summary="Liveness: the gateway process answers", **meta)
    app.add_api_route(
        "/readyz",
        readyz,
        summary="Readiness: schemas served and the model reachable (503 with the reasons when not)",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Not ready; `reasons` says why"}},
        **meta,
    )
