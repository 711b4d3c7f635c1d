"""Sustained throughput: open-loop load at fixed offered rates, with a 1 s upstream.

For each offered rate the load generator (own process, load core) sends ``rate * duration`` requests on a fixed
schedule and waits a bounded drain time; achieved/offered is the share of requests that completed OK within
the run plus drain, and latency is measured from each request's intended send time (queueing included). If
the gateway is still busy with abandoned requests after a step, it is restarted so that steps do not pollute
each other. Once a step serves under a tenth of what was offered, the higher steps are skipped (marked so).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from bench import loadgen
from bench.common import (
    BenchResult,
    Pinning,
    Row,
    Service,
    cpu_seconds,
    distribution_ms,
    log,
    ms,
    percentile,
    services,
    start_fake,
    start_gateway,
    steal_seconds,
    temp_dir,
)
from bench.context import Context

NAME = "throughput"
UPSTREAM_LATENCY_S = 1.0
FULL_RATES = (100, 200, 300, 400, 500, 600, 800)
QUICK_RATES = (100, 300)
TARGET_SERVED = 0.95
TARGET_P99_MS = 1050.0
TARGET_UP_TO_RATE = 500
COLLAPSE_SERVED = 0.1  # below this the gateway is down or hopelessly behind: skip the higher rates
# A step during which the hypervisor took more than this share of the gateway's core is flagged.
STEAL_FLAG = 0.10


def _wait_idle(pid: int, limit_s: float, busy_share: float = 0.05) -> bool:
    """True once process ``pid`` uses under ``busy_share`` of a core over 0.5 s (checked for ``limit_s``)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.5 * busy_share:
            return True
    return False


def run_step(
    pinning: Pinning, gateway: Service, url: str, rate: int, duration: float, drain: float, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One open-loop step at ``rate`` (``extra``: loadgen arguments)."""
    args = ["--url", f"{url}/extract/user_detail", "--rate", str(rate), "--duration", str(duration), *extra]
    args += ["--drain", str(drain), "--timeout", str(duration + drain)]
    cpu_before, steal_before = cpu_seconds(gateway.pid), steal_seconds(pinning.server_cpus)
    outcome = loadgen.run_process(pinning.load_cpus, args, timeout=duration + drain + 60)
    cpu_used = cpu_seconds(gateway.pid) - cpu_before
    stolen = steal_seconds(pinning.server_cpus) - steal_before
    records = loadgen.parse_records(outcome)
    latencies = [record.latency if record.ok else math.inf for record in records]
    ok_latencies = [record.latency for record in records if record.ok]
    errors: dict[str, int] = {}
    for record in records:
        if not record.ok:
            key = record.error or f"http {record.status}"
            errors[key] = errors.get(key, 0) + 1
    requests = int(outcome["requests"])
    return {
        "offered_rate": rate,
        "requests": requests,
        "ok": int(outcome["ok"]),
        "served_ratio": round(int(outcome["ok"]) / max(1, requests), 4),
        # Failed requests count as infinitely slow, so p99 is None (not finite) once more than 1% failed.
        "p99_ms": ms(percentile(latencies, 99)),
        "p50_ms": ms(percentile(latencies, 50)),
        "ok_latency": distribution_ms(ok_latencies),
        "errors": errors,
        "load_send_rate": outcome["send_rate"],
        "load_max_send_lag_ms": outcome["max_send_lag_ms"],
        "gateway_cpu_share": round(cpu_used / max(1e-9, float(outcome["elapsed_s"])), 3),
        "gateway_core_steal_share": round(stolen / max(1e-9, float(outcome["elapsed_s"])), 3),
    }


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    rates = QUICK_RATES if ctx.quick else FULL_RATES
    duration = 3.0 if ctx.quick else 5.0
    drain = 5.0 if ctx.quick else 10.0
    steps: list[dict[str, Any]] = []
    with services() as running, temp_dir("throughput") as cache:
        fake, fake_url = start_fake(ctx.pinning, latency=UPSTREAM_LATENCY_S)
        running.append(fake)
        gateway = _start(ctx.pinning, fake_url, cache, running)
        collapsed_at: int | None = None
        for rate in rates:
            if collapsed_at is not None:
                steps.append({"offered_rate": rate, "skipped": f"served < {COLLAPSE_SERVED:.0%} at {collapsed_at}"})
                continue
            service, url = gateway
            log(f"throughput: {rate} req/s for {duration:.0f} s (+ up to {drain:.0f} s drain)")
            step = run_step(ctx.pinning, service, url, rate, duration, drain)
            steps.append(step)
            log(f"throughput: {rate} req/s -> served {step['served_ratio']:.3f}, p99 {step['p99_ms']} ms")
            if step["served_ratio"] < COLLAPSE_SERVED:
                collapsed_at = rate
            elif not _wait_idle(service.pid, 10.0):
                log("throughput: gateway still busy after the step; restarting it")
                service.stop()
                running.remove(service)
                gateway = _start(ctx.pinning, fake_url, cache, running)
    result.details = {
        "upstream_latency_s": UPSTREAM_LATENCY_S,
        "duration_s": duration,
        "drain_s": drain,
        "steps": steps,
    }
    for step in steps:
        rate = int(step["offered_rate"])
        held = rate <= TARGET_UP_TO_RATE
        if "skipped" in step:
            note = f"skipped: {step['skipped']}"
            result.rows.append(
                Row(NAME, f"served/offered @ {rate} req/s", None, "ratio", TARGET_SERVED if held else None, ">=", note)
            )
            continue
        note = (
            f"{step['ok']}/{step['requests']} ok; p50 {step['p50_ms']} ms; gateway CPU {step['gateway_cpu_share']}; "
            f"stolen from its core {step['gateway_core_steal_share']:.1%}; "
            f"sent at {step['load_send_rate']} req/s (max lag {step['load_max_send_lag_ms']} ms)"
        )
        if step["errors"]:
            note += "; errors " + ", ".join(f"{k}: {v}" for k, v in sorted(step["errors"].items()))
        result.rows.append(
            Row(
                NAME,
                f"served/offered @ {rate} req/s",
                step["served_ratio"],
                "ratio",
                TARGET_SERVED if held else None,
                ">=",
                note,
            )
        )
        p99 = step["p99_ms"]
        p99_note = "" if p99 is not None else "over 1% of requests failed or did not finish"
        if step["gateway_core_steal_share"] > STEAL_FLAG:
            p99_note = (
                f"**host busy**: the hypervisor took {step['gateway_core_steal_share']:.0%} of the gateway's core "
                "during this step (pauses every request in flight); not comparable. " + p99_note
            ).strip()
        result.rows.append(
            Row(
                NAME,
                f"p99 latency @ {rate} req/s",
                p99,
                "ms",
                TARGET_P99_MS if held else None,
                note=p99_note,
            )
        )
    return result


def _start(pinning: Pinning, fake_url: str, cache: Path, running: list[Service]) -> tuple[Service, str]:
    service, url, _ = start_gateway(pinning, fake_url, cache)
    running.append(service)
    return service, url
