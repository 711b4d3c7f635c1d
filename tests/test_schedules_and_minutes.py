"""Timetables and minutes on the small profile: lessons written a line each after their date, what holds for every
lesson written once above them, lessons left out or moved, tables copied a cell per line, and action items known
by their label, each given to someone. The model's answers are scripted and stated in each test."""

import json
from pathlib import Path
from typing import Any

from gateway.extraction.engine import Extractor
from gateway.extraction.text_facts import TextFacts
from gateway.profiles.small.grounding import _after_quoted_labels, _holding, _names_a_title, facts_of
from gateway.profiles.small.nested import (
    _assignment_choices,
    _described_choices,
    _for_every,
    _left_out_piece,
    _moved,
    _named_choices,
    left_out,
    nested_part,
    piece_choices,
    pieces,
)
from gateway.profiles.small.people import names_a_person
from gateway.profiles.small.settling import settle
from gateway.profiles.small.tables import cell_per_line_tables
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.settings import Settings
from tests.scripted_backend import ScriptedBackend

COURSE = """
title: Course
type: object
properties:
  name: {type: string}
  start_date: {type: string, format: date, description: The date of the first lesson.}
  lessons:
    type: array
    items: {$ref: "#/$defs/Lesson"}
    description: >-
      Every lesson, in order. Leave out cancelled lessons and weeks with no class (holidays, reading weeks, breaks).
required: [lessons]
$defs:
  Lesson:
    type: object
    properties:
      topic: {type: string, description: The topic of the lesson as written.}
      date: {type: string, format: date}
      start_time: {type: string, pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
      duration_minutes: {type: integer, minimum: 1}
      location:
        type: string
        description: >-
          Where the lesson takes place. If the text gives one place for all lessons, that place for every lesson.
    required: [topic]
"""

MINUTES = """
title: Minutes
type: object
properties:
  chair: {type: string, description: The name of the person who chaired the meeting.}
  action_items:
    type: array
    items: {$ref: "#/$defs/ActionItem"}
required: [action_items]
$defs:
  ActionItem:
    type: object
    properties:
      task: {type: string, description: What is to be done.}
      owner: {type: string, description: The person responsible for the task.}
      due_date: {type: string, format: date}
    required: [task]
"""


def compiled(tmp_path: Path, name: str, source: str) -> CompiledSchema:
    (tmp_path / f"{name}.yaml").write_text(source)
    return compile_schema(tmp_path / f"{name}.yaml", tmp_path / "cache")


def test_what_a_description_leaves_out_includes_the_state_of_its_own_items_and_what_a_thing_lacks() -> None:
    lessons = frozenset({"less"})
    said = "Every lesson. Leave out cancelled lessons and weeks with no class (holidays, reading weeks, breaks)."
    left = left_out(said, lessons)
    # "cancelled" (and how other languages write it), "no class", and the examples in brackets; never "lesson".
    assert {"cancelled", "canceled", "entfällt", "休講", "no class", "holiday", "break"} <= left
    assert not any(word.startswith("less") for word in left)
    assert _left_out_piece("Tue 23 Sep 2025 | ~~Event-driven design~~ **Cancelled**", left)
    assert _left_out_piece("Wed 29 Oct 2025 – half-term, no class", left)
    assert _left_out_piece("2025/04/17 (Thu)  休講 – teacher training day", left)
    assert not _left_out_piece("Wed 5 Nov 2025 – Past tense, part 1", left)
    # A lesson moved to another day writes both days: it is read (with its new date), not left out.
    assert _moved("Di. 04.11.2025 – fällt aus; Nachholtermin Do. 06.11.2025 – Einkaufen")
    assert not _moved("Di. 07.10.2025 – entfällt (Herbstferien)")  # one date, read day-first and month-first
    assert not _moved("Wed 22 Oct 2025 – cancelled (half-term 20 Oct 2025 to 24 Oct 2025)")  # no word for a move
    # A remark excepting something names nothing to leave out.
    sessions = "Every session. Leave out sessions (other than keynotes) that are cancelled, and breaks."
    assert "keynote" not in left_out(sessions, frozenset({"sess"}))


def test_lines_opening_with_their_date_are_lessons_and_a_heading_offering_a_time_is_none(tmp_path: Path) -> None:
    item = nested_part(compiled(tmp_path, "course", COURSE)).item  # type: ignore[union-attr]
    dashed = "Italian 1\n\nWed 8 Oct 2025 – Numbers and prices\nWed 15 Oct 2025 – Directions\nSept. 22, 2025 – Food"
    assert pieces(dashed, item, "lessons") == [
        "Wed 8 Oct 2025 – Numbers and prices",
        "Wed 15 Oct 2025 – Directions",
        "Sept. 22, 2025 – Food",
    ]
    hyphened = (
        "Schedule (Saturdays, 10:00 AM – 1:00 PM IST)\n06-Sep-2025  Python refresher\n13-Sep-2025  Regression\n"
        "20-Sep-2025  Trees and boosting"
    )
    assert pieces(hyphened, item, "lessons") == hyphened.splitlines()[1:]


def test_a_day_written_without_its_year_takes_the_texts_one_year(tmp_path: Path) -> None:
    item = nested_part(compiled(tmp_path, "course", COURSE)).item  # type: ignore[union-attr]
    text = "Wheel throwing\nStarts: January 15, 2026\n\nJan 15 — Wedging and centering\nJan 22 — Pulling walls"
    found = pieces(text, item, "lessons")
    assert found == ["Jan 15 — Wedging and centering", "Jan 22 — Pulling walls"]
    assert piece_choices(found[1], text, item, tuple(found))["date"] == ["2026-01-22"]
    # A topic is no part of the line that writes its date.
    dated = "Wed 8 Oct 2025 – Numbers, prices and the café"
    topics = piece_choices(dated, dated, item, (dated, "Wed 15 Oct 2025 – Directions"))["topic"]
    assert "Numbers, prices and the café" in topics and not any("2025" in topic for topic in topics)


def test_a_range_of_times_lasts_and_starts_in_its_ends_half_of_the_day() -> None:
    facts = TextFacts("Thursdays, 7:00–9:30 PM, in the Main Studio; Saturdays 10:00 AM – 1:00 PM; Mon 18:00 bis 19:30")
    assert [found.value for found in facts.times] == [
        "19:00:00",
        "21:30:00",
        "10:00:00",
        "13:00:00",
        "18:00:00",
        "19:30:00",
    ]
    assert [seconds for _, _, seconds in facts.time_ranges] == [9000.0, 10800.0, 5400.0]
    assert [found.value for found in facts.durations] == [9000.0, 10800.0, 5400.0]
    assert [found.value for found in TextFacts("06-Sep-2025 and 6/Sep/2025").dates] == ["2025-09-06", "2025-09-06"]
    # A start written with its leading zero is on the 24-hour clock.
    assert [found.value for found in TextFacts("07:00 – 9:00 PM").times] == ["07:00:00", "21:00:00"]


def test_a_table_copied_a_cell_per_line_is_read_as_a_table() -> None:
    flat = "Course fee: R 8 500\nSession\nDate\nTime\nTopic\n1\nMon 3 Nov 2025\n08:30–12:30\nScoping\n"
    flat += "2\nTue 4 Nov 2025\n13:30–16:30\nRisk\nPage 1 of 1"
    assert cell_per_line_tables(flat).splitlines() == [
        "Course fee: R 8 500",
        "Session | Date | Time | Topic",
        "1 | Mon 3 Nov 2025 | 08:30–12:30 | Scoping",
        "2 | Tue 4 Nov 2025 | 13:30–16:30 | Risk",
        "Page 1 of 1",
    ]
    # Short lines without a column of numbers below them are no table.
    plain = "Bring\nApron\nTowel\nNotebook\nPens\nShoes\nWater\nSnacks"
    assert cell_per_line_tables(plain) == plain
    # Nor is a recipe's card: its amounts are no column of times or numbers.
    card = "Pancakes\nPrep\nCook\nServes\n10 min\n15 min\n4\nMethod\n200 g flour\n2 eggs\n300 ml milk\n1 tbsp sugar"
    assert cell_per_line_tables(card) == card


async def test_what_the_text_states_once_is_every_lessons_and_a_cancelled_one_is_not_read(tmp_path: Path) -> None:
    course = compiled(tmp_path, "course", COURSE)
    text = (
        "Italian 1. We meet in Room 3.12, 6.30–8.30pm, unless I say otherwise.\n\n"
        "Wed 8 Oct 2025 – Numbers and prices\nWed 15 Oct 2025 – Directions\nWed 22 Oct 2025 – half-term, no class\n"
        "Wed 29 Oct 2025 – Food and markets"
    )
    answers: list[dict[str, Any]] = [
        {"location": "Room 3.12"},  # asked once, of the line that states it
        {"topic": "Numbers and prices", "date": "2025-10-08"},
        {"topic": "Directions", "date": "2025-10-15"},
        {"topic": "Food and markets", "date": "2025-10-29"},
        {"name": "Italian 1"},
    ]
    backend = ScriptedBackend(*answers)
    settings = Settings(openai_base_url="http://127.0.0.1:9/v1", max_retries=0, model_profile="small")
    result = await Extractor(backend, settings).extract(course, text)
    common = {"start_time": "18:30", "duration_minutes": 120, "location": "Room 3.12"}
    assert result.model_dump(mode="json", exclude_none=True)["lessons"] == [
        {"topic": "Numbers and prices", "date": "2025-10-08", **common},
        {"topic": "Directions", "date": "2025-10-15", **common},
        {"topic": "Food and markets", "date": "2025-10-29", **common},
    ]
    shown = [request["messages"][-1]["content"] for request in backend.requests]
    assert shown[0].startswith("Italian 1. We meet in Room 3.12") and "Wed 8 Oct" not in shown[0]
    assert shown[1:4] == [
        "Wed 8 Oct 2025 – Numbers and prices",
        "Wed 15 Oct 2025 – Directions",
        "Wed 29 Oct 2025 – Food and markets",
    ]
    # Each lesson is asked without the place already stated for all of them.
    assert list(backend.tools[0]["properties"]) == ["location"]
    assert not any("location" in tool["properties"] for tool in backend.tools[1:4])


def test_action_items_are_known_by_their_label_and_each_is_given_to_someone(tmp_path: Path) -> None:
    item = nested_part(compiled(tmp_path, "minutes", MINUTES)).item  # type: ignore[union-attr]
    labelled = (
        "Present: Cllr Imran Siddiqui, Julie Farrant (Clerk), Sam Kiprop\n\nACTION: Clerk to place the order by 30 "
        "April 2025.\nNext meeting: 13 May 2025\nACTION: Cllr Siddiqui to contact the county about a survey."
    )
    found = pieces(labelled, item, "action_items")
    assert found == [
        "Clerk to place the order by 30 April 2025.",
        "Cllr Siddiqui to contact the county about a survey.",
    ]
    # Whom: the role's holder, the full name for a surname; what: without the deadline.
    assert _assignment_choices(found[0], labelled, item) == {"owner": ["Julie Farrant"], "task": ["place the order"]}
    assert _assignment_choices(found[1], labelled, item)["owner"] == ["Imran Siddiqui"]
    listed = (
        "Present: Sam, Rosa\nAgenda items:\n- Budget is fine\n- Hiring paused\n\nAction items:\n"
        "- Sam: send the budget\n- Rosa to review the due diligence report\n- Note: the stand-by generator"
    )
    found = pieces(listed, item, "action_items")  # not the agenda's items
    assert found == ["Sam: send the budget", "Rosa to review the due diligence report", "Note: the stand-by generator"]
    assert _assignment_choices(found[0], listed, item) == {"owner": ["Sam"], "task": ["send the budget"]}
    # "due diligence" is no deadline; "Note" is named nowhere else: a label, not someone.
    assert _assignment_choices(found[1], listed, item)["task"] == ["review the due diligence report"]
    assert _assignment_choices(found[2], listed, item) == {}
    # A talk's title and speaker are not a task and its owner.
    assert _assignment_choices("Opening Keynote – Dr Jane Smith", "Opening Keynote – Dr Jane Smith", item) == {}
    # Under column names that name the item's fields, every row is an item, with a date or not, read by its cells.
    table = "## Action items\n| Action | Owner | Due |\n|---|---|---|\n| Share the matrix | Sofia | 6 June 2025 |\n"
    table += "| Draft the plan | Aditi | TBC |\n| Set up the board | Olu | 10 June 2025 |"
    rows = pieces(table, item, "action_items")
    assert rows[1] == "Action: Draft the plan | Owner: Aditi | Due: TBC" and len(rows) == 3
    assert _assignment_choices(rows[0], table, item) == {}


def test_a_field_its_description_calls_a_person_is_a_persons_name() -> None:
    assert names_a_person("owner", {"description": "The person responsible for the task."}, "")
    assert names_a_person("chair", {"description": "The name of the person who chaired the meeting."}, "")
    assert not names_a_person("owner", {"description": "The company that owns the asset."}, "")
    assert not names_a_person("venue", {"description": "Where the person stays."}, "")
    assert not names_a_person("role", {"description": "The person's job title as written."}, "")
    assert not names_a_person("email", {"description": "The individual email address of the user."}, "")


def test_a_date_an_item_writes_without_its_year_does_not_take_the_objects_own(tmp_path: Path) -> None:
    course = compiled(tmp_path, "course", COURSE)
    text = "Starts: January 15, 2026\n\nJan 15 — Wedging\nJan 22 — Walls"
    read = course.model.model_validate(
        {"start_date": "2026-01-15", "lessons": [{"topic": "Wedging", "date": "2026-01-15"}, {"topic": "Walls"}]}
    )
    assert settle(read, text).model_dump(mode="json", exclude_none=True)["start_date"] == "2026-01-15"


def test_a_list_whose_description_quotes_its_labels_holds_what_follows_them() -> None:
    said = 'Every decision, without a leading label ("Decision:", "Agreed that", "RESOLVED that", "Motion carried:").'
    text = (
        "25/042 Minutes\nRESOLVED that the minutes be approved and signed.\nTwo quotes were considered. RESOLVED "
        "that the quote from Wicksteed Leisure be accepted.\n- Motion carried (3-1): Accept the pool bid.\n"
        "Decision: go.\nAgreed that jobs over 48h need approval"
    )
    assert _after_quoted_labels(said, facts_of(text)) == [
        "the minutes be approved and signed",
        "the quote from Wicksteed Leisure be accepted",
        "Accept the pool bid",
        "jobs over 48h need approval",  # "go" is one word: no decision
    ]
    # One quoted label is an example of a value, not a list of labels.
    assert _after_quoted_labels('Each tag (e.g. "Urgent:")', facts_of("Urgent: call back today")) == []


def test_the_objects_own_name_field_is_its_heading_and_a_choice_stated_for_every_item_is_no_shared_value(
    tmp_path: Path,
) -> None:
    assert _names_a_title("meeting_title", "MeetingMinutes") and _names_a_title("title", "Recipe")
    # Nor a "<kind>_name" (measured: the heading's whole line first, a course's name read less often).
    assert not _names_a_title("course_name", "CourseTimetable")
    # Not a name field (a heading's parts would replace "Alex Rivera" of "Profile of Alex Rivera"), nor another's.
    assert not _names_a_title("user_name", "UserProfile") and not _names_a_title("job_title", "Invoice")
    course = nested_part(compiled(tmp_path, "course", COURSE))
    assert course is not None and _for_every(course.item) == ["location"]
    kinds = COURSE.replace(
        "      topic: {type: string, description: The topic of the lesson as written.}",
        "      topic: {type: string, description: The topic of the lesson as written.}\n"
        "      kind: {type: string, enum: [lecture, lab], description: lab for labs; lecture for every other lesson.}",
    )
    part = nested_part(compiled(tmp_path, "kinds", kinds))
    assert part is not None and _for_every(part.item) == ["location"]


def test_a_roles_holder_is_the_name_written_with_it_and_a_numbered_line_is_an_item(tmp_path: Path) -> None:
    text = "Present: Cllr Margaret Okoro (Chair), Cllr David Pryce\nIn attendance: Julie Farrant (Clerk)"
    names = ["Margaret Okoro", "David Pryce", "Julie Farrant"]
    assert _holding(names, text, "chair") == ["Margaret Okoro"]
    assert _holding(names, text, "clerk") == ["Julie Farrant"] and _holding(names, text, "owner") == []
    item = nested_part(compiled(tmp_path, "course", COURSE)).item  # type: ignore[union-attr]
    plan = (
        "Session plan:\nSession 1 – Mon 2 March 2026, 5:30pm–8:00pm: Power Query\n"
        "Session 2 – Wed 11 March 2026: POSTPONED to Sat 14 March 2026, 9:00am–12:00pm: Scenarios"
    )
    assert pieces(plan, item, "lessons") == plan.splitlines()[1:]


def test_an_items_choice_comes_from_the_words_its_description_gives_it_or_its_choice_for_everything_else(
    tmp_path: Path,
) -> None:
    said = (
        "The kind of session - keynote for any keynote (opening, closing); panel for panels, round tables and "
        "fireside chats; workshop for workshops and tutorials; talk for every other talk, including unlabelled ones."
    )
    words, default = _described_choices(said, ["keynote", "talk", "panel", "workshop"])
    assert words["panel"] == ["panels", "round tables", "fireside chats"] and default == "talk"
    kind = {"type": "string", "enum": ["keynote", "talk", "panel", "workshop"], "description": said}
    session = json.dumps(
        {
            "title": "Day",
            "type": "object",
            "properties": {
                "sessions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"title": {"type": "string"}, "kind": kind},
                        "required": ["title"],
                    },
                }
            },
            "required": ["sessions"],
        }
    )
    item = nested_part(compiled(tmp_path, "day", session)).item  # type: ignore[union-attr]
    read = {"title": "x"}
    assert _named_choices(read, "14:00 Fireside chat with Ada Lovelace", item) == {"kind": "panel"}
    assert _named_choices(read, "15:00 Tutorial: Rust in an hour", item) == {"kind": "workshop"}
    assert _named_choices(read, "16:00 Scaling Postgres", item) == {"kind": "talk"}
    assert _named_choices(read, "09:00 Opening keynote", item) == {"kind": "keynote"}
    assert _named_choices({"title": "x", "kind": "panel"}, "16:00 Scaling Postgres", item) == {}


def test_a_list_that_includes_another_fields_person_keeps_that_person(tmp_path: Path) -> None:
    source = MINUTES.replace(
        "  action_items:\n",
        "  attendees:\n    type: array\n    items: {type: string}\n"
        "    description: Every person present, including the chair and the minute-taker.\n"
        "  guests:\n    type: array\n    items: {type: string}\n    description: Every guest.\n"
        "  action_items:\n",
    )
    minutes = compiled(tmp_path, "minutes", source)
    text = "Present: Cllr Margaret Okoro (Chair), Cllr David Pryce\nGuests: Ann Lee"
    read = minutes.model.model_validate(
        {
            "chair": "Margaret Okoro",
            "attendees": ["Margaret Okoro", "David Pryce"],
            "guests": ["Margaret Okoro", "Ann Lee"],
            "action_items": [],
        }
    )
    settled = settle(read, text).model_dump(mode="json", exclude_none=True)
    # The chair is an attendee as the description says, not a guest: the text names her once.
    assert settled["attendees"] == ["Margaret Okoro", "David Pryce"] and settled["guests"] == ["Ann Lee"]


async def test_where_every_line_is_a_lesson_nothing_is_asked_once(tmp_path: Path) -> None:
    course = compiled(tmp_path, "course", COURSE)
    text = "Wed 8 Oct 2025 – Numbers and prices\nWed 15 Oct 2025 – Directions"
    answers: list[dict[str, Any]] = [
        {"topic": "Numbers and prices", "date": "2025-10-08"},
        {"topic": "Directions", "date": "2025-10-15"},
        {},
    ]
    backend = ScriptedBackend(*answers)
    settings = Settings(openai_base_url="http://127.0.0.1:9/v1", max_retries=0, model_profile="small")
    result = await Extractor(backend, settings).extract(course, text)
    assert [lesson["topic"] for lesson in result.model_dump()["lessons"]] == ["Numbers and prices", "Directions"]
    # Each lesson is asked with its place (no line around them states one), and no question is asked once.
    assert "location" in backend.tools[0]["properties"] and len(backend.requests) == 3
