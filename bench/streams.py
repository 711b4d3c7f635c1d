"""Memory per open SSE stream of the gateway.

The fake upstream sends one character of the answer every ``CHUNK_DELAY_S`` seconds, so a stream stays open for
over a minute. The client opens ``n`` concurrent ``POST /extract/user_detail/stream`` connections, reads each
until its first SSE event (the stream is then established end to end), and the gateway's VmRSS is read while
all are held; KiB per stream = (RSS held - RSS just before) / n. The streams are then closed (the gateway
cancels their upstream calls) before the next step.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp

from bench.common import (
    USER_BODY,
    BenchResult,
    Row,
    cpu_seconds,
    log,
    raise_nofile,
    rss_kib,
    run_async,
    services,
    start_fake,
    start_gateway,
    temp_dir,
)
from bench.context import Context

NAME = "streams"
CHUNK_DELAY_S = 3.0  # one answer character per 3 s: a stream lasts ~80 s
TARGET_KIB_PER_STREAM = 200.0
WARMUP_STREAMS = 20
OPEN_LIMIT_S = 90.0  # every stream must show its first event within this


async def _hold(url: str, count: int, pid: int) -> dict[str, Any]:
    """Open ``count`` streams, wait for each one's first event, read the gateway's RSS, then close them."""
    body = json.dumps(USER_BODY).encode()
    headers = {"content-type": "application/json"}
    connector = aiohttp.TCPConnector(limit=count + 10, limit_per_host=count + 10)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30)
    established = asyncio.Event()
    release = asyncio.Event()
    first_event: list[float] = []
    failures: dict[str, int] = {}
    responses: list[aiohttp.ClientResponse] = []

    async def one(session: aiohttp.ClientSession, started: float) -> None:
        try:
            async with session.post(url, data=body, headers=headers) as response:
                if response.status != 200:
                    failures[f"http {response.status}"] = failures.get(f"http {response.status}", 0) + 1
                    return
                responses.append(response)
                async for line in response.content:
                    if line.startswith(b"event:"):
                        first_event.append(time.perf_counter() - started)
                        break
                else:
                    failures["no event"] = failures.get("no event", 0) + 1
                    return
                if len(first_event) == count:
                    established.set()
                await release.wait()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1

    rss_before = rss_kib(pid)
    cpu_before = cpu_seconds(pid)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        tasks = [asyncio.create_task(one(session, started)) for _ in range(count)]
        deadline = started + OPEN_LIMIT_S
        while not established.is_set() and time.perf_counter() < deadline:
            if all(task.done() for task in tasks):
                break
            await asyncio.sleep(0.1)
        open_seconds = time.perf_counter() - started
        await asyncio.sleep(0.5)  # let the gateway settle on the held state
        rss_held = rss_kib(pid)
        # Still open: the gateway has not ended the response (aiohttp keeps reading into each buffer).
        held = sum(1 for response in responses if not response.content.is_eof() and not response.closed)
        release.set()
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks, timeout=10)
    first_sorted = sorted(first_event)
    return {
        "streams": count,
        "first_event_received": len(first_event),
        "held_open_at_measurement": held,
        "failures": failures,
        "open_seconds": round(open_seconds, 2),
        "first_event_p50_s": round(first_sorted[len(first_sorted) // 2], 3) if first_sorted else None,
        "first_event_max_s": round(first_sorted[-1], 3) if first_sorted else None,
        "rss_before_kib": rss_before,
        "rss_held_kib": rss_held,
        "kib_per_stream": round((rss_held - rss_before) / count, 1),
        "gateway_cpu_seconds_to_open": round(cpu_seconds(pid) - cpu_before, 2),
    }


def _settle(pid: int, limit_s: float = 15.0) -> None:
    """Wait until the gateway is idle again (closed streams torn down), at most ``limit_s`` seconds."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before <= 0.02:
            return


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    counts = (50, 200) if ctx.quick else (100, 1000)
    nofile = raise_nofile()
    steps: list[dict[str, Any]] = []
    with services() as running, temp_dir("streams") as cache:
        fake, fake_url = start_fake(ctx.pinning, latency=0.0, chunk_delay=CHUNK_DELAY_S, chunk_size=1)
        running.append(fake)
        gateway, gateway_url, _ = start_gateway(ctx.pinning, fake_url, cache)
        running.append(gateway)
        url = f"{gateway_url}/extract/user_detail/stream"
        log(f"streams: warm-up with {WARMUP_STREAMS} streams")
        run_async(_hold(url, WARMUP_STREAMS, gateway.pid))
        _settle(gateway.pid)
        for count in counts:
            log(f"streams: holding {count} concurrent streams")
            step = run_async(_hold(url, count, gateway.pid))
            steps.append(step)
            log(
                f"streams: {step['first_event_received']}/{count} established in {step['open_seconds']} s, "
                f"{step['kib_per_stream']} KiB/stream"
            )
            _settle(gateway.pid)
    result.details = {"chunk_delay_s": CHUNK_DELAY_S, "chunk_size": 1, "open_files_limit": nofile, "steps": steps}
    for step in steps:
        count = step["streams"]
        note = (
            f"RSS {step['rss_before_kib']} -> {step['rss_held_kib']} KiB; opened in {step['open_seconds']} s "
            f"(first event p50 {step['first_event_p50_s']} s, max {step['first_event_max_s']} s)"
        )
        result.rows.append(
            Row(
                NAME,
                f"RSS per open stream @ {count} streams",
                step["kib_per_stream"],
                "KiB",
                TARGET_KIB_PER_STREAM,
                note=note,
            )
        )
    last = steps[-1]
    held = min(int(last["first_event_received"]), int(last["held_open_at_measurement"]))
    failures = ", ".join(f"{k}: {v}" for k, v in last["failures"].items()) or "none"
    result.rows.append(
        Row(
            NAME,
            f"streams held of {last['streams']}",
            held,
            "streams",
            float(last["streams"]),
            ">=",
            note=f"failures: {failures}",
        )
    )
    return result
