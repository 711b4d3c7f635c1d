"""What the small profile offers a stay's, an appointment's and a parcel's fields: a currency's code from its symbol,
a stay's first and last day, months written short or in other languages, a year of two digits, a person named for a
role, a clinic's name, and the parcel number a tracking link carries."""

from pathlib import Path

import pytest

from gateway.extraction.text_facts import TextFacts
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

STAY = """
title: HotelStay
type: object
properties:
  hotel: {type: string}
  check_in: {type: string, format: date}
  check_out: {type: string, format: date}
  total_price: {type: number}
  currency: {type: string, pattern: "^[A-Z]{3}$", description: The ISO 4217 code of the total's currency.}
required: [check_in, check_out]
"""

APPOINTMENT = """
title: MedicalAppointment
type: object
properties:
  clinic: {type: string, description: The name of the practice or clinic.}
  practitioner: {type: string, description: The name of the doctor the appointment is with.}
  patient: {type: string, description: The name of the patient.}
  date: {type: string, format: date}
  time: {type: string, pattern: "^[0-2][0-9]:[0-5][0-9]$", description: The appointment's time as HH:MM.}
required: [date]
"""


@pytest.fixture(scope="module")
def stay(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("stay"), "stay", STAY)


@pytest.fixture(scope="module")
def appointment(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("appointment"), "appointment", APPOINTMENT)


def _dates(text: str) -> list[tuple[str, str]]:
    return [(found.value, text[found.start : found.end]) for found in TextFacts(text).dates]


def test_a_currency_is_read_from_its_symbol_code_or_name() -> None:
    def codes(text: str) -> list[str]:
        return [found.value for found in TextFacts(text).currencies]

    assert codes("Totale: € 1.029,00") == ["EUR"]
    assert codes("Razem 1 234,00 zł, paid US$ 20") == ["PLN", "USD"]
    assert codes("Totalt 2 990 kr för två nätter") == ["SEK"]  # a Swedish text's crowns
    assert codes("Pris: 450 kr. Vi glæder os til at se dig") == ["DKK"]
    assert codes("Pris: 450 kr. Takk for bestillingen") == ["NOK"]
    assert codes("about 20 euros a night, or 80 chf") == ["EUR", "CHF"]
    # Capitals that are no currency's code, codes beside no amount, a sign that is a word's letters: none.
    assert codes("NIP 123-456, AVE arrives 23:40; a PHP developer; Fr. Müller; ils sont là") == []
    assert codes("total 342.00EUR") == ["EUR"]  # a code written against its amount
    assert codes("Total (EUR): 342.00") == ["EUR"]
    assert codes("Order ABC123EUR4") == []  # inside a code
    assert codes("Price $120. Also in AUD 150") == ["USD", "AUD"]  # a "$" not written with the code
    assert codes("$349.00 (CAD) plus $45.37 tax") == ["CAD", "CAD", "CAD"]  # a bare "$" is the dollar it names


def test_a_currency_field_is_offered_the_codes_the_text_writes_not_any_capitals(stay: CompiledSchema) -> None:
    text = "Hotel Casa Azahar, AVE station nearby.\n98 € la noche, 294 € en total (IVA incl.).\n"
    assert offered(stay, text)["currency"] == ["EUR"]
    assert "currency" not in offered(stay, "Hotel Lys: 3 nights, total 342.00\n")  # no currency written: left out


def test_months_written_short_or_in_other_languages_and_years_of_two_digits() -> None:
    assert _dates("Check-in sab 10 ott 2026") == [("2026-10-10", "10 ott 2026")]
    assert _dates("ResaVoyage • 12 avr. 2026") == [("2026-04-12", "12 avr. 2026")]
    assert _dates("Przyjazd: 27 listopada 2026") == [("2026-11-27", "27 listopada 2026")]
    assert _dates("Ankomst 3 augusti 2026") == [("2026-08-03", "3 augusti 2026")]
    assert _dates("Data: 13 set 2026") == [("2026-09-13", "13 set 2026")]  # a short form that is a word: a year after
    assert _dates("Schaden am 3.3.26 gemeldet") == [("2026-03-03", "3.3.26")]
    assert _dates("Di., 17.03.26, 10:15") == [("2026-03-17", "17.03.26")]
    assert _dates("Rechnungsdatum 17.03.26") == [("2026-03-17", "17.03.26")]
    assert [value for value, _ in _dates("Leistungszeitraum 01.03.26 - 31.03.26")] == ["2026-03-01", "2026-03-31"]
    # A year of two digits only where the text dates it so: not a version's, a section's or a phone's figures.
    assert _dates("Django 4.2.11; see section 2.1.10; Tel. 12.30.45; IP 10.1.2.26") == []
    # Not a short form that is a word without a year ("set", "lug"); a range's second date stays one.
    assert _dates("table 4 set for two; 2 lug nuts") == []
    assert _dates("01.02.2025-03.02.2025") == [("2025-02-01", "01.02.2025"), ("2025-02-03", "03.02.2025")]


def test_a_stays_first_and_last_day_are_its_range_s_ends(stay: CompiledSchema) -> None:
    text = (
        "ResaVoyage • 12 avr. 2026, 18:07\n"
        "Réservation confirmée ✅ Hôtel Le Lys, Lyon\n"
        "mar. 5 mai → ven. 8 mai · 3 nuits · 2 adultes\n"
        "Total : 342,00 €\n"
    )
    facts = TextFacts(text)
    assert [(first.value, last.value) for first, last in facts.date_ranges] == [("2026-05-05", "2026-05-08")]
    values = offered(stay, text)
    assert values["check_in"][0] == "2026-05-05"
    assert values["check_out"][0] == "2026-05-08"


def test_a_role_field_holds_a_persons_name_not_the_other_roles(appointment: CompiledSchema) -> None:
    text = (
        "MediBook - Appointment confirmed\n"
        "Patient: Camille Durand\n"
        "With: Hélène Marchand, general practitioner\n"
        "Centre de Santé Bellecour\n"
        "Date: 5 May 2026, 14:30\n"
    )
    values = offered(appointment, text)
    assert "Camille Durand" in values["patient"]
    assert "Camille Durand" not in values["practitioner"]
    assert "Hélène Marchand" in values["practitioner"]
    assert "MediBook" not in values["patient"]


def test_a_field_named_for_a_kind_of_organisation_is_offered_the_names_the_text_gives(
    appointment: CompiledSchema,
) -> None:
    text = (
        "From: Riverside Medical Centre <noreply@riverside.example>\n"
        "Subject: Your appointment\n\n"
        "Dear Naveen Shah, your appointment is on 12/03/2026 at 9.30am.\n"
        "Reply YES to confirm.\n"
    )
    values = offered(appointment, text)["clinic"]
    assert "Riverside Medical Centre" in values
    assert len(values) < 10  # the text's names, not every run of its words


PARCEL = """
title: ShippingNotice
type: object
properties:
  order_number: {type: string}
  tracking_number: {type: string}
required: [order_number]
"""


def test_a_parcels_number_is_the_one_its_tracking_link_carries(tmp_path: Path) -> None:
    parcel = compiled(tmp_path, "parcel", PARCEL)
    text = (
        "Votre commande n° ATL-003187 a été expédiée.\n"
        "Numéro de suivi : 6A 234 567 890 12\n"
        "Suivre mon colis : https://www.laposte.fr/outils/suivre-vos-envois?code=6A23456789012\n"
        "Service client : 12 345 67 89\n"
    )
    assert offered(parcel, text)["tracking_number"] == ["6A 234 567 890 12"]


def test_a_time_of_day_is_not_the_time_the_message_was_sent(appointment: CompiledSchema) -> None:
    text = (
        "From: The Linden Clinic <appointments@linden.example>\n"
        "Sent: 01 December 2026 17:56\n"
        "To: Hannah Brooks\n"
        "Subject: Appointment confirmation\n\n"
        "Date: Wednesday 16 December 2026\n"
        "Time: 3.45pm\n"
    )
    assert offered(appointment, text)["time"] == ["15:45"]
    # Nor a chat's stamps.
    chat = "[03/05/2026, 09:12] Lab: Your blood test is on 19/11/2026 at 08:40.\n[03/05/2026, 09:13] Manuel: ok"
    assert offered(appointment, chat)["time"] == ["08:40"]


def test_a_stays_days_by_their_labels_that_differ_by_in_and_out(stay: CompiledSchema) -> None:
    text = (
        "Check-in: Thursday 9 April 2026, from 3pm\nCheck-out: Sunday 12 April 2026, by 11am\nBooked on 2 March 2026.\n"
    )
    values = offered(stay, text)
    assert values["check_in"] == ["2026-04-09"]
    assert values["check_out"] == ["2026-04-12"]
    german = "Anreise: 22.05.2026\nAbreise: 25.05.2026\nGesendet am 14.04.2026\n"
    assert offered(stay, german)["check_in"] == ["2026-05-22"]
    assert offered(stay, german)["check_out"] == ["2026-05-25"]
