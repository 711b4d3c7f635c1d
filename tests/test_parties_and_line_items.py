"""A document's parties (a quote's supplier and customer, a course's provider) offered the organisations the text
names, on the side the text marks them; a line item's product as written, beside sizes and counts; and the day a
programme's item falls on. No model runs here: these are the choices the reader hands it."""

from pathlib import Path
from typing import Any

import pytest

from gateway.extraction.text_facts import marked_as_quantity
from gateway.profiles.small.nested import _left_out_piece, left_out, pieces
from gateway.profiles.small.organisations import holds_an_organisation, kind_named_by, names_holding, organisations
from gateway.profiles.small.tables import cell_per_line_tables, comma_tables, spaced_tables
from gateway.schemas.compiler import CompiledSchema
from tests.test_field_blocks import enum, narrowed
from tests.test_nested_items import compiled
from tests.test_presenters_and_spans import offered, parameters, part_of
from tests.test_trainers_and_answers import choices_of as piece_choices_of

# A quote's or an order's line, shared by the schemas below.
LINE = """$defs:
  Line:
    type: object
    properties:
      description:
        type: string
        description: The product as written, including any size, colour or variant given with it.
      quantity: {type: number}
      unit_price: {type: number}
    required: [description]
"""

QUOTE = (
    """
title: Quote
type: object
properties:
  supplier_name:
    type: string
    description: The company or organisation making the offer, as written. Not the customer.
  customer_name:
    type: string
    description: The company, organisation or person the quote is made out to, as written. Not the supplier.
  line_items:
    type: array
    items: {$ref: "#/$defs/Line"}
required: [supplier_name, line_items]
"""
    + LINE
)

COURSE = """
title: Course
type: object
properties:
  course_title: {type: string}
  provider:
    type: string
    description: The school or organisation running the course. Not the venue, hotel or building where it is held.
required: [course_title]
"""

PROGRAMME = """
title: Programme
type: object
properties:
  event_name: {type: string}
  talks:
    type: array
    items: {$ref: "#/$defs/Talk"}
required: [event_name, talks]
$defs:
  Talk:
    type: object
    properties:
      title: {type: string}
      day: {type: string, format: date, description: The date of the talk.}
      start_time: {type: string, format: time}
    required: [title]
"""

MINUTES = """
title: Minutes
type: object
properties:
  meeting_title: {type: string}
  actions:
    type: array
    items: {$ref: "#/$defs/Action"}
required: [meeting_title, actions]
$defs:
  Action:
    type: object
    properties:
      task: {type: string}
      owner: {type: string}
      due: {type: string, format: date, description: When the task is due.}
    required: [task]
"""


def choices_of(schema: CompiledSchema, text: str) -> list[dict[str, Any]]:
    """Each item's fixed choices, its tables read as the reader reads them."""
    return piece_choices_of(schema, cell_per_line_tables(spaced_tables(comma_tables(text))))


@pytest.fixture
def quote(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "quote", QUOTE)


@pytest.fixture
def course(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "course", COURSE)


@pytest.fixture
def programme(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "programme", PROGRAMME)


@pytest.fixture
def minutes(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "minutes", MINUTES)


def test_organisations_are_named_with_their_legal_form_or_a_kind_of_organisation() -> None:
    text = (
        "Join Harbour Learning Academy's spring course, run with Drukarnia Wisła Sp. z o.o. and Tejidos del Norte "
        "S.A. de C.V.\nVenue: Hotel\nHALLAM & PRICE LTD\nEscuela Nexo de Negocios · Calle Mayor 4"
    )
    assert [found.value for found in organisations(text)] == [
        "Harbour Learning Academy",
        "Drukarnia Wisła Sp. z o.o.",
        "Tejidos del Norte S.A. de C.V.",
        "HALLAM & PRICE LTD",
        "Escuela Nexo de Negocios",
    ]


def test_a_table_gap_ends_an_organisations_name() -> None:
    text = "Cloud Services & Networking          Aiko Tanaka\nKubeSkills Inc. runs it."
    assert [found.value for found in organisations(text)] == ["Cloud Services & Networking", "KubeSkills Inc."]


def test_a_field_holds_an_organisation_by_its_description_not_what_it_rules_out() -> None:
    assert holds_an_organisation("provider", "The school or organisation running the course.") == "organisation"
    assert holds_an_organisation("customer_name", "The company or person the quote is for.") == "or a person"
    assert holds_an_organisation("organiser", "The person who booked. Not a company.") is None
    assert holds_an_organisation("supplier", "") == "organisation"  # no description: its name says it


LETTER = """Falkner Druck GmbH · Ringstraße 4 · 80331 München

Hofmann Bau AG
Herr Peter Lang
Hauptstraße 9
70173 Stuttgart

Angebot Nr. A-2231

Sehr geehrter Herr Lang, gerne bieten wir an:
- 500 x Broschüre A4, 16 Seiten — 2,40 € / Stk.

Mit freundlichen Grüßen
Anna Keller"""


def test_the_letterhead_is_the_supplier_and_the_other_company_the_customer(quote: CompiledSchema) -> None:
    assert offered(quote, LETTER, "supplier_name") == ["Falkner Druck GmbH"]
    assert offered(quote, LETTER, "customer_name") == ["Hofmann Bau AG"]


EMAIL = """Subject: Your quote

Dear Ms Osei,

Please find our offer for Lindqvist Dental Group below. Prices are valid for 30 days.

1. Mobile whiteboard, 120 x 90 cm, double-sided - 4 @ £540.00 = £2,160.00
2. Flip chart easel - 10 @ £85.00 = £850.00

Kind regards,

Tom Berry
Brightwell Office Supplies Ltd"""


def test_the_company_signed_for_is_the_supplier_and_the_one_after_for_the_customer(quote: CompiledSchema) -> None:
    assert offered(quote, EMAIL, "supplier_name") == ["Brightwell Office Supplies Ltd"]
    assert offered(quote, EMAIL, "customer_name") == ["Lindqvist Dental Group"]


def test_a_label_states_the_customer(quote: CompiledSchema) -> None:
    text = "Nordljus Design AB\nCustomer: Café Aurora\nOur reference: Sara Ek\n\n8 x Pendant lamp — 2 450 SEK"
    assert offered(quote, text, "customer_name") == ["Café Aurora"]
    assert offered(quote, text, "supplier_name") == ["Nordljus Design AB"]


def test_a_purchase_order_is_written_by_the_buyer(quote: CompiledSchema) -> None:
    text = (
        "Lakeside School District - Purchasing\nPURCHASE ORDER No. PO-4410\nVendor: Summit Classroom Supply Inc.\n\n"
        "30 x Stacking chair, blue — $42.50"
    )
    assert offered(quote, text, "customer_name") == ["Lakeside School District"]
    assert offered(quote, text, "supplier_name") == ["Summit Classroom Supply Inc."]


def test_a_customer_who_may_be_a_person_keeps_the_texts_words_where_no_company_is_marked(
    quote: CompiledSchema,
) -> None:
    text = "Quote for Maria Jensen\n\n2 x Oak shelf, 80 cm — €45.00\n\nThanks, Acme Joinery Ltd"
    choices = offered(quote, text, "customer_name")
    assert choices is not None and "Maria Jensen" in choices


def test_an_organisation_of_a_kind_the_description_rules_out_is_not_offered(course: CompiledSchema) -> None:
    text = "Negotiation Skills\nRun by Harbour Leadership Group at the Radisson Blu Hotel, Oslo."
    assert offered(course, text, "provider") == ["Harbour Leadership Group"]


def test_a_side_of_a_size_is_no_quantity_and_a_count_before_at_is() -> None:
    line = "Kraft box, 305 x 215 x 75 mm, printed - 2,000 @ £0.62"
    marked = [
        word
        for word in ("305", "215", "75", "2,000")
        if marked_as_quantity(line, at := line.index(word), at + len(word))
    ]
    assert marked == ["2,000"]
    assert marked_as_quantity("2 x Socks", 0, 1)


def test_a_line_items_product_leaves_its_count_and_price_out(quote: CompiledSchema) -> None:
    found = choices_of(quote, EMAIL)
    assert [choice["description"] for choice in found] == [
        ["Mobile whiteboard, 120 x 90 cm, double-sided"],
        ["Flip chart easel"],
    ]


TABLE = """Müller Werkzeugbau GmbH

Pos.  Art.-Nr.  Bezeichnung                               Menge   Einzelpreis
1     SV-200    Spannvorrichtung SV-200, Stahl verzinkt   4       1.250,00 €
2     SB-80     Spannbacken, gehärtet, 80 mm              20      37,50 €
"""


def test_a_products_column_in_another_language_gives_the_cell_whole(quote: CompiledSchema) -> None:
    assert [choice.get("description") for choice in choices_of(quote, TABLE)] == [
        ["Spannvorrichtung SV-200, Stahl verzinkt"],
        ["Spannbacken, gehärtet, 80 mm"],
    ]


def test_an_item_number_column_is_no_products_column(quote: CompiledSchema) -> None:
    text = (
        "QTY  ITEM NO.   DESCRIPTION                    UNIT PRICE\n"
        "30   CS-1184    Student desk, adjustable        89.00\n"
        " 2   CS-7702    Mobile whiteboard 48x36         219.00\n"
    )
    assert [choice.get("description") for choice in choices_of(quote, text)] == [
        ["Student desk, adjustable"],
        ["Mobile whiteboard 48x36"],
    ]


GRID = """# Harbour Tech Day 2026

## Day 1 - Wednesday 20 May

| Time | Room | Session |
|---|---|---|
| 09:00 | Hall A | Heat Pumps at District Scale |
| 10:00 | Hall B | Carbon Accounting for SMEs |

## Day 2 - Thursday 21 May

| Time | Room | Session |
|---|---|---|
| 09:00 | Hall A | Batteries Beyond Lithium |

Tickets: 21 May 2026 is sold out."""


def test_a_table_row_takes_the_day_of_the_heading_it_sits_under_a_days_one_row_too(programme: CompiledSchema) -> None:
    assert [choice.get("day") for choice in choices_of(programme, GRID)] == [
        ["2026-05-20"],
        ["2026-05-20"],
        ["2026-05-21"],
    ]


def test_a_timed_item_of_a_programme_whose_heading_names_one_day_takes_that_day(programme: CompiledSchema) -> None:
    text = (
        "Subject: Programme for Northern Data Day 2025 - Friday 14 November 2025\n\nSee you in Leeds!\n\n"
        "09:30  Why Lakehouses Still Need Schemas\n10:15  Streaming Joins That Don't Fall Over\n"
    )
    assert [choice.get("day") for choice in choices_of(programme, text)] == [["2025-11-14"], ["2025-11-14"]]


def test_an_untimed_item_does_not_take_the_texts_one_date(minutes: CompiledSchema) -> None:
    text = (
        "The team met on 3 March 2025 to plan the fair.\n\nActions:\n- Sam to send the budget\n"
        "- Rosa to book the venue\n"
    )
    assert all("due" not in choice for choice in choices_of(minutes, text))


TOTALS = """
title: Quote
type: object
properties:
  total:
    type: number
    description: The final total as stated; the total including tax where both are given.
  currency: {type: string}
required: [total]
"""


@pytest.fixture
def totals(tmp_path: Path) -> CompiledSchema:
    return compiled(tmp_path, "totals", TOTALS)


def test_the_total_including_tax_is_offered_where_the_text_gives_both(totals: CompiledSchema) -> None:
    text = "Lampe Orba   12   385,00 €\n\nTotal HT : 8 598,00 €\nTVA 20 % : 1 719,60 €\nTotal TTC : 10 317,60 €"
    assert offered(totals, text, "total") == [10317.6]


def test_a_wide_gap_or_a_currency_in_brackets_stands_between_a_label_and_its_value(totals: CompiledSchema) -> None:
    spaced = "Item        Qty   Amount (SEK)\nLamp        8     19 600\n\nTotal incl. VAT                 46 500"
    assert offered(totals, spaced, "total") == [46500]
    bracketed = "12 | Dell Pro Dock | $219.00 | $2,628.00\n\nTotal (USD): $2,628.00"
    assert offered(totals, bracketed, "total") == [2628]


def test_a_percentage_in_a_totals_label_is_no_total(totals: CompiledSchema) -> None:
    text = "Five packs of bibs, AED 92 per pack.\n\nTotal including 5% VAT: AED 483.00."
    assert offered(totals, text, "total") == [483]


def test_a_total_described_as_before_tax_takes_the_net_one(tmp_path: Path) -> None:
    schema = compiled(
        tmp_path, "net", TOTALS.replace("The final total as stated; the total including tax", "The total before tax")
    )
    text = "Lampe Orba   12   385,00 €\n\nTotal HT : 8 598,00 €\nTVA 20 % : 1 719,60 €\nTotal TTC : 10 317,60 €"
    assert offered(schema, text, "total") == [8598]


AGENDA = """
title: Agenda
type: object
properties:
  event_name: {type: string}
  items:
    type: array
    description: >-
      Every programme item, such as keynotes, talks, panels, welcomes, openings and closing sessions. These are NOT
      items and must be left out: breaks and coffee, lunch and other meals, registration, arrival or doors opening,
      receptions and drinks.
    items: {$ref: "#/$defs/Item"}
required: [event_name, items]
$defs:
  Item:
    type: object
    properties:
      title: {type: string}
      start_time: {type: string, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'}
    required: [title]
"""


def kept_titles(schema: CompiledSchema, text: str) -> list[str]:
    part = part_of(schema)
    found = pieces(text, part.item, part.about, part.others, optional=not part.required)
    return [piece.split("  ")[-1].strip() for piece in found if not _left_out_piece(piece, part.left_out)]


def test_what_a_programme_leaves_out_is_read_in_other_languages_and_an_opening_stays(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "agenda", AGENDA)
    text = (
        "Datentag 2027\n\n09:00  Anmeldung und Kaffee\n09:30  Opening\n10:00  Keynote: Offene Daten\n"
        "11:00  Kaffeepause\n12:30  Mittagessen\n13:30  Pausa café\n14:00  Déjeuner\n15:00  Abschluss\n"
        "16:00  Borrel\n"
    )
    assert kept_titles(schema, text) == ["Opening", "Keynote: Offene Daten", "Abschluss"]


def test_an_item_may_open_with_a_word_for_at_before_its_time(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "agenda", AGENDA)
    text = (
        "BiblioIA 2027\n\nore 9.30   Saluti istituzionali\n           Assessora alla Cultura\n"
        "ore 10.00  Keynote – L'IA generativa\n           prof.ssa Chiara Mancini\nore 16.30  Conclusioni\n"
    )
    part = part_of(schema)
    found = pieces(text, part.item, part.about, part.others, optional=not part.required)
    assert [piece.splitlines()[0] for piece in found] == [
        "ore 9.30   Saluti istituzionali",
        "ore 10.00  Keynote – L'IA generativa",
        "ore 16.30  Conclusioni",
    ]


KIND = """
title: PurchaseDocument
type: object
properties:
  document_type:
    type: string
    enum: [purchase_order, order_confirmation, quote]
    description: >-
      The kind of document: purchase_order (an order issued by the buyer to a supplier, "Purchase Order", "PO",
      "Bestellung"), order_confirmation (the seller confirming an order, "Order confirmation",
      "Auftragsbestätigung", "Ordrebekreftelse"), quote (an offer made before any order, "Quote", "Angebot", "Devis",
      "Offert", "Offerte").
  buyer_name:
    type: string
    description: The company or person buying or being offered the goods, as written.
required: [document_type]
"""


def test_a_documents_kind_is_the_one_its_heading_names_first(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "kind", KIND)
    text = "ANGEBOT Nr. 2027-118\n\nSehr geehrte Damen und Herren,\nbei Bestellung bis Freitag gilt der Preis."
    assert offered(schema, text, "document_type") == ["quote"]


def test_a_verb_in_a_descriptions_opening_is_no_label_for_the_field(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "kind", KIND)
    text = "OFFERTE\n\nOffertenummer: 2027-0412\nVan: Hoveniersbedrijf De Wilg\nAan: VvE De Lindenhof, t.a.v. S. Bakker"
    assert offered(schema, text, "buyer_name") == ["VvE De Lindenhof"]


EVENT = """
title: Event
type: object
properties:
  event_name: {type: string}
  organiser:
    type: string
    description: The company, association or institution that organises the event, as written. Not a sponsor.
required: [event_name]
"""


@pytest.mark.parametrize(
    ("footer", "organiser"),
    [
        ("Organised by Northern Web Collective CIC. Sponsored by Acme Labs Ltd.", "Northern Web Collective CIC"),
        ("Veranstalter: Netzwerk Offene Kommune e.V. · Partner: Hochschule Kehl", "Netzwerk Offene Kommune e.V."),
        ("Organisées par l'association Circul'R Rhône-Alpes, avec le soutien de l'ADEME.", "Circul'R Rhône-Alpes"),
        ("Il convegno è promosso dall'Associazione Italiana Biblioteche.", "Associazione Italiana Biblioteche"),
        ("Hosted by Kestrel Analytics' People Ops team at the University of Leeds.", "Kestrel Analytics"),
    ],
)
def test_an_organiser_is_the_one_the_text_says_organises_it(tmp_path: Path, footer: str, organiser: str) -> None:
    schema = compiled(tmp_path, "event", EVENT)
    assert offered(schema, f"Data Day 2027\n\n09:00 Welcome\n10:00 Talks\n\n{footer}", "organiser") == [organiser]


PURCHASE_ORDER = """RIVERSIDE DENTAL
14 Quay Street, Bristol BS1 4DJ

PURCHASE ORDER

Deliver to: Riverside Dental, 14 Quay Street (rear entrance)

Nitrile exam gloves, size M, powder-free (box of 100) - 40 @ £5.85
Impression trays, lower, size 3 - 200 @ £0.62

Order total: £283.00"""

LINES = (
    """
title: Order
type: object
properties:
  total: {type: number}
  lines:
    type: array
    description: >-
      Every good or service line, in the order listed. These are NOT lines and must be left out: subtotal, tax,
      shipping or delivery charge rows and total rows.
    items: {$ref: "#/$defs/Line"}
required: [lines]
"""
    + LINE
)


def test_what_a_description_leaves_out_labels_no_items_and_an_amount_alone_is_none(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "order", LINES)
    part = part_of(schema)
    found = pieces(PURCHASE_ORDER, part.item, part.about, part.others, optional=not part.required)
    assert [piece.split(" - ")[0] for piece in found] == [
        "Nitrile exam gloves, size M, powder-free (box of 100)",
        "Impression trays, lower, size 3",
    ]


def test_a_spaced_rows_product_ends_at_its_count_column_and_decimal_commas_cut_nothing(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "order", LINES)
    text = (
        "DEVIS N° D-2027-044\n\n"
        "Suspension laiton brossé Ø 45 cm, câble 2 m         12    189,00 €    2 268,00 €\n"
        "Applique murale LED 3000 K, blanc mat               24     76,50 €    1 836,00 €\n"
        "Ruban LED IP65, 5 m, blanc chaud                    10     42,90 €      429,00 €\n"
    )
    assert [choice.get("description") for choice in choices_of(schema, text)] == [
        ["Suspension laiton brossé Ø 45 cm, câble 2 m"],
        ["Applique murale LED 3000 K, blanc mat"],
        ["Ruban LED IP65, 5 m, blanc chaud"],
    ]


NUMBERED = """
title: Quote
type: object
properties:
  quote_number: {type: string, description: "The quote's own number as written. Not a customer or tax number."}
  order_number: {type: string}
required: [quote_number]
"""


def test_a_documents_number_is_the_first_its_heading_marks_as_a_number(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "numbered", NUMBERED)
    text = (
        "Nordljus Design AB · Org.nr 556123-4567\n\nOrder #SO-7781\nAngebotsnummer: AN-2025-1187\n"
        "Kundennummer: 40213\n\n4 x Spannvorrichtung SV-200 — 1.250,00 €"
    )
    assert offered(schema, text, "quote_number") == ["AN-2025-1187"]


def test_an_organisations_number_address_or_phone_holds_no_organisations_name() -> None:
    assert holds_an_organisation("company_number", "The company's registration number.") is None
    assert holds_an_organisation("phone", "The company's phone number.") is None
    assert holds_an_organisation("carrier", "The delivery company.") is None  # no name, no party: its own runs
    assert holds_an_organisation("employer_name", "The employer's name.") == "organisation"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Agreement between Acme Ltd and Beta Services GmbH.", ["Acme Ltd", "Beta Services GmbH"]),
        (
            "Quote prepared by Brightwell Design Studio for Harlow Foods Ltd.",
            ["Brightwell Design Studio", "Harlow Foods Ltd"],
        ),
        ("INVOICE\nWeb Design Services   £400.00\nPAYMENT DUE AS AGREED", []),
        ("Dear Customer Services Team,\nplease find attached.", []),
    ],
)
def test_what_names_no_organisation(text: str, names: list[str]) -> None:
    assert [found.value.rstrip(".") for found in organisations(text)] == names


def test_a_signatures_for_marks_no_customer_and_to_marks_one(quote: CompiledSchema) -> None:
    text = (
        "QUOTATION Q-7781\n\nTo: Harlow Foods Ltd\n\n2 x Mobile whiteboard — £540.00\n\n"
        "For Brightwell Office Supplies Ltd\nAuthorised Signatory"
    )
    assert offered(quote, text, "customer_name") == ["Harlow Foods Ltd"]
    assert offered(quote, text, "supplier_name") == ["Brightwell Office Supplies Ltd"]


def test_a_count_in_capitals_or_of_a_length_is_still_a_count() -> None:
    for line, number in (
        ("Cable 2 PCS @ £9.99", "2"),
        ("QTY 2  Hex bolt M8 x 40 mm", "2"),
        ("3 x 2 m HDMI cable", "3"),
    ):
        at = line.index(number)
        assert marked_as_quantity(line, at, at + len(number)), line


def test_a_total_due_after_payment_is_no_total_with_tax_and_excluding_vat_is_before_tax(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "totals", TOTALS)
    assert offered(schema, "Invoice total: $1,200.00\nAmount paid: $1,200.00\nTotal due: $0.00", "total") == [1200, 0]
    net = compiled(
        tmp_path, "net", TOTALS.replace("The final total as stated; the total including tax", "The total excluding VAT")
    )
    text = "Lamp   12   100,00 €\n\nTotal excl. VAT: 100,00 €\nTotal incl. VAT: 120,00 €"
    assert offered(net, text, "total") == [100]


def test_a_date_a_label_gives_is_no_one_day_programmes_day(programme: CompiledSchema) -> None:
    text = (
        "Harbour Tech Day - Saturday\nRegistration closes: 3 March 2025\n\n09:00  Opening keynote\n"
        "10:00  Rust at scale\n"
    )
    assert all("day" not in choice for choice in choices_of(programme, text))


def test_a_word_only_like_a_left_out_one_keeps_it_out_and_a_talk_in_another_language_stays(tmp_path: Path) -> None:
    described = "Every session, with its break-out room where one is given. Leave out breaks, lunch and registration."
    assert {"break", "lunch", "registration"} <= left_out(described)
    schema = compiled(tmp_path, "agenda", AGENDA)
    text = (
        "Jornada 2027\n\n09:00  Comida sostenible: menús escolares\n10:00  Keynote – Prof. Ana Pausa\n11:00  Almuerzo\n"
    )
    assert kept_titles(schema, text) == ["Comida sostenible: menús escolares", "Keynote – Prof. Ana Pausa"]


def test_a_products_column_named_for_the_field_comes_before_an_items_code_column(quote: CompiledSchema) -> None:
    text = (
        "| Item | Description | Qty | Unit price |\n|---|---|---|---|\n"
        "| WM-100 | Wireless mouse, black | 2 | 19.90 |\n| KB-200 | Keyboard, grey | 1 | 49.00 |\n"
    )
    assert [choice.get("description") for choice in choices_of(quote, text)] == [
        ["Wireless mouse, black"],
        ["Keyboard, grey"],
    ]


SESSIONS = """
title: Agenda
type: object
properties:
  items:
    type: array
    items: {$ref: "#/$defs/Item"}
required: [items]
$defs:
  Item:
    type: object
    properties:
      title: {type: string}
      speakers:
        type: array
        items: {type: string}
        description: Each speaker's name as written, without titles.
      organisation:
        type: string
        description: The first speaker's company, university or organisation, as written. Leave out if not stated.
      start_time: {type: string, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$'}
    required: [title]
"""


def test_an_items_organisation_is_the_one_written_after_its_first_speaker(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "sessions", SESSIONS)
    text = (
        "| Time | Session | Speaker(s) |\n|---|---|---|\n"
        "| 10:50 | Low-cost sonar SLAM | Erik Haugland, Kongsberg Maritime |\n"
        "| 11:30 | Biofouling detection | Dr. Mei Tanaka, Tokyo University of Marine Science and Technology |\n"
        "| 13:30 | Lightning talk: pg tricks | Katrin Vogt |\n"
    )
    found = choices_of(schema, text)
    assert [choice.get("organisation") for choice in found] == [
        ["Kongsberg Maritime"],
        ["Tokyo University of Marine Science and Technology"],
        [],
    ]
    assert found[0]["speakers"] == [["Erik Haugland"]]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Fernhill Robotics | Firmware Engineer | Leeds\nFernhill Robotics (fernhill.ai) was spun out of Dalton "
            "Engineering Group.",
            ["Fernhill Robotics", "Dalton Engineering Group"],
        ),
        ("Kettle & Crumb is hiring! Write to jobs@kettle-and-crumb.co.uk.", ["Kettle & Crumb"]),
        # a person's own address, an address's mailbox and a placeholder host name no organisation
        ("Anna Berg (anna@annaberg.se) and Tom Reyes, tom.reyes@example.com", []),
        # the name without a team's or a page's words after it; a host's subdomain names none
        ("Blue Harbor Careers Team (blueharbor.com). Support Hours: see support.acme.com", ["Blue Harbor"]),
        # a meeting's platform, a file's or a library's name
        ("Join Zoom Meeting https://zoom.us/j/123. Notes: Invoice in invoice.pdf; Node Summit on Node.js", []),
    ],
)
def test_a_name_its_web_or_mail_address_spells_is_an_organisations(text: str, names: list[str]) -> None:
    assert [found.value for found in organisations(text)] == names


JOB = """
title: Job
type: object
properties:
  title: {type: string}
  company:
    $ref: "#/$defs/Company"
    description: The employer that is hiring, not a recruitment agency posting on its behalf.
required: [title]
$defs:
  Company:
    type: object
    properties:
      name: {type: string, description: The employer's name as written.}
    required: [name]
"""


def test_an_organisation_the_fields_object_rules_out_is_not_offered(tmp_path: Path) -> None:
    text = (
        "Posted by Talentbridge Recruitment for our client Fjordlys Energi AS: Service Technician, Bergen. "
        "Apply at cv@talentbridge.no."
    )
    company = parameters(compiled(tmp_path, "job", JOB), text)["$defs"]["Company"]["properties"]["name"]
    assert enum(company) == ["Fjordlys Energi AS"]


def test_a_field_named_for_a_kind_of_place_is_offered_the_names_holding_its_word_in_any_language(
    tmp_path: Path,
) -> None:
    text = (
        "Ihr Rezept liegt in der Löwen-Apotheke Dresden-Striesen bereit (oder in einer Apotheke Ihrer Wahl).\n"
        "Dank für Ihre Buchung. Bisous, S. - La Pharmacie de la Gare, Farmacia Comunale 12, Zahnarztpraxis Dr. "
        "Berger.\nIhr Werkstatt-Team"
    )
    pharmacy = kind_named_by("pharmacy")
    assert names_holding(text, pharmacy) == [
        "Löwen-Apotheke Dresden-Striesen",
        "La Pharmacie de la Gare",
        "Farmacia Comunale 12",
    ]
    assert names_holding(text, kind_named_by("clinic")) == ["Zahnarztpraxis Dr. Berger"]
    assert names_holding(text, kind_named_by("garage")) == []  # a mail's sign-off is no garage's name
    # A nested object's name, by its object's kind ("salon.name"); a person's field is none.
    assert kind_named_by("salon.name") == kind_named_by("salon") != frozenset()
    assert kind_named_by("patient_name") == kind_named_by("vet") == frozenset()
    # ... nor one about the kind's place: a hotel's address, a station's code
    assert kind_named_by("hotel_address") == kind_named_by("station_code") == frozenset()
    prescription = compiled(
        tmp_path,
        "prescription",
        "title: Prescription\ntype: object\nproperties:\n  patient: {type: string}\n  pharmacy: {type: string}\n"
        "required: [patient]\n",
    )
    assert enum(narrowed(prescription, f"Patient: Jonas Richter\n{text}")["pharmacy"]) == [
        "Löwen-Apotheke Dresden-Striesen",
        "La Pharmacie de la Gare",
        "Farmacia Comunale 12",
    ]
