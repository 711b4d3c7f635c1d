"""Shared fixtures: the fake upstream LLM, and gateways served over real HTTP on loopback."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import Settings, create_app
from tests.fake_openai import FakeOpenAI
from tests.live_server import LiveServer

REPO = Path(__file__).resolve().parent.parent
SHIPPED_SCHEMAS = REPO / "schemas"

GatewayFactory = Callable[..., str]


@pytest.fixture(scope="session")
def codegen_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("codegen-cache")


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[FakeOpenAI]:
    # Checks the key and compresses its JSON answers, as a hosted API does.
    with FakeOpenAI(hang_seconds=10, api_key="test-key", compress=True) as fake:
        yield fake


@pytest.fixture
def upstream(upstream_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake LLM, with no recorded calls and no faults at the start of each test."""
    upstream_server.reset()
    yield upstream_server
    upstream_server.reset()


def gateway_settings(upstream: FakeOpenAI, cache_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "schemas_dir": SHIPPED_SCHEMAS,
        "cache_dir": cache_dir,
        "openai_base_url": upstream.base_url,
        "openai_api_key": "test-key",
        "model": "fake-model",
        "upstream_timeout": 3.0,
        "request_timeout": 5.0,
    }
    values.update(overrides)
    return Settings(**values)


def served_env(upstream: FakeOpenAI, cache_dir: Path, **variables: str) -> dict[str, str]:
    """The environment of a `gateway serve` process against the fake upstream, plus ``variables``."""
    return {
        "OPENAI_BASE_URL": upstream.base_url,
        "OPENAI_API_KEY": "test-key",
        "GATEWAY_MODEL": "fake-model",
        "GATEWAY_CACHE_DIR": str(cache_dir),
        **variables,
    }


@pytest.fixture(scope="session")
def gateway_url(upstream_server: FakeOpenAI, codegen_cache: Path) -> Iterator[str]:
    """The gateway with the shipped schemas, talking to the fake upstream."""
    with LiveServer(create_app(gateway_settings(upstream_server, codegen_cache))) as server:
        yield server.url


@pytest.fixture
def client(gateway_url: str, upstream: FakeOpenAI) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=20) as http:
        yield http


@pytest.fixture
def make_gateway(upstream: FakeOpenAI, codegen_cache: Path) -> Iterator[GatewayFactory]:
    """Start extra gateways (own schema folder or settings); returns each one's base URL."""
    servers: list[LiveServer] = []

    def start(**overrides: Any) -> str:
        cache_dir = overrides.pop("cache_dir", codegen_cache)
        server = LiveServer(create_app(gateway_settings(upstream, cache_dir, **overrides))).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()
