"""The embedded model through the whole gateway: load time, warm latency of one extraction, requests/s sustained.

Run: .venv/bin/python -m bench.local_model [--rounds 30] [--threads N] [--concurrency 4]
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from gateway import Settings, create_app
from tests.live_server import LiveServer

TEXTS = ["Jason is 25 years old", "Sarah is 31 years old", "Maria Lopez, 42, lives in Madrid", "Linda is 19 years old"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(url: str, rounds: int, concurrency: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        for text in TEXTS:  # warm-up
            await client.post("/extract/user_detail", json={"text": text})
        latencies, failures = [], 0
        for index in range(rounds):
            started = time.perf_counter()
            response = await client.post("/extract/user_detail", json={"text": TEXTS[index % len(TEXTS)]})
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200
        started = time.perf_counter()
        jobs = [client.post("/extract/user_detail", json={"text": TEXTS[i % len(TEXTS)]}) for i in range(rounds)]
        semaphore = asyncio.Semaphore(concurrency)

        async def bounded(job: Any) -> None:
            async with semaphore:
                await job

        await asyncio.gather(*(bounded(job) for job in jobs))
        elapsed = time.perf_counter() - started
        health = (await client.get("/healthz")).json()
    return {
        "model": health["model"],
        "load_seconds": round(health["local_model_load_seconds"], 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "requests_per_second": round(rounds / elapsed, 2),
        "concurrency": concurrency,
        "rounds": rounds,
        "non_200": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        settings = Settings(
            provider="local", local_threads=args.threads, schemas_dir=Path("schemas"), cache_dir=Path(cache)
        )
        started = time.perf_counter()
        with LiveServer(create_app(settings)) as server:
            ready = time.perf_counter() - started
            result = asyncio.run(measure(server.url, args.rounds, args.concurrency))
    result["gateway_ready_seconds"] = round(ready, 2)
    result["threads"] = args.threads or "default"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
