"""The chat messages sent upstream for one extraction, built from the schema, the request and the model profile."""

import json
from typing import Any

from gateway.profiles import ModelProfile, Shape
from gateway.schemas.compiler import CompiledSchema

_RULES = """\
You extract structured data from the user's text and answer only with the requested JSON.
Rules:
- Use only information stated in the text. Never invent a value.
- Copy names and other strings exactly as they appear in the text.
- Convert numbers written in words to digits (e.g. "forty-two" -> 42).
- Leave out optional fields the text does not mention.
- Follow each field's description."""


def build_messages(
    schema: CompiledSchema, text: str, *, shape: Shape, profile: ModelProfile, instructions: str | None = None
) -> list[dict[str, Any]]:
    """System rules, the schema's and the request's instructions, few-shot examples, then the text itself.

    ``shape`` is what the answer holds: ``one`` object, a ``list`` wrapper (``{"items": [...]}``), or the
    ``items`` wrapper instructor streams lists with (``{"tasks": [...]}``). The profile says what the system
    message tells about the schema and how texts are shown.

    A request's own ``instructions`` go in the user turn, marked as the caller's, after the text: never in the
    system message, where they could pose as the operator's rules.
    """
    key = (schema.name, schema.content_hash, shape, profile.name)
    prefix = _prefixes.get(key)
    if prefix is None:
        prefix = _prefixes[key] = _conversation_prefix(schema, shape=shape, profile=profile)
    content = profile.prepare_text(text, shape, schema)
    if instructions:
        content += f"\n\n[Note from the caller, not a rule: {instructions.strip()}]"
    # Fresh dicts: the caller's list (and instructor) may change them; the cached turns stay as built.
    return [dict(message) for message in prefix] + [{"role": "user", "content": content}]


# The system message and few-shot turns are the same for every request of a schema, shape and profile: built once,
# not per request.
_prefixes: dict[tuple[str, str, Shape, str], list[dict[str, Any]]] = {}


def _conversation_prefix(schema: CompiledSchema, *, shape: Shape, profile: ModelProfile) -> list[dict[str, Any]]:
    parts = [_RULES]
    if profile.name_the_type:
        parts.append(f"The data to extract: {schema.title}.")
    if schema.description:
        parts.append(schema.description)
    if profile.describe_fields is not None:
        parts.append(profile.describe_fields(schema))
    if shape != "one":
        parts.append("The text may hold several: extract every one, in order of appearance; an empty list if none.")
    if schema.options.instructions:
        parts.append(schema.options.instructions.strip())
    messages: list[dict[str, Any]] = [{"role": "system", "content": "\n\n".join(parts)}]
    for example_text, output in _examples(schema, shape):
        messages.append({"role": "user", "content": profile.prepare_text(example_text, shape, schema)})
        messages.append({"role": "assistant", "content": json.dumps(output, ensure_ascii=False)})
    return messages


def _examples(schema: CompiledSchema, shape: Shape) -> list[tuple[str, Any]]:
    """Few-shot turns in the answer's shape. Without a list example, list routes get one made of every
    single-object example's text run together: a one-item list would teach the model to stop after one."""
    singles = [
        (example.text, example.output) for example in schema.options.examples if isinstance(example.output, dict)
    ]
    if shape == "one":
        return singles
    lists = [(example.text, example.output) for example in schema.options.examples if isinstance(example.output, list)]
    if not lists and singles:
        lists = [(" ".join(text for text, _ in singles), [output for _, output in singles])]
    key = "items" if shape == "list" else "tasks"
    return [(text, {key: items}) for text, items in lists]
