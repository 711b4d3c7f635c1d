"""What a text states, by kind and normalised (``extraction.text_facts``), and the runs of words and record layouts
the small profile reads it with."""

import pytest

from gateway.extraction.text_facts import TextFacts, integer_spans, marked_as_quantity, written_as_age
from gateway.profiles.small.records import layout
from gateway.profiles.small.runs import runs
from gateway.profiles.small.tables import item_description


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Shipped on 3 June 2024, due June 6, 2024.", ["2024-06-03", "2024-06-06"]),
        ("Reminder for 14.02.2024 and 2024/03/01", ["2024-02-14", "2024-03-01"]),
        ("on 05/04/2024", ["2024-04-05", "2024-05-04"]),  # day and month both fit: both readings
        ("the 7th of July 2024", ["2024-07-07"]),
        ("31/02/2024 is no date", []),
        ("ISSUED 02MAR2024, LO282 WAW LHR 18MAR24", ["2024-03-02", "2024-03-18"]),  # airline style
        ("Datum: pátek 6. listopadu 2026, platnost od: 7. 11. 2026", ["2026-11-06", "2026-11-07"]),  # Czech
        ("Verzia 4. 12. 26, bod 1. 2. 3", []),  # spaced full stops date only with a year of four figures
    ],
)
def test_dates_are_read_in_many_forms_as_iso(text: str, dates: list[str]) -> None:
    assert [found.value for found in TextFacts(text).dates] == dates


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("The summit runs 12–14 March 2025 in Oslo.", [("2025-03-12", "12"), ("2025-03-14", "14 March 2025")]),
        ("March 12-14, 2025", [("2025-03-12", "March 12"), ("2025-03-14", "14, 2025")]),
        ("from 30 May to 2 June 2025", [("2025-05-30", "30 May"), ("2025-06-02", "2 June 2025")]),
        ("Mar 30 – Apr 2, 2025", [("2025-03-30", "Mar 30"), ("2025-04-02", "Apr 2, 2025")]),
        ("30 Dec - 2 Jan 2026", [("2025-12-30", "30 Dec"), ("2026-01-02", "2 Jan 2026")]),  # across a new year
    ],
)
def test_each_end_of_a_range_of_days_is_a_date(text: str, dates: list[tuple[str, str]]) -> None:
    facts = TextFacts(text)
    assert [(found.value, text[found.start : found.end]) for found in facts.dates] == dates
    assert facts.integers == []  # the days are no numbers of their own


def test_times_numbers_and_contacts_are_found_and_normalised() -> None:
    facts = TextFacts(
        "Table at 7.30pm or 19:45, arrive by noon. Deposit 1,250.00 EUR or 12,50 EUR; 3 guests, forty-two cakes. "
        "Call +44 7911 123456 or mail ann.lee@example.com, see www.example.com/menu."
    )
    assert [found.value for found in facts.times] == ["19:30:00", "19:45:00", "12:00:00"]
    assert [found.value for found in facts.numbers] == [1250.0, 12.5, 3.0, 42.0]
    assert [found.value for found in facts.integers] == [3, 42]
    assert [found.value for found in facts.phones] == ["+44 7911 123456"]
    assert [found.value for found in facts.emails] == ["ann.lee@example.com"]
    assert [found.value for found in facts.urls] == ["https://www.example.com/menu"]
    # Each value keeps where the text writes it.
    [phone] = facts.phones
    assert facts.text[phone.start : phone.end] == "+44 7911 123456"
    # A continental amount without cents: "€ 1.850,-" is 1850.
    assert [found.value for found in TextFacts("Rent: € 1.850,- pm, service € 75,-").numbers] == [1850.0, 75.0]


def test_a_phone_number_ends_before_a_bracket_it_leaves_open() -> None:
    assert [found.value for found in TextFacts("call 98450 12345 (10 am to 8 pm).").phones] == ["98450 12345"]
    assert [found.value for found in TextFacts("Tel (02) 9550 1200, +1 (415) 555-0100").phones] == [
        "(02) 9550 1200",
        "+1 (415) 555-0100",
    ]


def test_no_code_date_time_or_decimal_number_is_a_phone_number() -> None:
    text = (
        "Request ZT-2026-90412, ref. PM-7731904, file FM/2026/11/55821\n12/11/2026 10:04 Valid from 7. 11. 2026.\n"
        "Account: 1.22450981. Your number +420 603 118 542, Tel-0171 5523908"
    )
    assert [found.value for found in TextFacts(text).phones] == ["+420 603 118 542", "0171 5523908"]


def test_a_number_inside_a_date_time_phone_or_code_is_not_a_number_of_its_own() -> None:
    facts = TextFacts("Booked 2024-09-28 at 18:45 for 7 guests, tel 0161 496 0000.")
    assert [found.value for found in facts.integers] == [7]
    facts = TextFacts("Booking HM/2026/1207 and ZT-2026-90412: 3 nights")
    assert [found.value for found in facts.integers] == [3]


def test_runs_of_words_stop_at_phrase_ends_and_skip_function_words_at_either_end() -> None:
    found = [
        run.value for run in runs("Hi! Book Osteria Lume on Friday, for Dr. Ann Ruiz.\nThe Copper Pot - ul. Długa 14/3")
    ]
    assert {"Osteria Lume", "Ann Ruiz", "Dr. Ann Ruiz", "The Copper Pot", "ul. Długa 14/3"} <= set(found)
    assert "Osteria Lume on" not in found and "on Friday" not in found  # function words at an end
    assert "Friday, for" not in found and "Ruiz.\nThe" not in found  # a comma, a sentence or a line ends a run
    assert not any(" - " in run for run in found)  # a dash standing alone too


def test_records_are_found_in_lists_tables_paragraphs_and_inline_numbers() -> None:
    lines = layout("Bookings - Bistro M - 21/06/2024\n- 18:00 Hall, 2 pax\n- 19:15 Fern, 5 pax\nThanks!")
    assert lines is not None and lines.records == ["- 18:00 Hall, 2 pax", "- 19:15 Fern, 5 pax"]
    assert lines.piece(lines.records[1]) == "Bookings - Bistro M - 21/06/2024\n- 19:15 Fern, 5 pax\nThanks!"
    table = layout("Digest\nID | Product\nIT-1 | VPN\nIT-2 | Jira\nNote: done")
    # Each row's cells under their column names; the heading row is no record, nor context.
    assert table is not None and table.records == ["ID: IT-1 | Product: VPN", "ID: IT-2 | Product: Jira"]
    assert table.before == "Digest" and table.after == "Note: done"
    # A first row holding digits is a record, not a heading.
    rows = layout("Ann Lee | 33 | Sales\nBo Park | 41 | Ops\nCy Diaz | 29 | IT")
    assert rows is not None and rows.records == ["Ann Lee | 33 | Sales", "Bo Park | 41 | Ops", "Cy Diaz | 29 | IT"]
    inline = layout("Both bookings: (1) Ref A for you. (2) Ref B for Marco.")
    assert inline is not None and inline.records == ["Ref A for you. ", "Ref B for Marco."]
    paragraphs = layout("Reviews of the lamp\n\nGreat lamp, bright and cheap.\n\nFlickers a lot at night, returned.")
    assert paragraphs is not None and paragraphs.before == "Reviews of the lamp" and len(paragraphs.records) == 2
    assert layout("Jason is 25 and Sarah is 30.") is None


@pytest.mark.parametrize(
    ("text", "aware"),
    [
        ("Created: 2024-03-12 09:14 UTC", "2024-03-12T09:14:00Z"),
        ("reported 2024-05-02T22:47:00+0200", "2024-05-02T22:47:00+02:00"),
        ("opened 5 Nov 2024, 08:30 (UTC-05:00) by", "2024-11-05T08:30:00-05:00"),
        ("at 2024-01-01 10:00 GMT+1 sharp", "2024-01-01T10:00:00+01:00"),
        ("on 3 May 2024 at 10:00 +05:30", "2024-05-03T10:00:00+05:30"),
        # a zone's abbreviation, after "Uhr" or in brackets with words before it
        ("Datum/Uhrzeit: Dienstag, 10.11.2026, 06:50 Uhr (MEZ)", "2026-11-10T06:50:00+01:00"),
        ("Date and time of loss: 10/15/2026   03:12 AM EDT", "2026-10-15T03:12:00-04:00"),
        ("el 23 de enero de 2026, hacia las 21:40 (hora peninsular, UTC+1)", "2026-01-23T21:40:00+01:00"),
        ("Date/time ...... 03.09.2026, 11:05 CEST", "2026-09-03T11:05:00+02:00"),
        # the time and its zone before the date; the time further on the date's line
        ("At 08:37 UTC on Thursday 19 Nov 2026, a user entered", "2026-11-19T08:37:00Z"),
        ("On 2026-10-21 the checkout API returned errors for most requests from 13:52 UTC", "2026-10-21T13:52:00Z"),
    ],
)
def test_a_date_time_keeps_the_utc_offset_written_after_it(text: str, aware: str) -> None:
    facts = TextFacts(text)
    assert aware in {found.value for found in facts.datetimes}
    assert all(found.value.startswith(aware[:10]) for found in facts.datetimes)  # the offset is no time of day
    assert {found.value for found in facts.times} <= {aware[11:19]}  # and no time of day read from the offset


def test_a_time_before_its_date_is_paired_with_it_and_no_time_across_another_date() -> None:
    assert "2025-03-12T14:30:00" in {found.value for found in TextFacts("um 14:30 Uhr am 12.03.2025").datetimes}
    due = {found.value for found in TextFacts("Dated 3 March 2025. Due by 17:00 on 10 March 2025.").datetimes}
    assert "2025-03-10T17:00:00" in due
    webinar = {found.value for found in TextFacts("Webinar: 14:00 UTC - 3 March 2026").datetimes}
    assert "2026-03-03T14:00:00Z" in webinar and not any(value.endswith("-03:00") for value in webinar)
    assert not any("-12:00" in found.value for found in TextFacts("Workshop 10:00-12:00, 3 May 2026").datetimes)
    later = TextFacts("Opened 2025-03-03 by Ana; began 2025-03-02 at 14:05 CET").datetimes
    assert "2025-03-03T14:05:00+01:00" not in {found.value for found in later}  # another date stands between


def test_a_date_time_without_an_offset_is_offered_without_one() -> None:
    assert {found.value for found in TextFacts("on 3 May 2024 at 10:00 in Zurich").datetimes} == {"2024-05-03T10:00:00"}


def test_a_time_after_a_dash_is_a_time_not_an_offset() -> None:
    facts = TextFacts("Bookings 21/06/2024\n- 18:00 Hallström\n- 19:15 Fernandes, from 10:00 +02:00")
    assert [found.value for found in facts.times] == ["18:00:00", "19:15:00", "10:00:00"]


def test_thousands_grouped_by_spaces_or_written_with_a_k_are_read_whole() -> None:
    facts = TextFacts("Pay: 38 000–42 000 SEK a month; bonus €5k; call +46 70 123 45 67.")
    assert {38000, 42000, 5000} <= {found.value for found in facts.integers}
    assert {38000.0, 42000.0, 5000.0} <= {found.value for found in facts.numbers}
    assert not {found.value for found in facts.numbers} & {70.0, 123.0, 7012345.0}  # a phone number stays whole
    # Read whole, a number is not also offered in pieces ("38", "000", "5"); lakh grouping is read too.
    assert not {found.value for found in facts.numbers} & {38.0, 0.0, 5.0}
    assert [found.value for found in TextFacts("CTC ₹18,00,000 – ₹22,00,000 p.a.").numbers] == [1800000, 2200000]


def test_fractions_are_numbers_and_slashes_between_bigger_numbers_are_not() -> None:
    facts = TextFacts("1 1/2 cups flour, 3/4 cup sugar, ½ lemon, 1½ tsp salt; flat 14/3, score 12/24.")
    written = {facts.text[found.start : found.end]: found.value for found in facts.numbers}
    assert written == {"1 1/2": 1.5, "3/4": 0.75, "½": 0.5, "1½": 1.5, "14": 14.0, "3": 3.0, "12": 12.0, "24": 24.0}
    assert [found.value for found in facts.integers] == [14, 3, 12, 24]  # "1 1/2" holds no whole number


def test_durations_are_read_whole_in_seconds() -> None:
    text = "Prep 1 hour 30 minutes; bake 18 mins. Flight 2h 15m, then 3 days, 45 secs. Room 12 ms."
    facts = TextFacts(text)
    written = [(text[found.start : found.end], found.value) for found in facts.durations]
    assert written == [
        ("1 hour 30 minutes", 5400),
        ("18 mins", 1080),
        ("2h 15m", 8100),
        ("3 days", 259200),
        ("45 secs", 45),
    ]


def test_a_lines_list_numbering_is_no_number_of_the_text() -> None:
    facts = TextFacts("Invoice lines:\n1. Logo design, 1200.00 EUR\n2) 3 x Menu layout\n(3) Rush fee: 50\n4.5 hours")
    assert [found.value for found in facts.numbers] == [1200.0, 3.0, 50.0, 4.5]


def test_a_day_of_a_month_without_its_year_is_no_number_of_the_text() -> None:
    facts = TextFacts("Harold Jenkins, 82, died March 9; services on the 14th of March at 11 a.m. for 40 guests.")
    assert [found.value for found in facts.numbers] == [82.0, 40.0]


def test_a_quoted_text_and_a_long_phrase_are_offered_whole() -> None:
    text = "Episode #57 — Bootstrapping to $1M ARR without a cofounder\nwith 'the typewriter wars', \"Learning\""
    values = [found.value for found in runs(text)]
    assert "Bootstrapping to $1M ARR without a cofounder" in values  # seven words: longer than a run
    assert "the typewriter wars" in values and "Learning" in values
    assert not any("Episode" in value and "Bootstrapping" in value for value in values)  # not across the dash


def test_no_run_starts_with_the_half_of_the_day_a_time_ends_with() -> None:
    values = [found.value for found in runs("6:00 PM  Doors open\n7:20 pm Lightning talks")]
    assert "Doors open" in values and "Lightning talks" in values
    assert not [value for value in values if value.casefold().startswith("pm")]


def test_full_width_punctuation_ends_a_run() -> None:
    assert [found.value for found in runs("患者王芳，女，32岁。")] == ["患者王芳", "女", "32岁"]


@pytest.mark.parametrize(
    ("line", "description"),
    [
        ("  1 x Ridgeline 45L Pack - Slate Blue", "Ridgeline 45L Pack - Slate Blue"),
        ("- Linen Journal, A5, Dotted (Sage) ×2 ... $38.00", "Linen Journal, A5, Dotted (Sage)"),
        ("1     HL-2231   Nitrile Gloves, Blue, Size M     10    10    0", "Nitrile Gloves, Blue, Size M"),
        ("  Bamboo Cutting Board Set (3 pcs)       Qty: 1", "Bamboo Cutting Board Set (3 pcs)"),
        ("> Qty 3 - Balsam Fir Soy Candle 8oz", "Balsam Fir Soy Candle 8oz"),
        ("2x Bohnen 1 kg", "Bohnen 1 kg"),
        # A quantity after the name, in brackets or after a dash, or counted in pieces - not a pack's size.
        ("- Caja 6 botellas Rioja Crianza 2021 (x2)", "Caja 6 botellas Rioja Crianza 2021"),
        ("• Star Map Print, 11x14, Navy — Qty 1", "Star Map Print, 11x14, Navy"),
        ("- Filterpapier Gr. 4 (100 Stück) 2 Stk.", "Filterpapier Gr. 4 (100 Stück)"),
        ("- Ziemia do roślin 5 l - 3 szt.", "Ziemia do roślin 5 l"),
        # Not laid out as an item: a sentence, a quantity in words of its own.
        ("Jason is 25 years old.", None),
        ("200 g plain flour", None),
        ("Line one\nLine two", None),
    ],
)
def test_a_line_laid_out_as_an_item_offers_its_description(line: str, description: str | None) -> None:
    assert item_description(line) == description


def test_numbers_written_as_quantities_and_ages() -> None:
    def marked(text: str) -> list[int]:
        facts = TextFacts(text)
        return [found.value for found in facts.integers if marked_as_quantity(text, found.start, found.end)]

    assert marked("2x Bohnen 1 kg; Serum x1 $42; Pack ×3; Qty: 4; 5 pcs; Sock - Size 9") == [2, 1, 3, 4, 5]

    def aged(text: str) -> list[int]:
        return [value for start, end, value in integer_spans(text) if written_as_age(text, start, end)]

    assert aged("Kev is 27 and Joe turned 90; Ana (34), Bo, 41, a 19-year-old, Mia 12 y/o, Ed at just 16.") == [
        27,
        90,
        34,
        41,
        19,
        12,
        16,
    ]
    assert aged("Room 5 is 12 m long; she worked there for 7 years; pain 3/10; 55-091-337") == []


def test_the_start_of_a_range_of_times_is_read_in_the_ends_style_and_a_later_end_is_no_offset() -> None:
    def times(text: str) -> list[str]:
        return [found.value[:5] for found in TextFacts(text).times]

    assert times("9-10:30 Kubernetes upgrades") == ["09:00", "10:30"]
    assert times("2-3pm tea, 11-1pm brunch") == ["14:00", "15:00", "11:00", "13:00"]
    assert times("9.00 – 9.20 Uhr Begrüßung; ab 8.30 Uhr") == ["09:00", "09:20", "08:30"]
    # "10:00-10:45" ends later than it starts: a range, not a time with a UTC offset of -10:45.
    assert times("10:00-10:45 Keynote") == ["10:00", "10:45"]
    assert times("2024-03-01T10:00-05:00") == []  # inside a date-time with its offset
    assert times("12-14 March 2025, call 555-1234, open 9-5") == []  # days, a phone, no clock


def test_days_of_a_month_without_a_year_take_the_texts_one_year() -> None:
    text = "Nordic Summit\n17–18 September 2025\n\nDAY 1 — Wednesday 17 September\n*SAT 22 NOV*, may 5"
    assert [found.value for found in TextFacts(text).yearless_dates] == ["2025-09-17", "2025-11-22"]
    assert TextFacts("Tue 14 May and 3 June").yearless_dates == []  # no year anywhere
    assert TextFacts("1 May 2024 - Tue 14 May - 3 June 2025").yearless_dates == []  # two years: which?


def test_days_without_a_year_take_the_year_of_a_month_the_text_writes_with_one() -> None:
    text = "Scotland road trip, Aug 2027\n| Thu 5 Aug 10:00 | Mon 9 Aug 17:00 |\nvendredi 13"
    assert [found.value for found in TextFacts(text).yearless_dates] == ["2027-08-05", "2027-08-09", "2027-08-13"]
    assert TextFacts("Trip in may 2027: Tue 14 May").yearless_dates == []  # "may 2027" is no month (a verb's)


def test_a_number_before_a_spaced_dash_is_no_hour_and_a_date_times_offset_stays_one() -> None:
    def times(text: str) -> list[str]:
        return [found.value[:5] for found in TextFacts(text).times]

    assert times("Day 1 - 09:00 Registration, Gate 5-10:45, Serves 4 - 10:00") == ["09:00", "10:45", "10:00"]
    assert times("• 9-10:30 workshop") == ["09:00", "10:30"]
    assert not {"05:00", "10:00"} & set(times("2025-03-01T01:15:00-05:00 and 2024-03-10T08:00:00-10:00"))
    # A day and a month are read on one line only: "Track 2" above "May Chen" is no date.
    assert TextFacts("12 June 2025\nTrack 2\nMay Chen\nRoom 4\nJan Kowalski").yearless_dates == []


def test_months_are_read_named_with_their_year_in_figures_and_from_dates() -> None:
    facts = TextFacts("Faktura za září 2026, vystaveno 1. 10. 2026. Card valid to 09/2027; invoice for Sept. 2026.")
    assert [found.value for found in facts.months] == ["2026-09", "2027-09", "2026-09", "2026-10"]
