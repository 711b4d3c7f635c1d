"""A course's modules with one person each (a trainer, an instructor), the trainer named once for all of them, a
module's name that is its topic, tables copied a cell per line, and yes/no fields the text never names, answered by
the words their description gives each answer. No model runs here: these are the pieces, choices and facts the
reader hands it."""

from pathlib import Path
from typing import Any

import pytest

from gateway.profiles.small.grounding import _answered
from gateway.profiles.small.nested import _named_for_all, _numbering, left_out, piece_choices, pieces
from gateway.profiles.small.tables import cell_per_line_tables
from gateway.schemas.compiler import CompiledSchema
from tests.test_nested_items import compiled
from tests.test_presenters_and_spans import offered, part_of

WORKSHOP = """
title: Workshop
type: object
properties:
  workshop_title: {type: string}
  remote:
    type: boolean
    description: >-
      true if the workshop is held online (also live online, virtual or hybrid with online attendance), false if it
      is held only in person; leave out if the text does not say.
  sessions:
    type: array
    items: {$ref: "#/$defs/Session"}
required: [workshop_title, sessions]
$defs:
  Session:
    type: object
    properties:
      name:
        type: string
        description: The session's name or topic as written, without a numbering label in front ("Part 2:").
      date: {type: string, format: date}
      instructor:
        type: string
        description: >-
          The person teaching the session, without titles. An instructor named for the whole workshop counts for
          every session.
      hours: {type: number}
    required: [name]
"""


@pytest.fixture
def workshop(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "workshop", WORKSHOP)


def choices_of(schema: CompiledSchema, text: str) -> list[dict[str, Any]]:
    """Each piece's fixed choices, in text order."""
    part = part_of(schema)
    found = pieces(text, part.item, part.about, part.others, optional=not part.required)
    return [piece_choices(piece, text, part.item, tuple(found)) for piece in found]


def test_an_items_person_is_the_name_after_its_title_never_the_titles_words(workshop: CompiledSchema) -> None:
    text = """Spring workshop: Applied Statistics

Sessions:
- Part 1: Sampling and Survey Design (Olivia Brandt)
- Part 2: Regression Models — 3 Jun 2026, 3 h, Tomás Ferreira
- Part 3: Bayesian Thinking with PyMC — 10 Jun 2026
"""
    first, second, third = choices_of(workshop, text)
    assert first["instructor"] == ["Olivia Brandt"]
    assert first["name"] == ["Sampling and Survey Design"]  # not "Part 1", nor cut at "and"
    assert second["instructor"] == ["Tomás Ferreira"]
    assert second["name"] == ["Regression Models"]
    # No one named: no instructor offered; a title's capitalised words are nobody's name.
    assert third["instructor"] == []
    assert "Bayesian Thinking with PyMC" in third["name"]


def test_a_first_name_after_with_is_the_fuller_name_the_text_writes(workshop: CompiledSchema) -> None:
    text = """Rope Access Basics

Day one is led by our senior instructor Hanna Lindqvist.

Session 1 – Knots and Anchors, 4 hours, again with Hanna.
Session 2 – Ascending and Descending, 4 hours, with Piet van Dijk.
"""
    first, second = choices_of(workshop, text)
    assert first["instructor"] == ["Hanna Lindqvist"]
    assert second["instructor"] == ["Piet van Dijk"]


def test_a_person_named_once_for_every_item_is_found_after_the_fields_word() -> None:
    assert _named_for_all("Your instructor for both days is Prof. Ana Ruiz. Lunch is included.", "instructor") == (
        "Ana Ruiz"
    )
    assert _named_for_all("Preis: 900 €\nTrainerin: Dr. Clara Weiß\n", "trainer") == "Clara Weiß"
    # Nobody named after the word, or two people: nothing for every item.
    assert _named_for_all("Taught by industry mentors from product companies.", "trainer") is None
    assert _named_for_all("Trainer: Ana Ruiz\nCo-trainer: Ben Ode", "trainer") is None


def test_a_numbering_label_is_one_other_items_write_with_their_own_numbers() -> None:
    siblings = ("Modul 1 – Rolle als Führungskraft", "Modul 2 – Gespräche führen")
    assert _numbering("Modul 1", siblings)
    assert _numbering("Modul 1 – Rolle als Führungskraft", siblings)
    assert not _numbering("Rolle als Führungskraft", siblings)
    # A title that opens with a number alone is a title: "Python 3: What's New".
    assert not _numbering("Python 3: What's New", ("Python 3: What's New", "Async Patterns"))


def test_a_table_copied_a_cell_per_line_keeps_its_heading_whatever_reads_like_one_around_it(
    workshop: CompiledSchema,
) -> None:
    # A first row's short cell reads like one more heading; the heading is the lines the most rows follow. (Rows
    # keyed by a date or a length alone: three at least.)
    text = """Harbour Skills - Public Courses
Advanced Facilitation
Session
Date
Instructor
Length
Designing the room
Mon 9 Mar 2026
Gus Romero
3.5 hrs
Handling silence
Tue 10 Mar 2026
Dr Ama Boateng
3 hrs
Closing the loop
Wed 11 Mar 2026
Gus Romero
2 hrs
Certificates are handed out at the close of the second day. Lunch is included.
"""
    table = cell_per_line_tables(text)
    assert "Session | Date | Instructor | Length" in table
    assert "Designing the room | Mon 9 Mar 2026 | Gus Romero | 3.5 hrs" in table
    assert "Handling silence | Tue 10 Mar 2026 | Dr Ama Boateng | 3 hrs" in table
    assert table.endswith("Certificates are handed out at the close of the second day. Lunch is included.\n")
    first, second, _ = choices_of(workshop, table)
    assert first["instructor"] == ["Gus Romero"]
    assert first["name"][0] == "Designing the room"  # the cell whole first
    assert second["instructor"] == ["Ama Boateng"]


def test_a_yes_no_the_text_never_names_takes_the_words_its_description_gives_each_answer(
    workshop: CompiledSchema,
) -> None:
    assert offered(workshop, "Stats Bootcamp\nFormat: 100% online via Zoom.", "remote") == [True]
    assert offered(workshop, "Stats Bootcamp\nThis one runs virtual, in the evenings.", "remote") == [True]
    assert offered(workshop, "Stats Bootcamp\nHeld in person in Leeds - there is no online option.", "remote") == [
        False
    ]
    assert offered(workshop, "Stats Bootcamp\nEine Online-Teilnahme ist nicht möglich.", "remote") == [False]
    # Both answers' words: the text does not say one; none of them: the field stays out.
    assert offered(workshop, "Stats Bootcamp\nJoin in person in Leeds or follow online.", "remote") is None
    assert offered(workshop, "Stats Bootcamp\nPlaces are limited to 16.", "remote") is None


def test_only_a_description_giving_words_for_both_answers_answers_a_yes_no() -> None:
    one_sided = "true if the review is marked as a verified purchase or verified buyer; false only if it says not."
    assert _answered(one_sided, "Great kettle, bought it last week.", set()) is None
    vegetarian = "true if the text calls the dish vegetarian or vegan; false if an ingredient is meat, poultry or fish."
    assert _answered(vegetarian, "A vegan curry for four.", {"ingredients"}) is True
    assert _answered(vegetarian, "Add the fish sauce and simmer.", {"ingredients"}) is False
    assert _answered(vegetarian, "Add the tofu and simmer.", {"ingredients"}) is None


PARCEL = """
title: Parcel
type: object
properties:
  tracking_number: {type: string}
  items:
    type: array
    items: {$ref: "#/$defs/Item"}
required: [items]
$defs:
  Item:
    type: object
    properties:
      name:
        type: string
        description: The product name as written, including variant details such as size or colour.
      quantity: {type: integer}
    required: [name]
"""


def test_a_product_written_with_its_variant_is_offered_whole_from_its_count_to_its_price(tmp_path: Path) -> None:
    parcel = compiled(tmp_path, "parcel", PARCEL)
    text = """Your parcel is on its way.

2 x Harbour Rain Jacket (unisex) - Size M, Teal
Enamel Camping Mug "Fjell" ×3 ... $27.00
Bamboo Spork Set, Green            Qty: 4
1x Trail Map Case (TM-22-B) @ 9.50
Thanks for shopping with us!
"""
    names = [choices.get("name") for choices in choices_of(parcel, text)]
    assert names == [
        ["Harbour Rain Jacket (unisex) - Size M, Teal"],
        ['Enamel Camping Mug "Fjell"'],
        ["Bamboo Spork Set, Green"],
        ["Trail Map Case"],
    ]


def test_a_line_without_a_count_offers_no_product_whole(tmp_path: Path) -> None:
    parcel = compiled(tmp_path, "parcel", PARCEL)
    part = part_of(parcel)
    for line in ("Northwind Supplies — order 7781, placed 7 July 2025", "Please send the following to Lab 2:"):
        assert "name" not in piece_choices(line, line, part.item)


AGENDA = """
title: Agenda
type: object
properties:
  event_name: {type: string}
  sessions:
    type: array
    items: {$ref: "#/$defs/Session"}
required: [sessions]
$defs:
  Session:
    type: object
    properties:
      title:
        type: string
        description: The title as written, without quotation marks and without a leading type label ("Keynote:").
      kind: {type: string, enum: [keynote, talk, panel, workshop, other]}
      start_time: {type: string, pattern: "^[0-2][0-9]:[0-5][0-9]$"}
      speakers: {type: array, items: {type: string}}
      room: {type: string}
    required: [title]
"""


def test_a_title_in_a_sentence_is_the_words_it_quotes(tmp_path: Path) -> None:
    agenda = compiled(tmp_path, "agenda", AGENDA)
    part = part_of(agenda)
    piece = 'After lunch Mei Chen runs "Testing data pipelines with Great Expectations", a workshop in Room 4.'
    assert piece_choices(piece, piece, part.item)["title"] == ["Testing data pipelines with Great Expectations"]


def test_a_titles_cell_drops_a_kinds_label_and_keeps_a_subtitle(tmp_path: Path) -> None:
    agenda = compiled(tmp_path, "agenda", AGENDA)
    text = """Heure | Intitulé | Intervenant | Salle
09:00 | Atelier : Cartographier ses données | Inès Morel | Salle Garonne
10:00 | Mapping at scale: lessons from ten cities | Tom Reyes | Salle Loire
11:00 | Keynote de clôture : « Demain, la ville » | Ana Ruiz | Salle Garonne
"""
    first, second, third = choices_of(agenda, text)
    assert first["title"][0] == "Cartographier ses données"
    assert first["room"][0] == "Salle Garonne"  # "Salle" is a room's column
    assert second["title"][0] == "Mapping at scale: lessons from ten cities"  # a subtitle, no kind's label
    assert third["title"][0] == "Demain, la ville"


LECTURES = """
title: Lectures
type: object
properties:
  lectures:
    type: array
    items: {$ref: "#/$defs/Lecture"}
required: [lectures]
$defs:
  Lecture:
    type: object
    properties:
      lecture: {type: string}
      lecturer: {type: string}
      delivery_mode: {type: string}
      week: {type: integer}
    required: [lecture]
"""


def test_only_a_field_named_for_a_persons_part_takes_the_lines_people(tmp_path: Path) -> None:
    lectures = compiled(tmp_path, "lectures", LECTURES)
    text = """Streaming Systems, spring term

Week 1: Scaling Kafka – Ana Ruiz (online)
Week 2: Stream Joins – with Olivia\u00a0Brandt
"""
    first, second = choices_of(lectures, text)
    # Two capitalised parts: the one the other line marks as its person's (last) is the lecturer.
    assert first["lecturer"] == ["Ana Ruiz"]
    assert first.get("lecture") != ["Ana Ruiz"] and first.get("delivery_mode") != ["Ana Ruiz"]
    assert second["lecturer"] == ["Olivia Brandt"]  # a name written with a non-breaking space
    # A person written before the title, nothing marking which is whom: the model reads it, nothing pinned.
    part = part_of(lectures)
    line = "Tomás Ferreira: Regression Models, 10 Jun 2026"
    assert "lecturer" not in piece_choices(line, line, part.item)


def test_a_first_name_alone_is_left_to_the_model_and_a_cell_keeps_it(workshop: CompiledSchema) -> None:
    part = part_of(workshop)
    line = "Sunrise Flow, 2 h, with Priya"
    assert "instructor" not in piece_choices(line, line, part.item)
    table = "Session | Instructor | Hours\nSunrise Flow | Priya | 2\nEvening Yin | – | 1\nCore Basics | Jo Lin | 1\n"
    first, second, third = choices_of(workshop, table)
    assert first["instructor"] == ["Priya"]
    assert second["instructor"] == []
    assert third["instructor"] == ["Jo Lin"]


def test_a_yes_no_answer_ignores_booking_words_and_reads_more_negations() -> None:
    remote = (
        "true if the course is held online (also live online, virtual or hybrid with online attendance), false if it "
        "is held only in person; leave out if the text does not say."
    )
    for said in ("Register online by 1 May.", "Slides are shared online afterwards.", "Book online at x.com"):
        assert _answered(remote, said, {"course"}) is None
    for said in (
        "This course can't be followed online.",
        "It cannot be attended online.",
        "Held in person and is not recorded.",
    ):
        assert _answered(remote, said, {"course"}) is False
    examples = "true if held online (e.g. via Zoom or Teams), false if held in person"
    assert _answered(examples, "We meet via Zoom on Mondays.", set()) is True
    explicit = "true if the episode is marked explicit or warned for strong language; false if marked clean."
    assert _answered(explicit, "Runs 1h 34m. Heads-up: contains strong language.", {"explicit"}) is True
    assert _answered(explicit, "1 hr 8 min · Clean", {"explicit"}) is False
    direct = "true if the flight is direct (nonstop), false if it has one or more stops or a layover"
    assert _answered(direct, "Stops: 0. Layover: none", set()) is True  # a count of none, "none" after a label
    assert _answered(direct, "1 stop, with a layover in Doha", set()) is False
    # What the thing is said to be, not a noun ending the clause: "rate" tells nothing of breakfast.
    breakfast = "true if breakfast is included in the rate, false if it is charged extra"
    assert _answered(breakfast, "Room rate: CHF 210 per night.", set()) is None


def test_a_title_may_be_a_number_but_never_a_date(tmp_path: Path) -> None:
    films = compiled(
        tmp_path, "film", "title: Film\ntype: object\nproperties:\n  title: {type: string}\n  year: {type: integer}\n"
    )
    assert "1917" in (offered(films, "Film club, Friday: 1917 (2019), directed by Sam Mendes.", "title") or [])
    assert "13 and 14 June 2026" not in (offered(films, "Screenings on 13 and 14 June 2026: Heat.", "title") or [])


def test_a_product_keeps_its_own_leading_number_where_its_count_comes_after(tmp_path: Path) -> None:
    parcel = compiled(tmp_path, "parcel", PARCEL)
    part = part_of(parcel)
    for line, name in [
        ("6 Pack Merino Socks, Grey ×2 — $45.00", "6 Pack Merino Socks, Grey"),
        ("15 inch Laptop Sleeve x 1", "15 inch Laptop Sleeve"),
        ("2 x Timber 2 x 4, 2.4m", "Timber 2 x 4, 2.4m"),
    ]:
        assert piece_choices(line, line, part.item)["name"] == [name]


def test_a_quoted_nickname_is_no_title_and_a_kind_word_opening_a_title_is_no_label(tmp_path: Path) -> None:
    agenda = compiled(tmp_path, "agenda", AGENDA)
    part = part_of(agenda)
    piece = 'Ana Ruiz, known as the "data whisperer", presents Scaling Kafka at Acme in Room 2.'
    assert piece_choices(piece, piece, part.item).get("title") != ["data whisperer"]
    text = """Time | Title | Speaker
09:00 | Talk to your data: LLMs over SQL | Ana Ruiz
10:00 | Why “move fast” fails at scale | Ben Ode
11:00 | Panel: Platform teams | Mei Chen
"""
    first, second, third = choices_of(agenda, text)
    assert first["title"][0] == "Talk to your data: LLMs over SQL"
    assert second["title"][0] == "Why “move fast” fails at scale"
    assert third["title"][0] == "Platform teams"


def test_a_series_name_with_its_number_is_a_title_not_a_numbering_label() -> None:
    levels = ("Level 1 Food Safety", "Level 2 Food Safety", "Level 3 Food Safety")
    assert not _numbering("Level 1 Food Safety", levels)
    assert _numbering("Week 1–2", ("Week 1–2 · Python", "Week 3–4 · ML"))


TALKS = """
title: Talks
type: object
properties:
  talks:
    type: array
    items: {$ref: "#/$defs/Talk"}
required: [talks]
$defs:
  Talk:
    type: object
    properties:
      title: {type: string}
      speaker: {type: string}
      start_time: {type: string, pattern: "^[0-2][0-9]:[0-5][0-9]$"}
    required: [title]
"""


def test_a_speakers_title_rooms_particles_and_organisations_tell_the_person_from_the_title(tmp_path: Path) -> None:
    talks = compiled(tmp_path, "talks", TALKS)
    part = part_of(talks)

    def choices(line: str) -> dict[str, Any]:
        return piece_choices(line, line, part.item)

    assert choices("09:00 Dr. Jane Smith – Why Feedback Matters")["speaker"] == ["Jane Smith"]
    assert "Sala Verdi" not in choices("09:30 Apertura dei lavori – Prof.ssa Giulia Bianchi – Sala Verdi").get(
        "speaker", []
    )
    particles = choices("09:30 Introducción a la inteligencia artificial – María de la Fuente")
    assert "Introducción a la inteligencia artificial" in particles["title"]
    assert choices("10:00 Async Rust in practice – Anna Berg (Ferrous Systems)")["speaker"] == ["Anna Berg"]
    assert choices("11:00 Rail data at scale – Tom Hill, Deutsche Bahn")["speaker"] == ["Tom Hill"]
    # A title or a role alone names someone: the model reads who, nothing pinned to "no one".
    assert "speaker" not in choices("12:00 Ethics in AI – Prof. Müller")


def test_words_quoted_inside_a_sentences_phrase_are_no_title(tmp_path: Path) -> None:
    talks = compiled(tmp_path, "talks", TALKS)
    part = part_of(talks)
    piece = 'At 10:00 Anna Berg explains why "move fast and break things" no longer works for banks.'
    assert piece_choices(piece, piece, part.item).get("title") != ["move fast and break things"]
    piece = 'At 11:00 Ben Ode gives a live demo of "zero downtime" migrations in Postgres.'
    assert piece_choices(piece, piece, part.item).get("title") != ["zero downtime"]


def test_a_course_name_with_its_number_is_no_numbering_label() -> None:
    courses = ("Calculus 1 – Anna Berg – 5 credits", "Calculus 2 – Tom Hill – 5 credits")
    assert not _numbering("Calculus 1", courses)
    assert _numbering("Session 1", ("Session 1 – Intro", "Session 2 – Deep dive"))


def test_two_events_of_a_flyer_are_no_table() -> None:
    flyer = """Summer Concerts
Venue
Riverside Park
Sat 6 June 2026
Jazz Quartet
Open Air Stage
Sat 13 June 2026
Brass Band
Open Air Stage"""
    assert cell_per_line_tables(flyer) == flyer


def test_a_trainer_named_once_under_another_word_for_the_part_is_every_modules() -> None:
    assert _named_for_all("Facilitator: Dr. Gareth Hughes", "trainer") == "Gareth Hughes"
    assert _named_for_all("Dozentin: Dr. Sabine Krüger", "trainer") == "Sabine Krüger"
    assert _named_for_all("Moderator: Dr. Gareth Hughes", "trainer") is None


def test_a_list_after_must_be_left_out_names_what_is_no_item() -> None:
    described = (
        "Every session in the programme: keynotes, talks and panels. These are NOT sessions and must be left out: "
        "breaks and coffee, lunch, dinners and other meals, registration, networking and social events."
    )
    found = left_out(described, frozenset({"sess"}))
    assert {"break", "coffee", "lunch", "dinner", "meal", "registration", "networking"} <= found
    assert not found & {"these", "event", "session"}  # a pronoun, a word any item may write, the items themselves
    # A sentence without the list's colon leaves nothing out: "Items that belong to another order are not included."
    assert left_out("Every line item. Items that belong to another order are not included.", frozenset({"item"})) == (
        frozenset()
    )
