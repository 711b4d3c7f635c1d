"""What the small profile offers a journey's start and end ("departure_port" and "arrival_port", "origin" and
"destination"): the places a text joins by an arrow, a dash or "to", or labels for leaving and arriving - not every
run of its words."""

from pathlib import Path

import pytest

from gateway.profiles.small.routes import route_end, routes
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

CROSSING = """
title: Crossing
type: object
properties:
  departure_port: {type: string, description: The port the crossing leaves from, as written.}
  arrival_port: {type: string, description: The port the crossing arrives at, as written.}
  departure_time: {type: string, description: "HH:MM"}
  lead_passenger: {type: string}
required: [departure_port, arrival_port]
"""

TRIP = """
title: SchoolTrip
type: object
properties:
  destination: {type: string, description: Where the class goes, as written.}
  pupil: {type: string}
"""


@pytest.fixture(scope="module")
def crossing(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("crossing"), "crossing", CROSSING)


def starts_and_ends(text: str) -> tuple[list[str], list[str]]:
    starts, ends = routes(text)
    return [found.value for found in starts], [found.value for found in ends]


def test_a_journey_end_is_a_place_field_named_for_leaving_or_arriving() -> None:
    assert route_end("departure_port") == 0 and route_end("origin") == 0 and route_end("from_station") == 0
    assert route_end("arrival_port") == 1 and route_end("destination") == 1 and route_end("destinationCity") == 1
    assert route_end("departure_time") is None and route_end("arrival_date") is None  # no place
    assert route_end("port") is None  # neither end


def test_places_joined_by_an_arrow_a_dash_or_to_are_a_journeys_ends() -> None:
    assert starts_and_ends("Strecke: Kiel → Oslo\nAbfahrt: Mittwoch, 16.06.2027") == (["Kiel"], ["Oslo"])
    # A time beside each place; a station's name of several words and small ones.
    text = "Manchester Piccadilly 07:35  ->  London Euston 09:46\nMadrid Puerta de Atocha 10:00 → Sevilla Santa Justa"
    assert starts_and_ends(text) == (
        ["Manchester Piccadilly", "Madrid Puerta de Atocha"],
        ["London Euston", "Sevilla Santa Justa"],
    )
    # "to" inside a sentence, not a weekday after the place, not the sentence before it.
    text = "Thanks Owen. I can see Holyhead to Dublin on Thursday 10 December. Tack Karin Sjöberg. Nynäshamn–Visby tors"
    assert starts_and_ends(text) == (["Holyhead", "Nynäshamn"], ["Dublin", "Visby"])


def test_what_only_looks_like_a_journey_is_none() -> None:
    # A sentence's first word before "to", a heading's parts, a label's value and its detail, opening hours.
    text = (
        "Welcome to London!\nKleinanzeigen – Nachrichten\nVéhicule : Moto – Honda Africa Twin\n"
        "Service-Hotline (Mo–Fr 8–18 Uhr)\nFrom: Northline Ferries <bookings@northline.example>"
    )
    assert starts_and_ends(text) == ([], [])


def test_lines_labelled_for_leaving_and_arriving_give_a_journeys_ends() -> None:
    text = "Partenza: Milano Centrale     22/04/2026  ore 07:00\nArrivo:   Roma Termini        22/04/2026  ore 10:10"
    assert starts_and_ends(text) == (["Milano Centrale"], ["Roma Termini"])
    # A weekday or a time after the label is no place.
    assert starts_and_ends("Départ : samedi 15 mai 2027 à 19h30\nArrival: 08:45") == ([], [])


def test_a_journeys_ends_are_offered_the_places_the_text_joins(crossing: CompiledSchema) -> None:
    text = (
        "Wadden Express app · Meldingen\nAccount: Pieter van Dam\n\nvr 12 mrt 2027 · 08:15\n"
        "Herinnering: je vaart morgen! Za 13 maart 2027, 09:45 Harlingen → West-Terschelling (snelboot).\n"
        "Klantenservice 0517 49 15 00"
    )
    values = offered(crossing, text)
    assert values["departure_port"] == ["Harlingen"]
    assert values["arrival_port"] == ["West-Terschelling"]
    # A text writing no journey so: the runs of its words, as before.
    values = offered(crossing, "Your crossing leaves Calais at 10:15 with Jan Novak aboard.")
    assert "Calais" in values["departure_port"] and len(values["departure_port"]) > 1


def test_a_destination_without_a_start_beside_it_is_no_journeys_end(tmp_path: Path) -> None:
    trip = compiled(tmp_path, "trip", TRIP)
    text = "Consent form\nTrip to the Field Museum, Chicago - Online Forms\nPupil: Ana Ruiz"
    assert offered(trip, text)["destination"] != ["Online Forms"]
