"""Answers checked against the input text, number words, and the prompt adaptations for the small model."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pydantic import ValidationError

from gateway.errors import SchemaCompileError
from gateway.extraction.prompt import build_messages
from gateway.profiles.small import SMALL
from gateway.profiles.small.choices import (
    MAX_SPAN_TEXT,
    restrict_parameters,
    stated_integers,
    text_spans,
    value_choices,
)
from gateway.profiles.small.grounding import Grounding, _heading, _synonyms, narrow_tool, ruled_out
from gateway.profiles.small.people import (
    labelled_as_a_person,
    lists_people,
    named_together,
    names_a_person,
    names_people_together,
    vouched_for,
)
from gateway.profiles.small.prompting import MAX_LISTED_NUMBERS, annotate_number_words, number_context
from gateway.profiles.standard import STANDARD
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.schemas.from_text import numbers_in
from tests.conftest import SHIPPED_SCHEMAS
from tests.fake_openai import FakeOpenAI
from tests.offering import offered

PERSON = {
    "title": "Person",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
    "x-gateway": {"from_text": ["name", "age"], "remove": {"name": r"^(?:(?:Dr|Mr|Mrs|Prof)\.?\s+)+"}},
}
PERSON_JO = {"name": "Jo", "age": 5}


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


def test_number_words_are_found_where_the_text_has_them() -> None:
    # "ß" casefolds to two letters: positions must still be the text's own.
    assert annotate_number_words("Straße 5, Jörg ist FORTY-two") == "Straße 5, Jörg ist FORTY-two (42)"
    assert stated_integers("word " * 50_000 + "seven") == [7]  # linear in the text's length


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


def test_list_routes_get_the_list_example(client: httpx.Client, upstream: FakeOpenAI) -> None:
    client.post("/extract/user_detail/list", json={"text": "Jason is 25. Sarah is 30."})
    messages = upstream.calls[0]["messages"]
    answers = [json.loads(message["content"]) for message in messages if message["role"] == "assistant"]
    assert [[item["name"] for item in answer["items"]] for answer in answers] == [
        ["Ana Ruiz", "Luis", "Omar Haddad", "Mia"],
        ["Carlos Mendes", "Ines Souto", "Rui Lopes", "Beatriz Lima"],
    ]
    assert not any("Maria Lopez" in message["content"] for message in messages)  # single examples are left out


def test_without_a_list_example_single_examples_are_run_together(tmp_path: Path) -> None:
    examples = [
        {"text": "Jo is 5.", "output": {"name": "Jo", "age": 5}},
        {"text": "Al is 7.", "output": {"name": "Al", "age": 7}},
    ]
    path = tmp_path / "person.json"
    path.write_text(json.dumps({**PERSON, "x-gateway": {"examples": examples}}))
    messages = build_messages(compile_schema(path, tmp_path / "cache"), "Kim is 9.", shape="list", profile=STANDARD)
    assert messages[-3]["content"] == "Jo is 5. Al is 7."
    assert json.loads(messages[-2]["content"]) == {"items": [example["output"] for example in examples]}


def test_text_spans_are_runs_of_words_that_cross_no_punctuation() -> None:
    spans = text_spans("Dr. Maria Lopez (42) met Seán O'Brien; Seán is 7. Bye.", max_words=3)
    assert spans is not None
    assert {"Dr. Maria Lopez", "Maria Lopez", "Seán O'Brien", "Seán is 7", "Seán is 7.", "42"} <= set(spans)
    assert not {"Lopez 42", "Lopez (42", "O'Brien Seán", "Dr. Maria Lopez met"} & set(spans)
    assert spans.index("Dr.") < spans.index("Maria") < spans.index("Seán")
    assert text_spans("one two three four five", limit=10) is None
    assert text_spans("Ann " * (MAX_SPAN_TEXT // 4 + 1)) is None  # long, if repetitive: not scanned
    assert text_spans("??? --- !!!") == []


def test_no_text_span_starts_with_a_function_word() -> None:
    spans = text_spans("Their dog Biscuit is 3. At the reunion, My roommate Kofi")
    assert spans is not None
    assert {"dog Biscuit", "Biscuit", "reunion", "roommate Kofi", "Kofi"} <= set(spans)
    assert not {"Their", "Their dog", "is 3", "At the reunion", "the reunion", "My roommate"} & set(spans)


def test_stated_integers_in_order_of_appearance() -> None:
    text = "Ana, forty-two, paid $1,500 for 3.5 kg on 12/05 for her 90th birthday"
    assert stated_integers(text) == [42, 1500, 12, 5, 90]


def test_numbers_inside_codes_are_not_stated_integers() -> None:
    text = "Flight SK 1423 (SK1423), seats 22A-22C, team B-12, COVID-19; a 32-year-old at 3 a.m. on her 21st"
    assert stated_integers(text) == [1423, 32, 21]  # nor a time's: "3 a.m."
    assert stated_integers("U12 squad:\n1. Finn - 11\n2) Leila - 12\n(3) Bruno, 10:30 - 9") == [11, 12, 9]


def test_value_choices_follow_the_field_types_and_bounds() -> None:
    properties = {
        "name": {"type": "string", "maxLength": 12},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "code": {"type": "string", "pattern": "^[A-Z]+$"},
        "tag": {"type": "string", "pattern": "(unreadable"},
        "score": {"type": "number"},
    }
    fields = ("name", "age", "nickname", "code", "tag", "score", "missing")
    choices = value_choices(properties, fields, "Ana Maria Ruiz, 33, paid 1,500 in 1990 by SEPA")
    assert set(choices) == {"name", "age", "nickname", "code", "tag"}
    assert choices["code"] == ["SEPA"]  # the spans the field's pattern accepts
    assert "Ana Maria Ruiz" in choices["tag"]  # a pattern Python cannot read filters nothing
    assert "Ana Maria" in choices["name"] and "Ana Maria Ruiz" not in choices["name"]  # maxLength 12
    assert choices["age"] == [33]
    assert "Ana Maria Ruiz" in choices["nickname"]
    assert value_choices(properties, ("age",), "no numbers here") == {}


def test_restrict_parameters_narrows_the_model_where_it_appears() -> None:
    person: dict[str, Any] = {"title": "Person", "type": "object", "properties": {
        "name": {"type": "string"}, "age": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}}  # fmt: skip
    choices: dict[str, list[Any]] = {"name": ["Ana"], "age": [33]}
    root = restrict_parameters(person, choices, root=True, definition="Person")
    assert root["properties"]["name"] == {"type": "string", "enum": ["Ana"]}
    assert root["properties"]["age"]["anyOf"] == [{"type": "integer", "enum": [33]}, {"type": "null"}]
    assert "enum" not in person["properties"]["name"]  # the original is left alone
    listing = {"type": "array", "items": {"$ref": "#/$defs/Person"}}
    wrapper: dict[str, Any] = {
        "type": "object",
        "properties": {"items": listing, "name": {"type": "string"}},
        "$defs": {"Person": person},
    }
    listed = restrict_parameters(wrapper, choices, root=False, definition="Person")
    assert listed["properties"]["name"] == {"type": "string"}
    assert listed["$defs"]["Person"]["properties"]["name"]["enum"] == ["Ana"]


def test_single_object_texts_get_their_numbers_in_context_for_the_small_model(tmp_path: Path) -> None:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(PERSON))
    schema = compile_schema(path, tmp_path / "cache")
    text = "Daniel Kim turned forty last week and celebrated with 25 friends."
    [*_, one] = build_messages(schema, text, shape="one", profile=SMALL)
    assert one["content"].endswith("Numbers in context:\n- turned forty ( 40 ) last\n- and celebrated with 25 friends.")
    [*_, listed] = build_messages(schema, text, shape="list", profile=SMALL)
    assert "Numbers in context" not in listed["content"]
    [*_, hosted] = build_messages(schema, text, shape="one", profile=STANDARD)
    assert hosted["content"] == text
    assert number_context("no digits here") == ""
    assert number_context(" ".join(str(n) for n in range(MAX_LISTED_NUMBERS + 1))) == ""


def test_the_prompt_prefix_is_reused_but_never_shared_or_polluted(tmp_path: Path) -> None:
    path = tmp_path / "person.json"
    path.write_text(json.dumps({**PERSON, "x-gateway": {"examples": [{"text": "Jo is 5.", "output": PERSON_JO}]}}))
    schema = compile_schema(path, tmp_path / "cache")
    first = build_messages(schema, "Kim is 9.", shape="one", profile=STANDARD)
    first[0]["content"] = "changed by a caller"  # a caller (or instructor) editing its messages
    first.append({"role": "user", "content": "more"})
    with_own = build_messages(schema, "Kim is 9.", shape="one", profile=STANDARD, instructions="Answer in French.")
    again = build_messages(schema, "Al is 7.", shape="one", profile=STANDARD)
    assert "Answer in French." in with_own[-1]["content"] and "Answer in French." not in with_own[0]["content"]
    assert again[0]["content"].startswith("You extract") and "Answer in French." not in again[0]["content"]
    assert [message["content"] for message in again[1:]] == ["Jo is 5.", json.dumps(PERSON_JO), "Al is 7."]
    # A changed schema file is a new prompt.
    path.write_text(json.dumps({**PERSON, "description": "Someone new.", "x-gateway": {"examples": []}}))
    changed = build_messages(compile_schema(path, tmp_path / "cache"), "Al is 7.", shape="one", profile=STANDARD)
    assert "Someone new." in changed[0]["content"] and len(changed) == 2


LABELLED = """
title: Dish
type: object
properties:
  title: {type: string}
  location: {type: string}
  chef_name: {type: string}
  servings: {type: integer}
  prep_minutes: {type: integer}
  cook_minutes: {type: integer}
  total_minutes: {type: integer}
required: [title]
"""


def test_a_value_the_text_labels_with_a_fields_own_name_is_that_fields_only_choice(tmp_path: Path) -> None:
    (tmp_path / "dish.yaml").write_text(LABELLED)
    dish = compile_schema(tmp_path / "dish.yaml", tmp_path / "cache")
    text = "Fish Pie for 6 people. Location: Leith Market stall 4. Prep 25 min, cook: 40 min; 4 servings if hungry."
    tool = {"type": "function", "function": {"name": "Dish", "parameters": dish.model_schema}}
    narrowed = narrow_tool(tool, Grounding(text, dish))["function"]["parameters"]["properties"]

    def offered(name: str) -> list[Any]:
        spec = narrowed[name]
        return next(branch["enum"] for branch in spec.get("anyOf", [spec]) if "enum" in branch)

    # A field named in minutes is offered durations in minutes: "1 hour" is 60.
    hours = narrow_tool(tool, Grounding("Fish Pie. Prep: 1 hour 15 minutes.", dish))["function"]["parameters"]
    assert hours["properties"]["prep_minutes"]["anyOf"][0]["enum"] == [75]
    # Labelled before ("Prep 25", "cook: 40") or after ("4 servings"): only that number is offered.
    assert offered("prep_minutes") == [25] and offered("cook_minutes") == [40] and offered("servings") == [4]
    # "minutes" is every time field's word: it labels none of them. A field the text does not label keeps every
    # duration, but no bare number where the text writes durations ("6 people", "stall 4").
    assert offered("total_minutes") == [25, 40]
    # A string is labelled only as "Label: value": the runs starting after it.
    assert offered("location")[:3] == ["Leith", "Leith Market", "Leith Market stall"]
    assert "Fish Pie" in offered("title")
    # "Name: Ana" is no label of chef_name (its "chef" is missing): every run stays on offer.
    named = narrow_tool(tool, Grounding("Fish Pie. Name: Ana Ruiz. Chef name: Li Wei.", dish))
    assert named["function"]["parameters"]["properties"]["chef_name"]["anyOf"][0]["enum"][:2] == ["Li", "Li Wei"]
    unnamed = narrow_tool(tool, Grounding("Fish Pie. Name: Ana Ruiz.", dish))
    assert "Fish Pie" in unnamed["function"]["parameters"]["properties"]["chef_name"]["anyOf"][0]["enum"]


def narrowed(schema: CompiledSchema, text: str, *, listed: bool = False) -> dict[str, Any]:
    """The tool parameters the small profile sends for one ``schema`` object (or a list of them) about ``text``."""
    parameters = schema.list_model.model_json_schema() if listed else schema.model_schema
    tool = {
        "type": "function",
        "function": {"name": "Items" if listed else schema.model.__name__, "parameters": parameters},
    }
    result: dict[str, Any] = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]
    return result


def test_a_list_the_text_writes_under_the_fields_name_is_offered_as_written(tmp_path: Path) -> None:
    (tmp_path / "ticket.yaml").write_text(
        "title: Ticket\ntype: object\nproperties:\n  id: {type: string}\n"
        "  tags: {type: array, items: {type: string}}\n  skills: {type: array, items: {type: string}}\n"
        "  kinds: {type: array, items: {type: string, enum: [bug, idea]}}\n"
        "required: [id]\n"
    )
    ticket = compile_schema(tmp_path / "ticket.yaml", tmp_path / "cache")
    text = 'Ticket T-1 (an idea). Could you add a dark mode? Tags: ui, dark-mode, "quoted". Kinds: ui, idea.'
    properties = narrowed(ticket, text)["properties"]
    # Exactly the values listed (a value with a quote stays out of the grammar), so the model writes them all.
    assert properties["tags"]["anyOf"][0]["enum"] == [["ui", "dark-mode"]]
    # No list is labelled "skills": the model chooses among the text's words.
    skills = properties["skills"]["anyOf"][0]
    assert "enum" not in skills and "dark mode" in skills["items"]["enum"]
    # Items of set values keep to them, labelled or not ("ui" is no kind).
    kinds = properties["kinds"]["anyOf"][0]
    assert "enum" not in kinds and kinds["items"]["enum"] == ["idea"]
    # Tags the text lists under no such label are none: the optional list stays out ("skills" takes any words).
    unlabelled = narrowed(ticket, "Ticket T-1: the 502 page is down again since 22:30 CEST.")["properties"]
    assert "tags" not in unlabelled and "skills" in unlabelled


def test_a_phone_field_is_offered_the_texts_phone_numbers_whatever_its_pattern_also_matches(tmp_path: Path) -> None:
    (tmp_path / "booking.yaml").write_text(
        "title: Booking\ntype: object\nproperties:\n  date: {type: string, format: date}\n"
        "  contact_phone: {type: string, pattern: '^[+0-9 ().-]{6,20}$'}\n  figure: {type: string, pattern: "
        "'^[0-9.]{6,12}$'}\n  start: {type: string, pattern: '^[0-9]{2}:[0-9]{2}$'}\n  note: {type: string}\n"
        "required: [date]\n"
    )
    booking = compile_schema(tmp_path / "booking.yaml", tmp_path / "cache")
    properties = narrowed(booking, "Table for 2 on 14.02.2024 at 19:00, deposit 20.00. Call 020 7946 0958.")[
        "properties"
    ]
    # The pattern matches the date and the amount as well; a field named for a phone takes phone numbers only.
    assert properties["contact_phone"]["anyOf"][0]["enum"] == ["020 7946 0958"]
    assert "14.02.2024" in properties["figure"]["anyOf"][0]["enum"]  # any other pattern field: all it matches
    assert properties["start"]["anyOf"][0]["enum"] == ["19:00"]  # a time's pattern: the time as written
    assert not {"14.02.2024", "19:00"} & set(properties["note"]["anyOf"][0]["enum"])  # a plain string: no date


def test_an_optional_yes_no_field_is_offered_where_the_text_names_its_thing(tmp_path: Path) -> None:
    (tmp_path / "ticket.yaml").write_text(
        "title: Ticket\ntype: object\nproperties:\n  id: {type: string}\n  refund_requested: {type: boolean}\n"
        "  signature_required: {type: boolean}\nrequired: [id]\n"
    )
    ticket = compile_schema(tmp_path / "ticket.yaml", tmp_path / "cache")

    def asked(text: str) -> set[str]:
        return set(narrowed(ticket, text)["properties"])

    # "request" and "required" are any request's words: the field's thing is the refund, the signature.
    assert asked("Your request CS-1 has been received; a reply is required within 2 days.") == {"id"}
    assert asked("CS-2: I want a refund. Signature on delivery, please.") == {
        "id",
        "refund_requested",
        "signature_required",
    }


def test_a_name_of_one_short_word_labels_its_value_and_a_loose_pattern_finds_no_stretches(tmp_path: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")

    def offered(text: str) -> dict[str, Any]:
        return {name: spec.get("enum") for name, spec in narrowed(user_detail, text)["properties"].items()}

    # "age" labels the number after it ("Age: 12", "aged 41", "Age 24"), not the one before the next label.
    assert offered("Student: Aarav Mehta   Grade: 7   Age: 12   Homeroom: 214")["age"] == [12]
    assert offered("Kim, aged 41, paid 30 euros.")["age"] == [41]
    roster = offered("#23 — Marcus Bell — PG — 185 lbs — Age 24 — 4th season")
    assert roster["age"] == [24] and "—" not in roster["name"]
    # The name's pattern matches nearly any text: only runs of words are offered, not "Pt: Mrs. Ann Lee,".
    names = offered("Pt: Mrs. Eleanor Whitfield, 81 y/o F, presents w/ 3-day hx.")["name"]
    assert "Eleanor Whitfield" in names and not any("," in name or ":" in name for name in names)


def test_a_label_picks_one_objects_value_not_every_list_items(tmp_path: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")
    text = "Ms. Zainab Yusuf, a 39-year-old nurse, and her son Ibrahim, aged 8, moved in."
    assert narrowed(user_detail, text)["properties"]["age"]["enum"] == [8]
    items = narrowed(user_detail, text, listed=True)["$defs"]["UserDetail"]
    assert items["properties"]["age"]["enum"] == [39, 8]


def test_a_number_counting_or_numbering_something_else_is_not_offered_beside_others(tmp_path: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")

    def ages(text: str) -> list[int]:
        ages: list[int] = narrowed(user_detail, text)["properties"]["age"]["enum"]
        return ages

    # What a number counts is written after it, what it numbers before it: neither is an age.
    assert ages("Chris, 34, was rescued after 2 nights in -5°C conditions on a 90-minute climb.") == [34]
    assert ages("Sara, 7, lives at Flat 6, 18 Orchard Lane, and sits in Hall 2.") == [7]
    # Years say how old; a text whose every number counts something still offers them all.
    assert ages("A 19-year-old with 3 dogs") == [19]
    assert ages("Leo has 3 dogs and 2 cats.") == [3, 2]
    # Not a verb ("12 plays"), a job title after a bare number, nor a surname ("Ward 34") taken for such a thing.
    assert ages("Noah, 12 plays chess; Emma Ward 34 teaches.") == [12, 34]
    assert ages("Tom Reed 45 Marketing Director, joined in 2019") == [45]
    # A field named for what is counted takes it: "4 guests" for guests, any count for a quantity.
    booking = tmp_path / "booking.yaml"
    properties = {"guests": {"type": "integer"}, "quantity": {"type": "integer"}, "table": {"type": "integer"}}
    booking.write_text(json.dumps({"title": "Booking", "type": "object", "properties": properties}))
    offered = narrowed(compile_schema(booking, tmp_path / "cache"), "Table 9 for 4 guests, 2 high chairs, room 12.")
    assert offered["properties"]["guests"]["anyOf"][0]["enum"] == [4]
    assert offered["properties"]["quantity"]["anyOf"][0]["enum"] == [9, 4, 2, 12]
    assert offered["properties"]["table"]["anyOf"][0]["enum"] == [9]
    # ... and only those where the text writes such: "3-bed" or "1 bedroom" for bedrooms, by the word it starts.
    listing = tmp_path / "listing.yaml"
    described = {"type": "integer", "description": "Bedrooms of the flat or house."}
    listing.write_text(json.dumps({"title": "Listing", "type": "object", "properties": {"bedrooms": described}}))
    rooms = compile_schema(listing, tmp_path / "cache")
    for text, expected in [
        ("ROOM in 3-bed flatshare, Wrangelstr. 18, 540 EUR", [3]),
        ("Flat 2, 1 bedroom, 18 Orchard Lane", [1]),
        ("Room in a 4 bedroom house share, 18 Orchard Lane", [4]),
        ("Flat 2, 18 Orchard Lane, 540 EUR", [540]),  # nothing counts bedrooms: what numbers nothing else
    ]:
        assert narrowed(rooms, text)["properties"]["bedrooms"]["anyOf"][0]["enum"] == expected, text


def test_a_field_named_as_a_code_is_offered_codes_only(tmp_path: Path) -> None:
    notice = tmp_path / "notice.yaml"
    properties = {"tracking_number": {"type": "string"}, "postal_code": {"type": "string"}, "note": {"type": "string"}}
    notice.write_text(json.dumps({"title": "Notice", "type": "object", "properties": properties}))
    text = "Order AB-123 (48h service) with tracking 1Z999AA101 to 5652 AH Eindhoven, 3 parcels; ACME-CORP."
    offered = narrowed(compile_schema(notice, tmp_path / "cache"), text)["properties"]
    # Labelled by a word of its name ("tracking 1Z999AA101"): that code alone.
    assert offered["tracking_number"]["anyOf"][0]["enum"] == ["1Z999AA101"]
    unlabelled = narrowed(compile_schema(notice, tmp_path / "cache"), text.replace("tracking", "code"))["properties"]
    codes = ["AB-123", "48h", "1Z999AA101", "5652", "5652 AH", "ACME-CORP"]
    assert unlabelled["tracking_number"]["anyOf"][0]["enum"] == codes
    assert offered["postal_code"]["anyOf"][0]["enum"] == ["5652", "5652 AH"]  # the codes shaped as postal codes
    assert "48h service" in offered["note"]["anyOf"][0]["enum"]  # any other string takes any run


def test_an_age_field_is_offered_the_numbers_a_text_writes_as_ages(tmp_path: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")

    def ages(text: str) -> list[int]:
        ages: list[int] = narrowed(user_detail, text)["properties"]["age"]["enum"]
        return ages

    # "for 7 years" and "About 30 years now" say how long, not how old; "She is 46." and an answer to "how old" do.
    assert ages("Beatriz ran the food bank for 7 years and coaches 12 kids. She is 46.") == [46]
    assert ages("Q: And how old are you, Rahul?\nA: Fifty-five.\nQ: Since when?\nA: About 30 years now.") == [55]
    assert ages("Connor (26M) spent $60 in 3 weeks") == [26]
    assert ages("Hiroshi, 63/M, LOS 7 days") == [63]
    assert ages("Lucía Fernández Gil, de 15 años, mide 1,62 m y pesa 48 kg.") == [15]
    # "is 55-091-337" is a customer number; with no number written as an age, every number stays offered.
    assert ages("Her customer number is 55-091-337 and she's 74 and kind.") == [74]
    assert ages("Leo has 3 dogs and 2 cats.") == [3, 2]


def test_a_number_named_for_a_measure_or_money_takes_numbers_written_so(tmp_path: Path) -> None:
    schema = tmp_path / "flat.yaml"
    schema.write_text(
        "title: Flat\ntype: object\nproperties:\n  area_sqm: {type: number}\n  monthly_rent: {type: number}\n"
        "  deposit: {type: number}\n  rooms: {type: integer}\n"
    )
    flat = compile_schema(schema, tmp_path / "cache")
    text = "Room at Wrangelstr. 18, 14 m², 3 rooms. Rent €540 for 6 months, Deposit: 1080."
    properties = narrowed(flat, text)["properties"]
    assert properties["area_sqm"]["anyOf"][0]["enum"] == [14]
    assert properties["monthly_rent"]["anyOf"][0]["enum"] == [540]
    assert properties["deposit"]["anyOf"][0]["enum"] == [1080]  # labelled: the label decides
    # No area written with its measure: none offered, the optional field stays out.
    assert "area_sqm" not in narrowed(flat, "Room at Wrangelstr. 18, 3 rooms, €540.")["properties"]


def test_a_roles_name_is_a_persons_where_its_own_description_says_so(tmp_path: Path) -> None:
    person = "The name of the person who booked the event. Not the venue's staff and not a company name."
    assert names_a_person("organiser_name", {"description": person}, "")
    assert not names_a_person("customer_name", {"description": "The person or company that ordered."}, "")
    assert lists_people("speakers") and lists_people("main_guests")
    assert not lists_people("passenger_type") and not lists_people("product_names")
    assert not names_a_person("product_name", {"description": "The product as written."}, "A person's order.")
    shown = {"description": "The product's name as shown to the customer."}
    assert not names_a_person("product_name", shown, "")  # a customer is mentioned, but no role names the field
    schema = tmp_path / "booking.yaml"
    schema.write_text(
        "title: Booking\ntype: object\nproperties:\n"
        f"  organiser_name: {{type: string, description: {person!r}}}\n"
        "  venue: {type: string}\n"
    )
    booking = compile_schema(schema, tmp_path / "cache")
    text = "Hi Dana,\n\nThe Old Granary is yours on 13 May. Dr. Pieter van den Berg confirmed for Open Water Ltd."
    offered = narrowed(booking, text)["properties"]["organiser_name"]["anyOf"][0]["enum"]
    assert "Pieter van den Berg" in offered
    assert not {"Hi Dana", "The Old Granary", "Dr. Pieter van den Berg", "Open Water Ltd"} & set(offered)
    # A title alone is no name ("Sir" had been offered, and chosen).
    knighted = "Sir Reginald Ashworth, age 71, was knighted in 2004 for services to architecture."
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")
    assert narrowed(user_detail, knighted)["properties"]["name"]["enum"] == [
        "Reginald",
        "Reginald Ashworth",
        "Ashworth",
    ]


def test_a_persons_name_is_not_offered_a_heading_a_place_or_another_persons_signature(tmp_path: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")

    def names(text: str) -> list[str]:
        names: list[str] = narrowed(user_detail, text)["properties"]["name"]["enum"]
        return names

    letter = "Hello Mr. Kowalski,\n\nYour mother, Halina Kowalska, is 83 and lives at Elm Street.\n\nBest,\nDiane Ortiz"
    offered = names(letter)
    assert "Halina Kowalska" in offered
    assert not {"Kowalski", "Mr. Kowalski", "Diane Ortiz", "Elm Street", "Best"} & set(offered)
    # A name alone after a dash at the end signs too; one letter ("F" of "Ngozi Eze, F, 48") is nobody's name.
    dashed = names("Dmitri Zaretsky from the Toronto office turned 30 last week. Don't tell him!\n— Priyanka")
    assert "Dmitri Zaretsky" in dashed and "Priyanka" not in dashed
    assert "F" not in names("Victim: Ngozi Eze, F, 48, of Flat 3")
    assert "The Old Granary" not in names("The Old Granary hosts Charlotte Hollis, 34, and 120 guests.")
    # A writer who gives their own age may be the one who signs.
    assert "Emma" in names("Hi, I'm 29 and looking for a flat near the Science Museum.\n\nThanks,\nEmma")
    # A code before a name, a place first, or a word in small letters is no part of a name.
    squad = names("Matchday squad\n#1 GK Rasmus Holm, 31\n#4 DF Kwame Boateng, 27")
    assert "Rasmus Holm" in squad and not {"GK Rasmus Holm", "DF Kwame Boateng"} & set(squad)
    family = names("Chidi's mother, Ngozi, is 79; the reunion is at Hotel De Wereld.")
    assert "Ngozi" in family and not {"Chidi's mother", "Hotel De Wereld"} & set(family)
    assert "Pieter van der Meer" in names("Pieter van der Meer, 62, is the eldest.")
    # A family name in capitals first is no position; a particle of two words is a name's.
    assert "LI Wei" in names("Patient LI Wei, 44, seen today.")
    assert "María de los Ángeles Pérez" in names("María de los Ángeles Pérez, 51, lives here.")
    headed = names("CURRICULUM VITAE\nName: ANA RUIZ\nAge: 26, works at Allegro on Monday; LOS 7 days")
    assert "ANA RUIZ" in headed
    assert not {"CURRICULUM VITAE", "Allegro", "Monday", "LOS"} & set(headed)
    # A form's person label picks the name after it; a transcript's speaker label does not.
    record = "DISCHARGE SUMMARY\nPatient: Hiroshi Yamamoto   MRN: 0092\nAge: 63\nConsultant: Dr. S. Raghavan"
    assert names(record) == ["Hiroshi", "Hiroshi Yamamoto"]  # (a wide gap ends a run: not "...   MRN")
    assert "Tobias Brandt" in names("Customer: hi, my son Tobias Brandt is 17.")
    # A text in capitals writes its names so too; where nothing else is left, everything stays.
    assert "ANA RUIZ" in names("PATIENT ANA RUIZ, 26")
    assert names("SPRINGFIELD 67") == ["SPRINGFIELD"]


def test_postal_codes_quantities_and_item_lines_are_offered_as_such(tmp_path: Path) -> None:
    line = tmp_path / "line.yaml"
    properties = {"name": {"type": "string"}, "quantity": {"type": "integer"}, "postal_code": {"type": "string"}}
    line.write_text(json.dumps({"title": "Line", "type": "object", "properties": properties}))
    schema = compile_schema(line, tmp_path / "cache")

    def offered(text: str, field: str) -> list[Any]:
        values: list[Any] = narrowed(schema, text)["properties"][field]["anyOf"][0]["enum"]
        return values

    # "×2" is the quantity, not the 30 of "30 ml"; the line's description is offered whole, commas and all.
    item = "- Fountain Pen Ink 30 ml, Midnight ×2 ... $16.50"
    assert offered(item, "quantity") == [2]
    assert "Fountain Pen Ink 30 ml, Midnight" in offered(item, "name")
    assert offered("Aisha Rahman, 9 Fenwick Close, Leeds, LS6 2QP", "postal_code") == ["LS6 2QP"]
    assert offered("Dana Okafor, 77 Birchwood Ct, Asheville, NC 28803", "postal_code") == ["28803"]


def test_a_word_naming_the_values_kind_labels_a_field_only_when_its_name_has_no_other(tmp_path: Path) -> None:
    notice = tmp_path / "notice.yaml"
    date = {"type": "string", "format": "date"}
    properties = {"shipped_date": date, "delivery": date}
    notice.write_text(json.dumps({"title": "Notice", "type": "object", "properties": properties}))
    offered = narrowed(compile_schema(notice, tmp_path / "cache"), "Shipped: 3 June 2024. Delivery date: 6 June 2024.")
    # "Delivery date" labels the delivery, not the shipped_date ("date" is every date's word).
    assert offered["properties"]["shipped_date"]["enum"] == ["2024-06-03"]
    assert offered["properties"]["delivery"]["enum"] == ["2024-06-06"]


def test_a_code_written_with_spaces_its_pattern_has_none_of_is_offered_joined(tmp_path: Path) -> None:
    leg = tmp_path / "leg.yaml"
    properties = {"flight_number": {"type": "string", "pattern": "^[A-Z0-9]{2}[0-9]{1,4}$"}}
    leg.write_text(json.dumps({"title": "Leg", "type": "object", "properties": properties}))
    offered = narrowed(compile_schema(leg, tmp_path / "cache"), "LH 1159  BCN 06:05 -> FRA 08:20, gate 123")
    # "1159" alone is the digits of that code, not a flight number of its own; "123" fits the pattern and stays.
    assert offered["properties"]["flight_number"]["anyOf"][0]["enum"] == ["123", "LH1159"]


def test_a_unit_field_is_offered_the_units_of_measure_written_after_numbers(tmp_path: Path) -> None:
    ingredient = tmp_path / "ingredient.yaml"
    properties = {"name": {"type": "string"}, "amount": {"type": "number"}, "unit": {"type": "string"}}
    ingredient.write_text(json.dumps({"title": "Ingredient", "type": "object", "properties": properties}))
    schema = compile_schema(ingredient, tmp_path / "cache")
    assert narrowed(schema, "225g (8oz) caster sugar")["properties"]["unit"]["anyOf"][0]["enum"] == ["g", "oz"]
    assert narrowed(schema, "1 ½ tsp ground cumin")["properties"]["unit"]["anyOf"][0]["enum"] == ["tsp"]
    assert "unit" not in narrowed(schema, "4 free-range eggs")["properties"]  # none written: left out


def test_a_field_named_by_the_noun_its_values_follow_takes_only_such_values(tmp_path: Path) -> None:
    session = tmp_path / "session.yaml"
    properties = {"title": {"type": "string"}, "room": {"type": "string"}}
    session.write_text(json.dumps({"title": "Session", "type": "object", "properties": properties}))
    schema = compile_schema(session, tmp_path / "cache")
    offered = narrowed(schema, "19:05 Feature stores in practice, Room 1.03")["properties"]
    assert offered["room"]["anyOf"][0]["enum"] == ["Room 1.03"]
    assert "room" not in narrowed(schema, "19:00 Talk - Async Rust without the tears")["properties"]


def test_codes_are_not_a_dates_year_nor_a_code_joined_to_the_word_after_it(tmp_path: Path) -> None:
    leg = tmp_path / "leg.yaml"
    properties = {
        "flight": {"type": "string", "pattern": "^[A-Z0-9]{2}[0-9]{1,4}$"},
        "booking": {"type": "string", "pattern": "^[A-Z0-9]{6}$"},
        "tracking_number": {"type": "string"},
        "cook_minutes": {"type": "integer"},
        "salary_min": {"type": "number"},
    }
    leg.write_text(json.dumps({"title": "Leg", "type": "object", "properties": properties}))
    schema = compile_schema(leg, tmp_path / "cache")
    offered = narrowed(schema, "IB 3107  LIS -> MAD  Mon 21 Oct 2024, conf AC7ZP3; AC 132 YYC, 2 eggs")["properties"]
    assert offered["flight"]["anyOf"][0]["enum"] == ["IB3107", "AC132"]  # not 2024, the date's year
    assert offered["booking"]["anyOf"][0]["enum"] == ["AC7ZP3", "IB3107"]  # not "132YYC": a flight and an airport
    # Named for minutes, a number is offered as a duration or under its label: "2 eggs" is neither.
    assert "cook_minutes" not in offered
    assert narrowed(schema, "Cook 25, 2 eggs")["properties"]["cook_minutes"]["anyOf"][0]["enum"] == [25]
    # "min" ends a minimum's name, not a duration's: "3 days a week" is no salary of 4320 (minutes).
    salary = narrowed(schema, "Salary £60,000–£72,000, 3 days a week in the office")["properties"]["salary_min"]
    assert salary["anyOf"][0]["enum"] == [60000]  # the number under its label
    # A code written in groups is offered whole: not the run of its last groups.
    groups = narrowed(schema, "Tracking: 9400 1118 9922 3847")["properties"]["tracking_number"]["anyOf"][0]["enum"]
    assert groups == ["9400 1118 9922 3847"]
    # ... but a code after a word in capitals is not a group of a longer code ("PNR ABC123").
    assert "ABC123" in narrowed(schema, "PNR ABC123 confirmed")["properties"]["tracking_number"]["anyOf"][0]["enum"]
    # A date's year is still offered where the text offers nothing else the pattern matches.
    assert narrowed(schema, "Booked 12 May 2024")["properties"].get("flight", {}).get("anyOf", [{}])[0].get("enum") == [
        "2024"
    ]


def test_a_yes_no_field_takes_what_the_text_says_of_its_thing(tmp_path: Path) -> None:
    review = tmp_path / "review.yaml"
    properties = {"would_recommend": {"type": "boolean"}, "signature_required": {"type": "boolean"}}
    review.write_text(json.dumps({"title": "Review", "type": "object", "properties": properties}))
    schema = compile_schema(review, tmp_path / "cache")

    def offered(text: str) -> dict[str, Any]:
        narrowed_properties: dict[str, Any] = narrowed(schema, text)["properties"]
        return {name: spec.get("anyOf", [spec])[0].get("enum") for name, spec in narrowed_properties.items()}

    # Named without a no: yes; every mention negated: no (stated, so no null to choose); both, or never named: the
    # model's choice, or left out.
    assert "anyOf" not in narrowed(schema, "I'd recommend it.")["properties"]["would_recommend"]
    assert offered("Still, for £34.99 I'd recommend it. Signature required.") == {
        "would_recommend": [True],
        "signature_required": [True],
    }
    assert offered("2/5, would not recommend. No signature required.") == {
        "would_recommend": [False],
        "signature_required": [False],
    }
    assert offered("I recommend the lid, but I can't recommend the kettle.") == {"would_recommend": None}
    # A form's answer after the thing: "Signature required: no".
    assert offered("Signature required: no. Recommend? Yes") == {
        "would_recommend": [True],
        "signature_required": [False],
    }


def test_a_code_field_is_offered_the_codes_its_name_labels_where_the_text_labels_any(tmp_path: Path) -> None:
    order = tmp_path / "order.yaml"
    code = {"type": "string", "pattern": "^[A-Z0-9][A-Z0-9-]{2,24}$"}
    date = {"type": "string", "format": "date"}
    properties = {"order_number": code, "order_date": date, "count": {"type": "integer"}}
    order.write_text(json.dumps({"title": "Order", "type": "object", "properties": properties}))
    schema = compile_schema(order, tmp_path / "cache")
    text = "Order no. LL-20931 · placed 2 April 2025\n1 × Peat-free potting mix 10L — £7.50"
    assert narrowed(schema, text)["properties"]["order_number"]["anyOf"][0]["enum"] == ["LL-20931"]
    # Nothing labelled: every code the pattern matches, as before.
    assert narrowed(schema, "PO NL-5512, 1 × Dewar flask 10L")["properties"]["order_number"]["anyOf"][0]["enum"] == [
        "NL-5512",
        "10L",
        "PONL-5512",
    ]
    # A name's first letters label too: "ref" for a booking_reference.
    booking = tmp_path / "booking.yaml"
    properties = {"booking_reference": {"type": "string", "pattern": "^[A-Z0-9]{6}$"}}
    booking.write_text(json.dumps({"title": "Booking", "type": "object", "properties": properties}))
    text = "2. Porto visit — ref QW2P8R — Niamh Kelly\n• FR7312 DUB → OPO, 10 Sep 2025"
    offered = narrowed(compile_schema(booking, tmp_path / "cache"), text)["properties"]["booking_reference"]
    assert offered["anyOf"][0]["enum"] == ["QW2P8R"]
    # An ordinal is a place in a row, not an amount; a birthday's still counts the years.
    assert "count" not in narrowed(schema, "First order")["properties"]
    assert narrowed(schema, "her fortieth birthday")["properties"]["count"]["anyOf"][0]["enum"] == [40]


def test_a_title_is_offered_the_texts_first_line_whole(tmp_path: Path) -> None:
    listing = tmp_path / "listing.yaml"
    properties = {"title": {"type": "string"}, "rent": {"type": "number"}}
    listing.write_text(json.dumps({"title": "Listing", "type": "object", "properties": properties}))
    schema = compile_schema(listing, tmp_path / "cache")
    text = "To let: Bright 2-bed flat, Headingley\n\nRent: £950 pcm. Two double bedrooms."
    titles = narrowed(schema, text)["properties"]["title"]["anyOf"][0]["enum"]
    # First, and none of its runs of words ("2-bed flat, Headingley"); but without a bracket after it, or a part
    # a dash or a colon sets apart.
    assert titles[0] == "Bright 2-bed flat, Headingley"
    assert not {"2-bed flat, Headingley", "Bright", "Headingley", "Bright 2-bed flat"} & set(titles)
    card = narrowed(schema, "RECIPE CARD — Classic Pancakes (serves 4)\nRent: £950")["properties"]["title"]
    assert {"Classic Pancakes", "RECIPE CARD — Classic Pancakes (serves 4)"} <= set(card["anyOf"][0]["enum"])
    assert "Pancakes" not in card["anyOf"][0]["enum"]
    # A first line that is a sentence is no heading; Markdown's marks and a label are no part of one.
    assert _heading("We are moving out. The flat is lovely.\nRent: £950") is None
    assert _heading("\n## To let: Bright flat, Leeds\nRent: £950") == "Bright flat, Leeds"


def test_a_bullet_is_no_signature(tmp_path: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", tmp_path / "cache")
    text = "New hire, aged 29, starts Monday on the data team.\n- Ana Ruiz"
    assert "Ana Ruiz" in narrowed(user_detail, text)["properties"]["name"]["enum"]


def test_what_a_fields_description_rules_out_is_not_offered(tmp_path: Path) -> None:
    booking = tmp_path / "booking.yaml"
    start = "When guests arrive, HH:MM; not a set-up, delivery or access time for the organiser."
    properties = {
        "start_time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": start},
        "event_date": {"type": "string", "format": "date", "description": "Not the date the message was sent."},
        "deposit": {"type": "number", "description": "The deposit (not a holding deposit or agency fee)."},
        "phone": {"type": "string", "description": "The tenant's number, not an agency's office line."},
        "organiser_name": {"type": "string", "description": "The person who booked. Not a company."},
    }
    booking.write_text(json.dumps({"title": "Booking", "type": "object", "properties": properties}))
    schema = compile_schema(booking, tmp_path / "cache")
    text = (
        "Sent: 2 May 2025\nHi Dana, the party on 13 June 2025 is confirmed. Arrival of guests: 4.30pm (suppliers may "
        "access the barn from 11am); staff need the room from 6:30 AM for setup. Deposit: €500, agency fee: €90.\n"
        "Call me on 0412 345 678 - our agency office line is (02) 9550 1200 (9 to 5).\nCharlotte Hollis, 40th"
    )
    offered = narrowed(schema, text)["properties"]

    def values(field: str) -> list[Any]:
        return list(offered[field].get("anyOf", [offered[field]])[0]["enum"])

    assert values("start_time") == ["16:30"]
    assert values("event_date") == ["2025-06-13"]
    assert values("deposit") == [500]
    assert values("phone") == ["0412 345 678"]
    # A person's name opens and ends with a capital: no lowercase word, no number.
    names = values("organiser_name")
    assert "Charlotte Hollis" in names and not [name for name in names if not name[0].isupper()]
    # What every candidate is written beside is offered still: the rule never leaves a field nothing.
    assert narrowed(schema, "Access from 07:30.")["properties"]["start_time"]["anyOf"][0]["enum"] == ["07:30"]


def test_a_time_a_pattern_checks_is_read_as_a_time_in_the_patterns_form(tmp_path: Path) -> None:
    seconds = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"}
    loose = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]"}  # no end: HH:MM and HH:MM:SS both fit
    schema = plain_schema(tmp_path, "Pickup", {"pickup_time": seconds, "start": loose, "departure_time": seconds})
    offered = narrowed(schema, "Abholung am Samstag um 10.30 Uhr, oder ab 6pm.")["properties"]
    assert offered["pickup_time"]["anyOf"][0]["enum"][:2] == ["10:30:00", "18:00:00"]
    assert offered["start"]["anyOf"][0]["enum"][:2] == ["10:30", "18:00"]  # one form of each time
    # ... by its label, as a time is: leaving at 08:45, not meeting at 08:15
    trip = narrowed(schema, "Meet in the hall at 8.15am; departure at 8:45am, back by 3:30pm.")["properties"]
    assert trip["departure_time"]["anyOf"][0]["enum"] == ["08:45:00"]
    # A score or a ratio is no time of day: its pattern takes "99:99".
    match = plain_schema(tmp_path, "Match", {"score": {"type": "string", "pattern": "^[0-9]+:[0-9]+$"}})
    assert narrowed(match, "Bayern 2:1 Dortmund, kick-off 18:30")["properties"]["score"]["anyOf"][0]["enum"][0] == "2:1"


def test_what_a_description_rules_out_is_looked_for_near_the_value(
    tmp_path: Path,
) -> None:
    minutes = tmp_path / "minutes.yaml"
    described = (
        "The date the meeting was held. Not the date the minutes were written, sent or approved, and not the date "
        "of the next meeting."
    )
    minutes.write_text(
        json.dumps(
            {
                "title": "Minutes",
                "type": "object",
                "properties": {"date": {"type": "string", "format": "date", "description": described}},
            }
        )
    )
    schema = compile_schema(minutes, tmp_path / "cache")
    assert ruled_out(described, "date") == ["minutes", "written", "sent", "approved", "next", "meeting"]
    # "Minutes of the Ordinary Meeting ... held on Tuesday 8 April 2025": those words are not near the date.
    text = (
        "Minutes of the Ordinary Meeting of Little Haddon Parish Council held on Tuesday 8 April 2025 at 7.30pm\n"
        "RESOLVED that the minutes of 11 March 2025 be approved.\nNext meeting: 13 May 2025. Sent: 9 April 2025"
    )
    date = narrowed(schema, text)["properties"]["date"]
    assert date.get("anyOf", [date])[0]["enum"] == ["2025-04-08"]


def test_a_number_a_forms_label_states_for_an_optional_field_is_its_only_choice(tmp_path: Path) -> None:
    listing = tmp_path / "listing.yaml"
    properties = {
        "bedrooms": {"type": "integer"},
        "deposit": {"type": "number"},
        "monthly_rent": {"type": "number"},
        "area_sqm": {"type": "number"},
    }
    listing.write_text(json.dumps({"title": "Listing", "type": "object", "properties": properties}))
    schema = compile_schema(listing, tmp_path / "cache")
    text = (
        "To let: Bright 2-bed flat\nRent: € 1.850,- per month\nHolding deposit: £219\n- Deposit: £1,096 (5 weeks)\n"
        "Bedrooms: 2\nThe room is 14 m² and the flat 60 m²."
    )
    offered = narrowed(schema, text)["properties"]
    # No null to choose: the field leaves the tool as a pinned value ("Rent:" labels the rent: its own word).
    assert {key: offered["bedrooms"].get(key) for key in ("anyOf", "enum")} == {"anyOf": None, "enum": [2]}
    assert {key: offered["deposit"].get(key) for key in ("anyOf", "enum")} == {"anyOf": None, "enum": [1096]}
    assert {key: offered["monthly_rent"].get(key) for key in ("anyOf", "enum")} == {"anyOf": None, "enum": [1850]}
    # Numbers in a sentence are the model's to choose, null included.
    assert offered["area_sqm"]["anyOf"][0]["enum"] == [14, 60]


def test_a_label_its_description_names_the_value_by_labels_a_string(tmp_path: Path) -> None:
    listing = tmp_path / "listing.yaml"
    district = "The district, neighbourhood, suburb or borough of the property, as written."
    properties = {"district": {"type": "string", "description": district}, "title": {"type": "string"}}
    listing.write_text(json.dumps({"title": "Listing", "type": "object", "properties": properties}))
    schema = compile_schema(listing, tmp_path / "cache")
    text = "Spacious apartment in Oud-West\n\nNeighbourhood: Oud-West, close to the Vondelpark\nBedrooms: 2"
    offered = narrowed(schema, text)["properties"]["district"]
    # One value under the label, wherever else the text writes it: stated, so no null to choose.
    assert {key: offered.get(key) for key in ("anyOf", "enum")} == {"anyOf": None, "enum": ["Oud-West"]}
    # A description naming its value one way gives no other label ("Name:" is no label of an event's name).
    assert _synonyms("The name of the event as written.") == set()
    assert _synonyms("The room, hall or stage as written.") == {"room", "hall", "stag"}


def test_a_forms_label_in_another_language_labels_a_string_and_a_places_answer_is_offered_whole(
    tmp_path: Path,
) -> None:
    fields = ("item", "colour", "location", "venue", "reference")
    schema = plain_schema(tmp_path, "Report", {field: {"type": "string"} for field in fields})
    text = (
        "Oggetto: Oggetto dimenticato in camera\nGegenstand: Schlüsselbund\nFarbe: silber\n"
        "Luogo: Milano, Via Paolo Sarpi 27\nVenue: Aula Magna, Campus Nord"
    )
    offered = narrowed(schema, text)["properties"]

    def values(field: str) -> list[Any]:
        return list(offered[field].get("anyOf", [offered[field]])[0]["enum"])

    assert values("item") == ["Schlüsselbund"]  # "Oggetto:" is a mail's subject, no item's label
    assert values("colour") == ["silber"]
    assert values("location") == ["Milano, Via Paolo Sarpi 27", "Milano"]
    # (to the sentence's end: "Berlin, Germany", not the request after it)
    trip = narrowed(schema, "Location: Berlin, Germany. Please bring your ID, thanks")["properties"]["location"]
    assert trip.get("anyOf", [trip])[0]["enum"][0] == "Berlin, Germany"
    assert "Aula Magna, Campus Nord" not in values("venue")  # a venue is what names it, not its whole line
    hall = narrowed(schema, "Mecz ligowy\nHala: Hala Stulecia\nSektor C, rząd 4")["properties"]["venue"]
    assert "Hala Stulecia" in hall.get("anyOf", [hall])[0]["enum"] and "Mecz ligowy" not in str(hall)


def test_a_person_s_whole_name_is_one_the_text_greets_titles_or_mails() -> None:
    text = (
        "From: Stefanie Lang <stefanie.lang@example.de>\nHallo Markus,\nAbholung: München Hauptbahnhof, "
        "Fahrer laut Buchung: Frau Lang. Grüße an Mei Lin Tan und Dr Mei Lin Tan.\nTotalt Privat"
    )
    values = ["Stefanie Lang", "Markus Weber", "München Hauptbahnhof", "Totalt Privat", "Mei Lin", "Mei Lin Tan"]
    assert vouched_for(values, text) == ["Stefanie Lang", "Markus Weber", "Mei Lin Tan"]
    # (a title with a name, a name after a particle or before one, is no whole name)
    assert vouched_for(["Dra. Ibáñez", "de Mme Dubois", "Pieter van"], "la Dra. Ibáñez, de Mme Dubois") == []
    # A form's "Naam:" labels a person as "Name:" does.
    assert labelled_as_a_person(["Ingrid Visser", "Daan Visser"], "Beste Ingrid,\nNaam: Daan Visser") == ["Daan Visser"]


def test_a_pupil_is_the_one_a_child_s_label_marks_and_never_whom_the_letter_greets_or_who_signs_it(
    tmp_path: Path,
) -> None:
    form = "Child's name: Amelia Hughes   Class: 4 Oak\nEmergency contact\nName: Sarah Hughes"
    assert labelled_as_a_person(["Amelia Hughes", "Sarah Hughes"], form, "student_name") == ["Amelia Hughes"]
    assert labelled_as_a_person(["Jonas Petersen", "Thomas"], "Name des Kindes: Jonas Petersen", "pupil") == [
        "Jonas Petersen"
    ]
    schema = plain_schema(tmp_path, "Consent", {"student_name": {"type": "string"}, "destination": {"type": "string"}})
    letter = (
        "De : Claire Moreau <claire.moreau@orange.fr>\nBonjour Madame Durand,\nLouis Moreau participera à la sortie "
        "au musée.\nCordialement,\nClaire Moreau"
    )
    names = narrowed(schema, letter)["properties"]["student_name"]["anyOf"][0]["enum"]
    assert "Louis Moreau" in names and "Claire Moreau" not in names


def test_a_couple_or_a_household_is_offered_the_names_the_text_writes_joined() -> None:
    text = (
        "Hi Rosie and Will,\n> Rosie Carter & William Osei would love you to join them.\nLots of love,\nPriya & Arjun"
        "\nDo: Ola i Michał\nHilsen Ingrid, Henrik og Mathea"
    )
    assert named_together(text) == [
        "Rosie and Will",
        "Rosie Carter & William Osei",
        "Priya & Arjun",
        "Ola i Michał",
        "Ingrid, Henrik og Mathea",
    ]
    assert names_people_together("couple", "") and names_people_together("party_name", "")
    assert names_people_together("reply_from", 'Who replies (e.g. "Anna & Tom").')
    # (not a guest's, a surname's or a contract's other party)
    assert not any(names_people_together(field, "") for field in ("guest_name", "family_name", "third_party"))


def plain_schema(tmp_path: Path, title: str, properties: dict[str, Any]) -> CompiledSchema:
    """A schema of ``properties`` written as JSON and compiled."""
    path = tmp_path / f"{title.casefold()}.json"
    path.write_text(json.dumps({"title": title, "type": "object", "properties": properties}))
    return compile_schema(path, tmp_path / "cache")


def test_a_texts_narrowing_is_shared_by_its_calls_and_never_changed_by_one(tmp_path: Path) -> None:
    schema = plain_schema(
        tmp_path, "Pickup", {"pickup_date": {"type": "string", "format": "date"}, "note": {"type": "string"}}
    )
    text = "Sent 02.03.2026. Collection on 05.03.2026."
    tool = {"type": "function", "function": {"name": "Pickup", "parameters": schema.model_schema}}
    first = narrow_tool(tool, Grounding(text, schema))
    first["function"]["parameters"]["properties"]["pickup_date"]["enum"].append("changed by a caller")
    again = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]
    assert offered(schema, text)["pickup_date"] == ["2026-03-02", "2026-03-05"]
    assert "changed by a caller" not in json.dumps(again)
    other = narrow_tool(tool, Grounding("Collection on 06.03.2026.", schema))["function"]["parameters"]
    assert other["properties"]["pickup_date"]["enum"] == ["2026-03-06"]
