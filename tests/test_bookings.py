"""What the small profile offers a booking's, a review's and a delivery's fields: days written without their year,
the dates that only date a message, scores out of a scale, yes/no in another language, counts of people, times in
words, and an address written over lines."""

from pathlib import Path

import pytest

from gateway.extraction.text_facts import TextFacts, marked_as_quantity
from gateway.profiles.small import addresses
from gateway.schemas.compiler import CompiledSchema
from tests.offering import compiled, offered

BOOKING = """
title: Booking
type: object
properties:
  restaurant: {type: string}
  party_size: {type: integer, minimum: 1, description: The number of guests the table is for.}
  date: {type: string, format: date, description: "The date of the booking (not the date the message was sent)."}
  time: {type: string, format: time}
required: [party_size, date]
"""

REVIEW = """
title: Review
type: object
properties:
  product_name: {type: string}
  rating: {type: number, minimum: 0, maximum: 5, description: The rating out of 5 as a number.}
  review_date: {type: string, format: date, description: The date the review was written or posted.}
  verified_purchase: {type: boolean, description: true if the review is marked as a verified purchase.}
  would_recommend: {type: boolean, description: true if the reviewer says they would recommend the product.}
required: [product_name, rating]
"""


@pytest.fixture(scope="module")
def booking(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("booking"), "booking", BOOKING)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> CompiledSchema:
    return compiled(tmp_path_factory.mktemp("review"), "review", REVIEW)


def _yearless(text: str) -> list[tuple[str, str]]:
    facts = TextFacts(text)
    return [(found.value, text[found.start : found.end]) for found in facts.yearless_dates]


def test_a_day_written_without_its_year_takes_the_year_and_weekday_the_text_gives() -> None:
    assert _yearless("[03/04/2026, 14:12] Jamie: booked Sat 4th April 7:30pm") == [("2026-04-04", "4th April")]
    assert _yearless("Gesendet: Montag, 10. März 2025\nam Freitag, 14.03., um 19:30 Uhr") == [
        ("2025-03-14", "Freitag, 14.03.")
    ]
    # A weekday and a day alone: the date near a dated one that falls on that weekday.
    assert _yearless("received Wed, Oct 7, 2026\nthis Friday, the ninth, at 7pm") == [
        ("2026-10-09", "Friday, the ninth")
    ]
    assert _yearless("mar., 15 sept. 2026\npara el jueves 24, somos 7") == [("2026-09-24", "jueves 24")]
    # Not a weekday's time, a count, a verb, nor anything without a dated day to count from.
    assert _yearless("Dated 1 Sep 2025. I sat 2 hours. Friday 7pm, Fri 19:30, Friday 12 guests, Sat 10 – 14") == []
    # Nor a decimal after a language's short word ("di 1.5 litri"); a weekday names the year ("Saturday 3 January"
    # written in December is next year's).
    assert _yearless("Ordine del 3 marzo 2026: confezione di 1.5 litri") == []
    assert _yearless("Sent: 28 December 2025\nYour table on Saturday 3 January") == [("2026-01-03", "3 January")]
    assert _yearless("See you Friday the 9th") == []


def test_a_booking_date_is_offered_its_days_and_not_the_dates_of_the_mail_around_it(booking: CompiledSchema) -> None:
    text = (
        "From: Gasthaus Zum Anker <info@anker.example>\nSent: Monday, 10 March 2025 09:05\nTo: Henrike Albers\n"
        "Subject: Tischreservierung\n\nGerne bestätigen wir einen Tisch für 5 Personen am Freitag, 14.03., um 19:30"
        " Uhr.\n\n> On 8 March 2025, at 22:31, Henrike Albers wrote:\n> einen Tisch für fünf Personen, bitte."
    )
    fields = offered(booking, text)
    assert fields["date"] == ["2025-03-14"]
    assert fields["party_size"] == [5]  # "5 Personen", not the "22" or "31" of the header's times
    # A form's "Date:" line is no mail's header: it stays the booking's.
    assert offered(booking, "Your table is confirmed.\n  Date:  Saturday 6 December 2025\n  Guests: 6")["date"] == [
        "2025-12-06"
    ]


def test_a_people_count_is_the_number_that_counts_people_not_a_bound(booking: CompiledSchema) -> None:
    text = "Per gruppi di più di 6 persone chiediamo una caparra di 35 €. Prenotato: sabato 3 maggio 2025, 4 persone."
    assert offered(booking, text)["party_size"] == [4]
    # Where nothing counts people, the numbers stay.
    assert 4 in offered(booking, "Table for 4 on 3 May 2025 at 8pm please")["party_size"]


def test_a_time_in_words_with_its_half_of_the_day_is_a_time() -> None:
    text = "at seven thirty p.m., or eleven am, or six forty-five pm; om 18.45 uur"
    assert [found.value for found in TextFacts(text).times] == ["19:30:00", "11:00:00", "18:45:00", "18:45:00"]


def test_a_rating_is_the_reviewers_score_on_the_fields_scale(review: CompiledSchema) -> None:
    page = (
        "Brewmaster Duo Filter Coffee Machine\n4.3 out of 5 stars · 2,184 global ratings\n\nHannah R.\n"
        "★★★★☆ Great coffee, noisy grinder\nReviewed on 3 March 2026"
    )
    assert offered(review, page)["rating"] == [4]  # not the average of many
    assert offered(review, "Note : 3,5/5 - une belle cafetière")["rating"] == [3.5]
    assert offered(review, "Kestrel KA-5 speakers after 2 months - 8/10")["rating"] == [4]
    assert offered(review, "Three stars from me, it's fine.")["rating"] == [3]
    assert offered(review, "App Store review · 4 ★ · by LenaK")["rating"] == [4]


def test_a_yes_no_in_another_language_is_read_by_its_words_root(review: CompiledSchema) -> None:
    french = "Achat vérifié ✓\nNote : 3/5\nLe café est correct, mais je ne la recommande pas à mes amis."
    fields = offered(review, french)
    assert fields["verified_purchase"] == [True]
    assert fields["would_recommend"] == [False]
    spanish = "⚠ Compra no verificada: la freidora me la regalaron. Valoración: 3 de 5. Es muy rápida y la cocina es"
    assert offered(review, spanish)["verified_purchase"] == [False]
    # An English text keeps English's words: "verified" is a participle there, not the thing named.
    assert "verified_purchase" not in offered(review, "Verified by our team. Rating 4/5. Great kettle.")


def test_a_question_answered_no_says_no(review: CompiledSchema) -> None:
    text = "Updated rating: 3.5/5. Would I recommend it? Honestly, no - get something else."
    assert offered(review, text)["would_recommend"] == [False]
    survey = "Q2. Would you recommend this product to a friend or colleague?\n    No\nQ1. Rating: 2/5"
    assert offered(review, survey)["would_recommend"] == [False]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "Anja Schröder\nLindenstraße 44, 2. OG links\n04177 Leipzig\nDeutschland",
            {"recipient": "Anja Schröder", "street": "Lindenstraße 44, 2. OG links", "city": "Leipzig"}
            | {"postal_code": "04177", "country": "Deutschland"},
        ),
        (
            "Ffion Pritchard\nTy Gwyn, 3 Heol y Felin\nLlandeilo\nCarmarthenshire\nSA19 6AB\nUnited Kingdom",
            {"recipient": "Ffion Pritchard", "street": "Ty Gwyn, 3 Heol y Felin", "city": "Llandeilo"}
            | {"region": "Carmarthenshire", "postal_code": "SA19 6AB", "country": "United Kingdom"},
        ),
        (
            "Morgan Ellis\n77 Birch Lane, Unit 2\nAsheville, NC 28801",
            {"recipient": "Morgan Ellis", "street": "77 Birch Lane, Unit 2", "city": "Asheville", "region": "NC"}
            | {"postal_code": "28801"},
        ),
        (
            "Katarzyna Nowicka\nul. Długa 47 m. 12\n31-147 Kraków\nwoj. małopolskie\nPolska",
            {"recipient": "Katarzyna Nowicka", "street": "ul. Długa 47 m. 12", "city": "Kraków"}
            | {"postal_code": "31-147", "region": "woj. małopolskie", "country": "Polska"},
        ),
    ],
)
def test_an_address_written_over_lines_is_read_a_line_per_part(block: str, expected: dict[str, str]) -> None:
    assert addresses.parse(block) == expected


def test_lines_without_a_street_over_a_postal_line_are_no_address() -> None:
    assert addresses._block(["Order 4471", "04177 Leipzig"]) == {}
    assert addresses._block(["Anja Schröder", "Shipped today", "04177 Leipzig"]) == {}
    assert addresses.parse("Thanks for your order!\nSee you soon") == {}


def test_two_numbers_glued_by_an_x_are_a_size_not_a_quantity() -> None:
    line = "Parure de lit en lin lavé 240x260 – Terracotta (x1)"
    marked = {line[f.start : f.end]: marked_as_quantity(line, f.start, f.end) for f in TextFacts(line).integers}
    assert marked == {"240": False, "260": False, "1": True}
    assert marked_as_quantity("10x Socks", 0, 2)


def test_a_forms_date_and_time_lines_are_no_mails_header(booking: CompiledSchema) -> None:
    text = "Summer workshop\nDate: 3 May 2026\nFrom: 10:00\nTo: 16:00\nRegistration closes 20 April 2026."
    assert "2026-05-03" in offered(booking, text)["date"]
    times = TextFacts("Datum: 14.03.2026\nUhrzeit: 19:30 Uhr\nReistijd: 1.45 uur").times
    assert [found.value for found in times] == ["19:30:00"]  # a time under "Uhrzeit", not a journey's length


def test_a_count_of_one_kind_of_people_keeps_its_own(tmp_path: Path) -> None:
    schema = compiled(
        tmp_path,
        "stay",
        "title: Stay\ntype: object\nproperties:\n  adults: {type: integer}\n  children: {type: integer}\n"
        "  max_guests: {type: integer, description: The most guests the flat sleeps.}\n",
    )
    fields = offered(schema, "Booking for 2 adults and 3 children, 4 nights. Sleeps up to 6 guests.")
    assert fields["adults"] == [2] and fields["children"] == [3]
    assert 6 in fields["max_guests"]  # a bound, for a field that is one


def test_a_fraction_that_counts_something_else_is_no_rating(review: CompiledSchema) -> None:
    assert offered(review, "Page 1 of 10 - I'd give it a 4. Photo 3 of 5.\nRating: 4")["rating"] == [4]
    assert offered(review, "★★★★☆ 2 months ago - 3 people found this helpful")["rating"] == [4]


def test_a_foreign_phrase_that_only_looks_negative_says_yes(review: CompiledSchema) -> None:
    text = "Je ne peux que recommander cette bouilloire, elle est rapide et le prix est correct pour la qualité."
    assert offered(review, text)["would_recommend"] == [True]


def test_a_remark_under_an_address_is_not_its_country() -> None:
    parts = addresses.parse("Anja Schröder\nLindenstraße 44\n04177 Leipzig\nPlease ring twice")
    assert parts == {"recipient": "Anja Schröder", "street": "Lindenstraße 44", "city": "Leipzig"} | {
        "postal_code": "04177"
    }


def test_a_remark_in_brackets_is_no_part_of_an_address_over_lines() -> None:
    parts = addresses.parse("Eerste Helmersstraat 102 (2nd floor)\n1054 EH Amsterdam")
    assert parts == {"street": "Eerste Helmersstraat 102", "postal_code": "1054 EH", "city": "Amsterdam"}


ADDRESSES = """
title: MobilePlanChange
type: object
properties:
  customer_email: {type: string, format: email, description: "The customer's e-mail address."}
  contact_email: {type: string, format: email, description: The e-mail address to write to about the order.}
  sender_email: {type: string, format: email}
required: [customer_email]
"""


def test_a_persons_mail_is_no_desks_and_no_field_but_a_senders_is_a_no_reply_address(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "plan_change", ADDRESSES)
    text = (
        "From: Klik Mobiel <no-reply@klikmobiel.nl>\nTo: sanne.dejong@hotmail.com\n\n"
        "Questions? Mail service@klikmobiel.nl or kundeservice@klikmobiel.nl."
    )
    offers = offered(schema, text)
    assert offers["customer_email"] == ["sanne.dejong@hotmail.com"]
    desks = ["service@klikmobiel.nl", "kundeservice@klikmobiel.nl"]
    assert offers["contact_email"] == ["sanne.dejong@hotmail.com", *desks]
    assert "no-reply@klikmobiel.nl" in offers["sender_email"]
    # Where only a desk's address is written, a person's field is offered it rather than nothing.
    assert offered(schema, "Mail info@klikmobiel.nl")["customer_email"] == ["info@klikmobiel.nl"]


CHANGE = """
title: MobilePlanChange
type: object
properties:
  plan_name: {type: string, description: The name of the plan after the change.}
  monthly_price: {type: number}
  due_date: {type: string, format: date}
  previous_plan: {type: string, description: The plan before the change.}
required: [plan_name]
"""


def test_a_value_labelled_as_what_was_before_a_change_is_not_offered_for_what_is(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "plan_change", CHANGE)
    text = (
        "From: Jiskra Mobil <info@jiskramobil.cz>\nDate: 9 Nov 2026\nSubject: Změna tarifu\n\n"
        "Původní tarif: Jiskra Mini (299 Kč/měs.)\nNový tarif: Jiskra Plus\nMěsíční paušál: 549 Kč\n"
        "Previous due date: 09/11/2026\nNew due date: 30/11/2026"
    )
    offers = offered(schema, text)
    assert "Jiskra Mini" not in offers["plan_name"] and "Jiskra Plus" in offers["plan_name"]
    assert offers["monthly_price"] == [549]
    assert offers["due_date"] == ["2026-11-30"]  # (the mail's header writes the old one too: a stamp, not a label)
    # A field that asks for what was before is offered it.
    assert "Jiskra Mini" in offers["previous_plan"]
    # Where every value is labelled so, all stay.
    assert offered(schema, "Old price: 12 EUR, previous price: 15 EUR")["monthly_price"] == [12, 15]


LOAN = """
title: LibraryLoan
type: object
properties:
  title: {type: string}
  loan_date: {type: string, format: date}
  due_date: {type: string, format: date}
required: [title, due_date]
"""


@pytest.mark.parametrize(
    ("text", "lent", "due"),
    [
        ("Titel: Der Process\nAusgeliehen am 12.10.2026, Rückgabe bis 30.11.2026.", "2026-10-12", "2026-11-30"),
        ("Titre : L'Anomalie. Emprunté le 02/11/2026, à rendre le 23/11/2026.", "2026-11-02", "2026-11-23"),
    ],
)
def test_a_loans_dates_are_known_by_their_labels_in_other_languages(
    tmp_path: Path, text: str, lent: str, due: str
) -> None:
    offers = offered(compiled(tmp_path, "library_loan", LOAN), text)
    assert offers["loan_date"] == [lent] and offers["due_date"][0] == due


def test_a_things_name_is_no_person_the_text_greets_or_mails(tmp_path: Path) -> None:
    schema = compiled(tmp_path, "plan_change", CHANGE)
    text = (
        "From: Heron Mobile <no-reply@heronmobile.co.uk>\nTo: tom.baker@example.com\nSubject: Your plan change\n\n"
        "Hi Tom,\n\nThanks for upgrading. Here's what's changing on 07700 900 123:\n\n"
        "Old plan:     Heron 15GB\nNew plan:     Heron 50GB\nMonthly price:     £15.00\n\nThe Heron Mobile team"
    )
    plans = offered(schema, text)["plan_name"]
    assert "Heron 50GB" in plans
    assert not {"Tom", "Hi Tom"} & set(plans), plans


ITEM = """
title: LibraryLoan
type: object
properties:
  title: {type: string, description: "The title of the borrowed item, as written."}
  library: {type: string}
required: [title]
"""


def test_a_title_of_a_thing_the_text_names_is_what_it_quotes_not_its_heading(tmp_path: Path) -> None:
    text = (
        "Médiathèque Louis-Aragon\nSMS · 02/12/2026 09:15\nBonjour, le document « L'Anomalie » (H. Le Tellier) est "
        "en retard depuis le 25/11/2026. Merci de le rapporter."
    )
    assert offered(compiled(tmp_path, "library_loan", ITEM), text)["title"][0] == "L'Anomalie"
    # The text's own title stays its heading: a recipe's.
    recipe = compiled(tmp_path, "recipe", "title: Recipe\ntype: object\nproperties:\n  title: {type: string}\n")
    assert offered(recipe, "Fluffy Pancakes\n\nMy kids call them 'the best ever'. Mix 2 eggs and milk.")["title"][
        0
    ] == ("Fluffy Pancakes")


GAME = """
title: Game
type: object
properties:
  match_date: {type: string, format: date}
  next_match_date: {type: string, format: date}
required: [match_date]
"""


def test_a_value_labelled_as_what_comes_next_is_offered_only_to_a_field_asking_for_it(tmp_path: Path) -> None:
    text = "Bericht vom 22.11.2026: Sieg im Derby.\nNächstes Spiel: Samstag, 05.12.2026, 19:30 Uhr, auswärts."
    offers = offered(compiled(tmp_path, "game", GAME), text)
    assert offers["match_date"] == ["2026-11-22"]
    assert "2026-12-05" in offers["next_match_date"]
    # A reminder's "Your next appointment" is its own.
    reminder = "Sent 02.11.2026\nYour next appointment: Tuesday 10.11.2026 at 09:30."
    assert "2026-11-10" in offered(compiled(tmp_path, "game", GAME), reminder)["match_date"]
    # "next" and "old" in a sentence label nothing: only as a line's label ("Next match:", "Old price:").
    prose = "Played next to the old mill on 22.11.2026; report sent 23.11.2026."
    assert "2026-11-22" in offered(compiled(tmp_path, "game", GAME), prose)["match_date"]


MONTHLY = """
title: Invoice
type: object
properties:
  billing_month: {type: string, pattern: "^[0-9]{4}-(0[1-9]|1[0-2])$"}
  card_expiry: {type: string, pattern: "^(0[1-9]|1[0-2])/[0-9]{2}$"}
  reference: {type: string, pattern: "^[A-Z0-9][A-Z0-9-]{2,24}$"}
required: [billing_month]
"""


def test_a_month_a_pattern_asks_for_is_offered_in_its_form_from_the_months_the_text_writes(tmp_path: Path) -> None:
    offers = offered(
        compiled(tmp_path, "invoice", MONTHLY),
        "Rechnung RE-2026-0917 für September 2026, erstellt am 01.10.2026. Karte gültig bis 09/2027.",
    )
    assert offers["billing_month"] == ["2026-09", "2027-09", "2026-10"]
    assert offers["card_expiry"] == ["09/26", "09/27", "10/26"]
    # A code's pattern, which any figures fit, is offered no month.
    assert "2026-09" not in offers["reference"] and "RE-2026-0917" in offers["reference"]
