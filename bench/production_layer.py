"""What the production layer costs: CPU per request and the 500 req/s step (1 s upstream) with API keys, limits
(in the process, then in a real Redis), metrics and request ids on, against the open gateway (metrics and
request ids are always on; keys and limits off).

The key has limits far above the load, so every request is counted and none refused. Redis (Debian's
``redis-server``) runs on the load core.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import cpu, throughput
from bench.common import (
    BenchResult,
    Row,
    free_port,
    log,
    services,
    start_fake,
    start_gateway,
    temp_dir,
)
from bench.context import Context

NAME = "production"
RATE = 500
ADMIN = "bench-admin"


def _key(work: Path) -> tuple[Path, str]:
    """A keys file with one key whose limits the load never reaches."""
    from gateway.access.keys import create_key

    keys_file = work / "keys.yaml"
    secret = create_key(
        keys_file, "bench", requests_per_minute=10_000_000, tokens_per_day=10**15, concurrent_streams=100_000
    )
    return keys_file, secret


def _redis(cpus: list[int], work: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (make test-tools installs it)")
    port = free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, cpus)), *command]
    process = subprocess.Popen([*command, "--dir", str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"redis://127.0.0.1:{port}/0"


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    requests = ctx.pick(6000, 600)  # seconds of load each: CPU time is read in 10 ms ticks
    duration, drain = (3.0, 5.0) if ctx.quick else (5.0, 10.0)
    measured: dict[str, dict[str, Any]] = {}
    with services() as running, temp_dir("production") as work:
        keys_file, secret = _key(work)
        redis_process, redis_url = _redis(list(ctx.pinning.load_cpus), work)
        try:
            header = ("--header", f"Authorization: Bearer {secret}")
            setups: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
                "open": ({}, ()),
                "keys, limits in process": (
                    {"GATEWAY_API_KEYS_FILE": str(keys_file), "GATEWAY_ADMIN_KEY": ADMIN},
                    header,
                ),
                "keys, limits in Redis": (
                    {
                        "GATEWAY_API_KEYS_FILE": str(keys_file),
                        "GATEWAY_ADMIN_KEY": ADMIN,
                        "GATEWAY_REDIS_URL": redis_url,
                    },
                    header,
                ),
            }
            for label, (env, extra) in setups.items():
                fake, fake_url = start_fake(ctx.pinning, latency=0.0)
                running.append(fake)
                gateway, url, _ = start_gateway(ctx.pinning, fake_url, work / "cache", env=env)
                log(f"production: CPU per request, {label}")
                try:
                    measured[label] = {"cpu": cpu.measure(ctx.pinning, gateway, url, requests, extra)}
                finally:
                    gateway.stop()
                    fake.stop()
                    running.remove(fake)
                slow, slow_url = start_fake(ctx.pinning, latency=throughput.UPSTREAM_LATENCY_S)
                running.append(slow)
                gateway, url, _ = start_gateway(ctx.pinning, slow_url, work / "cache", env=env)
                log(f"production: {RATE} req/s with a 1 s upstream, {label} (after a warm-up step)")
                try:
                    throughput.run_step(ctx.pinning, gateway, url, RATE // 2, 2.0, 5.0, extra)
                    measured[label]["step"] = throughput.run_step(
                        ctx.pinning, gateway, url, RATE, duration, drain, extra
                    )
                finally:
                    gateway.stop()
                    slow.stop()
                    running.remove(slow)
        finally:
            redis_process.kill()
            redis_process.wait(10)
    result.details = {"requests": requests, "rate": RATE, "setups": measured}
    base_us = float(measured["open"]["cpu"]["cpu_us_per_request"])
    base_p99 = measured["open"]["step"]["p99_ms"]
    for label, figures in measured.items():
        us = float(figures["cpu"]["cpu_us_per_request"])
        step = figures["step"]
        note = f"{figures['cpu']['ok']}/{figures['cpu']['requests']} ok"
        if label != "open":
            note += f"; +{us - base_us:.0f} µs over the open gateway"
        result.rows.append(Row(NAME, f"CPU per request, {label}", us, "µs", note=note))
        served = float(step["served_ratio"])
        result.rows.append(
            Row(NAME, f"served/offered @ {RATE} req/s, {label}", served, "ratio", throughput.TARGET_SERVED, ">=",
                f"{step['ok']}/{step['requests']} ok; p50 {step['p50_ms']} ms; gateway CPU {step['gateway_cpu_share']}")
        )  # fmt: skip
        p99 = step["p99_ms"]
        added = None if p99 is None or base_p99 is None else round(float(p99) - float(base_p99), 1)
        result.rows.append(
            Row(NAME, f"p99 latency @ {RATE} req/s, {label}", p99, "ms", throughput.TARGET_P99_MS, "<=",
                "" if label == "open" else f"{added} ms over the open gateway in this run")
        )  # fmt: skip
    return result


if __name__ == "__main__":
    sys.exit("run it through `python -m bench --only production`")
