"""Operator routes, behind the admin key (``GATEWAY_ADMIN_KEY``) when one is set: usage per API key, and metrics."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from gateway.access.gate import Gate
from gateway.http.metrics import exposition


def add_admin_routes(app: FastAPI) -> None:
    def check(request: Request) -> Gate:
        gate: Gate = request.app.state.gate
        gate.check_admin(request.headers.get("authorization", ""), request.headers.get("x-api-key", ""))
        return gate

    async def usage(request: Request) -> dict[str, dict[str, int]]:
        """Requests, tokens and attempts per API key so far (in Redis: across every worker and replica)."""
        return await check(request).limits.totals()

    async def metrics(request: Request) -> Response:
        check(request)
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    meta: dict[str, Any] = {"methods": ["GET"], "tags": ["admin"]}
    app.add_api_route("/admin/usage", usage, summary="Usage per API key", **meta)
    app.add_api_route("/metrics", metrics, summary="Prometheus metrics", response_class=Response, **meta)
