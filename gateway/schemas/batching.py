"""Cold start: many new schema files generated ten to a datamodel-code-generator run, then split back into one
module source per schema. A small schema's generation is mostly the generator's fixed cost per run."""

import ast
import hashlib
import re
from pathlib import Path
from typing import Any

from gateway.schemas import codegen
from gateway.schemas.compiler import check_schema, class_name_for, parse_document, without_gateway_keys

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
    source = codegen.generate_source({"$defs": combined}, BATCH_ROOT)
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


# Schemas generated per generator run (see generate_in_batches): ten measured fastest (larger batches
# cost more per schema, the generator's own checks grow faster than linearly).
BATCH_SIZE = 10


def generate_in_batches(paths: list[Path], *, batch_size: int = BATCH_SIZE) -> dict[str, str]:
    """Model sources for the valid schemas among ``paths`` that can share a generator run
    (``is_batchable``), keyed by content hash, generated ``batch_size`` to a run: a small schema's
    generation is mostly the generator's fixed cost per run. Files that are invalid, not batchable, or in a batch
    that does not split cleanly are left out: ``compile_schema`` generates (or refuses) them alone."""
    batchable: dict[str, tuple[str, dict[str, Any]]] = {}  # class name -> (content hash, schema); names unique
    for path in paths:
        try:
            raw = path.read_bytes()
            schema = without_gateway_keys(parse_document(raw, path))
            if not is_batchable(schema):
                continue
            check_schema(schema, str(path))
        except Exception:  # noqa: S112 - unreadable, invalid, too deep...: compile_schema reports it
            continue
        class_name = class_name_for(schema.get("title"), path.stem)
        if class_name not in batchable and class_name != BATCH_ROOT:
            batchable[class_name] = (hashlib.sha256(raw).hexdigest(), schema)
    names = list(batchable)
    sources: dict[str, str] = {}
    for start in range(0, len(names), batch_size):
        batch = names[start : start + batch_size]
        try:
            generated = generate_sources({name: batchable[name][1] for name in batch})
        except Exception:  # noqa: S112 - any failure: these files are generated one by one instead
            continue
        sources.update({batchable[name][0]: generated[name] for name in batch})
    return sources
