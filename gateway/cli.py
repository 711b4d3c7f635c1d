"""The ``gateway`` command: serve, check a schema folder, run one extraction, or score a labelled eval file."""

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, TypeVar

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
from gateway.logs import logging_config
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
    reload: Annotated[bool, typer.Option(help="Restart when code or schema files change.")] = False,
    workers: Annotated[int | None, typer.Option(help="Server processes (default 1).", min=1)] = None,
    access_log: Annotated[
        bool | None, typer.Option(help="Log every request, not only failed ones (default off).")
    ] = None,
) -> None:
    """Serve every schema in the folder over HTTP."""
    import uvicorn

    if access_log is not None:
        os.environ["GATEWAY_ACCESS_LOG"] = str(access_log).lower()  # read by each worker's app
    settings = _settings(schemas)
    _check_provider(settings)
    uvicorn.run(
        "gateway.process:served_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=None if reload else (workers or settings.workers),
        log_config=logging_config(settings.log_format, settings.log_level),
        access_log=False,  # the gateway logs requests itself (gateway.request_log)
        reload_dirs=[str(settings.schemas_dir), str(Path(__file__).parent)] if reload else None,
        reload_includes=["*.yaml", "*.yml", "*.json"] if reload else None,
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

    typer.echo(_with_extractor(_settings(schemas), name, one))


@cli.command("eval")
def evaluate(
    name: Annotated[str, typer.Argument(help="Schema name (the file stem).")],
    cases_file: Annotated[Path, typer.Argument(help='JSONL: {"text": ..., "expect": {...}} or "expect": [...].')],
    schemas: SchemasOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score the gateway's own extraction on labelled texts: per-field and whole-object accuracy."""
    from gateway.evaluation import load_cases, render, run_eval

    try:
        cases = load_cases(cases_file)
    except (OSError, ValueError) as exc:
        raise _fail(str(exc), 2) from None
    single, lists = _with_extractor(
        _settings(schemas), name, lambda extractor, schema: run_eval(extractor, schema, cases)
    )
    if as_json:
        typer.echo(json.dumps({"schema": name, "single": single.to_dict(), "list": lists.to_dict()}, indent=2))
    else:
        typer.echo("\n\n".join(part for part in (render(name, "single", single), render(name, "list", lists)) if part))


def _with_extractor(settings: Settings, name: str, work: Callable[[Extractor, CompiledSchema], Awaitable[T]]) -> T:
    """Load the schemas, open the configured LLM, run ``work``; errors are one clear line on stderr."""
    registry = SchemaRegistry.load(settings.schemas_dir, settings.cache_dir, max_list_items=settings.max_list_items)

    async def run() -> T:
        if name in registry.failures:
            raise SchemaUnavailable(f"schema {name!r} failed to compile: {registry.failures[name].message}")
        if name not in registry.schemas:
            raise SchemaNotFound(f"unknown schema {name!r}; known schemas: {', '.join(registry.names)}")
        async with connect_backend(settings) as backend:
            schema = registry.ready(name)
            if schema is None:
                raise SchemaUnavailable(f"schema {name!r} failed to compile: {registry.failures[name].message}")
            return await work(Extractor(backend, settings), schema)

    _check_provider(settings)
    try:
        return asyncio.run(run())
    except GatewayError as exc:
        raise _fail(f"{exc.error_type}: {exc.message}", 1) from None
    except LocalModelError as exc:
        raise _fail(str(exc), 2) from None


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
