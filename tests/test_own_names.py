"""What the small profile offers a field named for its object's own thing - the product a review is of, the
restaurant a booking is at, the hotel a stay is at: the names the text gives the thing it is about, not every run of
its words."""

from pathlib import Path
from typing import Any

import pytest

from gateway.profiles.small.grounding import Grounding, narrow_tool
from gateway.profiles.small.organisations import names_a_provider
from gateway.profiles.small.own_names import capitalised_runs, names_its_own_thing, own_names
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

REVIEW = """
title: ProductReview
type: object
properties:
  product_name: {type: string, description: The reviewed product as written.}
  reviewer: {type: string}
  rating: {type: number, maximum: 5}
required: [product_name]
"""

RESERVATION = """
title: RestaurantReservation
type: object
properties:
  restaurant: {type: string, description: The name of the restaurant as written.}
  guest_name: {type: string}
  party_size: {type: integer}
required: [restaurant]
"""


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("review"), "review", REVIEW)


@pytest.fixture(scope="module")
def reservation(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("reservation"), "reservation", RESERVATION)


def offered_to(schema: CompiledSchema, text: str, field: str) -> list[Any]:
    """The values a field is offered."""
    values: list[Any] = offered(schema, text)[field]
    return values


def test_a_field_names_its_own_thing_by_the_models_first_word() -> None:
    assert names_its_own_thing("product_name", "ProductReview")
    assert names_its_own_thing("restaurant", "RestaurantReservation")
    assert names_its_own_thing("hotelName", "HotelBooking")
    assert not names_its_own_thing("reviewer", "ProductReview")
    assert not names_its_own_thing("name", "Person")  # a model of one word: its name is no thing's
    assert not names_its_own_thing("product_name", "Review")


def test_a_review_page_offers_its_heading_not_the_reviewers_name_or_the_menu(review: CompiledSchema) -> None:
    text = (
        "Home   Deals   Kitchen   Basket (1)\n"
        "Kitchen › Kettles › Glass kettles\n"
        "Qvist Glass Kettle 1.7 L, Smoke Grey\n"
        "4.1 out of 5 · 812 ratings\n\n"
        "Tomasz Wielgus\n"
        "★★★☆☆ Pretty but loud\n"
        "Reviewed on 9 May 2026\n"
        "It boils fast, but the lid snaps open with a bang. Paid £39.\n"
    )
    values = offered_to(review, text, "product_name")
    assert "Qvist Glass Kettle 1.7 L, Smoke Grey" in values
    assert "Qvist Glass Kettle 1.7 L" not in values  # not the first words of a name standing whole
    assert "Tomasz Wielgus" not in values
    assert not {"Home", "Deals", "9 May 2026"} & set(values)


def test_a_name_a_heading_quotes_or_sets_apart_is_offered_without_its_remark(review: CompiledSchema) -> None:
    quoted = "Kundenbewertungen für „Falk Akku-Bohrschrauber BS 18“\nDurchschnitt 4,4 von 5\n\nSuper Gerät!\n"
    assert "Falk Akku-Bohrschrauber BS 18" in offered_to(review, quoted, "product_name")
    remark = "Re: Two years on - Osprey Talon 22 (daily commute, 3,000 km)\nPosted by hill_runner\n\nStill great.\n"
    values = offered_to(review, remark, "product_name")
    assert "Osprey Talon 22" in values
    assert not any("3,000 km" in value for value in values)
    # A name its line goes on from in lower case: the name's words alone too.
    running = "**[Review] Arden Audio AX-3 desk speakers after 6 weeks - 7/10**\n\nSolid mids, weak bass.\n"
    assert "Arden Audio AX-3" in offered_to(review, running, "product_name")


def test_a_mails_sender_and_signature_name_the_restaurant_not_its_guest(reservation: CompiledSchema) -> None:
    text = (
        "Von: Weinstube Zur Alten Mühle <tisch@altemuehle.example>\n"
        "An: Brigitte Lorenz\n"
        "Betreff: Ihre Reservierung\n\n"
        "Sehr geehrte Frau Lorenz,\n\n"
        "gerne reservieren wir für Sie einen Tisch für 4 Personen am Samstag, 12.09.2026, um 19 Uhr.\n\n"
        "Name: Brigitte Lorenz\n\n"
        "Mit freundlichen Grüßen\n"
        "Weinstube Zur Alten Mühle\n"
        "Mühlweg 3 · 79098 Freiburg\n"
    )
    values = offered_to(reservation, text, "restaurant")
    assert "Weinstube Zur Alten Mühle" in values
    assert "Brigitte Lorenz" not in values
    assert "Mit freundlichen Grüßen" not in values


def test_a_sentence_offers_the_place_it_names_not_the_person(reservation: CompiledSchema) -> None:
    text = "Hey Kim, I booked us at Casa Romero for Friday 8pm, table for 3, under my name, Julia Brandt."
    values = offered_to(reservation, text, "restaurant")
    assert "Casa Romero" in values  # written as a place's ("at Casa Romero"), though it reads as a person's name
    assert "Julia Brandt" not in values
    # A one-word name after "at", or written in two capitals.
    assert "Marrow" in offered_to(reservation, "Booked a table at Marrow for two on Thursday.", "restaurant")


def test_a_dated_heading_offers_its_name_not_its_date() -> None:
    names = own_names("Bookings – Bistro Lumen – 21/06/2026\n\n19:00  Ana Ruiz  2 pax\n")
    assert "Bistro Lumen" in names
    assert "21/06/2026" not in names
    assert "Bookings – Bistro Lumen – 21/06/2026" in names  # (a date's part is left out where the field is read)


def test_a_label_for_the_field_still_states_it(review: CompiledSchema) -> None:
    text = "Survey export\nCustomer: Omar Haddad\nProduct purchased: Lindqvist Desk Lamp L2\nRating: 4\n"
    values = offered_to(review, text, "product_name")
    assert values[0] == "Lindqvist Desk Lamp L2"  # first, and stated: no null to choose
    assert "Omar Haddad" not in values
    tool = {"type": "function", "function": {"name": review.model.__name__, "parameters": review.model_schema}}
    spec = narrow_tool(tool, Grounding(text, review))["function"]["parameters"]["properties"]["product_name"]
    assert None not in spec["enum"] and "anyOf" not in spec
    # Not a label of another thing that opens with the thing's word: "Product colour:" names no product.
    coloured = "Qvist Glass Kettle 1.7 L\nProduct colour: Walnut Brown\n★★★★☆ Pretty\n"
    assert offered_to(review, coloured, "product_name")[0] == "Qvist Glass Kettle 1.7 L"


AGENDA = """
title: EventAgenda
description: The programme of one event.
type: object
properties:
  name: {type: string, description: The name of the event as written.}
  city: {type: string}
required: [name]
"""


def test_a_top_level_name_of_a_thing_is_the_texts_own_name(tmp_path: Path) -> None:
    agenda = compiled(tmp_path, "agenda", AGENDA)
    text = (
        "Programm\n"
        "5. Fachtag Offene Verwaltung · Rathaus Kassel\n"
        "9:00  Ankommen, Kaffee\n"
        "9:30  Begrüßung durch Bürgermeisterin Ilse Brandt\n"
    )
    values = offered_to(agenda, text, "name")
    assert "5. Fachtag Offene Verwaltung" in values  # an edition's number opens it, not a sentence's stop
    assert "Ilse Brandt" not in values


PERSON = """
title: Person
type: object
properties:
  name: {type: string}
  email: {type: string}
required: [name]
"""

JOB = """
title: JobPosting
type: object
properties:
  job_title: {type: string}
  company: {type: string, description: The hiring company.}
required: [job_title]
"""


def test_a_persons_name_and_a_partys_company_are_no_things_name(tmp_path: Path) -> None:
    person = compiled(tmp_path, "person", PERSON)
    text = "Marie Dubois is a 34-year-old architect who studied at ENSA Paris-Belleville. marie@dubois.example"
    assert "Marie Dubois" in offered_to(person, text, "name")
    job = compiled(tmp_path, "job", JOB)
    text = "Senior Backend Engineer\nRemote, Europe\nWe are hiring for Go and Postgres.\n"
    tool = {"type": "function", "function": {"name": job.model.__name__, "parameters": job.model_schema}}
    company = narrow_tool(tool, Grounding(text, job))["function"]["parameters"]["properties"]["company"]
    # Left to the organisations' rule and the runs, not stated: a text naming no company may leave it out.
    assert any(branch.get("type") == "null" or None in branch.get("enum", []) for branch in company["anyOf"])


def test_a_clinician_is_not_whom_a_plain_name_label_names(tmp_path: Path) -> None:
    appointment = compiled(
        tmp_path,
        "appointment",
        "title: MedicalAppointment\ntype: object\nproperties:\n  practitioner: {type: string}\n"
        "  patient: {type: string}\n",
    )
    text = "Name: Sophie Laurent\nYour appointment with Dr. Marcus Hale is confirmed.\n"
    values = offered(appointment, text)
    assert "Sophie Laurent" not in values["practitioner"]
    assert "Sophie Laurent" in values["patient"]


def test_a_name_inside_a_sentence_is_offered_without_the_words_around_it() -> None:
    runs = capitalised_runs("Verdict on the Fellow Ode Gen 2: the best grinder. Dinner at Tavern on the Quay today.")
    assert "Fellow Ode Gen 2" in runs  # not only "Verdict on the Fellow Ode Gen 2"
    assert "Tavern on the Quay" in runs
    assert "Advanced Excel for Finance Professionals" in capitalised_runs(
        "Thank you for registering for Advanced Excel for Finance Professionals."
    )
    # A breadcrumb's last crumb keeps its small words; a sentence's parts name nothing.
    names = own_names("Avis clients › Cafetière italienne Maison Ardent « Lumière » inox 6 tasses\n\nTrès bien.")
    assert "Cafetière italienne Maison Ardent « Lumière » inox 6 tasses" in names


def test_a_persons_name_is_known_by_the_cues_around_it() -> None:
    # "this is", "under", a greeting before the first name: a person's - the restaurant's name stays.
    voicemail = 'Voicemail\n"Hi, this is Marcus Bell calling for Fennel and Flint, a table for two."\n'
    assert "Marcus Bell" not in own_names(voicemail) and "Fennel and Flint" in own_names(voicemail)
    app = "TableTap\nYou're booked at Sushi Kaze\nReservation TK-55 · held under Noah Fitzgerald\n"
    assert "Noah Fitzgerald" not in own_names(app)
    # A reviewer's name on the first line of a page (its menu skipped) is still a person's: "Thanks Lorna".
    page = "Reviews   Shop   Sort by\nLorna McKenzie\nItem: Leather Dog Collar – Tan\nThanks so much Lorna!\n"
    assert "Lorna McKenzie" not in own_names(page)
    assert own_names("Casa Marisol\n17:02\nHola! Soy Lucía, quería reservar.\n")[0] == "Casa Marisol"


CROSSING = """
title: FerryCrossing
type: object
properties:
  operator: {type: string, description: The ferry company operating the crossing, as written.}
  passenger: {type: string, description: The lead passenger's name.}
  payee: {type: string, description: The merchant, payer or payee, as written.}
  cohort: {type: string, description: The pupil's class or tutor group, as written.}
required: [operator]
"""


def test_a_field_described_as_a_company_is_offered_the_names_the_text_gives_its_writer(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "crossing", CROSSING)
    text = (
        "Nordlys Ferjer AS\nBestillingsbekreftelse\n\nHei Kari Nilsen! Takk for bestillingen.\n"
        "Overfart: Bergen - Stavanger, fredag 14. mai 2027 kl. 08:30.\nGod tur!\n"
        "Nordlys Ferjer AS · Strandkaien 3 · Kundeservice"
    )
    operator = offered_to(schema, text, "operator")
    assert operator[0] == "Nordlys Ferjer AS" and len(operator) < 10, operator
    assert "Takk" not in operator and "fredag" not in operator
    assert not any(character.isdigit() for value in operator for character in value)  # no "Strandkaien 3"


def test_only_a_description_naming_an_organisation_makes_a_field_the_writers() -> None:
    assert names_a_provider("operator", "The ferry company operating the crossing, as written.")
    assert names_a_provider("facility_name", "The name of the kennel, cattery or pet hotel, as written.")
    assert names_a_provider("issuer", "Who issued the notice (council, city, police or parking company).")
    assert names_a_provider("provider", "The mobile operator the contract is with, as written.")
    # Not a person or a party of either side, not a place, not a group that is no business, not a party word's.
    assert not names_a_provider("claimant", "The name of the person or company making the claim.")
    assert not names_a_provider("counterparty", "The merchant, payer or payee of the transaction.")
    assert not names_a_provider("venue", "The name of the venue (theatre, hall, club, stadium).")
    assert not names_a_provider("class_name", "The pupil's class, form, tutor group or grade.")
    assert not names_a_provider("customer", "The company the invoice is made out to.")
    assert not names_a_provider("operator_phone", "The ferry company's phone number.")


def test_a_senders_name_its_address_spells_is_an_organisations_not_a_persons() -> None:
    text = "De: Ribera Telecom <pedidos@riberatelecom.es>\nPara: alvaro@gmail.com\n\nHemos recibido tu pedido."
    assert "Ribera Telecom" in own_names(text, "provider")
    # A person's name their own address does not spell is one only where the text writes it again.
    assert "Ana Ruiz" not in own_names("From: Ana Ruiz <ana.r@gmail.com>\n\nHello, the booking is fine.", "shop")
