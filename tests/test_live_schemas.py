"""The live schema folder, on a served gateway: files added, edited, broken, fixed and deleted while requests run -
none fails, every answer names the version that gave it, a pinned client hears of a change, a broken edit keeps the
last good version serving."""

import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO, SHIPPED_SCHEMAS, GatewayFactory
from tests.fake_openai import FakeOpenAI
from tests.live_server import served_process
from tests.sse_client import StreamResult, read_stream

PET = {
    "title": "Pet",
    "description": "A pet and its owner.",
    "type": "object",
    "properties": {"name": {"type": "string", "description": "The pet's name"}, "age": {"type": "integer"}},
    "required": ["name"],
}


def write(folder: Path, name: str, document: Any) -> str:
    """Write a schema file (as an editor would: whole) and return the version it will be served as."""
    path = folder / name
    data = (document if isinstance(document, str) else json.dumps(document)).encode()
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()[:16]


def until(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the gateway did not pick the change up"
        time.sleep(0.02)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "user_detail.yaml").write_text((SHIPPED_SCHEMAS / "user_detail.yaml").read_text())
    return schemas


@pytest.fixture
def live(make_gateway: GatewayFactory, folder: Path) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=make_gateway(schemas_dir=folder), timeout=20) as client:
        yield client


def served_version(client: httpx.Client, name: str) -> str | None:
    response = client.post(f"/extract/{name}", json={"text": "Rex is 3"})
    return response.headers.get("schema-version") if response.status_code == 200 else None


def stream_in_thread(live: httpx.Client, path: str, body: dict[str, Any]) -> StreamResult:
    with httpx.Client(base_url=str(live.base_url), timeout=20) as client:
        return read_stream(client, path, body)


def test_a_new_file_is_served_without_a_restart(live: httpx.Client, folder: Path) -> None:
    assert live.post("/extract/pet", json={"text": "Rex is 3"}).status_code == 404
    version = write(folder, "pet.json", PET)
    until(lambda: served_version(live, "pet") == version)
    [summary] = [item for item in live.get("/schemas").json() if item["name"] == "pet"]
    assert summary["status"] == "ok" and summary["version"] == version and summary["live_since"]
    assert "/extract/pet" in live.get("/openapi.json").json()["paths"]
    assert live.get("/openapi/pet.json").json()["info"]["description"] == "A pet and its owner."
    assert live.get("/docs/pet").status_code == 200


def test_an_edit_is_served_and_a_stream_started_before_it_ends_on_its_own_version(
    live: httpx.Client, folder: Path, upstream: FakeOpenAI
) -> None:
    first = write(folder, "pet.json", PET)
    until(lambda: served_version(live, "pet") == first)
    upstream.chunk_size, upstream.chunk_delay = 2, 0.05  # a stream of ~1 s
    try:
        with ThreadPoolExecutor(1) as pool:
            started = pool.submit(stream_in_thread, live, "/extract/pet/stream", {"text": "Rex is 3"})
            time.sleep(0.2)
            second = write(folder, "pet.json", {**PET, "description": "A pet, edited."})
            until(lambda: served_version(live, "pet") == second)
            stream = started.result()
    finally:
        upstream.chunk_size, upstream.chunk_delay = 8, 0.0
    assert stream.status == 200 and stream.names[-3:] == ["final", "usage", "done"]
    assert stream.events[-1].id == first  # the version it started on answered it whole
    assert live.get("/openapi/pet.json").json()["info"]["description"] == "A pet, edited."


def test_a_broken_edit_keeps_the_last_good_version_serving_until_it_is_fixed(live: httpx.Client, folder: Path) -> None:
    good = write(folder, "pet.json", PET)
    until(lambda: served_version(live, "pet") == good)
    write(folder, "pet.json", json.dumps(PET).replace('"integer"', '"int"'))

    def stale() -> list[dict[str, Any]]:
        return [item for item in live.get("/schemas").json() if item["name"] == "pet" and item["status"] == "stale"]

    until(lambda: bool(stale()))
    [summary] = stale()
    assert summary["version"] == good and "did you mean `integer`" in summary["message"]
    assert "pet.json" in summary["message"] and "(line 1, column" in summary["message"]
    assert served_version(live, "pet") == good  # still serving
    ready = live.get("/readyz")
    assert ready.status_code == 200 and ready.json()["stale"][0]["name"] == "pet"
    fixed = write(folder, "pet.json", {**PET, "description": "Fixed."})
    until(lambda: served_version(live, "pet") == fixed)
    assert not stale() and live.get("/readyz").json()["stale"] == []


def test_a_deleted_file_ends_its_streams_whole_then_answers_404(
    live: httpx.Client, folder: Path, upstream: FakeOpenAI
) -> None:
    version = write(folder, "pet.json", PET)
    until(lambda: served_version(live, "pet") == version)
    upstream.chunk_size, upstream.chunk_delay = 2, 0.05
    try:
        with ThreadPoolExecutor(1) as pool:
            started = pool.submit(stream_in_thread, live, "/extract/pet/list/stream", {"text": "Rex is 3. Bo is 4."})
            time.sleep(0.2)
            (folder / "pet.json").unlink()
            until(lambda: live.post("/extract/pet", json={"text": "Rex is 3"}).status_code == 404)
            stream = started.result()
    finally:
        upstream.chunk_size, upstream.chunk_delay = 8, 0.0
    assert stream.status == 200 and stream.names[-1] == "done" and "error" not in stream.names
    assert "pet" not in {item["name"] for item in live.get("/schemas").json()}


def test_a_client_pinned_to_a_version_gets_412_once_the_schema_changed(live: httpx.Client, folder: Path) -> None:
    first = write(folder, "pet.json", PET)
    until(lambda: served_version(live, "pet") == first)
    pinned = {"If-Match": f'"{first}"'}
    assert live.post("/extract/pet", json={"text": "Rex is 3"}, headers=pinned).status_code == 200
    second = write(folder, "pet.json", {**PET, "description": "Changed."})
    until(lambda: served_version(live, "pet") == second)
    for route in ("/extract/pet", "/extract/pet/stream"):
        refused = live.post(route, json={"text": "Rex is 3"}, headers=pinned)
        assert refused.status_code == 412 and refused.headers["schema-version"] == second
        assert refused.json()["error"] | {"message": "", "request_id": ""} == {
            "type": "schema_version_mismatch",
            "message": "",
            "schema": "pet",
            "served_version": second,
            "request_id": "",
        }
    assert live.post("/extract/pet", json={"text": "Rex"}, headers={"If-Match": second}).status_code == 200


def test_a_burst_of_changes_under_load_fails_no_request(live: httpx.Client, folder: Path) -> None:
    # Load against a schema left alone and against the one being edited, while it is rewritten again and again
    # and another file comes and goes.
    first = write(folder, "pet.json", PET)
    until(lambda: served_version(live, "pet") == first)
    stop = threading.Event()
    outcomes: Counter[tuple[str, int]] = Counter()
    unversioned: list[str] = []
    lock = threading.Lock()

    def load(route: str) -> None:
        with httpx.Client(base_url=str(live.base_url), timeout=20) as client:
            while not stop.is_set():
                response = client.post(route, json={"text": "Rex is 3 years old"})
                with lock:
                    outcomes[(route, response.status_code)] += 1
                    if "schema-version" not in response.headers:
                        unversioned.append(route)

    def answered() -> int:
        with lock:
            return sum(outcomes.values())

    def answered_at_least(count: int) -> Callable[[], bool]:
        return lambda: answered() >= count

    routes = ["/extract/user_detail", "/extract/pet", "/extract/user_detail", "/extract/pet"]
    with ThreadPoolExecutor(len(routes)) as pool:
        workers = [pool.submit(load, route) for route in routes]
        for round_ in range(15):
            write(folder, "pet.json", {**PET, "description": f"Round {round_}."})
            if round_ % 5 == 2:
                write(folder, "other.json", {**PET, "title": "Other"})
            if round_ % 5 == 4:
                (folder / "other.json").unlink(missing_ok=True)
            # Answers, not wall time, pace the edits: every round overlaps requests, however slow the machine.
            until(answered_at_least(answered() + len(routes)))
        last = write(folder, "pet.json", {**PET, "description": "Settled."})
        until(lambda: served_version(live, "pet") == last)
        stop.set()
        for worker in workers:
            worker.result()
    assert {status for (_, status) in outcomes} == {200}, outcomes
    assert sum(outcomes.values()) >= 15 * len(routes) and not unversioned


def test_every_worker_serves_the_new_version_and_one_compiles_it(
    upstream: FakeOpenAI, codegen_cache: Path, folder: Path, tmp_path: Path
) -> None:
    settings = {
        "OPENAI_BASE_URL": upstream.base_url,
        "OPENAI_API_KEY": "test-key",
        "GATEWAY_CACHE_DIR": str(tmp_path / "shared-cache"),
        "GATEWAY_SCHEMAS_DIR": str(folder),
        "GATEWAY_WORKERS": "2",
        "GATEWAY_LOG_LEVEL": "debug",
    }
    with served_process(settings, cwd=REPO) as (client, log):
        version = write(folder, "pet.json", PET)
        until(lambda: sum("schema pet is live" in line for line in log) == 2, seconds=30)
        # Each request on a new connection, which either worker may accept: all 40 get the new version.
        closing = {"Connection": "close"}
        answers = [client.post("/extract/pet", json={"text": "Rex is 3"}, headers=closing) for _ in range(40)]
        assert {(answer.status_code, answer.headers.get("schema-version")) for answer in answers} == {(200, version)}
    assert sum("compiling" in line and "pet.json" in line for line in log) == 1, log
    assert sum("schema pet is live" in line for line in log) == 2, log
