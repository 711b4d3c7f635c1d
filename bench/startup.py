"""Start-up time and memory against the number of schema files.

For 0, 10, 100 and 1000 generated schema files (distinct small object schemas: 3-8 properties of
string/integer/enum/date with descriptions, every fourth with a ``$defs`` nested object), the gateway is started
twice with the same cache folder: cold (empty ``GATEWAY_CACHE_DIR``: every model generated) and warm (every
model from the cache), with every core (nothing else runs meanwhile). Measured: process start to ``/healthz``
answering 200, and VmRSS once ready. Reported: the time added over the 0-schema folder, cold and warm.

A cold start that passes ``COLD_LIMIT_S`` is stopped; the number of models it had written to the cache by then
gives its rate, and the full time is extrapolated from it (marked as such).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import BenchResult, Pinning, Row, log, rss_kib, start_gateway, temp_dir
from bench.context import Context

NAME = "startup"
FULL_COUNTS = (0, 10, 100, 1000)
QUICK_COUNTS = (0, 10, 50)
TARGET_ADDED_COLD_1000_S = 8.0
TARGET_ADDED_WARM_1000_S = 1.0
COLD_LIMIT_S = 300.0
REPEATS = 3  # warm starts (and the 0-schema baseline) are repeated and their median taken
WARM_LIMIT_S = 120.0
FAKE_UPSTREAM = "http://127.0.0.1:9/v1"  # never called: start-up does not reach the upstream

_WORDS = (
    "order customer invoice shipment ticket booking patient device sensor account payment product review "
    "vehicle employee project contract listing recipe flight hotel course student policy claim asset"
).split()
_FIELD_WORDS = (
    "name title city country email note reference status level category amount count total code label "
    "owner region channel priority summary source target rating size color"
).split()


def _property(rng: random.Random, field: str) -> dict[str, Any]:
    kind = rng.choice(("string", "integer", "enum", "date"))
    description = f"The {field.replace('_', ' ')} as stated in the text."
    if kind == "string":
        return {"type": "string", "maxLength": rng.choice((40, 80, 200)), "description": description}
    if kind == "integer":
        return {"type": "integer", "minimum": 0, "maximum": rng.choice((100, 1000, 100000)), "description": description}
    if kind == "enum":
        values = rng.sample(("low", "medium", "high", "open", "closed", "new", "done", "other"), rng.randint(2, 5))
        return {"type": "string", "enum": values, "description": description}
    return {"type": "string", "format": "date", "description": f"{description} As YYYY-MM-DD."}


def make_schema(index: int) -> dict[str, Any]:
    """Schema number ``index``: deterministic, distinct from every other index."""
    rng = random.Random(index)
    noun = _WORDS[index % len(_WORDS)]
    fields = rng.sample(_FIELD_WORDS, rng.randint(3, 8))
    properties = {f"{field}_{index}" if i == 0 else field: _property(rng, field) for i, field in enumerate(fields)}
    schema: dict[str, Any] = {
        "title": f"{noun.capitalize()}Record{index}",
        "description": f"A {noun} mentioned in the text (generated schema {index}).",
        "type": "object",
        "properties": properties,
        "required": [next(iter(properties))],
    }
    if index % 4 == 0:
        schema["$defs"] = {
            "Address": {
                "type": "object",
                "description": "A postal address.",
                "properties": {
                    "street": {"type": "string", "description": "Street and number."},
                    "city": {"type": "string", "description": "City name."},
                    "postcode": {"type": "string", "maxLength": 12, "description": "Postal code."},
                },
                "required": ["city"],
            }
        }
        schema["properties"]["address"] = {"$ref": "#/$defs/Address", "description": "Where it is."}
    return schema


def write_schemas(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        noun = _WORDS[index % len(_WORDS)]
        (folder / f"s{index:04d}_{noun}.json").write_text(json.dumps(make_schema(index), indent=1))


def _start_once(pinning: Pinning, schemas: Path, cache: Path, limit_s: float, label: str) -> dict[str, Any]:
    """Start the gateway, time it to ready, read its RSS, stop it. A start past ``limit_s`` is cut off."""
    try:
        service, _, ready = start_gateway(
            pinning, FAKE_UPSTREAM, cache, schemas_dir=schemas, name=f"gateway-startup-{label}", ready_timeout=limit_s
        )
    except TimeoutError:
        cached = len(list(cache.glob("*.json")))
        return {"ready_s": None, "capped_at_s": limit_s, "models_cached_when_capped": cached}
    try:
        return {"ready_s": round(ready, 3), "rss_kib": rss_kib(service.pid)}
    finally:
        service.stop()


def _start_median(
    pinning: Pinning, schemas: Path, cache: Path, limit_s: float, label: str, repeats: int
) -> dict[str, Any]:
    """``repeats`` starts with the same folders; the median ready time (and that start's RSS), all times kept."""
    runs = [_start_once(pinning, schemas, cache, limit_s, f"{label}-{i}") for i in range(repeats)]
    finished = sorted((run for run in runs if run["ready_s"] is not None), key=lambda run: float(run["ready_s"]))
    if not finished:
        return runs[0]
    median = dict(finished[(len(finished) - 1) // 2])
    median["all_ready_s"] = [run["ready_s"] for run in runs]
    return median


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    counts = QUICK_COUNTS if ctx.quick else FULL_COUNTS
    repeats = ctx.pick(REPEATS, 1)
    measured: dict[int, dict[str, Any]] = {}
    # Nothing else runs during a start: the gateway gets every core (a cold start compiles new files on one
    # worker process per core).
    pinning = replace(ctx.pinning, server_cpus=ctx.pinning.all_cpus)
    result.details = {"gateway_cpus": list(pinning.server_cpus)}
    with temp_dir("startup") as work:
        for count in counts:
            schemas, cache = work / f"schemas-{count}", work / f"cache-{count}"
            write_schemas(schemas, count)
            cache.mkdir()
            log(f"startup: {count} schemas, cold")
            started = time.perf_counter()
            if count == 0:  # nothing to generate: cold and warm are the same start, repeated like warm ones
                cold = _start_median(pinning, schemas, cache, COLD_LIMIT_S, f"{count}-cold", repeats)
            else:
                cold = _start_once(pinning, schemas, cache, COLD_LIMIT_S, f"{count}-cold")
            if cold["ready_s"] is None:
                elapsed = time.perf_counter() - started
                done = max(1, int(cold["models_cached_when_capped"]))
                cold["extrapolated_ready_s"] = round(elapsed / done * count, 1)
                cold["models_per_second"] = round(done / elapsed, 2)
                log(f"startup: cold start cut off after {elapsed:.0f} s with {done}/{count} models generated")
            log(f"startup: {count} schemas, warm")
            if cold["ready_s"] is None:
                warm = {"ready_s": None, "skipped": "the cold start was cut off, so the cache is incomplete"}
            else:
                warm = _start_median(pinning, schemas, cache, WARM_LIMIT_S, f"{count}-warm", repeats)
            measured[count] = {"cold": cold, "warm": warm}
            log(f"startup: {count} schemas: cold {cold['ready_s']} s, warm {warm['ready_s']} s")

    base_cold = measured[0]["cold"]["ready_s"]
    base_warm = measured[0]["warm"]["ready_s"]
    for runs in measured.values():
        for kind in ("cold", "warm"):
            entry = runs[kind]
            ready = entry["ready_s"]
            base = base_cold if kind == "cold" else base_warm
            extrapolated = ready is None and "extrapolated_ready_s" in entry
            if ready is not None and base is not None:
                entry["added_s"] = round(ready - base, 3)
            elif extrapolated and base is not None:
                entry["added_s_extrapolated"] = round(entry["extrapolated_ready_s"] - base, 1)
    result.details.update(counts=list(counts), cold_limit_s=COLD_LIMIT_S, measured=measured)

    for count, runs in measured.items():
        if count == 0:
            for kind in ("cold", "warm"):
                entry = runs[kind]
                result.rows.append(
                    Row(
                        NAME,
                        f"ready, 0 schemas, {kind}",
                        entry["ready_s"],
                        "s",
                        note=f"RSS {entry.get('rss_kib')} KiB (the baseline)",
                    )
                )
            continue
        for kind in ("cold", "warm"):
            entry = runs[kind]
            target = None
            if count == 1000:
                target = TARGET_ADDED_COLD_1000_S if kind == "cold" else TARGET_ADDED_WARM_1000_S
            if "added_s" in entry:
                value, note = entry["added_s"], f"ready {entry['ready_s']} s, RSS {entry['rss_kib']} KiB"
                if "all_ready_s" in entry:
                    note += f"; median of starts {entry['all_ready_s']} s"
            elif "skipped" in entry:
                value, note = None, f"not measured: {entry['skipped']}"
            else:
                value = entry.get("added_s_extrapolated")
                note = (
                    f"EXTRAPOLATED: cut off at {entry.get('capped_at_s')} s with "
                    f"{entry.get('models_cached_when_capped')} models generated ({entry.get('models_per_second')}/s)"
                )
            result.rows.append(
                Row(NAME, f"added start-up time, {count} schemas, {kind}", value, "s", target, note=note)
            )
    return result
