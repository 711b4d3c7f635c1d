"""The embedded model through the whole gateway: load time, warm latency of one extraction, requests/s sustained.

Run: .venv/bin/python -m bench.local_model [--rounds 30] [--threads N] [--concurrency 4]

``python -m bench`` runs it as a subprocess through ``run`` (no OpenAI variables, ``GATEWAY_PROVIDER=local``).
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from gateway import Settings, create_app
from tests.live_server import LiveServer

if TYPE_CHECKING:
    from bench.common import BenchResult
    from bench.context import Context

TEXTS = ["Jason is 25 years old", "Sarah is 31 years old", "Maria Lopez, 42, lives in Madrid", "Linda is 19 years old"]
LIST_TEXTS = [
    "Jason is 25 years old. His sister Sarah is 30; they have 2 kids.",
    "Dr. Kwame Asante, 55, and Prof. Mira Patel, 48, reviewed 30 papers.",
    "Guests: Ana Ruiz, 33; Luis Ortega, 29; Omar Haddad (61) and little Mia, 4.",
    "Hugo (63) and his neighbour Clara (58) have shared a garden of 40 square metres since 1999.",
]


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
        list_latencies = []
        for index in range(max(len(LIST_TEXTS), rounds // 3)):
            started = time.perf_counter()
            response = await client.post(
                "/extract/user_detail/list", json={"text": LIST_TEXTS[index % len(LIST_TEXTS)]}
            )
            list_latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200
        per_schema = await _per_schema(client)
        health = (await client.get("/healthz")).json()
    return {
        "per_schema_p50_ms": per_schema,
        "model": health["model"],
        "load_seconds": round(health["local_model_load_seconds"], 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "requests_per_second": round(rounds / elapsed, 2),
        "list_p50_ms": round(statistics.median(list_latencies) * 1000, 1),
        "list_rounds": len(list_latencies),
        "concurrency": concurrency,
        "rounds": rounds,
        "non_200": failures,
    }


async def _per_schema(client: httpx.AsyncClient) -> dict[str, float]:
    """Median latency of one object for each shipped schema, over its own x-gateway.tests texts (after one
    warm-up request per schema)."""
    medians = {}
    for summary in (await client.get("/schemas")).json():
        detail = (await client.get(f"/schemas/{summary['name']}")).json()
        tests = (detail["json_schema"].get("x-gateway") or {}).get("tests", [])
        texts = [case["text"] for case in tests if isinstance(case["expect"], dict)]
        if not texts:
            continue
        route = f"/extract/{summary['name']}"
        await client.post(route, json={"text": texts[0]})
        latencies = []
        for text in texts:
            started = time.perf_counter()
            await client.post(route, json={"text": text})
            latencies.append(time.perf_counter() - started)
        medians[summary["name"]] = round(statistics.median(latencies) * 1000, 1)
    return medians


def run(ctx: "Context") -> "BenchResult":
    """The embedded model through the gateway, as a subprocess on every core (the model needs its own core)."""
    import os
    import shutil
    import subprocess

    from bench.common import PYTHON, REPO_ROOT, BenchResult, Row, log

    rounds = ctx.pick(30, 5)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "OPENAI_"))}
    env["GATEWAY_PROVIDER"] = "local"
    command = [PYTHON, "-m", "bench.local_model", "--rounds", str(rounds)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", ",".join(map(str, ctx.pinning.all_cpus)), *command]
    log(f"local: embedded model, {rounds} sequential + {rounds} at concurrency 4")
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=ctx.pick(400, 200), check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.local_model failed ({done.returncode}): {done.stderr[-2000:]}")
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result = BenchResult("local", details={**measured, "cpus": list(ctx.pinning.all_cpus)})
    note = f"{measured['model']}; {rounds} rounds, {measured['non_200']} non-200; threads {measured['threads']}"
    result.rows += [
        Row("local", "local model warm p50, user_detail", measured["p50_ms"], "ms", note=note),
        Row("local", "local model warm p95, user_detail", measured["p95_ms"], "ms"),
        Row(
            "local",
            "local model warm p50, user_detail list",
            measured["list_p50_ms"],
            "ms",
            note=f"{measured['list_rounds']} rounds over {len(LIST_TEXTS)} texts of 2-4 people",
        ),
        Row(
            "local",
            "local model requests/s (concurrency 4)",
            measured["requests_per_second"],
            "req/s",
            note=f"model load {measured['load_seconds']} s, gateway ready {measured['gateway_ready_seconds']} s",
        ),
    ]
    for schema, p50 in measured["per_schema_p50_ms"].items():
        result.rows.append(
            Row("local", f"local model p50, one {schema}", p50, "ms", note="over the schema's x-gateway.tests texts")
        )
    return result


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
