"""What the small profile offers a bill's and a trip's fields: an event's date is not the date its mail was sent
(a quote's or an invoice's may be), an amount due is a sum of money, and a text writing decimals with a comma groups
any number's thousands with full stops."""

import pytest

from gateway.extraction.text_facts import TextFacts
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

BILL = """
title: UtilityBill
type: object
properties:
  supplier: {type: string}
  amount_due: {type: number, description: The amount to pay.}
  due_date: {type: string, format: date}
  invoice_date: {type: string, format: date}
  reading: {type: number, description: The meter reading.}
required: [supplier]
"""

TRIP = """
title: TrainTicket
type: object
properties:
  passenger: {type: string}
  departure_date: {type: string, format: date}
  quote_date: {type: string, format: date, description: The date of the offer.}
required: [passenger]
"""

MAIL = """From: Lena Hoffmann <lena@example.org>
Sent: Monday, 7 December 2026 21:36
To: Sabine <sabine@example.org>
Subject: My train

Hi Mum, my train leaves on 21.12.2026 at 09:43, see you then!"""


@pytest.fixture(scope="module")
def bill(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("bill"), "bill", BILL)


@pytest.fixture(scope="module")
def trip(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("trip"), "trip", TRIP)


def test_an_event_s_date_is_not_the_date_its_mail_was_sent(trip: CompiledSchema) -> None:
    fields = offered(trip, MAIL)
    assert fields["departure_date"] == ["2026-12-21"]
    # (the date of a document the mail is: its own date may be the mail's)
    assert "2026-12-07" in fields["quote_date"]


def test_a_sent_date_stays_where_the_text_writes_no_other(trip: CompiledSchema) -> None:
    text = "From: Lena <lena@example.org>\nSent: Monday, 7 December 2026 21:36\nSubject: Train\n\nI leave today."
    assert offered(trip, text)["departure_date"] == ["2026-12-07"]


def test_an_amount_due_is_a_sum_of_money(bill: CompiledSchema) -> None:
    text = (
        "Northwind Energy - account 6612 0348 77, 3 months, 2 meters\n"
        "Charges £288.75, VAT 5%, please pay £303.59 by 18/03/2026"
    )
    # (not the account's groups, the months, the meters nor the rate)
    assert offered(bill, text)["amount_due"] == [288.75, 303.59]


def test_an_amount_beside_a_currency_field_is_a_sum_of_money(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fine")
    fine = compiled(
        folder,
        "fine",
        "title: Fine\ntype: object\nproperties:\n  amount: {type: number}\n  currency: "
        "{type: string}\nrequired: [amount]\n",
    )
    count = compiled(
        folder, "count", "title: Count\ntype: object\nproperties:\n  amount: {type: number}\nrequired: [amount]\n"
    )
    text = "Notice 4821 of 3 Nov 2026: vehicle parked 14 minutes over. Pay €70 within 28 days (€35 if paid early)."
    assert offered(fine, text)["amount"] == [70, 35]
    # (with no currency beside it, an amount may be a count: every number stays)
    assert {4821, 14, 70, 28, 35} <= set(offered(count, text)["amount"])


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Polder Energie: meterstand 23.418 kWh, te betalen € 212,35", 23418),
        ("GAS PADANO: lettura 8.743 Smc, totale 246,80 €", 8743),
    ],
)
def test_full_stops_group_thousands_where_commas_write_decimals(bill: CompiledSchema, text: str, reading: int) -> None:
    assert reading in offered(bill, text)["reading"]
    assert reading / 1000 not in [found.value for found in TextFacts(text).numbers]


def test_full_stops_write_decimals_where_the_text_writes_them_so() -> None:
    # ("4.50" writes a decimal with a full stop: "23.418" may be one too)
    assert 23.418 in [found.value for found in TextFacts("Reading 23.418 kWh, price 4.50 GBP").numbers]


RENTAL = """
title: CarRental
type: object
properties:
  confirmation_number: {type: string, description: The booking number.}
  tracking_number: {type: string}
required: [confirmation_number]
"""


@pytest.fixture(scope="module")
def rental(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("rental"), "rental", RENTAL)


def test_a_code_is_no_phone_amount_time_or_day_the_text_writes(rental: CompiledSchema) -> None:
    text = (
        "Bilhyra AB - BN-48219\nTis 16/02 kl 20.14: hämtning. Pris 3 560 kr, depositum 1.300 kr.\n"
        "Ring 0980-120 40 eller 020-91 00 91."
    )
    assert offered(rental, text)["confirmation_number"] == ["BN-48219"]
    # ... but one marked as a number ("n°"), or labelled with the field's name, is a code however it is written.
    marked = "Contrat n° 0471 228 519, tel. 06 12 34 56 78, réf. AB-12"
    codes = offered(rental, marked)["confirmation_number"]
    assert "0471 228 519" in codes
    assert "06 12 34 56 78" not in codes
    # (and a parcel's number is written in groups like a phone's)
    assert "7712 3456 7890" in offered(rental, "Parcel 7712 3456 7890, call 0161 496 0733")["tracking_number"]


def test_a_place_is_no_person_the_text_greets_nor_a_greeting(tmp_path_factory: pytest.TempPathFactory) -> None:
    schema = compiled(
        tmp_path_factory.mktemp("pickup"),
        "pickup",
        "title: Pickup\ntype: object\nproperties:\n  location: {type: string}\n  driver: {type: string}\n"
        "required: [location]\n",
    )
    text = "Hola Sofia Mendes,\nrecogida en Lisboa Santa Apolónia a las 10:00.\nSaludos, Lusocar"
    places = offered(schema, text)["location"]
    assert "Lisboa Santa Apolónia" in places
    assert not {"Sofia Mendes", "Hola Sofia Mendes", "Hola"} & set(places)
