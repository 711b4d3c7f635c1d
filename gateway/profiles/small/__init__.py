"""The profile of small local models (such as the embedded SmolLM2-135M): fields spelled out in the prompt, values
chosen from what the text offers, lists read a sentence at a time, and resampling instead of instructor's re-ask
(a re-ask turn makes a small model answer with the tool's name)."""

from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel

from gateway.profiles import Ask, Choices, ModelProfile
from gateway.profiles.small.grounding import Grounding
from gateway.profiles.small.grounding import narrow_tool as grounded_tool
from gateway.profiles.small.lists import ChunkedLists, with_own_pair
from gateway.profiles.small.nested import NestedReader
from gateway.profiles.small.prompting import field_guide, prepare_text
from gateway.profiles.small.records import RecordLists
from gateway.profiles.small.settling import settle as settle_values
from gateway.schemas.compiler import CompiledSchema


def narrow_tool(tool: dict[str, Any], text: str, schema: CompiledSchema, fixed: Choices) -> dict[str, Any]:
    """``tool`` narrowed to what ``text`` offers each field (``fixed`` choices for some top-level fields)."""
    return grounded_tool(tool, Grounding(text, schema, fixed))


def settle(answer: BaseModel, text: str, schema: CompiledSchema, alone: bool) -> BaseModel:
    """``answer`` read once more against ``text``: a one-object answer of a name-and-number schema set right by the
    names written just before a number (``with_own_pair``: a list's items are, beside each other, as it reads
    them), then each value settled (``settling``)."""
    return settle_values(with_own_pair(answer, text, schema) if alone else answer, text)


class SmallLists:
    """Lists of name-and-number schemas a sentence at a time (``ChunkedLists``), any other a record at a time."""

    def __init__(self) -> None:
        self.chunked, self.records = ChunkedLists(), RecordLists(NestedReader())

    def applies_to(self, schema: CompiledSchema) -> bool:
        return True

    def read(self, schema: CompiledSchema, text: str, ask: Ask) -> AsyncIterator[BaseModel]:
        reader = self.chunked if self.chunked.applies_to(schema) else self.records
        return reader.read(schema, text, ask)


SMALL = ModelProfile(
    name="small",
    max_tokens=512,
    # A small model copies a class name like "UserDetail" into its answer: it gets the description only.
    name_the_type=False,
    describe_fields=field_guide,
    prepare_text=prepare_text,
    narrow_tool=narrow_tool,
    lists=SmallLists(),
    objects=NestedReader(),
    further_attempt="resample",
    resample_temperature=0.7,
    # One bad optional value (a date-time without its zone, say) should not cost the fields read right.
    drop_invalid_optional=True,
    settle=settle,
)
