"""What the small profile offers a listing's fields: years, a data sheet's spaced labels, enum values named in the
text's own language, and classifications the text never writes."""

from pathlib import Path
from typing import Any

import pytest

from gateway.profiles.small.grounding import Grounding, _cognates, _heading, _other_language, _synonyms, narrow_tool
from gateway.profiles.small.organisations import holds_an_organisation
from gateway.profiles.small.people import roles_beside_names
from gateway.profiles.small.runs import runs
from gateway.schemas.compiler import CompiledSchema, compile_schema

LISTING = """
title: Listing
type: object
properties:
  vehicle_type: {type: string, enum: [car, van, motorbike]}
  make: {type: string, description: "Manufacturer, e.g. Volkswagen"}
  model: {type: string}
  year: {type: integer, description: Year of first registration}
  mileage_km: {type: integer}
  fuel: {type: string, enum: [petrol, diesel, electric, hybrid]}
  transmission: {type: string, enum: [manual, automatic]}
  priority: {type: string, enum: [low, normal, urgent]}
required: [make]
"""


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    folder = tmp_path_factory.mktemp("listing")
    (folder / "listing.yaml").write_text(LISTING)
    return compile_schema(folder / "listing.yaml", folder / "cache")


def offered(schema: CompiledSchema, text: str) -> dict[str, Any]:
    """Each field's offered values (its spec where it is left free); a field left out is missing."""
    tool = {"type": "function", "function": {"name": "Listing", "parameters": schema.model_schema}}
    properties = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]["properties"]
    return {
        name: next((branch["enum"] for branch in spec.get("anyOf", [spec]) if "enum" in branch), spec)
        for name, spec in properties.items()
    }


def narrowed_properties(folder: Path, title: str, schema_yaml: str, text: str) -> dict[str, Any]:
    """The narrowed tool properties of a one-off schema ``title`` (written to ``folder``) about ``text``."""
    (folder / "schema.yaml").write_text(schema_yaml)
    schema = compile_schema(folder / "schema.yaml", folder / "cache")
    tool = {"type": "function", "function": {"name": title, "parameters": schema.model_schema}}
    properties: dict[str, Any] = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]["properties"]
    return properties


SHEET = """PREMIER AUTO GROUP - DANDENONG
1420 Princes Hwy, Dandenong VIC 3175 | (03) 9791 6620

Make              Mazda
Model             CX-5 Maxx Sport
Build year        2020
Odometer          61,245 km
Transmission      6-speed automatic
DRIVE AWAY PRICE  $31,990

*Weekly repayment based on a 5-year loan, 10 000 km/year, $0 deposit.
Listed 21.11.2026."""


def test_a_year_field_is_offered_only_the_years_the_text_writes(listing: CompiledSchema) -> None:
    # Not the mileage, the price, the "5-year" loan's 5 or the "10 000 km/year"; the labelled year first.
    assert offered(listing, SHEET)["year"] == [2020]
    # A month before it is the year's month ("EZ 04/2017", "06.2019"); a phone number holds no year.
    text = "Golf Variant, EZ 04/2017, 148.500 km. HU 09/2028. Tel. 0176 2019 2297"
    assert offered(listing, text)["year"] == [2017, 2028]
    assert offered(listing, "First registration\n06.2019   87 300 km   CHF 21 900")["year"] == [2019]
    # A text that writes no year leaves an optional year out.
    assert "year" not in offered(listing, "Fiat 500, 71 300 km, 6200 EUR")


def test_a_data_sheets_spaced_label_marks_its_value(listing: CompiledSchema) -> None:
    found = offered(listing, SHEET)
    assert found["make"] == ["Mazda"]
    assert found["model"] == ["CX-5", "CX-5 Maxx", "CX-5 Maxx Sport"]
    # A wide gap inside a line's text is no label: a value after it keeps every run on offer.
    loose = offered(listing, "Lovely car from Mazda  with CX-5 spirit. Make an offer!")
    assert "Mazda" in loose["make"] and len(loose["make"]) > 1


DUTCH = """Tesla Model 3 Long Range AWD
Merk:              Tesla
Brandstof:         Elektrisch
Transmissie:       Automaat
Deze auto komt van de eerste eigenaar en is volledig dealeronderhouden."""


def test_an_enum_value_is_named_by_a_word_of_its_root_in_another_language(listing: CompiledSchema) -> None:
    found = offered(listing, DUTCH)
    assert found["fuel"] == ["electric"] and found["transmission"] == ["automatic"]
    assert _cognates(["manual", "automatic"], "Boîte de vitesses: manuale") == ["manual"]
    assert _cognates(["petrol", "hybrid"], "Kraftstoff: Hybride (Benzin/Elektro)") == ["hybrid"]
    # Short values and words of other roots name nothing ("van" of "vanaf", "car" of "Carrosserie"), nor does a
    # language's small word ("Dieses" for diesel) or a much longer word ("internationales" for internship).
    assert _cognates(["car", "van", "electric"], "Carrosserie: Sedan, vanaf € 329 p/m") == []
    assert _cognates(["diesel", "internship"], "Dieses Fahrzeug, in Vollzeit, internationales Team") == []


def test_an_english_text_names_an_enum_value_only_by_its_own_words(listing: CompiledSchema) -> None:
    text = "Nissan Leaf, the gearbox shifts automatically and the mirrors fold manually. Electricity is cheap."
    assert _other_language(text) is None and _other_language(DUTCH) == "nl"
    # A terse English text is not taken for another language: its short values stay named.
    assert _other_language("prio low pls, brand new sofa, grey") is None
    found = offered(listing, text)
    assert "transmission" not in found and "fuel" not in found  # not "automatically", "manually" nor "Electricity"


def test_a_classification_the_text_never_writes_is_left_to_the_model(listing: CompiledSchema) -> None:
    # vehicle_type is a judgement ("a Golf is a car"): every value is offered, null still allowed; an optional
    # enum of another kind the text never names stays out.
    found = offered(listing, DUTCH)
    assert found["vehicle_type"] == ["car", "van", "motorbike"]
    assert "priority" not in found
    # Where the text names a value, only that one; a non-English text names a short one apart from its prose.
    assert offered(listing, "Selling my VW Transporter van with 142 000 km on the clock.")["vehicle_type"] == ["van"]
    assert offered(listing, "VW Transporter T6.1\nTyp: van\nDeze bus komt van de eerste eigenaar.")["vehicle_type"] == [
        "van"
    ]


def test_a_years_field_keeps_its_schemas_bounds(tmp_path: Path) -> None:
    schema = (
        "title: Paper\ntype: object\nproperties:\n  title: {type: string}\n"
        "  publication_year: {type: integer, minimum: 1900}\nrequired: [title]\n"
    )
    text = "Deep Nets (1899 reprint). Published 2021, 12 pages, cited 2400 times."
    properties = narrowed_properties(tmp_path, "Paper", schema, text)
    assert properties["publication_year"]["anyOf"][0]["enum"] == [2021]  # the schema's minimum still holds


def test_a_run_of_words_stops_at_a_wide_gap() -> None:
    values = {found.value for found in runs("VEHICLE DATA SHEET          Stock no. 24-0871\nMileage\tPrice")}
    assert "VEHICLE DATA SHEET" in values and "Stock" in values
    assert not any("   " in value or "\t" in value for value in values)  # not "SHEET          Stock"
    # Two spaces between words (a PDF's justified line) part nothing: "Margaret  Okoro" is one name.
    assert "Margaret  Okoro" in {found.value for found in runs("Kind  regards,\nMargaret  Okoro")}


TABLE = """## 2020 Ford Transit Custom 300 L1H1 Trend – €23,950

**Dealer:** Lee Valley Commercials, Ballincollig, Co. Cork

| Spec | |
|---|---|
| Make | Ford |
| **Model** | Transit Custom |

| Role | Name |
|---|---|
| Seller | Aoife Byrne |
"""

SELLER = """
title: Ad
type: object
properties:
  make: {type: string}
  model: {type: string}
  seller: {$ref: "#/$defs/Seller"}
  role: {type: string}
required: [make]
$defs:
  Seller:
    type: object
    properties:
      name: {type: string, description: Person or dealership name}
      phone: {type: string}
"""


@pytest.fixture(scope="module")
def ad(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    folder = tmp_path_factory.mktemp("ad")
    (folder / "ad.yaml").write_text(SELLER)
    return compile_schema(folder / "ad.yaml", folder / "cache")


def seller_names(schema: CompiledSchema, text: str) -> list[str]:
    tool = {"type": "function", "function": {"name": "Ad", "parameters": schema.model_schema}}
    seller = narrow_tool(tool, Grounding(text, schema))["function"]["parameters"]["$defs"]["Seller"]
    spec = seller["properties"]["name"]
    return list(next(branch["enum"] for branch in spec.get("anyOf", [spec]) if "enum" in branch))


def test_a_tables_label_cell_and_a_bold_label_mark_their_values(ad: CompiledSchema) -> None:
    found = offered(ad, TABLE)
    # "| Make | Ford |" although "Ford" is written first in the heading; a bold label cell too.
    assert found["make"] == ["Ford"]
    assert found["model"] == ["Transit", "Transit Custom"]
    # A header row over its rule labels nothing: "Role" is no label of "Name".
    assert found["role"] != ["Name"] and len(found["role"]) > 1
    # "**Dealer:** Lee Valley Commercials" labels a name its description calls a "dealership name".
    assert seller_names(ad, TABLE) == ["Lee Valley Commercials"]


def test_a_person_or_organisation_name_is_the_organisation_writing_the_text(ad: CompiledSchema) -> None:
    letterhead = "E-DRIVE UTRECHT B.V.\nAtoomweg 71, Utrecht\n\nTesla Model 3, 2020. Ask for Sanne de Wit."
    assert seller_names(ad, letterhead) == ["E-DRIVE UTRECHT B.V."]
    # No organisation writes it: a person's name, read as such.
    private = "Selling my Fiat 500, 2016. Viewing in Neukölln.\n\nHannah Lindqvist\n+49 157 3382 0914"
    assert "Hannah Lindqvist" in seller_names(ad, private)


def test_a_description_naming_its_value_several_ways_gives_its_labels() -> None:
    assert _synonyms("Person or dealership name") == {"pers", "deal"}
    assert _synonyms("City or town where it is") == {"city", "town"}
    assert _synonyms("The district, neighbourhood or borough") == {"dist", "neig", "boro"}
    assert _synonyms("Where the vehicle can be viewed") == set()


def test_a_persons_role_is_what_the_text_writes_beside_a_name() -> None:
    text = (
        "Opened 2026-07-09 by Joost de Wit (Warehouse Supervisor, Shift 2)\n"
        "Filled in by ......... Agnieszka Dudek, Fleet Coordinator\n"
        "Driver: Bartosz Wieczorek, courier, +48 601 552 318\n"
        "Host Dana Whitaker sits down with semiconductor analyst Ravi Menon and former Intel engineer Grace Liu.\n"
        "Guests: Leo Martins, Sofia Reyes, Hannah Ojo\n"
        "Vehicle: Blue VW Polo, reg. MX68 RFO. Contact Anna Berg, anna@example.com"
    )
    assert roles_beside_names(text) == [
        "Warehouse Supervisor, Shift 2",
        "Fleet Coordinator",
        "courier",
        "semiconductor analyst",
        "former Intel engineer",
    ]  # not the next name of a list, a registration number, an e-mail, nor a verb ("sits down with")
    # Nor a verb or a greeting before a name, a date or a remark in brackets, names joined by "and".
    for other in (
        "Please contact Anna Berg",
        '"Great," said Ravi Menon',
        "Anna Berg (see attached)",
        "Anna Berg (22 May)",
    ):
        assert roles_beside_names(other) == []
    assert roles_beside_names("Sarah Jones, Tom Hardy and Lee Chan.") == []
    assert roles_beside_names("On Monday, Chiara Benedetti (Accounts Payable) clicked") == ["Accounts Payable"]


def test_a_role_field_beside_a_name_is_offered_the_roles_the_text_writes(tmp_path: Path) -> None:
    (tmp_path / "report.yaml").write_text(
        "title: Report\ntype: object\nproperties:\n  reported_by: {$ref: '#/$defs/Person'}\n"
        "  summary: {type: string}\n"
        "$defs:\n  Person:\n    type: object\n    properties:\n      name: {type: string}\n"
        "      role: {type: string, description: Job title or relation}\n"
    )
    report = compile_schema(tmp_path / "report.yaml", tmp_path / "cache")
    tool = {"type": "function", "function": {"name": "Report", "parameters": report.model_schema}}

    def roles(text: str) -> list[str]:
        person = narrow_tool(tool, Grounding(text, report))["function"]["parameters"]["$defs"]["Person"]
        spec = person["properties"]["role"]
        return list(next(branch["enum"] for branch in spec.get("anyOf", [spec]) if "enum" in branch))

    text = "Postmortem: Checkout API outage\nAuthor: Priyanka Deshmukh (SRE, on-call primary)\nStatus: resolved"
    assert roles(text)[0] == "SRE, on-call primary"  # first, the other runs after it
    # A label of the field's own words (its description's "relation") wins.
    assert roles("Name:         Gareth Pryce-Evans\nRelationship: Policyholder and driver\n") == [
        "Policyholder",
        "Policyholder and driver",
    ]


def test_dot_leaders_mark_a_label(listing: CompiledSchema) -> None:
    text = "VEHICLE REPORT\nMake ............ Renault\nModel ........... Master L2H2\nOwner: Kurier24 fleet"
    found = offered(listing, text)
    assert found["make"] == ["Renault"] and found["model"] == ["Master", "Master L2H2"]


def test_a_first_line_leading_into_the_rest_is_no_heading() -> None:
    assert _heading("Two quick dips for Saturday:\nGuacamole (serves 4): 2 avocados") is None
    assert _heading("Guacamole\nServes 4: 2 avocados") == "Guacamole"


def test_only_a_calendar_years_field_takes_years_and_only_years_as_written(tmp_path: Path) -> None:
    schema = (
        "title: Car\ntype: object\nproperties:\n  year: {type: integer}\n  km_per_year: {type: integer}\n"
        "  year_of_study: {type: integer, maximum: 6}\n  model: {type: string}\nrequired: [model]\n"
    )
    text = "BMW 118i, Hubraum: 1995 cm³, 2100 km, £1500, pickup at 1930. Registered March 3 2019; 15000 km per year."
    properties = narrowed_properties(tmp_path, "Car", schema, text)
    assert properties["year"]["anyOf"][0]["enum"] == [2019]  # not a measure, a price or a time
    assert 15000 in properties["km_per_year"]["anyOf"][0]["enum"]  # a rate per year is no year
    # A year of study (its maximum under 1000) is a small number the text writes, not a calendar year.
    studies = narrowed_properties(tmp_path, "Car", schema, "Year 2 undergraduate, registered March 3 2019.")
    assert studies["year_of_study"]["anyOf"][0]["enum"] == [2]


def test_a_row_of_three_cells_labels_nothing(listing: CompiledSchema) -> None:
    found = offered(listing, "Make\tModel\tYear\nFord\tTransit Custom\t2019\nMake      Model      Year\n")
    assert "Ford" in found["make"] and found["make"] != ["Model"]


def test_a_cognate_counts_only_as_a_forms_answer(listing: CompiledSchema) -> None:
    # "elektrische Fensterheber" is equipment, not the fuel; "Benzin" is German for petrol (glosses).
    text = "VW Golf 1.5 TSI\nKraftstoff: Benzin\nAusstattung: elektrische Fensterheber, elektrische Außenspiegel"
    assert offered(listing, text + "\nDas Auto ist unfallfrei und wir sind für Sie da.")["fuel"] == ["petrol"]


def test_an_attributes_type_is_no_classification(tmp_path: Path) -> None:
    schema = (
        "title: CarAd\ntype: object\nproperties:\n  model: {type: string}\n"
        "  fuel_type: {type: string, enum: [petrol, diesel]}\n  body_type: {type: string, enum: [sedan, suv]}\n"
        "  category: {type: string, enum: [new, used]}\nrequired: [model]\n"
    )
    properties = narrowed_properties(tmp_path, "CarAd", schema, "Golf, 2019, 80 000 km.")
    assert "category" in properties  # the ad's own class: the model judges
    assert "fuel_type" not in properties and "body_type" not in properties  # attributes the text never states


def test_an_organisation_writes_the_text_only_standing_on_its_line(ad: CompiledSchema) -> None:
    text = "Acme Motors Ltd has nothing to do with this sale.\nPrivate seller: Hannah Lindqvist\n+49 157 3382 0914"
    assert "Acme Motors Ltd" not in seller_names(ad, text)


def test_a_kind_of_organisation_names_one_only_as_the_head_of_its_name() -> None:
    assert holds_an_organisation("name", "Person or dealership name") == "or a person"
    assert holds_an_organisation("name", "The name of the clinic where it happened") == "organisation"
    assert holds_an_organisation("patient_name", "Name of the patient seen at the clinic") is None
    assert holds_an_organisation("member_name", "Name of the club member") is None
