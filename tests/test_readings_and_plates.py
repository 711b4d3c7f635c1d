"""What the small profile offers a vehicle's and a membership's fields: an odometer's reading by the unit written
after it ("87.450 km", "48,312 miles"), a vehicle's number plate (not the invoice's number), and a local date-time
a pattern asks for, made of a date and the time written with it."""

import pytest

from gateway.extraction.text_facts import TextFacts
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

SERVICE = """
title: CarServiceRecord
type: object
properties:
  garage: {type: string, description: The garage's name.}
  registration: {type: string, description: "The vehicle's registration / number plate, as written."}
  mileage: {type: integer, minimum: 0, description: The odometer reading at the visit. Omit if not stated.}
  total_cost: {type: number}
  service_date: {type: string, format: date}
required: [registration, service_date, total_cost]
"""

MEMBERSHIP = """
title: GymMembership
type: object
properties:
  member_name: {type: string}
  start_date: {type: string, format: date}
  induction:
    type: string
    pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]$"
    description: The date and time of the induction as YYYY-MM-DDTHH:MM. Omit if not stated.
required: [member_name, start_date]
"""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("service"), "service", SERVICE)


@pytest.fixture(scope="module")
def membership(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("membership"), "membership", MEMBERSHIP)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Serviced 2026-03-04. Mileage: 48,312 miles. Total £245.00", [48312]),
        ("Kilometerstand: 87.450 km, Datum 2026-03-04, Gesamt 245,00 €", [87450]),
        ("Kilométrage : 112 604 km le 2026-03-04, total 245 €", [112604]),
        ("Odometer 74215 km on 2026-03-04, 2 tyres, total 80 EUR", [74215]),
    ],
)
def test_an_odometer_reading_is_a_distance_written_so(service: CompiledSchema, text: str, reading: list[int]) -> None:
    # (not the day and month of a date, the tyres counted nor the total)
    assert offered(service, text)["mileage"] == reading


def test_thousands_grouped_by_full_stops_are_read_whole_before_a_distance_or_a_currency() -> None:
    assert [found.value for found in TextFacts("km-Stand: 87.450 km, Gesamt 245,00 €").integers] == [87450]
    # (a text grouping other numbers so: "Preis 26.750", "1.000 kg"; a group ending in a nought: "148.500 km")
    assert [f.value for f in TextFacts("Preis 26.750 VB, Anhänge 1.000 kg, 98.412 km").integers][-1] == 98412
    assert [found.value for found in TextFacts("Kilometerstand 148.500 km").integers] == [148500]
    # (a text that writes decimals with a full stop: a marathon's 42.195 km)
    assert [found.value for found in TextFacts("Marathon: 42.195 km in 3.5 hours").numbers] == [42.195, 3.5]
    assert [found.value for found in TextFacts("Pris: 12.500 kr").integers] == [12500]
    assert [found.value for found in TextFacts("pH 7.450 measured").integers] == []  # a decimal, not thousands


def test_a_number_plate_is_letters_and_figures_not_the_document_s_number(service: CompiledSchema) -> None:
    text = (
        "Rechnung Nr. R-2026-01187\nDatum: 02.03.2026\nFahrzeug: VW Golf VII 1.4 TSI, amtl. Kennzeichen M-JL 4821\n"
        "Gesamtbetrag: 412,30 €"
    )
    assert "M-JL 4821" in offered(service, text)["registration"]
    # A reading labelled with the field's own word is still no plate: "Km registados".
    text = "A sua viatura 45-XR-92 está pronta.\nKm registados: 156 020\nTotal c/ IVA: 213,41€ em 22/01/2026"
    assert offered(service, text)["registration"] == ["45-XR-92"]


def test_a_local_date_time_is_a_date_with_the_time_written_with_it(membership: CompiledSchema) -> None:
    text = "Welcome Anna Berg! Your membership starts on 1 March 2026. Induction: Tuesday 3 March 2026 at 18:30."
    assert offered(membership, text)["induction"] == ["2026-03-03T18:30"]
    text = "Mitglied: Anna Berg. Start: 01.03.2026. Einweisung am 03.03.2026 um 18.30 Uhr"
    assert offered(membership, text)["induction"] == ["2026-03-03T18:30"]


RETURN = """
title: ReturnRequest
type: object
properties:
  retailer: {type: string, description: The shop or online store the goods were bought from. Omit if not stated.}
  order_number: {type: string}
  collected_at:
    type: string
    pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-2][0-9]:[0-5][0-9]$"
    description: When the courier collects the parcel. Omit if not stated.
required: [order_number]
"""


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("returned"), "returned", RETURN)


def test_a_shop_is_the_text_s_own_thing_named_without_its_legal_form_or_department(returned: CompiledSchema) -> None:
    text = (
        "From: Reklamace ElektroBazar.cz <reklamace@elektrobazar.cz>\nSubject: Potvrzení přijetí reklamace\n\n"
        "Dobrý den, pane Dvořáku,\npotvrzujeme přijetí reklamace k objednávce EB-20931.\n\n"
        "Reklamační oddělení\nElektroBazar.cz s.r.o."
    )
    shops = offered(returned, text)["retailer"]
    assert "ElektroBazar.cz" in shops and "ElektroBazar.cz s.r.o." in shops
    assert "Dobrý den, pane Dvořáku" not in shops  # a greeting


def test_a_date_time_is_not_a_message_s_stamp_where_the_text_writes_another(returned: CompiledSchema) -> None:
    text = (
        "[03/03/2026, 10:05] Shop: Your order AB-1234 is booked for collection.\n[03/03/2026, 10:06] Me: Thanks\n"
        "[03/03/2026, 10:07] Shop: The courier comes on 15/03/2026 at 14:30."
    )
    assert offered(returned, text)["collected_at"] == ["2026-03-15T14:30"]


VEHICLE = """
title: Vehicle
type: object
properties:
  registration: {type: string, description: The number plate.}
  vin: {type: string, description: The vehicle identification number.}
  rooms: {type: integer, description: How many rooms the flat has.}
  bedrooms: {type: integer}
required: [registration]
"""


@pytest.fixture(scope="module")
def vehicle(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("vehicle"), "vehicle", VEHICLE)


def test_a_plate_is_no_postcode_and_a_vin_no_plate(vehicle: CompiledSchema) -> None:
    text = "Hollins Motors, 12 Quay Street, Whitby YO21 3PR\nFord Focus KP19 XRD\nVIN 1HGCM82633A004352"
    fields = offered(vehicle, text)
    assert fields["registration"] == ["KP19 XRD"]
    assert "1HGCM82633A004352" in fields["vin"]


def test_a_listing_s_rooms_and_bedrooms_in_other_languages(vehicle: CompiledSchema) -> None:
    text = "Appartement 3 pièces, 2 chambres, 65 m², loyer 1200 €. Plaque: AB-123-CD"
    fields = offered(vehicle, text)
    assert fields["rooms"] == [3]
    assert fields["bedrooms"] == [2]


def test_a_document_s_code_is_no_year_size_or_small_number_alone(returned: CompiledSchema) -> None:
    text = "Reso n. 118 del 2026 - ordine CV-77104, cuscino 45x45, 2 pezzi"
    assert offered(returned, text)["order_number"] == ["CV-77104"]


JOURNEY = """
title: TrainTicket
type: object
properties:
  origin: {type: string}
  departure_time: {type: string, pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", description: Omit if not stated.}
  arrival_time: {type: string, pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", description: Omit if not stated.}
required: [origin]
"""


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("journey"), "journey", JOURNEY)


def test_a_start_and_an_end_time_written_together_are_the_first_and_the_second(journey: CompiledSchema) -> None:
    text = (
        "From: RailGo <tickets@railgo.co.uk>\nSent: 25 Oct 2026 18:00\n\nFriday 13 November 2026\n"
        "Manchester Piccadilly 07:35  ->  London Euston 09:46\nCoach C, seat 42"
    )
    fields = offered(journey, text)
    assert (fields["departure_time"], fields["arrival_time"]) == (["07:35"], ["09:46"])
    # Times apart from each other tell no start and end: each field keeps every time.
    text = "The train at 07:35 from platform 4.\n" + "Please be early. " * 8 + "In at 09:46, or 10:05 if late."
    fields = offered(journey, text)
    assert set(fields["departure_time"]) == {"07:35", "09:46", "10:05"}
    # (a label tells, as for any time: "Departs at 07:35")
    assert offered(journey, text.replace("The train at", "Departs at"))["departure_time"] == ["07:35"]


def test_a_total_is_labelled_across_dot_leaders_and_is_no_rate(service: CompiledSchema) -> None:
    # "Totaal incl. 21% btw ........ € 204,00": the total is the amount its label's line ends with, not the 21 of
    # its VAT rate, nor the itemised amounts above it.
    invoice = (
        "Factuur 2026-3381\nDatum: 11-06-2026\nKenteken: 7-KTN-45\n"
        "• APK-keuring ........................ € 45,00\n"
        "• Kleine beurt ....................... € 159,00\n"
        "Totaal incl. 21% btw ................. € 204,00\n"
    )
    assert offered(service, invoice)["total_cost"] == [204]
    # Without a label, every amount written with a currency is offered - still no rate.
    plain = "Kenteken: 7-KTN-45, 11-06-2026. APK € 45,00 en beurt € 159,00, btw 21%."
    assert 21 not in offered(service, plain)["total_cost"]
