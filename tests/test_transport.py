"""The aiohttp transport under the SDK, against a real HTTP server on loopback that compresses its answers."""

import contextlib
import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx2
import pytest
from aiohttp import web

from gateway.backends.transport import AiohttpTransport

PAYLOAD = {"choices": [{"message": {"content": "hello"}}], "text": "x" * 2000}


async def _answer(request: web.Request) -> web.Response:
    body = await request.read()
    data = {**PAYLOAD, "echo": json.loads(body) if body else None, "auth": request.headers.get("Authorization")}
    return web.Response(
        body=gzip.compress(json.dumps(data).encode()),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )


@contextlib.asynccontextmanager
async def _serving(handler: Callable[[web.Request], Awaitable[web.Response]]) -> AsyncIterator[str]:
    """An aiohttp server on loopback answering POST /v1/chat/completions with ``handler``; yields its base URL."""
    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def server_url() -> AsyncIterator[str]:
    async with _serving(_answer) as base:
        yield f"{base}/v1/chat/completions"


async def test_a_compressed_json_answer_is_read_decompressed(server_url: str) -> None:
    transport = AiohttpTransport()
    try:
        headers = {"Authorization": "Bearer k", "Content-Type": "application/json"}
        status, _, body = await transport.post(server_url, headers, b'{"model": "m"}', read_seconds=5)
        assert status == 200
        data = json.loads(body)
        assert data["choices"] == PAYLOAD["choices"] and data["echo"] == {"model": "m"} and data["auth"] == "Bearer k"
    finally:
        await transport.aclose()


async def test_the_sdk_path_decodes_a_compressed_answer_too(server_url: str) -> None:
    async with httpx2.AsyncClient(transport=AiohttpTransport()) as client:
        response = await client.post(server_url, json={"model": "m"})
        assert response.status_code == 200 and response.json()["echo"] == {"model": "m"}


async def test_an_unreachable_upstream_is_an_httpx_connect_error() -> None:
    transport = AiohttpTransport()
    try:
        with pytest.raises(httpx2.ConnectError):
            await transport.post("http://127.0.0.1:9/v1/chat/completions", {}, b"{}", read_seconds=2)
    finally:
        await transport.aclose()


async def _as_proxy(request: web.Request) -> web.Response:
    """A forward proxy's view of a request: the absolute URL it was asked to fetch."""
    return web.json_response({"proxied": str(request.url), "auth": request.headers.get("Authorization")})


@pytest.fixture
async def proxy_url() -> AsyncIterator[str]:
    async with _serving(_as_proxy) as base:
        yield base


async def test_requests_go_through_the_proxy_the_environment_names(
    proxy_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    target = "http://upstream.invalid:8080/v1/chat/completions"  # unresolvable: only a proxy can answer
    transport = AiohttpTransport()
    try:
        for _ in range(2):  # the second request reuses the proxy looked up for the first
            status, _, body = await transport.post(target, {"Authorization": "Bearer k"}, b"{}", read_seconds=5)
            assert status == 200 and json.loads(body) == {"proxied": target, "auth": "Bearer k"}
        async with httpx2.AsyncClient(transport=transport) as client:
            response = await client.post(target, json={})
            assert response.json()["proxied"] == target
    finally:
        await transport.aclose()


async def test_no_proxy_hosts_are_reached_directly(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    transport = AiohttpTransport()
    try:
        status, _, _ = await transport.post(server_url, {}, b'{"model": "m"}', read_seconds=5)
        assert status == 200
    finally:
        await transport.aclose()
