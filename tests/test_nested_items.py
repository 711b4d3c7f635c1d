"""Arrays of objects inside one object read item by item (the small profile's ``NestedItems``): where a text lays
the items out, which pieces are read, and what the engine sends and answers - JSON and stream alike. The model's
answers are scripted and stated in each test."""

from pathlib import Path
from typing import Any

import pytest

from gateway.errors import ExtractionFailed
from gateway.extraction.engine import Extractor, Final, Partial
from gateway.profiles.small.grounding import Grounding, narrow_tool
from gateway.profiles.small.nested import (
    _later_in_the_day,
    _left_out_piece,
    _named_choices,
    _offers,
    home_line,
    left_out,
    nested_objects,
    nested_part,
    piece_choices,
    pieces,
    sections,
)
from gateway.profiles.small.tables import cell_per_line_tables, comma_tables, spaced_tables
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.settings import Settings
from tests.conftest import SHIPPED_SCHEMAS
from tests.offering import offered
from tests.scripted_backend import ScriptedBackend

DISH = """
title: Dish
type: object
properties:
  title: {type: string, description: The dish.}
  serves: {type: integer, minimum: 1}
  ingredients:
    type: array
    minItems: 1
    items: {$ref: "#/$defs/Ingredient"}
    description: Every ingredient in order.
  address: {$ref: "#/$defs/Place"}
required: [title, ingredients]
$defs:
  Ingredient:
    type: object
    description: One ingredient.
    properties:
      name: {type: string}
      amount: {type: number, exclusiveMinimum: 0}
      unit: {type: string}
    required: [name]
  Place:
    type: object
    properties:
      city: {type: string}
"""

TRIP = """
title: Trip
type: object
properties:
  code: {type: string}
  hops:
    type: array
    items:
      type: object
      properties:
        number: {type: string, pattern: '^[A-Z]{2}[0-9]{1,4}$'}
        start: {type: string, pattern: '^[A-Z]{3}$'}
        end: {type: string, pattern: '^[A-Z]{3}$'}
        day: {type: string, format: date}
      required: [number, start, end, day]
required: [hops]
"""


def settings(**values: Any) -> Settings:
    return Settings(**{"openai_base_url": "http://127.0.0.1:9/v1", "max_retries": 0, **values})


def compiled(tmp_path: Path, name: str, source: str) -> CompiledSchema:
    (tmp_path / f"{name}.yaml").write_text(source)
    return compile_schema(tmp_path / f"{name}.yaml", tmp_path / "cache")


@pytest.fixture
def dish(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "dish", DISH)


@pytest.fixture
def trip(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "trip", TRIP)


def test_the_one_array_of_objects_is_the_part_read_item_by_item(dish: CompiledSchema, codegen_cache: Path) -> None:
    part = nested_part(dish)
    assert part is not None and part.name == "ingredients"
    assert part.item.model.__name__ == "Ingredient" and set(part.item.model_schema["properties"]) == {
        "name",
        "amount",
        "unit",
    }
    # user_detail has no array of objects.
    assert nested_part(compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", codegen_cache)) is None


def test_pieces_of_an_inline_list_a_bulleted_one_and_a_table_without_rules(
    dish: CompiledSchema, trip: CompiledSchema
) -> None:
    item = nested_part(dish).item  # type: ignore[union-attr]
    inline = "Warm Beet Salad. Serves 3. Ingredients: 4 beets, 100 g feta, 2 tbsp walnuts, a little dill. Roast 40 min."
    assert pieces(inline, item, "ingredients") == ["4 beets", "100 g feta", "2 tbsp walnuts", "a little dill"]
    bulleted = "Porridge\n- 80 g oats\n- 250 ml oat milk\n- 1 pear, grated\nStir often."
    assert pieces(bulleted, item, "ingredients") == ["80 g oats", "250 ml oat milk", "1 pear, grated"]
    hop = nested_part(trip).item  # type: ignore[union-attr]
    table = "CODE  ZX81QP\nFLT    FROM TO   DAY\nKQ101  NBO  ADD  2025-02-03\nET308  ADD  NBO  2025-02-09\nTotal 900"
    assert pieces(table, hop, "hops") == ["KQ101  NBO  ADD  2025-02-03", "ET308  ADD  NBO  2025-02-09"]


def test_a_run_labelled_like_the_array_wins_over_other_runs(dish: CompiledSchema) -> None:
    item = nested_part(dish).item  # type: ignore[union-attr]
    text = "Send to: 12 Hill Road, 4 Elm Court, 9 Bay Street. Ingredients: 3 eggs, 20 g butter."
    assert pieces(text, item, "ingredients Every ingredient in order.") == ["3 eggs", "20 g butter"]


PARCEL = """
title: Parcel
type: object
properties:
  order: {type: string}
  deliver_to: {type: string, description: The delivery address.}
  items:
    type: array
    items:
      type: object
      properties:
        name: {type: string}
        quantity: {type: integer, minimum: 1}
      required: [name]
    description: The items in this shipment.
required: [order]
"""


def test_an_optional_array_needs_its_label_or_pieces_that_begin_with_a_value(tmp_path: Path) -> None:
    parcel = nested_part(compiled(tmp_path, "parcel", PARCEL))
    assert parcel is not None and not parcel.required
    item, about, others = parcel.item, parcel.about, parcel.others

    def read(text: str) -> list[str]:
        return pieces(text, item, about, others, optional=True)

    # An address is a run of pieces with numbers too, but neither labelled as items nor begun by a value.
    assert read("Order A-1 ships soon. Deliver to: Keizersgracht 221, 1016 DV Amsterdam.") == []
    assert read("Order A-1. Items: Anker 737 Power Bank.") == ["Anker 737 Power Bank"]  # one, under its label
    assert read("Order A-1. Contents: 3 x Lavender (9cm pot), 1 x Olive tree.") == [
        "3 x Lavender (9cm pot)",
        "1 x Olive tree",
    ]


def test_a_table_is_read_row_by_row_each_cell_under_its_heading(trip: CompiledSchema) -> None:
    hop = nested_part(trip).item  # type: ignore[union-attr]
    # The title line holds "|" too, but a blank line parts it from the table; the rule line is no row. Shown the
    # heading row above a row, a small model copies headings as values: each cell goes under its heading.
    text = "Trip ZX81QP | Nairobi\n\n| Flight | From | To | Day |\n|---|---|---|---|\n"
    text += "| KQ101 | NBO | ADD | 2025-02-03 |\n| ET308 | ADD | NBO | – |\n\nSafe travels."
    assert pieces(text, hop, "hops") == [
        "Flight: KQ101 | From: NBO | To: ADD | Day: 2025-02-03",
        "Flight: ET308 | From: ADD | To: NBO",  # an empty cell is left out
    ]
    # A first row that holds an item is no heading.
    rows = "KQ101 | NBO | ADD | 2025-02-03\nET308 | ADD | NBO | 2025-02-09\nKQ102 | ADD | NBO | 2025-02-10"
    assert pieces(rows, hop, "hops") == rows.splitlines()


EPISODE = """
title: Episode
type: object
properties:
  show: {type: string}
  episode_number: {type: integer}
  host: {type: string}
  guests:
    type: array
    items:
      type: object
      properties:
        name: {type: string}
        role: {type: string}
      required: [name]
    description: The people the host talks with in the episode.
required: [show]
"""


def test_items_of_strings_alone_are_read_only_under_the_arrays_own_label(tmp_path: Path) -> None:
    part = nested_part(compiled(tmp_path, "episode", EPISODE))
    assert part is not None

    def read(text: str) -> list[str]:
        return pieces(text, part.item, part.about, part.others, optional=True)

    # Nothing tells a line of names from any other line but the label: "Host", "Episode 4" label other fields.
    assert read("Mind the Gap\n- Host: Priya Shah\n- Released: 5 March\n- 33 min") == []
    assert read("Episode 4: Rent, Explained, Again") == []
    assert read("Mind the Gap, episode 4. Guests: Leo Martins, Hannah Ojo.") == ["Leo Martins", "Hannah Ojo"]
    assert read("| Show | Mind the Gap |\n| Guests | Leo Martins (editor); Hannah Ojo |") == [
        "Leo Martins (editor)",
        "Hannah Ojo",
    ]
    assert read("Mind the Gap\nOur guests:\n- Leo Martins\n- Hannah Ojo\nThanks!") == ["Leo Martins", "Hannah Ojo"]


def test_a_text_without_a_layout_of_items_has_no_pieces(dish: CompiledSchema, trip: CompiledSchema) -> None:
    item = nested_part(dish).item  # type: ignore[union-attr]
    assert pieces("Just boil 2 eggs for six minutes and eat them.", item, "ingredients") == []
    hop = nested_part(trip).item  # type: ignore[union-attr]
    assert pieces("Booking ZX81QP: KQ101 NBO to ADD on 2025-02-03.", hop, "hops") == []


TEXT = "Beet Salad (serves 3). Ingredients: 4 beets, 100 g feta, a little dill."
ITEMS: list[dict[str, Any]] = [
    {"name": "beets", "amount": 4},
    {"name": "feta", "amount": 100, "unit": "g"},
    {"name": "dill"},
]


def scripted() -> ScriptedBackend:
    return ScriptedBackend(*ITEMS, {"title": "Beet Salad", "serves": 3})


async def test_each_piece_is_read_as_one_item_then_the_object_with_its_items_fixed(dish: CompiledSchema) -> None:
    backend = scripted()
    result = await Extractor(backend, settings(model_profile="small")).extract(dish, TEXT)
    assert result.model_dump(mode="json", exclude_none=True) == {
        "title": "Beet Salad",
        "serves": 3,
        "ingredients": ITEMS,
    }
    # Three calls with the item's own tool, each on its piece of the text; then one with the whole text.
    names = [request["tools"][0]["function"]["name"] for request in backend.requests]
    assert names == ["Ingredient", "Ingredient", "Ingredient", "Dish"]
    # Each piece is shown as it is (its numbers are in view), the whole text with its numbers in context.
    shown = [request["messages"][-1]["content"] for request in backend.requests]
    assert shown[:3] == ["4 beets", "100 g feta", "a little dill"]
    assert shown[3].startswith(f"{TEXT}\n\nNumbers in context:\n")
    # The item's own field guide, its number first.
    guide = "Fields:\n- amount (number, optional)\n- name (string, required)\n- unit (string, optional)"
    assert guide in backend.requests[0]["messages"][0]["content"]
    # "4 beets" writes no unit of measure after its number: the optional unit stays out; "100 g feta" offers "g".
    assert list(backend.tools[0]["properties"]) == ["amount", "name"]
    assert backend.tools[1]["properties"]["unit"]["anyOf"][0]["enum"] == ["g"]
    # The last call asks for the rest of the object only: the items are joined to it, not written again.
    assert "ingredients" not in backend.tools[3]["properties"] and "title" in backend.tools[3]["properties"]
    assert "ingredients" not in backend.requests[3]["messages"][0]["content"]


async def test_the_stream_sends_each_item_as_it_is_read_and_ends_with_the_json_routes_object(
    dish: CompiledSchema,
) -> None:
    updates = [update async for update in Extractor(scripted(), settings(model_profile="small")).stream(dish, TEXT)]
    assert [update.data for update in updates if isinstance(update, Partial)] == [
        {"ingredients": ITEMS[:1]},
        {"ingredients": ITEMS[:2]},
        {"ingredients": ITEMS},
    ]
    assert isinstance(updates[-1], Final)
    assert updates[-1].value.model_dump(mode="json", exclude_none=True)["ingredients"] == ITEMS


async def test_a_piece_that_holds_no_valid_item_is_left_out(dish: CompiledSchema) -> None:
    no_item = {"amount": 100}  # no name: invalid, and no further attempt (max_retries 0)
    kept = [ITEMS[0], ITEMS[2]]
    backend = ScriptedBackend(ITEMS[0], no_item, ITEMS[2], {"title": "Beet Salad"})
    result = await Extractor(backend, settings(model_profile="small")).extract(dish, TEXT)
    assert result.model_dump(mode="json", exclude_none=True)["ingredients"] == kept


async def test_an_optional_array_the_text_lays_out_nothing_for_stays_out(tmp_path: Path) -> None:
    parcel = compiled(tmp_path, "parcel", PARCEL)
    backend = ScriptedBackend({"order": "A-1", "deliver_to": "Keizersgracht 221"})
    text = "Order A-1 is on its way. Deliver to: Keizersgracht 221, 1016 DV Amsterdam."
    result = await Extractor(backend, settings(model_profile="small")).extract(parcel, text)
    assert result.model_dump(exclude_none=True) == {"order": "A-1", "deliver_to": "Keizersgracht 221"}
    # One call, for the object without its items: the model is never asked for items the text does not list.
    assert [list(tool["properties"]) for tool in backend.tools] == [["order", "deliver_to"]]


async def test_the_same_item_read_twice_is_kept_once(dish: CompiledSchema) -> None:
    backend = ScriptedBackend(ITEMS[0], ITEMS[0], ITEMS[2], {"title": "Beet Salad"})
    result = await Extractor(backend, settings(model_profile="small")).extract(dish, TEXT)
    assert result.model_dump(mode="json", exclude_none=True)["ingredients"] == [ITEMS[0], ITEMS[2]]


async def test_without_a_layout_or_on_the_standard_profile_the_object_is_one_call(dish: CompiledSchema) -> None:
    answer = {"title": "Eggs", "ingredients": [{"name": "eggs", "amount": 2}]}
    backend = ScriptedBackend(answer)
    await Extractor(backend, settings(model_profile="small")).extract(dish, "Just boil 2 eggs for six minutes.")
    assert len(backend.requests) == 1
    standard = ScriptedBackend(answer)
    await Extractor(standard, settings(model_profile="standard")).extract(dish, TEXT)
    assert len(standard.requests) == 1


LETTER = """
title: Letter
type: object
properties:
  subject: {type: string}
  to:
    type: object
    properties:
      name: {type: string}
      street: {type: string}
      city: {type: string}
    required: [city]
required: [subject]
"""
# No house number or postal code: the line is not read apart as an address (test_addresses.py), but by the model.
NOTE = "Subject: Spring catalogue\nSend to: Ana Ruiz, Calle Luna, Sevilla\nFrom our Leeds office, with thanks"


def test_an_object_field_is_found_on_the_line_holding_most_of_its_values() -> None:
    assert home_line(NOTE, ["Ana Ruiz", "Luna", "Leeds"]) == "Ana Ruiz, Calle Luna, Sevilla"
    assert home_line(NOTE, ["Ana Ruiz"]) is None  # one value places nothing
    assert home_line(NOTE, ["Sevilla", "Leeds", "Spring"]) is None  # each line holds one: no home
    assert home_line("Send to: Ana Ruiz, Sevilla", ["Ana Ruiz", "Sevilla"]) is None  # one line: nothing apart


async def test_an_object_field_is_read_again_from_its_own_line(tmp_path: Path) -> None:
    letter = compiled(tmp_path, "letter", LETTER)
    assert [member.name for member in nested_objects(letter)] == ["to"]
    mixed = {"subject": "Spring catalogue", "to": {"name": "Leeds", "street": "Ana Ruiz", "city": "Sevilla"}}
    again = {"name": "Ana Ruiz", "street": "Calle Luna", "city": "Sevilla"}
    backend = ScriptedBackend(mixed, again)
    extractor = Extractor(backend, settings(model_profile="small"))
    result = await extractor.extract(letter, NOTE)
    assert result.model_dump(exclude_none=True) == {"subject": "Spring catalogue", "to": again}
    # The second call reads the address from its line alone, with the address's own tool.
    assert backend.requests[1]["messages"][-1]["content"].startswith("Ana Ruiz, Calle Luna, Sevilla")
    assert list(backend.tools[1]["properties"]) == ["name", "street", "city"]
    # The stream sends the object read again, then the same final object.
    streamed = Extractor(ScriptedBackend(mixed, again), settings(model_profile="small")).stream(letter, NOTE)
    updates = [update async for update in streamed]
    assert [update.data for update in updates if isinstance(update, Partial)] == [{"to": again}]
    assert isinstance(updates[-1], Final) and updates[-1].value == result


async def test_when_the_rest_cannot_be_read_the_object_is_asked_whole_and_a_failure_names_the_schema(
    dish: CompiledSchema,
) -> None:
    untitled = {"serves": 3}  # no title: invalid, and no further attempt (max_retries 0)
    whole = {"title": "Beet Salad", "ingredients": ITEMS}
    backend = ScriptedBackend(*ITEMS, untitled, whole)
    result = await Extractor(backend, settings(model_profile="small")).extract(dish, TEXT)
    assert result.model_dump(mode="json", exclude_none=True) == whole
    failing = ScriptedBackend(*ITEMS, untitled, untitled)
    with pytest.raises(ExtractionFailed) as failed:
        await Extractor(failing, settings(model_profile="small")).extract(dish, TEXT)
    assert failed.value.schema == "dish"


def test_a_pieces_values_of_one_kind_go_to_its_fields_in_order_and_a_heading_gives_its_date(tmp_path: Path) -> None:
    leg = compiled(tmp_path, "leg", TRIP.replace("day: {type: string, format: date}", LEG_FIELDS))
    hop = nested_part(leg).item  # type: ignore[union-attr]
    text = "Date of issue: 2 May 2024\n\nOutbound - Tue 14 May 2024\nLH 1159  BCN 6:05 AM -> FRA 08:20\n"
    piece = "LH 1159  BCN 6:05 AM -> FRA 08:20"
    assert pieces(text + "LH 430   FRA 10:15 -> ORD 12:40", hop, "hops") == [piece, "LH 430   FRA 10:15 -> ORD 12:40"]
    # BCN and FRA, 06:05 and 08:20: as many of a kind as fields of it, in the schema's order; the heading's date
    # (not the labelled issue date) for the required day the line does not write.
    choices = piece_choices(piece, text, hop)
    assert {name: choices[name] for name in ("start", "end", "day")} == {
        "start": ["BCN"],
        "end": ["FRA"],
        "day": ["2024-05-14"],
    }
    # (the times: a start's and an end's written together, the piece's grounding gives them already)
    assert choices.get("departs", ["06:05"]) == ["06:05"] and choices.get("arrives", ["08:20"]) == ["08:20"]
    assert (offered(hop, piece)["departs"], offered(hop, piece)["arrives"]) == (["06:05"], ["08:20"])
    # Three codes for two fields: nothing fixed for them; a date on the line is the line's own.
    assert piece_choices("LH 1159 NEW BCN 14 May 2024 -> FRA", "", hop) == {}


TALKS = """
title: Programme
type: object
properties:
  talks:
    type: array
    items:
      type: object
      properties:
        title: {type: string}
        speakers: {type: array, items: {type: string}}
        start_time: {type: string, pattern: '^[0-2][0-9]:[0-5][0-9]$'}
        room: {type: string}
        track: {type: string}
      required: [title]
required: [talks]
"""


def test_a_table_rows_cells_go_to_the_fields_their_columns_name(tmp_path: Path) -> None:
    talk = nested_part(compiled(tmp_path, "programme", TALKS)).item  # type: ignore[union-attr]
    text = (
        "| Time | Room | Track | Session | Speaker(s) |\n|---|---|---|---|---|\n"
        "| 09:00 | Auditorium | - | Opening | Aino Virtanen (PyCon Nordic) |\n"
        "| 10:30 | Room 2 | Data | Geospatial pipelines | Olli Heikkinen, Emma Järvinen |\n"
    )
    first, second = pieces(text, talk, "talks")
    assert first == "Time: 09:00 | Room: Auditorium | Session: Opening | Speaker(s): Aino Virtanen (PyCon Nordic)"
    # The session, a column no field names, is the title's; a column this row leaves empty leaves its field out.
    opening = piece_choices(first, text, talk)
    assert opening == opening | {"title": ["Opening"], "speakers": [["Aino Virtanen"]], "room": ["Auditorium"]}
    assert opening["track"] == []
    tool = {"type": "function", "function": {"name": "Talk", "parameters": talk.model_schema}}
    offered = narrow_tool(tool, Grounding(first, talk, opening))["function"]["parameters"]["properties"]
    assert "track" not in offered and offered["title"]["enum"] == ["Opening"]
    # A word any field may end with names no column: "Session name" is the title's, not a venue_name's.
    venue = compiled(
        tmp_path, "venue", TALKS.replace("        track: {type: string}", "        venue_name: {type: string}")
    )
    row = "Time: 09:00 | Session name: Opening keynote | Venue: Hall A"
    table = f"| Time | Session name | Venue |\n|---|---|---|\n{row}"
    chosen = piece_choices(row, table, nested_part(venue).item)  # type: ignore[union-attr]
    # A cell is offered whole first ("Hall A", where the text's runs hold "Hall").
    assert "Opening keynote" in chosen["title"] and chosen["venue_name"] == ["Hall A", "Hall"]
    assert not set(chosen["venue_name"]) & set(chosen["title"])
    geo = piece_choices(second, text, talk)
    assert geo["speakers"] == [["Olli Heikkinen", "Emma Järvinen"]] and geo["track"] == ["Data"]
    assert "Geospatial pipelines" in geo["title"] and "Data" not in geo["title"]


def test_an_items_title_takes_no_speakers_name_no_bracket_and_no_word_other_items_share(tmp_path: Path) -> None:
    talk = nested_part(compiled(tmp_path, "programme", TALKS)).item  # type: ignore[union-attr]
    lines = (
        "09:15 Welcome - Inês Carvalho",
        "10:15 Talk - Tomás Pereira (Feedzai): Real-time fraud scoring",
        "11:20 Talk - Hannah Schmidt & Luca Bianchi: Data contracts in practice",
        "2:00 - kick-off from Hiroshi Tanaka",
    )
    text = "\n".join(lines)
    assert piece_choices(lines[0], text, talk, lines)["title"] == ["Welcome"]
    titles = piece_choices(lines[1], text, talk, lines)["title"]
    assert "Real-time fraud scoring" in titles
    assert not {"Talk", "10:15 Talk", "Feedzai", "Tomás Pereira", "Pereira (Feedzai)"} & set(titles)
    assert piece_choices(lines[3], text, talk, lines)["title"] == ["kick-off"]
    # Without other items, a kind written once is a title like any other.
    assert "Talk" in piece_choices(lines[1], lines[1], talk)["title"]


def test_a_title_keeps_its_own_capitals_and_numbers_and_a_line_of_totals_is_no_item(tmp_path: Path) -> None:
    talk = nested_part(compiled(tmp_path, "programme", TALKS)).item  # type: ignore[union-attr]
    lines = ("10 Lessons from Scaling Kafka - Ana Ruiz", "Welcome & Opening Remarks - Tom Li")
    assert "10 Lessons from Scaling Kafka" in piece_choices(lines[0], "\n".join(lines), talk, lines)["title"]
    assert "Welcome & Opening Remarks" in piece_choices(lines[1], "\n".join(lines), talk, lines)["title"]
    order = nested_part(compiled(tmp_path, "order", ORDERS))
    assert order is not None
    text = "Order KC-1\n2 x Ceramic mug\n1 x Tea towel\nSubtotal: 26.00 | Shipping: 4.00"
    assert pieces(text, order.item, order.about, order.others) == ["2 x Ceramic mug", "1 x Tea towel"]


def test_afternoon_times_written_without_pm_follow_the_morning(tmp_path: Path) -> None:
    talk = nested_part(compiled(tmp_path, "programme", TALKS)).item  # type: ignore[union-attr]
    items: list[dict[str, Any]] = [
        {"title": t, "start_time": s} for t, s in [("a", "11:30"), ("b", "12:30"), ("c", "01:30"), ("d", "02:15")]
    ]
    items.append({"title": "day two", "start_time": "09:00"})  # a morning again: the next day, as written
    _later_in_the_day(items, talk)
    assert [item["start_time"] for item in items] == ["11:30", "12:30", "13:30", "14:15", "09:00"]
    # A programme on a 24-hour clock, or items of several days (flights), are as read.
    legs = [{"title": "a", "start_time": "16:40"}, {"title": "b", "start_time": "07:15"}]
    _later_in_the_day(legs, talk)
    assert [leg["start_time"] for leg in legs] == ["16:40", "07:15"]
    odd = compiled(tmp_path, "odd", TALKS.replace("'^[0-2][0-9]:[0-5][0-9]$'", "'^\\p{N}{2}:[0-5][0-9]$'"))
    _later_in_the_day([{"title": "a", "start_time": "12:30"}], nested_part(odd).item)  # type: ignore[union-attr]


ORDERS = """
title: Order
type: object
properties:
  order_number: {type: string, pattern: '^[A-Z0-9][A-Z0-9-]{2,24}$'}
  customer_name: {type: string}
  items:
    type: array
    items:
      type: object
      properties:
        description: {type: string}
        sku: {type: string, pattern: '^[A-Z0-9-]+$'}
        quantity: {type: integer}
      required: [description]
required: [items]
"""


def test_an_exports_rows_read_as_a_table_grouped_by_the_objects_own_first_cell(tmp_path: Path) -> None:
    part = nested_part(compiled(tmp_path, "order", ORDERS))
    assert part is not None
    export = (
        "Orders export\n\nName,Billing Name,Lineitem name,Lineitem sku,Lineitem quantity\n"
        '#KC1042,Amira Haddad,Ethiopia Guji 250g,ETH-GUJI,2\n#KC1042,Amira Haddad,"Paper filters, V60",FLT-V60,\n'
        "#KC1043,Jonas Becker,House Espresso 1kg,ESP-1K,1\n"
    )
    table = comma_tables(export).splitlines()
    assert table[2] == "Name | Billing Name | Lineitem name | Lineitem sku | Lineitem quantity"
    assert table[4] == "#KC1042 | Amira Haddad | Paper filters, V60 | FLT-V60 | -"  # an empty cell keeps its column
    prose = "Hi, I am Ann, 33, from Oslo.\nBob, 44, Rome, Italy\nCat, 55, Paris, France"
    assert comma_tables(prose) == prose  # no heading row: no export
    card = "Ana Ruiz, Head of Sales, Acme Ltd\n12 High Street, Leeds, LS6 2QP\nTel 0113, Fax 0114, Mobile 0777"
    assert comma_tables(card) == card  # a comma and a space: prose or an address, not an export
    first, second = sections("\n".join(table), part)
    rows = first.splitlines()
    assert rows[:2] == [
        "Name: #KC1042 | Billing Name: Amira Haddad | Lineitem name: Ethiopia Guji 250g | Lineitem sku: ETH-GUJI | "
        "Lineitem quantity: 2",
        "Name: #KC1042 | Billing Name: Amira Haddad | Lineitem name: Paper filters, V60 | Lineitem sku: FLT-V60",
    ]
    assert rows[2:] == ["Orders export"] and second.startswith("Name: #KC1043 | Billing Name: Jonas Becker")
    # Each row is one item, whatever its first column is named for.
    assert pieces(first, part.item, part.about, part.others) == rows[:2]
    # Rows that share a time are no objects of their own: a programme's talks are not cut at them.
    programme = nested_part(compiled(tmp_path, "programme", TALKS))
    assert programme is not None
    talks = "| Time | Title |\n|---|---|\n| 09:00 | Opening |\n| 09:00 | Typing at scale |\n| 10:00 | Polars |"
    assert sections(talks, programme) == []


def test_an_optional_date_of_an_item_comes_from_a_heading_line_only(tmp_path: Path) -> None:
    programme = compiled(
        tmp_path,
        "programme",
        "title: Programme\ntype: object\nproperties:\n  talks:\n    type: array\n    items:\n      type: object\n"
        "      properties:\n        title: {type: string}\n        day: {type: string, format: date}\n"
        "        starts: {type: string, pattern: '^[0-2][0-9]:[0-5][0-9]$'}\n      required: [title]\n"
        "required: [talks]\n",
    )
    talk = nested_part(programme).item  # type: ignore[union-attr]
    piece = "09:30 Opening keynote"
    # A line holding the date and little else is the day's heading; a date inside a sentence is not one.
    assert piece_choices(piece, f"Day 2 - Friday 14 March 2025\n{piece}\n10:15 Rust at scale", talk)["day"] == [
        "2025-03-14"
    ]
    sentence = f"Tickets sold out on 14 March 2025, thanks to all of you.\n{piece}\n10:15 Rust at scale"
    assert "day" not in piece_choices(piece, sentence, talk)


LEG_FIELDS = """day: {type: string, format: date}
        departs: {type: string, pattern: '^[0-2][0-9]:[0-5][0-9]$'}
        arrives: {type: string, pattern: '^[0-2][0-9]:[0-5][0-9]$'}"""


TWO_DISHES = """Two dips for the weekend, both vegan.

HUMMUS (serves 4)
- 400 g chickpeas
- 2 tbsp tahini

SALSA (serves 2)
- 3 tomatoes
- 1 red onion
Keeps two days."""


def test_a_line_alone_above_a_line_of_the_objects_own_values_heads_that_object(dish: CompiledSchema) -> None:
    part = nested_part(dish)
    assert part is not None
    text = (
        "Meal prep Sunday\n\nMiso Salmon\n\nServes 2 · 10 min\n- 2 salmon fillets\n- 1 tbsp white miso\n\n"
        "Brown Rice\n\nServes 4\n- 300 g brown rice\n- 1 tbsp oil"
    )
    found = sections(text, part)
    # Each object's own heading first; the text's first line is the whole text's, after each.
    assert [stretch.splitlines()[0] for stretch in found] == ["Miso Salmon", "Brown Rice"]
    assert all(stretch.endswith("Meal prep Sunday") for stretch in found)


def test_a_text_of_several_objects_is_cut_into_one_stretch_per_object(dish: CompiledSchema) -> None:
    part = nested_part(dish)
    assert part is not None
    # Each heading with its run of items, then what the text writes before the first.
    assert sections(TWO_DISHES, part) == [
        "HUMMUS (serves 4)\n- 400 g chickpeas\n- 2 tbsp tahini\nTwo dips for the weekend, both vegan.",
        "SALSA (serves 2)\n- 3 tomatoes\n- 1 red onion\nKeeps two days.\nTwo dips for the weekend, both vegan.",
    ]
    # A heading standing alone above its items, a blank line between.
    apart = TWO_DISHES.replace("HUMMUS (serves 4)\n", "HUMMUS (serves 4)\n\n").replace(
        "SALSA (serves 2)\n", "SALSA (serves 2)\n\n"
    )
    assert [piece.split("\n")[0] for piece in sections(apart, part)] == ["HUMMUS (serves 4)", "SALSA (serves 2)"]
    # Without blank lines, a run's heading is the line right above it; one object a line, items inline.
    packed = "HUMMUS (serves 4)\n- 400 g chickpeas\n- 2 tbsp tahini\nSALSA (serves 2)\n- 3 tomatoes"
    assert sections(packed, part) == [
        "HUMMUS (serves 4)\n- 400 g chickpeas\n- 2 tbsp tahini",
        "SALSA (serves 2)\n- 3 tomatoes",
    ]
    inline = (
        "Dips:\nHummus (serves 4): 400 g chickpeas, 2 tbsp tahini.\nSalsa (serves 2): 3 tomatoes, 1 onion.\nBoth vegan."
    )
    assert sections(inline, part) == [
        "Hummus (serves 4): 400 g chickpeas, 2 tbsp tahini.\nBoth vegan.\nDips:",
        "Salsa (serves 2): 3 tomatoes, 1 onion.\nBoth vegan.\nDips:",
    ]


def test_runs_whose_heading_offers_none_of_the_objects_own_values_are_one_object(
    dish: CompiledSchema, trip: CompiledSchema, tmp_path: Path
) -> None:
    # "Serves" is no heading of its own here: one dish with two runs of ingredients; one run is no list at all.
    one = "HUMMUS (serves 4)\n- 400 g chickpeas\n- 2 tbsp tahini\n\nTo serve\n- 1 tbsp paprika\n- 2 pitta breads"
    assert sections(one, nested_part(dish)) == []  # type: ignore[arg-type]
    assert sections("Porridge\n- 80 g oats\n- 250 ml oat milk", nested_part(dish)) == []  # type: ignore[arg-type]
    # A booking with an outbound and a return heading is one booking; two headings with codes are two.
    coded = compiled(
        tmp_path, "coded", TRIP.replace("code: {type: string}", "code: {type: string, pattern: '^[A-Z0-9]{6}$'}")
    )
    legs = "Outbound\nKQ101 NBO ADD 2025-02-03\n\nReturn\nET308 ADD NBO 2025-02-09"
    assert sections(legs, nested_part(coded)) == []  # type: ignore[arg-type]
    two = "Booking ZX81QP\nKQ101 NBO ADD 2025-02-03\n\nBooking QW77RT\nET308 ADD NBO 2025-02-09"
    assert len(sections(two, nested_part(coded))) == 2  # type: ignore[arg-type]
    # An object with no typed value of its own (the trip's code is any string): each heading starts one.
    assert len(sections(legs, nested_part(trip))) == 2  # type: ignore[arg-type]


async def test_a_list_of_objects_holding_items_reads_each_object_item_by_item(dish: CompiledSchema) -> None:
    hummus = [{"name": "chickpeas", "amount": 400, "unit": "g"}, {"name": "tahini", "amount": 2, "unit": "tbsp"}]
    salsa = [{"name": "tomatoes", "amount": 3}, {"name": "red onion", "amount": 1}]
    backend = ScriptedBackend(*hummus, {"title": "HUMMUS", "serves": 4}, *salsa, {"title": "SALSA", "serves": 2})
    items = await Extractor(backend, settings(model_profile="small")).extract_list(dish, TWO_DISHES)
    assert [item.model_dump(mode="json", exclude_none=True) for item in items] == [
        {"title": "HUMMUS", "serves": 4, "ingredients": hummus},
        {"title": "SALSA", "serves": 2, "ingredients": salsa},
    ]
    # Each ingredient from its own line, each dish's rest from its own stretch: never the other dish's lines.
    shown = [request["messages"][-1]["content"] for request in backend.requests]
    assert shown[:2] == ["400 g chickpeas", "2 tbsp tahini"] and shown[3:5] == ["3 tomatoes", "1 red onion"]
    assert "SALSA" not in shown[2] and "HUMMUS" in shown[2] and "HUMMUS" not in shown[5] and "SALSA" in shown[5]


async def test_a_list_text_laying_out_one_run_of_items_is_one_object(dish: CompiledSchema) -> None:
    backend = ScriptedBackend(
        {"name": "oats", "amount": 80, "unit": "g"}, {"name": "oat milk", "amount": 250}, {"title": "Porridge"}
    )
    text = "Porridge\n- 80 g oats\n- 250 ml oat milk"
    items = await Extractor(backend, settings(model_profile="small")).extract_list(dish, text)
    assert [item.model_dump(mode="json", exclude_none=True)["title"] for item in items] == ["Porridge"]
    assert len(backend.requests) == 3  # two items, then the rest: not one dish per bullet


def test_objects_with_their_own_totals_in_prose_or_with_remarks_in_their_labels_are_cut_apart(
    tmp_path: Path,
) -> None:
    priced = compiled(
        tmp_path,
        "priced",
        TRIP.replace(
            "code: {type: string}",
            "code: {type: string, pattern: '^[A-Z0-9]{6}$'}\n  total: {type: number}",
        ),
    )
    part = nested_part(priced)
    assert part is not None
    # Headings without the object's own values ("Option A"), but each run ends with its own total.
    options = (
        "Option A\n\nKQ101 NBO ADD 2025-02-03\nKQ102 ADD NBO 2025-02-09\nTotal 640.00\n\n"
        "Option B\n\nET308 NBO ADD 2025-02-03\nET309 ADD NBO 2025-02-10\nTotal 512.50"
    )
    assert [piece.split("\n")[0] for piece in sections(options, part)] == ["Option A", "Option B"]
    # Outbound and return legs, one total at the end: one booking.
    legs = "Outbound\nKQ101 NBO ADD 2025-02-03\n\nReturn\nET308 ADD NBO 2025-02-09\nTotal 640.00"
    assert sections(legs, part) == []
    # A paragraph each, the flights inside sentences.
    prose = (
        "The first booking, confirmation QX7M2P, is for Ana. She flies KQ101 from NBO to ADD on 2025-02-03 and back "
        "on KQ102 on 2025-02-09.\n\nThe second booking, reference 8KD2TR, is for Luis alone: he takes ET308 from NBO "
        "to ADD on 2025-02-04.\n\nThanks!"
    )
    assert [piece.split(",")[1] for piece in sections(prose, part)] == [" confirmation QX7M2P", " reference 8KD2TR"]


def test_one_object_a_line_whose_label_holds_a_remark_with_commas(dish: CompiledSchema) -> None:
    text = (
        "Breakfast rota:\n\nPancakes (serves 6, 10 min prep): 300 g flour, 2 eggs, 350 ml buttermilk.\n"
        "Skillet (serves 6, cook 25 min): 12 sausages, 6 eggs, 400 g beans."
    )
    assert [piece.split(":")[0] for piece in sections(text, nested_part(dish))] == [  # type: ignore[arg-type]
        "Pancakes (serves 6, 10 min prep)",
        "Skillet (serves 6, cook 25 min)",
    ]
    # "3 × Monstera 12cm pot — £14.00 each" is an item, not a "Label — value" line.
    item = nested_part(dish).item  # type: ignore[union-attr]
    assert _offers("3 × Monstera 12cm pot — 14.00 each", item, line=True)
    assert not _offers("Prep — 20 min", item, line=True)


def test_what_an_arrays_description_leaves_out_is_no_item() -> None:
    talks = "Every talk in order. Leave out breaks, coffee, meals, registration and other social items."
    # ... with what a programme writes for them ("Lunch" is a meal, "Drinks" a social item).
    found = left_out(talks)
    assert found >= {"break", "coffee", "meal", "registration", "social"} | {
        "lunch",
        "dinner",
        "breakfast",
        "brunch",
        "supper",
        "pause",
        "intermission",
        "recess",
        "tea",
        "fika",
        "drink",
        "mixer",
        "reception",
        "happy hour",
    }
    # ... and in the languages programmes are often written in: "Mittagessen", "Pausa café", "Anmeldung", "Borrel".
    assert found >= {"mittagessen", "déjeuner", "almuerzo", "pausa", "pauze", "kaffee", "anmeldung", "borrel"}
    legs = frozenset({"legs", "flig"})
    assert left_out("Every flight of the booking. Trains, buses and hotels are not legs.", legs) == {
        "train",
        "bus",
        "hotel",
    }
    # Not what the items are ("are not included", "are not in UTC"), nor a list of clauses, nor a mid-sentence
    # "excluding".
    lines = frozenset({"line", "item"})
    assert (
        left_out("Each line item; prices excluding VAT. Taxes are not included. Times are not in UTC.", lines) == set()
    )
    assert left_out("Every line of this order. Items that belong to another order are not items.", lines) == set()
    assert left_out("Every item on the programme, including breaks and lunch.") == set()
    assert left_out("Leave out accessories and batteries.") == {"accessory", "battery"}
    assert left_out("Leave out breaks.") == {
        "break",
        "pause",
        "intermission",
        "recess",
        "pausa",
        "pauze",
        "paus",
        "przerwa",
    }
    # A phrase closing a list of short things does not void the list; "exhibition time" names no word to match.
    described = "Leave out breaks, check-in, exhibition time, and talks mentioned only in bios or from other events."
    assert left_out(described) == {"break", "pause", "intermission", "recess", "pausa", "pauze", "paus", "przerwa"} | {
        "check-in"
    }
    # Nor are the items themselves, qualified, left out ("cancelled lessons" of a list of lessons): their state is.
    lessons = frozenset({"less"})
    left = left_out("Leave out cancelled lessons and reading weeks.", lessons)
    assert "cancelled" in left and not any(word.startswith(("less", "read", "week")) for word in left)


def test_an_object_without_typed_values_of_its_own_is_not_cut_at_its_paragraphs(tmp_path: Path) -> None:
    plain = compiled(tmp_path, "plain", DISH.replace("  serves: {type: integer, minimum: 1}\n", ""))
    part = nested_part(plain)
    assert part is not None
    text = (
        "Smoky stew: soften 1 onion, stir in 2 tsp paprika and 400 g tomatoes, then simmer for a good while.\n\n"
        "To finish, add 800 g chickpeas and 150 g chorizo, a squeeze of lemon and 2 tbsp parsley before serving."
    )
    assert sections(text, part) == []


SESSIONS = """
title: Programme
type: object
properties:
  sessions:
    type: array
    description: Every session. Leave out breaks, coffee, meals and registration.
    items:
      type: object
      properties:
        title: {type: string}
        speakers: {type: array, items: {type: string}}
        day: {type: string, format: date}
        start_time: {type: string, pattern: '^[0-2][0-9]:[0-5][0-9]$'}
        end_time: {type: string, pattern: '^[0-2][0-9]:[0-5][0-9]$'}
        room: {type: string}
      required: [title]
required: [sessions]
"""


def test_a_grid_of_rooms_is_read_cell_by_cell_and_a_row_without_a_time_continues_the_one_above(
    tmp_path: Path,
) -> None:
    session = nested_part(compiled(tmp_path, "programme", SESSIONS)).item  # type: ignore[union-attr]
    text = (
        "DAY 1 · Tuesday 3 June 2025\n"
        "TIME        | Main Hall                      | Room S1\n"
        "09:00-09:30 | Opening                        |\n"
        "            | Ola Zielińska                  |\n"
        "10:30-11:15 | GitOps at a bank               | Chaos engineering 101\n"
        "            | Marek Wójcik                   | Ingrid Solberg\n"
        "12:00-13:00 | LUNCH                          | LUNCH\n"
        "DAY 2 · Wednesday 4 June 2025\n"
        "09:00-09:45 | **KEYNOTE:** Cost is a feature |\n"
        "            | Agnieszka Lis, Raj Malhotra,   |\n"
        "            | Sven Holm · mod. Kasia Dąbrowska |\n"
    )
    found = pieces(text, session, "sessions")
    assert found[:3] == [
        "09:00-09:30 | Main Hall | Opening — Ola Zielińska",
        "10:30-11:15 | Main Hall | GitOps at a bank — Marek Wójcik",
        "10:30-11:15 | Room S1 | Chaos engineering 101 — Ingrid Solberg",
    ]
    # The second day's rows, under no heading of their own, continue the grid; names broken over rows are one list.
    assert found[-1] == (
        "09:00-09:45 | Main Hall | **KEYNOTE:** Cost is a feature — Agnieszka Lis, Raj Malhotra, Sven Holm · mod. "
        "Kasia Dąbrowska"
    )
    chosen = piece_choices(found[0], text, session, tuple(found))
    assert chosen["speakers"] == [["Ola Zielińska"]] and chosen["title"] == ["Opening"]  # "Main Hall" is a room
    assert chosen["day"] == ["2025-06-03"]
    # A field table ("Room | Session | Speaker") is no grid: a row is one item.
    table = "| Time | Room | Session | Speaker |\n|---|---|---|---|\n| 09:00 | Hall A | Opening | Ana Ruiz |\n"
    assert (
        pieces(table * 2, session, "sessions")[0] == "Time: 09:00 | Room: Hall A | Session: Opening | Speaker: Ana Ruiz"
    )


def test_a_session_over_lines_is_one_piece_and_its_title_is_a_whole_part_of_a_line(tmp_path: Path) -> None:
    programme = nested_part(compiled(tmp_path, "programme", SESSIONS))
    assert programme is not None
    session = programme.item
    text = (
        "Fintech Forum 2025\n17–18 September 2025\n\nDAY 1 — Wednesday 17 September\n\n"
        "09:00 Opening keynote: Payments for the next billion\nSpeaker: Dr. Thandiwe Nkosi\n"
        "Thandiwe is Chief Executive of Ubuntu Pay. She led mobile money at MTN Group.\n\n"
        "10:30 Kaffeepause\n\n"
        "11:00 Fireside chat: Building a neobank\nJonathan Adeyemi in conversation with Farah Ismail\n\n"
        "11:45 Accessible Design Systems Without the Pain — Aisha Bello & Freya Lund\n"
    )
    found = pieces(text, session, "sessions")
    assert found[0] == "09:00 Opening keynote: Payments for the next billion\nSpeaker: Dr. Thandiwe Nkosi"
    assert len(found) == 4 and _left_out_piece(found[1], programme.left_out)  # "Kaffeepause" is a break
    keynote = piece_choices(found[0], text, session, tuple(found))
    assert keynote["speakers"] == [["Thandiwe Nkosi"]] and keynote["day"] == ["2025-09-17"]
    assert "Payments for the next billion" in keynote["title"] and "Speaker" not in " ".join(keynote["speakers"][0])
    panel = piece_choices(found[2], text, session, tuple(found))
    assert panel["speakers"] == [["Jonathan Adeyemi", "Farah Ismail"]]
    design = piece_choices(found[3], text, session, tuple(found))
    assert design["title"] == ["Accessible Design Systems Without the Pain"]  # no run of words inside the part
    assert design["speakers"] == [["Aisha Bello", "Freya Lund"]]
    # The speakers a line names are the one list the speakers may be: no null beside it.
    tool = {"type": "function", "function": {"name": "Session", "parameters": session.model_schema}}
    offered = narrow_tool(tool, Grounding(found[3], session, design))["function"]["parameters"]["properties"]
    assert offered["speakers"]["enum"] == [["Aisha Bello", "Freya Lund"]] and "anyOf" not in offered["speakers"]


def test_no_grid_without_times_down_its_first_column_and_places_across_its_heading(tmp_path: Path) -> None:
    session = nested_part(compiled(tmp_path, "programme", SESSIONS)).item  # type: ignore[union-attr]
    table = "| Time | Activity | Host |\n|---|---|---|\n| 09:00 | Welcome and opening | Ana Ruiz |\n"
    assert pieces(table * 2, session, "sessions")[0] == "Time: 09:00 | Activity: Welcome and opening | Host: Ana Ruiz"
    order = nested_part(compiled(tmp_path, "order", ORDERS))
    assert order is not None
    lines = (
        "| SKU | Item | Qty |\n|---|---|---|\n| LMP-01 | Desk lamp | 2 |\n|  | Gift wrapping | 1 |\n| MUG-2 | Mug | 3 |"
    )
    # A row with an empty first cell and a number of its own is a line of its own, not the row above's.
    found = pieces(lines, order.item, order.about, order.others)
    # (its heading, names without a digit, is no row: each row's cells under their column names)
    assert found == [
        "SKU: LMP-01 | Item: Desk lamp | Qty: 2",
        "Item: Gift wrapping | Qty: 1",
        "SKU: MUG-2 | Item: Mug | Qty: 3",
    ]
    # A left-out word is no other word's end ("Outbreak analytics" is no break), but for a known compound's.
    assert not _left_out_piece("09:00 Outbreak analytics", frozenset({"break"}))
    assert _left_out_piece("10:30 Kaffeepause", frozenset({"pause"}))


def test_a_grid_cell_under_a_later_days_heading_takes_that_day_though_its_time_repeats(tmp_path: Path) -> None:
    session = nested_part(compiled(tmp_path, "programme", SESSIONS)).item  # type: ignore[union-attr]
    text = (
        "DAY 1 · Tuesday 3 June 2025\nTIME | Main Hall | Room S1\n09:00 | Opening | Kubernetes basics\n"
        "10:00 | GitOps at a bank | Chaos engineering 101\n"
        "DAY 2 · Wednesday 4 June 2025\n09:00 | Cost is a feature | eBPF for mere mortals\n"
        "10:00 | On-call without burnout | Renovate bot tips\n11:00 | Closing remarks |\n"
    )
    found = pieces(text, session, "sessions")
    assert found[5] == "09:00 | Room S1 | eBPF for mere mortals" and len(found) == 9
    assert piece_choices(found[5], text, session, tuple(found))["day"] == ["2025-06-04"]


def test_an_items_choice_left_out_is_the_one_its_piece_names(tmp_path: Path) -> None:
    kinds = SESSIONS.replace(
        "        room: {type: string}\n", "        room: {type: string}\n        kind: {enum: [keynote, talk, panel]}\n"
    )
    session = nested_part(compiled(tmp_path, "programme", kinds)).item  # type: ignore[union-attr]
    assert _named_choices({"title": "AI"}, "09:00 Keynote: AI", session) == {"kind": "keynote"}
    assert _named_choices({"title": "AI", "kind": "talk"}, "09:00 Keynote: AI", session) == {}  # the model's stays
    assert _named_choices({"title": "AI"}, "09:00 Keynote and panel: AI", session) == {}  # two named: none


PEOPLE = """
title: Report
type: object
properties:
  summary: {type: string}
  people_involved:
    type: array
    description: People involved or witnesses.
    items: {$ref: "#/$defs/InvolvedPerson"}
required: [summary]
$defs:
  InvolvedPerson:
    type: object
    properties:
      name: {type: string}
      role: {type: string}
      email: {type: string, format: email}
    required: [name]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a line each, without the array's own label; what comes before and after it is no person
        (
            "Zeugen\nMonika Brandt, Schichtleiterin (auch Ersthelferin)\nJan Wilczek, Staplerfahrer\n\n"
            "Sofortmaßnahmen\n- Erste Hilfe geleistet",
            ["Monika Brandt, Schichtleiterin (auch Ersthelferin)", "Jan Wilczek, Staplerfahrer"],
        ),
        # a table's rows naming one each
        (
            "## People\n| Role | Name |\n|---|---|\n| Incident commander | Tomás Aguirre |\n"
            "| Communications lead | Hannah Whitcombe |\n",
            ["Role: Incident commander | Name: Tomás Aguirre", "Role: Communications lead | Name: Hannah Whitcombe"],
        ),
        # one line listing them with their footnote marks, over two lines; the citation naming them again adds none
        (
            "Katrin Vollmer1*, Tomasz Nowicki2 and\nLukas Brenner3\n\nAbstract\nCite as: Katrin Vollmer, "
            "Tomasz Nowicki and Lukas Brenner",
            ["Katrin Vollmer", "Tomasz Nowicki", "Lukas Brenner"],
        ),
        # a labelled list of other things, capitalised phrases, a closing: no people
        (
            "Keywords: Machine Learning, Neural Networks, Crop Science\nProduct Roadmap, Marketing Plan, Sales "
            "Forecast\nKind Regards\nJohn Reed",
            [],
        ),
        # columns: a person each, with what stands below the name
        (
            "Mei-Ling Chou                  Jonas Åkerlund                       Rahul Venkataraman\n"
            "National Taiwan University     KTH Royal Institute of Technology     Microsoft Research\n"
            "meiling.chou@ntu.edu.tw        jakerl@kth.se                         rvenkat@microsoft.com\n\nABSTRACT",
            [
                "Mei-Ling Chou / National Taiwan University / meiling.chou@ntu.edu.tw",
                "Jonas Åkerlund / KTH Royal Institute of Technology / jakerl@kth.se",
                "Rahul Venkataraman / Microsoft Research / rvenkat@microsoft.com",
            ],
        ),
    ],
)
def test_people_listed_without_the_arrays_label_are_its_items(tmp_path: Path, text: str, expected: list[str]) -> None:
    part = nested_part(compiled(tmp_path, "report", PEOPLE))
    assert part is not None
    laid_out = cell_per_line_tables(spaced_tables(comma_tables(text)))
    assert pieces(laid_out, part.item, part.about, part.others, optional=not part.required) == expected
