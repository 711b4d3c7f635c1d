"""Addresses read apart by where their parts stand (``profiles.small.addresses``), and the object that holds one
taking them without a call (``NestedReader``). The model's answers are scripted and stated in each test."""

from pathlib import Path
from typing import Any

import pytest

from gateway.extraction.engine import Extractor, Final, Partial
from gateway.profiles.small.addresses import parse, roles
from gateway.profiles.small.grounding import Grounding, narrow_tool
from gateway.schemas.compiler import CompiledSchema, compile_schema
from gateway.settings import Settings
from tests.conftest import SHIPPED_SCHEMAS
from tests.scripted_backend import ScriptedBackend

PARCEL = """
title: Parcel
type: object
properties:
  order: {type: string}
  ship_to:
    type: object
    description: Where the parcel goes.
    properties:
      recipient: {type: string}
      street: {type: string}
      city: {type: string}
      state: {type: string}
      zip: {type: string}
      country: {type: string}
    required: [city]
required: [order]
"""


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Anna Kowalski, ul. Długa 14/3, 00-238 Warszawa, Poland",
            {
                "recipient": "Anna Kowalski",
                "street": "ul. Długa 14/3",
                "postal_code": "00-238",
                "city": "Warszawa",
                "country": "Poland",
            },
        ),
        (
            "455 Elm Street, Apt 2B, Springfield, IL 62704, USA",
            {
                "street": "455 Elm Street, Apt 2B",
                "city": "Springfield",
                "region": "IL",
                "postal_code": "62704",
                "country": "USA",
            },
        ),
        (
            "Giulia Ferraro · Via Nizza 142 · 10126 Torino TO · Italy",
            {
                "recipient": "Giulia Ferraro",
                "street": "Via Nizza 142",
                "postal_code": "10126",
                "city": "Torino",
                "region": "TO",
                "country": "Italy",
            },
        ),
        ("Fabrikweg 8, 5652 AH Eindhoven", {"street": "Fabrikweg 8", "postal_code": "5652 AH", "city": "Eindhoven"}),
        ("Priya S., LONDON SE15", {"recipient": "Priya S.", "city": "LONDON", "postal_code": "SE15"}),
        (
            "4530 Sunset Blvd #12\nLos Angeles, CA 90027",
            {"street": "4530 Sunset Blvd #12", "city": "Los Angeles", "region": "CA", "postal_code": "90027"},
        ),
        (
            "Toronto, ON M5V 2T6, Canada",
            {"city": "Toronto", "region": "ON", "postal_code": "M5V 2T6", "country": "Canada"},
        ),
        (
            "123 Main St, Flint, MI 48502",
            {"street": "123 Main St", "city": "Flint", "region": "MI", "postal_code": "48502"},
        ),
        (
            "1 Infinite Loop, Cupertino, California 95014, USA",
            {
                "street": "1 Infinite Loop",
                "city": "Cupertino",
                "region": "California",
                "postal_code": "95014",
                "country": "USA",
            },
        ),
        (
            "12 High St, Guildford, Surrey, GU1 3AA",
            {"street": "12 High St", "city": "Guildford", "region": "Surrey", "postal_code": "GU1 3AA"},
        ),
    ],
)
def test_each_part_of_an_address_is_told_by_where_it_stands(line: str, parts: dict[str, str]) -> None:
    assert parse(line) == parts


@pytest.mark.parametrize(
    "line",
    ["Shipped 2024", "Green Roots Nursery, 1 x Olive tree 1.2m", "Springfield IL 62704", "Call 555 0142, Mon-Fri"],
)
def test_a_line_without_a_street_and_a_city_or_postal_code_is_no_address(line: str) -> None:
    assert parse(line) == {}


def test_fields_are_parts_of_an_address_by_their_names() -> None:
    text = {"type": "string"}
    properties = {"recipient": text, "street": text, "city": text, "state": text, "zip": text, "count": text}
    assert roles(properties) == {
        "recipient": "recipient",
        "street": "street",
        "city": "city",
        "state": "region",
        "zip": "postal_code",
    }
    assert roles({"city": {"type": "integer"}}) == {}
    # A field named for the part itself wins over "address"; an email address is no part of a postal one.
    assert roles({"email_address": text, "address": text, "street": text, "city": text}) == {
        "street": "street",
        "city": "city",
    }


def settings(**values: Any) -> Settings:
    return Settings(**{"openai_base_url": "http://127.0.0.1:9/v1", "max_retries": 0, **values})


@pytest.fixture
def parcel(tmp_path: Path) -> CompiledSchema:
    (tmp_path / "parcel.yaml").write_text(PARCEL)
    return compile_schema(tmp_path / "parcel.yaml", tmp_path / "cache")


TEXT = """Order A-1 has shipped.
Billing address: Ana Ruiz, PO Box 12, 41001 Sevilla
Shipping address: Jonas Weber, Hauptstr. 12, 80331 München, Deutschland
Questions? Call 555 0142."""
JONAS = {
    "recipient": "Jonas Weber",
    "street": "Hauptstr. 12",
    "city": "München",
    "zip": "80331",
    "country": "Deutschland",
}


async def test_an_address_the_model_mixed_up_takes_its_parts_from_its_line_without_a_call(
    parcel: CompiledSchema,
) -> None:
    mixed = {"order": "A-1", "ship_to": {"recipient": "Hauptstr", "street": "12", "city": "80331", "state": "München"}}
    backend = ScriptedBackend(mixed)
    result = await Extractor(backend, settings(model_profile="small")).extract(parcel, TEXT)
    assert result.model_dump(exclude_none=True) == {"order": "A-1", "ship_to": JONAS}
    assert len(backend.requests) == 1
    # The stream sends the address as read apart, then the same object.
    updates = [
        update
        async for update in Extractor(ScriptedBackend(mixed), settings(model_profile="small")).stream(parcel, TEXT)
    ]
    assert [update.data for update in updates if isinstance(update, Partial)] == [{"ship_to": JONAS}]
    assert isinstance(updates[-1], Final) and updates[-1].value == result


async def test_an_address_the_model_left_out_is_the_one_labelled_with_the_fields_name(parcel: CompiledSchema) -> None:
    # Two addresses: the one under "Shipping" is the ship_to's; the billing one is nobody's.
    backend = ScriptedBackend({"order": "A-1"})
    result = await Extractor(backend, settings(model_profile="small")).extract(parcel, TEXT)
    assert result.model_dump(exclude_none=True) == {"order": "A-1", "ship_to": JONAS}
    # Unlabelled, a text's only address is no ship_to the model did not read: a shop's own address, say.
    footer = "Order A-1 has shipped.\nNorthbound Outfitters, 400 Harbor Blvd, Reno, NV 89501"
    result = await Extractor(ScriptedBackend({"order": "A-1"}), settings(model_profile="small")).extract(parcel, footer)
    assert result.model_dump(exclude_none=True) == {"order": "A-1"}


async def ship_to(parcel: CompiledSchema, text: str, answer: dict[str, Any]) -> Any:
    """The ship_to the small profile answers for ``text`` when the model's answer is ``answer``."""
    result = await Extractor(ScriptedBackend(answer), settings(model_profile="small")).extract(parcel, text)
    return result.model_dump(exclude_none=True)["ship_to"]


GIULIA = {
    "recipient": "Giulia Ferraro",
    "street": "Via Nizza 142",
    "city": "Torino",
    "state": "TO",
    "zip": "10126",
    "country": "Italy",
}


async def test_an_address_written_over_lines_under_its_label_is_read_whole(parcel: CompiledSchema) -> None:
    text = "Order A-1\nShip to:\nGiulia Ferraro\nVia Nizza 142\n10126 Torino TO\nItaly\n\nThanks!"
    answer = {"order": "A-1", "ship_to": {"city": "10126", "street": "Giulia Ferraro"}}
    assert await ship_to(parcel, text, answer) == GIULIA


async def test_an_address_in_a_sentence_of_a_longer_line_is_read_from_that_sentence(parcel: CompiledSchema) -> None:
    text = (
        "Hi there, your order A-1 shipped via FedEx Ground on March 28, 2024. Shipping to: 455 Elm Street, Apt 2B, "
        "Springfield, IL 62704, USA (side door). No signature required."
    )
    assert await ship_to(parcel, text, {"order": "A-1", "ship_to": {"recipient": "Apt 2B", "city": "Springfield"}}) == {
        "street": "455 Elm Street, Apt 2B",
        "city": "Springfield",
        "state": "IL",
        "zip": "62704",
        "country": "USA",
    }


async def test_fields_that_are_no_part_of_the_address_keep_what_the_model_read(tmp_path: Path) -> None:
    (tmp_path / "order.yaml").write_text(
        "title: Order\ntype: object\nproperties:\n  id: {type: string}\n  customer:\n    type: object\n"
        "    properties:\n      name: {type: string}\n      phone: {type: string}\n      street: {type: string}\n"
        "      city: {type: string}\n      zip: {type: string}\n    required: [city]\nrequired: [id]\n"
    )
    order = compile_schema(tmp_path / "order.yaml", tmp_path / "cache")
    text = "Order 7\nCustomer: Ana Ruiz, 455 Elm St, Springfield, IL 62704\nPhone 555 0142"
    answer = {"id": "7", "customer": {"name": "Ana Ruiz", "phone": "555 0142", "street": "Elm", "city": "62704"}}
    result = await Extractor(ScriptedBackend(answer), settings(model_profile="small")).extract(order, text)
    assert result.model_dump(exclude_none=True)["customer"] == {
        "name": "Ana Ruiz",
        "phone": "555 0142",
        "street": "455 Elm St",
        "city": "Springfield",
        "zip": "62704",
    }


LISTING = """
title: Listing
type: object
properties:
  title: {type: string}
  address: {type: string, description: The whole address as written.}
  street: {type: string}
  city: {type: string}
  postal_code: {type: string}
  contact_name: {type: string}
required: [title]
"""


async def test_a_schemas_own_address_fields_take_the_parts_of_its_address(tmp_path: Path) -> None:
    (tmp_path / "listing.yaml").write_text(LISTING)
    listing = compile_schema(tmp_path / "listing.yaml", tmp_path / "cache")
    text = (
        "Bright 2-bed flat\nAgency office: 1 Park Row, Leeds LS1 5HN\nAddress: 12 Mill Lane, Leeds LS6 2AB\n"
        "Call Tom Reed"
    )
    whole = "12 Mill Lane, Leeds LS6 2AB"
    answer = {"title": "Bright 2-bed flat", "address": whole, "street": "Mill Lane", "city": "LS6 2AB"}
    backend = ScriptedBackend({**answer, "contact_name": "Tom Reed"})
    result = await Extractor(backend, settings(model_profile="small")).extract(listing, text)
    # The address labelled as the listing's, read apart; "address" (the whole) and the contact's name are no part.
    assert result.model_dump(exclude_none=True) == {
        "title": "Bright 2-bed flat",
        "address": whole,
        "contact_name": "Tom Reed",
        "street": "12 Mill Lane",
        "city": "Leeds",
        "postal_code": "LS6 2AB",
    }
    assert len(backend.requests) == 1
    assert roles(listing.model_schema["properties"], top=True) == {
        "street": "street",
        "city": "city",
        "postal_code": "postal_code",
    }


async def test_an_unlabelled_address_written_over_lines_is_read_whole(parcel: CompiledSchema) -> None:
    # The greeting above it is nobody's name; the country on the line after it is the address's last part.
    text = "Hi Sam,\nOrder A-1 is on its way to\nGiulia Ferraro\nVia Nizza 142\n10126 Torino TO\nItaly\n\nCall 555 0142"
    answer = {"order": "A-1", "ship_to": {"recipient": "Sam", "city": "Torino", "street": "Via Nizza"}}
    assert await ship_to(parcel, text, answer) == GIULIA


def test_an_address_in_brackets_is_read_from_them() -> None:
    assert parse("the Loft at Spreespeicher (Stralauer Allee 2, 10245 Berlin) for our summit") == {
        "street": "Stralauer Allee 2",
        "postal_code": "10245",
        "city": "Berlin",
    }


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        # The street after "at" or "is" in a sentence; a floor after the street; the address after other words.
        (
            "It's at Calle de Toledo 45, 3º izquierda, 28005 Madrid",
            {"street": "Calle de Toledo 45", "postal_code": "28005", "city": "Madrid"},
        ),
        ("Address is 88 Jones Ave, M4M 2Z9, side door", {"street": "88 Jones Ave", "postal_code": "M4M 2Z9"}),
        (
            "Hornsgatan 64, 1 tr\n118 21 Stockholm",
            {"street": "Hornsgatan 64", "postal_code": "118 21", "city": "Stockholm"},
        ),
        (
            "ROOM in 3-bed flatshare, Kreuzberg – Wrangelstr. 18, 10997 Berlin",
            {"recipient": "Kreuzberg", "street": "Wrangelstr. 18", "postal_code": "10997", "city": "Berlin"},
        ),
        ("Flat 3\n12 Mill Lane\nLeeds LS6 2AB", {"street": "12 Mill Lane", "city": "Leeds", "postal_code": "LS6 2AB"}),
    ],
)
def test_an_address_inside_a_sentence_or_after_other_words(line: str, parts: dict[str, str]) -> None:
    assert parse(line) == parts


def test_without_a_postal_code_a_street_must_name_itself_one() -> None:
    assert parse("To let: Bright 2-bed flat, Headingley") == {}
    assert parse("1 bedroom, Södermalm") == {}
    assert parse("455 Elm Street, Springfield") == {"street": "455 Elm Street", "city": "Springfield"}


async def test_an_address_labelled_as_a_location_or_not_in_the_signature_is_the_objects(
    parcel: CompiledSchema,
) -> None:
    located = (
        "Order A-1\nBill to:\nAmir Haddad\n3rd Floor, 21 Old Street\nLondon EC1V 9HL\n\n"
        "Location: The Vaults, 14 Leake Street, London SE1 7NN"
    )
    assert (await ship_to(parcel, located, {"order": "A-1", "ship_to": {"city": "London"}}))["street"] == (
        "14 Leake Street"
    )
    signed = (
        "Hi Priyanka, lovely to chat this morning. Your order A-1 is confirmed for the dinner on 3 December, "
        "180 guests, drinks on the deck from 6.30pm.\nIt goes to\nBoathouse Pavilion\n2 Alexandra Avenue\n"
        "Melbourne 3004\n\nKind regards,\nGeorgia Mills\n"
        "Head office: Level 5, 101 Collins Street, Melbourne 3000"
    )
    assert (await ship_to(parcel, signed, {"order": "A-1", "ship_to": {"city": "Melbourne"}}))["street"] == (
        "2 Alexandra Avenue"
    )


async def test_top_level_fields_without_a_street_or_parts_the_address_lacks_keep_the_models_values(
    tmp_path: Path,
) -> None:
    (tmp_path / "job.yaml").write_text(
        "title: Job\ntype: object\nproperties:\n  title: {type: string}\n  city: {type: string}\n"
        "  state: {type: string}\n  country: {type: string}\nrequired: [title]\n"
    )
    job = compile_schema(tmp_path / "job.yaml", tmp_path / "cache")
    text = "Data engineer, based in Denver, Colorado, USA.\nAcme HQ: 1 Main Street, Austin TX 78701"
    answer = {"title": "Data engineer", "city": "Denver", "state": "Colorado", "country": "USA"}
    result = await Extractor(ScriptedBackend(answer), settings(model_profile="small")).extract(job, text)
    assert result.model_dump(exclude_none=True) == answer  # no street field: where the job is, not an address
    (tmp_path / "place.yaml").write_text(
        LISTING.replace("  contact_name:", "  country: {type: string}\n  contact_name:")
    )
    place = compile_schema(tmp_path / "place.yaml", tmp_path / "cache")
    answer = {"title": "Flat", "street": "Mill", "city": "Leeds", "country": "United Kingdom"}
    text = "Flat\nAddress: 12 Mill Lane, Leeds LS6 2AB\nUnited Kingdom"
    result = await Extractor(ScriptedBackend(answer), settings(model_profile="small")).extract(place, text)
    assert result.model_dump(exclude_none=True) == {
        "title": "Flat",
        "street": "12 Mill Lane",
        "city": "Leeds",
        "postal_code": "LS6 2AB",
        "country": "United Kingdom",
    }


def test_an_optional_address_where_the_text_writes_none_is_left_out_of_the_tool(codegen_cache: Path) -> None:
    invoice = compile_schema(SHIPPED_SCHEMAS / "invoice.yaml", codegen_cache)
    tool = {"type": "function", "function": {"name": "Invoice", "parameters": invoice.model_schema}}

    def party(text: str) -> dict[str, Any]:
        parameters = narrow_tool(tool, Grounding(text, invoice))["function"]["parameters"]
        party: dict[str, Any] = parameters["$defs"]["Party"]
        return party

    # No street, no postal code and town: a small model would fill every part with other words of the text.
    bare = "BRIGHTSPARK ELECTRICAL LTD - INVOICE #BS-7781\nTo: Harlow Property Management\nTOTAL DUE: $690.00"
    assert "address" not in party(bare)["properties"]
    written = "Nordlicht Design AB, Storgatan 12, 111 51 Stockholm, Sweden\nInvoice no. ND-2024-118\nTotal: 1650.00 EUR"
    assert "address" in party(written)["properties"]
