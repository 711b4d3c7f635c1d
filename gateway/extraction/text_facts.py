"""What a text states, by kind: numbers, dates, times, emails, URLs and phone numbers, each normalised to the form
a JSON Schema type or ``format`` asks for and kept with where it stands in the text.

``TextFacts`` finds each kind once per text, on first use. Nothing here knows a schema: the small profile matches
the kinds to fields (``profiles.small.grounding``), and evidence finds an answer's values in the text with them.
"""

import bisect
import calendar
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import cached_property
from typing import Any

from gateway.schemas.from_text import number_word_spans

# A whole number written in digits, standing alone: not part of a code or a name such as "22A", "B-12" or
# "SK1423" (an ordinal suffix, "21st", is allowed).
_DIGITS = re.compile(r"(?<![\w.])(?<![A-Za-z]-)\d+(?:,\d{3})*(?![\d]|\.\d)(?!(?!(?:st|nd|rd|th)\b)[A-Za-z])")


# An age with a sex written against it: in brackets ("Connor (26M)"), as a clinical note opens a case - at a line's,
# a sentence's or a label's start - ("HPI: 54F presenting with", "72M with chest pain"), or in a table's cell of its
# own after a name's ("| Abdullahi Musa | 34M |"); not "raised $12M, led by", "350F for 20 min", "Seat 14F with".
_BRACKETED_AGE = re.compile(r"(?<=\()\d{1,3}(?=[MFmf]\))")
_CASE_OPENING = re.compile(
    r"(?:(?<![\s\S])|(?<=\n)|(?<=[:.;] )|(?<=[:.;]\t))[ \t]*(\d{1,3})(?=[MF],?[ \t]+(?:presenting|presents|presented|"
    r"with|w/|c/o|admitted|complaining|brought|referred|reports|pmh|hx)\b)"
)
_SEXED_CELL = re.compile(r"\|([^|\n]{1,60})\|[ \t]*(\d{1,3})[MF][ \t]*(?=\||$)", re.MULTILINE)
_NAME_CELL = re.compile(r"[ \t]*[^\W\d_a-z][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){0,3}[ \t]*")


@functools.lru_cache(maxsize=16)
def _sexed_ages(text: str) -> tuple[tuple[int, int, int], ...]:
    """``(start, end, value)`` of each age written against its sex (see above)."""
    found = [(match.start(), match.end(), int(match.group())) for match in _BRACKETED_AGE.finditer(text)]
    found += [(match.start(1), match.end(1), int(match.group(1))) for match in _CASE_OPENING.finditer(text)]
    found += [
        (match.start(2), match.end(2), int(match.group(2)))
        for match in _SEXED_CELL.finditer(text)
        if _NAME_CELL.fullmatch(match.group(1))
    ]
    return tuple(sorted(found))


def integer_spans(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of each whole number ``text`` states, in digits or in words, in text order."""
    found = [
        (match.start(), match.end(), int(match.group().replace(",", "")))
        for match in _DIGITS.finditer(text)
        if match.end() - match.start() <= 40  # no whole number of thousands of digits (nor Python's limit on them)
    ]
    return sorted(found + list(_sexed_ages(text)) + counted_words(text))


# A number in words ending in an ordinal ("First order", "the second leg") is a place in a row, not an amount - but
# for the years a birthday or an anniversary counts ("her fortieth birthday").
_ORDINAL_WORD = re.compile(r"(?i)(?:first|second|third|th)$")
_YEARS_COUNTED = re.compile(r"(?i)[ \t]+(?:birthday|anniversary)\b")


def counted_words(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of each number in words that counts something (``number_word_spans``, without
    ordinals but for a birthday's)."""
    return [
        (start, end, value)
        for start, end, value in number_word_spans(text)
        if not _ORDINAL_WORD.search(text[start:end]) or _YEARS_COUNTED.match(text, end)
    ]


# What a number counts, written just after it: "90-minute", "2 nights", "3 high chairs", or a street it numbers
# ("18 Orchard Lane"). Years and months are left out: they say how old ("19-year-old", "6 months").
_COUNTED_HYPHEN = re.compile(r"-([a-z]{3,})\b")
_COUNTED_WORDS = re.compile(r"[ \t]+([a-z]{2,})\b(?:[ \t]+([a-z]{3,})\b)?")
_NUMBERED_STREET = re.compile(
    r"[ \t]+([A-Z][a-z]+)[ \t]+(?:Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Drive|Boulevard|Blvd|Way|Place|Square|"
    r"Terrace|Close|Crescent|Straße|Strasse|Str|Gardens|Row|Hill|Park)\b"
)
_MEASURE = re.compile(
    r"[ \t]?(?:([°%℃℉‰])|(kg|km|cm|mm|ml|cl|dl|g|l|oz|tbsp|tsp|lbs?|ft|mi|mph|kph|gb|mb|tb|kb|hz|kw)(?![^\W\d_]))",
    re.IGNORECASE,
)
_SURNAME = re.compile(r"[A-Z][a-z]+[ \t]+$")
# What a number numbers, written just before it: "Hall 2", "gate 12", "Flat 6", "Locker 118", "No. 5".
NUMBERED_NOUNS = frozenset(
    "room hall gate flat apt apartment suite floor level platform table seat row bus line route unit building block "
    "door locker terminal bay stand ward bed court pier track chapter page section episode season volume vol phase "
    "stage step round grade class group team no number lot box desk zone day week year band tier size pitch".split()
)
_NUMBERED = re.compile(rf"\b({'|'.join(sorted(NUMBERED_NOUNS))})\.?[ \t]*#?[ \t]*$", re.IGNORECASE)
_SYMBOLS = {"°": "degrees", "℃": "degrees", "℉": "degrees", "%": "percent", "‰": "permille"}
# Verbs a person's number is often followed by ("Noah, 12 plays chess"): no plural nouns.
_VERBS = frozenset(
    "likes loves lives plays works runs goes has does says wants needs enjoys attends studies joins leaves makes "
    "takes gets uses weighs measures costs stands sits walks speaks writes reads teaches coaches".split()
)
_IRREGULAR_PLURALS = frozenset("people children grandchildren men women feet staff crew".split())
_AGE_UNITS = frozenset("year years yr yrs month months".split())
_NOT_COUNTED = _AGE_UNITS | frozenset(
    "a an the this that and or but of in on at to for from with by as is are was were his her its their old".split()
)


# Words for people a number counts, in the languages texts come in ("5 Personen", "7 personas", "4 persone",
# "12 personen", "3 osoby", "22 guests").
PEOPLE_NOUNS = frozenset(
    "people persons person guests guest adults adult pax covers diners attendees participants passengers travellers "
    "travelers kids children personen personnes personne gäste gaeste erwachsene couverts convives invités invites "
    "personas comensales adultos persone coperti ospiti adulti gasten volwassenen personer gäster vuxna osób osob "
    "osoby gości gosci pers leute teilnehmer teilnehmende kinder enfants niños ninos bambini kinderen barn dzieci "
    "mensen deelnemers partecipanti participantes huéspedes huespedes pasajeros passagiere reisende".split()
)
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_]+)")


def _plural(word: str) -> bool:
    if word in _VERBS:
        return False
    return word in _IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith(("ss", "us", "is")))


# What numbers most often count, in the languages text_facts reads dates in, and the English word for each: a
# field named in English ("nights", "bedrooms") counts "3 nuits", "3 Nächte", "2 sovrum" too.
_COUNT_NOUNS = {
    "night": "nacht nächte nachte nuit nuits noche noches notte notti nachten natt nätter natter nætter noc nocy noce "
    "nocí noite noites",
    "day": "tag tage tagen jour jours día días dia dias giorno giorni dag dagen dagar dage dni dzień dnia dny dní",
    "week": "woche wochen semaine semaines semana semanas settimana settimane weken vecka veckor uge uger tydzień "
    "tygodnie tygodni týden týdny",
    "month": "monat monate monaten mois meses mese mesi maand maanden månad månader måned måneder miesiąc miesiące "
    "miesięcy měsíc měsíce",
    "year": "jahr jahre jahren année années año años anno anni jaar jaren år rok lata roky",
    "hour": "stunde stunden heure heures hora horas uur uren timme timmar godzina godziny godzin hodina hodiny",
    # (a listing's "3 pièces", "4 locali" count its rooms; "2 chambres", "2 camere" its bedrooms)
    "room": "zimmer pièce pièces locali stanze stanza kamer kamers pokój pokoje pokoi",
    "bedroom": "chambre chambres habitación habitaciones camere schlafzimmer dormitorio dormitorios slaapkamer "
    "slaapkamers sovrum soveværelse soveværelser sypialnia sypialnie ložnice quarto quartos",
    "bathroom": "badezimmer bäder baño baños bagno bagni badkamer badkamers badrum łazienka łazienki koupelna",
    "item": "stück stk pieza piezas unidad unidades pezzo pezzi stuk stuks styck stycken sztuk szt sztuki kusů "
    "artikel artículos articoli",
    "ticket": "karte karten billet billets entrada entradas biglietto biglietti kaartje kaartjes biljett biljetter "
    "bilet bilety vstupenky",
    "seat": "platz plätze sitzplätze plaza plazas asiento asientos posto posti stoel stoelen plaatsen platser miejsce "
    "miejsca",
    "package": "paket pakete colis paquete paquetes pacco pacchi pakket pakketten paczka paczki balík",
    "bed": "bett betten cama camas letto letti bedden säng sängar łóżko łóżka",
}
COUNT_NOUNS_IN_ENGLISH = {word: english for english, words in _COUNT_NOUNS.items() for word in words.split()}


def counted_noun(text: str, end: int) -> str | None:
    """The word naming what the number ending at ``end`` counts or measures, written just after it ("90-minute",
    "2 nights", "3 high chairs", "18 Orchard Lane", "5°C", "20 kg"); in English where it is a common count noun of
    another language ("3 nuits": "night"); None if there is none."""
    after = text[end : end + 40]
    if word := _WORD_AFTER.match(after):
        noun = word.group(1).casefold()
        if noun in PEOPLE_NOUNS or noun in COUNT_NOUNS_IN_ENGLISH:
            return COUNT_NOUNS_IN_ENGLISH.get(noun, noun)
    if measure := _MEASURE.match(after):
        return _SYMBOLS.get(measure.group(1), measure.group(2) or "").casefold()
    if hyphen := _COUNTED_HYPHEN.match(after):
        return None if hyphen.group(1) in _NOT_COUNTED else hyphen.group(1)
    if words := _COUNTED_WORDS.match(after):
        first, second = words.groups()
        if first in _NOT_COUNTED:
            return None
        if _plural(first):
            return first
        return second if second is not None and _plural(second) and second not in _NOT_COUNTED else None
    if street := _NUMBERED_STREET.match(after):
        return street.group(1).casefold()
    return None


def numbered_noun(text: str, start: int) -> str | None:
    """The word naming what the number starting at ``start`` numbers, written just before it ("Hall 2", "gate
    12", "Locker 118"); None if there is none."""
    window = text[max(0, start - 40) : start]
    before = _NUMBERED.search(window)
    if before is None or _SURNAME.search(window, 0, before.start()):  # "Emma Ward 34": a name, not a ward
        return None
    return before.group(1).casefold()


# How a text writes an age, around its number: "34-year-old", "34 years old", "34 y/o", "(34)", "(34F)", "34/M",
# "34 años", "34岁", "34th birthday" after it; "aged 34", "age: 34", "turned 34", "is 34", "I'm 34",
# "at 34", "then 34", "Age/Sex: 34", "Priya Nair, 34," before it; and a number answering a question about age ("How
# old are you? Respondent: Fifty-five.").
_AGE_AFTER = re.compile(
    r"(?:[- \t]years?[- \t](?:old|of[ \t]+age)\b|[- \t]?(?:yo|y/o|y\.o\.|yrs?[ \t]+old)(?![\w/])|[MFmf]\)|/[MF]\b"
    r"|(?:st|nd|rd|th)[ \t]+birthday\b|[ \t]+(?:años|ans|anos|anni|Jahre|jaar|lat)\b|[ \t]*岁)"
)
# Words that say the number after them is an age; and words after which it may be one, where its clause ends.
_AGE_BEFORE = re.compile(r"(?:\b(?i:aged?|turn(?:ed|s|ing)?|at[ \t]+(?:just|only))[ \t:]*|\b(?i:age)\b[^\d\n]{0,24})$")
_AGE_MAYBE_BEFORE = re.compile(
    r"(?:\b(?i:(?:is|was|are|were|am)(?:[ \t]+(?:now|just|only|still))?|[a-z]+['’][sm]|then|at)"
    r"[ \t]*|\([ \t]*|(?:[^\W\d_a-z][\w'’-]*|\))[ \t]*,[ \t]*(?:(?:just|only|now)[ \t]+)?"
    r"|[^\W\d_a-z][\w'’-]*[^\W\d_A-Z][ \t]+)$"  # "Priya 34", not "HR 104"
)
_AGE_ASKED = re.compile(r"\b(?:how[ \t]+old|age)\b[^\d?]{0,40}\?[^\d?]{0,40}$", re.IGNORECASE)
_AGE_CLAUSE_END = re.compile(r"[ \t]*(?:[,;.!?)\n]|$|(?:and|today|now)\b)")


def written_as_age(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is written the way a person's age is (see ``_AGE_AFTER``):
    after "is", "at", a bracket or a name and a comma only where its clause ends ("is 34 km" is not an age)."""
    if _AGE_AFTER.match(text, end) or _AGE_ASKED.search(text, max(0, start - 80), start):
        return True
    if any(low == start for low, _, _ in _sexed_ages(text)):
        return True  # "54F presenting", "| Abdullahi Musa | 34M |"
    if _AGE_BEFORE.search(text, max(0, start - 40), start):
        return True
    return bool(_AGE_MAYBE_BEFORE.search(text, max(0, start - 40), start) and _AGE_CLAUSE_END.match(text, end))


# A number marked as a quantity: "2 x", "2x", "×2", "x 2", "Qty: 2", "Qty 2", "2 pcs".
_QUANTITY_BEFORE = re.compile(r"(?:(?<![^\W\d_])[x×]|\bqty\.?:?|\bquantity:?)[ \t]*$", re.IGNORECASE)
_QUANTITY_AFTER = re.compile(
    r"[ \t]*(?:[x×](?![^\W\d_])|pcs?\b|pieces?\b|units?\b|@(?=[ \t]*[^\w\s]{0,2}[ \t]*\d)"
    r"|(?:szt|stk|st|uds?|pz|kpl|ks)\.|(?:stück|stuks|pezzi|unidades|unités|szt|stk|uds)\b)",
    re.IGNORECASE,
)


# Two numbers of ten or more glued by an "x", without a unit: a size ("240x260", "11x14", "65x65"), no quantity.
_GLUED_SIZE = re.compile(r"(?<![\w.,])\d{2,4}[x×]\d{2,4}(?!\w|[.,]\d|[x×]?\d)")
# A quantity written against its "x" ("2x Bohnen", "Serum x1"), which a number in digits is not.
_GLUED_QUANTITY = re.compile(r"(?<![\w.,])(\d{1,4})(?=[x×](?![^\W\d_]))|(?<![^\W\d_])[x×](\d{1,4})(?![\w.,])")


def marked_as_quantity(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is written as a quantity ("2 x Socks", "Socks ×2", "Qty: 2",
    "2,000 @ £0.62"), not as a side of a size ("305 x 215 x 75 mm")."""
    if any(
        match.start() <= start < match.end() and _a_size(match.group())
        for match in _SIZE.finditer(text, max(0, start - 24), end + 40)
    ) or any(
        match.start() <= start < match.end() for match in _GLUED_SIZE.finditer(text, max(0, start - 12), end + 12)
    ):
        return False
    if _MONEY_AFTER.match(text, end) or _MONEY_BEFORE.search(text, max(0, start - 4), start):
        return False  # "3 pcs × 289.00 PLN": a price
    return bool(_QUANTITY_BEFORE.search(text, max(0, start - 12), start) or _QUANTITY_AFTER.match(text, end))


def _a_size(written: str) -> bool:
    """Whether numbers joined by "x" are a size, not a count of a length ("3 x 2 m HDMI cable"): three of them, an
    inch mark, millimetres or centimetres, a decimal, or both ten or more."""
    numbers = [float(number.replace(",", ".")) for number in re.findall(r"\d+(?:[.,]\d+)?", written)]
    return len(numbers) >= 3 or bool(re.search(r"[\"”]|\d[.,]\d|(?:mm|cm)$", written)) or min(numbers, default=0) >= 10


_CURRENCY_CODES = r"(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CZK|HUF|JPY|CNY|INR|AUD|CAD|NZD|SGD|HKD|ZAR|MXN|BRL|AED|TRY)"
_MONEY_AFTER = re.compile(rf"[ \t]?(?:{_CURRENCY_CODES}\b|[$€£¥₹](?![ \t]?\d)|zł|kr\b)")  # not "x1 $42": the next one's
_MONEY_BEFORE = re.compile(rf"(?:[$€£¥₹]|{_CURRENCY_CODES})[ \t]?$")
# A size: numbers joined by "x" ending with a unit of length ("305 x 215 x 75 mm", "60\" x 24\"", "85 x 200 cm").
_SIZE = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)?[\"”]?(?:[ \t]*[x×][ \t]*\d+(?:[.,]\d+)?[\"”]?)+[ \t]*(?:mm|cm|m|in|inch(?:es)?|ft)?"
    r"(?:(?<=[\"”a-z])(?![\w])|(?<=[\"”])|(?=[ \t]*(?:mm|cm|m|in|ft)\b))"
)


# Units of measure a number is written with ("200 g", "225g", "2 tbsp", "1.2 litres", "3 cloves", "2 hours").
_UNIT_AFTER = re.compile(
    r"(?<![\w.,])\d+(?:[.,]\d+)?(?:[ \u00a0]?(?:\d/\d|[½⅓⅔¼¾⅛]))?[ \u00a0]?"
    r"(kg|g|mg|ml|cl|dl|l|oz|lbs?|tsp|tbsp|teaspoons?|tablespoons?|cups?|pints?|quarts?|litres?|liters?|"
    r"millilitres?|milliliters?|grams?|kilograms?|ounces?|pounds?|pinch(?:es)?|cloves?|cans?|tins?|slices?|"
    r"sprigs?|bunch(?:es)?|handfuls?|splash(?:es)?|dash(?:es)?|sticks?|packs?|packets?|sheets?|pcs|"
    r"hours?|hrs?|minutes?|mins?|days?|nights?|weeks?|months?|m|cm|mm|km|ft|sq ?ft|m2|m²)(?![\w/])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """A value the text offers, and where: ``text[start:end]`` is what it was read from."""

    value: Any
    start: int
    end: int


# A mail header's line ("From:", "Betreff:", "Envoyé :"), and those of them that date the message.
_HEADER_LINE = re.compile(
    r"(?i)[ \t>*]*(?P<label>from|to|cc|subject|date|sent|von|an|betreff|gesendet|datum|objet|de|à|envoyé|envoye|"
    r"asunto|para|enviado|fecha|oggetto|da|a|inviato|data|onderwerp|van|aan|verzonden|ämne|från|till|skickat|"
    r"temat|od|do|wysłano|wyslano|received|submitted)(?:[ \t]+el)?[ \t*]*:"
)
_SUBJECT_LABELS = frozenset("subject betreff objet asunto oggetto onderwerp ämne temat".split())
_DATING_LABELS = frozenset(
    "date sent gesendet datum envoyé envoye enviado fecha inviato data verzonden skickat wysłano wyslano received "
    "submitted".split()
)
# A quoted reply's opening ("On 16 Nov 2025, at 12:31, Anna wrote:", "Il giorno 18 ott 2026 ... ha scritto:"), a
# chat's time stamp ("[03/04/2026, 14:12] Jamie:").
_REPLY_OPENING = re.compile(
    r"(?im)^[ \t>]*(?:on|le|am|el|il[ \t]+giorno|op|den|w[ \t]+dniu|dnia)\b[^\n]{0,120}?"
    r"(?:wrote|schrieb|a[ \t]+écrit|escribió|ha[ \t]+scritto|schreef|skrev|napisał)[ \t]*:?[ \t]*$"
    r"|^[ \t]*\[[^\]\n]{0,24}\d{1,2}:\d{2}[^\]\n]{0,8}\](?=[ \t]*[^\W\d_][^:\n]{0,40}:)"
)


@dataclass(frozen=True)
class Rating:
    """A score the text gives something: ``score`` out of ``scale`` (None: the scale is not written, as with "4
    stars"), and whether it is an average of many ratings ("4.3 out of 5 (2,184 ratings)")."""

    score: float
    scale: float | None
    average: bool
    start: int
    end: int


_SCORE = r"(?P<score>\d{1,3}(?:[.,]\d{1,2})?)"
# "4/5", "3,5/5", "8/10", "4 out of 5", "4,2 von 5", "3 de 5", "4 sur 5", "4 av 5", "3 su 5", "2 z 5", "4 van 5".
_OUT_OF = re.compile(
    rf"(?<![\d.,/]){_SCORE}[ \t]*(?:/|(?:out[ \t]+of|von|sur|de|su|av|z|van|na|of)(?=[ \t]))[ \t]*"
    r"(?P<scale>5|10|100)(?![\d.,/]\d)",
    re.IGNORECASE,
)
_STAR_WORDS = (
    r"(?:stars?|Sterne?n?|étoiles?|etoiles?|estrellas?|stelle|sterren|ster|stjärnor|stjärna|gwiazdk[aiy]|gwiazdek)"
)
_COUNTED = "one two three four five".split()
# "4 stars", "four stars", "5 Sterne" (the field's own scale; not a "5-star hotel").
_STARS_WRITTEN = re.compile(
    rf"(?<![\d.,/])(?:{_SCORE}|(?P<word>{'|'.join(_COUNTED)}))[ \t]+{_STAR_WORDS}\b", re.IGNORECASE
)
# "★★★★☆" (the filled stars of five), "★ 4.1" (the score after one star).
_STAR_GLYPHS = re.compile(
    r"(?P<filled>(?:[★⭐🌟]\ufe0f?)+)(?P<half>½)?(?P<empty>[☆✩✰]*)(?:[ \t]*(?P<after>\d(?:[.,]\d{1,2})?)(?![\d.,]))?"
)
# "4 ★", "4.5⭐": a score before one star.
_SCORE_STAR = re.compile(r"(?<![\d.,])(?P<score>\d(?:[.,]\d{1,2})?)[ \t]*[★⭐🌟]\ufe0f?(?![★⭐🌟☆✩✰])")
# What marks a score as many people's: "Average 4.2", "Durchschnitt 4,2 von 5", "4.3 out of 5 (2,184 ratings)".
_AVERAGE_BEFORE = re.compile(
    r"(?i)\b(?:average|avg|customers?[ \t]+rating|durchschnitt\w*|moyenne|media|promedio|gemiddeld\w*|"
    r"genomsnitt\w*|[śs]rednia|valoraci[óo]n[ \t]+media|note[ \t]+moyenne)\b[^\n]{0,25}$"
)
_AVERAGE_AFTER = re.compile(
    r"(?i)[^\n.!?]{0,30}?\(?[ \t]*\d[\d.,  ]*[ \t]+(?:global[ \t]+|customer[ \t]+)?(?:ratings?|reviews?|votes?|"
    r"Bewertungen|Rezensionen|avis|notes|opiniones|opinii|ocen|valoraciones|rese[ñn]as|recensioni|valutazioni|"
    r"recensioner|betyg|omdömen|beoordelingen|recensies|stemmen)\b"
)


# What a fraction counts instead: "Page 1 of 10", "Photo 3 of 5", "Step 2/5".
_NO_SCORE_BEFORE = re.compile(
    r"(?i)\b(?:page|pages|p\.|photo|image|picture|slide|step|question|item|part|episode|seite|página|pagina|foto|"
    r"bild|frage|schritt|teil|étape|etape|pregunta|paso|domanda|vraag|stap|fråga|steg|strona|pytanie)[ \t#.]*$"
)


def _ratings_in(text: str) -> list[Rating]:
    found: dict[int, Rating] = {}
    covered: list[tuple[int, int]] = []  # the spans read, by start: a score inside one is none of its own

    def add(score: float, scale: float | None, start: int, end: int) -> None:
        line_start = max(text.rfind("\n", 0, start) + 1, start - 80)
        average = bool(_AVERAGE_BEFORE.search(text, line_start, start) or _AVERAGE_AFTER.match(text, end))
        index = bisect.bisect_right(covered, (start, len(text))) - 1
        inside = index >= 0 and covered[index][0] <= start < covered[index][1]  # the "5 stars" of "4 out of 5 stars"
        if not inside and (scale is None or score <= scale):
            found.setdefault(start, Rating(score, scale, average, start, end))
            bisect.insort(covered, (start, end))

    for match in _STAR_GLYPHS.finditer(text):
        if match["after"] and len(match["filled"].replace("\ufe0f", "")) == 1 and not match["empty"]:
            add(float(match["after"].replace(",", ".")), None, match.start(), match.end())
        else:
            stars = len(match["filled"].replace("\ufe0f", ""))
            if match["empty"] or match["half"] or stars > 1:
                filled, empty = stars + (0.5 if match["half"] else 0), len(match["empty"])
                add(filled, float(stars + bool(match["half"]) + empty) if empty else None, *match.span())
    for match in _SCORE_STAR.finditer(text):
        add(float(match["score"].replace(",", ".")), None, *match.span())
    for match in _OUT_OF.finditer(text):
        noun = counted_noun(text, match.end())
        if _NO_SCORE_BEFORE.search(text, max(0, match.start() - 16), match.start()) or (
            noun and not re.fullmatch(_STAR_WORDS, noun, re.IGNORECASE)
        ):
            continue  # "Page 1 of 10", "3 of 5 parcels", "9/10 dentists" (not "4 out of 5 stars")
        add(float(match["score"].replace(",", ".")), float(match["scale"]), *match.span())
    for match in _STARS_WRITTEN.finditer(text):
        score = float(match["score"].replace(",", ".")) if match["score"] else _COUNTED.index(match["word"].lower()) + 1
        add(score, None, *match.span())
    return sorted(found.values(), key=lambda item: item.start)


def units_written(text: str) -> list[Found]:
    """The units of measure the text writes just after a number, as written ("g" of "225g", "tbsp")."""
    return [Found(match.group(1), *match.span(1)) for match in _UNIT_AFTER.finditer(text)]


# Characters a run of words is trimmed of at its ends ("(sage)," -> "(sage)" keeps its brackets: they pair).
_EDGE = ".,;:!?\"'“”‘’*_"
_OPEN, _CLOSE = "([{", ")]}"

# Parts bounded as RFC 5321 bounds them, and starting where a word does: linear on a long run of letters.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.IGNORECASE)
# A phone number: an optional +, then digits with spaces, dots, dashes, slashes or brackets; 7 to 15 digits.
# A phone number: digits and the marks between them, never a wide gap ("06.2019   87 300" is two columns).
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d(?:[\d()./-]| (?! )){5,22}\d(?!\w)")
# A line's list numbering: "1. ", "2) ", "(3) ".
_NUMBERING = re.compile(r"(?m)^[ \t]*(?:\(\d{1,2}\)|\d{1,2}[.)])(?=[ \t])")
_NUMBER = re.compile(r"(?<![\w.,])(?<![A-Za-z]-)[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")
# Thousands grouped by spaces or (Swiss) apostrophes ("38 000", "1 200 000", "1'450") and thousands written with a
# k ("€55k", "12.5k").
_SPACED_NUMBER = re.compile(
    r"(?<![\w.,'’])(?P<whole>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{1,3}(?:['’]\d{3})+)(?![\d'’])"
    r"(?:(?P<fraction>[.,]\d{1,2})(?![\d.,])|[.,][-–])?"
)
# Lakh and crore grouping ("18,00,000" is 1 800 000).
_LAKH_NUMBER = re.compile(r"(?<![\w.,])\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])")
_THOUSANDS = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)[kK](?![A-Za-z])")
# Continental amounts: "1.250,00", "12,50", "€ 1.850,-" (no cents).
_EURO_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:\.\d{3})+(?:,\d{2}|,[-–—])(?!\d)|\d+(?:,\d{2}(?![\d,])|,[-–—](?!\d)))"
)
# A rate's unit after an amount ("per litre", "/kWh"); not a salary's or a stay's ("per month", "/night").
_PER_UNIT = (
    r"[ \t]*(?:per\b|pro\b|a\b|each\b|/)(?![ \t]*(?:month|mo|year|yr|annum|week|day|hour|hr|night|person|jahr|monat)\b)"
)
# Thousands grouped by full stops beside a currency that writes them so ("€4.000–€5.200", "12.500 kr"), not a
# price with cents ("€4.50") nor a rate ("€1.799 per litre", "EUR 0.125 per kWh").
_DOTTED_THOUSANDS = re.compile(
    r"(?:€|\bEUR|\bkr|\bzł|\bR\$|\bCHF|\bDKK|\bSEK|\bNOK)[ \t]?(?P<before>[1-9]\d{0,2}(?:\.\d{3})+)(?![\d]|[.,][\d–—-])"
    rf"(?!{_PER_UNIT})"
    r"|(?<![\w.,])(?P<after>[1-9]\d{0,2}(?:\.\d{3})+)(?![\d]|[.,][\d–—-])[ \t]?"
    rf"(?:€|EUR\b|kr\b|zł|CHF\b|DKK\b|SEK\b|NOK\b)(?!{_PER_UNIT})"
    # ... or before a distance: an odometer's "87.450 km" (no one writes a reading to the metre)
    r"|(?<![\w.,])(?P<distance>[1-9]\d{0,2}(?:\.\d{3})+)(?![\d]|[.,]\d)[ \t]?(?:km|kms|mi|miles|Meilen)\b"
)
_DOTTED_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,]\d)")
_DECIMAL_STOP = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,]\d|\d)")
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{1,2}(?![\d,])")
# A fraction as recipes and measures write it ("1/2", "1 1/2", "½", "1½"), not a date or a ratio of big numbers.
_FRACTION = re.compile(r"(?<![\w./,])(?:(?:(\d{1,3})[ \u00a0])?(\d)/(\d{1,2})(?![\d/])|(\d{1,3})?([½⅓⅔¼¾⅛]))")
_VULGAR = {"½": 0.5, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 0.25, "¾": 0.75, "⅛": 0.125}
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): index for index, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_ENGLISH_MONTHS = frozenset(_MONTHS)
# ... and in the languages programmes and letters are most often written in besides English ("13. Juni 2025",
# "3 de marzo de 2025", "12 octobre 2025", "6. listopadu 2026"): German, French, Spanish, Italian, Portuguese,
# Dutch, the Nordic languages, Polish, Czech and Slovak.
for _index, _names in enumerate(
    (
        "januar janvier enero gennaio janeiro januari jänner stycznia styczeń janv ene jän leden ledna januára",
        "februar février fevrier febrero febbraio fevereiro februari lutego luty févr fevr únor února februára",
        "märz mär mars marzo março maart marzec marts mrt březen března",
        "avril abril aprile kwietnia kwiecień avr abr kwi duben dubna apríla",
        "mai mayo maggio maio mei maj květen května mája",
        "juni juin junio giugno junho czerwca czerwiec giu cze červen června júna",
        "juli juillet julio luglio julho lipca lipiec juil červenec července júla",
        "août aout agosto augustus augusti sierpnia sierpień aoû srpen srpna augusta",
        "septembre septiembre settembre setembro września wrzesień wrz září septembra",
        "oktober okt octobre octubre ottobre outubro października październik ott paź říjen října októbra",
        "novembre noviembre novembro listopada listopad listopadu novembra",
        "dezember dez décembre decembre diciembre dicembre dezembro grudnia grudzień desember déc dic prosinec "
        "prosince decembra",
    ),
    start=1,
):
    _MONTHS |= dict.fromkeys(_names.split(), _index)
# Short forms that are words too ("set", "ago", "mag", "lis"): a month only with a year after it ("13 set 2026").
_WITH_A_YEAR = {
    "set": 9,
    "ago": 8,
    "gen": 1,
    "mag": 5,
    "lip": 7,
    "sie": 8,
    "lis": 11,
    "sty": 1,
    "lut": 2,
    "lug": 7,
    "gru": 12,
    "maja": 5,
    "marca": 3,
}
MONTH_NAMES = frozenset(_MONTHS)  # in English and the languages above, in lower case
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_OF_A_YEAR = r"(?P<month>" + "|".join(sorted([*_MONTHS, *_WITH_A_YEAR], key=len, reverse=True)) + r")\.?"
# A day, its ordinal's ending ("3rd", German "13.") and a word before the month ("9th of March", "3 de marzo").
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|\.(?=\s))?"
_OF = r"(?:\s+(?:of|de|del))?"
_YEAR = r"(?P<year>\d{4})"
_DATES = [
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_DAY}{_OF}\s+{_MONTH_OF_A_YEAR},?{_OF}\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}(?P<sep>[-/]){_MONTH}(?P=sep){_YEAR}\b", re.IGNORECASE),  # "06-Sep-2025", "6/Sep/2025"
]
# A month named with its year ("September 2026", "Sept. 2026", "listopad 2026"), and one in figures ("09/2026").
_MONTH_AND_YEAR = re.compile(rf"\b{_MONTH_OF_A_YEAR},?[ \t]+{_YEAR}\b", re.IGNORECASE)
_MONTH_IN_FIGURES = re.compile(r"(?<![\d./-])(?P<month>0?[1-9]|1[0-2])[./-](?P<year>(?:19|20)\d\d)(?![\d/-]|\.\d)")
# A range of days sharing a year, and a month unless both are named: "12–14 March 2025", "3 to 5 June 2025",
# "30 May - 2 June 2025", "March 12-14, 2025", "Mar 30 – Apr 2, 2025". Each end is a date of its own.
_MONTH_WORD = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# Two days joined ("12 and 13 June 2025", "12./13. Juni", "Thu 12 & Fri 13 June") are both dates too.
_TO = r"\s*(?:[-–—/→]|->|to|until|till|through|thru|bis|au|al|and|&|und|et|y)\s*"
_ORDINAL = r"(?:st|nd|rd|th|\.)?"
_WEEKDAY_WORD = (
    r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|"
    r"venerdì|sabato|domenica|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|måndag|tisdag|onsdag|"
    r"torsdag|fredag|lördag|söndag|(?:lun|mar|mer|mié|jeu|jue|gio|ven|vie|sam|sáb|sab|dim|dom)\.?),?\s+"
)
_DAYS_APART = re.compile(rf"(?:st|nd|rd|th|\.)?{_TO}(?:{_WEEKDAY_WORD})?", re.IGNORECASE)
_RANGES = [
    # (a weekday before the second day only where one stands before the first: "Thu 12 & Fri 13 June", not
    # "Session 1 – Mon 2 March")
    re.compile(
        rf"(?:\b(?P<w1>{_WEEKDAY_WORD}))?\b(?P<d1>\d{{1,2}}){_ORDINAL}(?:{_OF}\s+(?P<m1>{_MONTH_WORD}))?{_TO}"
        rf"(?P<w2>{_WEEKDAY_WORD})?(?P<d2>\d{{1,2}}){_ORDINAL}{_OF}\s+(?P<m2>{_MONTH_WORD}),?{_OF}\s+(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<m1>{_MONTH_WORD})\s+(?P<d1>\d{{1,2}}){_ORDINAL}{_TO}(?P<w2>{_WEEKDAY_WORD})?"
        rf"(?:(?P<m2>{_MONTH_WORD})\s+)?(?P<d2>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
]
# A month of a year without a day ("Aug 2027", "agosto de 2027"): what dates a text's days where none has a year.
_MONTH_OF_YEAR = re.compile(rf"\b(?P<month>{_MONTH_WORD})(?:\s+(?:de|del|of))?,?\s+(?P<year>(?:19|20)\d{{2}})\b", re.I)
# A day of a month without its year ("March 9", "9th of March", "Mar. 9"): its number is no number of its own.
_NAMED_MONTH = "(?:" + "|".join(sorted((name.capitalize() for name in _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY_OF_MONTH = re.compile(
    rf"\b{_NAMED_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?![:.]\d)|\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_NAMED_MONTH}(?!\w)"
)
# The same, read for its day and month (a capital month: "may 5" is no date).
_YEARLESS = [
    re.compile(rf"\b{_DAY}(?:[ \t]+(?:of|de|del))?[ \t]+{_MONTH}(?![^\W\d_])", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}[ \t]+{_DAY}\b(?![:.]\d)", re.IGNORECASE),
    # An airline's "02MAR" (its year on the ticket's other dates: "Date of Issue: 15JAN2025").
    re.compile(r"\b(?P<day>\d{2})(?P<month>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\b"),
]
# Weekdays written out in the languages above and Polish and Swedish, and English's short forms, Monday first: what
# anchors a day written without its month or year ("jueves 24", "this Friday, the ninth").
_FULL_WEEKDAYS = [
    "monday mon montag lundi lunes lunedì lunedi maandag poniedziałek poniedzialek måndag segunda-feira",
    "tuesday tue tues dienstag mardi martes martedì martedi dinsdag wtorek tisdag terça-feira terca-feira",
    "wednesday wed weds mittwoch mercredi miércoles miercoles mercoledì mercoledi woensdag środa środę sroda onsdag "
    "quarta-feira",
    "thursday thu thur thurs donnerstag jeudi jueves giovedì giovedi donderdag czwartek torsdag quinta-feira",
    "friday fri freitag vendredi viernes venerdì venerdi vrijdag piątek piatek fredag sexta-feira",
    "saturday sat samstag samedi sábado sabado sabato zaterdag sobota sobotę sobote lördag lordag",
    "sunday sun sonntag dimanche domingo domenica zondag niedziela niedzielę niedziele söndag sondag",
]
_ENGLISH_WEEKDAYS = frozenset(
    "monday mon tuesday tue tues wednesday wed weds thursday thu thur thurs friday fri saturday sat sunday sun".split()
)
WEEKDAY_NUMBERS = {name: index for index, names in enumerate(_FULL_WEEKDAYS) for name in names.split()}
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(map(re.escape, WEEKDAY_NUMBERS), key=len, reverse=True)) + r")\.?"
_ORDINAL_WORDS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty-first twenty-second twenty-third "
    "twenty-fourth twenty-fifth twenty-sixth twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first"
).split()
_ORDINAL_DAYS = {word: index for index, word in enumerate(_ORDINAL_WORDS, start=1)}
_ORDINAL_DAY_WORD = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))
# A weekday and a day of the month alone: "Friday the 9th", "this Friday, the ninth", "jueves 24", "sabato 31",
# "Saturday the 6th" - not a weekday's time ("Friday 7pm", "Fri 19:30", "Freitag 19 Uhr"), nor a count ("Friday 12
# guests") nor a day with its month (read as such above).
_WEEKDAY_DAY = re.compile(
    rf"\b{_WEEKDAY},?[ \t]+(?:(?:the|den|le|el|il|de)[ \t]+)?"
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th|\.|º|er|e|:e)?|(?P<word>{_ORDINAL_DAY_WORD}))"
    r"(?![\w:./-]|[ \t]*(?:[ap]\.?[ \t]?m\b|h\b|uhr\b|uur\b|o'clock\b|\d|[-–—][ \t]*\d|(?:to|bis|until|till)[ \t]+\d|"
    r"(?:of[ \t]+|de[ \t]+|del[ \t]+)?"
    rf"{_MONTH_WORD}(?![^\W\d_])))",
    re.IGNORECASE,
)
# A weekday and a day and month in digits without their year: "Freitag, 14.03.", "jueves 24/09", "Sat 21/11".
# ... and the short forms other languages write before a date in digits ("Fr., 14.03.", "ven. 14/03", "sáb
# 15/03", "śr. 12.03"), each the weekdays it may be (Spanish "do" is Sunday, German "Do" Thursday).
_SHORT_WEEKDAYS: dict[str, set[int]] = {}
for _index, _names in enumerate(
    (
        "mo lu lun maa pon mån",
        "di mar mart din wt tis",
        "mi mer mié mie mier woe wo śr ons",
        "do jeu ju jue gio czw tor",
        "ven vi vie vr pt fre",
        "sa sá sáb sab za zat sob lör",
        "so dim dom zo zon ndz sön",
    )
):
    for _name in _names.split():
        _SHORT_WEEKDAYS.setdefault(_name, set()).add(_index)
# (a short form only with its full stop or comma: "di 1.5 litri", "so 4.5 out of 5" name no day)
_SHORT_WEEKDAY = "(?P<short>" + "|".join(sorted(map(re.escape, _SHORT_WEEKDAYS), key=len, reverse=True)) + r")[.,]"
_WEEKDAY_NUMERIC = re.compile(
    rf"\b(?:{_WEEKDAY},?|{_SHORT_WEEKDAY},?)[ \t]+(?:(?:the|den|le|el|il|de)[ \t]+)?"
    r"(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})\.?(?![\d./:])",
    re.IGNORECASE,
)
# Airline and military style: "18MAR24", "02MAR2024" (a two-digit year is this century's).
_COMPACT_DATE = re.compile(
    r"\b(?P<day>\d{1,2})(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?P<year>\d{4}|\d{2})\b",
    re.IGNORECASE,
)
# A duration: one or more amounts of time units ("1 hour 30 minutes", "2h 15m", "90 mins", "8 hours").
_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600, "hour": 3600}
_SECONDS |= {"d": 86400, "day": 86400, "w": 604800, "wk": 604800, "week": 604800}
# ... and in other languages: "4 horas", "3 Stunden", "2 Std.", "90 Minuten", "3 heures", "2 ore".
_SECONDS |= dict.fromkeys(("hora", "stunde", "stunden", "heure", "ore", "ora"), 3600)
_SECONDS |= dict.fromkeys(("minuto", "minute", "minuten", "minuti"), 60)
_TIME_UNIT = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|horas?|stunden?|heures?|ore|ora|minutos?|"
    r"minuten|minuti|[smhdw])"
)
_DURATION_PART = re.compile(rf"(\d+(?:[.,]\d+)?)\s?({_TIME_UNIT})\b", re.IGNORECASE)
_DURATION = re.compile(
    rf"\b\d+(?:[.,]\d+)?\s?{_TIME_UNIT}\b(?:\s+(?:and\s+)?\d+(?:[.,]\d+)?\s?{_TIME_UNIT}\b)*", re.IGNORECASE
)
# Day and month in either order: both readings are offered when both are dates.
# (a year of two digits after full stops or slashes only, not inside a longer figure: "3.3.26", "[3/7/26, 19:02]")
# (full stops may each have a space after them, as Czech and Slovak write dates: "7. 11. 2026")
_NUMERIC_DATE = re.compile(
    r"\b(?P<a>\d{1,2})(?P<sep>[./-])(?:(?<=\.) )?(?P<b>\d{1,2})(?P=sep)(?:(?<=\.) (?=\d{4}))?"
    r"(?P<year>\d{4}\b|(?<=[./])[0-3]\d(?![\d/-]|[.,]\d))"
)
# A date of two-digit year is one only where the text dates it so: a weekday or a date's label before it, a chat
# stamp's bracket, a time after it ("Di., 17.03.26", "Datum: 3.3.26", "[3/7/26, 19:02]", "17.03.26 10:15 Uhr") -
# not a version's, a section's or a phone's figures ("Django 4.2.11", "section 2.1.10", "06.12.34").
_DATE_WORDS = r"\w*(?:date|datum|data|fecha)\w*|le|am|del|dal|den|dnia|op|el|il|du|vom|bis|au|al|until|till|hasta|fino"
_TWO_DIGIT_YEAR_CUE = re.compile(
    r"(?i)(?:\[|[:=][ \t]*|[-–][ \t]*|\b(?:"
    + "|".join(sorted(map(re.escape, WEEKDAY_NUMBERS), key=len, reverse=True))
    + rf"|mo|di|mi|do|fr|sa|so|lu|ma|me|je|ve|{_DATE_WORDS})\.?,?[ \t]*:?[ \t]*)$"
)
_TWO_DIGIT_YEAR_TIME = re.compile(r",?[ \t]*(?:um[ \t]+|at[ \t]+|à[ \t]+|kl\.?[ \t]*)?\d{1,2}[:.h]\d{2}\b")

# A range of times written with full stops opening a line ("09.15–10.00  Keynote", "- 10.45 - 11.00 Coffee"), each
# on the quarter hour or five minutes (a programme's; not "14.07 - 18.07 Sommerkurs", a range of days), and no
# amount's ("12.50 - 15.00 GBP", "2.50 - 3.00 kg").
_DOTTED_RANGE = re.compile(
    r"^[ \t]*(?:[-*•][ \t]+)?(?P<first>(?:[01]?\d|2[0-3])\.[0-5][05])[ \t]*[-–—][ \t]*"
    r"(?P<last>(?:[01]?\d|2[0-3])\.[0-5][05])(?![\d.,])"
    r"(?![ \t]*(?:per\b|pro\b|/|%|[€$£¥]|(?:kg|g|lb|km|m|cm|mm|l|ml|h|EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN)\b))",
    re.MULTILINE,
)
# Times of day as prose writes them: "at 9 with a welcome", "back at 11 for a panel", "at 10.45,", "at half past
# nine", "until 12.30"; not "at 2 locations", "at 3.50 per kg", "at 10 Downing Street", "Apples at 3 for £2",
# "ranked at 3 in the UK", "from 5 to 12".
_CLOCK_PARTS = {"half past": 30, "quarter past": 15, "quarter to": -15}
_CLOCK_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
_PROSE_TIME = re.compile(
    r"\b(?P<before>at|until|till)[ \t]+(?P<time>(?P<part>half[ \t]+past|quarter[ \t]+(?:past|to))[ \t]+"
    rf"(?P<word>{'|'.join(_CLOCK_WORDS)})\b|(?P<hour>1[0-2]|[1-9])(?:\.(?P<minute>[0-5][05]))?"
    r"(?=(?P<after>[ \t]*(?:[,;)]|\.(?!\d)|$|[ \t]+(?:with|for|and|until|till|to|sharp|o'clock|we|in|on|the)\b))))",
    re.IGNORECASE | re.MULTILINE,
)
# What may follow an hour written alone: "at 9 with ...", "at 11 for a panel", "at 9." - not "at 10, Downing
# Street", "at 3 in the UK", "at 4 on the second floor", "at 3 for £2".
_AFTER_AN_HOUR = re.compile(
    r"(?i)[ \t]*(?:[;)]|\.|$|(?:with|and|until|till|to|sharp|o'clock|we)\b|for\b(?![ \t]*(?:[^\w\s]|\d)))"
)
_TIMES = [
    re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>[ap])\.?\s?m\b\.?", re.IGNORECASE),
    re.compile(r"\b(?P<hour>[01]?\d|2[0-3])[:h](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?\b"),
    re.compile(r"\b(?P<noon>noon|midday|midnight)\b", re.IGNORECASE),
    re.compile(r"\b(?P<hour>[01]?\d|2[0-3])\.(?P<minute>[0-5]\d)(?=[ \t]*(?:Uhr|uur)\b)"),  # "9.20 Uhr", "18.45 uur"
]
# The start of a range of times written in the end's style: "9-10:30", "2-3pm", "9.00 - 9.20 Uhr".
_RANGE_START = re.compile(
    r"(?<![:.])\b(?P<hour>\d{1,2})(?:[:.](?P<minute>[0-5]\d))?(?=[ \t]*[-–][ \t]*(?:\d{1,2}[:h][0-5]\d\b"
    r"|(?P<end>\d{1,2})(?:[:.][0-5]\d)?[ \t]*(?P<half>[ap])\.?[ \t]?m\b|\d{1,2}\.[0-5]\d[ \t]*Uhr\b))",
    re.IGNORECASE,
)
# A time in words with its half of the day: "seven thirty p.m.", "eleven am", "quarter to eight pm".
_WORD_TIME = re.compile(
    r"\b(?:(?P<part>half[ \t]+past|quarter[ \t]+(?:past|to))[ \t]+)?"
    rf"(?P<word>{'|'.join(_CLOCK_WORDS)})(?:[ \t-]+(?P<minutes>fifteen|thirty|forty[ -]five|o'clock))?"
    r"[ \t]*(?P<half>[ap])\.?[ \t]?m\b\.?",
    re.IGNORECASE,
)
# Words saying how long, before a number: "Fahrzeit ca.", "Reistijd:", "Flugdauer", "durée".
_HOW_LONG = re.compile(
    r"(?i)\b(?:dauer|flugdauer|fahrzeit|reisezeit|laufzeit|fahrtdauer|duur|reistijd|looptijd|reisduur|durée|duree|"
    r"duración|duracion|durata|duration|travel[ \t]+time|journey[ \t]+time)\b[^\n\d]{0,12}$"
)
_HALF = re.compile(r"[ap]\.?\s?m\b", re.IGNORECASE)
_RANGE_DASH = re.compile(r"\s*(?:[-–—]|to|until|till|bis)\s*", re.IGNORECASE)
# Time zones written by their abbreviation, and their offsets from UTC in minutes (North America's "CST" and
# India's "IST": the ones most texts mean).
_ZONE_OFFSETS = {
    "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "MEZ": 60, "CEST": 120, "MESZ": 120, "EET": 120, "OEZ": 120,
    "EEST": 180, "OESZ": 180, "MSK": 180, "IST": 330, "SGT": 480, "HKT": 480, "JST": 540, "KST": 540,
    "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip
# A UTC offset after a date-time: "Z", "+02:00", "UTC", "GMT+1", "(UTC-05:00)", "CEST", "Uhr (MEZ)", "(hora
# peninsular, UTC+1)".
_ZONE = re.compile(
    r"[ \t]*(?:(?:Uhr|h|hrs|local(?:[ \t]+time)?)\b[ \t]*)?(?:\((?:[^()\n,]{1,25},[ \t]*)?)?[ \t]*"
    rf"(?:(?P<name>UTC|GMT|Z|{'|'.join(_ZONE_OFFSETS)})(?![A-Za-z])"
    r"[ \t]*(?:(?P<sign>[+\-−])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?"
    r"|(?P<bare_sign>[+\-])(?P<bare_hours>\d{2}):?(?P<bare_minutes>\d{2})(?!\d))"
)
_OFFSET_END = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_ISO_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without edge punctuation, and without an unpaired bracket at either end."""
    while start < end and (text[start] in _EDGE or (text[start] in _CLOSE)):
        start += 1
    while start < end and (text[end - 1] in _EDGE or text[end - 1] in _OPEN):
        end -= 1
    piece = text[start:end]
    for opening, closing in zip(_OPEN, _CLOSE, strict=True):
        if piece.startswith(opening) and closing not in piece:
            start += 1
            piece = piece[1:]
        if piece.endswith(closing) and opening not in piece:
            end -= 1
            piece = piece[:-1]
    return start, end


def places_written(value: str, text: str, most: int = 50) -> Iterator[int]:
    """Where ``text`` writes ``value`` (up to ``most`` places), lazily: a caller may stop at the first that suits."""
    at, count = text.find(value), 0
    while at >= 0 and count < most:
        yield at
        at, count = text.find(value, at + 1), count + 1


class TextFacts:
    """Everything one text offers, found once per kind on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Where prose times start ("at 12.50"): a number stays a number there too (it may be a price).
        self._weak_times: set[int] = set()

    @cached_property
    def emails(self) -> list[Found]:
        return [Found(match.group(), match.start(), match.end()) for match in _EMAIL.finditer(self.text)]

    @cached_property
    def urls(self) -> list[Found]:
        found = []
        for match in _URL.finditer(self.text):
            start, end = trimmed(self.text, match.start(), match.end())
            value = self.text[start:end]
            found.append(Found(value if "://" in value else f"https://{value}", start, end))
        return found

    @cached_property
    def phones(self) -> list[Found]:
        found = []
        for match in _PHONE.finditer(self.text):
            start, end = trimmed(self.text, match.start(), match.end())
            value = self.text[start:end]
            if value.rfind("(") > max(0, value.rfind(")")):  # "98450 12345 (10 am to 8 pm)": a bracket left open
                end = start + len(value[: value.rfind("(")].rstrip())
                value = self.text[start:end]
            digits = sum(character.isdigit() for character in value)
            if not 7 <= digits <= 15 or _looks_like_date(value) or _NOT_A_PHONE.fullmatch(value):
                continue
            code = _CODE_BEFORE.search(self.text, max(0, start - 16), start)
            if (code and (code["word"] or "").casefold() not in _PHONE_WORDS) or any(
                day.start < end and start < day.end for day in self.dates
            ):
                # the figures of a code ("PM-7731904", "FM/2026/11/55821"), a time's ("10:00 06 12") or a date's
                continue
            found.append(Found(value, start, end))
        return found

    @cached_property
    def integers(self) -> list[Found]:
        """Whole numbers in digits (not inside codes such as "B-12", nor part of a longer number, a date, time,
        phone number, email or URL) or in words."""
        spans = sorted((found.start, found.end) for found in self.numbers)
        starts, longest = [low for low, _ in spans], max((high - low for low, high in spans), default=0)

        def inside_a_longer_number(start: int, end: int) -> bool:  # the spans that can hold ``start``, by bisection
            index = bisect.bisect_right(starts, start) - 1
            while index >= 0 and spans[index][0] >= start - longest:
                low, high = spans[index]
                if start < high and high - low > end - start:
                    return True
                index -= 1
            return False

        written = [
            Found(value, start, end)
            for start, end, value in integer_spans(self.text)
            if self._free(start) and not inside_a_longer_number(start, end)
        ]
        grouped = [Found(int(item.value), item.start, item.end) for item in self._grouped if item.value.is_integer()]
        glued = [
            Found(int(match.group(index)), *match.span(index))
            for match in _GLUED_QUANTITY.finditer(self.text)
            for index in (1, 2)
            if match.group(index) is not None and match.start(index) not in {item.start for item in written}
        ]
        return sorted([*written, *grouped, *glued], key=lambda item: item.start)

    @cached_property
    def _grouped(self) -> list[Found]:
        """Numbers written with grouped thousands ("38 000", "12.500 kr") or a k ("€55k"), read whole."""
        found = [  # "1 295,00 kr" is 1295, "CHF 1'250.50" 1250.5
            Found(float(re.sub(r"\D", "", match["whole"]) + "." + (match["fraction"] or ".0")[1:]), *match.span())
            for match in _SPACED_NUMBER.finditer(self.text)
        ]
        found += [
            Found(float(re.sub(r"\D", "", match.group())), *match.span()) for match in _LAKH_NUMBER.finditer(self.text)
        ]
        found += [Found(float(match.group(1)) * 1000, *match.span()) for match in _THOUSANDS.finditer(self.text)]
        # A distance's full stops group thousands in a text that writes decimals with a comma or money's thousands
        # with full stops ("87.450 km" beside "245,00 €" or "€ 12.500"), or in a group ending in a nought ("148.500
        # km"); not a marathon's "42.195 km".
        matches = list(_DOTTED_THOUSANDS.finditer(self.text))
        dotted = (
            _DECIMAL_COMMA.search(self.text) is not None
            or any(not match["distance"] for match in matches)
            # (or numbers grouped so, and no decimal with a full stop: "98.412 km" beside "26.750" and "1.000 kg")
            or (len(_DOTTED_GROUPS.findall(self.text)) >= 2 and _DECIMAL_STOP.search(self.text) is None)
        )
        for match in matches:  # "12.500 kr", "87.450 km"
            group = next(name for name in ("before", "after", "distance") if match[name])
            if group != "distance" or dotted or match[group].endswith("0"):
                found.append(Found(float(match[group].replace(".", "")), *match.span(group)))
        if _DECIMAL_COMMA.search(self.text) is not None and _DECIMAL_STOP.search(self.text) is None:
            # A text writing decimals with a comma only groups any number's thousands with full stops: a meter's
            # "23.418 kWh", a gas reading's "8.743 Smc" beside "212,35 €".
            read = {item.start for item in found}
            found += [
                Found(float(match.group().replace(".", "")), *match.span())
                for match in _DOTTED_GROUPS.finditer(self.text)
                if match.start() not in read and match.group()[0] != "0"
            ]
        return [item for item in found if self._free(item.start)]

    @cached_property
    def durations(self) -> list[Found]:
        """Durations in seconds ("1 hour 30 minutes" is 5400), each where the text writes it whole."""
        found = []
        for match in _DURATION.finditer(self.text):
            seconds = 0.0
            for amount, unit in _DURATION_PART.findall(match.group()):
                name = unit.casefold().rstrip("s") or unit.casefold()
                seconds += float(amount.replace(",", ".")) * _SECONDS.get(name, _SECONDS.get(unit.casefold(), 0))
            if seconds and self._free(match.start()):
                found.append(Found(seconds, *match.span()))
        # A range of times lasts from its start to its end: "18:30–20:30" is two hours.
        found += [Found(seconds, first.start, last.end) for first, last, seconds in self.time_ranges]
        return sorted(found, key=lambda item: item.start)

    @cached_property
    def time_ranges(self) -> list[tuple[Found, Found, float]]:
        """Times written as a range ("10:00–11:30", "6.30–8.30pm", "18:00 bis 19:30"), each with its length in
        seconds (past midnight: "22:00-01:00" is three hours; none longer than 16)."""
        found = []
        times = self.times
        for first, last in itertools.pairwise(times):
            if not _RANGE_DASH.fullmatch(self.text[first.end : last.start]):
                continue
            start, end = (int(value[:2]) * 60 + int(value[3:5]) for value in (first.value, last.value))
            minutes = (end - start) % (24 * 60)
            if 0 < minutes <= 16 * 60:
                found.append((first, last, minutes * 60.0))
        return found

    @cached_property
    def numbers(self) -> list[Found]:
        """Numbers with or without a fraction ("1,250.00", "4.5", "12,50" read as 12.5), and numbers in words;
        none that is part of a date, time, phone number, email or URL."""
        # A number read whole ("38 000", "€55k") is not also its pieces ("38", "55").
        found: dict[tuple[int, int], Found] = {(item.start, item.end): item for item in self._grouped}
        for match in _EURO_NUMBER.finditer(self.text):
            if any(item.start < match.start() < item.end for item in self._grouped):
                continue  # the "295,00" of "1 295,00"
            value = float(re.sub(r",[-–—]$", "", match.group()).replace(".", "").replace(",", "."))
            found[match.span()] = Found(value, *match.span())
        for match in _FRACTION.finditer(self.text):
            whole, numerator, denominator, glued, vulgar = match.groups()
            if vulgar is None and not 0 < int(numerator) < int(denominator):
                continue
            part = _VULGAR[vulgar] if vulgar else int(numerator) / int(denominator)
            found[match.span()] = Found(round(int(whole or glued or 0) + part, 3), *match.span())
        read = sorted(found)  # what is read already: a plain number inside it is none of its own
        starts, reach = [start for start, _ in read], list(itertools.accumulate((end for _, end in read), max))
        for match in _NUMBER.finditer(self.text):
            index = bisect.bisect_right(starts, match.start()) - 1
            if index >= 0 and reach[index] > match.start():
                continue
            value = float(match.group().replace(",", "").replace("−", "-"))
            found[match.span()] = Found(value, *match.span())
        for start, end, number in counted_words(self.text):
            found.setdefault((start, end), Found(float(number), start, end))
        return sorted((item for item in found.values() if self._free(item.start)), key=lambda item: item.start)

    @cached_property
    def _taken(self) -> list[tuple[int, int]]:
        """Where values of other kinds stand: a number inside one of them is not a number of its own."""
        kinds = (self.dates, self.times, self.phones, self.emails, self.urls)
        spans = [(found.start, found.end) for kind in kinds for found in kind if found.start not in self._weak_times]
        codes = [match.span() for match in JOINED_CODE.finditer(self.text)]
        return spans + codes + self.numbering + self.days

    @cached_property
    def date_ranges(self) -> list[tuple[Found, Found]]:
        """The text's spans of days, as their first and last date: "9-10 October 2025", "June 12 and 13, 2025",
        "Thu 12 & Fri 13 June 2025", "12 May 2025 to 14 May 2025", "mar. 5 mai → ven. 8 mai"."""
        ordered = sorted([*self.dates, *self.yearless_dates], key=lambda found: found.start)
        return [
            (first, last)
            for first, last in itertools.pairwise(ordered)
            if first.value < last.value and _DAYS_APART.fullmatch(self.text[first.end : last.start])
        ]

    @cached_property
    def date_index(self) -> tuple[list[int], list[int]]:
        """The dates' starts in order, with the furthest end reached so far: whether a position is inside one, at
        once."""
        ordered = sorted((found.start, found.end) for found in self.dates)
        return [start for start, _ in ordered], list(itertools.accumulate((end for _, end in ordered), max))

    @cached_property
    def message_dates(self) -> list[tuple[int, int]]:
        """The lines that date the message itself: a mail's header ("Sent: Monday, 10 March 2025", "Gesendet:",
        "Data:"), a quoted reply's ("On 16 Nov 2025, at 12:31, Anna wrote:", "Il giorno 18 ott 2026 ... ha
        scritto:"), a chat's time stamps ("[03/04/2026, 14:12] Jamie: ...")."""
        spans = [match.span() for match in _REPLY_OPENING.finditer(self.text)]
        block: list[tuple[str, int, int]] = []  # a run of header lines: (label, start, end)
        position = 0
        for line in [*self.text.split("\n"), ""]:
            header = _HEADER_LINE.match(line)
            if header:
                block.append((header["label"].casefold(), position, position + len(line)))
            else:
                # A mail's header: two lines or more, one of them its subject or an address ("From: Anna
                # <anna@example.org>") - not a form's "Date: / From: 10:00 / To: 16:00".
                lines = self.text[block[0][1] : block[-1][2]] if block else ""
                subject = any(label in _SUBJECT_LABELS for label, _, _ in block)
                if len(block) >= 2 and (subject or "@" in lines):
                    spans += [(low, high) for label, low, high in block if label in _DATING_LABELS]
                block = []
            position += len(line) + 1
        return sorted(spans)

    @cached_property
    def currencies(self) -> list[Found]:
        """The currencies the text writes, as ISO 4217 codes: a code ("EUR", "chf"), a symbol ("€", "£", "zł",
        "US$", "Kč") or a name ("euros", "Pfund", "kronor"); "kr" as the crowns of the text's language."""
        return _currencies_in(self.text)

    @cached_property
    def ratings(self) -> list[Rating]:
        """The scores the text gives: "4/5", "3,5 von 5", "8/10", "4 stars", "four stars", "★★★★☆", "★ 4.1"."""
        return _ratings_in(self.text)

    @cached_property
    def months(self) -> list[Found]:
        """The months of a year the text writes, as YYYY-MM: named with their year ("September 2026", "září
        2026") or in figures ("09/2026"), in text order, then each date's."""
        found = []
        for match in _MONTH_AND_YEAR.finditer(self.text):
            if (number := _month_number(match["month"])) is not None:
                found.append(Found(f"{match['year']}-{number:02d}", match.start(), match.end()))
        for match in _MONTH_IN_FIGURES.finditer(self.text):
            if 1 <= int(match["month"]) <= 12 and not any(d.start <= match.start() < d.end for d in self.dates):
                found.append(Found(f"{match['year']}-{int(match['month']):02d}", match.start(), match.end()))
        return sorted(found, key=lambda item: item.start) + [Found(d.value[:7], d.start, d.end) for d in self.dates]

    @cached_property
    def yearless_dates(self) -> list[Found]:
        """Days written without a year, dated by the dates the text writes with one: a day of a named month
        ("Wednesday 17 September", "SAT 22 NOV") in their one year (in the year its weekday names where they span
        years); a weekday's day, its month in digits ("Freitag, 14.03.", "jueves 24/09") or not written ("jueves
        24", "this Friday, the ninth"), on the date that falls on that weekday near a dated one - or, where no day
        has a year, near the first of a month the text writes with one ("Scotland road trip, Aug 2027"). None
        without either."""
        # Each weekday's day is dated by the dated day written nearest before it (else the first), not by every one.
        written = sorted(self.dates, key=lambda item: item.start) or self._months_of_years
        dated = sorted({date.fromisoformat(found.value) for found in written})
        years = sorted({day.year for day in dated})
        found: dict[tuple[str, int], Found] = {}
        if not dated:
            return []
        starts = [item.start for item in written]

        def anchor(position: int) -> date:
            index = max(bisect.bisect_right(starts, position) - 1, 0)
            return date.fromisoformat(written[index].value)

        for pattern in _YEARLESS:
            for match in pattern.finditer(self.text):
                # (English months in capitals: "may 5" is no date; "7 de marzo" is.)
                month = _month_number(match["month"])
                if month is None or _inside_date(self, match.start()):
                    continue
                if match["month"][0].islower() and match["month"].casefold() in _ENGLISH_MONTHS:
                    continue
                day, weekday = int(match["day"]), _weekday_before(self.text, match.start())
                if weekday is None:
                    if len(years) == 1:
                        _add_date(found, years[0], month, day, *match.span())
                    continue
                # Its weekday names the year: of the text's years and the next ("Saturday 3 January" written in
                # December).
                fitting = [
                    year
                    for year in {*years, years[-1] + 1}
                    if _a_day(year, month, day) and date(year, month, day).weekday() == weekday
                ]
                if len(fitting) == 1:
                    _add_date(found, fitting[0], month, day, *match.span())
        for match in _WEEKDAY_NUMERIC.finditer(self.text):
            if (match["weekday"] and not _a_weekday(match["weekday"])) or _inside_date(self, match.start()):
                continue
            named = WEEKDAY_NUMBERS.get(match["weekday"].casefold()) if match["weekday"] else None
            weekdays = {named} if named is not None else _SHORT_WEEKDAYS.get(match["short"].casefold(), set())
            first, second, near = int(match["a"]), int(match["b"]), anchor(match.start())
            for year in (near.year, near.year + 1):
                for month, day in {(second, first), (first, second)}:
                    if _a_day(year, month, day) and date(year, month, day).weekday() in weekdays:
                        if -31 <= (date(year, month, day) - near).days <= 183:
                            _add_date(found, year, month, day, *match.span())
        for match in _WEEKDAY_DAY.finditer(self.text):
            if not _a_weekday(match["weekday"]) or counted_noun(self.text, match.end()):
                continue  # "Friday 12 guests"
            weekday = WEEKDAY_NUMBERS.get(match["weekday"].casefold())
            day = int(match["day"]) if match["day"] else _ORDINAL_DAYS.get(match["word"].casefold(), 0)
            near = anchor(match.start())
            # The first such day from the dated one's week on ("vendredi 7" after 20 February: 7 March).
            for ahead in (0, 1, 2):
                year, month = near.year + (near.month + ahead - 1) // 12, (near.month + ahead - 1) % 12 + 1
                if _a_day(year, month, day) and date(year, month, day).weekday() == weekday:
                    if -6 <= (date(year, month, day) - near).days <= 62:
                        _add_date(found, year, month, day, *match.span())
                        break
        return sorted(found.values(), key=lambda item: item.start)

    @cached_property
    def _months_of_years(self) -> list[Found]:
        """The first day of each month the text writes with its year and no day ("Aug 2027"), where it is written."""
        found = []
        for match in _MONTH_OF_YEAR.finditer(self.text):
            month = _month_number(match["month"].rstrip("."))
            if month is None or (match["month"][0].islower() and match["month"].casefold() in _ENGLISH_MONTHS):
                continue
            found.append(Found(date(int(match["year"]), month, 1).isoformat(), *match.span()))
        return found

    @cached_property
    def days(self) -> list[tuple[int, int]]:
        """Where a day of a month stands without its year ("died March 9"): not a number the text states."""
        return [match.span() for match in _DAY_OF_MONTH.finditer(self.text)]

    @cached_property
    def numbering(self) -> list[tuple[int, int]]:
        """Where a line's list numbering stands ("1. ", "2) ", "(3) "): a marker, not a number the text states."""
        return [match.span() for match in _NUMBERING.finditer(self.text)]

    def stated_at(self, value: Any) -> list[int]:
        """Where the text states ``value`` (the start of each place): a float as a number in any form, a date (its
        year written elsewhere: "Jan 15"), time or contact as normalised, else a string as written (ignoring
        case)."""
        if isinstance(value, float):
            return [found.start for found in self.numbers if float(found.value) == value]
        kinds = (self.dates, self.yearless_dates, self.times, self.datetimes, self.emails, self.urls, self.phones)
        normalised = [found.start for kind in kinds for found in kind if found.value == value]
        if normalised or not value:
            return normalised
        pattern = rf"(?<!\w){re.escape(value)}(?!\w)"
        return [match.start() for match in re.finditer(pattern, self.text, re.IGNORECASE)]

    def _free(self, position: int) -> bool:
        starts, reach = self._taken_index
        index = bisect.bisect_right(starts, position) - 1
        return index < 0 or reach[index] <= position

    @cached_property
    def _taken_index(self) -> tuple[list[int], list[int]]:
        """``_taken`` by start, with the furthest end reached so far: whether a position is inside one, at once."""
        taken = sorted(self._taken)
        return [start for start, _ in taken], list(itertools.accumulate((end for _, end in taken), max))

    @cached_property
    def dates(self) -> list[Found]:
        """Dates written with a year, as YYYY-MM-DD (a numeric day and month in both orders when both fit)."""
        found: dict[tuple[str, int], Found] = {}
        for pattern in _DATES:
            for match in pattern.finditer(self.text):
                month = match["month"]
                if re.match(r"\d{1,2}\.\s", match.group()) and month.lower().rstrip(".") in _ENGLISH_MONTHS:
                    continue  # a numbered line: "1. June 2025: Kickoff" (a day's full stop is German: "13. Juni")
                number = int(month) if month.isdigit() else _month_number(month)
                _add_date(found, int(match["year"]), number, int(match["day"]), match.start(), match.end())
        written = {item.start: item.end for item in found.values()}  # dates written whole, for the ranges
        for pattern in _RANGES:
            for match in pattern.finditer(self.text):
                if match["w2"] and not match.groupdict().get("w1"):
                    continue
                first, second = _month_number(match["m1"] or match["m2"]), _month_number(match["m2"] or match["m1"])
                year, high = int(match["year"]), max(match.end("d1"), match.end("m1"))
                wraps = first is not None and second is not None and first > second  # "30 Dec - 2 Jan 2026"
                _add_date(found, year - wraps, first, int(match["d1"]), match.start(), high)
                inside = (written.get(start, -1) for start in range(match.start(), match.end()))
                if not any(end > match.start("d2") for end in inside):
                    _add_date(found, year, second, int(match["d2"]), match.start("d2"), match.end())
        for match in _COMPACT_DATE.finditer(self.text):
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
            _add_date(found, year, _MONTHS[match["month"].lower()], int(match["day"]), match.start(), match.end())
        numeric = [
            match
            for match in _NUMERIC_DATE.finditer(self.text)
            if not any(start <= match.start() < item.end for (_, start), item in found.items())
            and (len(match["year"]) == 4 or _dated_as_such(self.text, match))
        ]
        # The order each separator's unambiguous dates show ("25/03/2025" is day first), once for all of them.
        orders: dict[str, set[str]] = {}
        for match in numeric:
            if (int(match["a"]) > 12) != (int(match["b"]) > 12):
                orders.setdefault(match["sep"], set()).add("day" if int(match["a"]) > 12 else "month")
        for match in numeric:
            for month, day in _readings(match, orders.get(match["sep"], set()), self.text):
                _add_date(found, _full_year(match["year"]), month, day, match.start(), match.end())
        return sorted(found.values(), key=lambda item: item.start)

    @cached_property
    def times(self) -> list[Found]:
        """Times of day as HH:MM:SS ("7.30pm", "19:30", "noon")."""
        found: dict[int, Found] = {}
        for pattern in _TIMES:
            for match in pattern.finditer(self.text):
                if match.start() in found or _inside_date(self, match.start()) or _is_offset(self.text, match.start()):
                    continue
                if _HOW_LONG.search(self.text, max(0, match.start() - 25), match.start()):
                    continue  # "Reistijd: 1.45 uur", "Fahrzeit 2.30 Uhr": how long, not when
                parsed = _time_of(match)
                if parsed is not None:
                    found[match.start()] = Found(parsed.isoformat(), match.start(), match.end())
        for match in _DOTTED_RANGE.finditer(self.text):
            minutes = {match["first"][-2:], match["last"][-2:]}
            if len(minutes) == 1 and minutes - {"00", "15", "30", "45"}:
                continue  # "01.10 - 15.10 Herbstferien": a range of days
            for group in ("first", "last"):
                hour, minute = match[group].split(".")
                if match.start(group) not in found and not _inside_date(self, match.start(group)):
                    found[match.start(group)] = Found(time(int(hour), int(minute)).isoformat(), *match.span(group))
        for match in _PROSE_TIME.finditer(self.text):
            if match.start("time") in found or _inside_date(self, match.start("time")):
                continue
            if match["hour"] and not match["minute"]:
                if match["before"].casefold() != "at" or not _AFTER_AN_HOUR.match(self.text, match.end("time")):
                    continue  # an hour alone is one only after "at", and before what a time's clause goes on with
            if match["word"]:  # "half past nine", "quarter to ten" ("quarter to one" is 12:45)
                hour = _CLOCK_WORDS.index(match["word"].casefold()) + 1
                minute = _CLOCK_PARTS[" ".join(match["part"].split()).casefold()]
                hour, minute = ((hour - 2) % 12 + 1, 45) if minute < 0 else (hour, minute)
            else:
                hour, minute = int(match["hour"]), int(match["minute"] or 0)
            # Without "am" or "pm", one to seven o'clock is the afternoon's ("doors open at 6", "at 1.30, after
            # lunch"), eight to twelve as written ("at 9 with a welcome").
            hour += 12 if 1 <= hour <= 7 else 0
            if 0 < hour <= 23:
                found[match.start("time")] = Found(time(hour % 24, minute).isoformat(), *match.span("time"))
                self._weak_times.add(match.start("time"))
        for match in _WORD_TIME.finditer(self.text):
            hour = _CLOCK_WORDS.index(match["word"].casefold()) % 12 + 1
            minute = {"fifteen": 15, "thirty": 30}.get(
                (match["minutes"] or "").casefold(), 45 if match["minutes"] else 0
            )
            minute = 0 if (match["minutes"] or "").casefold() == "o'clock" else minute
            if match["part"]:  # "half past seven pm", "quarter to eight pm" (19:45)
                minute = _CLOCK_PARTS[" ".join(match["part"].split()).casefold()]
                hour, minute = ((hour - 2) % 12 + 1, 45) if minute < 0 else (hour, minute)
            hour = hour % 12 + (12 if match["half"].casefold() == "p" else 0)
            found.setdefault(match.start(), Found(time(hour, minute).isoformat(), match.start(), match.end()))
        for match in _RANGE_START.finditer(self.text):
            if match.start() in found or _inside_date(self, match.start()) or not self._free_of_numbers(match.start()):
                continue
            if match["minute"] is None and not _bare_hour_starts(self.text, match.start(), match.end()):
                continue  # "Day 1 - 09:00", "Gate 5-10:45": a number before a time, not an hour
            hour, minute = int(match["hour"]), int(match["minute"] or 0)
            if match["half"]:  # the latest reading before the end: "2-3pm" is 14:00, "11-1pm" 11:00
                end = int(match["end"]) % 12 + (12 if match["half"].lower() == "p" else 0)
                hour = max((hour % 12 + half for half in (0, 12) if hour % 12 + half < end), default=hour % 12)
            if hour < 24 and minute < 60:
                found[match.start()] = Found(time(hour, minute).isoformat(), match.start(), match.end())
        ordered = sorted(found.values(), key=lambda item: item.start)
        for index, (first, last) in enumerate(itertools.pairwise(ordered)):
            # A range's start written without the half of the day its end writes: "7:00–9:30 PM" starts at 19:00.
            if (
                _RANGE_DASH.fullmatch(self.text[first.end : last.start])
                and _HALF.search(self.text[last.start : last.end])
                and not _HALF.search(self.text[first.start : first.end])
                and not self.text[first.start].startswith("0")  # "07:00 – 9:00 PM" is on the 24-hour clock
                and int(first.value[:2]) + 12 <= int(last.value[:2]) < 24
            ):
                ordered[index] = Found(f"{int(first.value[:2]) + 12:02d}{first.value[2:]}", first.start, first.end)
        return ordered

    def _free_of_numbers(self, position: int) -> bool:
        """Whether ``position`` is outside a phone number, e-mail or URL."""
        kinds = (self.phones, self.emails, self.urls)
        return not any(found.start <= position < found.end for kind in kinds for found in kind)

    @cached_property
    def datetimes(self) -> list[Found]:
        """Date-times: written whole (ISO), or a date followed closely by a time; with the UTC offset the text
        gives right after it ("Z", "+02:00", "UTC", "(UTC-05:00)", "GMT+1") as well as without one."""
        found = []
        for match in _ISO_DATETIME.finditer(self.text):
            value = match.group().replace(" ", "T")
            if has_offset(value):
                found.append(Found(re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value), *match.span()))
                continue
            found.append(Found(value, *match.span()))
            found.extend(_with_zone(self.text, value, match.start(), match.end()))
        starts = sorted(day.start for day in self.dates)
        for day in self.dates:
            for moment in self.times:
                gap = moment.start - day.end
                # (no other date between: bisected, a long text's many dates and times are read in time)
                apart = 0 <= gap <= 160 and bisect.bisect_left(starts, day.end) < bisect.bisect_left(
                    starts, moment.start
                )
                if (
                    not apart
                    and (
                        0 <= gap <= 40
                        # further on in its sentence ("On 2026-10-21 the API returned 503s from 13:52 UTC")
                        or (0 <= gap <= 160 and not re.search(r"\n|[.!?]\s", self.text[day.end : moment.start]))
                    )
                ):
                    value = f"{day.value}T{moment.value}"
                    found.append(Found(value, day.start, moment.end))
                    found.extend(_with_zone(self.text, value, day.start, moment.end))
                elif 0 <= day.start - moment.end <= 60:
                    # a time (and its zone) before the date: "At 08:37 UTC on Thursday 19 Nov 2026", "um 14:30
                    # Uhr am 12.03.2025", "by 17:00 on 10 March"
                    # (a zone by its name only: "10:00-12:00, 3 May" holds no offset "-12:00")
                    named = _ZONE.match(self.text, moment.end)
                    zoned = _with_zone(self.text, "", 0, moment.end) if named and named["name"] else []
                    end = zoned[0].end if zoned else moment.end
                    if end <= day.start and _TIME_THEN_DATE.fullmatch(self.text[end : day.start]):
                        value = f"{day.value}T{moment.value}"
                        found.append(Found(value, moment.start, day.end))
                        if zoned:
                            found.append(Found(f"{value}{zoned[0].value}", moment.start, day.end))
        return found


# What stands between a time and the date after it: "on", "am", "le", a weekday ("at 08:37 UTC on Thursday 19 Nov").
_TIME_THEN_DATE = re.compile(
    r"(?i)[ \t,]*(?:Uhr[ \t]*)?(?:on|am|le|el|il|op|the|[-–—·|])?[ \t,]*(?:[^\W\d_]{2,10}\.?,?[ \t]+)?"
)


def _with_zone(text: str, value: str, start: int, end: int) -> list[Found]:
    """``value`` with the UTC offset written right after it, if there is one."""
    match = _ZONE.match(text, end)
    if match is None:
        return []
    sign = match["sign"] or match["bare_sign"]
    hours, minutes = match["hours"] or match["bare_hours"], match["minutes"] or match["bare_minutes"]
    if match["name"] in _ZONE_OFFSETS:
        if hours is not None:
            return []  # "CET+1" is no offset
        east = _ZONE_OFFSETS[match["name"]]
        sign, hours, minutes = "-" if east < 0 else "+", str(abs(east) // 60), f"{abs(east) % 60:02d}"
    if hours is None:
        if match["name"] is None:
            return []
        offset = "Z"
    else:
        if not (int(hours) <= 14 and int(minutes or 0) < 60):
            return []
        offset = f"{'-' if sign in ('-', '−') else '+'}{int(hours):02d}:{minutes or '00'}"
        offset = "Z" if offset in ("+00:00", "-00:00") and match["name"] else offset
    return [Found(f"{value}{offset}", start, match.end())]


def _a_weekday(word: str) -> bool:
    """Whether a weekday's word is one: English's in capitals ("sat 2 hours" is no Saturday)."""
    return word.casefold() in WEEKDAY_NUMBERS and (word[0].isupper() or word.casefold() not in _ENGLISH_WEEKDAYS)


def _weekday_before(text: str, start: int) -> int | None:
    """The weekday named just before ``start`` ("Sat 4th April", "jeudi, 12 juin"), Monday 0."""
    said = re.search(rf"(?i)\b{_WEEKDAY},?[ \t]+(?:(?:the|den|le|el|il)[ \t]+)?$", text[max(0, start - 25) : start])
    return WEEKDAY_NUMBERS.get(said["weekday"].casefold()) if said and _a_weekday(said["weekday"]) else None


def _month_number(name: str) -> int | None:
    return _MONTHS.get(name.lower().rstrip("."), _WITH_A_YEAR.get(name.lower().rstrip(".")))


# Weekdays as dates are headed ("Thu 06.03.2025", "So., 11.05.2025", "jeudi 06/03/2025"), Monday first.
_WEEKDAYS = [
    ("mon", "mo", "lun", "montag", "lundi"),
    ("tue", "di", "mar", "dienstag", "mardi"),
    ("wed", "mi", "mer", "mittwoch", "mercredi"),
    ("thu", "do", "jeu", "donnerstag", "jeudi"),
    ("fri", "fr", "ven", "freitag", "vendredi"),
    ("sat", "sa", "sam", "samstag", "samedi"),
    ("sun", "so", "dim", "sonntag", "dimanche"),
]
# ... and their English names written out or shortened ("Thurs", "Tues"; not "Montreal", "Wedding").
_WEEKDAY_NAMES = [
    {"monday"},
    {"tuesday", "tues"},
    {"wednesday", "weds"},
    {"thursday", "thur", "thurs"},
    {"friday"},
    {"saturday"},
    {"sunday"},
]
_WEEKDAY_BEFORE = re.compile(r"(?i)\b([^\W\d_]{2,10})\.?,?[ \t]*$")


def _dated_as_such(text: str, match: re.Match[str]) -> bool:
    """Whether a numeric date of two-digit year stands where a text dates: after a weekday, a date's label, a
    colon or a chat stamp's bracket, or before a time or a range's other date; not inside a longer figure
    ("1.2.3.26")."""
    if match.start() and text[match.start() - 1] in ".,/-" and text[match.start() - 2 : match.start() - 1].isdigit():
        return False
    return bool(
        _TWO_DIGIT_YEAR_CUE.search(text, max(0, match.start() - 16), match.start())
        or _TWO_DIGIT_YEAR_TIME.match(text, match.end())
        or re.match(r"[ \t]*[-–][ \t]*\d{1,2}[./]\d{1,2}[./]\d{2}\b", text[match.end() : match.end() + 16])
    )


def _full_year(year: str) -> int:
    """A year as written, with its century where it gives two digits ("26" is 2026)."""
    return int(year) + (2000 if len(year) == 2 else 0)


def _readings(match: re.Match[str], orders: set[str], text: str) -> list[tuple[int, int]]:
    """A numeric date's (month, day) readings: the one its weekday names ("Thu 06.03.2025" is 6 March); else the
    order the text's other dates with that separator show (``orders``: "day" for "25/03/2025"); else day first
    where full stops part it (as Europe writes them); else both, day first."""
    first, second, year = int(match["a"]), int(match["b"]), _full_year(match["year"])
    both = [(second, first), (first, second)] if first != second else [(second, first)]
    valid = [(month, day) for month, day in both if month <= 12 and _a_day(year, month, day)]
    if len(valid) < 2:
        return valid
    said = _WEEKDAY_BEFORE.search(text, max(0, match.start() - 14), match.start())
    if said is not None:
        word = said.group(1).casefold()
        named = [index for index, names in enumerate(_WEEKDAYS) if word in names or word in _WEEKDAY_NAMES[index]]
        fitting = [reading for reading in valid if named and date(year, *reading).weekday() == named[0]]
        if len(fitting) == 1:
            return fitting
    if orders == {"month"}:
        return [(first, second)]
    if orders == {"day"} or match["sep"] == ".":
        return [(second, first)]
    return valid


def _a_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _add_date(
    found: dict[tuple[str, int], Found], year: int, month: int | None, day: int, start: int, end: int
) -> None:
    if month is None:
        return
    try:
        value = date(year, month, day).isoformat()
    except ValueError:
        return
    found.setdefault((value, start), Found(value, start, end))


def _time_of(match: re.Match[str]) -> time | None:
    groups = match.groupdict()
    if groups.get("noon"):
        return time(0) if groups["noon"].lower() == "midnight" else time(12)
    hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
    second = int(groups.get("second") or 0)
    half = (groups.get("half") or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        return None


def has_offset(value: str) -> bool:
    """Whether an ISO date-time names its UTC offset (JSON Schema's ``date-time`` requires one)."""
    return bool(_OFFSET_END.search(value))


def _bare_hour_starts(text: str, start: int, end: int) -> bool:
    """Whether an hour without minutes starts a range ("9-10:30", "• 9-10:30"): the dash right after it, and no
    word just before it."""
    before = text[:start].rstrip(" \t")
    return text[end : end + 1] in ("-", "–") and not (before and before[-1].isalnum())


def _is_offset(text: str, position: int) -> bool:
    """Whether a time-like number at ``position`` is a UTC offset ("UTC-05:00", "10:00-05:00", "+02:00"), not a
    time of day - nor the end of a range after an earlier time ("10:00-10:45")."""
    before = text[max(0, position - 12) : position]
    if re.search(r"(?:UTC|GMT)[ \t]*[+\-−][ \t]*$|\([ \t]*[+\-−]$", before):
        return True
    after_time = re.search(r"(\d{1,2}):(\d\d)(:\d\d)?[ \t]?[+\-]$", before)
    if after_time is None:
        return False
    if after_time.group(3) or re.search(r"\d{4}-\d\d-\d\d[T ]$", text[: position - len(after_time.group())]):
        return True  # "2025-03-01T01:15:00-05:00": a date-time's offset, whatever its hour
    later = re.match(r"(\d{1,2})[:h](\d\d)", text[position:])
    earlier = (int(after_time.group(1)), int(after_time.group(2)))
    return later is None or (int(later.group(1)), int(later.group(2))) <= earlier or text[position - 1] == "+"


def _inside_date(facts: TextFacts, position: int) -> bool:
    starts, reach = facts.date_index
    index = bisect.bisect_right(starts, position) - 1
    return index >= 0 and reach[index] > position


# A word joined to the figures that follow it: a code's ("VV-2026-11840927"), not a phone number's (but "Tel-");
# and a time's minutes.
_CODE_BEFORE = re.compile(r"(?:(?P<word>[^\W\d_]+)[-/]|\d:)$")
_PHONE_WORDS = frozenset("tel tél phone ph fax mob mobile cell handy telefon tlf".split())
# A code of letters and groups of figures ("ZT-2026-90412", "HM/2026/1207"): no figure of it is a number.
JOINED_CODE = re.compile(r"(?<![\w-])[^\W\d_]{1,6}[-/]\d+(?:[-/]\w+)+")
# A decimal number is not one either ("1.22450981").
_NOT_A_PHONE = re.compile(r"\d{1,2}\.\d{5,}")


def _looks_like_date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", value.strip()))


# ISO 4217 codes most texts write (a code outside these is some other capitals: "AVE", "NIP").
CURRENCY_CODES = frozenset(
    "EUR USD GBP CHF JPY CNY INR KRW AUD CAD NZD HKD SGD SEK NOK DKK ISK PLN CZK HUF RON BGN HRK RSD TRY RUB UAH "
    "BRL MXN ARS CLP COP PEN ZAR EGP MAD NGN KES AED SAR QAR ILS THB VND IDR MYR PHP TWD PKR BDT LKR".split()
)
# Symbols and names written for a currency, before or after an amount ("US$" before "$": the longest first).
_CURRENCY_SIGNS = {
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₽": "RUB",
    "₴": "UAH",
    "₪": "ILS",
    "฿": "THB",
    "zł": "PLN",
    "元": "CNY",
    "Kč": "CZK",
    "Ft": "HUF",
    "SFr.": "CHF",
}
_CURRENCY_NAMES = {
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "pfund": "GBP",
    "dollar": "USD",
    "dollars": "USD",
    "dólares": "USD",
    "dollari": "USD",
    "złotych": "PLN",
    "zlotys": "PLN",
    "złoty": "PLN",
    "zloty": "PLN",
    "kronor": "SEK",
    "franken": "CHF",
    "francs": "CHF",
    "yen": "JPY",
    "rupees": "INR",
    "forint": "HUF",
}
_CURRENCY_SIGN = re.compile(
    "|".join(re.escape(sign) for sign in sorted(_CURRENCY_SIGNS, key=len, reverse=True)).join(("(?:", ")"))
)
_CURRENCY_WORD = re.compile(r"(?<![^\W\d_])(?<!-)([A-Za-z]{3}|[^\W\d_]{3,9})(?![^\W\d_])(?!-)")  # "342.00EUR"
# "kr" / "kr." is the crown of Sweden, Norway or Denmark: the text's words tell which.
_CROWN = re.compile(r"(?<![\w-])kr\.?(?![\w-])", re.IGNORECASE)
_CROWN_LANGUAGES = (
    ("SEK", re.compile(r"(?i)\b(?:och|inte|för|är|köp|kvitto|hälsningar|vänliga)\b")),
    ("NOK", re.compile(r"(?i)\b(?:takk|vennlig|ikkje|mva|kjøp)\b")),
    ("DKK", re.compile(r"(?i)\b(?:tak|venlig|glæder|købt|købet)\b")),
)


def _currencies_in(text: str) -> list[Found]:
    found: list[Found] = []
    for match in _CURRENCY_SIGN.finditer(text):
        sign = match.group()
        # (a sign that is a word's letters too - "Fr." for Friday, "Ft." Lauderdale - only beside an amount)
        if sign[:1].isalpha() and not _beside_an_amount(text, match.start(), match.end()):
            continue
        found.append(Found(_CURRENCY_SIGNS[sign], match.start(), match.end()))
    for match in _CURRENCY_WORD.finditer(text):
        word = match.group(1)
        if text[match.start() - 1 : match.start()].isalnum() and text[match.end() : match.end() + 1].isalnum():
            continue  # inside a code: "ABC123EUR4"
        labelled = _CURRENCY_LABEL.search(text, max(0, match.start() - 20), match.start()) is not None
        if not (labelled or _beside_an_amount(text, match.start(), match.end())):
            continue  # a code or a name beside no amount: "a PHP developer" ("Total (EUR): 342.00" is beside one)
        if word.upper() in CURRENCY_CODES and (word.isupper() or word.islower()):
            found.append(Found(word.upper(), match.start(), match.end()))
        elif word.casefold() in _CURRENCY_NAMES:
            found.append(Found(_CURRENCY_NAMES[word.casefold()], match.start(), match.end()))
    crowns = list(_CROWN.finditer(text))
    if crowns:
        codes = [code for code, words in _CROWN_LANGUAGES if words.search(text)]
        codes = codes if len(codes) == 1 else ["SEK", "NOK", "DKK"]  # (none or several: any of the three)
        found += [Found(code, match.start(), match.end()) for match in crowns for code in codes]
    # A bare "$" is the dollar the text names by its code ("$349.00 (CAD)"), where it names one.
    dollars = {
        item.value
        for item in found
        if item.value in _DOLLARS
        and text[item.start : item.end].isalpha()
        and re.search(rf"\$[ \t]?[\d.,]+[ \t]*\(?{item.value}\b|\b{item.value}[ \t]*\$", text)
    }
    if len(dollars) == 1:
        (dollar,) = dollars
        found = [Found(dollar, item.start, item.end) if text[item.start : item.end] == "$" else item for item in found]
    # (a lower-case code that is a word of the text's language is no code: "eur" stays, "try", "cad", "php" not)
    return sorted(
        (item for item in found if not (text[item.start : item.end].islower() and item.value in _LOWER_WORDS)),
        key=lambda item: item.start,
    )


def _beside_an_amount(text: str, start: int, end: int) -> bool:
    """Whether digits stand right before or after ``text[start:end]`` ("SEK 2 990", "1.234,50 €", "$349.00 (CAD)",
    "Total (EUR): 342.00")."""
    return re.search(r"\d[\d.,]*[ \t(]{0,2}$", text[max(0, start - 12) : start]) is not None or (
        re.match(r"[ \t)\]]{0,2}[:=]?[ \t]{0,2}\d", text[end : end + 6]) is not None
    )


_DOLLARS = frozenset("USD CAD AUD NZD SGD HKD MXN".split())
_CURRENCY_LABEL = re.compile(r"(?i)\b(?:currency|währung|devise|moneda|valuta|waluta|valuta)[ \t]*[:=]?[ \t]*$")
_LOWER_WORDS = frozenset("TRY CAD PHP ARS MAD PEN COP RUB ILS".split())
