"""A bare FastAPI relay, the baseline of the CPU benchmark.

``POST /extract/user_detail`` forwards the same chat-completions request the gateway would send (a captured
template whose last user message is replaced by the request's text) to the upstream with the openai SDK, and
answers with the tool call's arguments as JSON. No instructor, no prompt building, no validation. Served by
``uvicorn.run`` with the same defaults as ``gateway serve`` (uvloop, httptools, access log).

Two ways to call the SDK (``--mode``): ``create`` is ``client.chat.completions.create(**body)``, which walks the
parameters through the SDK's TypedDict transform; ``post`` is ``client.post("/chat/completions", body=...)``,
the same client without that transform (how the gateway calls it).

Run: python -m bench.relay --port 8001 --upstream http://127.0.0.1:8765/v1 --template upstream_request.json
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import openai
from fastapi import FastAPI, Request, Response
from openai.types.chat import ChatCompletion

from bench.common import HOST, replace_user_text


def create_app() -> FastAPI:
    """The relay app, configured by ``BENCH_RELAY_UPSTREAM``, ``BENCH_RELAY_TEMPLATE`` and ``BENCH_RELAY_MODE``."""
    upstream = os.environ["BENCH_RELAY_UPSTREAM"]
    template: dict[str, Any] = json.loads(Path(os.environ["BENCH_RELAY_TEMPLATE"]).read_text())
    mode = os.environ.get("BENCH_RELAY_MODE", "create")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with openai.AsyncOpenAI(base_url=upstream, api_key="x", max_retries=0, timeout=60) as client:
            app.state.client = client
            yield

    async def complete(client: openai.AsyncOpenAI, body: dict[str, Any]) -> ChatCompletion:
        if mode == "post":
            return await client.post("/chat/completions", body=body, cast_to=ChatCompletion)
        completion: ChatCompletion = await cast(Any, client.chat.completions).create(**body)
        return completion

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/extract/user_detail")
    async def extract(request: Request) -> Response:
        text = str(json.loads(await request.body())["text"])
        completion = await complete(request.app.state.client, replace_user_text(template, text))
        call = (completion.choices[0].message.tool_calls or [])[0]
        arguments = str(cast(Any, call).function.arguments)
        return Response(arguments, media_type="application/json")

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--template", required=True, type=Path)
    parser.add_argument("--mode", choices=("create", "post"), default="create")
    args = parser.parse_args()
    os.environ["BENCH_RELAY_MODE"] = args.mode
    os.environ["BENCH_RELAY_UPSTREAM"] = args.upstream
    os.environ["BENCH_RELAY_TEMPLATE"] = str(args.template.resolve())
    uvicorn.run("bench.relay:create_app", factory=True, host=HOST, port=args.port)


if __name__ == "__main__":
    main()
