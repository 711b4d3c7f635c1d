"""The ``gateway`` command, run as a real process."""

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from gateway.evaluation import normalize
from gateway.schemas.compiler import schema_files
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
    env = {"OPENAI_BASE_URL": upstream.base_url, "OPENAI_API_KEY": "test-key", "GATEWAY_CACHE_DIR": str(codegen_cache)}
    result = run_cli("extract", "user_detail", "Jason is 25 years old", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"name": "Jason", "age": 25}
    listed = run_cli("extract", "user_detail", "--list", "Jason is 25. Sarah is 30.", env=env)
    assert json.loads(listed.stdout) == [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]


def test_extract_reports_errors_without_a_traceback(upstream: FakeOpenAI, codegen_cache: Path) -> None:
    env = {"OPENAI_BASE_URL": upstream.base_url, "OPENAI_API_KEY": "test-key", "GATEWAY_CACHE_DIR": str(codegen_cache)}
    unknown = run_cli("extract", "nope", "text", env=env)
    assert unknown.returncode == 1
    assert "unknown_schema: unknown schema 'nope'; known schemas: calendar_event" in unknown.stderr
    upstream.fail_always("500")
    failed = run_cli("extract", "user_detail", "Jason is 25", env=env)
    assert failed.returncode == 1
    assert "upstream_error: the upstream LLM answered 500" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_serve_says_what_to_set_when_openai_is_chosen_without_an_upstream(codegen_cache: Path) -> None:
    result = run_cli("serve", env={"GATEWAY_CACHE_DIR": str(codegen_cache), "GATEWAY_PROVIDER": "openai"})
    assert result.returncode == 2
    assert "set OPENAI_API_KEY" in result.stderr and "OPENAI_BASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_names_a_missing_local_model_file(codegen_cache: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    env = {"GATEWAY_CACHE_DIR": str(codegen_cache), "GATEWAY_LOCAL_MODEL_PATH": str(missing)}
    result = run_cli("serve", env=env)
    assert result.returncode == 2
    assert f"local model file {missing} does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_scores_a_known_answer_file(upstream: FakeOpenAI, codegen_cache: Path, tmp_path: Path) -> None:
    # The fake derives answers from the text (first capitalised word, first number): the labels below are right
    # for three of the four single cases (the last one expects 33, the fake answers 3) and for the list case.
    cases = [
        {"text": "Jason is 25 years old", "expect": {"name": "Jason", "age": 25}},
        {"text": "Sarah is 31", "expect": {"name": "sarah", "age": 31}},
        {"text": "Mr. Bob Stone, 40", "expect": {"name": "Bob Stone", "age": 40}},
        {"text": "Ann is 3 years old", "expect": {"name": "Ann", "age": 33}},
        {
            "text": "Jason is 25 years old. Sarah is 30 years old.",
            "expect": [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}],
        },
    ]
    path = tmp_path / "known.jsonl"
    path.write_text("\n".join(json.dumps(case) for case in cases) + "\n")
    env = {"OPENAI_BASE_URL": upstream.base_url, "OPENAI_API_KEY": "test-key", "GATEWAY_CACHE_DIR": str(codegen_cache)}
    result = run_cli("eval", "user_detail", str(path), "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["single"]["cases"] == 4 and report["single"]["correct"] == 3
    assert report["single"]["fields"]["name"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "found": 4, "extra": 0, "missed": 0,
    }  # fmt: skip
    assert report["single"]["fields"]["age"] == {
        "precision": 0.75, "recall": 0.75, "f1": 0.75, "found": 3, "extra": 1, "missed": 1,
    }  # fmt: skip
    assert report["single"]["errors"] == 0
    assert report["list"]["cases"] == 1 and report["list"]["accuracy"] == 1.0
    table = run_cli("eval", "user_detail", str(path), env=env)
    assert "  whole objects right: 3/4 (75.0%)" in table.stdout, table.stdout
    assert "miss: 'Ann is 3 years old'" in table.stdout


def test_check_takes_the_schemas_option_and_single_files(tmp_path: Path, codegen_cache: Path) -> None:
    env = {"GATEWAY_CACHE_DIR": str(codegen_cache)}
    folder = run_cli("check", "--schemas", str(SHIPPED_SCHEMAS), cwd=tmp_path, env=env)
    assert folder.returncode == 0 and "4 schema(s) ok, 0 failed" in folder.stdout, folder.stderr
    (tmp_path / "bad.yaml").write_text("type: object\nproperties: {name: {type: str}}\n")
    files = run_cli("check", str(SHIPPED_SCHEMAS / "invoice.yaml"), str(tmp_path / "bad.yaml"), env=env)
    assert files.returncode == 1
    assert "ok     invoice (invoice.yaml" in files.stdout and "user_detail" not in files.stdout
    assert "error  bad:" in files.stdout and "1 schema(s) ok, 1 failed" in files.stdout
    missing = run_cli("check", str(tmp_path / "nope.yaml"), env=env)
    assert (
        missing.returncode == 2
        and missing.stderr == f"gateway: {tmp_path / 'nope.yaml'} is neither a schema file nor a folder\n"
    )


def test_a_bad_setting_is_one_line_naming_the_variable_and_the_allowed_values(codegen_cache: Path) -> None:
    for command in (["serve"], ["check"]):
        result = run_cli(*command, env={"GATEWAY_PROVIDER": "opnai", "GATEWAY_CACHE_DIR": str(codegen_cache)})
        assert result.returncode == 2
        assert result.stderr == (
            "gateway: invalid setting GATEWAY_PROVIDER='opnai': input should be 'auto', 'local' or 'openai'\n"
        )
    port = run_cli("serve", env={"GATEWAY_PORT": "eighty"})
    assert port.returncode == 2 and port.stderr.startswith("gateway: invalid setting GATEWAY_PORT='eighty': ")
    assert "Traceback" not in port.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout == f"gateway {version('gateway')}\n"


def test_a_dotenv_file_in_the_working_directory_is_read(tmp_path: Path, codegen_cache: Path) -> None:
    (tmp_path / ".env").write_text(f"GATEWAY_SCHEMAS_DIR={SHIPPED_SCHEMAS}\nGATEWAY_CACHE_DIR={codegen_cache}\n")
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 0 and "4 schema(s) ok, 0 failed" in result.stdout, result.stderr
    (tmp_path / ".env").write_text("GATEWAY_LOG_FORMAT=yaml\n")
    bad = run_cli("check", cwd=tmp_path)
    assert bad.returncode == 2 and "GATEWAY_LOG_FORMAT='yaml': input should be 'text' or 'json'" in bad.stderr


def test_gateway_test_scores_each_schemas_own_cases_and_fails_below_min_f1(
    upstream: FakeOpenAI, codegen_cache: Path, tmp_path: Path
) -> None:
    schema = {
        "title": "Pet",
        "type": "object",
        "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name"],
        "x-gateway": {
            "tests": [
                {"text": "Rex the dog is 3.", "expect": {"name": "Rex", "kind": "dog", "age": 3}},
                {"text": "Tom is a cat.", "expect": {"name": "Tom", "kind": "cat"}},
            ]
        },
    }
    (tmp_path / "pet.json").write_text(json.dumps(schema))
    (tmp_path / "untested.json").write_text(json.dumps({**schema, "title": "Other", "x-gateway": {}}))
    env = {"OPENAI_BASE_URL": upstream.base_url, "OPENAI_API_KEY": "test-key", "GATEWAY_CACHE_DIR": str(codegen_cache)}
    # What the model answers, case by case: the first right, the second with a wrong kind and an extra age.
    answers = [{"name": "Rex", "kind": "dog", "age": 3}, {"name": "Tom", "kind": "dog", "age": 1}]
    upstream.script(*answers)
    report = run_cli("test", "--schemas", str(tmp_path), "--json", env=env)
    assert report.returncode == 0, report.stderr
    scored = json.loads(report.stdout)
    assert list(scored) == ["pet"]  # only schemas with tests
    single = scored["pet"]["single"]
    # 5 expected leaves, 4 answered right; 6 answered in all.
    assert (single["cases"], single["correct"]) == (2, 1)
    assert (single["precision"], single["recall"]) == (round(4 / 6, 4), round(4 / 5, 4))
    assert single["fields"]["kind"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "found": 1, "extra": 1, "missed": 1}
    upstream.script(*answers)
    below = run_cli("test", "pet", "--schemas", str(tmp_path), "--min-f1", "0.9", env=env)
    assert below.returncode == 1 and "below --min-f1 0.9: pet (0.73)" in below.stderr
    assert "pet                          leaf F1 0.73" in below.stdout
    missing = run_cli("test", "untested", "--schemas", str(tmp_path), env=env)
    assert missing.returncode == 2 and "no x-gateway.tests in: untested" in missing.stderr


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    env = {"GATEWAY_API_KEYS_FILE": str(tmp_path / "keys.yaml")}
    created = run_cli(
        "keys", "create", "billing", "--schemas", "invoice*", "--requests-per-minute", "60", "--instructions", env=env
    )
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("gw_") and secret not in (tmp_path / "keys.yaml").read_text()
    listed = run_cli("keys", "list", env=env)
    assert "billing" in listed.stdout and "active" in listed.stdout and "invoice*" in listed.stdout
    assert "rpm 60" in listed.stdout and secret not in listed.stdout
    again = run_cli("keys", "create", "billing", env=env)
    assert again.returncode == 2 and "exists" in again.stderr
    assert run_cli("keys", "revoke", "billing", env=env).returncode == 0
    assert "revoked" in run_cli("keys", "list", env=env).stdout
    unset = run_cli("keys", "list")
    assert unset.returncode == 2 and "GATEWAY_API_KEYS_FILE" in unset.stderr
    no_redis = run_cli("keys", "usage", env=env)
    assert no_redis.returncode == 2 and "/admin/usage" in no_redis.stderr


def test_scoring_compares_values_as_written_not_as_spelled() -> None:
    assert normalize("  Senior  Data Engineer. ") == normalize("senior data engineer")
    assert normalize(72000) == normalize(72000.0)
    # One URL, with or without the slash of an empty path; a slash ending a longer path is kept.
    assert normalize("https://Brightloop.io/") == normalize("https://brightloop.io")
    assert normalize("https://x.io/jobs/") != normalize("https://x.io/jobs")
    # One instant, whichever way its offset is written; another instant is another value.
    assert normalize("2026-11-16T17:25:00+00:00") == normalize("2026-11-16T17:25Z")
    assert normalize("2026-11-16T19:25:00+02:00") == normalize("2026-11-16T17:25:00Z")
    assert normalize("2026-11-16T17:25:00+01:00") != normalize("2026-11-16T17:25:00Z")
    assert normalize("2026-02-30T10:00:00Z") == "2026-02-30t10:00:00z"  # no such day: compared as written
