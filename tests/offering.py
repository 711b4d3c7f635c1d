"""Helpers for tests of what the small profile offers a schema's fields: a schema compiled from YAML, and the values
each field is offered for a text."""

from pathlib import Path
from typing import Any

from gateway.profiles.small.grounding import Grounding, narrow_tool
from gateway.schemas.compiler import CompiledSchema, compile_schema


def compiled(folder: Path, name: str, source: str) -> CompiledSchema:
    """A schema written to ``folder`` as ``name.yaml`` and compiled."""
    (folder / f"{name}.yaml").write_text(source)
    return compile_schema(folder / f"{name}.yaml", folder / "cache")


def offered(schema: CompiledSchema, text: str) -> dict[str, Any]:
    """Each field's offered values (its spec where it is left free); a field left out is missing."""
    tool = {"type": "function", "function": {"name": schema.model.__name__, "parameters": schema.model_schema}}
    properties = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]["properties"]
    return {
        name: [value for value in branch["enum"] if value is not None]
        if (branch := next((b for b in spec.get("anyOf", [spec]) if "enum" in b), None))
        else spec
        for name, spec in properties.items()
    }
