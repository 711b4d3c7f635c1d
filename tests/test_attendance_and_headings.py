"""Who was there, what the heading names, and how a person's details are written: attendance lines read as the
list of those present, a document's own heading read for its thing's title, clinical ages ("54F"), nicknames in
quotes, relations that are no names, and an export's rows without their number. The model's answers, where a
test needs any, are scripted and stated in the test."""

import re
from pathlib import Path
from typing import Any

from gateway.extraction.engine import Extractor
from gateway.extraction.text_facts import TextFacts, integer_spans, written_as_age
from gateway.profiles.small.grounding import Grounding, _kind_titles, facts_of, narrow_tool
from gateway.profiles.small.lists import with_own_pair
from gateway.profiles.small.people import could_name_a_person, present_people
from gateway.profiles.small.runs import fullest_name
from gateway.profiles.small.settling import settle
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.settings import Settings
from tests.conftest import SHIPPED_SCHEMAS
from tests.scripted_backend import ScriptedBackend

PRESENT = "Every person present at the meeting, without titles. Not people who sent apologies or were absent."

MINUTES = f"""
title: MeetingMinutes
type: object
properties:
  meeting_title: {{type: string, description: 'The meeting''s name, without a leading "Minutes:"/"Notes:" label.'}}
  attendees:
    type: array
    items: {{type: string}}
    description: {PRESENT}
  action_items:
    type: array
    items:
      type: object
      properties:
        task: {{type: string}}
        owner: {{type: string, description: The person responsible for the task.}}
      required: [task]
required: [action_items]
"""


def compiled(tmp_path: Path, name: str, source: str) -> CompiledSchema:
    (tmp_path / f"{name}.yaml").write_text(source)
    return compile_schema(tmp_path / f"{name}.yaml", tmp_path / "cache")


def test_attendance_lines_name_those_present_without_titles_roles_or_the_absent() -> None:
    text = (
        "Minutes\nPresent: Cllr Margaret Okoro (Chair), Cllr David Pryce, Prof. Helen Ashworth\n"
        "In attendance: Julie Farrant (Clerk, minutes), PCSO Tom Briggs, 3 members of the public\n"
        "Apologies: Rebecca Lowe\nNot present: Gareth Hughes\n"
        "Call to order: Margaret Okoro opened the meeting. A quorum was present.\n"
    )
    assert present_people(PRESENT, text) == [
        "Margaret Okoro",
        "David Pryce",
        "Helen Ashworth",
        "Julie Farrant",
        "Tom Briggs",
    ]
    # Handles, the writer named in brackets, a list ending in a sentence, entries after a flat's number.
    chat = "Thanks for joining. On the call: @Kofi, me (Rohan Mehta), and Kwabena Asante from Accra. Tunde was out."
    assert present_people(PRESENT, chat) == ["Kofi", "Rohan Mehta", "Kwabena Asante"]
    owners = "Present (owners): apt 1 – Willemijn de Graaf; apt 2 – Bram Visser\nAbsent: apt 4 – Ingrid Hendriks"
    assert present_people(PRESENT, owners) == ["Willemijn de Graaf", "Bram Visser"]
    # A label above a list, one name a line.
    assert present_people(PRESENT, "Attendees:\n- Ana Ruiz\n- Tom Berg\n\nNotes") == ["Ana Ruiz", "Tom Berg"]
    # Entries that name no one, and labels that only end like attendance words, give no names; a role before a
    # name is no part of it, nor are initials in capitals an office.
    for nobody in ("Present: None", "Present: All board members", "Attendees: TBD", "In attendance: N/A"):
        assert present_people(PRESENT, nobody) == [], nobody
    for label in ("Present value: 1,200 USD.", "Click here: Google Drive folder", "Date joined: Acme Corp"):
        assert present_people(PRESENT, label) == [], label
    assert present_people(PRESENT, "Attendance: 45 members; Quorum: Yes") == []
    for words in (
        "Items to present: Budget Review, Roadmap",
        "Attendance: Strong turnout",
        "Present: all but Tom Hale",
    ):
        assert present_people(PRESENT, words) == [], words
    # A list under its label ends with its bullets.
    bullets = "Present:\n- Ana Ruiz\n- Ben Cole\nApologies:\n- Tom Hale"
    assert present_people(PRESENT, bullets) == ["Ana Ruiz", "Ben Cole"]
    assert present_people(PRESENT, "Present: Chair – Ana Ruiz; Secretary – Tom Berg") == ["Ana Ruiz", "Tom Berg"]
    assert present_people(PRESENT, "Present: AJ Styles, Thu Nguyen, Thu") == ["AJ Styles", "Thu Nguyen", "Thu"]
    # A list described otherwise (who was invited, who spoke) is not read from attendance lines.
    assert present_people("Everyone invited, including the organiser.", text) == []
    assert present_people("Every speaker, except people not present.", text) == []


def test_an_attendance_list_is_offered_whole_and_kept_whoever_else_its_names_are(tmp_path: Path) -> None:
    minutes = compiled(tmp_path, "minutes", MINUTES)
    text = "Payments standup\nhere: @Kofi, @Ritu (facilitating), @Jo\nApologies: Sven\n- Ritu to fix the retries"
    tool = {"type": "function", "function": {"name": "MeetingMinutes", "parameters": minutes.model_schema}}
    parameters = narrow_tool(tool, Grounding(text, minutes))["function"]["parameters"]
    offered = parameters["properties"]["attendees"]
    assert offered["anyOf"][0]["enum"] == [["Kofi", "Ritu", "Jo"]]
    # A list too short for the array's minItems is not offered (the model reads the field as any other).
    fewer = compiled(
        tmp_path, "fewer", MINUTES.replace("    items: {type: string}", "    minItems: 4\n    items: {type: string}")
    )
    tool = {"type": "function", "function": {"name": "MeetingMinutes", "parameters": fewer.model_schema}}
    parameters = narrow_tool(tool, Grounding(text, fewer))["function"]["parameters"]
    assert parameters["properties"]["attendees"].get("anyOf", [{}])[0].get("enum") != [["Kofi", "Ritu", "Jo"]]
    # Ritu owns an action too: a name the text writes once on the attendance line is still an attendee.
    read = minutes.model.model_validate(
        {"attendees": ["Kofi", "Ritu", "Jo"], "action_items": [{"task": "fix the retries", "owner": "Ritu"}]}
    )
    settled = settle(read, text).model_dump(mode="json", exclude_none=True)
    assert settled["attendees"] == ["Kofi", "Ritu", "Jo"] and settled["action_items"][0]["owner"] == "Ritu"


def test_a_documents_heading_names_its_thing_without_the_documents_own_word_or_its_date() -> None:
    said = 'The name of the meeting, without a leading "Minutes of the"/"Minutes:"/"Notes:" label.'

    def titles(text: str) -> list[str]:
        return _kind_titles(facts_of(text), "MeetingMinutes", said)[0]

    def certain(text: str) -> bool:
        return _kind_titles(facts_of(text), "MeetingMinutes", said)[1]

    # Without the document's own words ("Minutes", and "Notes" as the description quotes it) and dates; a heading
    # that names the document surely names its thing.
    trustees = "MINUTES – Board of Trustees, Jamii Water Trust\nHeld on 2 May 2024"
    assert titles(trustees) == ["Board of Trustees, Jamii Water Trust"] and certain(trustees)
    lagos = "Subject: Notes from today's call – Lagos warehouse migration\n\nHi all"
    assert titles(lagos) == ["Lagos warehouse migration"] and certain(lagos)
    hoa = "Oak Hollow HOA — Board Meeting Minutes\nMonday, October 20, 2025"
    assert titles(hoa)[0] == "Oak Hollow HOA — Board Meeting" and certain(hoa)
    standup = "*Payments standup* — Wed 12 March 2025 (async + huddle)\n\nhere: @Kofi"
    assert titles(standup) == ["Payments standup"] and not certain(standup)
    # A second line naming the document names the meeting; the first line, who held it, is no title then.
    club = "Claddagh Rowing Club\nMinutes of the Annual General Meeting held in the clubhouse on Saturday."
    assert titles(club) == ["Annual General Meeting"]
    # Weekdays, months, dates and times are cut as whole words only; a version or a year is no date.
    for heading in ("Sprint 14 Retrospective – Team Phoenix", "Monthly Board Meeting", "Sunshine Club AGM"):
        assert titles(f"{heading}\nDate: 21st Jan 2025")[0] == heading
    assert titles("Release 3.2 Planning\nx") == ["Release 3.2 Planning"]
    assert titles("Marketing 2025 Kickoff\nx") == ["Marketing 2025 Kickoff"]
    assert titles("Board Meeting at 10.30\nx") == ["Board Meeting"]
    # No heading: a sentence, a mail's header, a form's field, a greeting, a line leading in to a list; and a
    # model of one word has no document's word to leave out.
    for text in (
        "We met on Monday. Ana chaired.\nMore",
        "Acme Corp is hiring!\nSenior Backend Engineer",
        "From: Sarah Lee\nTo: Team\nSubject: Q3",
        "Present: Ana Ruiz\nx",
        "Hi all,\nquick notes",
        "This week's picks (issue #88):\n1) QA",
    ):
        assert titles(text) == [], text
    assert _kind_titles(facts_of("MINUTES – Board"), "Minutes", said) == ([], False)


def test_a_title_field_is_offered_only_the_headings_thing_where_the_heading_names_the_document(
    tmp_path: Path,
) -> None:
    minutes = compiled(tmp_path, "minutes", MINUTES)
    tool = {"type": "function", "function": {"name": "MeetingMinutes", "parameters": minutes.model_schema}}

    def offered(text: str) -> list[str]:
        title = narrow_tool(tool, Grounding(text, minutes))["function"]["parameters"]["properties"]["meeting_title"]
        return list(title["anyOf"][0]["enum"])

    assert offered("MINUTES – Board of Trustees\n\nPresent: Ana Ruiz\nThe budget was agreed.") == ["Board of Trustees"]
    # Not named so (a review's heading may hold a book and its author): the heading's thing first, then the
    # heading's own words - not the body's.
    loose = offered("Payments standup — Wed 12 March\n\nhere: @Kofi\nSalesforce sync is done.")
    assert loose[0] == "Payments standup" and "Payments" in loose and "Salesforce" not in loose


def test_a_clinical_notes_age_is_written_against_its_sex_and_a_measurement_is_no_age() -> None:
    text = "HPI: 54F presenting w/ cough. Obs: HR 104, RR 24."
    assert [found.value for found in TextFacts(text).integers] == [54, 104, 24]
    assert written_as_age(text, 5, 7)
    assert not written_as_age(text, text.index("104"), text.index("104") + 3)
    # Against an M or an F, only as a case opens: not money, a temperature, a seat or a flat.
    for other in ("raised $12M, led by", "Revenue hit 54M, up 5%", "T 101F, HR 88", "oven to 350F for 20 minutes"):
        number = re.search(r"\d+(?=[MF])", other)
        assert number is not None and not written_as_age(other, *number.span()), other
    assert not written_as_age("Seat 14F, window", 5, 7) and written_as_age("72M with chest pain", 0, 2)
    # ... or in a table's cell of its own.
    for seat in ("| Ana Ruiz | 34 | 14F |", "| Ana Ruiz, 41 | 3M |", "seat 14F with extra legroom"):
        assert all(not written_as_age(seat, start, end) for start, end, _ in integer_spans(seat)), seat
    board = "Bay 1 | Abdullahi Musa | 34M | Cat 2 | chest pain"
    assert [found.value for found in TextFacts(board).integers] == [1, 34, 2]
    assert written_as_age(board, 25, 27) and not written_as_age(board, 35, 36)
    # A name before its number still may state an age.
    assert written_as_age("Priya 34, likes chess", 6, 8)


def test_a_nickname_in_quotes_goes_with_the_name_and_a_relation_is_no_name() -> None:
    text = "On Wednesday she was named as Margaret 'Peggy' Doherty, a volunteer."
    assert fullest_name(text, "Margaret") == "Margaret 'Peggy' Doherty"
    assert fullest_name("Margaret Doherty met Tom.", "Margaret") is None
    assert fullest_name("I asked Margaret 'Why' Then she left.", "Margaret") is None
    line = "Additional occupant: Noor Achterberg | Age: 4 | Relationship: Daughter"
    assert could_name_a_person(["Noor Achterberg", "Daughter"], line, about_an_age=True) == ["Noor Achterberg"]
    # Nor is what a number numbers ("Bay 5"), though a surname may be such a word elsewhere ("Emma Bay").
    bay = "Bay 5 | Thuy Nguyen | 5F | Cat 4"
    assert could_name_a_person(["Bay", "Thuy Nguyen"], bay, about_an_age=True) == ["Thuy Nguyen"]
    assert could_name_a_person(["Bay"], "Ask Bay about it, she is 40.", about_an_age=True) == ["Bay"]


async def test_an_exports_row_without_its_number_is_no_item(codegen_cache: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", codegen_cache)
    text = (
        "Sign-up sheet:\n\nname,age,email\nOskar Lindahl,34,oskar@example.com\nBeatriz Carvalho,,bea@example.com\n"
        "Thandiwe Nkosi,41,t.nkosi@example.com\n"
    )
    # Each row's cells are its values (the model writes "{}"); the row with an empty age asks nothing.
    backend = ScriptedBackend({}, {})
    settings: dict[str, Any] = {"openai_base_url": "http://127.0.0.1:9/v1", "max_retries": 0, "model_profile": "small"}
    items = await Extractor(backend, Settings(**settings)).extract_list(user_detail, text)
    assert [item.model_dump() for item in items] == [
        {"name": "Oskar Lindahl", "age": 34},
        {"name": "Thandiwe Nkosi", "age": 41},
    ]
    assert len(backend.requests) == 2


def test_a_lines_words_are_offered_without_its_count_price_or_the_marks_between(tmp_path: Path) -> None:
    order = compiled(
        tmp_path,
        "order",
        "title: Order\ntype: object\nproperties:\n  items:\n    type: array\n    items:\n      type: object\n"
        "      properties:\n        description: {type: string}\n        quantity: {type: integer}\n"
        "        unit_price: {type: number}\n      required: [description]\nrequired: [items]\n",
    )
    tool = {"type": "function", "function": {"name": "Order", "parameters": order.model_schema}}

    def offered(text: str) -> list[str]:
        parameters = narrow_tool(tool, Grounding(text, order))["function"]["parameters"]
        item = parameters["$defs"]["Item"]["properties"]["description"]
        return list(item.get("enum") or item["anyOf"][0]["enum"])

    lines = offered("3 x Menu layout @ 150.00 EUR\n24 Sourdough batard @ 3.10\n4 x 1000 µL pipette tips - £22.15")
    assert {"Menu layout", "Sourdough batard", "1000 µL pipette tips"} <= set(lines)
    assert not {"3 x Menu", "x Menu", "150.00 EUR", "EUR", "Menu layout @", "24 Sourdough batard", "3.10"} & set(lines)
    # A count that is part of the product's name is kept where it does not open the line, or where the line
    # writes another whole number (the quantity); a capital X is a name's letter, not a mark.
    assert "Pack of 6" in offered("2 x Pack of 6 @ 4.00")
    assert "100 Envelopes" in offered("100 Envelopes  2  5.00\n500 Business Cards  1  49.00")
    assert "Tesla Model X" in offered("2 x Tesla Model X @ 80000.00\n1 x Wall charger @ 500.00")
    # A bracket a value opens, it closes.
    bracketed = offered("2 x Parafilm M roll 4in (SKU PF-M-4) @ 31.80")
    assert "Parafilm M roll 4in" in bracketed and not any(value.count("(") != value.count(")") for value in bracketed)


def test_a_code_is_labelled_across_its_labels_colon_and_a_date_by_the_words_its_description_uses(
    tmp_path: Path,
) -> None:
    notice = compiled(
        tmp_path,
        "notice",
        "title: ShippingNotice\ntype: object\nproperties:\n"
        "  tracking_number: {type: string, description: The carrier's tracking number.}\n"
        "  when: {type: string, format: date, description: The day the parcel was delivered.}\n"
        "  day: {type: string, format: date, description: The day the parcel was shipped.}\n"
        "  date: {type: string, format: date, description: The date the meeting was held.}\n",
    )
    tool = {"type": "function", "function": {"name": "ShippingNotice", "parameters": notice.model_schema}}

    def offered(text: str, field: str) -> list[str]:
        offer = narrow_tool(tool, Grounding(text, notice))["function"]["parameters"]["properties"][field]
        return list(offer.get("enum") or offer["anyOf"][0]["enum"])

    text = "Your order TN-7781 is on its way. Tracking #: 7712 3456 7890. Expected delivery: April 2, 2024."
    assert offered(text, "tracking_number") == ["7712 3456 7890"]
    # A code right after another code is not labelled by the words before that one.
    assert "FR1882" not in offered("Ryanair booking FR8K2Q: FR1882 STN-DUB. Tracking 55123", "tracking_number")
    minutes = "Board\n\nAgenda\nThe meeting was held on 8 April 2025.\nInvoice due 30 April 2025."
    assert offered(minutes, "date") == ["2025-04-08"]
    # ... but not by the word naming the document's own thing ("shipped" of a ShippingNotice labels every date
    # alike), and a date the heading writes is kept whatever its words.
    parcel = "Parcel 4411\n\nNotes\nIt left on 2 May 2024.\nIt was delivered on 6 May 2024."
    assert offered(parcel, "when") == ["2024-05-06"] and offered(parcel, "day") == ["2024-05-02", "2024-05-06"]
    headed = "Parcel 4411, 1 May 2024\n\nNotes\nIt left on 2 May 2024.\nIt was delivered on 6 May 2024."
    assert offered(headed, "when") == ["2024-05-01", "2024-05-06"]


def test_a_name_with_an_aside_in_brackets_before_its_age_is_paired_with_it(codegen_cache: Path) -> None:
    user_detail = compile_schema(SHIPPED_SCHEMAS / "user_detail.yaml", codegen_cache)
    text = 'The suspect, Marcus Whitfield (a.k.a. "Bones"), 34, was held. Reporting officer: Sgt. L. Kaminski.'
    # The model named the officer; the age is written right after the suspect's name and its aside.
    answer = user_detail.model(name="Sgt. L. Kaminski", age=34)
    assert with_own_pair(answer, text, user_detail).model_dump() == {"name": "Marcus Whitfield", "age": 34}


def test_a_town_is_the_one_an_address_line_writes_and_no_street_building_or_firm(tmp_path: Path) -> None:
    event = compiled(tmp_path, "event", "title: Event\ntype: object\nproperties:\n  city: {type: string}\n")
    tool = {"type": "function", "function": {"name": "Event", "parameters": event.model_schema}}

    def offered(text: str) -> list[str]:
        city = narrow_tool(tool, Grounding(text, event))["function"]["parameters"]["properties"]["city"]
        return list(city["anyOf"][0]["enum"])

    summit = "Nordic Frontend Summit\n17 September 2025 · Münchenbryggeriet, Torkel Knutssonsgatan 2, Stockholm"
    assert offered(summit) == ["Stockholm"]
    # No address line read: any value but a street's, a building's or a firm's (nor a table's row read as one).
    # An address line further down (a footer's) puts its town first, and leaves the others.
    trip = "Hi Ana,\nYou fly to Lisbon on Friday.\nEnjoy!\nRegards\nNordic Travel AS, Karl Johans gate 14, 0154 Oslo"
    assert offered(trip)[0] == "Oslo" and "Lisbon" in offered(trip)
    galway = "Climate Summit\nThe Galmont Hotel, Lough Atalia Road, Galway\nTIME | Main Hall | Room S1"
    towns = offered(galway)
    assert "Galway" in towns and not {"Lough Atalia Road", "The Galmont Hotel", "Room"} & set(towns)
