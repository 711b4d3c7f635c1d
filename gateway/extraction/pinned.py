"""Fields a narrowed tool leaves exactly one value for (a required field whose only choice is the one email the
text holds): the model is not asked to write them - each would cost a token of generation per few characters for
nothing - and the gateway writes them into the model's answer, at the start of its JSON object, as it arrives."""

import json
from collections.abc import AsyncIterator
from typing import Any


def split_pinned(tool: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``tool`` without its pinned top-level fields, and those fields' values."""
    function = tool.get("function") or {}
    parameters = function.get("parameters") or {}
    properties = parameters.get("properties")
    required = parameters.get("required") or []
    if not isinstance(properties, dict):
        return tool, {}
    names = list(properties)
    one_choice = [name for name in names if name in required and _one_choice(properties[name])]
    written = [index for index, name in enumerate(names) if name not in one_choice]
    if written:
        # Those after the last field the model writes stay: a model that has seen the whole object in its
        # examples ends a string with a '",' token, which a grammar closing the object there refuses - and it
        # writes the comma into the string instead ("José Luis Hernández,").
        one_choice = [name for name in one_choice if names.index(name) < written[-1]]
    pinned = {name: properties[name]["enum"][0] for name in one_choice}
    if not pinned:
        return tool, {}
    narrowed = {
        **parameters,
        "properties": {name: spec for name, spec in properties.items() if name not in pinned},
        "required": [name for name in required if name not in pinned],
    }
    return {**tool, "function": {**function, "parameters": narrowed}}, pinned


def _one_choice(spec: Any) -> bool:
    return (
        isinstance(spec, dict)
        and isinstance(spec.get("enum"), list)
        and len(spec["enum"]) == 1
        and ("anyOf" not in spec and "oneOf" not in spec)
    )


class PinnedWriter:
    """Writes pinned members into a JSON object text piece by piece: right after its opening brace, with a comma
    before the model's own first member (none before a closing brace)."""

    def __init__(self, pinned: dict[str, Any]) -> None:
        self.members = ", ".join(f"{json.dumps(name)}: {json.dumps(value)}" for name, value in pinned.items())
        self.state = "before" if pinned else "done"

    def feed(self, piece: str) -> str:
        if self.state == "done" or not piece:
            return piece
        if self.state == "before":
            brace = piece.find("{")
            if brace < 0:
                return piece
            self.state = "after"
            return piece[: brace + 1] + self.members + self.feed(piece[brace + 1 :])
        rest = piece.lstrip()
        if not rest:
            return piece
        self.state = "done"
        return piece if rest.startswith("}") else ", " + rest


async def written_into(chunks: AsyncIterator[Any], pinned: dict[str, Any]) -> AsyncIterator[Any]:
    """A stream of chat-completion chunks with ``pinned`` written into the tool call's arguments."""
    writer = PinnedWriter(pinned)
    async for chunk in chunks:
        for choice in getattr(chunk, "choices", None) or []:
            delta = choice.delta
            for call in (delta.tool_calls or []) if delta is not None else []:
                if call.function is not None and call.function.arguments:
                    call.function.arguments = writer.feed(call.function.arguments)
        yield chunk
