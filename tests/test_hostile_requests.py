"""Hostile request bodies: oversized, not UTF-8, wrong content types, deeply nested. Typed errors, nothing else."""

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import GatewayFactory
from tests.fake_openai import FakeOpenAI


def test_oversized_body_is_413(make_gateway: GatewayFactory, upstream: FakeOpenAI) -> None:
    url = make_gateway(max_body_bytes=1000)
    body = b'{"text": "' + b"a" * 2000 + b'"}'
    response = httpx.post(f"{url}/extract/user_detail", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "payload_too_large"
    small = httpx.post(f"{url}/extract/user_detail", json={"text": "Jason is 25 years old"}, timeout=20)
    assert small.status_code == 200
    assert len(upstream.calls) == 1


def test_oversized_chunked_body_is_413(make_gateway: GatewayFactory) -> None:
    url = make_gateway(max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(50):
            yield b"a" * 100
        yield b'"}'

    response = httpx.post(
        f"{url}/extract/user_detail",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def test_text_over_the_character_limit_is_422(make_gateway: GatewayFactory) -> None:
    url = make_gateway(max_text_chars=10)
    response = httpx.post(f"{url}/extract/user_detail", json={"text": "Jason is 25 years old"})
    assert response.status_code == 422
    assert "limit is 10" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [b'{"text": "caf\xe9"}', b"\xff\xfe\x00\x00", b'{"text": "\xed\xa0\x80"}'],
    ids=["latin1", "bom-garbage", "surrogate"],
)
def test_invalid_utf8_is_422(client: httpx.Client, upstream: FakeOpenAI, body: bytes) -> None:
    response = client.post("/extract/user_detail", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request"
    assert upstream.calls == []


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data; boundary=x", "application/xml", "image/png", "application/octet-stream"]
)
def test_wrong_content_types_are_415(client: httpx.Client, content_type: str) -> None:
    response = client.post("/extract/user_detail", content=b'{"text": "x"}', headers={"content-type": content_type})
    assert response.status_code == 415
    assert response.json()["error"]["type"] == "unsupported_media_type"


@pytest.mark.parametrize("depth", [100, 5_000, 100_000])
def test_deeply_nested_json_is_a_clean_422(client: httpx.Client, depth: int) -> None:
    body = b'{"text": "Jason is 25", "model": ' + b"[" * depth + b"]" * depth + b"}"
    response = client.post("/extract/user_detail", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request"
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("route", ["", "/stream", "/list", "/list/stream"])
def test_every_route_refuses_a_bad_body_before_calling_the_llm(
    client: httpx.Client, upstream: FakeOpenAI, route: str
) -> None:
    response = client.post(f"/extract/user_detail{route}", json={"text": None})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert upstream.calls == []
