"""Added latency of the gateway over calling the upstream directly, at concurrency 1.

Rounds are interleaved (direct, gateway, direct, gateway, ...) so that drift on the machine hits both sides
alike. The direct call is ``openai.AsyncOpenAI().chat.completions.create`` with exactly the body the gateway
sends upstream (captured from a real gateway call), to the same fake upstream (latency 0). For reference, two
leaner direct calls are timed in the same rounds: the same SDK client's ``client.post("/chat/completions")``
(no SDK parameter transform, which is how the gateway calls it) and a raw HTTP POST of the body (aiohttp).

Stream route: time to the first SSE ``event:`` line of ``POST /extract/user_detail/stream`` against the time to
the first chunk of the direct streaming call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

import aiohttp
import openai
from openai.types.chat import ChatCompletion

from bench.common import (
    USER_BODY,
    BenchResult,
    Row,
    distribution_ms,
    log,
    percentile,
    run_async,
    services,
    start_fake,
    start_gateway,
    temp_dir,
)
from bench.context import Context

NAME = "latency"
TARGET_ADDED_P50_MS = 1.5
TARGET_ADDED_P99_MS = 5.0
TARGET_ADDED_TTFE_MS = 2.0
WARMUP_ROUNDS = 20
PHASE_LIMIT_S = 150.0  # each phase (JSON, stream) stops early past this

Timer = Callable[[], Awaitable[float]]
StreamTimer = Callable[[], Awaitable[tuple[float, float]]]


async def _measure(
    gateway_url: str, fake_url: str, upstream: dict[str, Any], stream_upstream: dict[str, Any], rounds: int
) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    request_body = json.dumps(USER_BODY).encode()
    upstream_body = json.dumps(upstream).encode()
    connector = aiohttp.TCPConnector(limit=10)
    async with (
        openai.AsyncOpenAI(base_url=fake_url, api_key="x", max_retries=0, timeout=30) as client,
        aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session,
    ):
        completions = cast(Any, client.chat.completions)

        async def direct_sdk() -> float:
            started = time.perf_counter()
            completion = await completions.create(**upstream)
            if not completion.choices[0].message.tool_calls:
                raise RuntimeError("the fake answered without a tool call")
            return time.perf_counter() - started

        async def direct_post() -> float:
            started = time.perf_counter()
            completion = await client.post("/chat/completions", body=upstream, cast_to=ChatCompletion)
            if not completion.choices[0].message.tool_calls:
                raise RuntimeError("the fake answered without a tool call")
            return time.perf_counter() - started

        async def direct_raw() -> float:
            started = time.perf_counter()
            async with session.post(f"{fake_url}/chat/completions", data=upstream_body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"fake answered {response.status}")
            return time.perf_counter() - started

        async def gateway() -> float:
            started = time.perf_counter()
            async with session.post(f"{gateway_url}/extract/user_detail", data=request_body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"gateway answered {resp.status}: {await resp.text()}")
            return time.perf_counter() - started

        async def direct_stream() -> tuple[float, float]:
            started = time.perf_counter()
            first = 0.0
            stream = await completions.create(**stream_upstream)
            async for _chunk in stream:
                if not first:
                    first = time.perf_counter() - started
            return first, time.perf_counter() - started

        async def gateway_stream() -> tuple[float, float]:
            started = time.perf_counter()
            first = 0.0
            url = f"{gateway_url}/extract/user_detail/stream"
            async with session.post(url, data=request_body, headers=headers) as response:
                if response.status != 200:
                    raise RuntimeError(f"gateway stream answered {response.status}")
                async for line in response.content:
                    if not first and line.startswith(b"event:"):
                        first = time.perf_counter() - started
            if not first:
                raise RuntimeError("the gateway stream held no event")
            return first, time.perf_counter() - started

        for _ in range(WARMUP_ROUNDS):
            await direct_sdk()
            await direct_post()
            await direct_raw()
            await gateway()
            await direct_stream()
            await gateway_stream()

        samples: dict[str, list[float]] = {"direct_sdk": [], "direct_post": [], "direct_raw": [], "gateway": []}
        deadline = time.perf_counter() + PHASE_LIMIT_S
        for _ in range(rounds):
            if time.perf_counter() > deadline:
                break
            samples["direct_sdk"].append(await direct_sdk())
            samples["gateway"].append(await gateway())
            samples["direct_post"].append(await direct_post())
            samples["direct_raw"].append(await direct_raw())

        stream_samples: dict[str, list[float]] = {"direct_first": [], "direct_end": [], "gw_first": [], "gw_end": []}
        deadline = time.perf_counter() + PHASE_LIMIT_S
        for _ in range(rounds):
            if time.perf_counter() > deadline:
                break
            first, end = await direct_stream()
            stream_samples["direct_first"].append(first)
            stream_samples["direct_end"].append(end)
            first, end = await gateway_stream()
            stream_samples["gw_first"].append(first)
            stream_samples["gw_end"].append(end)
    return {"json": samples, "stream": stream_samples}


def _added(gateway: list[float], direct: list[float], q: float) -> float:
    """Added milliseconds at percentile ``q``: the gateway's percentile minus the direct call's."""
    return (percentile(gateway, q) - percentile(direct, q)) * 1000


def _paired_median_ms(gateway: list[float], direct: list[float]) -> float:
    """Median of the per-round differences (each gateway round against the direct round just before it)."""
    return percentile([g - d for g, d in zip(gateway, direct, strict=False)], 50) * 1000


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    rounds = ctx.pick(1200, 200)
    captured = ctx.upstream_requests()
    with services() as running, temp_dir("latency") as cache:
        fake, fake_url = start_fake(ctx.pinning, latency=0.0)
        running.append(fake)
        gateway, gateway_url, _ = start_gateway(ctx.pinning, fake_url, cache)
        running.append(gateway)
        log(f"latency: {rounds} interleaved rounds (JSON, then stream)")
        samples = run_async(_measure(gateway_url, fake_url, captured.extract, captured.stream, rounds))

    json_s, stream_s = samples["json"], samples["stream"]
    gw, sdk, raw = json_s["gateway"], json_s["direct_sdk"], json_s["direct_raw"]
    gw_first, direct_first = stream_s["gw_first"], stream_s["direct_first"]
    result.details = {
        "rounds_json": len(gw),
        "rounds_stream": len(gw_first),
        "upstream_latency_s": 0.0,
        "json": {
            "gateway": distribution_ms(gw),
            "direct_sdk": distribution_ms(sdk),
            "direct_sdk_post": distribution_ms(json_s["direct_post"]),
            "direct_raw_http": distribution_ms(raw),
            "added_p50_ms": round(_added(gw, sdk, 50), 3),
            "added_p99_ms": round(_added(gw, sdk, 99), 3),
            "added_paired_median_ms": round(_paired_median_ms(gw, sdk), 3),
            "added_over_sdk_post_p50_ms": round(_added(gw, json_s["direct_post"], 50), 3),
            "added_over_sdk_post_p99_ms": round(_added(gw, json_s["direct_post"], 99), 3),
            "added_over_raw_http_p50_ms": round(_added(gw, raw, 50), 3),
        },
        "stream": {
            "gateway_first_event": distribution_ms(gw_first),
            "gateway_end": distribution_ms(stream_s["gw_end"]),
            "direct_first_chunk": distribution_ms(direct_first),
            "direct_end": distribution_ms(stream_s["direct_end"]),
            "added_first_event_p50_ms": round(_added(gw_first, direct_first, 50), 3),
            "added_first_event_p99_ms": round(_added(gw_first, direct_first, 99), 3),
            "added_end_p50_ms": round(_added(stream_s["gw_end"], stream_s["direct_end"], 50), 3),
        },
    }
    j, s = result.details["json"], result.details["stream"]
    note = f"{len(gw)} rounds; gateway p50 {j['gateway']['p50_ms']} ms vs direct SDK {j['direct_sdk']['p50_ms']} ms"
    result.rows += [
        Row(
            NAME,
            "added latency p50, POST /extract/user_detail",
            j["added_p50_ms"],
            "ms",
            TARGET_ADDED_P50_MS,
            note=note,
        ),
        Row(
            NAME,
            "added latency p99, POST /extract/user_detail",
            j["added_p99_ms"],
            "ms",
            TARGET_ADDED_P99_MS,
            note=f"gateway p99 {j['gateway']['p99_ms']} ms vs direct SDK {j['direct_sdk']['p99_ms']} ms",
        ),
        Row(
            NAME,
            "added latency p50 over the lean direct call (SDK client.post)",
            j["added_over_sdk_post_p50_ms"],
            "ms",
            note=f"informative; client.post p50 {j['direct_sdk_post']['p50_ms']} ms; added p99 "
            f"{j['added_over_sdk_post_p99_ms']} ms; over raw HTTP (p50 {j['direct_raw_http']['p50_ms']} ms) "
            f"{j['added_over_raw_http_p50_ms']} ms",
        ),
        Row(
            NAME,
            "added time to first SSE event p50, /stream",
            s["added_first_event_p50_ms"],
            "ms",
            TARGET_ADDED_TTFE_MS,
            note=f"{len(gw_first)} rounds; first event {s['gateway_first_event']['p50_ms']} ms vs first chunk "
            f"{s['direct_first_chunk']['p50_ms']} ms; added p99 {s['added_first_event_p99_ms']} ms",
        ),
    ]
    return result
