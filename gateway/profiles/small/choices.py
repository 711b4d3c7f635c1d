"""What the text offers each field, for a small model's grammar: runs of the text's words for strings, the whole
numbers it states for integers. A tool schema narrowed to these lets the model choose a value but not invent or
respell one (llama.cpp turns the forced tool's schema into a grammar)."""

import math
import re
from typing import Any

from gateway.extraction.text_facts import (
    COUNT_NOUNS_IN_ENGLISH,
    PEOPLE_NOUNS,
    TextFacts,
    counted_noun,
    integer_spans,
    numbered_noun,
)

_BREAKS = re.compile(r"[,;:()\[\]{}<>\"|=/\\—–…!?]+|\.$|\s[-‐‑]\s")
MAX_SPAN_WORDS = 6
# A value copied from the text does not start with one of these: a small model otherwise takes "They", "My
# roommate" or "At the reunion" for a name. ("The Hague" is offered as "Hague".)
FUNCTION_WORDS = frozenset(
    "a an the this that these those i me my mine we us our ours you your yours he him his she her hers it its "
    "they them their theirs who whom whose which what and or but nor of in on at to for from with by as is are "
    "was were be been".split()
)
# Capitalised words that are no one's name: the calendar's.
CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
    "mon tue tues wed thur thurs fri sat".split()  # not "thu", "sun" nor "jan": names too
)
# Above this many choices a field is left to the validator alone: the grammar would grow too large.
MAX_CHOICES = 1500
# Nor are runs of words looked for in a longer text (far beyond the local model's context anyway): a long text of
# few distinct words would take seconds to scan, on the event loop.
MAX_SPAN_TEXT = 50_000
_Span = tuple[int, int, Any]


def text_spans(text: str, *, max_words: int = MAX_SPAN_WORDS, limit: int = MAX_CHOICES) -> list[str] | None:
    """Every run of 1..``max_words`` words of ``text`` that crosses no punctuation, in order of first
    appearance: the values a ``from_text`` string field can take ("Dr. Maria Lopez, 42" -> "Dr.", "Dr. Maria",
    ..., "Maria Lopez", "Lopez", "42"). A run ending in a full stop is offered with and without it; a run
    that starts with a function word ("They", "of the", "My roommate") is not. None when there are more than
    ``limit``, or the text is longer than ``MAX_SPAN_TEXT`` characters."""
    if len(text) > MAX_SPAN_TEXT:
        return None
    seen: dict[str, None] = {}
    for segment in _BREAKS.split(text):
        words = [word.strip("'‘’`*_") for word in segment.split()]
        words = [word for word in words if any(char.isalnum() for char in word)]
        for start in range(len(words)):
            for end in range(start + 1, min(start + max_words, len(words)) + 1):
                if words[start].casefold() in FUNCTION_WORDS:
                    break
                span = " ".join(words[start:end])
                seen.setdefault(span.rstrip("."), None)
                seen.setdefault(span, None)
            if len(seen) > limit:
                return None
    return list(seen)


def stated_integers(text: str, field: str = "", spec: dict[str, Any] | None = None) -> list[int]:
    """The whole numbers ``text`` states, in digits or in words, in order of first appearance: not those of a
    time ("10:00", "3 a.m."), a day of a month ("March 9") nor a line's list numbering ("2. Leila Haddad - 12");
    for a ``field``, not those counting or numbering something else (``uncounted``)."""
    facts = TextFacts(text)
    taken = [(found.start, found.end) for found in facts.times] + facts.numbering + facts.days
    spans = [span for span in integer_spans(text) if not any(low <= span[0] < high for low, high in taken)]
    if field:
        spans = uncounted(spans, text, field, spec or {}, all_if_none=False)
    return list(dict.fromkeys(value for _, _, value in spans))


# A field named for a count takes what any number counts ("quantity": "2 boxes").
_COUNT_STEMS = frozenset("quan qty coun numb num size tota amou unit".split())


def name_words(name: str) -> list[str]:
    """The words of a field's name ("prep_minutes", "durationHours" -> ["duration", "Hours"]); of a dotted path's
    last part."""
    return [word for word in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name.rsplit(".", 1)[-1]) if word]


def names_an_age(field: str) -> bool:
    """Whether a number field is named for an age ("age", "patient_age", "ageYears")."""
    return "age" in {word.casefold() for word in name_words(field)}


_WORD_AFTER = re.compile(r"[- \t]([^\W\d_]{3,})")
_LABEL_BEFORE = re.compile(r"([^\W\d_]{3,})[ \t]*[:=][ \t]*$")


_PEOPLE_STEMS = frozenset(word[:4] for word in PEOPLE_NOUNS)
# A number that bounds a count rather than gives it: "more than 6", "ab 10", "vanaf 10", "à partir de 8".
_BOUND_BEFORE = re.compile(
    r"(?i)\b(?:more[ \t]+than|over|above|at[ \t]+least|up[ \t]+to|max(?:imum)?|min(?:imum)?|from|ab|vanaf|"
    r"mehr[ \t]+als|plus[ \t]+de|à[ \t]+partir[ \t]+de|más[ \t]+de|a[ \t]+partir[ \t]+de|oltre|più[ \t]+di|"
    r"fler[ \t]+än|över|powyżej|gruppen?[ \t]+ab)[ \t]*$"
)
# ... or after: "groups of 8 or more", "10+", "ab 10 Personen und mehr".
_BOUND_AFTER = re.compile(
    r"(?i)[ \t]*(?:\+|(?:[^\W\d_]+[ \t]+)?(?:or|and|oder|und|ou|et|o|e|of|en|eller|lub)[ \t]+"
    r"(?:more|over|above|mehr|plus|más|mas|più|piu|meer|fler|więcej))"
)


# Words before a number of people: "table for 4", "party of 8", "we are 6", "somos 7", "wir sind 5".
_PEOPLE_BEFORE = re.compile(
    r"(?i)(?:\b(?:table|tisch|mesa|tavolo|tafel|bord|stolik)[ \t]+(?:for|für|fuer|pour|para|per|voor|för|dla)|"
    r"\b(?:party|group|gruppe|groupe|grupo|gruppo|groep|grupp|grupa)[ \t]+(?:of|von|de|di|van|på|z)|"
    r"\b(?:we|wir|nous|nosotros|noi|wij|vi|nas)[ \t]+(?:are|sind|sommes|somos|siamo|zijn|är|jest)|"
    r"\b(?:somos|siamo|sommes|sind)|\bfor[ \t]+(?:a[ \t]+)?(?:party|group)[ \t]+of)[ \t]+$"
)
# A field counting a bound: "max_guests", "minimum participants", "capacity".
_A_BOUND = re.compile(r"(?i)\b(?:max|maximum|min|minimum|capacity|limit|up to|at least|at most)\b|max_|min_")


# People of one kind: a field counting them counts only them.
_SOME_PEOPLE = frozenset("adult adults child children kid kids infant infants senior seniors student students".split())


def _counts_people(own: list[str], description: str) -> bool:
    """Whether a whole-number field counts people: its name says guests, people, passengers ... (``guest_count``,
    ``attendees``; ``party_size``), or its description's first clause counts them ("The number of guests the table
    is for"; not "The person's age")."""
    named = {word.casefold() for word in own}
    if named & _SOME_PEOPLE:
        return False  # "adults", "children": their own noun tells them apart, not any count of people
    if any(word[:4] in _PEOPLE_STEMS for word in named if len(word) >= 4) or {"party", "size"} <= named:
        return True
    clause = re.split(r"[.;(]", description)[0]
    counted = re.finditer(r"(?i)\b(?:number|count|how[ \t]+many|total)\b(?:[ \t]+of)?(?:[ \t]+[^\W\d_]+){0,2}", clause)
    return any(
        word.casefold()[:4] in _PEOPLE_STEMS for match in counted for word in match.group().split() if len(word) >= 4
    )


def _counted_people(text: str, start: int, end: int, *, bound: bool) -> bool:
    """Whether the number at ``text[start:end]`` counts people ("5 Personen", "Guests: 7", "a table for 4", "we
    are 6") and, unless ``bound``, bounds nothing ("more than 6 people")."""
    if not bound and (_BOUND_BEFORE.search(text, max(0, start - 30), start) or _BOUND_AFTER.match(text, end)):
        return False
    noun = counted_noun(text, end)
    if noun is not None and noun[:4] in _PEOPLE_STEMS:
        return True
    label = _LABEL_BEFORE.search(text, max(0, start - 30), start)
    if label is not None and label.group(1).casefold()[:4] in _PEOPLE_STEMS | {"part", "size"}:
        return True
    # "a table for 4", "a party of 8", "we are 6", "somos 7": nothing else counted after it
    return noun is None and bool(_PEOPLE_BEFORE.search(text, max(0, start - 30), start))


# What a unit measures, by the first four letters of the words a field is named or described with.
_WHAT_UNITS_MEASURE = {
    "mile kilo dist odom rang trav driv": "km kms mi miles mile kilometres kilometers meilen",
    "weig mass heav": "kg g lb lbs oz",
    "leng heig widt dept size dist tall": "cm mm m ft in",
    "volu capa": "l ml cl dl",
    "perc rate disc shar": "percent %",
    "temp": "degrees",
    "stor memo capa disk": "gb mb tb kb",
    "powe outp": "kw",
}
_MEASURED: dict[str, set[str]] = {}
for _stems, _units in _WHAT_UNITS_MEASURE.items():
    for _unit in _units.split():
        _MEASURED.setdefault(_unit, set()).update(_stems.split())


def uncounted(
    spans: list[_Span], text: str, field: str, spec: dict[str, Any], *, all_if_none: bool = True
) -> list[_Span]:
    """The numbers of ``spans`` (``(start, end, value)``) a whole-number ``field`` can take: not one written
    just before something else it counts ("after 2 nights", "the 90-minute session", "18 Orchard Lane" for an
    age), nor one just after what it numbers ("Hall 2", "Locker 118"), unless that thing is named in the field's
    name or description ("4 guests" for ``guests``, "Floor 3" for ``floor``, "3-bed" for ``bedrooms``); only those
    counting what the field's own name names where there are such. Every number if each counts another thing and
    ``all_if_none``."""
    own = name_words(field)
    if _counts_people(own, spec.get("description", "")):
        # party_size, "The number of guests": the numbers the text counts people with ("für 5 Personen",
        # "Guests: 7", "a table for 4", "we are 6"), not a lower or upper bound ("groups of more than 6 people")
        # unless the field is one ("max_guests") - where it writes such.
        bound = bool(_A_BOUND.search(" ".join([*own, spec.get("description", "")])))
        people = [span for span in spans if _counted_people(text, span[0], span[1], bound=bound)]
        if people:
            return people
    if {word.casefold()[:4] for word in own if len(word) >= 3} & _COUNT_STEMS:
        return spans
    stems = {word.casefold()[:4] for word in own}
    related = stems | {word.casefold()[:4] for word in re.findall(r"[^\W\d_]+", spec.get("description", ""))}

    def named(noun: str | None, words: set[str]) -> bool:  # "3-bed" for bedrooms: a word named by one it starts
        if noun is None:
            return False
        if _MEASURED.get(noun, set()) & words:  # "74,215 km" for mileage, "12 kg" for weight
            return True
        return noun[:4] in words or (len(noun) == 3 and any(stem.startswith(noun) for stem in words))

    def nouns(span: _Span) -> tuple[str | None, str | None]:
        return counted_noun(text, span[1]), numbered_noun(text, span[0])

    def counts_own(span: _Span) -> bool:  # "3-bed", "1 bedroom", "2 bedrooms", "Bedrooms: 2"
        after = _WORD_AFTER.match(text, span[1])
        label = _LABEL_BEFORE.search(text, max(0, span[0] - 30), span[0])
        words = (*nouns(span), after and after.group(1).casefold(), label and label.group(1).casefold())
        return any(named(noun and COUNT_NOUNS_IN_ENGLISH.get(noun, noun), stems) for noun in words)

    kept = [span for span in spans if all(noun is None or named(noun, related) for noun in nouns(span))]
    # Numbers counting what the field's own name names come first: "3-bed flatshare", not "18" or "540".
    own_count = [span for span in kept if counts_own(span)]
    return (own_count or kept) if kept or not all_if_none else spans


def value_choices(properties: dict[str, Any], fields: tuple[str, ...], text: str) -> dict[str, list[Any]]:
    """For each ``from_text`` field, the values the text offers it: runs of words for strings, the whole
    numbers it states (within the field's bounds) for integers. A grammar built from these lets a small model
    choose a value but not invent one. Fields of other kinds, or with no or too many choices, are left out."""
    choices: dict[str, list[Any]] = {}
    for field in fields:
        for branch in _branches(properties.get(field, {})):
            kind = branch.get("type")
            options: list[Any] | None = None
            if kind == "string" and not {"enum", "const", "format"} & branch.keys():
                low, high = branch.get("minLength", 1), branch.get("maxLength", len(text))
                options = [span for span in text_spans(text) or [] if low <= len(span) <= high]
                if "pattern" in branch:
                    options = _matching(options, branch["pattern"])
            elif kind == "integer" and not {"enum", "const"} & branch.keys():
                low, high = branch.get("minimum", -math.inf), branch.get("maximum", math.inf)
                options = [value for value in stated_integers(text, field, branch) if low <= value <= high]
            if options and len(options) <= MAX_CHOICES:
                choices[field] = options
    return choices


def _matching(spans: list[str], pattern: str) -> list[str]:
    """The spans a JSON Schema ``pattern`` accepts; all of them if Python cannot read the pattern (pydantic
    still checks the answer)."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return spans
    return [span for span in spans if compiled.search(span)]


def _branches(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"]


def restrict_parameters(
    parameters: dict[str, Any], choices: dict[str, list[Any]], *, root: bool, definition: str
) -> dict[str, Any]:
    """A copy of a tool's JSON Schema ``parameters`` that allows only ``choices`` for the named fields: in the
    root object when it is the schema's own (``root``), and in the ``$defs`` entry ``definition`` when the tool
    wraps a list of them."""

    def restrict(node: Any) -> Any:
        if not isinstance(node, dict) or not isinstance(node.get("properties"), dict):
            return node
        properties = dict(node["properties"])
        for field, options in choices.items():
            spec = properties.get(field)
            if isinstance(spec, dict):
                if "anyOf" in spec:
                    properties[field] = {**spec, "anyOf": [_with_enum(branch, options) for branch in spec["anyOf"]]}
                else:
                    properties[field] = _with_enum(spec, options)
        return {**node, "properties": properties}

    restricted = restrict(parameters) if root else dict(parameters)
    definitions = parameters.get("$defs")
    if isinstance(definitions, dict) and definition in definitions:
        restricted["$defs"] = {**definitions, definition: restrict(definitions[definition])}
    return restricted


def _with_enum(branch: dict[str, Any], options: list[Any]) -> dict[str, Any]:
    return branch if branch.get("type") == "null" else {**branch, "enum": options}


_ONE_FOR_BOTH = re.compile(r"(?i)\bboth\b|\bsame as\b|\buse it for\b")


def one_value_for_both(descriptions: dict[str, str], name: str, other: str) -> bool:
    """Whether one of two fields' descriptions names the other and says one value may fill both ("the same as
    first_day for a one-day event", "use it for both salary_min and salary_max"; not "valid from ... until
    valid_until", which ties them to two values)."""
    return any(
        re.search(rf"(?<!\w){re.escape(target)}(?!\w)", descriptions.get(source, "")) is not None
        and _ONE_FOR_BOTH.search(descriptions.get(source, "")) is not None
        for source, target in ((name, other), (other, name))
    )
