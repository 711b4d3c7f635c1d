"""Per-schema docs, OpenAPI, the schema catalogue and the index page, over real HTTP."""

import json
from pathlib import Path

import httpx
import pytest
import yaml

from gateway.compiler import schema_files
from gateway.registry import SchemaRegistry
from tests.conftest import SHIPPED_SCHEMAS, GatewayFactory

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
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
    document = shipped_document(name)
    properties = document["properties"]
    assert isinstance(properties, dict)
    assert set(component["properties"]) == set(properties)
    for field, spec in properties.items():
        assert component["properties"][field]["description"] == spec["description"]
    list_schema = openapi["paths"][f"/extract/{name}/list"]["post"]["responses"]["200"]["content"]
    assert list_schema["application/json"]["schema"]["type"] == "array"
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


def test_a_cached_model_that_fails_on_first_use_answers_503(make_gateway: GatewayFactory, tmp_path: Path) -> None:
    schemas, cache = tmp_path / "schemas", tmp_path / "cache"
    schemas.mkdir()
    (schemas / "user_detail.yaml").write_text((SHIPPED_SCHEMAS / "user_detail.yaml").read_text())
    SchemaRegistry.load(schemas, cache)  # fills the cache
    [entry] = cache.glob("*.json")
    cached = json.loads(entry.read_text())
    entry.write_text(json.dumps({**cached, "source": cached["source"] + "\nimport os\n"}))
    url = make_gateway(schemas_dir=schemas, cache_dir=cache)
    with httpx.Client(base_url=url, timeout=20) as http:
        response = http.post("/extract/user_detail", json={"text": "Jason is 25"})
        assert response.status_code == 503, response.text
        assert "refusing to load" in response.json()["error"]["message"]
        assert http.get("/openapi.json").status_code == 200
        assert http.get("/openapi/user_detail.json").status_code == 503
        assert http.get("/healthz").json()["failed_schemas"] == 1


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
