"""Enum values a text names in its own language ("Katze" for cat, "virement" for bank_transfer, "pounds" for GBP)
are offered; a gloss of another language, or an enum no gloss covers, offers nothing. No model runs here."""

from pathlib import Path

import pytest

from gateway.profiles.small.glosses import glosses
from tests.offering import compiled, offered

PET = """
title: Visit
type: object
properties:
  pet_name: {type: string}
  species: {type: string, enum: [dog, cat, rabbit, other]}
  payment: {type: string, enum: [cash, card, bank_transfer]}
  handover: {type: string, enum: [pickup, shipping]}
  transport: {type: string, enum: [train, bus_or_coach]}
  currency: {type: string, enum: [GBP, EUR, USD]}
  status: {type: string, enum: [requested, confirmed, cancelled]}
"""


@pytest.mark.parametrize(
    ("text", "field", "values"),
    [
        ("Ihr Termin für Mimi (Katze) am Dienstag ist bestätigt. Zahlung per Überweisung.", "species", ["cat"]),
        (
            "Ihr Termin für Mimi (Katze) am Dienstag ist bestätigt. Zahlung per Überweisung.",
            "payment",
            ["bank_transfer"],
        ),
        ("Ihr Termin für Mimi (Katze) am Dienstag ist bestätigt. Zahlung per Überweisung.", "status", ["confirmed"]),
        ("Animal : ROCKY - Espèce : chien. Paiement en espèces sur place, merci.", "species", ["dog"]),
        ("Animal : ROCKY - Espèce : chien. Paiement en espèces sur place, merci.", "payment", ["cash"]),
        ("Hola, tenemos hueco para Tambor (conejo) el lunes. La cita está cancelada.", "species", ["rabbit"]),
        ("Hola, tenemos hueco para Tambor (conejo) el lunes. La cita está cancelada.", "status", ["cancelled"]),
        (
            "Dzień dobry, zgadzam się na to: wysyłka do paczkomatu, a płatność przelewem jest dla mnie w porządku.",
            "handover",
            ["shipping"],
        ),
        (
            "Dzień dobry, zgadzam się na to: wysyłka do paczkomatu, a płatność przelewem jest dla mnie w porządku.",
            "payment",
            ["bank_transfer"],
        ),
        ("Les élèves partiront en autocar depuis l'école et rentreront vers 17h.", "transport", ["bus_or_coach"]),
        ("The bill came to a hundred and forty pounds, paid by card.", "currency", ["GBP"]),
    ],
)
def test_an_enum_value_named_in_the_texts_language_is_offered(
    tmp_path: Path, text: str, field: str, values: list[str]
) -> None:
    assert offered(compiled(tmp_path, "visit", PET), text)[field] == values


def test_a_gloss_counts_only_in_a_text_of_its_language(tmp_path: Path) -> None:
    # "chat" is French for cat: an English text's live chat is none, nor its car park a coach.
    text = "Thanks for the chat about Biscuit today; the car park is behind the clinic and we will see you then."
    schema = compiled(tmp_path, "visit", PET)
    assert "species" not in offered(schema, text) and "transport" not in offered(schema, text)
    french = "Merci pour votre message, le chat de Sophie va bien et nous le verrons lundi."
    assert "chat" in glosses("cat", french) and "chat" not in glosses("cat", text)
    assert glosses("offence_type", "Strafzettel wegen Parken ohne Parkschein") == []  # no gloss: its own words only
    assert glosses(3, "drei") == []
