"""Fields a narrowed tool leaves one value for: taken out of the tool, written into the answer however it arrives."""

import json
from typing import Any

import pytest

from gateway.extraction.pinned import PinnedWriter, split_pinned


def tool(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties, "required": required}
    return {"type": "function", "function": {"name": "Card", "parameters": parameters}}


def test_a_required_field_with_one_choice_is_pinned_and_others_stay() -> None:
    properties = {
        "email": {"type": "string", "enum": ["ann@x.example"]},
        "name": {"type": "string", "enum": ["Ann", "Ann Lee"]},
        "phone": {"type": "string", "enum": ["555 0101"]},  # optional: the model may leave it out
        "city": {"anyOf": [{"type": "string", "enum": ["Oslo"]}, {"type": "null"}]},  # Oslo or null
        "role": {"type": "string", "enum": ["customer"]},
    }
    narrowed, pinned = split_pinned(tool(properties, ["email", "name", "city", "role"]))
    # "role" comes after the last field the model writes: it stays, so the model's last string is not followed
    # by the object's end where its examples taught it a comma.
    assert pinned == {"email": "ann@x.example"}
    parameters = narrowed["function"]["parameters"]
    assert list(parameters["properties"]) == ["name", "phone", "city", "role"]
    assert parameters["required"] == ["name", "city", "role"]
    assert narrowed["function"]["name"] == "Card"
    # Nothing left for the model to write: every such field is pinned.
    every, pinned = split_pinned(tool({"email": properties["email"], "role": properties["role"]}, ["email", "role"]))
    assert pinned == {"email": "ann@x.example", "role": "customer"}
    assert every["function"]["parameters"]["properties"] == {}


def test_a_tool_without_pinned_fields_is_returned_as_it_is() -> None:
    original = tool({"name": {"type": "string"}}, ["name"])
    assert split_pinned(original) == (original, {})


@pytest.mark.parametrize(
    "answer", ['{"name": "Ann"}', '{ "name": "Ann" }', '  {\n  "name": "Ann"}', "{}", "{ }", '{"name": "Ann", "n": 2}']
)
@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_pinned_members_are_written_at_the_start_of_the_object_in_any_pieces(answer: str, size: int) -> None:
    pinned = {"email": "ann@x.example", "role": "customer"}
    writer = PinnedWriter(pinned)
    written = "".join(writer.feed(answer[start : start + size]) for start in range(0, len(answer), size))
    assert json.loads(written) == {**pinned, **json.loads(answer)}
    assert list(json.loads(written))[:2] == ["email", "role"]


def test_nothing_pinned_leaves_the_answer_untouched() -> None:
    assert PinnedWriter({}).feed('{"name": "Ann"}') == '{"name": "Ann"}'
