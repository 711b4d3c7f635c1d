"""``/playground/<name>``: a page to try one schema in a browser - paste a text, watch the object form from the
stream, see where each value came from. Plain HTML, CSS and JS shipped in the package (``assets/``): no CDN, no
build step. The page is public like the docs; its runs call the extraction routes, so they pass the key check."""

import html
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from gateway.http.extraction import unknown_schema
from gateway.http.offline import offline_html
from gateway.schemas.compiler import CompiledSchema
from gateway.schemas.registry import SchemaRegistry

ASSETS_DIR = Path(__file__).parent / "assets"
ASSETS_URL = "/static/playground"
# Nested objects are listed this deep; deeper ones are named with their type only.
_FIELD_DEPTH = 4


def playground_url(name: str) -> str:
    return f"/playground/{name}"


def add_playground_routes(app: FastAPI, registry: SchemaRegistry) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="playground-assets")

    async def playground(name: str) -> HTMLResponse:
        schema = registry.ready(name)
        if schema is None:
            raise unknown_schema(registry, name, may_see=lambda _: bool(app.state.gate.open))
        return offline_html(render_playground(schema, key_required=not app.state.gate.open))

    app.add_api_route("/playground/{name}", playground, methods=["GET"], include_in_schema=False)


def render_playground(schema: CompiledSchema, *, key_required: bool) -> str:
    """The page for ``schema``; every string the schema file provides is escaped."""
    texts = _example_texts(schema)
    config = {"name": schema.name, "keyRequired": key_required, "examples": texts}
    return _PAGE.format(
        title=html.escape(schema.title),
        description=html.escape(schema.description or ""),
        name=html.escape(schema.name),
        fields=_field_list(schema.json_schema, schema.json_schema, 0),
        text=html.escape(texts.get("one") or texts.get("list") or ""),
        config=_script_json(config),
        assets=ASSETS_URL,
    )


def _example_texts(schema: CompiledSchema) -> dict[str, str]:
    """A text to start from for each shape: the schema's examples first, then its labelled test cases."""
    texts: dict[str, str] = {}
    for text, output in [
        *((example.text, example.output) for example in schema.options.examples),
        *((case.text, case.expect) for case in schema.options.tests),
    ]:
        texts.setdefault("list" if isinstance(output, list) else "one", text)
    return texts


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can close it early)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _resolve(spec: Any, root: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with a local ``$ref`` followed (its own keywords, like a description, kept over the target's)."""
    if not isinstance(spec, dict):
        return {}
    ref = spec.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        if isinstance(target, dict) and target is not spec:
            return {**target, **{key: value for key, value in spec.items() if key != "$ref"}}
    return spec


def _type_words(spec: dict[str, Any], root: dict[str, Any]) -> str:
    """A field's type as a reader says it: ``string (date)``, ``one of: a, b``, ``list of LineItem``."""
    if "enum" in spec:
        return "one of: " + ", ".join(json.dumps(value, ensure_ascii=False) for value in spec["enum"])
    if "const" in spec:
        return f"always {json.dumps(spec['const'], ensure_ascii=False)}"
    branches = spec.get("anyOf") or spec.get("oneOf")
    if isinstance(branches, list):
        words = [_type_words(_resolve(branch, root), root) for branch in branches]
        return " or ".join(word for word in words if word)
    kind = spec.get("type")
    if isinstance(kind, list):
        return " or ".join(str(each) for each in kind)
    if kind == "array":
        items = _resolve(spec.get("items"), root)
        return f"list of {items.get('title') or _type_words(items, root) or 'values'}"
    if kind == "object" or "properties" in spec:
        return str(spec.get("title") or "object")
    fmt = spec.get("format")
    return f"{kind} ({fmt})" if kind and fmt else str(kind or "")


def _field_list(spec: dict[str, Any], root: dict[str, Any], depth: int) -> str:
    """The object's fields as nested ``<ul>``: name, type, required or not, description."""
    spec = _resolve(spec, root)
    properties = spec.get("properties")
    if not isinstance(properties, dict) or not properties:
        return ""
    required = set(spec.get("required") or [])
    rows = []
    for name, raw in properties.items():
        field = _resolve(raw, root)
        description = field.get("description")
        nested = _nested_object(field, root)
        inner = _field_list(nested, root, depth + 1) if nested is not None and depth < _FIELD_DEPTH else ""
        rows.append(
            f"<li><code>{html.escape(name)}</code> <span class=type>{html.escape(_type_words(field, root))}</span>"
            f"{' <span class=req>required</span>' if name in required else ''}"
            f"{f'<p>{html.escape(str(description))}</p>' if description else ''}{inner}</li>"
        )
    return "<ul>" + "".join(rows) + "</ul>"


def _nested_object(field: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    """The object a field holds, itself or as the items of its list (or a nullable branch of either)."""
    for candidate in [field, *(field.get("anyOf") or []), *(field.get("oneOf") or [])]:
        candidate = _resolve(candidate, root)
        if candidate.get("type") == "array":
            candidate = _resolve(candidate.get("items"), root)
        if isinstance(candidate.get("properties"), dict):
            return candidate
    return None


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - playground</title>
<link rel=icon href="data:,">
<link rel="stylesheet" href="{assets}/playground.css">
</head>
<body>
<header>
<h1>{title}</h1>
<p class=lead>{description}</p>
<nav><a href="/">All schemas</a> · <a href="/docs/{name}">API docs</a> · <code>POST /extract/{name}/stream</code></nav>
</header>
<main>
<details class=fields><summary>Fields</summary>{fields}</details>
<form id=run-form>
<div id=key-box hidden>
<label for=api-key>API key</label>
<div class=row><input id=api-key type=password autocomplete=off spellcheck=false>
<button type=button id=forget-key>Forget</button></div>
<p class=hint>This gateway wants an API key. It is kept in this browser tab only (session storage).</p>
</div>
<label for=text>Text</label>
<textarea id=text rows=8 spellcheck=false>{text}</textarea>
<fieldset><legend>Extract</legend>
<label><input type=radio name=shape value=one checked> one object</label>
<label><input type=radio name=shape value=list> every object (a list)</label>
</fieldset>
<label><input type=checkbox id=evidence checked> show where each value came from</label>
<noscript><p id=noscript>The playground runs in JavaScript; switch it on to use this page.</p></noscript>
<div class=row><button type=submit id=run disabled>Run</button> <button type=button id=stop disabled>Stop</button></div>
</form>
<section aria-labelledby=result-title>
<h2 id=result-title>Result</h2>
<p id=status role=status aria-live=polite>Not run yet.</p>
<div id=error role=alert hidden></div>
<dl id=meta></dl>
<div id=result></div>
<details><summary>JSON</summary><pre id=json></pre></details>
</section>
<section aria-labelledby=source-title>
<h2 id=source-title>Source text</h2>
<p class=hint>Values found in the text are marked; hover or focus a value to see its span.</p>
<div id=source></div>
</section>
</main>
<script type="application/json" id=config>{config}</script>
<script src="{assets}/playground.js"></script>
</body></html>
"""
