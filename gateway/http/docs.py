"""Human-facing docs, served offline: the index page, Swagger UI and ReDoc for all schemas or for one."""

import html
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from gateway.http.extraction import unknown_schema
from gateway.http.offline import offline, offline_html
from gateway.http.openapi import complete_document, schema_doc_routes
from gateway.http.playground import playground_url
from gateway.schemas.registry import SchemaRegistry

# Swagger UI and ReDoc assets ship inside the fastapi-offline package; FastAPI's defaults load them from a CDN.
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/static/docs"


def _swagger_page(openapi_url: str, title: str) -> HTMLResponse:
    return offline(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            # Swagger UI would send a public document's URL to validator.swagger.io for a badge.
            swagger_ui_parameters={"validatorUrl": None},
        )
    )


def add_docs_routes(app: FastAPI, registry: SchemaRegistry) -> None:
    """``/``, ``/docs``, ``/redoc``, ``/docs/<name>``, ``/openapi/<name>.json``; ``/openapi.json`` lists every
    schema's own routes. Each document is built on its first request, not at start-up, and again when the schema
    folder changes: the documents follow the versions served."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    built_for = [-1]  # the registry generation app.openapi_schema was built for

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None or built_for[0] != registry.generation:
            generation = registry.generation
            ready = [schema for name in registry.names if (schema := registry.ready(name)) is not None]
            documented = [route for schema in ready for route in schema_doc_routes(schema)]
            tags = [{"name": schema.name, "description": schema.description or schema.title} for schema in ready]
            app.openapi_schema = complete_document(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=[*app.routes, *documented],
                    tags=tags,
                ),
                secured=not app.state.gate.open,
            )
            built_for[0] = generation
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    per_schema_openapi: dict[tuple[str, str], dict[str, Any]] = {}  # by name and version

    def schema_openapi(name: str) -> dict[str, Any]:
        schema = registry.ready(name)
        if schema is None:
            raise unknown_schema(registry, name, may_see=lambda _: bool(app.state.gate.open))
        key = (name, schema.content_hash)
        if key not in per_schema_openapi:
            if len(per_schema_openapi) > 4 * max(1, len(registry.schemas)):
                per_schema_openapi.clear()  # versions no longer served
            per_schema_openapi[key] = complete_document(
                get_openapi(
                    title=f"{schema.title} extraction",
                    version=app.version,
                    description=schema.description,
                    routes=schema_doc_routes(schema),
                    tags=[{"name": name, "description": schema.description or schema.title}],
                ),
                secured=not app.state.gate.open,
            )
            # Swagger UI shows it as a link under the title of /docs/<name>.
            per_schema_openapi[key]["externalDocs"] = {
                "description": "Try it in the playground: paste a text, watch the object form",
                "url": playground_url(name),
            }
        return per_schema_openapi[key]

    async def openapi_for_schema(name: str) -> JSONResponse:
        return JSONResponse(schema_openapi(name))

    async def docs_for_schema(name: str) -> HTMLResponse:
        schema = registry.ready(name)  # 404 for unknown names, before a page that would fail in the browser
        if schema is None:
            raise unknown_schema(registry, name, may_see=lambda _: bool(app.state.gate.open))
        return _swagger_page(f"/openapi/{name}.json", f"{schema.title} - gateway docs")

    async def docs_all() -> HTMLResponse:
        return _swagger_page(app.openapi_url or "/openapi.json", f"{app.title} - docs")

    async def redoc_all() -> HTMLResponse:
        return offline(
            get_redoc_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )

    async def index() -> HTMLResponse:
        return offline_html(render_index(registry))

    page: dict[str, Any] = {"methods": ["GET"], "include_in_schema": False}
    app.add_api_route("/", index, **page)
    app.add_api_route("/docs", docs_all, **page)
    app.add_api_route("/redoc", redoc_all, **page)
    app.add_api_route("/docs/{name}", docs_for_schema, **page)
    app.add_api_route("/openapi/{name}.json", openapi_for_schema, **page)


def render_index(registry: SchemaRegistry) -> str:
    """A small page linking each schema's docs; every schema-provided string is escaped."""
    rows = []
    for name in registry.names:
        schema = registry.schemas[name]
        rows.append(
            f'<li><a href="/docs/{html.escape(name)}">{html.escape(schema.title)}</a> '
            f"<code>POST /extract/{html.escape(name)}</code> "
            f'<a href="{playground_url(html.escape(name))}">playground</a>'
            f"<p>{html.escape(schema.description or '')}</p></li>"
        )
    for name, failure in sorted(registry.failures.items()):
        rows.append(f"<li class=error><b>{html.escape(name)}</b>: not served - {html.escape(failure.message)}</li>")
    return _INDEX_TEMPLATE.format(items="\n".join(rows) or "<li>No schemas in the schema folder.</li>")


_INDEX_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gateway</title>
<style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}}
li{{margin:.6rem 0}} p{{margin:.2rem 0;color:#555}} .error{{color:#a00}}</style></head>
<body><h1>gateway</h1>
<p>Extraction endpoints generated from schema files. <a href="/docs">All routes</a> ·
<a href="/redoc">ReDoc</a> · <a href="/schemas">/schemas</a> · <a href="/healthz">/healthz</a></p>
<ul>
{items}
</ul></body></html>
"""
