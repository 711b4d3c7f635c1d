"""JSON Schema -> Pydantic source (datamodel-code-generator), a content-keyed disk cache, and a safety check.

The generated source is executed, so before that it must pass ``check_generated_source``: an allow-list of the
shapes datamodel-code-generator emits (imports from known modules, classes of annotated fields, calls to
``Field``/``ConfigDict``, ``Model.model_rebuild()``). Whatever a schema's text contains can then only ever be a
string constant, never a call, an attribute access on something foreign, or an import.
"""

import ast
import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import tempfile
import warnings
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Bump when the generation options below change, or what the compiler checks: it invalidates every cached model.
CODEGEN_REVISION = "5"
MODEL_BASE_MODULE = "gateway.model_base"

_ALLOWED_IMPORTS = frozenset(
    {"__future__", "typing", "typing_extensions", "enum", "datetime", "decimal", "uuid", "ipaddress", "pydantic"}
)
_ALLOWED_CALLS = frozenset({"Field", "ConfigDict", "AnyUrl", "Decimal", "UUID", "date", "datetime", "time"})


@cache
def generator_version() -> str:
    return version("datamodel-code-generator")


@cache
def _toolchain() -> str:
    """The generator's and pydantic's versions: generated code is only reused with the same pair."""
    return f"{generator_version()}+pydantic-{version('pydantic')}"


def _entry(cache_dir: Path, content_hash: str, suffix: str) -> Path:
    """Cache entry of a schema file: its exact bytes (hashed), its syntax, this gateway's codegen revision and
    the generator's and pydantic's versions."""
    material = "\0".join((CODEGEN_REVISION, _toolchain(), suffix, content_hash))
    return cache_dir / f"{hashlib.sha256(material.encode()).hexdigest()}.json"


def is_compiled(cache_dir: Path, content_hash: str, suffix: str) -> bool:
    return _entry(cache_dir, content_hash, suffix).is_file()


# Each entry carries an HMAC of its content under a key kept in its own file of the cache folder: an entry edited
# by hand, or half written, no longer matches and is generated again instead of being trusted.
_KEY_FILE = "entries.key"


def _cache_key(cache_dir: Path) -> bytes | None:
    """The cache's signing key, made on first use; None if the folder cannot hold one (then nothing is cached)."""
    path = cache_dir / _KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(os.urandom(32))
    except FileExistsError:
        pass  # another process made it first
    except OSError:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _digest(key: bytes, entry: dict[str, Any]) -> str:
    content = json.dumps([entry["document"], entry["class_name"], entry["source"]], ensure_ascii=False)
    return hmac.new(key, content.encode(), hashlib.sha256).hexdigest()


def load_compiled(
    cache_dir: Path, content_hash: str, suffix: str, *, where: str = ""
) -> tuple[dict[str, Any], str, str] | None:
    """``(document, class_name, source)`` of a file compiled before, or None: never cached, unreadable, or not
    matching its digest (then it is removed and the caller generates it again; the log says so once)."""
    path = _entry(cache_dir, content_hash, suffix)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        document, class_name, source = entry["document"], entry["class_name"], entry["source"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        entry = None
    key = _cache_key(cache_dir)
    if entry is None or key is None or not hmac.compare_digest(str(entry.get("digest", "")), _digest(key, entry)):
        logger.warning(
            "%s: its compiled-model cache entry %s does not match its digest; generating it again", where, path
        )
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return document, class_name, source


def store_compiled(
    cache_dir: Path, content_hash: str, suffix: str, document: dict[str, Any], class_name: str, source: str
) -> None:
    key = _cache_key(cache_dir)
    if key is None:
        return  # a read-only cache only costs speed on the next start
    entry: dict[str, Any] = {"document": document, "class_name": class_name, "source": source}
    entry["digest"] = _digest(key, entry)
    _write_atomically(_entry(cache_dir, content_hash, suffix), json.dumps(entry, ensure_ascii=False))


def load_generator() -> None:
    """Import datamodel-code-generator now (about a second), e.g. before forking workers that use it."""
    import datamodel_code_generator  # noqa: F401


def generate_source(schema: dict[str, Any], class_name: str) -> str:
    """Run datamodel-code-generator in-process; return the module source for ``schema``."""
    # Imported here: it costs about a second, and a warm start (everything cached) never needs it.
    # Its enums are exported lazily (a module __getattr__), which mypy cannot see.
    from datamodel_code_generator import (  # type: ignore[attr-defined]
        DataModelType,
        InputFileType,
        LiteralType,
        PythonVersion,
        generate,
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = generate(
            json.dumps(schema),
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            class_name=class_name,
            formatters=[],
            disable_timestamp=True,
            use_annotated=True,
            field_constraints=True,
            use_standard_collections=True,
            use_union_operator=True,
            use_schema_description=True,
            enum_field_as_literal=LiteralType.All,
            allow_remote_refs=False,
            base_class=f"{MODEL_BASE_MODULE}.SchemaModel",
            disable_future_imports=True,
        )
    for warning in caught:
        # Constraints the generator could not express (e.g. maxLength on a URL) are worth one log line.
        logger.warning("%s: %s", class_name, warning.message)
    if not isinstance(source, str):
        raise ValueError("the generator split the schema into several modules; keep it to one root object")
    return source


# The class of a batch's own root document, dropped from the output (see generate_sources).
BATCH_ROOT = "GatewayBatch"
# A batch member's definitions are renamed "<prefix><member index>x<key>" for the run, and back in its source.
_BATCH_PREFIX = "Gwbatch"
# Keys that make a schema (or a property) produce a class of its own, or more than one.
_NESTING_KEYS = frozenset(
    {
        "$ref", "$dynamicRef", "$recursiveRef", "$defs", "definitions", "properties", "patternProperties",
        "additionalProperties", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
        "prefixItems", "contains", "unevaluatedProperties", "unevaluatedItems", "propertyNames",
    }
)  # fmt: skip
_OBJECT_KEYS = frozenset({"properties", "additionalProperties"})
_PLAIN_TYPES = frozenset({"string", "integer", "number", "boolean"})
# Definition names the generator turns into a class name unchanged.
_CLASS_LIKE = re.compile(r"[A-Z][A-Za-z0-9]*")


def is_batchable(schema: dict[str, Any]) -> bool:
    """Whether ``schema`` can be generated in a batch (``generate_sources``): an object whose properties are of
    plain types, lists of them, or references to its own ``$defs`` entries - each an object of the same kind,
    named like a class. Everything else (unions, inline objects, other references) is generated alone, where the
    generator names every class itself."""
    definitions = schema.get("$defs", {})
    if not isinstance(definitions, dict):
        return False
    if not all(isinstance(key, str) and _CLASS_LIKE.fullmatch(key) for key in definitions):
        return False
    objects = [schema, *definitions.values()]
    return all(_is_simple_object(node, definitions, root=node is schema) for node in objects)


def _is_simple_object(node: Any, definitions: dict[str, Any], *, root: bool) -> bool:
    allowed = _OBJECT_KEYS | {"$defs"} if root else _OBJECT_KEYS
    if not isinstance(node, dict) or (_NESTING_KEYS - allowed) & node.keys():
        return False
    if not root and node.get("type") != "object":
        return False
    properties = node.get("properties", {})
    if isinstance(node.get("additionalProperties"), dict) or not isinstance(properties, dict):
        return False
    return all(_is_field(spec, definitions) for spec in properties.values())


def _is_field(spec: Any, definitions: dict[str, Any]) -> bool:
    if not isinstance(spec, dict):
        return False
    if "$ref" in spec:
        ref = spec["$ref"]
        return (
            set(spec) <= {"$ref", "description", "title"}
            and isinstance(ref, str)
            and ref.startswith("#/$defs/")
            and ref.removeprefix("#/$defs/") in definitions
        )
    if _NESTING_KEYS & spec.keys():
        return False
    if spec.get("type") == "array":
        return "items" in spec and _is_field(spec["items"], definitions)
    return spec.get("type") in _PLAIN_TYPES


def generate_sources(schemas: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Module sources for several schemas (each ``is_batchable``), keyed by class name, from one generator run:
    its fixed cost (about 7 ms a run, most of a small schema's time) is paid once per batch. Each schema's
    definitions are renamed apart for the run and back in its source, so each source holds the schema's classes,
    named and written as a one-schema run writes them, with the imports they use (one the generator had to alias
    for another schema of the batch stays aliased).

    Raises:
        ValueError: the output does not split cleanly into the schemas' own classes (then generate them one by
            one).
    """
    combined: dict[str, Any] = {}
    own: dict[str, tuple[str, set[str]]] = {}  # class name -> (prefix, the batch names of its classes)
    for index, (name, schema) in enumerate(schemas.items()):
        if name.startswith(_BATCH_PREFIX):
            raise ValueError(f"a class name starting with {_BATCH_PREFIX!r} cannot be batched")
        prefix = f"{_BATCH_PREFIX}{index}x"
        definitions = schema.get("$defs", {})
        if name in definitions:
            raise ValueError(f"{name!r} names both a schema and one of its definitions")
        combined[name] = _with_prefixed_refs({k: v for k, v in schema.items() if k not in ("$schema", "$defs")}, prefix)
        for key, definition in definitions.items():
            combined[prefix + key] = _with_prefixed_refs(definition, prefix)
        own[name] = (prefix, {name, *(prefix + key for key in definitions)})
    source = generate_source({"$defs": combined}, BATCH_ROOT)
    tree = ast.parse(source)
    imported: dict[str, tuple[str, str]] = {}  # local name -> (module, "name" or "name as local")
    classes: dict[str, ast.ClassDef] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                spelled = alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
                imported[alias.asname or alias.name] = (node.module, spelled)
        elif isinstance(node, ast.ClassDef) and node.name not in classes:
            classes[node.name] = node
        else:
            raise ValueError(f"a batch's output holds more than imports and classes (line {node.lineno})")
    classes.pop(BATCH_ROOT, None)
    if classes.keys() != set().union(*(names for _, names in own.values())):
        raise ValueError("a batch's output does not hold exactly the schemas' own classes")
    lines = source.splitlines()
    sources = {}
    for name, (prefix, names) in own.items():
        nodes = [node for node in classes.values() if node.name in names]  # in the generator's order
        used: set[str] = set()
        texts = [_renamed_class(lines, node, prefix, used) for node in nodes]
        defined = {node.name.removeprefix(prefix) for node in nodes}
        if defined & imported.keys():
            raise ValueError("a class name of the batch is also a name its code imports")
        by_module: dict[str, list[str]] = {}
        for local, (module, spelled) in imported.items():
            if local in used:
                by_module.setdefault(module, []).append(spelled)
        header = "\n".join(f"from {module} import {', '.join(names)}" for module, names in by_module.items())
        sources[name] = header + "\n\n\n" + "\n\n\n".join(texts) + "\n"
    return sources


def _with_prefixed_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {
            key: f"#/$defs/{prefix}{value.removeprefix('#/$defs/')}"
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
            else _with_prefixed_refs(value, prefix)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_with_prefixed_refs(item, prefix) for item in node]
    return node


def _renamed_class(lines: list[str], node: ast.ClassDef, prefix: str, used: set[str]) -> str:
    """The class's source with its batch names (``prefix`` + name) renamed back; adds the names it uses to
    ``used``. Refuses a class that mentions a batch name anywhere else (a string, another member's class)."""
    edits: dict[int, list[tuple[int, int, str]]] = {}  # line -> (byte start, byte end, new text)
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            if child.id.startswith(prefix):
                new = child.id.removeprefix(prefix)
                edits.setdefault(child.lineno, []).append((child.col_offset, child.end_col_offset or 0, new))
                used.add(new)
            elif child.id.startswith(_BATCH_PREFIX):
                raise ValueError("a class of the batch refers to another schema's class")
            else:
                used.add(child.id)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str) and _BATCH_PREFIX in child.value:
            raise ValueError("a batch name appears in a string of the generated code")
    if node.name.startswith(prefix):
        start = lines[node.lineno - 1].encode().index(node.name.encode(), node.col_offset)
        edits.setdefault(node.lineno, []).append((start, start + len(node.name), node.name.removeprefix(prefix)))
    out = []
    for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
        line = lines[number - 1].encode()
        for start, end, new in sorted(edits.get(number, []), reverse=True):
            line = line[:start] + new.encode() + line[end:]
        out.append(line.decode())
    return "\n".join(out)


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError:
        # A read-only cache only costs speed on the next start.
        pass


class UnsafeSourceError(ValueError):
    """Generated code outside the allow-list."""


def check_generated_source(source: str) -> None:
    """Refuse generated code that does anything but declare models (see the module docstring)."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level or (node.module not in _ALLOWED_IMPORTS and node.module != MODEL_BASE_MODULE):
                _refuse(node, f"import from {node.module!r}")
        elif isinstance(node, ast.ClassDef):
            _check_class(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            _check_assignment(node)
        elif isinstance(node, ast.Expr):
            if not (_is_docstring(node) or _is_model_rebuild(node)):
                _refuse(node, "a bare expression")
        else:
            _refuse(node, type(node).__name__)


def _check_class(node: ast.ClassDef) -> None:
    if node.decorator_list or node.keywords:
        _refuse(node, "a class decorator or keyword")
    for base in node.bases:
        _check_expression(base)
    for item in node.body:
        if isinstance(item, (ast.Assign, ast.AnnAssign)):
            _check_assignment(item)
        elif not (isinstance(item, ast.Pass) or (isinstance(item, ast.Expr) and _is_docstring(item))):
            _refuse(item, f"{type(item).__name__} in a class body")


def _check_assignment(node: ast.Assign | ast.AnnAssign) -> None:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        if not isinstance(target, ast.Name) or target.id.startswith("__"):
            _refuse(node, "an assignment to something other than a plain name")
    if isinstance(node, ast.AnnAssign):
        _check_expression(node.annotation)
    if node.value is not None:
        _check_expression(node.value)


def _check_expression(node: ast.expr) -> None:
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            if not (isinstance(child.func, ast.Name) and child.func.id in _ALLOWED_CALLS):
                _refuse(child, "a call")
            if any(keyword.arg is None for keyword in child.keywords):
                _refuse(child, "a ** argument")
        elif isinstance(child, ast.Name):
            if child.id.startswith("_"):
                _refuse(child, f"the name {child.id!r}")
        elif isinstance(child, ast.Attribute):
            if not isinstance(child.value, ast.Name) or child.attr.startswith("_"):
                _refuse(child, "an attribute access")
        elif not isinstance(child, _SAFE_EXPRESSION_NODES):
            _refuse(child, type(child).__name__)


_SAFE_EXPRESSION_NODES = (
    ast.Constant,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.Set,
    ast.BinOp,
    ast.BitOr,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.keyword,
    ast.Load,
    ast.Slice,
)


def _is_docstring(node: ast.Expr) -> bool:
    return isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _is_model_rebuild(node: ast.Expr) -> bool:
    call = node.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.attr == "model_rebuild"
        and not call.args
        and not call.keywords
    )


def _refuse(node: ast.AST, what: str) -> None:
    line = getattr(node, "lineno", "?")
    raise UnsafeSourceError(f"generated code contains {what} (line {line}); refusing to load it")
