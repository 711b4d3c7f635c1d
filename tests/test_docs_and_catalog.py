"""Per-schema docs, OpenAPI, the schema catalogue and the index page, over real HTTP."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
import yaml

from gateway.schemas import cache as model_cache
from gateway.schemas.compiler import schema_files
from gateway.schemas.registry import SchemaRegistry
from tests.conftest import SHIPPED_SCHEMAS, GatewayFactory
from tests.sse_client import read_stream

SHIPPED = [path.stem for path in schema_files(SHIPPED_SCHEMAS)]
ROUTES = ["", "/stream", "/list", "/list/stream"]


def shipped_document(name: str) -> dict[str, object]:
    path = next(path for path in schema_files(SHIPPED_SCHEMAS) if path.stem == name)
    document: dict[str, object] = yaml.safe_load(path.read_text())
    return document


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_schema_gets_four_routes_and_its_docs(client: httpx.Client, name: str) -> None:
    openapi = client.get(f"/openapi/{name}.json").json()
    assert sorted(openapi["paths"]) == sorted(f"/extract/{name}{suffix}" for suffix in ROUTES)
    assert openapi["tags"][0]["name"] == name
    page = client.get(f"/docs/{name}")
    assert page.status_code == 200
    assert f"/openapi/{name}.json" in page.text
    assert "/static/docs/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()


@pytest.mark.parametrize("name", SHIPPED)
def test_openapi_shows_the_compiled_fields_and_descriptions(client: httpx.Client, name: str) -> None:
    openapi = client.get("/openapi.json").json()
    operation = openapi["paths"][f"/extract/{name}"]["post"]
    assert operation["tags"] == [name]
    bare, with_evidence = operation["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"]
    assert with_evidence["properties"]["data"] == bare and with_evidence["required"] == ["data", "evidence"]
    ref = bare["$ref"]
    component = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
    document = shipped_document(name)
    properties = document["properties"]
    assert isinstance(properties, dict)
    assert set(component["properties"]) == set(properties)
    for field, spec in properties.items():
        assert component["properties"][field]["description"] == spec["description"]
    list_schema = openapi["paths"][f"/extract/{name}/list"]["post"]["responses"]["200"]["content"]
    assert list_schema["application/json"]["schema"]["anyOf"][0]["type"] == "array"
    stream = openapi["paths"][f"/extract/{name}/stream"]["post"]["responses"]["200"]["content"]
    assert "text/event-stream" in stream
    tag = next(tag for tag in openapi["tags"] if tag["name"] == name)
    assert tag["description"] == document["description"]


def test_request_examples_come_from_the_schema(client: httpx.Client) -> None:
    openapi = client.get("/openapi/user_detail.json").json()
    body = openapi["paths"]["/extract/user_detail"]["post"]["requestBody"]["content"]["application/json"]
    texts = [example["value"]["text"] for example in body["examples"].values()]
    x_gateway = shipped_document("user_detail")["x-gateway"]
    assert isinstance(x_gateway, dict)
    assert texts == [example["text"] for example in x_gateway["examples"]]


def test_docs_assets_are_served_locally(client: httpx.Client) -> None:
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = client.get(f"/static/docs/{asset}")
        assert response.status_code == 200 and len(response.content) > 10_000, asset
    assert "/static/docs/redoc.standalone.js" in client.get("/redoc").text
    assert "/openapi.json" in client.get("/docs").text


def test_docs_for_an_unknown_schema_is_404(client: httpx.Client) -> None:
    assert client.get("/docs/nope").status_code == 404
    assert client.get("/openapi/nope.json").json()["error"]["type"] == "unknown_schema"


def test_schemas_lists_every_file_with_hash_status_and_routes(client: httpx.Client) -> None:
    listing = {entry["name"]: entry for entry in client.get("/schemas").json()}
    assert sorted(listing) == sorted(SHIPPED)
    user = listing["user_detail"]
    assert user["status"] == "ok"
    assert user["title"] == "UserDetail"
    assert user["file"].endswith("schemas/user_detail.yaml")
    assert len(user["content_hash"]) == 64
    assert user["routes"] == [f"/extract/user_detail{suffix}" for suffix in ROUTES]


def test_schema_detail_has_the_schema_and_the_model_source(client: httpx.Client) -> None:
    detail = client.get("/schemas/invoice").json()
    assert detail["json_schema"]["title"] == "Invoice"
    assert "x-gateway" in detail["json_schema"]
    assert "class Invoice(SchemaModel):" in detail["model_source"]
    assert client.get("/schemas/nope").status_code == 404


def test_index_links_every_schema(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    for name in SHIPPED:
        assert f'href="/docs/{name}"' in page.text


def test_healthz_names_provider_and_model(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {
        "status": "ok",
        "provider": "openai",
        "model": "fake-model",
        "mode": "tools",
        "schemas": len(SHIPPED),
        "failed_schemas": 0,
        "local_model_load_seconds": None,
        "local_model_restarts": None,
    }


def test_broken_schema_next_to_good_ones(make_gateway: GatewayFactory, tmp_path: Path) -> None:
    (tmp_path / "user_detail.yaml").write_text((SHIPPED_SCHEMAS / "user_detail.yaml").read_text())
    (tmp_path / "broken.yaml").write_text("title: Broken\ntype: object\nproperties: {a: {$ref: '#/$defs/Nope'}}\n")
    url = make_gateway(schemas_dir=tmp_path)
    with httpx.Client(base_url=url, timeout=20) as http:
        assert http.post("/extract/user_detail", json={"text": "Jason is 25"}).json() == {"name": "Jason", "age": 25}
        listing = {entry["name"]: entry for entry in http.get("/schemas").json()}
        assert listing["user_detail"]["status"] == "ok"
        broken = listing["broken"]
        assert broken["status"] == "error"
        assert "broken.yaml" in broken["message"] and "does not resolve" in broken["message"]
        response = http.post("/extract/broken", json={"text": "x"})
        assert response.status_code == 503
        assert "does not resolve" in response.json()["error"]["message"]
        assert "broken" in http.get("/").text
        assert http.get("/healthz").json()["failed_schemas"] == 1


def test_a_cached_model_edited_by_hand_is_generated_again_not_served(
    make_gateway: GatewayFactory, tmp_path: Path
) -> None:
    schemas, cache = tmp_path / "schemas", tmp_path / "cache"
    schemas.mkdir()
    (schemas / "user_detail.yaml").write_text((SHIPPED_SCHEMAS / "user_detail.yaml").read_text())
    SchemaRegistry.load(schemas, cache)  # fills the cache
    [entry] = cache.glob("*.json")
    cached = json.loads(entry.read_text())
    assert "le=150" in cached["source"]
    entry.write_text(json.dumps({**cached, "source": cached["source"].replace("le=150", "le=100000")}))
    url = make_gateway(schemas_dir=schemas, cache_dir=cache)
    with httpx.Client(base_url=url, timeout=20) as http:
        assert http.post("/extract/user_detail", json={"text": "Jason is 25"}).json() == {"name": "Jason", "age": 25}
        detail = http.get("/schemas/user_detail").json()
        assert detail["status"] == "ok" and "le=150" in detail["model_source"]
        assert detail["json_schema"]["properties"]["age"]["maximum"] == 150


def test_schemas_is_live_a_schema_failing_on_first_use_shows_as_failed(
    make_gateway: GatewayFactory, tmp_path: Path
) -> None:
    # A warm start builds cached models on first use. This one's cached source (signed with the cache's key, so
    # trusted at start-up) no longer loads, and its file was broken after start-up: it fails on first use. The
    # folder is read once (watch off), or the watcher could see the broken file before the first request does.
    schemas, cache = tmp_path / "schemas", tmp_path / "cache"
    schemas.mkdir()
    path = schemas / "user_detail.yaml"
    path.write_text((SHIPPED_SCHEMAS / "user_detail.yaml").read_text())
    SchemaRegistry.load(schemas, cache)
    [entry] = cache.glob("*.json")
    broken = json.loads(entry.read_text())
    broken["source"] += "\nimport os\n"
    broken["digest"] = model_cache._digest((cache / "entries.key").read_bytes(), broken)
    entry.write_text(json.dumps(broken))
    url = make_gateway(schemas_dir=schemas, cache_dir=cache, watch="off")
    path.write_text("type: object\nproperties: {name: {type: str}}\n")
    with httpx.Client(base_url=url, timeout=20) as http:
        assert [s["status"] for s in http.get("/schemas").json()] == ["ok"]
        response = http.post("/extract/user_detail", json={"text": "Jason is 25"})
        assert response.status_code == 503 and response.json()["error"]["type"] == "schema_unavailable"
        [summary] = http.get("/schemas").json()
        assert summary["status"] == "error" and "user_detail.yaml" in summary["message"]
        assert http.get("/readyz").status_code == 503


def test_two_address_models_are_two_openapi_components(make_gateway: GatewayFactory, tmp_path: Path) -> None:
    for name, field in (("home", "street"), ("office", "building")):
        document = {
            "title": name.title(),
            "type": "object",
            "properties": {"address": {"$ref": "#/$defs/Address"}},
            "$defs": {"Address": {"type": "object", "properties": {field: {"type": "string"}}}},
        }
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(document))
    url = make_gateway(schemas_dir=tmp_path)
    components = httpx.get(f"{url}/openapi.json").json()["components"]["schemas"]
    addresses = [schema for key, schema in components.items() if key.endswith("Address")]
    assert sorted(sorted(schema["properties"]) for schema in addresses) == [["building"], ["street"]]


def own_examples(name: str) -> list[Any]:
    x_gateway = shipped_document(name).get("x-gateway") or {}
    assert isinstance(x_gateway, dict)
    return [example["output"] for example in x_gateway.get("examples", [])]


@pytest.mark.parametrize("name", SHIPPED)
def test_each_schemas_stream_examples_come_from_its_own_examples(client: httpx.Client, name: str) -> None:
    openapi = client.get(f"/openapi/{name}.json").json()
    outputs = own_examples(name)
    single = next(output for output in outputs if isinstance(output, dict))
    listed = next((output for output in outputs if isinstance(output, list)), [single])
    for suffix, events in (("/stream", [("final", single)]), ("/list/stream", [("item", item) for item in listed])):
        content = openapi["paths"][f"/extract/{name}{suffix}"]["post"]["responses"]["200"]["content"]
        example = content["text/event-stream"]["example"]
        parsed = [block.split("\n") for block in example.strip().split("\n\n")]
        sent = [(lines[0].removeprefix("event: "), lines[1].removeprefix("data: ")) for lines in parsed]
        assert sent[-1] == ("done", "[DONE]")
        assert [(event, json.loads(data)) for event, data in sent if event in ("final", "item")] == events
        if suffix == "/stream":
            partials = [json.loads(data) for event, data in sent if event == "partial"]
            assert len(partials) >= 2 and partials[-1] == single
        assert "Jason" not in example or name == "user_detail"


def test_the_request_body_is_one_typed_component(client: httpx.Client) -> None:
    openapi = client.get("/openapi/invoice.json").json()
    component = openapi["components"]["schemas"]["ExtractionRequest"]
    assert component["properties"]["text"] == {
        "type": "string",
        "pattern": r"\S",
        "description": "The text to extract from.",
    }
    assert set(component["properties"]) == {"text", "query", "model", "instructions", "include"}
    assert component["required"] == ["text"] and component["properties"]["query"]["deprecated"] is True
    for path, operations in openapi["paths"].items():
        body = operations["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": "#/components/schemas/ExtractionRequest"}, path


def test_each_stream_event_is_documented_with_the_type_of_its_data(client: httpx.Client) -> None:
    openapi = client.get("/openapi/user_detail.json").json()
    model_ref = {"$ref": "#/components/schemas/UserDetail"}
    for suffix, kinds in (
        ("/stream", ["partial", "final", "evidence", "error", "usage", "done"]),
        ("/list/stream", ["item", "evidence", "error", "usage", "done"]),
    ):
        content = openapi["paths"][f"/extract/user_detail{suffix}"]["post"]["responses"]["200"]["content"]
        events = content["text/event-stream"]["itemSchema"]["oneOf"]
        assert [event["properties"]["event"]["const"] for event in events] == kinds
        data = {event["properties"]["event"]["const"]: event["properties"]["data"] for event in events}
        typed = data["final" if suffix == "/stream" else "item"]
        assert typed == {"type": "string", "contentMediaType": "application/json", "contentSchema": model_ref}
        assert data["error"]["contentSchema"] == {"$ref": "#/components/schemas/ErrorBody"}
        assert data["done"] == {"const": "[DONE]"}
        # What the stream sends as its usage is what the document says it is.
        (spent,) = read_stream(client, f"/extract/user_detail{suffix}", {"text": "Jason is 25."}).data("usage")
        jsonschema_rs.validate(data["usage"]["contentSchema"], spent)
        assert set(spent) == set(data["usage"]["contentSchema"]["required"])
        assert data["evidence"]["contentSchema"] == {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Evidence"},
        }
    assert set(openapi["components"]["schemas"]["Evidence"]["properties"]) == {"path", "value", "start", "end", "match"}


def test_a_generated_python_client_is_typed_and_reads_streams(
    client: httpx.Client, gateway_url: str, tmp_path: Path
) -> None:
    # What a user does with the docs: generate a client (openapi-python-client) and call the routes with it.
    spec = tmp_path / "user_detail.json"
    spec.write_text(client.get("/openapi/user_detail.json").text)
    generated = subprocess.run(
        [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path", str(spec),
         "--output-path", str(tmp_path / "client"), "--meta", "none"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout + generated.stderr
    program = f"""
import json
from client import Client
from client.api.user_detail import extract_user_detail, stream_user_detail
from client.models import ExtractionRequest, UserDetail
api = Client(base_url={gateway_url!r})
one = extract_user_detail.sync(client=api, body=ExtractionRequest(text="Jason is 25 years old"))
assert isinstance(one, UserDetail), one
stream = stream_user_detail.sync_detailed(client=api, body=ExtractionRequest(text="Jason is 25 years old"))
assert stream.status_code == 200 and b"event: final" in stream.content, stream
print(json.dumps([one.name, one.age]))
"""
    ran = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == ["Jason", 25]


def test_the_readme_tutorial_schema_is_served_with_its_four_routes(
    make_gateway: GatewayFactory, tmp_path: Path
) -> None:
    readme = (SHIPPED_SCHEMAS.parent / "README.md").read_text()
    tutorial = readme.split("`schemas/book.yaml`:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "book.yaml").write_text(tutorial)
    url = make_gateway(schemas_dir=tmp_path)
    with httpx.Client(base_url=url, timeout=20) as http:
        openapi = http.get("/openapi/book.json").json()
        assert sorted(openapi["paths"]) == sorted(f"/extract/book{suffix}" for suffix in ROUTES)
        assert http.get("/docs/book").status_code == 200
        book = http.post("/extract/book", json={"text": "Dune by Frank Herbert came out in 1965."})
        assert book.status_code == 200 and set(book.json()) <= {"title", "author", "year"}
