"""Answers checked against the input text, number words, and the prompt adaptations for the small model."""

import json
from pathlib import Path

import httpx
import pytest
import yaml
from pydantic import ValidationError

from gateway.compiler import compile_schema
from gateway.errors import SchemaCompileError
from gateway.grounding import annotate_number_words, numbers_in
from tests.fake_openai import FakeOpenAI

PERSON = {
    "title": "Person",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "x-gateway": {"from_text": ["name", "age"], "remove": {"name": r"^(?:(?:Dr|Mr|Mrs|Prof)\.?\s+)+"}},
}


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Jason is forty-two", {42}),
        ("one hundred and five years", {105}),
        ("her 90th birthday and fifth child", {90, 5}),
        ("sixty-five years old with 8 seats", {65, 8}),
        ("1,500 manuscripts weigh 3.5 kg", {1500, 3.5}),
        ("someone, anyone, nothing", set()),
    ],
)
def test_numbers_in_reads_digits_and_english_words(text: str, numbers: set[float]) -> None:
    assert numbers_in(text) == numbers


def test_number_words_get_their_digits() -> None:
    assert (
        annotate_number_words("Mr. Seán O'Brien, forty-two, seats 120.")
        == "Mr. Seán O'Brien, forty-two (42), seats 120."
    )
    assert annotate_number_words("one hundred and five") == "one hundred and five (105)"
    assert annotate_number_words("no numbers here") == "no numbers here"


def test_from_text_and_remove_check_answers_against_the_input(tmp_path: Path) -> None:
    path = tmp_path / "person.yaml"
    path.write_text(yaml.safe_dump(PERSON))
    model = compile_schema(path, tmp_path / "cache").model
    text = {"text": "Prof. Dr. Helga Schmidt, aged sixty-seven, lives in Bonn."}
    assert model.model_validate({"name": "Prof. Dr. Helga Schmidt", "age": 67}, context=text).model_dump() == {
        "name": "Helga Schmidt",
        "age": 67,
    }
    with pytest.raises(ValidationError, match="'Helga Smith' does not occur in the text"):
        model.model_validate({"name": "Helga Smith", "age": 67}, context=text)
    with pytest.raises(ValidationError, match="age 76 is not a number the text states"):
        model.model_validate({"name": "Helga Schmidt", "age": 76}, context=text)
    # Without a text to check against (docs, examples elsewhere) only the cleaning applies.
    assert model.model_validate({"name": "Dr. Nobody", "age": 1}).model_dump() == {"name": "Nobody", "age": 1}
    assert model.model_json_schema()["title"] == "Person"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"from_text": ["nope"]}, "names the field 'nope'"),
        ({"remove": {"name": "(unclosed"}}, "x-gateway.remove.name is not a valid regular expression"),
        (
            {"from_text": ["name"], "examples": [{"text": "Al is 3", "output": {"name": "Bob", "age": 3}}]},
            "examples[0]",
        ),
    ],
)
def test_bad_text_check_options_are_refused(tmp_path: Path, options: dict[str, object], message: str) -> None:
    path = tmp_path / "person.yaml"
    path.write_text(yaml.safe_dump({**PERSON, "x-gateway": options}))
    with pytest.raises(SchemaCompileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compile_schema(path, tmp_path / "cache")


def test_list_routes_get_a_several_item_example(client: httpx.Client, upstream: FakeOpenAI) -> None:
    client.post("/extract/user_detail/list", json={"text": "Jason is 25. Sarah is 30."})
    messages = upstream.calls[0]["messages"]
    example = json.loads(messages[-2]["content"])
    assert messages[-2]["role"] == "assistant"
    assert len(example["items"]) == 3  # user_detail.yaml's three single examples, run together
    assert "Maria Lopez" in messages[-3]["content"] and "Albert Finch" in messages[-3]["content"]
