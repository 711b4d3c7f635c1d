"""Load generator: open loop (fixed send schedule) or closed loop (N workers), JSON or SSE routes.

Open loop: request ``i`` is due at ``t0 + i / rate`` whatever happened to the earlier ones, and its latency is
measured from that intended send time, so time spent queueing (in the generator or anywhere after) is counted,
not hidden (no coordinated omission). Closed loop: ``concurrency`` workers each send their next request when
the previous one finishes (used for CPU-per-request, where the schedule does not matter).

For SSE routes a request records the time to the first ``event:`` line and to the end of the stream.

Run as its own process (the benchmarks pin it to the load core) and read the JSON it prints::

    python -m bench.loadgen --url http://127.0.0.1:8000/extract/user_detail --rate 200 --duration 5
    python -m bench.loadgen --url ... --requests 2000 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.common import HOST, PYTHON, REPO_ROOT, USER_BODY, raise_nofile, run_async

CONNECTION_LIMIT = 2000


@dataclass
class Record:
    """One request: when it was due, whether it succeeded, latency (from the due time) and time to first event."""

    due: float
    ok: bool = False
    status: int = 0
    latency: float = math.inf
    ttfe: float | None = None
    error: str | None = None

    def to_list(self) -> list[Any]:
        """Compact form for the JSON output: [ok, status, latency_s, ttfe_s, error]."""
        latency = round(self.latency, 6) if math.isfinite(self.latency) else None
        ttfe = round(self.ttfe, 6) if self.ttfe is not None else None
        return [self.ok, self.status, latency, ttfe, self.error]


async def _one(session: aiohttp.ClientSession, url: str, body: bytes, sse: bool, record: Record) -> None:
    """Send one request and fill ``record``; never raises (errors are recorded)."""
    headers = {"content-type": "application/json", **EXTRA_HEADERS}
    try:
        async with session.post(url, data=body, headers=headers) as response:
            record.status = response.status
            if sse:
                saw_done = False
                async for line in response.content:
                    if record.ttfe is None and line.startswith(b"event:"):
                        record.ttfe = time.perf_counter() - record.due
                    if line.startswith(b"event: done") or line.startswith(b"event:done"):
                        saw_done = True
                ok = response.status == 200 and saw_done and record.ttfe is not None
            else:
                await response.read()
                ok = response.status == 200
            record.latency = time.perf_counter() - record.due
            record.ok = ok
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        record.error = type(exc).__name__
        record.latency = time.perf_counter() - record.due


# Sent with every request (--header), e.g. an API key.
EXTRA_HEADERS: dict[str, str] = {}


def _session(timeout: float) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=CONNECTION_LIMIT, limit_per_host=CONNECTION_LIMIT, force_close=False)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def open_loop(
    url: str, body: bytes, *, rate: float, duration: float, sse: bool, timeout_s: float, drain: float
) -> dict[str, Any]:
    """Send ``rate * duration`` requests on a fixed schedule; wait at most ``drain`` seconds after the last one."""
    count = max(1, round(rate * duration))
    records: list[Record] = []
    tasks: list[asyncio.Task[None]] = []
    max_lag = 0.0
    async with _session(timeout_s) as session:
        # Warm one connection so the first request does not pay for the connector's set-up alone.
        await _one(session, url, body, sse, Record(time.perf_counter()))
        start = time.perf_counter() + 0.05
        for i in range(count):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            max_lag = max(max_lag, time.perf_counter() - due)
            record = Record(due)
            records.append(record)
            tasks.append(asyncio.create_task(_one(session, url, body, sse, record)))
        sent_seconds = time.perf_counter() - start
        _, pending = await asyncio.wait(tasks, timeout=drain) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)
        elapsed = time.perf_counter() - start
    for record in records:
        if record.status == 0 and record.error is None and not record.ok:
            record.error = "not finished (drain)"
    ok = sum(record.ok for record in records)
    return {
        "mode": "open",
        "offered_rate": rate,
        "duration_s": duration,
        "requests": count,
        "ok": ok,
        "send_seconds": round(sent_seconds, 4),
        "send_rate": round(count / sent_seconds, 2) if sent_seconds > 0 else None,
        "max_send_lag_ms": round(max_lag * 1000, 3),
        "elapsed_s": round(elapsed, 4),
        "unfinished": len(pending),
        "records": [record.to_list() for record in records],
    }


async def closed_loop(
    url: str, body: bytes, *, requests: int, concurrency: int, sse: bool, timeout_s: float, limit_s: float
) -> dict[str, Any]:
    """``requests`` requests from ``concurrency`` workers, each sending as soon as its previous one finished."""
    records: list[Record] = []
    next_index = 0
    deadline = time.perf_counter() + limit_s

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal next_index
        while next_index < requests and time.perf_counter() < deadline:
            next_index += 1
            record = Record(time.perf_counter())
            records.append(record)
            await _one(session, url, body, sse, record)

    async with _session(timeout_s) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    ok = sum(record.ok for record in records)
    return {
        "mode": "closed",
        "concurrency": concurrency,
        "requests": len(records),
        "ok": ok,
        "elapsed_s": round(elapsed, 4),
        "rate": round(len(records) / elapsed, 2) if elapsed > 0 else None,
        "records": [record.to_list() for record in records],
    }


def run_process(cpus: Sequence[int], args: Sequence[str], *, timeout: float) -> dict[str, Any]:
    """Run ``python -m bench.loadgen ARGS`` pinned to ``cpus``, at most ``timeout`` seconds; its parsed JSON."""
    command = [PYTHON, "-m", "bench.loadgen", *args]
    if shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, cpus)), *command]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def parse_records(result: dict[str, Any]) -> list[Record]:
    """The per-request records of a load generator result."""
    records = []
    for ok, status, latency, ttfe, error in result["records"]:
        records.append(
            Record(0.0, ok=ok, status=status, latency=math.inf if latency is None else latency, ttfe=ttfe, error=error)
        )
    return records


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="Loopback URL to POST to.")
    parser.add_argument("--body", default=json.dumps(USER_BODY), help="JSON request body.")
    parser.add_argument("--sse", action="store_true", help="The route answers with server-sent events.")
    parser.add_argument("--rate", type=float, help="Open loop: requests per second.")
    parser.add_argument("--duration", type=float, default=5.0, help="Open loop: seconds of sending.")
    parser.add_argument("--drain", type=float, default=15.0, help="Open loop: seconds to wait after the last send.")
    parser.add_argument("--requests", type=int, default=1000, help="Closed loop: number of requests.")
    parser.add_argument("--concurrency", type=int, default=8, help="Closed loop: workers.")
    parser.add_argument("--limit", type=float, default=120.0, help="Closed loop: stop sending after this many s.")
    parser.add_argument("--timeout", type=float, default=30.0, help="Per-request timeout in seconds.")
    parser.add_argument("--header", action="append", default=[], help="'Name: value' sent with every request.")
    args = parser.parse_args(argv)
    for header in args.header:
        name, _, value = header.partition(":")
        EXTRA_HEADERS[name.strip()] = value.strip()
    if not args.url.startswith(f"http://{HOST}:"):
        parser.error(f"only http://{HOST} URLs are allowed")
    if args.rate is not None and not 0 < args.rate <= 5000:
        parser.error("--rate must be in (0, 5000]")
    if not 0 < args.duration <= 120 or not 0 < args.requests <= 200_000 or not 0 < args.concurrency <= 2000:
        parser.error("--duration, --requests or --concurrency out of bounds")
    raise_nofile()
    body = args.body.encode()
    # A run is short and bounded: no garbage-collector pauses in the generator, which would be measured as the
    # gateway's latency.
    gc.disable()
    if args.rate is not None:
        result = run_async(
            open_loop(
                args.url,
                body,
                rate=args.rate,
                duration=args.duration,
                sse=args.sse,
                timeout_s=args.timeout,
                drain=args.drain,
            )
        )
    else:
        result = run_async(
            closed_loop(
                args.url,
                body,
                requests=args.requests,
                concurrency=args.concurrency,
                sse=args.sse,
                timeout_s=args.timeout,
                limit_s=args.limit,
            )
        )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
