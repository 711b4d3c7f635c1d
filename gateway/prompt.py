"""The chat messages sent upstream for one extraction, built from the schema and the request."""

import json
from typing import Any, Literal

from gateway.compiler import CompiledSchema

Shape = Literal["one", "list", "items"]

_RULES = """\
You extract structured data from the user's text and answer only with the requested JSON.
Rules:
- Use only information stated in the text. Never invent a value.
- Copy names and other strings exactly as they appear in the text.
- Convert numbers written in words to digits (e.g. "forty-two" -> 42).
- Leave out optional fields the text does not mention.
- Follow each field's description."""


def build_messages(
    schema: CompiledSchema, text: str, *, shape: Shape, instructions: str | None = None
) -> list[dict[str, Any]]:
    """System rules, the schema's and the request's instructions, few-shot examples, then the text itself.

    ``shape`` is what the answer holds: ``one`` object, a ``list`` wrapper (``{"items": [...]}``), or the
    ``items`` wrapper instructor streams lists with (``{"tasks": [...]}``).
    """
    parts = [_RULES, f"The data to extract: {schema.title}."]
    if schema.description:
        parts.append(schema.description)
    if shape != "one":
        parts.append(f"Extract every {schema.title} in the text, in order of appearance; an empty list if none.")
    if schema.options.instructions:
        parts.append(schema.options.instructions.strip())
    if instructions:
        parts.append(instructions.strip())
    messages: list[dict[str, Any]] = [{"role": "system", "content": "\n\n".join(parts)}]
    for example in schema.options.examples:
        messages.append({"role": "user", "content": example.text})
        messages.append({"role": "assistant", "content": json.dumps(_wrap(example.output, shape))})
    messages.append({"role": "user", "content": text})
    return messages


def _wrap(output: dict[str, Any], shape: Shape) -> Any:
    if shape == "list":
        return {"items": [output]}
    if shape == "items":
        return {"tasks": [output]}
    return output
