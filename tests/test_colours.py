"""What the small profile offers a field holding a colour: the colours a text writes in any language, whole phrases
of them and each colour alone - not every run of its words."""

from pathlib import Path

from gateway.profiles.small.colours import colours, names_a_colour
from tests.offering import compiled, offered

LOST_ITEM = """
title: LostItem
type: object
properties:
  item: {type: string, description: What was lost, as written.}
  colour: {type: string, description: The item's colour, as written.}
  owner: {type: string}
"""


def test_a_colour_is_a_phrase_of_colour_words_in_any_language() -> None:
    assert colours("Bike: Ridgeback Speed, dark green (hybrid)") == ["dark green", "green"]
    assert colours("la MTB negra y naranja que dejaste") == ["negra y naranja", "negra", "naranja"]
    assert colours("Farbe: anthrazit matt    Typ: E-Bike") == ["anthrazit matt", "anthrazit"]
    assert colours("Green/white scarf, a Navy hat") == ["Green/white", "Green", "white", "Navy"]
    assert colours("Rower: Kross Esker 4.0, kolor: oliwkowy (gravel)") == ["oliwkowy"]
    # Words of other classes name none; a comma parts two colours of two things.
    assert colours("Thanks Hannah, see you on Tuesday at 10:00.") == []
    assert colours("a red bag, blue keys") == ["red", "blue"]
    assert colours("Jacke schwarz und dunkelgrau, Schal black and dark blue") == [
        "schwarz und dunkelgrau",
        "schwarz",
        "dunkelgrau",
        "black and dark blue",
        "black",
        "blue",
    ]


def test_a_field_holds_a_colour_by_its_name() -> None:
    assert names_a_colour("colour") and names_a_colour("color") and names_a_colour("frameColour")
    assert not names_a_colour("collar") and not names_a_colour("model")


def test_a_colour_field_is_offered_the_colours_the_text_writes(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "lost", LOST_ITEM)
    text = "Hej! Jonas Lindqvist har hittat en plånbok i Västerås, grå med svarta kanter. Ring 070-123 45 67."
    assert offered(schema, text)["colour"] == ["grå", "svarta"]
    # A text writing no colour: the runs of its words, as for any string.
    values = offered(schema, "Jonas Lindqvist found a wallet in Västerås.")["colour"]
    assert "Västerås" in values


def test_a_colours_label_marks_the_items_colour_and_a_town_is_none() -> None:
    # "Colore:" marks the vehicle's; "VIOLA" of a heading is no colour of it.
    assert colours("VIOLA art. 7 C.d.S.\nVeicolo: FIAT PANDA   Colore: grigio") == ["grigio"]
    # A town named after "de" is no colour ("Ville de Bordeaux"); "bordeaux" written as a colour is one.
    assert colours("Ville de Bordeaux\nVéhicule : PEUGEOT 208") == []
    assert colours("Véhicule : PEUGEOT 208, bordeaux") == ["bordeaux"]
