"""The ``gateway`` command, run as a real process."""

import json
import os
import subprocess
import sys
from pathlib import Path

from gateway.compiler import schema_files
from tests.conftest import REPO, SHIPPED_SCHEMAS
from tests.fake_openai import FakeOpenAI


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("OPENAI_", "GATEWAY_"))}
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        env={**clean, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_lists_four_routes_per_shipped_schema(codegen_cache: Path) -> None:
    result = run_cli("check", "schemas", env={"GATEWAY_CACHE_DIR": str(codegen_cache)})
    assert result.returncode == 0, result.stderr
    for path in schema_files(SHIPPED_SCHEMAS):
        name = path.stem
        assert f"ok     {name} ({path.name}" in result.stdout
        for suffix in ("", "/stream", "/list", "/list/stream"):
            assert f"POST /extract/{name}{suffix}\n" in result.stdout
    assert f"{len(schema_files(SHIPPED_SCHEMAS))} schema(s) ok, 0 failed" in result.stdout


def test_check_exits_nonzero_naming_every_bad_file(tmp_path: Path, codegen_cache: Path) -> None:
    (tmp_path / "good.yaml").write_text((SHIPPED_SCHEMAS / "user_detail.yaml").read_text())
    (tmp_path / "bad_yaml.yaml").write_text("type: object\nproperties: [\n")
    (tmp_path / "Bad Name.json").write_text('{"type": "object"}')
    result = run_cli("check", str(tmp_path), env={"GATEWAY_CACHE_DIR": str(codegen_cache)})
    assert result.returncode == 1
    assert "ok     good" in result.stdout
    assert "bad_yaml.yaml: invalid YAML" in result.stdout
    assert "Bad Name.json: schema name 'Bad Name'" in result.stdout
    assert "1 schema(s) ok, 2 failed" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_extract_prints_the_object_as_json(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    env = {"OPENAI_BASE_URL": upstream.base_url, "GATEWAY_CACHE_DIR": str(codegen_cache)}
    result = run_cli("extract", "user_detail", "Jason is 25 years old", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"name": "Jason", "age": 25}
    listed = run_cli("extract", "user_detail", "--list", "Jason is 25. Sarah is 30.", env=env)
    assert json.loads(listed.stdout) == [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]


def test_extract_reports_errors_without_a_traceback(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    env = {"OPENAI_BASE_URL": upstream.base_url, "GATEWAY_CACHE_DIR": str(codegen_cache)}
    unknown = run_cli("extract", "nope", "text", env=env)
    assert unknown.returncode == 1
    assert "unknown_schema: unknown schema 'nope'; known schemas: calendar_event" in unknown.stderr
    upstream.fail_always("500")
    failed = run_cli("extract", "user_detail", "Jason is 25", env=env)
    assert failed.returncode == 1
    assert "upstream_error: the upstream LLM answered 500" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_serve_without_any_llm_configured_says_what_to_set(codegen_cache: Path) -> None:
    result = run_cli("serve", "--port", "1", env={"GATEWAY_CACHE_DIR": str(codegen_cache)})
    assert result.returncode == 2
    assert "set OPENAI_API_KEY" in result.stderr and "OPENAI_BASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
