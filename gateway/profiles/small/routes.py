"""Journeys a text writes from one place to another: the values a field holding a journey's start or end may take
(``grounding``).

A small model offered every run of a ticket's words for its departure port or station takes a weekday, a phone
number or a name. A text writes a journey as two places joined by an arrow, a dash or "to" ("Kiel → Oslo",
"Manchester Piccadilly 07:35 -> London Euston 09:46", "the Oban to Craignure sailing", "Nynäshamn–Visby"), or on
lines labelled for leaving and arriving ("Partenza: Milano Centrale" over "Arrivo: Roma Termini").
"""

import functools
import re
from typing import Literal

from gateway.extraction.text_facts import MONTH_NAMES, WEEKDAY_NUMBERS, Found
from gateway.profiles.small import places
from gateway.profiles.small.choices import name_words

End = Literal[0, 1]

# Words of a field's name for a journey's start and for its end, and for a place one is at.
_STARTS = frozenset("departure departs depart origin from start boarding".split())
_ENDS = frozenset("arrival arrives arrive destination to end".split())
_PLACES = frozenset("port station airport city town place location stop terminal harbour harbor".split())


def route_end(field: str) -> End | None:
    """Which end of a journey a field names a place of: 0 for its start ("departure_port", "origin"), 1 for its
    end ("arrival_port", "destination"); None for any other field (a departure's date or time)."""
    words = {word.casefold() for word in name_words(field)}
    if not (words & _PLACES or words & {"origin", "destination"}):
        return None
    start, end = bool(words & _STARTS), bool(words & _ENDS)
    return 0 if start and not end else 1 if end and not start else None


# What joins a journey's two places on a line: an arrow, a dash, or a word for "to".
_JOIN = re.compile(r"[ \t]*(?:→|->|=>|⟶|➔|[–—]|[ \t]-[ \t]|[ \t](?:to|nach|naar|till|til)[ \t])[ \t]*")
_WORD_JOINS = frozenset("to nach naar till til".split())
# A time of day written beside a place ("London Euston 09:46").
_TIME = re.compile(r"\d{1,2}[:.h]\d{2}")
_TIME_AT_END = re.compile(rf"[ \t]{_TIME.pattern}$")
_SPACES = re.compile(r"[ \t]*")
_LOOK_BACK = 160  # characters before a join read for the place's name
# A word of a place's name: capitalised, or a short one that carries on a station's name ("hl.n.", "C", "HB").
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
# The small words inside a place's name, between capitalised ones ("Paris Gare de Lyon", "Stratford-upon-Avon").
_INSIDE = frozenset("de du des del della di da do dos la le am an im upon on sur".split())
_LONGEST = 5  # words in a place's name
# Labels of a line that says where a journey leaves from or arrives at, in the languages a gateway's texts come in.
_START_LABELS = frozenset(
    "departure depart departs dep from abfahrt von départ partenza partida salida vertrek avgång odjezd odj "
    "wyjazd odjazd afgang lähtö".split()
)
_END_LABELS = frozenset(
    "arrival arrive arrives arr to ankunft nach arrivée arrivee arrivo chegada llegada aankomst ankomst příjezd "
    "prij przyjazd saapuminen".split()
)
_LABELS = _START_LABELS | _END_LABELS
_LABELLED = re.compile(r"(?m)^[ \t*_>|-]*([^\W\d_]+)\.?[ \t]*:[ \t]*(.+)$")
_CALENDAR = MONTH_NAMES | frozenset(WEEKDAY_NUMBERS)


def routes(text: str) -> tuple[list[Found], list[Found]]:
    """The places ``text`` writes journeys from and the places it writes them to, each in text order."""
    starts, ends = _routes(text)
    return list(starts), list(ends)


@functools.lru_cache(maxsize=16)
def _routes(text: str) -> tuple[tuple[Found, ...], tuple[Found, ...]]:
    starts: list[Found] = []
    ends: list[Found] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        labelled = _LABELLED.match(line)
        label = labelled.group(1).casefold() if labelled else ""
        if label in _LABELS:
            # "Partenza: Milano Centrale     22/04/2026": the place up to a wide gap, a comma before a time, a time.
            assert labelled is not None
            start = offset + labelled.start(2)
            value = re.split(r"\s{2,}|\t|,?[ \t]+\d|[ \t]+[(·|<]", labelled.group(2).rstrip())[0].rstrip(" ,.;")
            if value[:1].isupper() and not _calendar(value) and "@" not in labelled.group(2):  # (not a mail's "From:")
                (starts if label in _START_LABELS else ends).append(Found(value, start, start + len(value)))
        else:
            for join in _JOIN.finditer(line):
                before = _place_before(line, join.start())
                after = _place_after(line, join.end())
                if before is None or after is None:
                    continue
                word = join.group().strip().casefold() in _WORD_JOINS
                dash = join.group().strip() in ("–", "—", "-")
                if word and _opens_a_sentence(line, before[0]):
                    continue  # "Welcome to London"
                if dash and (labelled is not None or not (_a_town(before[2]) or _a_town(after[2]))):
                    # a heading's parts ("Kleinanzeigen – Nachrichten"), a label's value and its detail ("Vehicle:
                    # Moto – Honda Africa Twin"), not two places
                    continue
                starts.append(Found(before[2], offset + before[0], offset + before[1]))
                ends.append(Found(after[2], offset + after[0], offset + after[1]))
        offset += len(line)
    return tuple(starts), tuple(ends)


def _place_before(line: str, end: int) -> tuple[int, int, str] | None:
    """The place's name that ends at ``end`` of a line (after a time beside it: "London Euston 09:46 ->")."""
    stop = _without_spaces_before(line, end)
    if (time := _TIME_AT_END.search(line, max(0, stop - 8), stop)) is not None:
        stop = _without_spaces_before(line, time.start())
    # (the words just before it only: a line of a long text is read in time linear in its length)
    tokens = list(_TOKEN.finditer(line, max(0, stop - _LOOK_BACK), stop))
    taken: list[re.Match[str]] = []
    for token in reversed(tokens):
        if len(taken) == _LONGEST or line[token.end() : (taken[0].start() if taken else stop)].strip(" \t"):
            break  # not joined to the words after it by spaces alone
        if not (token.group()[:1].isupper() or (taken and token.group() in _INSIDE)) or _ends_a_sentence(token):
            break
        taken.insert(0, token)
    while taken and taken[0].group() in _INSIDE:
        taken.pop(0)
    return _a_place(line, taken)


def _place_after(line: str, start: int) -> tuple[int, int, str] | None:
    """The place's name that starts at ``start`` of a line (after a time beside it: "-> 09:46 London Euston")."""
    if (time := _TIME.match(line, start)) is not None:
        spaces = _SPACES.match(line, time.end())
        start = spaces.end() if spaces is not None else time.end()
    taken: list[re.Match[str]] = []
    for token in _TOKEN.finditer(line, start):
        if len(taken) == _LONGEST or line[(taken[-1].end() if taken else start) : token.start()].strip(" \t"):
            break
        if not (token.group()[:1].isupper() or token.group() in _INSIDE) or _calendar(token.group()):
            break  # (nor a weekday after it: "Dublin on Thursday")
        taken.append(token)
        if _ends_a_sentence(token):
            break
    while taken and taken[-1].group() in _INSIDE:
        taken.pop()
    return _a_place(line, taken)


def _a_place(line: str, taken: list[re.Match[str]]) -> tuple[int, int, str] | None:
    if not taken:
        return None
    start, end = taken[0].start(), taken[-1].end()
    value = line[start:end].rstrip(".")
    if not value[:1].isupper() or _calendar(value):
        return None
    return start, start + len(value), value


def _ends_a_sentence(token: re.Match[str]) -> bool:
    """Whether a word ends a sentence with its full stop ("Sjöberg." - not "St." or "hl.n.")."""
    word = token.group()
    return word.endswith(".") and len(word) > 4 and "." not in word[:-1]


def _calendar(value: str) -> bool:
    """Whether a value opens with a weekday's or a month's name ("Mo–Fr", "Mittwoch, 16.06.2027")."""
    first = re.split(r"[\s,.]", value, maxsplit=1)[0].casefold()
    return first in _CALENDAR


def _opens_a_sentence(line: str, start: int) -> bool:
    stop = _without_spaces_before(line, start)
    return stop == 0 or line[stop - 1] in ".!?:\"“'"


def _without_spaces_before(line: str, end: int) -> int:
    """Where ``line[:end]`` ends without the spaces and tabs at its end."""
    while end > 0 and line[end - 1] in " \t":
        end -= 1
    return end


def _a_town(value: str) -> bool:
    """Whether a place's name opens with a town the gazetteer knows ("Stockholm C", "Lisboa")."""
    return any(found.start == 0 for found in places.towns_in_name(value))
