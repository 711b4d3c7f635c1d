"""A programme's talks with their presenter as an object ({name, affiliation}), titles without a kind's label, a
room or a bracket's tail, talks under day headings, an event's span of days for its first and last day, and dates
written in other languages. No model runs here: these are the pieces, choices and facts the reader hands it."""

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from gateway.extraction.text_facts import TextFacts
from gateway.profiles.small.grounding import Grounding, narrow_tool
from gateway.profiles.small.nested import Part, _ends, nested_part, piece_choices, pieces
from gateway.profiles.small.settling import settle
from gateway.schemas.compiler import CompiledSchema, compile_schema
from tests.conftest import SHIPPED_SCHEMAS
from tests.test_field_blocks import enum
from tests.test_nested_items import compiled

CONFERENCE = """
title: Conference
type: object
properties:
  name: {type: string}
  city: {type: string}
  start_date: {type: string, format: date, description: The first day of the conference.}
  end_date: {type: string, format: date, description: The last day of the conference.}
  talks:
    type: array
    items: {$ref: "#/$defs/Talk"}
    description: Every talk. Breaks, meals and registration are not talks.
required: [name, talks]
$defs:
  Talk:
    type: object
    properties:
      title: {type: string}
      session_type: {type: string, enum: [keynote, talk, workshop, panel, lightning_talk]}
      speaker: {$ref: "#/$defs/Speaker"}
      date: {type: string, format: date}
      start_time: {type: string, format: time}
      room: {type: string}
    required: [title]
  Speaker:
    type: object
    properties:
      name: {type: string}
      affiliation: {type: string}
    required: [name]
"""

PROGRAMME = """Subject: Final schedule - CloudNative Days Porto 2025

Hi all, CloudNative Days Porto 2025 runs on 9-10 October 2025 at the Alfândega Congress Centre in Porto.

Thursday 9 October
09:00 Registration and coffee
09:30 Keynote: The Next Ten Years of Kubernetes - Dr. Marta Silva (Google), Main Hall
10:30 Talk: Debugging eBPF in Production - Tom Becker (Isovalent), Room 2
12:00 Lunch
13:30 Workshop: Building Search at Scale, by Ines Okafor, Zalando - Room 3

Friday 10 October
09:30 Panel: Platform Teams that Work, Main Hall
11:00 Lightning talks, Room 2
"""


@pytest.fixture
def conference(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "conference", CONFERENCE)


def parameters(schema: CompiledSchema, text: str) -> dict[str, Any]:
    """The tool's parameters for ``schema`` narrowed to ``text``."""
    tool = {"type": "function", "function": {"name": schema.model.__name__, "parameters": schema.model_schema}}
    narrowed: dict[str, Any] = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]
    return narrowed


def part_of(schema: CompiledSchema) -> Part:
    """The schema's one array of objects, read item by item."""
    part = nested_part(schema)
    assert part is not None
    return part


def offered(schema: CompiledSchema, text: str, field: str) -> list[Any] | None:
    """The values a top-level field is offered (None where it is taken out of the tool)."""
    properties = parameters(schema, text)["properties"]
    return enum(properties[field]) if field in properties else None


def test_talks_under_each_days_heading_are_one_list_without_the_headings(conference: CompiledSchema) -> None:
    part = part_of(conference)
    found = pieces(PROGRAMME, part.item, part.about, part.others, optional=not part.required)
    assert [piece[:5] for piece in found] == ["09:00", "09:30", "10:30", "12:00", "13:30", "09:30", "11:00"]
    assert "Friday 10 October" not in found


def talk_choices(conference: CompiledSchema, start: str) -> dict[str, Any]:
    part = part_of(conference)
    found = pieces(PROGRAMME, part.item, part.about, part.others, optional=not part.required)
    piece = next(piece for piece in found if piece.startswith(start))
    return piece_choices(piece, PROGRAMME, part.item, tuple(found))


def test_a_presenter_object_takes_the_name_without_a_title_and_the_organisation_after_it(
    conference: CompiledSchema,
) -> None:
    keynote = talk_choices(conference, "09:30 Keynote")
    assert keynote["speaker.name"] == ["Marta Silva"]
    assert keynote["speaker.affiliation"] == ["Google"]
    workshop = talk_choices(conference, "13:30")
    assert workshop["speaker.name"] == ["Ines Okafor"]
    assert workshop["speaker.affiliation"] == ["Zalando"]
    # A hall is no one: a talk naming no person has no presenter to offer.
    assert talk_choices(conference, "09:30 Panel")["speaker"] == []


def test_a_title_is_no_kinds_label_no_room_and_no_brackets_tail(conference: CompiledSchema) -> None:
    assert talk_choices(conference, "09:30 Keynote")["title"] == ["The Next Ten Years of Kubernetes"]
    assert talk_choices(conference, "10:30")["title"] == ["Debugging eBPF in Production"]
    assert talk_choices(conference, "13:30")["title"] == ["Building Search at Scale"]
    assert talk_choices(conference, "09:30 Panel")["title"] == ["Platform Teams that Work"]
    # A label is the title where the line writes nothing else.
    assert talk_choices(conference, "11:00")["title"] == ["Lightning talks"]


def test_a_nested_objects_fixed_choices_narrow_its_definition(conference: CompiledSchema) -> None:
    part = part_of(conference)
    piece = "09:30 Keynote: The Next Ten Years of Kubernetes - Dr. Marta Silva (Google), Main Hall"
    fixed = {"speaker.name": ["Marta Silva"], "speaker.affiliation": ["Google"]}
    schema = part.item.model_schema
    tool = {"type": "function", "function": {"name": part.item.model.__name__, "parameters": schema}}
    speaker = narrow_tool(tool, Grounding(piece, part.item, fixed))["function"]["parameters"]["$defs"]["Speaker"]
    assert enum(speaker["properties"]["name"]) == ["Marta Silva"]
    assert enum(speaker["properties"]["affiliation"]) == ["Google"]


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("runs on 9-10 October 2025 (registration closes 1 October 2025)", "2025-10-09", "2025-10-10"),
        ("on Thursday 9 and Friday 10 October 2025; early bird until 1 August 2025", "2025-10-09", "2025-10-10"),
        ("June 12 and 13, 2025. Call for papers closes March 1, 2025.", "2025-06-12", "2025-06-13"),
        ("am 12.–13. Juni 2025, Anmeldung bis 1. Mai 2025", "2025-06-12", "2025-06-13"),
        ("from 3 March 2026 to 5 March 2026", "2026-03-03", "2026-03-05"),
    ],
)
def test_an_objects_first_and_last_day_are_the_ends_of_the_span_of_days_the_text_writes(
    conference: CompiledSchema, written: str, first: str, last: str
) -> None:
    text = f"DevDays Lyon 2025 {written}.\n09:00 Keynote: Hello - Ana Ruiz"
    properties = parameters(conference, text)["properties"]
    assert enum(properties["start_date"]) == [first]
    assert enum(properties["end_date"]) == [last]


def test_without_a_span_of_days_a_first_day_may_be_any_date() -> None:
    facts = TextFacts("Opens 9 October 2025; closes 1 November 2025.")
    assert facts.date_ranges == []


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("13. Juni 2025", ["2025-06-13"]),
        ("le 12 octobre 2025", ["2025-10-12"]),
        ("el 3 de marzo de 2025", ["2025-03-03"]),
        ("12 and 13 June 2025", ["2025-06-12", "2025-06-13"]),
        ("Thu 12 & Fri 13 June 2025", ["2025-06-12", "2025-06-13"]),
        ("Monday 9 March and Tuesday 10 March 2026", ["2026-03-09", "2026-03-10"]),
        ("1 and 2 bedrooms, June 2025", []),
        ("Session 1 – Mon 2 March 2026, 5:30pm", ["2026-03-02"]),  # a session's number is no first day
    ],
)
def test_dates_in_other_languages_and_days_joined_by_and(text: str, dates: list[str]) -> None:
    assert [found.value for found in TextFacts(text).dates] == dates


def test_a_name_is_not_cut_down_to_its_year_by_a_value_written_only_inside_it() -> None:
    class Event(BaseModel):
        name: str
        city: str | None = None

    text = "CloudNative Days Porto 2025 runs on 9-10 October 2025 in Porto.\nSee you at CloudNative Days Porto 2025!"
    settled = settle(Event(name="CloudNative Days Porto 2025", city="CloudNative Days Porto"), text)
    assert settled.model_dump() == {"name": "CloudNative Days Porto 2025", "city": None}


def test_a_year_after_an_events_name_is_no_postal_code_of_its_town(conference: CompiledSchema) -> None:
    properties = parameters(conference, PROGRAMME)["properties"]
    # Not that one value alone (a town read off "... Porto 2025" as if 2025 were its postal code).
    assert enum(properties["city"]) != ["CloudNative Days Porto"]
    assert "Porto" in (enum(properties["city"]) or [])


SUMMIT = """
title: Summit
type: object
properties:
  summit_name: {type: string}
  sessions:
    type: array
    items: {$ref: "#/$defs/Session"}
required: [summit_name, sessions]
$defs:
  Session:
    type: object
    properties:
      title: {type: string}
      presenter: {$ref: "#/$defs/Presenter"}
      starts_at: {type: string, format: time}
      location: {type: string}
    required: [title]
  Presenter:
    type: object
    properties:
      full_name: {type: string}
      organisation: {type: string}
    required: [full_name]
"""

TWO_DAYS_OF_TABLES = """# Hydrogen Summit

## Tuesday, May 20

| Time | Session | Speaker | Room |
|------|---------|---------|------|
| 09:15 | Where Are We? | Prof. Henrik Vos, TU Delft | Hall 1 |
| 10:00 | Electrolyser Costs | Amira Haddad, Hydrogen Europe | Hall 1 |

## Wednesday, May 21

| Time | Session | Speaker | Room |
|------|---------|---------|------|
| 09:00 | Financing Offtake | Sophie Laurent, ING | Hall 1 |
| 11:00 | Regulation Update | (tbc) | Hall 1 |
"""


def test_tables_under_each_days_heading_with_the_same_columns_are_one_list(tmp_path: Path) -> None:
    part = part_of(compiled(tmp_path, "summit", SUMMIT))
    found = pieces(TWO_DAYS_OF_TABLES, part.item, part.about, part.others)
    assert [piece.split(" | ")[0] for piece in found] == ["Time: 09:15", "Time: 10:00", "Time: 09:00", "Time: 11:00"]
    first = piece_choices(found[0], TWO_DAYS_OF_TABLES, part.item, tuple(found))
    # The speaker's column holds the presenter: the name without "Prof.", the organisation after the comma; the
    # session's column the title, without the speaker's or the room's words.
    assert first["presenter.full_name"] == ["Henrik Vos"]
    assert first["presenter.organisation"] == ["TU Delft"]
    assert "Where Are We?" in first["title"] and not {"Henrik Vos", "Hall 1", "TU Delft"} & set(first["title"])
    assert piece_choices(found[3], TWO_DAYS_OF_TABLES, part.item, tuple(found))["presenter"] == []


COURSE = """
title: Course
type: object
properties:
  course_title: {type: string}
  modules:
    type: array
    items:
      type: object
      properties:
        name: {type: string}
        date: {type: string, format: date}
        trainer: {type: string}
        hours: {type: number}
      required: [name]
required: [course_title, modules]
"""


def test_items_a_short_paragraph_each_opening_alike_are_read_one_a_paragraph(tmp_path: Path) -> None:
    part = part_of(compiled(tmp_path, "course", COURSE))
    text = (
        "Souverän führen\nTraining für neue Führungskräfte\n\nAnbieter: Akademie Weitblick GmbH\n\n"
        "Modul 1 – Rolle und Selbstverständnis\nDienstag, 3. Februar 2026, 9:00–16:00 Uhr\n\n"
        "Modul 2 – Gespräche führen: Feedback, Kritik\nDienstag, 3. März 2026, 9:00–16:00 Uhr\n\n"
        "Die Module bauen aufeinander auf. Anmeldeschluss ist der 16. Januar 2026."
    )
    assert pieces(text, part.item, part.about, part.others) == [
        "Modul 1 – Rolle und Selbstverständnis\nDienstag, 3. Februar 2026, 9:00–16:00 Uhr",
        "Modul 2 – Gespräche führen: Feedback, Kritik\nDienstag, 3. März 2026, 9:00–16:00 Uhr",
    ]
    # Two paragraphs under a label ("Items in this package:") are no such items.
    labelled = "Items:\nFirst thing, 2 hours\nMore\n\nItems:\nSecond thing, 3 hours\nMore"
    assert not any(piece.startswith("Items:") for piece in pieces(labelled, part.item, part.about, part.others))


def test_a_numbered_line_with_a_spanish_title_and_foreign_units_is_an_item(tmp_path: Path) -> None:
    part = part_of(compiled(tmp_path, "course", COURSE))
    text = (
        "Fechas: sábados del 7 al 28 de marzo de 2026\n\nTemario\n"
        "1. Estrategia digital — 7 de marzo — Mtra. Daniela Fuentes — 4 horas\n"
        "2. SEO y contenidos — 14 de marzo — Ing. Roberto Salas — 4 horas\n"
    )
    found = pieces(text, part.item, part.about, part.others)
    assert [piece[:10] for piece in found] == ["Estrategia", "SEO y cont"]
    assert [found.value for found in TextFacts(text).yearless_dates] == ["2026-03-07", "2026-03-14"]
    assert [found.value for found in TextFacts("4 horas, 3 Stunden, 90 Minuten").durations] == [14400, 10800, 5400]


def test_a_leaders_dots_part_a_title_from_its_room(tmp_path: Path) -> None:
    part = part_of(compiled(tmp_path, "conference", CONFERENCE))
    lines = ("14:00  Signals explained ....................... Hall A", "15:00  Closing ....... Hall B")
    text = "\n".join(lines)
    assert piece_choices(lines[0], text, part.item, lines)["title"] == ["Signals explained"]


JOB = """
title: JobPosting
type: object
properties:
  job_title: {type: string}
  salary_min:
    type: number
    description: The lowest advertised pay. If only one figure is given, use it for both salary_min and salary_max.
  salary_max:
    type: number
    description: The highest advertised pay. If only one figure is given, use it for both salary_min and salary_max.
required: [job_title]
"""


@pytest.mark.parametrize(
    ("text", "low", "high", "stated"),
    [
        ("Pay £38,000-£42,000 a year, 25 days holiday", 38000, 42000, True),
        ("between $60k and $72k, team of 40", 60000, 72000, True),
        ("Pay 68 500 to 81 000 EUR per year", 68500, 81000, True),  # the currency beside the high end only
        ("Pay: £11.44 per hour, 30 hours a week", 11.44, 11.44, True),  # one figure: both, as described
        ("Salary up to €50,000", 50000, 50000, False),  # a bound on one side: the model's to leave out
    ],
)
def test_a_ranges_ends_and_one_figure_for_both_fields_that_say_so(
    tmp_path: Path, text: str, low: float, high: float, stated: bool
) -> None:
    job = compiled(tmp_path, "job", JOB)
    properties = parameters(job, text)["properties"]
    assert (enum(properties["salary_min"]), enum(properties["salary_max"])) == ([low], [high])
    assert ("anyOf" not in properties["salary_min"]) is stated and ("anyOf" not in properties["salary_max"]) is stated


def test_a_choice_is_named_by_the_words_its_description_brackets_after_it(tmp_path: Path) -> None:
    booking = compiled(
        tmp_path,
        "booking",
        """
title: Booking
type: object
properties:
  guest: {type: string}
  seating:
    type: string
    enum: [indoor, outdoor, bar, private_room]
    description: Where the guests sit - indoor (dining room), outdoor (terrace, patio, garden), bar (bar or counter
      seating) or private_room. Omit if not stated.
required: [guest]
""",
    )

    assert offered(booking, "Table for 4 on the terrace, please, under Ortiz", "seating") == ["outdoor"]
    assert offered(booking, "Counter seating for two, name of Mia", "seating") == ["bar"]
    assert (
        offered(booking, "Indoors please, not on the terrace - Ortiz", "seating") is None
    )  # a negated phrase names nothing
    assert (
        offered(booking, "A table for two, name of Ortiz", "seating") is None
    )  # none named: the optional choice stays out


SALE = """
title: Sale
type: object
properties:
  item: {type: string}
  category:
    type: string
    enum: [electronics, furniture, vehicle, other]
    description: The kind of item. "electronics" covers phones, computers and cameras; "vehicle" covers cars,
      motorbikes and scooters.
  condition:
    type: string
    enum: [new, like_new, good, acceptable]
    description: The grade stated ("like_new" also covers "very good" / "sehr gut"; "acceptable" covers "fair").
  transport:
    type: string
    enum: [bus_or_coach, train, public_transport]
    description: How it travels. "bus_or_coach" is a hired bus or coach; "public_transport" is scheduled city buses,
      trams or metro. Omit if not stated.
  travel_class:
    type: string
    enum: [first, second]
    description: The class of travel (UK "Standard" or US "Coach" is second).
  overstay_reason:
    type: string
    enum: [overstay, blocking]
    description: overstay = the paid or allowed time had run out; blocking = on a pavement, driveway or exit.
required: [item]
"""


def test_a_choice_is_named_by_the_words_a_clause_of_its_description_defines_it_with(tmp_path: Path) -> None:
    sale = compiled(tmp_path, "sale", SALE)

    assert offered(sale, "Selling my two old cameras, collection only", "category") == ["electronics"]
    assert offered(sale, "Gebrauchter Roller, Zustand: sehr gut", "condition") == ["like_new"]
    assert offered(sale, "The sofa is in fair shape", "condition") == ["acceptable"]
    assert offered(sale, "We leave by coach at 8", "transport") == ["bus_or_coach"]
    assert offered(sale, "We take the tram into town", "transport") == ["public_transport"]
    assert offered(sale, "Standard Anytime Return, seat 42", "travel_class") == ["second"]
    assert offered(sale, "Parked on the pavement for an hour", "overstay_reason") == ["blocking"]
    # A long clause gives no single words ("paid" is no overstay); a value is named by nothing else.
    assert offered(sale, "Paid £4 for the car park", "overstay_reason") is None
    assert offered(sale, "A table and a lamp", "transport") is None
    # A plural's s goes, no other ("news" is no "new"); a clause saying what a value is not names nothing.
    assert offered(sale, "Selling my camera", "category") == ["electronics"]
    assert offered(sale, "Brand new bike, not for parts", "travel_class") is None


NOTICE = """
title: ShippingNotice
type: object
properties:
  order: {type: string}
  estimated_delivery: {type: string, format: date, description: The expected delivery date, as YYYY-MM-DD.}
  carrier:
    type: string
    enum: [UPS, DHL, other]
    description: The delivery company; other for any carrier not in the list. Omit if not stated.
required: [order]
"""


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Handed to PostNL on 12-11-2024 and should arrive tomorrow, 13-11-2024.", ["2024-11-13"]),
        ("Shipped 3 June 2024 with DPD. Arriving Friday, 7 June 2024.", ["2024-06-07"]),
        ("Versand am 09.04.2024. Voraussichtliche Zustellung: 11.04.2024", ["2024-04-11"]),
        ("Sent 2 May 2024 and 9 May 2024.", ["2024-05-02", "2024-05-09"]),  # nothing says which: both
    ],
)
def test_a_delivery_date_is_the_one_written_after_words_of_arriving(
    tmp_path: Path, text: str, dates: list[str]
) -> None:
    assert offered(compiled(tmp_path, "notice", NOTICE), text, "estimated_delivery") == dates


def test_other_is_offered_where_the_text_names_the_things_kind_but_none_of_its_values(tmp_path: Path) -> None:
    notice = compiled(tmp_path, "notice", NOTICE)

    assert offered(notice, "PO WHS-004518\nCarrier: Van den Berg Transport (own fleet)", "carrier") == ["other"]
    assert offered(notice, "Order 55 is on its way with DHL", "carrier") == ["DHL"]
    assert offered(notice, "Order 55 has shipped.", "carrier") is None
    # A label without a value, or a word that only starts alike, is no carrier.
    assert offered(notice, "Order 5\nCarrier: none (pickup)", "carrier") is None
    assert offered(notice, "Order 5. Please carry the boxes in.", "carrier") is None


def test_talks_under_session_headings_stay_one_a_line_and_only_numbered_paragraphs_are_items(tmp_path: Path) -> None:
    part = part_of(compiled(tmp_path, "conference", CONFERENCE))
    text = (
        "DevDays Lyon 2025\n\nSession 1\n09:00 Keynote: Hello World - Ana Ruiz\n10:00 Talk: Rust at Scale - Tom"
        " Becker\n\nSession 2\n14:00 Panel: Futures\n15:00 Talk: eBPF - Lena Vogel"
    )
    assert [piece[:5] for piece in pieces(text, part.item, part.about, part.others)] == [
        "09:00",
        "10:00",
        "14:00",
        "15:00",
    ]
    course = part_of(compiled(tmp_path, "course", COURSE))
    letter = "We start on 3 March 2026\nRoom 4, 09:00\n\nWe finish on 5 March 2026\nRoom 4, 12:00"
    assert not any(piece.startswith("We ") for piece in pieces(letter, course.item, course.about, course.others))


@pytest.mark.parametrize(
    ("line", "name", "organisation"),
    [
        ("10:00 Keynote: Ship It, Then Fix It - Marcus Webb (Microsoft)", ["Marcus Webb"], ["Microsoft"]),
        ("10:00 Talk: Hybrid Offices - Tom Li (Bar Ltd)", ["Tom Li"], ["Bar Ltd"]),
        ("11:00 Opening Keynote - Peter Hall (BBC)", ["Peter Hall"], ["BBC"]),  # a surname, not a hall
        ("12:00 Scaling Teams - Ana Ruiz, Senior Engineer at Spotify", ["Ana Ruiz"], ["Spotify"]),
    ],
)
def test_a_presenter_is_the_name_after_the_title_and_the_organisation_after_the_name(
    conference: CompiledSchema, line: str, name: list[str], organisation: list[str]
) -> None:
    part = part_of(conference)
    choices = piece_choices(line, line, part.item, (line,))
    assert (choices["speaker.name"], choices["speaker.affiliation"]) == (name, organisation)


@pytest.mark.parametrize("line", ["10:00 Rust at Scale with Marcus Webb", "10:00 Rust at Scale - Lars Holm of the EMA"])
def test_a_presenter_after_a_cue_is_not_ruled_out_where_no_name_is_read(conference: CompiledSchema, line: str) -> None:
    part = part_of(conference)
    choices = piece_choices(line, line, part.item, (line,))
    assert "speaker" not in choices  # left to the model, not fixed to no one
    assert piece_choices("10:00 Lunch, Main Hall", line, part.item, (line,))["speaker"] == []


def test_a_type_two_fields_share_gets_no_choices_fixed_for_one(tmp_path: Path) -> None:
    shared = CONFERENCE.replace(
        '      speaker: {$ref: "#/$defs/Speaker"}',
        '      speaker: {$ref: "#/$defs/Speaker"}\n      moderator: {$ref: "#/$defs/Speaker"}',
    )
    part = part_of(compiled(tmp_path, "shared", shared))
    line = "10:00 Panel: Remote Teams - Ana Ruiz (SAP), moderated by Jan Petersen"
    assert not any(key.startswith(("speaker.", "moderator.")) for key in piece_choices(line, line, part.item, (line,)))


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        # the heading's span is the event's; an early-bird period further down is not
        ("DevDays Lyon, 9-10 October 2025\nEarly-bird tickets 1-15 May 2025.", ["2025-10-09"], ["2025-10-10"]),
        # a label names them: no span overrides it
        ("DevDays Lyon\n\nStart: 9 October 2025\nEnd: 11 October 2025\nCall for papers 1-15 May 2025.", None, None),
    ],
)
def test_a_span_of_days_gives_the_first_and_last_day_only_from_the_heading_or_without_labels(
    conference: CompiledSchema, text: str, first: list[str] | None, last: list[str] | None
) -> None:
    properties = parameters(conference, text)["properties"]
    if first is not None:
        assert (enum(properties["start_date"]), enum(properties["end_date"])) == (first, last)
    else:
        assert "2025-10-11" in (enum(properties["end_date"]) or []) and enum(properties["end_date"]) != ["2025-05-15"]


def test_a_range_of_years_or_one_side_is_no_pay_range(tmp_path: Path) -> None:
    job = compiled(tmp_path, "job", JOB)
    assert offered(job, "5-10 years experience, salary 50k", "salary_min") != [5]


def test_an_address_over_lines_or_with_its_number_keeps_the_address_field(codegen_cache: Path) -> None:
    invoice = compile_schema(SHIPPED_SCHEMAS / "invoice.yaml", codegen_cache)
    long_message = (
        "Hi Dana! All set for the party on Fri Oct 10, 2025. " * 6 + "Address is 410 S Main St, Ann Arbor, MI 48104."
    )
    for text in (
        "Acme Ltd\n12 Mill Lane\nLeeds LS6 2AB\nInvoice 7",
        "Venue: Hotel Adlon, Unter den Linden 77, Berlin",
        long_message,  # a sentence of a line too long to be one address
        "Ship to: Priya S., LONDON, SE15.",
    ):
        party = parameters(invoice, text)["$defs"]["Party"]
        assert "address" in party["properties"], text


def test_an_objects_last_day_is_not_its_last_items_where_the_description_rules_the_items_out(tmp_path: Path) -> None:
    agenda = """
title: Agenda
type: object
properties:
  last_day: {type: string, format: date, description: "The event's last day. Not a session's day."}
  closing: {type: string, format: date, description: The day of the last session.}
  sessions:
    type: array
    items:
      type: object
      properties: {title: {type: string}, day: {type: string, format: date}}
      required: [title]
required: [sessions]
"""
    part = part_of(compiled(tmp_path, "agenda", agenda))
    sessions = [{"title": "A", "day": "2025-06-12"}, {"title": "B", "day": "2025-06-13"}]
    # The sessions' own date only where the description says it is one ("the last session"), not where it rules
    # sessions out.
    assert _ends(part, sessions) == {"closing": "2025-06-13"}


ONE_DAY = """
title: Agenda
type: object
properties:
  name: {type: string}
  first_day: {type: string, format: date, description: The event's first day.}
  last_day: {type: string, format: date, description: The event's last day; the same as first_day for a one-day event.}
  sessions:
    type: array
    items:
      type: object
      properties: {title: {type: string}, day: {type: string, format: date}}
      required: [title]
required: [name, sessions]
"""


def test_a_one_day_events_first_and_last_day_and_its_talks_days_share_one_written_date(tmp_path: Path) -> None:
    agenda = compiled(tmp_path, "agenda", ONE_DAY)
    text = "Retail AI Summit 2025 - Thursday 6 November 2025\n09:00 Keynote\n10:00 Panel"
    read = agenda.model.model_validate(
        {
            "name": "Retail AI Summit 2025",
            "first_day": "2025-11-06",
            "last_day": "2025-11-06",
            "sessions": [{"title": "Keynote", "day": "2025-11-06"}, {"title": "Panel", "day": "2025-11-06"}],
        }
    )
    settled = settle(read, text).model_dump(mode="json", exclude_none=True)
    # The date written once is the first day, the last (the description says so) and each talk's (its heading).
    assert (settled.get("first_day"), settled.get("last_day")) == ("2025-11-06", "2025-11-06")
    # ... and the tool offers the one date to both, no null beside it for the last day.
    last = parameters(agenda, text)["properties"]["last_day"]
    assert enum(last) == ["2025-11-06"] and "anyOf" not in last
