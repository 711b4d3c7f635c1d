"""CPU time per request of the gateway process, against a bare FastAPI relay of the same upstream payload.

The relay (``bench/relay.py``) is measured twice: calling the SDK the way the gateway does (``client.post``, no
parameter transform: the main baseline) and with ``chat.completions.create`` (the SDK's usual call, which adds
its TypedDict transform). Every server runs alone on the server core, served the same way (uvicorn defaults),
in front of the same fake upstream (latency 0) on the load core. The load generator sends ``N`` requests from a
few concurrent workers (closed loop); CPU per request is the server's utime+stime (``/proc/<pid>/stat``) over
the phase divided by the requests sent.
"""

from __future__ import annotations

from typing import Any

from bench import loadgen
from bench.common import (
    BenchResult,
    Pinning,
    Row,
    Service,
    cpu_seconds,
    log,
    rss_kib,
    services,
    start_fake,
    start_gateway,
    start_relay,
    temp_dir,
)
from bench.context import Context

NAME = "cpu"
CONCURRENCY = 8
WARMUP = 100


def measure(pinning: Pinning, server: Service, url: str, requests: int, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Warm the server up, then count its CPU seconds over ``requests`` requests (``extra``: loadgen arguments)."""
    route = f"{url}/extract/user_detail"
    warm = ["--url", route, "--requests", str(WARMUP), "--concurrency", str(CONCURRENCY), *extra]
    loadgen.run_process(pinning.load_cpus, warm, timeout=120)
    before = cpu_seconds(server.pid)
    args = ["--url", route, "--requests", str(requests), "--concurrency", str(CONCURRENCY), "--limit", "150", *extra]
    outcome = loadgen.run_process(pinning.load_cpus, args, timeout=240)
    after = cpu_seconds(server.pid)
    sent, ok = int(outcome["requests"]), int(outcome["ok"])
    return {
        "requests": sent,
        "ok": ok,
        "cpu_seconds": round(after - before, 3),
        "cpu_us_per_request": round((after - before) / max(1, sent) * 1e6, 1),
        "requests_per_second": outcome["rate"],
        "rss_kib_after": rss_kib(server.pid),
    }


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    requests = ctx.pick(2000, 300)
    captured = ctx.upstream_requests()
    with services() as running, temp_dir("cpu") as work:
        fake, fake_url = start_fake(ctx.pinning, latency=0.0)
        running.append(fake)

        gateway, gateway_url, _ = start_gateway(ctx.pinning, fake_url, work / "cache")
        log(f"cpu: gateway, {requests} requests at concurrency {CONCURRENCY}")
        try:
            measured_gateway = measure(ctx.pinning, gateway, gateway_url, requests)
        finally:
            gateway.stop()

        template = captured.save(work)
        relays: dict[str, dict[str, Any]] = {}
        for mode in ("post", "create"):
            relay, relay_url = start_relay(ctx.pinning, fake_url, template, mode)
            log(f"cpu: bare FastAPI relay (SDK {mode}), {requests} requests at concurrency {CONCURRENCY}")
            try:
                relays[mode] = measure(ctx.pinning, relay, relay_url, requests)
            finally:
                relay.stop()

    gateway_us = float(measured_gateway["cpu_us_per_request"])
    measured_relay, measured_create = relays["post"], relays["create"]
    relay_us = float(measured_relay["cpu_us_per_request"])
    create_us = float(measured_create["cpu_us_per_request"])
    ratio = round(gateway_us / relay_us, 2) if relay_us > 0 else None
    result.details = {
        "concurrency": CONCURRENCY,
        "clock_ticks_per_second_note": "utime+stime from /proc have 10 ms resolution; phases last seconds",
        "gateway": measured_gateway,
        "relay_sdk_post": measured_relay,
        "relay_sdk_create": measured_create,
        "ratio": ratio,
        "ratio_vs_sdk_create_relay": round(gateway_us / create_us, 2) if create_us > 0 else None,
    }
    result.rows += [
        Row(
            NAME,
            "gateway CPU per request",
            gateway_us,
            "µs",
            note=f"{measured_gateway['ok']}/{measured_gateway['requests']} ok, "
            f"{measured_gateway['requests_per_second']} req/s at concurrency {CONCURRENCY}",
        ),
        Row(
            NAME,
            "bare FastAPI relay CPU per request (SDK client.post)",
            relay_us,
            "µs",
            note=f"{measured_relay['ok']}/{measured_relay['requests']} ok, "
            f"{measured_relay['requests_per_second']} req/s",
        ),
        Row(
            NAME,
            "bare FastAPI relay CPU per request (SDK chat.completions.create)",
            create_us,
            "µs",
            note=f"{measured_create['ok']}/{measured_create['requests']} ok, "
            f"{measured_create['requests_per_second']} req/s; the SDK's parameter transform included",
        ),
        Row(
            NAME,
            "gateway / relay CPU ratio",
            ratio,
            "x",
            note=f"against the client.post relay; {result.details['ratio_vs_sdk_create_relay']} x against the "
            "create relay; informative (no target given)",
        ),
    ]
    return result
