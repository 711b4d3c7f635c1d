"""How the embedded model's lists are planned: chunks of the text, items placed in it, windows re-read."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from gateway.profiles.small.lists import Chunk, ListPlan, list_plan, number_window, place, split_text
from gateway.schemas.compiler import compile_schema

PLAN = ListPlan("name", ("age",))
# user_detail's fields: the pattern keeps lower-case words and digits out of names.
PROPERTIES: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "pattern": '^[^a-z0-9"\\\\][^0-9"\\\\]*$'},
    "age": {"type": "integer", "minimum": 0, "maximum": 150},
}


class Person(BaseModel):
    name: str
    age: int


def texts(text: str) -> list[str]:
    chunks = list(split_text(text, PLAN, PROPERTIES))
    for chunk in chunks:
        assert text[chunk.start : chunk.start + len(chunk.text)] == chunk.text
    return [chunk.text for chunk in chunks]


@pytest.mark.parametrize(
    # Only when every field is required and from the text: an unchecked field could sit in another chunk.
    ("schema", "plan"),
    [
        ({"x-gateway": {"from_text": ["age", "name"]}}, ListPlan("name", ("age",))),
        ({"x-gateway": {"from_text": ["name"]}, "properties": {"name": PROPERTIES["name"]}}, ListPlan("name", ())),
        ({"x-gateway": {"from_text": ["name"]}}, None),  # the age is not checked against the text
        ({"x-gateway": {"from_text": ["name", "age"]}, "required": ["age"]}, None),  # the name may be missing
        (
            {"x-gateway": {"from_text": ["name", "age"]}, "properties": {**PROPERTIES, "email": {"type": "string"}}},
            None,
        ),
        ({}, None),
    ],
)
def test_a_list_plan_needs_a_required_string_from_the_text(
    tmp_path: Path, schema: dict[str, Any], plan: ListPlan | None
) -> None:
    properties = schema.get("properties", PROPERTIES)
    document = {"title": "Person", "type": "object", "required": [*properties], **schema, "properties": properties}
    path = tmp_path / "person.json"
    path.write_text(json.dumps(document))
    assert list_plan(compile_schema(path, tmp_path / "cache")) == plan


def test_texts_are_cut_into_sentences_that_each_offer_an_item() -> None:
    assert texts("Kai is 8. His sister Nora is 11; they have 2 kids.") == ["Kai is 8.", "His sister Nora is 11"]
    # Titles and initials end no sentence; a sentence without a number joins the next one.
    assert texts("Dr. Ana Ruiz is 40.\nMr. J. Smith is a nurse. He is 50.") == [
        "Dr. Ana Ruiz is 40.",
        "Mr. J. Smith is a nurse. He is 50.",
    ]
    assert texts("Budget: 12,000 euros. nobody here is named.") == []
    assert texts("Team: B-12; seats 22A-22C") == []


def test_a_sentence_offering_many_numbers_is_cut_at_its_commas() -> None:
    roster = "Roster: Ann Lee (age 30), Bo Park (age 27), Cy Diaz (age 33), Di Moss (age 29). Budget: 9,000."
    assert texts(roster) == ["Roster: Ann Lee (age 30)", " Bo Park (age 27)", " Cy Diaz (age 33)", " Di Moss (age 29)."]
    three = "Ann Lee, 30, Bo Park, 27, and Cy Diaz, 33, met."
    assert texts(three) == [three]  # up to three numbers stay together
    respectively = "Ann Lee, Bo Park, Cy Diaz and Di Moss are 30, 27, 33 and 29."
    assert texts(respectively) == [respectively]  # cut at commas, it would leave three ages behind


def test_items_are_placed_in_text_order_without_repeats_or_strays() -> None:
    text = "Staff list - Priya Nair, 41; Twins Anna and Elsa are 12, Ben Carter is 29"
    chunk = Chunk(0, text)
    answer = [
        Person(name="Ben Carter", age=29),
        Person(name="Staff", age=41),  # a stray: the next item's number, words between them
        Person(name="Priya Nair", age=41),
        Person(name="Anna", age=12),
        Person(name="Elsa", age=12),  # joined to Anna by "and": a shared number is fine
        Person(name="ben  CARTER", age=29),  # a repeat
        Person(name="Nobody", age=3),  # not in the text
    ]
    placed = place(answer, chunk, PLAN)
    assert [entry.item.model_dump() for entry in placed] == [
        {"name": "Priya Nair", "age": 41},
        {"name": "Anna", "age": 12},
        {"name": "Elsa", "age": 12},
        {"name": "Ben Carter", "age": 29},
    ]
    assert (placed[0].start, placed[0].end) == (text.index("Priya"), text.index(", 41"))


def test_an_items_number_window_runs_from_the_previous_items_number_to_the_next_name() -> None:
    text = "Dr. Samuel Okoro, forty-eight, and his wife, Mrs. Grace Okoro, 45, opened a clinic with 20 beds."
    chunk = Chunk(10, text)
    entries = place([Person(name="Samuel Okoro", age=48), Person(name="Grace Okoro", age=20)], chunk, PLAN)
    first, second = (number_window(entries, index, chunk, PLAN) for index in range(2))
    assert first == Chunk(10, "Dr. Samuel Okoro, forty-eight, and his wife, Mrs. ")
    assert second.text == ", and his wife, Mrs. Grace Okoro, 45, opened a clinic with 20 beds."
    assert second.start == 10 + text.index(", and")
