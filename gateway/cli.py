"""The ``gateway`` command: serve, check a schema folder, run one extraction, or score a labelled eval file."""

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from gateway.backends.local import LocalModelError
from gateway.backends.openai_compatible import (
    NoProviderConfigured,
    connect_backend,
    create_openai_client,
    local_model_server,
)
from gateway.errors import GatewayError, SchemaNotFound, SchemaUnavailable
from gateway.extraction.engine import Extractor
from gateway.http.extraction import ROUTE_SUFFIXES
from gateway.schemas.compiler import CompiledSchema, schema_files
from gateway.schemas.registry import SchemaRegistry
from gateway.settings import Settings, describe_settings_error

cli = typer.Typer(help="Schema-driven extraction gateway.", no_args_is_help=True, add_completion=False)
T = TypeVar("T")

SchemasOption = Annotated[
    Path | None, typer.Option("--schemas", help="Schema folder (default: $GATEWAY_SCHEMAS_DIR or ./schemas).")
]


def _settings(schemas: Path | None) -> Settings:
    """The settings from the environment (and ./.env); a bad value is one line naming it, and exit code 2."""
    if schemas is not None:
        os.environ["GATEWAY_SCHEMAS_DIR"] = str(schemas)  # also reaches the workers uvicorn starts
    try:
        return Settings()
    except ValidationError as exc:
        raise _fail(describe_settings_error(exc), 2) from None


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"gateway: {message}", err=True)
    return typer.Exit(code)


def _check_provider(settings: Settings) -> None:
    """Say what is missing before anything starts, instead of a traceback from deep inside start-up."""
    try:
        if settings.resolved_provider() == "openai":
            create_openai_client(settings)
            return
        local_model_server(settings)
    except (NoProviderConfigured, LocalModelError) as exc:
        raise _fail(str(exc), 2) from None


@cli.command()
def serve(
    schemas: SchemasOption = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    reload: Annotated[
        bool, typer.Option(help="Restart when the gateway's code changes (schema files are always live).")
    ] = False,
    workers: Annotated[int | None, typer.Option(help="Server processes (default 1).", min=1)] = None,
    access_log: Annotated[
        bool | None, typer.Option(help="Log every request, not only failed ones (default off).")
    ] = None,
) -> None:
    """Serve every schema in the folder over HTTP."""
    from gateway.process import serve as serve_gateway

    # Read by each worker's app from the environment.
    if access_log is not None:
        os.environ["GATEWAY_ACCESS_LOG"] = str(access_log).lower()
    if host is not None:
        os.environ["GATEWAY_HOST"] = host
    settings = _settings(schemas)
    _check_provider(settings)
    serve_gateway(
        settings,
        host=settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        reload=reload,
    )


@cli.command()
def check(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Schema files or folders (default: the --schemas folder).")
    ] = None,
    schemas: SchemasOption = None,
) -> None:
    """Compile schema files and print the routes each gets; exit 1 if any file is bad."""
    settings = _settings(schemas)
    files: list[Path] = []
    for path in paths or [settings.schemas_dir]:
        if path.is_dir():
            files.extend(schema_files(path))
        elif path.is_file():
            files.append(path)
        else:
            raise _fail(f"{path} is neither a schema file nor a folder", 2)
    registry = SchemaRegistry.from_files(files, settings.cache_dir, max_list_items=settings.max_list_items)
    for name in registry.names:
        schema = registry.ready(name)
        if schema is None:
            continue
        typer.echo(f"ok     {name} ({schema.path.name}, {schema.title})")
        for suffix in ROUTE_SUFFIXES:
            typer.echo(f"         POST /extract/{name}{suffix}")
    for failure in registry.failures.values():
        typer.echo(f"error  {failure.name}: {failure.message}")
    typer.echo(f"{len(registry.schemas)} schema(s) ok, {len(registry.failures)} failed")
    if registry.failures:
        raise typer.Exit(1)


@cli.command()
def extract(
    name: Annotated[str, typer.Argument(help="Schema name (the file stem).")],
    text: Annotated[str, typer.Argument(help="Text to extract from; '-' reads standard input.")],
    schemas: SchemasOption = None,
    as_list: Annotated[bool, typer.Option("--list", help="Extract every object instead of one.")] = False,
    model: Annotated[str | None, typer.Option(help="Upstream model for this call.")] = None,
) -> None:
    """Run one extraction and print the JSON result."""
    if text == "-":
        text = sys.stdin.read()

    async def one(extractor: Extractor, schema: CompiledSchema) -> str:
        if as_list:
            items = await extractor.extract_list(schema, text, model=model)
            return json.dumps([item.model_dump(mode="json") for item in items], indent=2, ensure_ascii=False)
        return (await extractor.extract(schema, text, model=model)).model_dump_json(indent=2)

    typer.echo(_with_extractor(_settings(schemas), [name], one)[name])


@cli.command("eval")
def evaluate(
    name: Annotated[str | None, typer.Argument(help="Schema name (the file stem).")] = None,
    cases_file: Annotated[
        Path | None, typer.Argument(help='JSONL: {"text": ..., "expect": {...}} or "expect": [...].')
    ] = None,
    schemas: SchemasOption = None,
    suite: Annotated[
        Path | None,
        typer.Option(help="A folder of <name>.jsonl files, its schemas in <folder>/schemas: score them all."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    misses: Annotated[bool, typer.Option(help="Print each case the extraction got wrong.")] = True,
) -> None:
    """Score the extraction on labelled texts from JSONL files: leaf precision, recall and F1, whole objects."""
    from gateway.evaluation import Score, load_cases, render, run_eval

    if suite is not None:
        files = {path.stem: path for path in sorted(suite.glob("*.jsonl"))}
        schemas = schemas or suite / "schemas"
    elif name is not None and cases_file is not None:
        files = {name: cases_file}
    else:
        raise _fail("give a schema name and a JSONL file, or --suite FOLDER", 2)
    try:
        cases = {stem: load_cases(path) for stem, path in files.items()}
    except (OSError, ValueError) as exc:
        raise _fail(str(exc), 2) from None
    settings = _settings(schemas)
    results = _with_extractor(
        settings, list(files), lambda extractor, schema: run_eval(extractor, schema, cases[schema.name])
    )
    if as_json:
        report = {
            stem: {"single": single.to_dict(), "list": lists.to_dict(), "f1": Score.combined(single, lists).prf()[2]}
            for stem, (single, lists) in results.items()
        }
        typer.echo(json.dumps(report if suite is not None else {"schema": name, **report[str(name)]}, indent=2))
        return
    for stem, (single, lists) in results.items():
        parts = (render(stem, "single", single, misses=misses), render(stem, "list", lists, misses=misses))
        typer.echo("\n\n".join(part for part in parts if part) + "\n")
    if len(results) > 1:
        f1s = {stem: Score.combined(*parts).prf()[2] for stem, parts in results.items()}
        for stem, f1 in f1s.items():
            whole = Score.combined(*results[stem])
            typer.echo(f"{stem:<28} leaf F1 {f1:.2f}   whole objects {whole.correct}/{whole.cases}")
        typer.echo(f"{'mean':<28} leaf F1 {sum(f1s.values()) / len(f1s):.2f}")


@cli.command("test")
def test_schemas(
    names: Annotated[
        list[str] | None, typer.Argument(help="Schemas to test (default: every schema with x-gateway.tests).")
    ] = None,
    schemas: SchemasOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    min_f1: Annotated[
        float, typer.Option("--min-f1", min=0.0, max=1.0, help="Exit 1 if a schema's leaf F1 is below this.")
    ] = 0.0,
    misses: Annotated[bool, typer.Option(help="Print each case the extraction got wrong.")] = False,
) -> None:
    """Run each schema's own labelled cases (x-gateway.tests) against the configured model and score them."""
    from gateway.evaluation import Score, render, run_eval

    settings = _settings(schemas)
    registry = SchemaRegistry.load(settings.schemas_dir, settings.cache_dir, max_list_items=settings.max_list_items)
    chosen = names or [name for name in registry.names if registry.schemas[name].options.tests]
    untested = [name for name in chosen if name in registry.schemas and not registry.schemas[name].options.tests]
    if untested:
        raise _fail(f"no x-gateway.tests in: {', '.join(untested)}", 2)
    if not chosen:
        raise _fail(f"no schema in {settings.schemas_dir} has x-gateway.tests", 2)

    async def score(extractor: Extractor, schema: CompiledSchema) -> tuple[Score, Score]:
        return await run_eval(extractor, schema, schema.options.tests)

    results = _with_extractor(settings, chosen, score, registry=registry)
    report: dict[str, Any] = {}
    below = []
    for name, (single, lists) in results.items():
        f1 = Score.combined(single, lists).prf()[2]
        if f1 < min_f1:
            below.append(f"{name} ({f1:.2f})")
        report[name] = {"single": single.to_dict(), "list": lists.to_dict(), "f1": round(f1, 4)}
        if not as_json:
            parts = (render(name, "single", single, misses=misses), render(name, "list", lists, misses=misses))
            typer.echo("\n\n".join(part for part in parts if part) + "\n")
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        for name, scored in report.items():
            typer.echo(f"{name:<28} leaf F1 {scored['f1']:.2f}")
    if below:
        typer.echo(f"gateway: below --min-f1 {min_f1}: {', '.join(below)}", err=True)
        raise typer.Exit(1)


def _with_extractor(
    settings: Settings,
    names: list[str],
    work: Callable[[Extractor, CompiledSchema], Awaitable[T]],
    *,
    registry: SchemaRegistry | None = None,
) -> dict[str, T]:
    """Load the schemas, open the configured LLM once, run ``work`` for each name; errors are one clear line on
    stderr."""
    registry = registry or SchemaRegistry.load(
        settings.schemas_dir, settings.cache_dir, max_list_items=settings.max_list_items
    )

    async def run() -> dict[str, T]:
        for name in names:
            if name in registry.failures:
                raise SchemaUnavailable(f"schema {name!r} failed to compile: {registry.failures[name].message}")
            if name not in registry.schemas:
                raise SchemaNotFound(f"unknown schema {name!r}; known schemas: {', '.join(registry.names)}")
        results: dict[str, T] = {}
        async with connect_backend(settings) as backend:
            extractor = Extractor(backend, settings)
            for name in names:
                schema = registry.ready(name)
                if schema is None:
                    raise SchemaUnavailable(f"schema {name!r} failed to compile: {registry.failures[name].message}")
                results[name] = await work(extractor, schema)
        return results

    _check_provider(settings)
    try:
        return asyncio.run(run())
    except GatewayError as exc:
        raise _fail(f"{exc.error_type}: {exc.message}", 1) from None
    except LocalModelError as exc:
        raise _fail(str(exc), 2) from None


keys_cli = typer.Typer(help="API keys: create, list, revoke, and usage per key.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")


def _keys_file() -> Path:
    settings = _settings(None)
    if settings.api_keys_file is None:
        raise _fail("set GATEWAY_API_KEYS_FILE to the keys file (it is created by the first `keys create`)", 2)
    return settings.api_keys_file


@keys_cli.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="A name for the key (letters, digits, . _ -).")],
    schemas: Annotated[
        list[str] | None, typer.Option("--schemas", help="Schema names or patterns it may use (default: all).")
    ] = None,
    requests_per_minute: Annotated[int | None, typer.Option(min=1)] = None,
    tokens_per_day: Annotated[int | None, typer.Option(min=1)] = None,
    concurrent_streams: Annotated[int | None, typer.Option(min=1)] = None,
    models: Annotated[list[str] | None, typer.Option("--models", help="Models a request may name.")] = None,
    instructions: Annotated[bool, typer.Option(help="Allow requests to add instructions.")] = False,
) -> None:
    """Create a key and print its secret - once: the file stores only its hash."""
    from gateway.access.keys import KeyFileError, create_key

    try:
        secret = create_key(
            _keys_file(),
            name,
            schemas=schemas or ["*"],
            requests_per_minute=requests_per_minute,
            tokens_per_day=tokens_per_day,
            concurrent_streams=concurrent_streams,
            models=models or [],
            instructions=instructions,
        )
    except (KeyFileError, ValidationError) as exc:
        raise _fail(" ".join(str(exc).split())[:400], 2) from None
    typer.echo(secret)


@keys_cli.command("list")
def keys_list() -> None:
    """The keys, their scopes and limits (never their secrets)."""
    from gateway.access.keys import KeyFileError, read_key_file

    try:
        keys = read_key_file(_keys_file()).keys
    except KeyFileError as exc:
        raise _fail(str(exc), 2) from None
    for key in keys:
        limits = ", ".join(
            f"{label} {value}"
            for label, value in (
                ("rpm", key.requests_per_minute),
                ("tokens/day", key.tokens_per_day),
                ("streams", key.concurrent_streams),
            )
            if value is not None
        )
        state = f"revoked {key.revoked:%Y-%m-%d}" if key.revoked else "active"
        typer.echo(f"{key.name:<20} {state:<18} schemas {','.join(key.schemas)}  {limits or 'no limits'}")


@keys_cli.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Revoke a key: a running gateway refuses it within a second, no restart."""
    from gateway.access.keys import KeyFileError, revoke_key

    try:
        revoke_key(_keys_file(), name)
    except KeyFileError as exc:
        raise _fail(str(exc), 2) from None
    typer.echo(f"revoked {name}")


@keys_cli.command("usage")
def keys_usage() -> None:
    """Requests, tokens and attempts per key so far, from Redis (GATEWAY_REDIS_URL); a gateway without Redis
    keeps them per process: ask it, GET /admin/usage."""
    from gateway.access.limits import RedisLimits

    settings = _settings(None)
    if settings.redis_url is None:
        raise _fail("usage is kept in Redis only with GATEWAY_REDIS_URL; else GET /admin/usage on the gateway", 2)
    limits = RedisLimits(settings.redis_url, failure="closed")

    async def read() -> dict[str, dict[str, int]]:
        try:
            return await limits.totals()
        finally:
            await limits.close()

    try:
        totals = asyncio.run(read())
    except Exception as exc:  # noqa: BLE001 - any Redis failure is one line for the operator
        raise _fail(f"cannot read usage from Redis: {exc}", 1) from None
    typer.echo(json.dumps(totals, indent=2, sort_keys=True))


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"gateway {version('gateway')}")
        raise typer.Exit()


@cli.callback()
def _options(
    show_version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True)
    ] = False,
) -> None:
    """Schema-driven extraction gateway."""


def main() -> None:
    cli()
