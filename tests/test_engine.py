"""The extraction engine driven through a scripted backend: what each profile sends, what a further attempt does,
how it chooses, and how failures leave. Each test states the model's answers it scripts."""

import json
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.errors import ExtractionFailed, UpstreamError
from gateway.extraction.engine import Extractor, Final, Partial
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.settings import Settings
from tests.conftest import SHIPPED_SCHEMAS
from tests.scripted_backend import ScriptedBackend

JASON = "Jason is 25 years old and has 2 cats."


def settings(**values: Any) -> Settings:
    return Settings(**{"openai_base_url": "http://127.0.0.1:9/v1", "max_retries": 1, **values})


@pytest.fixture
def user_detail(codegen_cache: Path) -> CompiledSchema:
    return compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", codegen_cache)


@pytest.fixture
def invoice(codegen_cache: Path) -> CompiledSchema:
    return compile_schema(SHIPPED_SCHEMAS / "invoice.yaml", codegen_cache)


def tool_properties(parameters: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = parameters["properties"]
    return properties


@pytest.mark.parametrize(
    ("setting", "embedded", "expected"),
    [("auto", True, "small"), ("auto", False, "standard"), ("small", False, "small"), ("standard", True, "standard")],
)
def test_the_profile_comes_from_configuration_not_the_provider(
    user_detail: CompiledSchema, setting: str, embedded: bool, expected: str
) -> None:
    extractor = Extractor(ScriptedBackend(embedded=embedded), settings(model_profile=setting))
    assert extractor.profile(user_detail).name == expected


def test_a_schema_may_choose_its_own_profile(tmp_path: Path, user_detail: CompiledSchema) -> None:
    text = (
        (SHIPPED_SCHEMAS / "user_detail.yaml").read_text().replace("x-gateway:", "x-gateway:\n  model_profile: small")
    )
    (tmp_path / "person.yaml").write_text(text)
    own = compile_schema(tmp_path / "person.yaml", tmp_path / "cache")
    extractor = Extractor(ScriptedBackend(), settings(model_profile="standard"))
    assert extractor.profile(own).name == "small" and extractor.profile(user_detail).name == "standard"


async def test_standard_profile_sends_the_schema_as_is_and_reasks_with_the_errors(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend({"name": "Jason", "age": 99}, {"name": "Jason", "age": 25})
    extractor = Extractor(backend, settings(model_profile="standard"))
    assert (await extractor.extract(user_detail, JASON)).model_dump() == {"name": "Jason", "age": 25}
    first, second = backend.requests
    assert "enum" not in tool_properties(backend.tools[0])["name"]  # no narrowing
    assert first["max_tokens"] == 1024
    assert first["messages"][-1] == {"role": "user", "content": JASON}  # the text as it is
    assert "The data to extract: UserDetail." in first["messages"][0]["content"]
    # The re-ask: the invalid answer and what was wrong with it go back to the model.
    reask = second["messages"][len(first["messages"]) :]
    assert [message["role"] for message in reask] == ["assistant", "tool"]
    assert "age 99 is not a number the text states" in reask[1]["content"]
    assert second.get("temperature") == first.get("temperature") == 0.0


async def test_small_profile_narrows_the_tool_to_the_text_and_resamples(user_detail: CompiledSchema) -> None:
    text = "Jason is 25 years old; his cats, Tom and Kit, are 2."
    backend = ScriptedBackend({"name": "Jason", "age": 2}, {"name": "Jason", "age": 25})
    extractor = Extractor(backend, settings(model_profile="small"))
    # "age 2" passes the text check (the text states 2), so the first answer is taken without a second call - and
    # set right by the age the text writes just after the name ("Jason is 25").
    assert (await extractor.extract(user_detail, text)).model_dump() == {"name": "Jason", "age": 25}
    [request] = backend.requests
    name, age = tool_properties(backend.tools[0])["name"], tool_properties(backend.tools[0])["age"]
    assert {"Jason", "Kit"} <= set(name["enum"]) and "Nobody" not in name["enum"] and age["enum"] == [25, 2]
    assert request["max_tokens"] == 512
    assert "Numbers in context:\n- Jason is 25 years old" in request["messages"][-1]["content"]
    assert (
        "UserDetail" not in request["messages"][0]["content"]
        and "- age (integer, required)" in (request["messages"][0]["content"])
    )
    backend.script = [{"name": "Nobody", "age": 25}, {"name": "Jason", "age": 25}]
    assert (await extractor.extract(user_detail, text)).model_dump() == {"name": "Jason", "age": 25}
    first, second = backend.requests[1:]
    assert second["messages"] == first["messages"]  # a resample, not a re-ask turn
    assert (second["temperature"], second["seed"]) == (0.7, 1)


async def test_a_field_the_text_leaves_one_choice_is_written_in_not_generated(
    tmp_path: Path, user_detail: CompiledSchema
) -> None:
    (tmp_path / "runner.yaml").write_text(
        "title: Runner\ntype: object\nproperties:\n  age: {type: integer}\n  name: {type: string}\n"
        "required: [age, name]\n"
    )
    runner = compile_schema(tmp_path / "runner.yaml", tmp_path / "cache")
    text = "Jason is 25 years old; his dog Rex is not."  # one number: age has one choice, name two
    backend = ScriptedBackend({"name": "Jason"}, {"name": "Jason"}, chunk_size=3)
    extractor = Extractor(backend, settings(model_profile="small"))
    assert (await extractor.extract(runner, text)).model_dump() == {"age": 25, "name": "Jason"}
    updates = [update async for update in extractor.stream(runner, text)]
    partials = [update.data for update in updates if isinstance(update, Partial)]
    assert all(partial["age"] == 25 for partial in partials) and partials[-1] == {"age": 25, "name": "Jason"}
    assert isinstance(updates[-1], Final) and updates[-1].value.model_dump() == {"age": 25, "name": "Jason"}
    for tool in backend.tools:  # what the model was asked to write, on both paths
        assert list(tool_properties(tool)) == ["name"] and tool["required"] == ["name"]
    # A field after the last one the model writes is not pinned: the model ends its last string where its examples
    # went on with a comma, which a grammar closing the object there would refuse.
    backend.script = [{"name": "Jason", "age": 25}]
    assert (await extractor.extract(user_detail, text)).model_dump() == {"name": "Jason", "age": 25}
    assert tool_properties(backend.tools[-1])["age"]["enum"] == [25]


async def test_the_retry_budget_is_one_plus_max_retries_then_extraction_failed(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend({"name": "Nobody", "age": 1}, {"name": "Nobody", "age": 1}, {"name": "X", "age": 3})
    extractor = Extractor(backend, settings(model_profile="standard", max_retries=1))
    with pytest.raises(ExtractionFailed) as caught:
        await extractor.extract(user_detail, JASON)
    assert len(backend.requests) == 2 and backend.script == [{"name": "X", "age": 3}]
    error = caught.value.to_dict()
    assert error["attempts"] == 2 and error["schema"] == "user_detail"
    assert error["raw_answer"] == '{"name": "Nobody", "age": 1}'


async def test_a_backend_failure_leaves_as_its_gateway_error(user_detail: CompiledSchema) -> None:
    request = openai.APIConnectionError(request=None)  # type: ignore[arg-type]
    extractor = Extractor(ScriptedBackend(request), settings())
    with pytest.raises(UpstreamError) as caught:
        await extractor.extract(user_detail, JASON)
    assert caught.value.schema == "user_detail" and "unreachable" in caught.value.message


async def test_a_stream_sends_partials_then_the_validated_object(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend({"name": "Jason", "age": 25}, chunk_size=5)
    updates = [update async for update in Extractor(backend, settings()).stream(user_detail, JASON)]
    partials = [update.data for update in updates if isinstance(update, Partial)]
    assert partials[-1] == {"name": "Jason", "age": 25} and len(partials) >= 3
    assert isinstance(updates[-1], Final) and updates[-1].value.model_dump() == {"name": "Jason", "age": 25}


async def test_hosted_lists_are_read_in_one_call(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend({"items": [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]})
    text = "Jason is 25. Sarah is 30."
    items = await Extractor(backend, settings(model_profile="standard")).extract_list(user_detail, text)
    assert [item.model_dump() for item in items] == [{"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}]
    assert backend.requests[0]["messages"][-1]["content"] == text


async def test_small_profile_grounds_every_leaf_of_any_schema(invoice: CompiledSchema) -> None:
    text = (
        "ACME Tools GmbH - invoice INV-77, 3 March 2024. Bill to: Blue Fern Ltd. "
        "2 x Hammer at 12.50 EUR; total 25.00 EUR. Questions: billing@acme.example"
    )
    # The model writes neither the issue date nor the currency: the text leaves each one choice.
    answer = {
        "invoice_number": "INV-77",
        "vendor": {"name": "ACME Tools GmbH"},
        "customer": {"name": "Blue Fern Ltd"},
        "line_items": [{"description": "Hammer", "quantity": 2, "unit_price": 12.5}],
        "total": 25,
    }
    backend = ScriptedBackend(answer)
    result = (await Extractor(backend, settings(model_profile="small")).extract(invoice, text)).model_dump(mode="json")
    # The text's only date, normalised, and its only currency (enums stay whole): each the only choice of a
    # required field, so the gateway writes it in, not the model.
    assert (result["issue_date"], result["currency"], result["total"]) == ("2024-03-03", "EUR", 25.0)
    # The one code the words of its name label ("invoice INV-77"), likewise: not "2 x Hammer" or another code.
    assert result["invoice_number"] == "INV-77"
    [tool] = backend.tools
    properties, definitions = tool["properties"], tool["$defs"]
    assert not {"issue_date", "currency", "invoice_number"} & set(properties)
    # The number the text labels "total" (of those it states: not those of its date or codes); the last field,
    # so the model still writes it.
    assert properties["total"]["enum"] == [25]
    # An optional date the text may be for: offered, or null (one date in the text, two date fields). Every
    # property is written, an optional one as null where the text does not state it.
    assert properties["due_date"]["anyOf"] == [
        {"type": "string", "format": "date", "enum": ["2024-03-03"]},
        {"type": "null"},
    ]
    assert tool["required"] == list(properties)
    party = definitions["Party"]["properties"]
    assert {"ACME Tools GmbH", "Blue Fern Ltd"} <= set(party["name"]["enum"])
    assert '"pattern"' not in json.dumps(tool)  # kept out of the grammar: llama.cpp's server crashes on many
    line = definitions["LineItem"]["properties"]
    # "2 x Hammer": the number written as a quantity is the quantity's only choice.
    assert "Hammer" in line["description"]["enum"] and line["quantity"]["enum"] == [2]


async def test_few_shot_examples_teach_form_never_values(codegen_cache: Path) -> None:
    # contact_card's example is Priya Natarajan of Northwind Traders: a text that does not name her cannot get
    # her name, company or email, however much the small model has seen them.
    contact = compile_schema(SHIPPED_SCHEMAS / "contact_card.json", codegen_cache)
    text = "Hi, Omar Said here (Desert Bloom Logistics). Reach me at omar@desertbloom.example."
    backend = ScriptedBackend({"full_name": "Omar Said", "role": "other", "preferred_channel": "none"})
    await Extractor(backend, settings(model_profile="small")).extract(contact, text)
    tool = json.dumps(backend.tools[0])
    assert "Omar Said" in tool and "omar@desertbloom.example" in tool
    for example_value in ("Priya Natarajan", "Northwind Traders", "priya.natarajan@northwind.example", "+44 20 7946"):
        assert example_value not in tool
    # The examples still show the model the form of an answer.
    assert any("Priya Natarajan" in message["content"] for message in backend.requests[0]["messages"][:-1])


TICKET = """
title: Ticket
type: object
properties:
  ticket_id: {type: string}
  reported_at: {type: string, format: date-time, description: When it was opened, with its UTC offset.}
  topics:
    type: array
    maxItems: 20
    items: {type: string, minLength: 1}
required: [ticket_id]
"""


@pytest.fixture
def ticket(tmp_path: Path) -> CompiledSchema:
    (tmp_path / "ticket.yaml").write_text(TICKET)
    return compile_schema(tmp_path / "ticket.yaml", tmp_path / "cache")


async def test_small_profile_offers_date_times_with_their_offset_and_few_list_values(ticket: CompiledSchema) -> None:
    text = "Ticket HD-12 opened 5 Nov 2024, 08:30 (UTC-05:00); again on 6 Nov 2024 at 09:00. About a, b"
    backend = ScriptedBackend({"ticket_id": "HD-12", "topics": ["a"]})
    result = await Extractor(backend, settings(model_profile="small")).extract(ticket, text)
    # The second date-time states no offset: it cannot be a JSON Schema date-time, so it is not offered; the
    # one offered is made required (the text states it), so it is the field's only choice, written in by the
    # gateway rather than the model.
    assert result.model_dump(mode="json")["reported_at"] == "2024-11-05T08:30:00-05:00"
    properties = backend.tools[0]["properties"]
    assert "reported_at" not in properties
    # Topics are a named string type (a RootModel, for minLength): still a list of values, held to a few.
    assert properties["topics"]["anyOf"][0]["maxItems"] == 8


async def test_small_profile_leaves_out_an_invalid_optional_value_rather_than_the_object(
    ticket: CompiledSchema,
) -> None:
    naive = {"ticket_id": "HD-12", "reported_at": "2024-11-05T08:30:00", "topics": ["a", ""]}
    backend = ScriptedBackend(naive, naive)
    result = await Extractor(backend, settings(model_profile="small")).extract(ticket, "Ticket HD-12, 5 Nov 2024.")
    assert result.model_dump(exclude_none=True) == {"ticket_id": "HD-12", "topics": ["a"]}
    assert len(backend.requests) == 2  # the budget was spent first: the resample may have fixed it
    # The stream's final object is the same (one call: no resample mid-stream).
    streamed = Extractor(ScriptedBackend(naive), settings(model_profile="small")).stream(ticket, "Ticket HD-12.")
    updates = [update async for update in streamed]
    assert isinstance(updates[-1], Final)
    assert updates[-1].value.model_dump(exclude_none=True) == {"ticket_id": "HD-12", "topics": ["a"]}


async def test_an_invalid_required_value_still_fails_and_the_standard_profile_never_drops(
    ticket: CompiledSchema,
) -> None:
    for profile, answers in (
        ("small", [{"ticket_id": 12}, {"ticket_id": 12}]),
        ("standard", [{"ticket_id": "HD-12", "topics": [""]}, {"ticket_id": "HD-12", "topics": [""]}]),
    ):
        with pytest.raises(ExtractionFailed):
            await Extractor(ScriptedBackend(*answers), settings(model_profile=profile)).extract(ticket, "HD-12")


BOOKING = """
title: Booking
type: object
properties:
  party_size: {type: integer}
  deposit_amount: {type: number}
  place: {type: object, properties: {table: {type: integer}}}
required: [party_size]
"""


async def test_a_number_the_text_states_once_fills_one_field(tmp_path: Path) -> None:
    (tmp_path / "booking.yaml").write_text(BOOKING)
    booking = compile_schema(tmp_path / "booking.yaml", tmp_path / "cache")
    repeated = {"party_size": 2, "deposit_amount": 2, "place": {"table": 2}}
    for text, expected in (
        ("Hallström, 2 pax, bar.", {"party_size": 2}),  # stated once: the required field keeps it (and "place" goes)
        ("2 pax, deposit 2 euros.", {"party_size": 2, "deposit_amount": 2.0}),  # twice: two fields
    ):
        small = Extractor(ScriptedBackend(repeated, repeated), settings(model_profile="small"))
        assert (await small.extract(booking, text)).model_dump(exclude_none=True) == expected
        streamed = [update async for update in small.stream(booking, text)]
        assert isinstance(streamed[-1], Final) and streamed[-1].value.model_dump(exclude_none=True) == expected
    # The standard profile answers what the model wrote.
    standard = Extractor(ScriptedBackend(repeated), settings(model_profile="standard"))
    assert (await standard.extract(booking, "Hallström, 2 pax.")).model_dump(exclude_none=True) == repeated


JOB = """
title: Job
type: object
properties:
  title: {type: string}
  employment_type: {type: string, enum: [full_time, part_time, contract]}
  work_mode: {type: string, enum: [on_site, hybrid, remote]}
required: [title]
"""


async def test_an_enum_value_is_mentioned_with_hyphens_spaces_or_run_together(tmp_path: Path) -> None:
    (tmp_path / "job.yaml").write_text(JOB)
    job = compile_schema(tmp_path / "job.yaml", tmp_path / "cache")
    backend = ScriptedBackend({"title": "Barista", "employment_type": "full_time", "work_mode": "on_site"})
    await Extractor(backend, settings(model_profile="small")).extract(job, "Barista, Full-time, onsite.")
    properties = backend.tools[0]["properties"]
    assert properties["employment_type"]["anyOf"][0]["enum"] == ["full_time"]
    assert properties["work_mode"]["anyOf"][0]["enum"] == ["on_site"]


async def test_a_list_item_that_cannot_be_mended_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "booking.yaml").write_text(BOOKING)
    booking = compile_schema(tmp_path / "booking.yaml", tmp_path / "cache")
    answer = {"items": [{"party_size": 2}, {"party_size": "many"}, {"party_size": 4}]}
    backend = ScriptedBackend(answer, answer)
    items = await Extractor(backend, settings(model_profile="small")).extract_list(booking, "2 pax and 4 pax.")
    assert [item.model_dump(exclude_none=True) for item in items] == [{"party_size": 2}, {"party_size": 4}]


async def test_an_answer_refused_as_a_whole_still_fails_cleanly(user_detail: CompiledSchema) -> None:
    # user_detail's from_text check refuses the object as a whole (no field to leave out): extraction_failed.
    invented = {"name": "Jason", "age": 99}
    backend = ScriptedBackend(invented, invented)
    with pytest.raises(ExtractionFailed) as failed:
        await Extractor(backend, settings(model_profile="small")).extract(user_detail, JASON)
    assert failed.value.to_dict()["attempts"] == 2
