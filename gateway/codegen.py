"""JSON Schema -> Pydantic source (datamodel-code-generator), a content-keyed disk cache, and a safety check.

The generated source is executed, so before that it must pass ``check_generated_source``: an allow-list of the
shapes datamodel-code-generator emits (imports from known modules, classes of annotated fields, calls to
``Field``/``ConfigDict``, ``Model.model_rebuild()``). Whatever a schema's text contains can then only ever be a
string constant, never a call, an attribute access on something foreign, or an import.
"""

import ast
import hashlib
import json
import logging
import os
import tempfile
import warnings
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Bump when the generation options below change, or what the compiler checks: it invalidates every cached model.
CODEGEN_REVISION = "4"
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


def load_compiled(cache_dir: Path, content_hash: str, suffix: str) -> tuple[dict[str, Any], str, str] | None:
    """``(document, class_name, source)`` of a file compiled before, or None."""
    try:
        entry = json.loads(_entry(cache_dir, content_hash, suffix).read_text(encoding="utf-8"))
        return entry["document"], entry["class_name"], entry["source"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_compiled(
    cache_dir: Path, content_hash: str, suffix: str, document: dict[str, Any], class_name: str, source: str
) -> None:
    entry = {"document": document, "class_name": class_name, "source": source}
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
