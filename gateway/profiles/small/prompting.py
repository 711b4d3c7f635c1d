"""What a small model is told beyond the schema's tool: its fields spelled out in the system message (llama.cpp
turns the tool schema into a grammar but never shows it to the model), numbers written in words given their digits,
and - for one object - the text's numbers listed with the words around them."""

import json
import re
from typing import Any

from gateway.profiles import Shape
from gateway.profiles.small.grounding import facts_of
from gateway.schemas.compiler import CompiledSchema
from gateway.schemas.from_text import number_word_spans


def prepare_text(text: str, shape: Shape, schema: CompiledSchema) -> str:
    """The user's text as a small model is shown it: numbers in words with their digits, and for one object read
    from a whole text, its numbers in context (a piece read as an item holds them in view already: listed, they
    measured worse for items)."""
    annotated = annotate_number_words(text)
    return annotated + number_context(annotated) if shape == "one" and schema.part_of is None else annotated


def annotate_number_words(text: str) -> str:
    """``"forty-two"`` -> ``"forty-two (42)"``: a small model copies digits far better than it converts words."""
    parts, position = [], 0
    for _start, end, value in number_word_spans(text):
        parts.append(f"{text[position:end]} ({value})")
        position = end
    parts.append(text[position:])
    return "".join(parts)


# At most this many numbers are listed after a text (see number_context).
MAX_LISTED_NUMBERS = 20


def number_context(text: str) -> str:
    """A list of the numbers ``text`` writes in digits, each with a few words around it, to append to it.

    A 135M model asked for one number (an age, a price) tends to take the text's last number; shown each number
    with its neighbours ("Kim turned 40 last week", "with 25 friends at") it picks the right one far more often
    (docs/embedded-model.md). Only for single objects: on lists it made the model stop earlier. Empty when the
    text has no number or more than ``MAX_LISTED_NUMBERS``.
    """
    # Just the digits ("forty-two (42)" lists "forty-two ( 42 ) lives"): measured better than whole words. Only
    # numbers of their own: not a date's, a time's, a phone number's or a code's digits ("INV-2024-0042").
    written = list(re.finditer(r"\d+(?:[.,]\d+)*", text))
    if len(written) > MAX_LISTED_NUMBERS:
        return ""
    own = {found.start for found in facts_of(text).numbers}
    matches = [match for match in written if match.start() in own]
    if not matches:
        return ""
    lines = []
    for match in matches:
        before = text[max(0, match.start() - 25) : match.start()].split()[-3:]
        after = text[match.end() : match.end() + 20].split()[:2]
        lines.append("- " + " ".join([*before, match.group(), *after]))
    return "\n\nNumbers in context:\n" + "\n".join(lines)


_field_guides: dict[tuple[str, str], str] = {}


def field_guide(schema: CompiledSchema) -> str:
    """One line per field, nested ones under their object (``vendor.name``, ``line_items[].quantity``): name, type,
    whether required, allowed values and description."""
    key = (schema.name, schema.content_hash)
    if key not in _field_guides:
        json_schema = schema.model_schema
        lines = ["Fields:"]
        _describe(json_schema, json_schema.get("$defs", {}), "", lines, depth=0)
        _field_guides[key] = "\n".join(lines)
    return _field_guides[key]


def _describe(node: dict[str, Any], definitions: dict[str, Any], prefix: str, lines: list[str], *, depth: int) -> None:
    required = set(node.get("required", []))
    for name, spec in node.get("properties", {}).items():
        kind, values = _kind(spec)
        line = f"- {prefix}{name} ({kind}, {'required' if name in required else 'optional'})"
        if values:
            line += f", one of: {', '.join(json.dumps(value) for value in values)}"
        if spec.get("description"):
            line += f": {spec['description']}"
        lines.append(line)
        inner = _object_of(spec, definitions)
        if inner is not None and depth < 3:
            suffix = "[]." if "list of object" in kind else "."
            _describe(inner, definitions, f"{prefix}{name}{suffix}", lines, depth=depth + 1)


def _object_of(spec: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any] | None:
    """The object a property holds, or holds a list of, resolved from ``$defs``."""
    for branch in spec.get("anyOf", [spec]):
        target = branch.get("items", branch) if branch.get("type") == "array" else branch
        ref = target.get("$ref")
        if isinstance(ref, str):
            resolved = definitions.get(ref.rsplit("/", 1)[-1], {})
            return resolved if isinstance(resolved.get("properties"), dict) else None
    return None


def _kind(spec: dict[str, Any]) -> tuple[str, list[Any]]:
    """A short type name for a property, and its enum values if any (optional fields are ``anyOf [..., null]``)."""
    branches = [branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"]
    branch = branches[0] if branches else spec
    if "$ref" in branch:
        return "object", []
    kind = str(branch.get("type", "value"))
    if kind == "array":
        items = branch.get("items", {})
        kind = f"list of {'object' if '$ref' in items else items.get('type', 'value')}"
    if "format" in branch:
        kind = f"{kind}, {branch['format']}"
    return kind, list(branch.get("enum", []))
