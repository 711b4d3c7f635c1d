"""Items written over several lines or sentences (an airline e-mail's "Flight: / From: / To:" blocks, an app's one
value a line, a chatty message's sentences, an order's "Item: / SKU: / Qty:" forms) read one item a block, and
the values those texts write in ways the small profile reads now: full-stop and prose times, apostrophe
thousands, more currencies. No model runs here: these are the pieces and facts the reader hands it."""

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from gateway.extraction.engine import Extractor
from gateway.profiles.small.grounding import Grounding, facts_of, narrow_tool, ruled_out
from gateway.profiles.small.nested import _cancelled, _ends, _left_out_piece, nested_part, piece_choices, pieces
from gateway.profiles.small.settling import settle
from gateway.profiles.small.tables import spaced_tables
from gateway.schemas.compiler import CompiledSchema, compile_schema
from tests.conftest import SHIPPED_SCHEMAS
from tests.scripted_backend import ScriptedBackend
from tests.test_nested_items import compiled, settings

FLIGHTS = """
title: Booking
type: object
properties:
  reference: {type: string, pattern: '^[A-Z0-9]{6}$'}
  legs:
    type: array
    minItems: 1
    items: {$ref: "#/$defs/Leg"}
    description: Every flight of the booking in travel order. Trains and hotels are not legs.
required: [legs]
$defs:
  Leg:
    type: object
    required: [flight_number, origin, destination, departure_date]
    properties: {
      flight_number: {type: string, pattern: '^[A-Z0-9]{2}[0-9]{1,4}$'},
      origin: {type: string, pattern: '^[A-Z]{3}$'}, destination: {type: string, pattern: '^[A-Z]{3}$'},
      departure_date: {type: string, format: date},
      departure_time: {type: string, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'}}
"""

ORDER = """
title: Order
type: object
properties:
  number: {type: string}
  items:
    type: array
    items:
      type: object
      properties:
        description: {type: string}
        sku: {type: string, pattern: '^[A-Z0-9][A-Z0-9-]{2,24}$'}
        quantity: {type: integer, minimum: 1}
        unit_price: {type: number, minimum: 0}
      required: [description]
  total: {type: number}
required: [items]
"""

COURSE = """
title: Course
type: object
properties:
  name: {type: string}
  start_date: {type: string, format: date, description: The date the course starts (its first lesson).}
  end_date: {type: string, format: date, description: The day of the last lesson.}
  enrolment_deadline: {type: string, format: date, description: The last day to enrol.}
  price:
    type: number
    description: The full fee. Not a registration fee, materials fee or deposit.
  lessons:
    type: array
    items:
      type: object
      properties:
        topic: {type: string}
        date: {type: string, format: date}
        location: {type: string}
      required: [topic]
  instructor: {type: string, description: The name of the person who teaches the course.}
required: [lessons]
"""


@pytest.fixture
def flights(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "booking", FLIGHTS)


def leg_pieces(schema: CompiledSchema, text: str) -> list[str]:
    part = nested_part(schema)
    assert part is not None
    return pieces(text, part.item, part.about, part.others)


def test_an_e_mail_s_legs_written_a_field_a_line_are_read_a_block_each(flights: CompiledSchema) -> None:
    text = (
        "Booking reference: QX7P2L\nTICKET: 157-2418830264\n\nFlight: BA 117\nFrom: London Heathrow (LHR)\n"
        "To: New York JFK (JFK)\nDeparts: Wed 12 Mar 2025, 08:25\nFlight: BA 178\nFrom: New York JFK (JFK)\n"
        "To: London Heathrow (LHR)\nDeparts: Sun 16 Mar 2025, 19:30\n\nTotal: GBP 812.40"
    )
    # Cut where "Flight:" comes again; the ticket number's "157" is no flight of its own.
    assert leg_pieces(flights, text) == [
        "Flight: BA 117\nFrom: London Heathrow (LHR)\nTo: New York JFK (JFK)\nDeparts: Wed 12 Mar 2025, 08:25",
        "Flight: BA 178\nFrom: New York JFK (JFK)\nTo: London Heathrow (LHR)\nDeparts: Sun 16 Mar 2025, 19:30",
    ]


def test_an_app_s_one_value_a_line_is_cut_at_each_flight_number_its_heading_going_with_it(
    flights: CompiledSchema,
) -> None:
    text = (
        "Buchungscode\nR7TW2P\nHinflug\nMo., 05.05.2025\nLH 1166\nFrankfurt\nFRA\n06:50\nLissabon\nLIS\nEconomy\n"
        "Rückflug\nSo., 11.05.2025\nLH 1167\nLissabon\nLIS\n09:45\nFrankfurt\nFRA\nReisende\nJonas Weißmüller"
    )
    first, second = leg_pieces(flights, text)
    assert first.endswith("Lissabon\nLIS") and "11.05.2025" not in first
    # The lines above the return's number that offer no value but a date open its block; the travellers after its
    # last value are no part of it.
    assert second == "Economy\nRückflug\nSo., 11.05.2025\nLH 1167\nLissabon\nLIS\n09:45\nFrankfurt\nFRA"


def test_a_message_s_flights_are_read_a_sentence_run_each(flights: CompiledSchema) -> None:
    text = (
        "Hi Marta!\n\nSo it's booked. I'm flying LO 379 from Chopin (WAW) to Zurich (ZRH) on 20 June 2025.\n\n"
        "Then I have LX 562 to Nice (NCE). It leaves at 11:05 the same day.\n\nSee you soon!"
    )
    assert leg_pieces(flights, text) == [
        "So it's booked. I'm flying LO 379 from Chopin (WAW) to Zurich (ZRH) on 20 June 2025.",
        "Then I have LX 562 to Nice (NCE). It leaves at 11:05 the same day.",
    ]


def test_legs_a_line_each_under_two_headings_are_one_list(flights: CompiledSchema) -> None:
    text = (
        "Outbound - Tue 14 May 2024\nLH 1159  BCN 06:05 -> FRA 08:20\nLH 430   FRA 10:15 -> ORD 12:40\n"
        "Return - Sun 26 May 2024\nLH 431   ORD 15:40 -> FRA 06:50 (+1)\nConnection in Frankfurt\n"
        "Fri, Feb 21, 2025\nUA 2390  SEA 11:59 PM -> EWR 8:05 AM (Sat, Feb 22)"
    )
    found = leg_pieces(flights, text)
    assert [piece.split()[1] for piece in found] == ["1159", "430", "431", "2390"]
    part = nested_part(flights)
    assert part is not None
    # The day in brackets after the arrival is the arrival's: the leg leaves on its heading's day.
    assert piece_choices(found[-1], text, part.item)["departure_date"] == ["2025-02-21"]


def test_a_sentence_with_two_flights_is_cut_at_its_commas_a_remark_in_brackets_its_own(
    flights: CompiledSchema,
) -> None:
    text = (
        "booked!! BA2490 from Gatwick (LGW) to Verona (VRN) on 21 June 2024 at 6:40am, and back on BA2491 VRN-LGW "
        "on 24 June 2024 at 11:15. (not the Ryanair one Tom booked, FR1234). code 7HJK2M"
    )
    assert leg_pieces(flights, text) == [
        "BA2490 from Gatwick (LGW) to Verona (VRN) on 21 June 2024 at 6:40am",
        "and back on BA2491 VRN-LGW on 24 June 2024 at 11:15",
    ]


def test_a_cancelled_item_is_none_unless_the_item_can_say_so(flights: CompiledSchema, tmp_path: Path) -> None:
    part = nested_part(flights)
    assert part is not None
    assert _cancelled("CANCELLED  LX 38  ZRH 10 Apr 2025 13:00 -> SFO", part.item)
    assert _cancelled("votre vol AF 1080 de Paris (CDG) à Londres (LHR) a été annulé.", part.item)
    assert not _cancelled("LX 40  ZRH 10 Apr 2025 13:05 -> LAX", part.item)
    with_status = FLIGHTS.replace(
        "departure_time: {", "status: {type: string, enum: [confirmed, cancelled]}, departure_time: {"
    )
    other = nested_part(compiled(tmp_path, "status", with_status))
    assert other is not None and not _cancelled("CANCELLED  LX 38  ZRH -> SFO", other.item)


def test_an_order_s_lines_written_as_forms_are_read_a_form_each(tmp_path: Path) -> None:
    part = nested_part(compiled(tmp_path, "order", ORDER))
    assert part is not None
    text = (
        "Order no: 5530127\nCustomer: Björk & Sand AB\nArt. no: 40224417\nProduct: Desk lamp ARNE, brass\n"
        "Quantity: 4\nPrice/unit: 1 295,00 kr\nArt. no: 40224521\nProduct: Office chair VIND\nQuantity: 6\n"
        "Price/unit: 4 490,00 kr\nTotal excl. VAT: 40 870,00 kr\nPayment terms: 30 days net"
    )
    found = pieces(text, part.item, part.about, part.others)
    assert len(found) == 2 and found[0].endswith("Price/unit: 1 295,00 kr")
    # The lines after the last form whose labels no form has are no part of it.
    assert found[1] == "Art. no: 40224521\nProduct: Office chair VIND\nQuantity: 6\nPrice/unit: 4 490,00 kr"


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("09.00–09.15  Welcome and introduction", ["09:00:00", "09:15:00"]),
        ("Agenda\n  10.45 - 11.00  Coffee break", ["10:45:00", "11:00:00"]),
        ("- 14.00-15.30 Workshop", ["14:00:00", "15:30:00"]),
        ("at quarter to one", ["12:45:00"]),
        ("We kick off at 9 with a short welcome", ["09:00:00"]),
        ("At half past nine Professor Nkosi speaks", ["09:30:00"]),
        ("At 10.45, after tea, the session", ["10:45:00"]),
        ("runs until 12.30 in the foyer", ["12:30:00"]),
        # Not times: a price range, a version, a price per kilo, places and counts after "at", ages.
        ("Price EUR 12.50-15.00 a night", []),
        ("version 1.20-1.30", []),
        ("at 3.50 per kg", []),
        ("available at 2 locations", []),
        ("at 10 Downing Street", []),
        ("Located at 10, Downing Street", []),
        ("Ranked at 3 in the UK", []),
        ("Apples at 3 for £2", []),
        ("children from 5 to 12 years", []),
        ("Tickets from 12.50 to 15.00", []),
        ("Parcel weight (2.50 - 3.00 kg)", []),
        ("14.07 - 18.07 Sommerkurs", []),  # a range of days, not on the quarter hour
        ("(10.50 – 12.00 per hour)", []),
    ],
)
def test_times_written_with_full_stops_or_in_prose(text: str, times: list[str]) -> None:
    assert [found.value for found in facts_of(text).times] == times


def test_apostrophe_and_full_stop_thousands_are_read() -> None:
    assert [found.value for found in facts_of("Price: CHF 1'450.– incl. 16 wines").numbers] == [1450.0, 16.0]
    assert [found.value for found in facts_of("Early bird: CHF 1’350.–").numbers] == [1350.0]
    # Full stops group thousands beside a currency that writes them so; not a price with cents, nor a version.
    assert [found.value for found in facts_of("€4.000–€5.200 per month, 12.500 kr").numbers] == [4000, 5200, 12500]
    assert [found.value for found in facts_of("€4.50 each, version 1.200").numbers] == [4.5, 1.2]
    # A rate is no thousands: "€1.799 per litre", "EUR 0.125 per kWh"; a salary per month is.
    assert [found.value for found in facts_of("Diesel €1.799 per litre, EUR 0.125 per kWh").numbers] == [1.799, 0.125]
    assert [found.value for found in facts_of("€4.000–€5.200 per month").numbers] == [4000, 5200]


ROOMS = """
title: Talk
type: object
properties:
  title: {type: string}
  room: {type: string}
"""


@pytest.mark.parametrize(
    ("text", "rooms"),
    [
        ("10:30 Coral bleaching (Seminar Room 2), then lunch in Room 5", ["Seminar Room 2", "Room 5"]),
        ("09:00 Keynote in the Ontario Room", ["Ontario Room"]),
        ("Main Hall: keynote at 9; Room 2: workshop at 10", ["Main Hall", "Room 2"]),
        ("19:00 Talk - Async Rust, Betahaus Berlin", None),  # no room named: none offered
    ],
)
def test_a_room_is_a_name_opening_or_ending_with_a_room_s_word(
    tmp_path: Path, text: str, rooms: list[str] | None
) -> None:
    properties = narrowed(compiled(tmp_path, "talk", ROOMS), text)
    assert (enum(properties["room"]) if "room" in properties else None) == rooms


def test_a_field_named_by_a_numbered_noun_but_described_otherwise_is_not_read_as_numbered(tmp_path: Path) -> None:
    described = "The marketplace, classifieds site, app or group where the item was advertised, as written."
    sale = compiled(
        tmp_path,
        "sale",
        f"title: Sale\ntype: object\nproperties:\n  item: {{type: string}}\n  platform: {{type: string, "
        f"description: '{described}'}}\nrequired: [item]\n",
    )
    assert "Kleinanzeigen" in (
        enum(narrowed(sale, "Is the bike from your Kleinanzeigen ad still there?")["platform"]) or []
    )
    # Described by its noun, a train's platform is written "Platform 4" - and none is offered where none is.
    train = compiled(
        tmp_path,
        "train",
        "title: Train\ntype: object\nproperties:\n  service: {type: string}\n  platform: {type: string, "
        "description: The platform the train leaves from.}\nrequired: [service]\n",
    )
    assert enum(narrowed(train, "The 09:12 to Leeds leaves from Platform 4.")["platform"]) == ["Platform 4"]
    assert "platform" not in narrowed(train, "The 09:12 to Leeds is on time.")


def narrowed(schema: CompiledSchema, text: str) -> dict[str, Any]:
    tool = {"type": "function", "function": {"name": "x", "parameters": schema.model_schema}}
    properties: dict[str, Any] = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]["properties"]
    return properties


def enum(spec: dict[str, Any]) -> list[Any] | None:
    for branch in spec.get("anyOf", [spec]):
        if "enum" in branch:
            return list(branch["enum"])
    return None


def test_a_price_is_an_amount_written_with_a_currency_and_none_is_offered_without_one(tmp_path: Path) -> None:
    course = compiled(tmp_path, "course", COURSE)
    # KSh, a rand's R: currencies; "fee" is what the ruled-out fees share, not a word that rules a fee out.
    assert enum(narrowed(course, "Programme fee: KSh 38,500 per participant (excl. 16% VAT).")["price"]) == [38500]
    assert enum(narrowed(course, "Course fee: R 8 500 (incl. VAT)")["price"]) == [8500]
    assert enum(narrowed(course, "The course fee is £329 (£214 concessions).")["price"]) == [329, 214]
    # No label, no currency: the text's counts and years are no price.
    assert "price" not in narrowed(course, "Six lessons from 2 March 2026, 3 hours each, 12 places.")
    assert ruled_out("Not a registration fee, materials fee or deposit.", "price") == [
        "registration",
        "materials",
        "deposit",
    ]


def test_a_date_said_to_be_the_first_or_last_item_s_is_taken_from_the_items(tmp_path: Path) -> None:
    part = nested_part(compiled(tmp_path, "course", COURSE))
    assert part is not None
    lessons = [{"topic": "Glazing", "date": "2026-03-09"}, {"topic": "Wedging", "date": "2026-03-02"}, {"topic": "x"}]
    assert _ends(part, lessons) == {"start_date": "2026-03-02", "end_date": "2026-03-09"}
    assert _ends(part, [{"topic": "x"}]) == {}


class Leg(BaseModel):
    flight_number: str
    origin: str


class Legs(BaseModel):
    legs: list[Leg]


def test_an_object_read_twice_is_kept_as_often_as_the_text_writes_its_rarest_value() -> None:
    answer = Legs(legs=[Leg(flight_number="DL48", origin="ATL"), Leg(flight_number="DL48", origin="ATL")])
    once = settle(answer, "Reminder: your flight DL48 from ATL departs on 2024-12-20.")
    assert [leg.flight_number for leg in once.legs] == ["DL48"]  # type: ignore[attr-defined]
    twice = settle(answer, "DL48 from ATL on Monday; DL48 from ATL again on Friday.")
    assert len(twice.legs) == 2  # type: ignore[attr-defined]


def test_a_table_in_columns_of_spaces_is_read_as_one_between_bars() -> None:
    text = (
        "PURCHASE ORDER No. PO-88213\n\n"
        "QTY  ITEM NO.   DESCRIPTION                         UNIT PRICE   EXT. PRICE\n"
        "30   CS-1184    Student desk, adjustable, 24x18          89.00     2,670.00\n"
        " 2   CS-7702    Mobile whiteboard 48x36                 219.00       438.00\n"
        "Merchandise subtotal                                            3,108.00\n\n"
        "Authorized by: R. Delgado"
    )
    assert spaced_tables(text).splitlines()[2:6] == [
        "QTY | ITEM NO. | DESCRIPTION | UNIT PRICE | EXT. PRICE",
        "30 | CS-1184 | Student desk, adjustable, 24x18 | 89.00 | 2,670.00",
        "2 | CS-7702 | Mobile whiteboard 48x36 | 219.00 | 438.00",
        "Merchandise subtotal                                            3,108.00",  # across its columns: as written
    ]
    # A row between the others that fits no column leaves the table as written; so does a heading with digits.
    broken = "Date              Time           Topic\n2025/04/08 (Tue)  10:00–12:00    Keigo\n"
    broken += "2025/04/17 (Thu)  休講 – no class (teacher training day)\n2025/04/22 (Tue)  10:00–12:00    Meetings"
    assert spaced_tables(broken) == broken
    dated = "FLIGHT  FROM  TO   DATE     DEP   ARR\nLO282   WAW   LHR  18MAR24  09:50 11:35\n"
    dated += "LO281   LHR   WAW  22MAR24  12:35 16:05"
    assert spaced_tables(dated) == dated  # "09:50 11:35" runs across two columns


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Thu 06.03.2025 dep 07:05", ["2025-03-06"]),  # its weekday says which
        ("Sun 10/7/2025", []),  # neither reading is a Sunday: both
        ("06.03.2025", ["2025-03-06"]),  # full stops: day first
        ("06/03/2025 and 25/03/2025", ["2025-03-06", "2025-03-25"]),  # the other date shows the order
        ("03/25/2025 and 04/05/2025", ["2025-03-25", "2025-04-05"]),
        ("06/03/2025", ["2025-03-06", "2025-06-03"]),  # nothing tells: both, day first
    ],
)
def test_a_numeric_date_is_read_the_way_its_weekday_or_the_text_s_other_dates_say(text: str, dates: list[str]) -> None:
    assert [found.value for found in facts_of(text).dates] == (dates or ["2025-07-10", "2025-10-07"])


def test_an_airline_s_day_and_month_takes_the_year_of_the_ticket() -> None:
    text = "Date of Issue: 15JAN2025\nNH 223   02MAR   Tokyo Haneda (HND) 11:25"
    assert [found.value for found in facts_of(text).yearless_dates] == ["2025-03-02"]


@pytest.mark.parametrize(
    ("text", "passengers"),
    [
        ("Passengers: Dr. Mei Ling Tan, Mr Wei Jie Lim\nSQ 322", ["Mei Ling Tan", "Wei Jie Lim"]),
        ("Passenger(s): MR RAHUL MEHTA, MSTR KABIR MEHTA", ["RAHUL MEHTA", "KABIR MEHTA"]),
        ("Traveller: OKONKWO/DANIEL MR\nBA 304", ["OKONKWO/DANIEL"]),  # "travelling" in its description
        ("Passengers\nMs Johanna Weiss\nChild: Emil Weiss (2)\n\nLH 1159", ["Johanna Weiss", "Emil Weiss"]),
        ("Passengers\nJosé Ruiz Martínez\nTotal paid\n€4,912.30", ["José Ruiz Martínez"]),
    ],
)
def test_passengers_listed_under_their_label_or_heading_without_titles(
    tmp_path: Path, text: str, passengers: list[str]
) -> None:
    source = FLIGHTS.replace(
        "  legs:",
        "  passengers:\n    type: array\n    items: {type: string}\n"
        "    description: The names of the travelling passengers, without titles.\n  legs:",
    )
    spec = narrowed(compiled(tmp_path, "booking", source), text)["passengers"]
    assert [branch for branch in spec["anyOf"] if "enum" in branch][0]["enum"] == [passengers]


def test_a_thing_left_out_is_no_item_but_beside_one_it_names_none() -> None:
    left = frozenset({"lunch", "tea", "drink"})
    assert _left_out_piece("12:30 Lunch in the foyer", left)
    assert not _left_out_piece("At 10.45, after tea, Lerato Dlamini runs the session until lunch.", left)
    assert not _left_out_piece("We wrap up at 4:15 with closing remarks, followed by drinks.", left)


def test_an_item_s_place_is_a_value_naming_a_place_and_a_person_has_no_title(tmp_path: Path) -> None:
    course = compiled(tmp_path, "course", COURSE)
    part = nested_part(course)
    assert part is not None
    lesson = narrowed(part.item, "Lectures on Saturdays with Lerato Mokoena, Seminar Room B or on Zoom")
    places = enum(lesson["location"]) or []
    assert {"Seminar Room B", "Zoom"} <= set(places) and not {"Lectures", "Saturdays", "Lerato Mokoena"} & set(places)
    # A person's name with a place's word is no place: "with Ann Hall".
    hall = narrowed(part.item, "14:00 Pottery with Ann Hall, Seminar Room 2")
    assert "Ann Hall" not in (enum(hall["location"]) or []) and "Seminar Room 2" in (enum(hall["location"]) or [])
    taught = narrowed(course, "Taught by Professeure Sylvie Lapointe. Lessons: Week 1 - Greetings")
    assert "Sylvie Lapointe" in (enum(taught["instructor"]) or [])
    assert not any("Professeure" in value for value in enum(taught["instructor"]) or [])
    sensei = narrowed(course, "Teacher: Yamamoto Haruka-sensei. Lessons: Week 1 - Keigo")
    assert "Yamamoto Haruka" in (enum(sensei["instructor"]) or [])


def test_an_order_line_over_lines_offers_its_wordiest_line_whole_and_no_amount(tmp_path: Path) -> None:
    part = nested_part(compiled(tmp_path, "order", ORDER))
    assert part is not None
    form = "1.\nTrail runner shoe - Men's US 10, Charcoal\nStyle code: TRS-M10-CH\nQuantity: 1\nPrice: A$189.95"
    offered = narrowed(part.item, form)
    assert (enum(offered["description"]) or [])[0] == "Trail runner shoe - Men's US 10, Charcoal"
    assert "A$189.95" not in (enum(offered["description"]) or [])  # an amount, its currency "A$"
    assert enum(offered["unit_price"]) == [189.95]
    labelled = narrowed(part.item, "Item: Merino crew-neck jumper, navy, size M\nSKU: MJ-CRW-NV-M\nQty: 1")
    assert (enum(labelled["description"]) or [])[0] == "Merino crew-neck jumper, navy, size M"


def test_a_list_of_objects_known_by_a_key_holds_no_more_items_than_the_text_writes_keys(
    flights: CompiledSchema,
) -> None:
    text = "Your flight DL48 from ATL to LAX departs on 2024-12-20. Check-in opens 24 hours before departure."
    tool = {"type": "function", "function": {"name": flights.model.__name__, "parameters": flights.model_schema}}
    legs = narrow_tool(tool, Grounding(text, flights))["function"]["parameters"]["properties"]["legs"]
    assert legs["maxItems"] == 1  # one flight number written: one leg, however the model would go on


async def test_the_reader_asks_for_no_cancelled_leg_and_sets_the_course_start_from_its_first_lesson(
    flights: CompiledSchema, tmp_path: Path
) -> None:
    text = (
        "Schedule change - booking 8CN4TE\n\n"
        "NEW        LX 40     ZRH 10 Apr 2025 13:05 -> LAX 16:10\n"
        "NEW        AA 2481   LAX 10 Apr 2025 18:30 -> SFO 19:59\n"
        "CANCELLED  LX 38     ZRH 10 Apr 2025 13:00 -> SFO 15:55\n"
    )
    legs = [
        {"flight_number": "LX40", "origin": "ZRH", "destination": "LAX", "departure_date": "2025-04-10"},
        {"flight_number": "AA2481", "origin": "LAX", "destination": "SFO", "departure_date": "2025-04-10"},
    ]
    backend = ScriptedBackend(*legs, {"reference": "8CN4TE"})
    result = await Extractor(backend, settings(model_profile="small")).extract(flights, text)
    assert result.model_dump(mode="json", exclude_none=True)["legs"] == legs
    # Two legs asked for, then the rest: the cancelled line is never read.
    shown = [request["messages"][-1]["content"] for request in backend.requests]
    assert len(shown) == 3 and not any("LX 38" in piece for piece in shown[:2])
    # The start date its description calls the first lesson's: the earliest lesson's, though the model wrote none
    # (and settling, which keeps a date the text writes once for one field, runs before it).
    course = compiled(tmp_path, "course", COURSE)
    lessons = "Lessons:\n- 9 March 2026 Glazing\n- 2 March 2026 Wedging\n"
    answers = [{"topic": "Glazing", "date": "2026-03-09"}, {"topic": "Wedging", "date": "2026-03-02"}]
    scripted = ScriptedBackend(*answers, {"name": "Pottery"})
    read = await Extractor(scripted, settings(model_profile="small")).extract(course, lessons)
    assert read.model_dump(mode="json", exclude_none=True) == {
        "name": "Pottery",
        "start_date": "2026-03-02",
        "end_date": "2026-03-09",
        "lessons": answers,
    }


def test_an_invoice_s_lines_are_its_items_not_its_addresses_nor_its_parties_forms(codegen_cache: Path) -> None:
    invoice = compile_schema(SHIPPED_SCHEMAS / "invoice.yaml", codegen_cache)
    part = nested_part(invoice)
    assert part is not None
    billed = (
        "INVOICE 2291\nBill to:\nRuth Adams\n14 Elm Road\nLeeds LS6 2AB\n\n"
        "Hedge trimming - 3 hrs @ 30.00 = 90.00\nLawn mowing - 2 hrs @ 25.00 = 50.00\n"
        "Leaf clearing - 1 hrs @ 20.00 = 20.00\n\nTotal due: 160.00 GBP"
    )
    assert [piece.split(" - ")[0] for piece in pieces(billed, part.item, part.about, part.others)] == [
        "Hedge trimming",
        "Lawn mowing",
        "Leaf clearing",
    ]
    parties = (
        "Seller\nName: Bath Joinery Ltd\nAddress: 14 Mill Lane, Bath BA1 1AA\n\n"
        "Buyer\nName: Ann Lee\nAddress: 2 Park Road, Bath BA2 4BB\n\n"
        "Oak shelving, fitted - 3 units at 240.00 each\nDelivery and installation - 1 at 150.00"
    )
    found = pieces(parties, part.item, part.about, part.others)
    assert not any("Name:" in piece for piece in found)  # forms, but none of an invoice line's fields


def test_a_prose_time_leaves_its_number_a_number_and_reads_one_to_seven_as_the_afternoon() -> None:
    facts = facts_of("Office cleaning: 4 hours at 12.50, total 50.00. Doors open at 6 and we start at 9 with tea.")
    assert [found.value for found in facts.numbers][:3] == [4.0, 12.5, 50.0]
    assert [found.value for found in facts.times] == ["12:50:00", "18:00:00", "09:00:00"]


def test_a_commuter_s_repeated_flight_counts_each_time_it_is_written(flights: CompiledSchema) -> None:
    text = "Mon BA1440 LHR-EDI 2025-03-03\nMon BA1461 EDI-LHR 2025-03-03\nFri BA1440 LHR-EDI 2025-03-07\n"
    text += "Fri BA1461 EDI-LHR 2025-03-07"
    tool = {"type": "function", "function": {"name": flights.model.__name__, "parameters": flights.model_schema}}
    assert narrow_tool(tool, Grounding(text, flights))["function"]["parameters"]["properties"]["legs"]["maxItems"] == 4


def test_people_under_a_heading_are_cut_at_commas_and_end_where_a_line_names_none(tmp_path: Path) -> None:
    source = FLIGHTS.replace(
        "  legs:",
        "  passengers:\n    type: array\n    items: {type: string}\n"
        "    description: The names of the travelling passengers, without titles.\n  legs:",
    )
    booking = compiled(tmp_path, "booking", source)
    spec = narrowed(booking, "Passengers\nAnn Lee (host), Bo Chan\nTotal budget 5000\n\nLH 400")["passengers"]
    assert [branch for branch in spec["anyOf"] if "enum" in branch][0]["enum"] == [["Ann Lee", "Bo Chan"]]
    # "Travel:" is no word for people: its flight is no passenger.
    spec = narrowed(booking, "Passenger: Ann Lee\nTravel: LH 400, FRA-JFK, 2 June 2025\nPassenger: Bo Chan")[
        "passengers"
    ]
    assert [branch for branch in spec["anyOf"] if "enum" in branch][0]["enum"] == [["Ann Lee", "Bo Chan"]]


def test_a_salary_spoken_of_without_a_currency_is_still_offered(tmp_path: Path) -> None:
    job = compiled(
        tmp_path,
        "job",
        "title: Job\ntype: object\nproperties:\n  title: {type: string}\n  salary_min: {type: number}\n"
        "required: [title]\n",
    )
    assert enum(narrowed(job, "Barista wanted. Pay is 12.50 to 14 an hour depending on experience.")["salary_min"])


def test_names_after_a_speaker_s_cue_are_the_one_list_and_others_only_what_it_may_hold(tmp_path: Path) -> None:
    programme = compiled(
        tmp_path,
        "programme",
        "title: Programme\ntype: object\nproperties:\n  sessions:\n    type: array\n    items:\n"
        "      type: object\n      properties:\n        title: {type: string}\n"
        "        speakers: {type: array, items: {type: string}}\n        start_time: {type: string, pattern: "
        "'^([01][0-9]|2[0-3]):[0-5][0-9]$'}\n      required: [title]\nrequired: [sessions]\n",
    )
    part = nested_part(programme)
    assert part is not None
    panel = "11:00 Panel with Ben Ode and Cara Lin, moderated by Dan Wu"
    assert piece_choices(panel, panel, part.item)["speakers"] == [["Ben Ode", "Cara Lin", "Dan Wu"]]
    keynote = "09:30 Keynote: Remembering Grace Hopper"
    assert piece_choices(keynote, keynote, part.item).get("speakers") in (None, ["Remembering Grace Hopper"])


def test_a_sentence_of_two_timed_talks_is_two_pieces(tmp_path: Path) -> None:
    programme = compiled(
        tmp_path,
        "agenda",
        "title: Agenda\ntype: object\nproperties:\n  talks:\n    type: array\n    items:\n      type: object\n"
        "      properties:\n        title: {type: string}\n        start_time: {type: string, pattern: "
        "'^([01][0-9]|2[0-3]):[0-5][0-9]$'}\n      required: [title]\nrequired: [talks]\n",
    )
    part = nested_part(programme)
    assert part is not None
    text = (
        "Spring Gathering, 20 April 2025.\n\nAt 10:00 Helen Marsh gives a talk on varroa. Tea break at 11:00, then "
        'at 11:30 a workshop in the Main Hall, "Spring inspections", led by Geoff Turner.'
    )
    assert pieces(text, part.item, part.about, part.others)[-2:] == [
        "Tea break at 11:00,",
        'then at 11:30 a workshop in the Main Hall, "Spring inspections", led by Geoff Turner.',
    ]
