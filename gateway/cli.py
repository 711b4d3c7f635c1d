"""The ``gateway`` command: serve, check a schema folder, or run one extraction from the shell."""

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from gateway.errors import GatewayError
from gateway.llm import NoProviderConfigured
from gateway.routes import ROUTE_SUFFIXES
from gateway.settings import Settings

cli = typer.Typer(help="Schema-driven extraction gateway.", no_args_is_help=True, add_completion=False)

SchemasOption = Annotated[
    Path | None, typer.Option("--schemas", help="Schema folder (default: $GATEWAY_SCHEMAS_DIR or ./schemas).")
]


def _settings(schemas: Path | None) -> Settings:
    if schemas is not None:
        os.environ["GATEWAY_SCHEMAS_DIR"] = str(schemas)  # also reaches the workers uvicorn starts
    return Settings()


@cli.command()
def serve(
    schemas: SchemasOption = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    reload: Annotated[bool, typer.Option(help="Restart when code or schema files change.")] = False,
) -> None:
    """Serve every schema in the folder over HTTP."""
    import uvicorn

    from gateway.llm import create_openai_client

    settings = _settings(schemas)
    try:
        create_openai_client(settings)
    except NoProviderConfigured as exc:
        typer.echo(f"gateway: {exc}", err=True)
        raise typer.Exit(2) from None
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        reload_dirs=[str(settings.schemas_dir), str(Path(__file__).parent)] if reload else None,
        reload_includes=["*.yaml", "*.yml", "*.json"] if reload else None,
    )


@cli.command()
def check(folder: Annotated[Path, typer.Argument(help="Schema folder to compile.")] = Path("schemas")) -> None:
    """Compile every schema file and print the routes each gets; exit 1 if any file is bad."""
    from gateway.registry import SchemaRegistry

    settings = _settings(folder)
    if not folder.is_dir():
        typer.echo(f"gateway: {folder} is not a folder", err=True)
        raise typer.Exit(2)
    registry = SchemaRegistry.load(folder, settings.cache_dir, max_list_items=settings.max_list_items)
    for name in registry.names:
        schema = registry.schemas[name]
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
    settings = _settings(schemas)
    if text == "-":
        text = sys.stdin.read()
    try:
        typer.echo(asyncio.run(_extract(settings, name, text, as_list=as_list, model=model)))
    except NoProviderConfigured as exc:
        typer.echo(f"gateway: {exc}", err=True)
        raise typer.Exit(2) from None
    except GatewayError as exc:
        typer.echo(f"gateway: {exc.error_type}: {exc.message}", err=True)
        raise typer.Exit(1) from None


async def _extract(settings: Settings, name: str, text: str, *, as_list: bool, model: str | None) -> str:
    from pydantic_core import to_json

    from gateway.errors import SchemaNotFound, SchemaUnavailable
    from gateway.llm import Extractor, create_openai_client
    from gateway.registry import SchemaRegistry

    registry = SchemaRegistry.load(settings.schemas_dir, settings.cache_dir, max_list_items=settings.max_list_items)
    if name in registry.failures:
        raise SchemaUnavailable(registry.failures[name].message, schema=name)
    if name not in registry.schemas:
        raise SchemaNotFound(f"unknown schema {name!r}; known schemas: {', '.join(registry.names)}", schema=name)
    async with create_openai_client(settings) as client:
        extractor = Extractor(client, settings)
        schema = registry.schemas[name]
        if as_list:
            items = await extractor.extract_list(schema, text, model=model)
            return to_json([item.model_dump(mode="json") for item in items], indent=2).decode()
        return (await extractor.extract(schema, text, model=model)).model_dump_json(indent=2)


def main() -> None:
    cli()
