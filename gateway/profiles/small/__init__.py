"""The profile of small local models (such as the embedded SmolLM2-135M): fields spelled out in the prompt, values
chosen from what the text offers, lists read a sentence at a time, and resampling instead of instructor's re-ask
(a re-ask turn makes a small model answer with the tool's name)."""

from typing import Any

from gateway.profiles import Choices, ModelProfile
from gateway.profiles.small.choices import restrict_parameters, value_choices
from gateway.profiles.small.lists import ChunkedLists
from gateway.profiles.small.prompting import field_guide, prepare_text
from gateway.schemas.compiler import CompiledSchema


def from_text_choices(schema: CompiledSchema, text: str) -> Choices:
    """What the text offers each of the schema's ``x-gateway.from_text`` fields."""
    if not schema.options.from_text:
        return {}
    return value_choices(schema.model_schema.get("properties", {}), tuple(schema.options.from_text), text)


def narrow_tool(tool: dict[str, Any], model_name: str, choices: Choices) -> dict[str, Any]:
    """``tool`` with the fields of ``model_name`` narrowed to ``choices``: in its parameters when the tool is the
    model itself, in its ``$defs`` entry when the tool wraps a list of them."""
    function = tool["function"]
    parameters = restrict_parameters(
        function["parameters"], choices, root=function["name"] == model_name, definition=model_name
    )
    return {**tool, "function": {**function, "parameters": parameters}}


SMALL = ModelProfile(
    name="small",
    max_tokens=512,
    # A small model copies a class name like "UserDetail" into its answer: it gets the description only.
    name_the_type=False,
    describe_fields=field_guide,
    prepare_text=prepare_text,
    value_choices=from_text_choices,
    narrow_tool=narrow_tool,
    lists=ChunkedLists(),
    further_attempt="resample",
    resample_temperature=0.7,
)
