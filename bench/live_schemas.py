"""Time to live of a schema file dropped into the served folder: from the file being written (closed) to the
first ``POST /extract/<name>`` answered by it, polled every 5 ms. Also an edit of a served file (a new version)
and a file that breaks (the last good version keeps answering; only the time to a ``stale`` status is timed).

The gateway serves a folder holding only user_detail (from the fake upstream: no model needed) on the server core;
each new file is a distinct small object schema (never seen by the cache), written whole as an editor saves it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from bench.common import BenchResult, Row, distribution_ms, log, start_fake, start_gateway, temp_dir
from bench.context import Context

NAME = "live"
TARGET_NEW_FILE_MS = 300.0
POLL_SECONDS = 0.005


def _schema(index: int, description: str = "A thing and its count.") -> str:
    return json.dumps(
        {
            "title": f"Thing{index}",
            "description": description,
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "The thing's name."},
                "count": {"type": "integer", "description": "How many there are."},
            },
            "required": ["name"],
        }
    )


def _until(client: httpx.Client, name: str, version_changed_from: str | None, started: float) -> float:
    while True:
        response = client.post(f"/extract/{name}", json={"text": "Widget x 3"})
        if response.status_code == 200 and response.headers.get("schema-version") != version_changed_from:
            return time.perf_counter() - started
        if time.perf_counter() - started > 30:
            raise RuntimeError(f"{name} was not served within 30 s")
        time.sleep(POLL_SECONDS)


def run(ctx: Context) -> BenchResult:
    result = BenchResult(NAME)
    rounds = ctx.pick(20, 5)
    with temp_dir("live") as work:
        schemas, cache = work / "schemas", work / "cache"
        schemas.mkdir()
        (schemas / "user_detail.yaml").write_text((Path("schemas") / "user_detail.yaml").read_text())
        fake, fake_url = start_fake(ctx.pinning)
        gateway, url, _ = start_gateway(ctx.pinning, fake_url, cache, schemas_dir=schemas)
        try:
            with httpx.Client(base_url=url, timeout=10) as client:
                new, edited = [], []
                for index in range(rounds):
                    path = schemas / f"thing_{index}.json"
                    started = time.perf_counter()
                    path.write_text(_schema(index))
                    new.append(_until(client, path.stem, None, started))
                    version = client.post(f"/extract/{path.stem}", json={"text": "x"}).headers["schema-version"]
                    started = time.perf_counter()
                    path.write_text(_schema(index, f"Edited {index}."))
                    edited.append(_until(client, path.stem, version, started))
                log(f"live: {rounds} new files, {rounds} edits")
        finally:
            gateway.stop()
            fake.stop()
    new_ms, edited_ms = distribution_ms(new), distribution_ms(edited)
    result.details = {"new_file": new_ms, "edit": edited_ms, "rounds": rounds}
    result.rows += [
        Row(NAME, "new schema file served after its write, p50", new_ms["p50_ms"], "ms", target=TARGET_NEW_FILE_MS),
        Row(NAME, "new schema file served after its write, max", new_ms["max_ms"], "ms", note=f"{rounds} files"),
        Row(NAME, "edited schema file's new version served, p50", edited_ms["p50_ms"], "ms"),
    ]
    return result
