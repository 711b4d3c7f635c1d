"""What the small profile knows of a text's language: its common words are no one's name, a count written in it
counts what a field named in English names, and a thing's name is no address, question, greeting or code."""

import pytest

from gateway.extraction.text_facts import counted_noun
from gateway.profiles.small.languages import a_common_word, language_of
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

BOOKING = """
title: HotelBooking
type: object
properties:
  hotel: {type: string, description: The name of the hotel, as written.}
  guest_name: {type: string, description: The name of the guest the booking is for.}
  nights: {type: integer, description: The number of nights.}
  guests: {type: integer, description: The number of guests.}
  check_in: {type: string, format: date}
required: [check_in]
"""

SPANISH_CHAT = """[3/7/26, 19:02] Lucía: Ya he reservado el hotel para Sevilla!!
[3/7/26, 19:04] Lucía: Del jueves 17 al domingo 20 de septiembre de 2026, 3 noches, somos 2 personas
[3/7/26, 19:06] Javi: Cuánto ha sido?
[3/7/26, 19:07] Lucía: 98 € la noche, 294 € en total. Tenemos el desayuno aparte
[3/7/26, 19:07] Lucía: Está a nombre de Lucía Ortega Ruiz por si preguntan
[3/7/26, 19:08] Javi: Perfecto. Para cambios llamamos al hotel
"""


@pytest.fixture(scope="module")
def booking(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("booking"), "booking", BOOKING)


def test_a_text_s_language_is_the_one_whose_common_words_it_writes_most() -> None:
    assert language_of(SPANISH_CHAT) == "es"
    german = "Sehr geehrter Herr Keller, vielen Dank für Ihre Buchung im Hotel Alpenrose. Wir freuen uns"
    assert language_of(german) == "de"
    assert language_of("Thanks for booking with us, we look forward to your stay") == "en"
    assert language_of("Hotel Alpenrose") == "en"  # too few words to tell: English


def test_common_words_of_the_text_s_language_are_no_one_s_name(booking: CompiledSchema) -> None:
    names = offered(booking, SPANISH_CHAT)["guest_name"]
    assert "Lucía Ortega Ruiz" in names
    assert not {"Tenemos", "Para", "Perfecto. Para", "Está", "Del"} & set(names)
    # ... but a given name that is a common word too, or a word of two letters (the lists hold country codes)
    assert not a_common_word("Will", "Will Turner will call you back about the booking, he said")
    assert not a_common_word("Jo", "Jo and I will be there in the evening with the others")
    assert a_common_word("Hej", "Hej Karin")  # a greeting of any language
    assert a_common_word("Del", SPANISH_CHAT, alone=True)  # a name's particle, but no name alone


def test_a_day_or_month_of_another_language_is_no_one_s_name(booking: CompiledSchema) -> None:
    text = (
        "Sehr geehrter Herr Albrecht,\nwir bestätigen Ihre Buchung für Mittwoch, 19. Februar 2026. Wir freuen uns "
        "auf Sie und sind bis dahin gern für Sie da.\nGast: Jonas Albrecht\nBis Mittwoch!\nIhr Hotelteam"
    )
    names = offered(booking, text)["guest_name"]
    assert "Jonas Albrecht" in names
    assert "Mittwoch" not in names and "Februar" not in names


def test_a_count_written_in_another_language_counts_what_the_field_names(booking: CompiledSchema) -> None:
    assert offered(booking, SPANISH_CHAT)["nights"] == [3]
    text = (
        "Réservation confirmée – Hôtel Le Petit Lys\nmar. 5 mai 2026 → ven. 8 mai 2026 · 3 nuits · 2 adultes\nCode 26"
    )
    assert offered(booking, text)["nights"] == [3]
    assert offered(booking, "Antal nätter:     2\nPris per natt:    SEK 1 495\nIncheckning 2026-05-04")["nights"] == [2]
    assert counted_noun("für 4 Nächte", len("für 4")) == "night"
    assert counted_noun("2 sovrum", 1) == "bedroom"


def test_a_thing_s_name_is_no_address_question_greeting_or_code(booking: CompiledSchema) -> None:
    text = (
        "Hotel Casa del Azahar\nCuánto ha sido?\n12 Quay Street, Whitby YO21 3PR\nBonjour Claire\n"
        "Localizador: KRK/2026/11873\nLlegada 2026-09-17\nHotel Casa del Azahar · Sevilla"
    )
    hotels = offered(booking, text)["hotel"]
    assert "Hotel Casa del Azahar" in hotels
    assert not {"Cuánto ha sido?", "12 Quay Street, Whitby YO21 3PR", "Bonjour Claire", "KRK/2026/11873"} & set(hotels)


NAMED = """
title: Stay
type: object
properties:
  hotel: {type: string, description: The hotel's name.}
  full_name: {type: string, description: The person's full name.}
  contact_name: {type: string, description: The person who wrote the message.}
required: [full_name]
"""


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("named"), "named", NAMED)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hej! Jag heter Inga Lindqvist och vill boka ett rum för 3 nätter. Vi är två personer.", "Inga Lindqvist"),
        ("Guten Tag, mein Name ist Ernst Müller. Ich möchte ein Zimmer für 3 Nächte buchen.", "Ernst Müller"),
        ("Buongiorno, sono Mia Rossi e vorrei prenotare una camera per 3 notti. Siamo in due.", "Mia Rossi"),
        ("Hi, my name is Young Park and I would like to book a room for the two of us.", "Young Park"),
        ("Name: Julio\nSurname: Freitag\nPlease book a room for 3 nights.", "Julio"),
        ("Buongiorno, sono Giulia Dal Molin e vorrei prenotare una camera. Siamo in due.", "Giulia Dal Molin"),
    ],
)
def test_a_given_name_that_is_a_common_word_or_a_day_is_still_a_name(
    named: CompiledSchema, text: str, name: str
) -> None:
    # (only a common word standing alone is none: "Inga" of "Inga Lindqvist" starts a name)
    assert name in offered(named, text)["full_name"]


def test_an_organisation_spelled_by_a_domain_is_not_a_person_but_a_mailbox_may_be(named: CompiledSchema) -> None:
    text = (
        "From: Sarah Jones <hello@sarahjones.co.uk>\nHi Mark, your photos from the Hotel Miramar wedding are ready.\n"
        "Best, Sarah Jones"
    )
    assert "Sarah Jones" in offered(named, text)["contact_name"]
    # A mail from a booking platform names the hotel: the platform's domain does not decide.
    text = (
        "From: Booking.com <noreply@booking.com>\nYour booking is confirmed!\nHotel Adlon Kempinski\n"
        "Unter den Linden 77, 10117 Berlin\nGuest: Anna Berg\nManage your booking at https://www.booking.com/manage"
    )
    assert "Hotel Adlon Kempinski" in offered(named, text)["hotel"]


def test_a_name_opening_with_a_greeting_s_word_is_a_name_where_it_is_no_greeting(named: CompiledSchema) -> None:
    text = "Buenos Aires Grill\nReview by Tom Reed\nGreat steak, friendly staff. Buenos Aires Grill is worth a visit."
    assert "Buenos Aires Grill" in offered(named, text)["hotel"]


def test_a_german_noun_is_no_name(named: CompiledSchema) -> None:
    text = "Guten Tag, mein Name ist Ernst Müller. Ich möchte ein Zimmer für 3 Nächte buchen. Wir sind zwei Personen."
    names = offered(named, text)["full_name"]
    assert "Ernst Müller" in names
    assert not {"Name", "Zimmer", "Nächte", "Personen"} & set(names)
