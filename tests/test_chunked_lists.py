"""The small profile's lists, read a chunk at a time (``profiles.small.lists``), through a scripted backend: which
calls are made for a text, what comes back, and what a failure mid-list does. The real model runs in
test_local_model.py."""

from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.errors import ExtractionFailed, UpstreamError
from gateway.extraction.engine import Extractor
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.settings import Settings
from tests.conftest import SHIPPED_SCHEMAS
from tests.scripted_backend import ScriptedBackend

TWO_SENTENCES = "Jason is 25 years old. Sarah is 30 years old."
JASON, SARAH = {"name": "Jason", "age": 25}, {"name": "Sarah", "age": 30}


def small(backend: ScriptedBackend, **settings: Any) -> Extractor:
    """An extractor whose requests the small profile builds, whatever serves them."""
    values = {"openai_base_url": "http://127.0.0.1:9/v1", "max_retries": 0, "model_profile": "small", **settings}
    return Extractor(backend, Settings(**values))


@pytest.fixture
def user_detail(codegen_cache: Path) -> CompiledSchema:
    return compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", codegen_cache)


def asked(request: dict[str, Any]) -> tuple[str, Any]:
    """The text of one call, and the names its grammar allowed (in the list's items or the object)."""
    parameters = request["tools"][0]["function"]["parameters"]
    person = parameters["$defs"]["UserDetail"] if "$defs" in parameters else parameters
    text = request["messages"][-1]["content"].split("\n\nNumbers in context:")[0]
    return text, person["properties"]["name"].get("enum")


async def test_each_sentence_is_one_call(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend({"items": [JASON]}, {"items": [SARAH]})
    items = await small(backend).extract_list(user_detail, TWO_SENTENCES)
    assert [item.model_dump() for item in items] == [JASON, SARAH]
    assert [asked(request)[0] for request in backend.requests] == ["Jason is 25 years old.", "Sarah is 30 years old."]


async def test_repeats_and_strays_are_dropped_and_items_put_in_text_order(user_detail: CompiledSchema) -> None:
    text = "Staff list - Priya Nair, 41, and Tom Berg, 52."
    # The model answers out of order, repeats Tom, and makes a stray of "Staff list" with Priya's number.
    answer = {"items": [{"name": "Tom Berg", "age": 52}, {"name": "Staff list", "age": 41}]}
    answer["items"] += [{"name": "Priya Nair", "age": 41}, {"name": "Tom Berg", "age": 52}]
    backend = ScriptedBackend(answer)
    items = await small(backend).extract_list(user_detail, text)
    assert [item.model_dump() for item in items] == [{"name": "Priya Nair", "age": 41}, {"name": "Tom Berg", "age": 52}]


async def test_an_item_whose_stretch_offers_two_numbers_is_read_again(user_detail: CompiledSchema) -> None:
    # Nadia's stretch ("Nadia is 34 and") offers one number (and writes it with her name); Omar's (" and Omar, whose
    # son is 2, turned 36.") two, neither written just after his name: he is asked about again, as one object whose
    # name is fixed (the only choice: the gateway writes it in, the model
    # writes the age), and takes that answer's age.
    backend = ScriptedBackend({"items": [{"name": "Nadia", "age": 34}, {"name": "Omar", "age": 2}]}, {"age": 36})
    items = await small(backend).extract_list(user_detail, "Nadia is 34 and Omar, whose son is 2, turned 36.")
    assert [item.model_dump() for item in items] == [{"name": "Nadia", "age": 34}, {"name": "Omar", "age": 36}]
    [again] = backend.requests[1:]
    assert again["messages"][-1]["content"].startswith(" and Omar, whose son is 2, turned 36.")
    assert list(again["tools"][0]["function"]["parameters"]["properties"]) == ["age"]


async def test_a_number_counting_something_else_is_no_items_number(user_detail: CompiledSchema) -> None:
    # "2 kids" counts kids: Omar's stretch offers him 36 alone, which he takes without another call.
    backend = ScriptedBackend({"items": [{"name": "Nadia", "age": 34}, {"name": "Omar", "age": 2}]})
    items = await small(backend).extract_list(user_detail, "Nadia, 34, and Omar, 36, have 2 kids.")
    assert [item.model_dump() for item in items] == [{"name": "Nadia", "age": 34}, {"name": "Omar", "age": 36}]
    assert len(backend.requests) == 1
    assert backend.requests[0]["tools"][0]["function"]["parameters"]["$defs"]["UserDetail"]["properties"]["age"][
        "enum"
    ] == [34, 36]


async def test_a_text_offering_no_whole_item_makes_no_call(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend()
    assert await small(backend).extract_list(user_detail, "Budget: 12,000 euros; seats 22A-22C.") == []
    assert backend.requests == []


async def test_a_failure_mid_list_fails_the_list_and_ends_the_stream_with_it(user_detail: CompiledSchema) -> None:
    failure = openai.APIConnectionError(request=None)  # type: ignore[arg-type]
    with pytest.raises(UpstreamError):
        await small(ScriptedBackend({"items": [JASON]}, failure)).extract_list(user_detail, TWO_SENTENCES)
    seen = []
    with pytest.raises(UpstreamError):
        async for item in small(ScriptedBackend({"items": [JASON]}, failure)).stream_list(user_detail, TWO_SENTENCES):
            seen.append(item.model_dump())
    assert seen == [JASON]  # the first sentence's item was sent before the failure


async def test_the_list_limit_counts_every_chunk(user_detail: CompiledSchema) -> None:
    backend = ScriptedBackend({"items": [JASON]}, {"items": [SARAH]})
    with pytest.raises(ExtractionFailed, match="more than 1 objects"):
        await small(backend, max_list_items=1).extract_list(user_detail, TWO_SENTENCES)


async def test_a_schema_the_reader_cannot_place_is_read_in_one_call(codegen_cache: Path) -> None:
    contact = compile_schema(SHIPPED_SCHEMAS / "contact_card.json", codegen_cache)
    backend = ScriptedBackend({"items": []})
    assert await small(backend).extract_list(contact, "Ann: ann@example.com. Bo: bo@example.com.") == []
    assert len(backend.requests) == 1


async def test_a_table_row_under_a_heading_naming_the_fields_is_read_cell_by_cell(user_detail: CompiledSchema) -> None:
    # Shown a bare row, the model took "Defender" for a name: each row's name and age are the cells under "Name"
    # and "Age", written in by the gateway (the model has nothing left to choose and writes "{}").
    text = "Squad\nName | Age | Position\n---|---|---\nJordan Miles | 22 | Forward\nKai Nakamura | 26 | Defender"
    backend = ScriptedBackend({}, {})
    items = await small(backend).extract_list(user_detail, text)
    assert [item.model_dump() for item in items] == [
        {"name": "Jordan Miles", "age": 22},
        {"name": "Kai Nakamura", "age": 26},
    ]
    assert all(request["tools"][0]["function"]["parameters"]["properties"] == {} for request in backend.requests)
    assert backend.requests[1]["messages"][-1]["content"].startswith("Kai Nakamura | 26 | Defender")
    # A row's number beside the age's cell (a shirt's "No.") is no reason to read the row again.
    numbered = "| No. | Name | Age |\n|---|---|---|\n| 1 | Hannah Ogunleye | 26 |\n| 4 | Freya McAllister | 31 |"
    backend = ScriptedBackend({}, {})
    items = await small(backend).extract_list(user_detail, numbered)
    assert [item.model_dump() for item in items] == [
        {"name": "Hannah Ogunleye", "age": 26},
        {"name": "Freya McAllister", "age": 31},
    ]
    assert len(backend.requests) == 2


async def test_a_name_the_model_cut_short_is_taken_whole(user_detail: CompiledSchema) -> None:
    # ... to its last word, to a title, or to the place after its number.
    text = "Father – Ahmed Siddiqui, 42; Dr. Irene Costa, 48, and Prof. Tomás Herrera, 61; Mei Chen, 24, from Taipei."
    answer = {"items": [{"name": "Siddiqui", "age": 42}]}
    more = {"items": [{"name": "Irene Costa", "age": 48}, {"name": "Prof", "age": 61}]}
    items = await small(ScriptedBackend(answer, more, {"items": [{"name": "Taipei", "age": 24}]})).extract_list(
        user_detail, text
    )
    assert [item.model_dump() for item in items] == [
        {"name": "Ahmed Siddiqui", "age": 42},
        {"name": "Irene Costa", "age": 48},
        {"name": "Tomás Herrera", "age": 61},
        {"name": "Mei Chen", "age": 24},
    ]


async def test_a_name_written_just_before_a_number_sets_the_items_right(user_detail: CompiledSchema) -> None:
    # The model skipped Doris and shifted the ages; "Police" took Jake Morrow's age. Each name written just before
    # a number (a comma or bracket between) takes it, a pair no item holds is an item, and no second call is made.
    text = "Survived by his wife, Doris, 79, and sons Mark, 54, and Steven (51); suspects: Jake Morrow, 24."
    answer = {"items": [{"name": "Mark", "age": 79}, {"name": "Steven", "age": 54}]}
    backend = ScriptedBackend(answer, {"items": [{"name": "Jake Morrow", "age": 24}]})
    items = await small(backend).extract_list(user_detail, text.replace("Jake Morrow", "Police hunt Jake Morrow"))
    assert [item.model_dump() for item in items] == [
        {"name": "Doris", "age": 79},
        {"name": "Mark", "age": 54},
        {"name": "Steven", "age": 51},
        {"name": "Jake Morrow", "age": 24},
    ]
    assert len(backend.requests) == 2


async def test_one_object_is_set_right_by_the_name_written_just_before_its_number(user_detail: CompiledSchema) -> None:
    # The one-object route: a sign-off's name with the welcomed person's age takes the name written with that age;
    # a paired name with another number takes its own; a number no name is written with leaves the answer alone.
    text = "Hi team, please welcome Hyun-woo Park (29), who starts on 1 July; his mentor Ines, 41, sits at desk 5."
    text += "\n\nBest,\nClaire"
    answers = [{"name": "Claire", "age": 29}, {"name": "Park", "age": 41}, {"name": "Claire", "age": 5}]
    backend = ScriptedBackend(*answers)
    extractor = small(backend)
    got = [(await extractor.extract(user_detail, text)).model_dump() for _ in answers]
    park = {"name": "Hyun-woo Park", "age": 29}
    assert got == [park, park, {"name": "Claire", "age": 5}]


async def test_one_object_named_by_a_sentences_first_word_takes_the_name_its_age_refers_to(
    user_detail: CompiledSchema,
) -> None:
    # "Tributes" opens a sentence; the age ("She was seventy-six") refers back to the name of the sentence before
    # it. A CV's name on a line of its own above "Age: 26", against a name written only after the age. A name
    # under a person's label, or one the age is written after, stays.
    obituary = "Tributes have been paid to a grandmother. Police named her as Eileen Cartwright, from Leeds. She was"
    obituary += " seventy-six. The road was closed for 6 hours."
    cv = "CURRICULUM VITAE\nNguyen Thi Minh Anh\nAge: 26 | Hanoi\nEDUCATION\n2016-2020 B.Sc. Computer Science"
    form = "Dr. Ana Ruiz saw the patient today. The patient is 45.\nName: Tom Berg"
    later = "Aged 34, Maria Lopez joined the firm. She leads sales."
    # "The 38-year-old" opens its sentence: it refers back to the driver, not to the owner named after it.
    news = "Police named the driver as Desmond Achebe-Clarke, of Ashton. The 38-year-old was charged. Owner Raj Kapoor"
    news += " said repairs could cost £40,000."
    # An age no pronoun or label refers back with is left to the answer; a place is no one's name.
    partner = "Omar joined Goldman Sachs in New York. The partner is 41."
    cases = [
        (obituary, {"name": "Tributes", "age": 76}, {"name": "Eileen Cartwright", "age": 76}),
        (cv, {"name": "Computer Science", "age": 26}, {"name": "Nguyen Thi Minh Anh", "age": 26}),
        (form, {"name": "Tom Berg", "age": 45}, {"name": "Tom Berg", "age": 45}),
        (later, {"name": "Maria Lopez", "age": 34}, {"name": "Maria Lopez", "age": 34}),
        (news, {"name": "Raj Kapoor", "age": 38}, {"name": "Desmond Achebe-Clarke", "age": 38}),
        (partner, {"name": "Omar", "age": 41}, {"name": "Omar", "age": 41}),
    ]
    for text, answer, expected in cases:
        assert (await small(ScriptedBackend(answer)).extract(user_detail, text)).model_dump() == expected


async def test_names_written_with_an_age_verb_pair_and_joined_names_part(user_detail: CompiledSchema) -> None:
    # "Joe turned 90", "Priyanka is 31 now": each name takes the age written after it; "Milo
    # and Ava, who are 9" is two people; "48 of us" is no one's age where the text writes ages as ages.
    text = "Grandpa Joe turned 90, cousin Priyanka is 31 now and Milo and Ava, who are 9. 48 of us came; thanks Rita!"
    answer = {"items": [{"name": "Joe", "age": 31}, {"name": "Priyanka", "age": 90}]}
    answer["items"].append({"name": "Milo and Ava", "age": 9})
    backend = ScriptedBackend(answer, {"items": [{"name": "Rita", "age": 48}]})
    items = await small(backend).extract_list(user_detail, text)
    assert [item.model_dump() for item in items] == [
        {"name": "Joe", "age": 90},
        {"name": "Priyanka", "age": 31},
        {"name": "Milo", "age": 9},
        {"name": "Ava", "age": 9},
    ]


async def test_words_before_a_paired_name_are_no_part_of_it(
    user_detail: CompiledSchema,
) -> None:
    backend = ScriptedBackend({"items": [{"name": "I'm Leila Haddad", "age": 58}]})
    items = await small(backend).extract_list(user_detail, "And I'm Leila Haddad, 58, the owner.")
    assert [item.model_dump() for item in items] == [{"name": "Leila Haddad", "age": 58}]
