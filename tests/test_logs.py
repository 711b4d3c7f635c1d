"""The log of a served gateway (`gateway serve` as a real process): the start-up summary, and exactly one line per
failed request with what an operator needs."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import REPO, served_env
from tests.fake_openai import FakeOpenAI
from tests.live_server import served_process
from tests.sse_client import read_stream


@contextmanager
def served(upstream: FakeOpenAI, cache: Path, **env: str) -> Iterator[tuple[httpx.Client, list[str]]]:
    """`gateway serve` against the fake upstream; yields a client and, once the server has stopped, its log."""
    with served_process(served_env(upstream, cache, GATEWAY_MAX_RETRIES="1", **env), cwd=REPO) as (client, log):
        yield client, log


def request_lines(log: list[str]) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in log]
    return [line for line in lines if line["logger"] == "gateway.requests"]


def test_each_failed_request_leaves_exactly_one_json_line(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    with served(upstream, codegen_cache, GATEWAY_LOG_FORMAT="json") as (client, log):
        assert client.post("/extract/user_detail", json={"text": "Jason is 25"}).status_code == 200
        assert client.post("/extract/user_detail", json={"text": "Ann is 3 [[fault:500]]"}).status_code == 502
        assert client.post("/extract/user_detail", json={"text": "Bo is 4 [[fault:invalid]]"}).status_code == 422
        stream = read_stream(client, "/extract/user_detail/stream", {"text": "Cy is 5 [[fault:drop]]"})
        assert stream.status == 200 and stream.names[-3:] == ["error", "usage", "done"]
        assert client.post("/extract/nope", json={"text": "x"}).status_code == 404
    lines = request_lines(log)
    assert [(line["path"], line["status"], line["error_type"]) for line in lines] == [
        ("/extract/user_detail", 502, "upstream_error"),
        ("/extract/user_detail", 422, "extraction_failed"),
        ("/extract/user_detail/stream", 200, "upstream_error"),
        ("/extract/nope", 404, "unknown_schema"),
    ]
    upstream_failure, invalid, dropped, unknown = lines
    assert upstream_failure["upstream_status"] == 500 and upstream_failure["attempts"] == 1
    assert "upstream said:" in upstream_failure["message"]  # the upstream's own words: in the log, not the answer
    assert len({line["request_id"] for line in lines}) == len(lines)
    assert invalid["attempts"] == 2  # max_retries=1: the first answer and one re-ask
    assert dropped["attempts"] == 1 and "upstream_status" not in dropped
    for line in lines:
        assert line["method"] == "POST" and line["level"] in {"info", "warning"}
        assert line["duration_ms"] >= 0 and line["message"]
    assert unknown["schema"] == "nope" and all(line["schema"] == "user_detail" for line in lines[:3])
    summary = next(json.loads(line) for line in log if "serving" in json.loads(line)["message"])
    assert summary["logger"] == "gateway" and "serving 4 schema(s)" in summary["message"]
    assert "provider openai, model fake-model" in summary["message"]


def test_text_log_lines_and_every_request_with_the_access_log(
    upstream: FakeOpenAI, codegen_cache: Path, tmp_path: Path
) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "user_detail.yaml").write_text((REPO / "schemas" / "user_detail.yaml").read_text())
    (schemas / "broken.yaml").write_text("type: object\nproperties: [\n")
    env = {"GATEWAY_ACCESS_LOG": "true", "GATEWAY_SCHEMAS_DIR": str(schemas)}
    with served(upstream, codegen_cache, **env) as (client, log):
        assert client.post("/extract/user_detail", json={"text": "Jason is 25"}).status_code == 200
        assert client.post("/extract/user_detail", json={"text": "Ann is 3 [[fault:429]]"}).status_code == 429
    requests = [line for line in log if "gateway.requests: POST /extract/" in line]
    assert len(requests) == 2, log
    assert "POST /extract/user_detail -> 200 schema=user_detail attempts=1 duration_ms=" in requests[0]
    assert (
        "POST /extract/user_detail -> 429 upstream_rate_limited schema=user_detail upstream_status=429 attempts=1"
        in (requests[1])
    )
    summary = next(line for line in log if "gateway: serving" in line)
    assert "serving 1 schema(s)" in summary and "user_detail" in summary
    [failed] = [line for line in log if "not serving 1 schema(s)" in line]
    assert "broken (" in failed and "broken.yaml: invalid YAML" in failed
