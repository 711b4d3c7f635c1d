"""Objects inside one object read in steps, for small models (``NestedReader``).

Asked for a whole recipe, a 135M model writes two or three ingredients and stops, or repeats one; asked for a
booking, it mixes the legs' codes. Where the text lays the items of a schema's array of objects out - bullet or
numbered lines, table rows, lines that each hold an item's values, or a run of comma-separated pieces ("200 g
flour, 2 eggs, 300 ml milk") - each piece is read as one item, with the item's own tool and field guide; the rest
of the object is read without the array (a schema of its own), and the items joined to it. Without such a layout,
a required array is read with the rest in one call, and an optional one stays out (a small model asked for items
the text does not lay out makes them up). This applies to schemas with exactly one top-level array of objects
(recipe ingredients, flight legs, invoice lines): with two, a piece could belong to either.

A field holding one object (a delivery address) is then read again from the line that holds most of its values
("Deliver to: Anna Kowalski, ul. Długa 14/3, 00-238 Warszawa"), where the model no longer takes words from the
rest of the text - or, an object of an address's parts, taken from that line read apart (``addresses``).

``sections`` cuts a text of several such objects (two bookings with their flights) into one stretch each, for the
list routes (``records.RecordLists``).
"""

import itertools
import json
import re
import threading
import typing
from collections.abc import AsyncGenerator, Callable, Iterator
from contextlib import aclosing
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError, create_model

from gateway.errors import ExtractionFailed
from gateway.extraction.text_facts import Found, marked_as_quantity
from gateway.profiles import Ask
from gateway.profiles.small import addresses
from gateway.profiles.small.choices import name_words
from gateway.profiles.small.grounding import (
    Grounding,
    facts_of,
    mentioned,
    narrow_tool,
    only_in_dates,
    unit_of,
    value_kind,
)
from gateway.profiles.small.organisations import holds_an_organisation, organisations
from gateway.profiles.small.people import (
    lists_people,
    looks_like_a_name,
    names_a_person,
    signature_start,
    untitled,
    without_titles,
)
from gateway.profiles.small.settling import settle
from gateway.profiles.small.tables import (
    FORM_LINE,
    RULE_LINE,
    cell_per_line_tables,
    cells,
    columns_of,
    comma_tables,
    heading,
    labelled_cells,
    labelled_row,
    spaced_tables,
)
from gateway.schemas.compiler import CompiledSchema, Example, SchemaOptions

_BULLET = re.compile(r"^\s*(?:[-*•·–—▪►]|\d{1,2}[.)]|\(\d{1,2}\))\s+")
# A sentence ends inside a line: a full stop, ! or ? then a space and a word (not after an initial, a title -
# "Dr.", "Prof." - a street's "str." or a month's "Sept.").
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bProf)(?<!\bMrs)(?<!\bRev)(?<!\bSgt)(?<!str)"
    r"(?<!\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec))(?<!\bSept)"
    r"(?<!\b(?:Mtra|Mtro|Dott))(?<!\bLicda)(?<!\b(?:Ing|Lic|Dra|Sra))"  # titles of Spanish and Italian names
    # nor a German day's full stop before its month: "Dienstag, 3. Februar 2026"
    r"(?!(?<=\d)\.\s+(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b)"
    r"[.!?]\s+(?=\w)"
)
# ... or before a whole remark in brackets ("... at 11:15. (not the Ryanair one Tom booked)."), not a bracket
# after an abbreviation ("2 tsp. (heaped) baking powder").
_SENTENCE_OR_REMARK = re.compile(rf"{_SENTENCE_END.pattern}|[.!?]\s+(?=\([^()]*\)\s*(?:$|[.!?]))")
# A piece of an inline list ends at a comma, a semicolon or a plus sign between spaces.
_PIECE_BREAK = re.compile(r"\s*(?:[,;]|\s\+\s)\s*")
# "Ingredients: 200 g flour", "Lemon Salmon — 2 fillets", "Guests | Ann Lee": the label before the first piece.
_LABEL = re.compile(r"^[^:,;|]{0,40}(?::|\s[—–|-])\s+")
# "ACTION: ...", "Action items: ...": a label of words alone, before a colon.
_NAME_LABEL = re.compile(r"^([^\W\d_][^\W\d]*(?: [^\W\d_]+){0,2}):\s+")
# The same, with up to 80 characters before a colon: a label whose remarks in brackets are masked.
_BRACKETED_LABEL = re.compile(r"^[^:,;|]{0,80}(?::|\s[—–|-])\s+")
# A table's rule line: "|---|:---:|", "+----+----+".
# The most pieces read as items (each is one call).
MAX_PIECES = 30


@dataclass(frozen=True)
class Part:
    """A schema's one top-level array of objects: its property name and its item as a schema of its own."""

    name: str
    item: CompiledSchema
    rest: CompiledSchema
    required: bool
    about: str
    others: frozenset[str]
    left_out: frozenset[str] = frozenset()  # the words (singular) for what the array's description leaves out


# What an array's description says is no item: "Leave out breaks, coffee, meals and other social items.",
# "Trains, buses and hotels are not legs."
_LEAVE_OUT = re.compile(
    r"(?i)(?:^|[.;:]\s+)(?:leave out|exclude|do not include)\s+([^.;:]+)"
    # ... or a list after "must be left out:", "are excluded:", "should be omitted:"
    r"|\b(?:left out|excluded|omitted|not included|not items|not sessions)\s*:\s*([^.;:]+)"
)
_ARE_NOT = re.compile(r"(?i)(?:^|[.;:]\s+)([^.;:]{1,200}?)\s+are not (?:an? )?([^\W\d_]+)")
_LIST_WORDS = frozenset("and or other others any such as the a an etc items item".split())


def left_out(description: str, nouns: frozenset[str] = frozenset()) -> frozenset[str]:
    """The things a description names as no item - after "Leave out" opening a sentence, or before "are not" and
    one of the item's ``nouns`` (first four letters of the array's and the item's names: "Trains ... are not
    legs") - each the last word (singular) of an element of one or two words of a list ("break", "coffee",
    "train"); none where an element is longer ("Items that belong to another order"), but for one at the end of a
    list of short ones ("breaks, meals, and talks mentioned only in speaker bios")."""
    stems: set[str] = set()
    for pattern in (_LEAVE_OUT, _ARE_NOT):
        for match in pattern.finditer(description):
            if pattern is _ARE_NOT and match.group(2).casefold()[:4] not in nouns:
                continue  # "Times are not in UTC", "Taxes are not included": not what the items are
            # A remark in brackets lists examples: "weeks with no class (holidays, reading weeks, breaks)".
            listed = _EXCEPT.sub("", match.group(1) or match.group(2) or "")  # "(other than keynotes)": none
            elements = [element.strip() for element in re.split(r"[,()]|\band\b|\bor\b", listed)]
            words = [
                # "weeks with no class" is what writes "no class"
                [lacking.group()]
                if (lacking := _LACKING.search(element))
                else [word for word in re.findall(r"[^\s()\[\]]+", element) if word.casefold() not in _LIST_WORDS]
                for element in elements
                if element
            ]
            # A phrase ("Items that belong to another order") is no list of things to match; a list ending in one
            # is the things before it ("breaks, meals, and talks mentioned only in bios or from other events").
            short = list(itertools.takewhile(lambda element: len(element) <= 2, words))
            if not short or (len(short) < 2 and len(short) < len(words)):
                continue
            # Not the items themselves, qualified ("cancelled lessons" of a list of lessons).
            heads = {_singular(_head_word(element).casefold()) for element in short if element} - {""}
            stems |= {head for head in heads if head[:4] not in nouns}
            # ... but what qualifies them, where it is a state: "cancelled" of "cancelled lessons".
            stems |= {
                word.casefold()
                for element in short
                if element and _singular(element[-1].casefold())[:4] in nouns
                for word in element[:-1]
                if word.casefold().endswith("ed")
            }
    # Not what the description gives as an example of an item ("such as welcomes, openings, pitches", beside "doors
    # opening" left out).
    examples = " ".join(_SUCH_AS.findall(description))
    stems -= {_singular(word) for word in re.findall(r"[^\W\d_]+", examples.casefold())}
    stems |= {kind for stem in stems for kind in _KINDS_OF.get(stem, ())}
    return frozenset(stem for stem in stems if len(stem) >= 3 or not stem.isascii())  # "休講" is a word


# The last word of "coffee break" names the thing; "exhibition time", "reading weeks" name no word to match ("time"
# and "week" are any item's, "reading" a course's).
_GENERIC_NOUNS = frozenset(
    "time times slot slots session sessions period periods hour hours day days week weeks month months event events "
    "these those they them it".split()  # (and a pronoun names nothing: "These are not sessions")
)


def _head_word(element: list[str]) -> str:
    return "" if element[-1].casefold() in _GENERIC_NOUNS else element[-1]


_SUCH_AS = re.compile(r"(?i)\b(?:such as|including|e\.g\.|for example)\s+([^.;:]+)")
_EXCEPT = re.compile(r"(?i)\((?:other than|except|not|unless|but)\b[^)]*\)")
# "with no class", "without lectures": what a thing lacks names it.
_LACKING = re.compile(r"(?i)\bno [^\W\d_]+$")
_CANCELLED = (
    "cancelled canceled entfällt abgesagt storniert annulé annulée annullato annullata cancelado cancelada afgelast "
    "geannuleerd inställd "
    "休講 中止".split()
) + ["fällt aus"]


# What a programme writes for a word a description uses: "meals" leaves out "Lunch", "social items" "Drinks" - in
# English, German, French, Spanish, Italian, Dutch, Swedish and Polish.
_LUNCH = ("lunch", "mittagessen", "déjeuner", "almuerzo", "comida", "pranzo", "lunchpauze", "obiad")
_DINNER = ("dinner", "abendessen", "dîner", "cena", "diner", "kolacja")
_MEALS = (*_LUNCH, *_DINNER, "breakfast", "brunch", "supper", "frühstück", "petit-déjeuner", "desayuno", "buffet")
_DRINKS = ("drink", "getränke", "apéritif", "apéro", "aperitivo", "aperitif", "borrel", "cóctel", "cocktail")
_RECEPTIONS = (
    "reception",
    "empfang",
    "abendempfang",
    "réception",
    "recepción",
    "vino de honor",
    "rinfresco",
    "receptie",
)
# (Words of other languages: matched only in the first words of a short line.)
_TRANSLATED = frozenset(
    word
    for words in (_LUNCH, _DINNER, _MEALS, _DRINKS, _RECEPTIONS)
    for word in words
    if word not in {"lunch", "dinner", "drink", "reception", "breakfast", "brunch", "supper", "buffet", "cocktail"}
) | frozenset(
    "pausa pauze paus przerwa kaffee koffie kaffe caffè kawa thé netzwerken réseautage anmeldung registrierung "
    "inscription acreditación registro registrazione accredito registratie registrering rejestracja ankommen ankunft "
    "arrivée llegada arrivo inloop aankomst ankomst cocktail".split()
)
_KINDS_OF = {
    "meal": _MEALS,
    "lunch": _LUNCH,
    "dinner": _DINNER,
    "break": ("pause", "intermission", "recess", "pausa", "pauze", "paus", "przerwa"),
    "coffee": ("tea", "fika", "kaffee", "koffie", "kaffe", "caffè", "kawa", "thé"),
    "social": (*_DRINKS, "mixer", *_RECEPTIONS, "happy hour"),
    "drink": _DRINKS,
    "reception": _RECEPTIONS,
    "networking": ("mingling", "netzwerken", "réseautage"),
    "registration": (
        "anmeldung",
        "registrierung",
        "inscription",
        "acreditación",
        "registro",
        "registrazione",
        "accredito",
        "registratie",
        "registrering",
        "rejestracja",
    ),
    "arrival": ("ankommen", "ankunft", "arrivée", "llegada", "arrivo", "inloop", "aankomst", "ankomst"),
    "cancelled": _CANCELLED,
    "canceled": _CANCELLED,
}


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return re.sub(r"(?<=[sxz]h)es$|(?<=[sxz])es$|(?<!s)s$", "", word)


_WORD_START = r"\b"
_COMPOUND_ENDS = frozenset({"pause"})  # "Kaffeepause", "Mittagspause" - not "Outbreak", "Psychosocial"


def _left_out_piece(piece: str, left: frozenset[str]) -> bool:
    """Whether ``piece`` names one of the things ``left`` out, as a word ("Coffee break"; "bus", not "business"), or
    a compound's known end ("Kaffeepause", "Mittagspause") - not as what comes before or after it ("At 10.45,
    after tea, ... until lunch": the item between them). A word of another language than the description's only as
    the first word of a short line without a title's colon ("12:30 Mittagessen", "11:00 Pausa café"; not "Comida
    sostenible: menús escolares", not a speaker called Pausa)."""
    # The item's words: its first line (or table cell) holding any, without the times before them.
    cells = [value for _, value in labelled_cells(piece)] or piece.strip().splitlines()
    lines = [_WORDS_AFTER_TIMES.sub("", cell).strip() for cell in cells]
    line = next((line for line in lines if re.search(r"[^\W\d_]{3}", line)), "")
    head = line if len(line.split()) <= 6 and ":" not in line else ""
    return any(
        not _BESIDE.search(text, max(0, found.start() - 20), found.start())
        and (word not in _TRANSLATED or found.start() == 0)
        for word in left
        for text in ([head] if word in _TRANSLATED else [piece])
        for found in re.finditer(
            rf"(?i){'' if word in _COMPOUND_ENDS else _WORD_START}{re.escape(word)}(?:e?s)?\b", text
        )
    )


# A line's times and marks before its words ("12:30 – ", "ore 9.30 ", "- 08:30 h · ").
_TIME_WORD = r"\d{1,2}(?:[:.h]\d{2})?(?:[ \t]*(?:h|uhr|am|pm|a\.m\.|p\.m\.)\b)?"
_WORDS_AFTER_TIMES = re.compile(
    rf"^\W*(?:(?:ore|um|kl\.?|at|à|ab)\s+)?(?:{_TIME_WORD}(?:\s*[-–—]\s*{_TIME_WORD})?)?[\W\d]*", re.IGNORECASE
)


# Words that set a thing beside an item rather than name it: "after tea", "until lunch", "followed by drinks".
_BESIDE = re.compile(r"(?i)\b(?:after|before|until|till|followed by|then|during|over)(?:\s+(?:the|a|an))?\s+$")


_BRACKET_OPEN = re.compile(r"\s*\([^()]*$")  # a bracket opened and not closed: "(Sat, "
# A piece saying its item is cancelled, in any of those words.
_SAYS_CANCELLED = re.compile("(?i)" + "|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in _CANCELLED))


def _cancelled(piece: str, item: CompiledSchema) -> bool:
    """Whether a piece says its item - one known by a key, a flight by its number - is cancelled ("CANCELLED  LX
    38", "votre vol AF 1080 ... a été annulé"): no item, unless the item can say so itself (a status field, a
    "cancelled" choice)."""
    if _SAYS_CANCELLED.search(piece) is None or _key_field(item) is None:
        return False  # (an invoice's "Fee for cancelled session" is a line like any other)
    said = json.dumps(item.model_schema).casefold()
    return "cancel" not in said and "status" not in said


_MOVED = re.compile(
    r"(?i)\b(?:moved?s?|postponed|rescheduled|instead|now on|nachholtermin|verschoben|ersatztermin|reporté|"
    r"rinviat[oa]|aplazad[oa]|verplaatst)\b|→|->"
)


def _moved(piece: str) -> bool:
    """Whether a piece writes two dates and a word for a move: an item moved to another day ("fällt aus;
    Nachholtermin 06.11.2025"), not one left out."""
    dates = {found.start for found in facts_of(piece).dates}  # "07.10.2025" is one date read two ways
    return len(dates) >= 2 and _MOVED.search(piece) is not None


def nested_part(schema: CompiledSchema) -> Part | None:
    """The schema's single top-level array of objects, or None (none, or more than one)."""
    return _plan(schema)[0]


def nested_objects(schema: CompiledSchema) -> list["Member"]:
    """The schema's top-level fields that hold one object each."""
    return _plan(schema)[1]


# What the reader does with each schema, worked out once per schema version.
_plans: dict[tuple[str, str], tuple[Part | None, list["Member"]]] = {}


def _plan(schema: CompiledSchema) -> tuple[Part | None, list["Member"]]:
    key = (schema.name, schema.content_hash)
    if key not in _plans:
        if len(_plans) >= 256:
            _plans.pop(next(iter(_plans)))
        members = [
            Member(name, _item_schema(schema, name, model, reorder=False))
            for name, field in schema.model.model_fields.items()
            if (model := _object_model(field.annotation)) is not None
        ]
        _plans[key] = (_part(schema), members)
    return _plans[key]


def _part(schema: CompiledSchema) -> Part | None:
    found = [
        (name, item)
        for name, field in schema.model.model_fields.items()
        if (item := _item_model(field.annotation)) is not None
    ]
    if len(found) != 1:
        return None
    name, item = found[0]
    spec = schema.model_schema.get("properties", {}).get(name, {})
    others = frozenset(
        word[:5]
        for other in schema.model.model_fields
        if other != name
        for word in re.split(r"[_\W]+", other.casefold())
        if len(word) >= 4
    )
    # What the description says the items are, not what it leaves out ("Not ... delivery charge rows" is no label
    # for the items: "Deliver to:" labels an address).
    said = re.sub(
        r"(?i)(?:^|(?<=[.;:]))\s*(?:not|these are not|leave out|exclude|do not include)\b[^.;]*",
        " ",
        str(spec.get("description", "")),
    )
    about = f"{name} {_LEAVE_OUT.sub(' ', said)}"
    required = schema.model.model_fields[name].is_required()
    nouns = frozenset(word[:4] for word in re.findall(r"[^\W\d_]{3,}", f"{name} {item.__name__}".casefold()))
    left = left_out(f"{spec.get('description', '')} {item.__doc__ or ''}", nouns)
    return Part(name, _item_schema(schema, name, item), _rest_schema(schema, name), required, about, others, left)


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The object type a ``list[...]`` annotation (optional or not) holds, if it holds objects."""
    origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation) or (None,)
        if isinstance(inner, type) and issubclass(inner, BaseModel) and not issubclass(inner, RootModel):
            return inner
        return None
    if origin is not None:  # Optional[list[...]], Annotated[list[...], ...]
        for argument in typing.get_args(annotation):
            found = _item_model(argument)
            if found is not None:
                return found
    return None


def _item_schema(schema: CompiledSchema, name: str, model: type[BaseModel], *, reorder: bool = True) -> CompiledSchema:
    """The item type as a schema of its own: its description, its derived fields, no examples (the schema's
    examples show whole objects, not one item read from one piece). With ``reorder``, its numbers, dates, codes
    and choices are asked first, then its strings: the model writes the "200" of "200 g plain flour" before the
    name, which settling then trims of the values already used."""
    properties = model.model_json_schema().get("properties", {})
    order = list(model.model_fields)
    if reorder:
        order.sort(key=lambda key: not _is_typed(properties.get(key, {})))
    item = _with_fields(model, order)
    json_schema = item.model_json_schema()
    derived = [
        entry.split(".", 1)[1] for entry in schema.options.derived if entry.replace("[]", "").startswith(f"{name}.")
    ]
    return replace(
        schema,
        name=f"{schema.name}.{name}",
        title=item.__name__,
        description=json_schema.get("description"),
        content_hash=f"{schema.content_hash}.{name}",
        json_schema=json_schema,
        part_of=schema.name,
        options=SchemaOptions(
            derived=derived,
            model=schema.options.model,
            temperature=schema.options.temperature,
            max_retries=schema.options.max_retries,
            model_profile=schema.options.model_profile,
        ),
        model_factory=lambda: item,
    )


@dataclass(frozen=True)
class Member:
    """A top-level field holding one object (an address, a company): its name and its type as a schema."""

    name: str
    schema: CompiledSchema


def _object_model(annotation: Any) -> type[BaseModel] | None:
    """The object type a field holds (``Address`` or ``Address | None``), if it holds one object."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel) and not issubclass(candidate, RootModel):
            return candidate
    return None


def home_line(text: str, values: list[str]) -> str | None:
    """The line holding most of an object's string ``values`` - at least two, and more than any other line -
    without its label: where the text writes that object ("Deliver to: Anna Kowalski, ul. Długa 14/3,
    00-238 Warszawa"), or None."""
    lowered = [value.casefold() for value in values if len(value) >= 2]
    counted = sorted(
        ((sum(value in piece.casefold() for value in lowered), piece) for piece in text.splitlines()),
        key=lambda pair: pair[0],
        reverse=True,
    )
    if not counted or counted[0][0] < 2 or (len(counted) > 1 and counted[1][0] == counted[0][0]):
        return None
    if counted[0][1].strip() == text.strip():  # a text of one line: nothing to read apart
        return None
    return _LABEL.sub("", counted[0][1].strip()).strip() or None


def _address(
    text: str,
    named: dict[str, str],
    required: list[str],
    own: set[str],
    strings: list[str],
    *,
    read: bool,
    valid: Callable[[dict[str, str]], bool],
    first: bool = False,
) -> dict[str, str] | None:
    """The parts of an address (``addresses``) for the fields ``named`` for them: from the lines the model's answer
    (``strings``) came from, else the one address labelled with the ``own`` word stems ("Shipping address: ..."
    for ``ship_to``), else - when the model ``read`` one at all - the text's only address (or, ``first``, the
    first it writes); None where none reads as an address, or none is ``valid``."""
    found: list[tuple[str, str, dict[str, str]]] = []  # (label, lines, parts) of each address the text writes
    lines = [line.strip().lstrip("> ") for line in text.splitlines()]  # and a quoted mail's lines
    covered: set[int] = set()  # lines of an address already found
    for index, line in enumerate(lines):
        if index in covered:
            continue
        # "Ship to:", "Delivery address", "Lieferadresse", "Ship to" above an address written over lines
        if len(line) <= 40 and (line.endswith(":") or _ADDRESS_LABEL.search(line)) and ":" not in line[:-1]:
            block = list(itertools.takewhile(bool, lines[index + 1 : index + 8]))
            label, body = line, "\n".join(block)
            covered.update(range(index + 1, index + 1 + len(block)))
        else:
            match = _LABEL.match(line)
            label, body = (match.group(), line[match.end() :]) if match else ("", line)
        # The line, else the sentence of it that holds the address ("... on March 28. Shipping to: 455 Elm St, ...").
        for sentence in [body] if len(body) <= 100 else [body, *_SENTENCE_END.split(body)]:
            parts = addresses.read(sentence, named, required)
            if parts is not None:
                found.append((label or ("" if sentence is body else sentence), sentence, parts))
                break
        else:
            if wider := _over_lines(lines, index, body, named, required):
                size, block_text, parts = wider
                found.append((label, block_text, parts))
                covered.update(range(index, index + size))
    found = [entry for entry in found if valid(entry[2])]
    home = home_line(text, strings) if strings else None
    holding = [entry for entry in found if home is not None and (home in entry[1] or entry[1] in home)]
    if holding:
        return max(holding, key=lambda entry: len(entry[2]))[2]
    # Labelled with the field's own words, else "Location:": the one labelled most. A delivery's address
    # (``ship_to``, ``delivery_address``) is labelled so in many languages ("Delivering to:", "Lieferadresse",
    # "Adresse de livraison", "Adres dostawy").
    delivery = own & _DELIVERY_OWN
    scores = [
        2 * len(_stems(label) & own)
        + 2 * bool(delivery and _DELIVERY_LABEL.search(label))
        - 2 * bool(delivery and _SENDER_LABEL.search(label))
        + len(_stems(label) & _ADDRESS_STEMS)
        for label, _, _ in found
    ]
    if scores and max(scores) > 0 and scores.count(max(scores)) == 1:
        return found[scores.index(max(scores))][2]
    # An address in a letter's signature is its writer's ("Head office: ..."), where the letter gives another.
    signed = signature_start(text)
    if signed is not None and len(found) > 1:
        found = [entry for entry in found if text.find(entry[1]) < signed] or found
    return found[0][2] if read and (len(found) == 1 or first and found) else None


# A line naming the address under it: "Delivery address", "Lieferadresse", "Dirección de entrega", "Ship to".
_ADDRESS_LABEL = re.compile(
    r"(?i)(?:address|adresse|adres|adress|anschrift)\b|\b(?:dirección|direccion|indirizzo|endereço|endereco|"
    r"osoite)\b|^[ \t]*(?:ship(?:ping)?|deliver(?:ing|y)?|send(?:ing)?)[ \t]+to\b"
)
_DELIVERY_OWN = frozenset({"ship", "deli"})  # ship_to, shipping_address, delivery_address
_DELIVERY_LABEL = re.compile(
    r"(?i)\b(?:ship(?:ping)?[ \t]+to|ship[ \t]*-?[ \t]*to|deliver|liefer|zustell|livraison|livr[ée]|entrega|"
    r"consegna|bezorg|aflever|leverans|dostaw|destinat|empfänger|recipient)"
)
# ... and the sender's: "Ship from", "Expéditeur", "Absender", "Return address".
_SENDER_LABEL = re.compile(
    r"(?i)\b(?:ship(?:ped)?[ \t]+from|from|sender|shipper|return|expéditeur|expediteur|absender|remitente|mittente|"
    r"afzender|avsändare|nadawca|retour|rücksend)"
)
_ADDRESS_STEMS = frozenset({"loca"})  # "Location:"; "address" alone labels anyone's ("Organisation address:")


def _over_lines(
    lines: list[str], index: int, body: str, named: dict[str, str], required: list[str]
) -> tuple[int, str, dict[str, str]] | None:
    """An address written over short lines from ``lines[index]`` on (its ``body`` without a label) - "12 Mill Lane",
    "Leeds LS6 2AB", then perhaps its country - as (lines it takes, its text, its parts); None if none starts there.
    A line that ends like a sentence or a greeting ("Hi Sam,") starts none; a labelled line ends it."""
    if not body or len(body) > 60 or body[-1] in ",:;.!?":
        return None
    for size in range(2, 5):
        window = lines[index + 1 : index + size]
        if len(window) < size - 1 or not all(window) or len(window[-1]) > 60 or _LABEL.match(window[-1]):
            return None
        block = "\n".join([body, *window])
        parts = addresses.read(block, named, required)
        if parts is None:
            continue
        following = lines[index + size] if index + size < len(lines) else ""
        if following and len(following) <= 40:  # one more part: the country
            more = addresses.read(f"{block}\n{following}", named, required)
            if more is not None and len(more) > len(parts) and parts.items() <= more.items():
                return size + 1, f"{block}\n{following}", more
        return size, block, parts
    return None


def _member_address(text: str, member: Member, strings: list[str], *, read: bool) -> dict[str, str] | None:
    """The parts of the address ``member`` holds (``_address``), labelled with its name's words."""
    named = addresses.roles(member.schema.model_schema.get("properties", {}))
    if len(named) < 2:
        return None
    required = list(member.schema.model_schema.get("required", []))
    own = _stems(member.name.replace("_", " "))
    return _address(text, named, required, own, strings, read=read, valid=lambda parts: _valid(member.schema, parts))


def _top_address(schema: CompiledSchema) -> dict[str, str]:
    """A schema's top-level fields named for two or more parts of an address, its street among them
    (``addresses.roles``)."""
    named = addresses.roles(schema.model_schema.get("properties", {}), top=True)
    # A street among them: a place with an address (a listing), not where a job or a person is ("city", "state").
    return named if len(named) >= 2 and "street" in named.values() else {}


def _valid(schema: CompiledSchema, data: dict[str, Any]) -> bool:
    try:
        schema.model.model_validate(data)
    except ValidationError:
        return False
    return True


def _with_fields(model: type[BaseModel], names: list[str]) -> type[BaseModel]:
    """A model of the same name and settings holding ``names`` of ``model``'s fields, in that order."""
    fields: dict[str, Any] = {name: (model.model_fields[name].annotation, model.model_fields[name]) for name in names}
    return create_model(model.__name__, __config__=model.model_config, __doc__=model.__doc__, **fields)


def _rest_schema(schema: CompiledSchema, name: str) -> CompiledSchema:
    """The schema without the array ``name``: its other fields, read from the whole text once the items are."""
    rest = _with_fields(schema.model, [key for key in schema.model.model_fields if key != name])
    options = schema.options
    examples = [
        Example(text=example.text, output={key: value for key, value in example.output.items() if key != name})
        for example in options.examples
        if isinstance(example.output, dict)
    ]
    return replace(
        schema,
        name=f"{schema.name}-{name}",
        content_hash=f"{schema.content_hash}-{name}",
        json_schema=rest.model_json_schema(),
        options=options.model_copy(
            update={
                "examples": examples,
                "derived": [entry for entry in options.derived if not entry.replace("[]", "").startswith(f"{name}.")],
                "from_text": [entry for entry in options.from_text if entry != name],
                "tests": [],
            }
        ),
        model_factory=lambda: rest,
    )


def pieces(
    text: str, item: CompiledSchema, about: str = "", others: frozenset[str] = frozenset(), *, optional: bool = False
) -> list[str]:
    """Where ``text`` lays out items of ``item``'s type: the pieces to read one item from each (empty if none).
    ``about`` (the array's name and description) prefers a run of pieces whose label shares a word with it
    ("Items: ..." for a shipment's items rather than "Deliver to: ..." for its address), and only a piece so
    labelled is read as a list of one ("1 item: Anker power bank"), and for an ``optional`` array (often absent)
    an unlabelled run is read only when each piece begins with a value ("3 x Lavender"); a piece that starts
    with a word of ``others`` (the object's other fields: "Total 25.00", "Prep 20 min") is not an item. An item
    of strings alone (a guest's name and role) offers no value to know it by: only a run under the array's own
    label is read ("Guests: Leo Martins, Hannah Ojo")."""
    typed = bool(_typed_fields(item)[0])
    # Items known by the array's own name: a list under "Action items:", or lines each after "ACTION:".
    named = _stems(about.split(maxsplit=1)[0].replace("_", " ")) if about.strip() else set()
    if typed and not _typed_fields(item)[1]:  # no typed value every item has to know them by
        if forms := _form_blocks(text, item):  # "Item: ... / SKU: ... / Qty: 1": a form each, not its first line
            return forms[:MAX_PIECES]
        headed = (
            run
            for label, run, _ in _bullet_runs(text)
            if (named <= _stems(label) or _first_stem(label) in named) and not re.search(r"\d", label)
        )
        for run in (*headed, *_labelled_lines(text, named)):
            if len(run) >= 2:
                return run[:MAX_PIECES]
    marked = [piece for piece in _marked_lines(text, item) if not _names_other(piece, others)] if typed else []
    if len(marked) >= 2:
        return marked[:MAX_PIECES]
    # Items known by a required value (a flight's number) first; those known by a time after the programme's
    # items that open with one.
    if typed and _typed_fields(item)[1] and (blocks := _field_blocks(text, item)):
        return blocks[:MAX_PIECES]
    if opened := _opened_blocks(text, item):
        return opened[:MAX_PIECES]
    if typed and (blocks := _field_blocks(text, item) or _form_blocks(text, item) or _paragraph_items(text, item)):
        return blocks[:MAX_PIECES]
    words = _stems(about)
    if not typed:  # the label is all there is to go by: "Episode 23: ..." labels another field
        words -= {other[:4] for other in others}
    runs: list[tuple[bool, list[str], bool]] = []  # (labelled, pieces, a block of lines)
    lines = list(_line_blocks(text, item)) if typed else list(_bullet_runs(text))
    # A required array of items known by their required values (a flight's number, airports and date): the one
    # line that offers them is its one item, read alone rather than with the whole object.
    lone = (
        not optional
        and bool(_typed_fields(item)[1])
        and [len(run) for _, run, _ in lines] == [1]
        and not _prose(lines[0][1][0])
    )
    for index, (label, run, share) in enumerate((*lines, *_inline_runs(text, item))):
        kept = [piece for piece in run if not _names_other(piece, others)]
        # (pieces without a word are no items a label lists: "Order total: £637.92")
        labelled = bool(_stems(label) & words) and any(re.search(r"[^\W\d_]{3}", piece) for piece in kept)
        if not typed and not labelled:
            continue  # an item of strings alone looks like any other line: only the array's own label tells
        # Unlabelled, an optional array's run must look like items: each piece begins with a value ("3 x ...").
        leading = sum(_offers(piece.split()[0], item) for piece in kept) >= 0.8 * len(kept)
        single = len(kept) < 2 and not (lone and run is lines[0][1])
        if not kept or (single or (optional and not leading)) and not labelled:
            continue
        if share >= 0.8 or (share >= 0.5 and labelled):
            runs.append((labelled, kept, index < len(lines)))
    if not runs:
        # People (an item holding a person's name, and no value every item has) listed a line each or on one
        # line, without the array's own label: "Zeugen / Monika Brandt, Schichtleiterin / Jan Wilczek, Staplerfahrer".
        people = _people_lines(text) if not _typed_fields(item)[1] and _of_people(about, item) else []
        return people[:MAX_PIECES]
    # Labelled runs first, then those laid out as items ("1 x Pack", "Spatula   Qty: 4"), then longer ones: an
    # address under "Shipping to:" offers numbers too.
    labelled, best, block = max(runs, key=lambda run: (run[0], sum(map(_laid_out_as_item, run[1])), len(run[1])))
    # Unlabelled runs of lines that each open with a value of the same field are one list under headings
    # ("Session 1", talks each opening with a time; "Session 2", more of them).
    lead = _leading(best, item) if block and not labelled else set()
    if lead:
        joined = [run for named, run, block in runs if block and not named and _leading(run, item) & lead]
        best = [piece for run in joined for piece in run if not _date_heading(piece, item)]
    elif (
        block
        and not labelled
        and (key := _key_field(item)) is not None
        and key in item.model_schema.get("required", [])
    ):
        # Items known by a key (a flight's number), a line each under headings ("Outbound - Tue 14 May", two
        # flights; "Return - Sun 26 May", one): every line holding a whole item, in text order.
        best = [
            piece
            for _, run, _ in lines
            for piece in run
            if not _names_other(piece, others) and _holds_item(piece, item, key)
        ] or best
    if block and len(best) >= 3 and (opening := _leading(best[1:], item)) and not _leading(best[:1], item) & opening:
        best = best[1:]  # their heading, offering a value too: "Schedule (Saturdays, 10:00 AM – 1:00 PM)"
    rows = [piece for piece in best if labelled_cells(piece)]
    # A table's rows, not the line of totals below them; one "Subtotal: £26.00 | Shipping: £4.00" is no item.
    best = rows if len(rows) >= 2 else [piece for piece in best if piece not in rows] or best
    return best[:MAX_PIECES]


# Words naming people an array may list ("people_involved", "witnesses"; an item type "InvolvedPerson").
_PEOPLE = frozenset(
    "people persons person speakers speaker guests guest authors author attendees attendee participants participant "
    "members member panelists panellists presenters presenter witnesses witness contacts contact employees employee "
    "staff crew players player students student applicants applicant candidates candidate owners owner tenants "
    "patients patient volunteers volunteer contributors contributor editors editor inventors inventor".split()
)
# Where a line's parts end: a table's bars, commas, brackets, a label's colon or dots, a dash, a wide gap.
_LINE_PARTS = re.compile(r"\s*(?:\||,|;|\(|\)|:|\s[-–—]\s|\t|\s{2,}|\.{3,})\s*")


def _of_people(about: str, item: CompiledSchema) -> bool:
    """Whether an array lists people: named for them, or its items' type is, and each item has a ``name``."""
    words = {
        word.casefold() for word in name_words(f"{about.split(maxsplit=1)[0] if about.strip() else ''} {item.title}")
    }
    named = {word.casefold() for field in item.model_schema.get("properties", {}) for word in name_words(field)}
    return bool(words & _PEOPLE) and "name" in named


def _people_lines(text: str) -> list[str]:
    """Runs of two or more consecutive short lines (bullets, a table's rows, a form's labelled lines) each naming
    a person among its first parts ("- Karim Benali, grutier", "| Incident commander | Tomás Aguirre |",
    "Witness:   Samira El Idrissi (inventory clerk)"), in text order."""
    found: list[str] = []
    run: list[str] = []
    signed = signature_start(text)  # a letter's signature names its writer, not one of the people it lists
    lines = _joined_name_lists(text if signed is None else text[:signed]).splitlines()
    for index, line in enumerate([*lines, ""]):
        stripped = _BULLET.sub("", line).strip()
        if (columns := _people_columns(lines, index)) is not None:
            found += columns  # a table whose first row names people: a person a column, what stands below too
            run = []
            continue
        label = re.match(r"([^:|]{1,30}):\s", stripped)
        if label and not {word.casefold() for word in name_words(label.group(1))} & _LIST_LABELS:
            names = []  # "Keywords: Machine Learning, Neural Networks" lists no people
        else:
            names = [_unmarked(part) for part in _NAME_LIST_PARTS.split(stripped[label.end() if label else 0 :])]
            names = [name for name in names if name]
        if len(names) >= 2 and sum(map(_a_persons_name, names)) >= max(2, 0.75 * len(names)):
            # One line listing people: a paper's authors ("Katrin Vollmer1*, Tomasz Nowicki2 and ..."), columns
            found += [name for name in names if _a_persons_name(name) and not _listed(name, found)]
            run = []
            continue
        parts = [part for part in _LINE_PARTS.split(_CELL_LABEL.sub("", stripped)) if part]
        # (a name among its first two parts; not a line of amounts or codes: an order's "Green Tea | 2 | 4.00",
        # equipment's "Toyota Forklift (FL-02)")
        if (
            stripped
            and len(stripped) <= 120
            and any(_a_persons_name(part) for part in parts[:2])
            and not any(_AMOUNT_OR_CODE.fullmatch(part) for part in parts)
        ):
            run.append(stripped)
            continue
        if len(run) >= 2:
            # (not a line naming only people already listed: a citation of the authors above)
            found += [line for line in run if not all(_listed(part, found) for part in _named_parts(line))]
        run = []
    return found


# A part of a line that is an amount, a count or a code ("4.00", "€12", "FL-02"), not a phone number's digits.
_AMOUNT_OR_CODE = re.compile(r"[$€£¥]?\d{1,6}(?:[.,]\d{1,2})?[ \t]?(?:€|EUR|USD|GBP|x)?|[A-Z]{1,4}-?\d{1,4}[A-Z]?")
# A label before a line's or a cell's value: "Driver:", "Role:", "Name ......".
_CELL_LABEL = re.compile(r"(?:^|(?<=\|))[ \t]*[^\W\d_][\w ]{0,25}?(?::|[ \t]*\.{3,})[ \t]*")


def _named_parts(line: str) -> list[str]:
    return [part for part in _LINE_PARTS.split(line) if _a_persons_name(part)]


# Words of a role, an office or a record that a line writes capitalised as a name is ("Operations Director",
# "Verletzte Person", "Report ID").
_NOT_NAME_WORDS = frozenset(
    "director manager coordinator officer lead head engineer assistant supervisor analyst administrator "
    "operator driver witness person persons people team staff department office report id number ref "
    "vehicle name role contact phone email date time total leiter leiterin person personne persona regards kind "
    "best thanks keywords agenda topics steps takeaways plan forecast roadmap summary notes".split()
)


def _a_persons_name(part: str) -> bool:
    """Whether a part of a line is written as a person's name, not a role's or a record's words."""
    return looks_like_a_name(part) and not {word.casefold().strip(".") for word in part.split()} & _NOT_NAME_WORDS


def _listed(name: str, pieces: list[str]) -> bool:
    """Whether a piece already found opens with ``name``."""
    return any(piece.startswith(name) for piece in pieces)


# Labels a line of people's names is written after ("Authors:", "Present:", "With:").
_LIST_LABELS = _PEOPLE | frozenset("present attending attendance with by von par por team teilnehmer présents".split())
# Where the names a line lists end: commas, middle dots, semicolons, "and", "und", "et", "y", a wide gap.
_NAME_LIST_PARTS = re.compile(r"\s*(?:[,;·•|]|\s(?:and|und|et|y|e|en|i|&)\s|\s{3,}|\t)\s*")
# A name's markers: footnotes to an affiliation, a corresponding author's star ("Vollmer1*", "Kessler¹").
_MARKERS = re.compile(r"[\d*†‡§¶¹²³⁴⁵⁶⁷⁸⁹⁰,]+$")


def _people_columns(lines: list[str], index: int) -> list[str] | None:
    """Where ``lines[index]`` opens a table's rows (``spaced_tables``' "a | b | c") whose cells all name people,
    one piece a column: each cell of the rows below it joined to the name above ("Mei-Ling Chou / National Taiwan
    University / Taipei, Taiwan")."""
    line = lines[index] if index < len(lines) else ""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")] if "|" in line else []
    if len(cells) < 2 or not all(_a_persons_name(_unmarked(cell)) for cell in cells):
        return None
    if index > 0 and lines[index - 1].count("|") == lines[index].count("|"):
        return None  # not a table's first row
    below: list[list[str]] = []
    for line in lines[index + 1 :]:
        if line.count("|") != lines[index].count("|"):
            break
        cells_below = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells_below):
            return None  # a Markdown table's heading row: its columns' names, not people
        if not below and all(_a_persons_name(_unmarked(cell)) for cell in cells_below if cell):
            return None  # rows of people's names, no heading over columns: each row is read as a line of names
        below.append(cells_below)
    return [
        " / ".join([_unmarked(cell), *(row[column] for row in below if column < len(row) and row[column])])
        for column, cell in enumerate(cells)
    ]


def _unmarked(part: str) -> str:
    return _MARKERS.sub("", part.strip()).strip()


def _joined_name_lists(text: str) -> str:
    """``text`` with a list of names broken over lines joined ("Ana Beatriz Ferreira1 and\nLukas Brenner3")."""
    return re.sub(
        r"(?<=[^\W\d_])[\d*†‡¹²³⁴⁵⁶⁷⁸⁹⁰]*(?:,| and| und| et)[ \t]*\n(?=[^\W\d_a-z])",
        lambda m: m.group().replace("\n", " "),
        text,
    )


def _field_blocks(text: str, item: CompiledSchema) -> list[str]:
    """Items written a value or a field a line (an app's "LH 1166 / Frankfurt / FRA / 06:50", an e-mail's "Flight:
    BA 117 / From: London (LHR) / Departs: 12 Mar 08:25") or over sentences ("I fly LO 379 from Chopin (WAW) to
    Zurich (ZRH). It leaves at 7.10."), where no line that is no sentence offers an item alone: the text's lines
    (a line of sentences, each sentence) cut into blocks at blank lines, at a line offering the item's key value
    (its first required value of a kind no other field has: a flight number) when the block has one, and at a
    label the block has used. Only blocks offering a key and as many of the item's required values (but dates,
    which a heading may hold) as the fullest, and more than half of them; none unless two do."""
    key = _key_field(item)
    if key is None:
        return []
    units: list[tuple[int, int]] = []  # (start, end) of each line or sentence; (n, n) for a blank line
    for line in re.finditer(r"(?m)^.*$", text):
        stripped = line.group().strip()
        if not stripped:
            units.append((line.start(), line.start()))
        elif _prose(stripped):
            units += [
                (line.start() + start, line.start() + end)
                for found in re.finditer(r"\S(?:.*?\S)?(?=\s*$|(?:[.!?]+\s+)(?=[\w(]))[.!?]*", line.group())
                for start, end in _clauses(found.group(), found.start())
            ]
        elif _holds_item(stripped, item, key):
            return []  # a line holds an item: read line by line
        else:
            units.append((line.start() + line.group().index(stripped[0]), line.start() + len(line.group().rstrip())))
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    labels: set[str] = set()
    keyed = False
    for start, end in [*units, (len(text), len(text))]:
        unit = text[start:end]
        label = _NAME_LABEL.match(unit)
        said = label.group(1).casefold() if label else None
        keys = bool(unit) and _offers_key(unit, item, key)
        if not unit or (said is not None and said in labels) or (keys and keyed):
            # The lines above a key that offer no value but a date are its heading ("Rückflug", "So., 11.05.2025").
            above = (span for span in current[::-1])
            carried = list(itertools.takewhile(lambda span: _heading_only(text[span[0] : span[1]], item), above))
            carried = carried[::-1] if keys and len(carried) < len(current) else []
            if current[: len(current) - len(carried)]:
                blocks.append(current[: len(current) - len(carried)])
            current, labels, keyed = carried, set(), False
        if unit:
            current.append((start, end))
            labels |= {said} if said is not None else set()
            keyed = keyed or keys
    required = _typed_fields(item)[1] - set(_date_fields(item))  # a date may stand in a heading above the block
    offered: dict[str, int] = {}
    for block in blocks:
        # Not the lines after a block's last value ("Hotel: Scandic Hamburg, 2 nights", "Passengers", their names).
        valued = [index for index, (start, end) in enumerate(block) if _offered(text[start:end], item)]
        if not valued or valued[-1] >= 24:
            continue
        block = block[: valued[-1] + 1]
        piece = text[block[0][0] : block[-1][1]]
        if _offers(piece, item) and any(_offers_key(text[start:end], item, key) for start, end in block):
            offered[piece] = len(_offered(piece, item) & required)
    # Blocks offering as much as the fullest (a ticket number's "157" offers a flight number, and no airports).
    found = [piece for piece, count in offered.items() if count == max(offered.values())]
    return found if len(found) >= 2 else []


def _paragraph_items(text: str, item: CompiledSchema) -> list[str]:
    """Items a short paragraph each, opening with the same word and a number one higher each time ("Modul 1 -
    Rolle und Selbstverständnis" over "Dienstag, 3. Februar 2026, 9:00-16:00 Uhr", a blank line, "Modul 2 - ..."):
    the longest run of two or more such paragraphs of two to four lines, none a sentence nor a heading over items
    a line each, each offering a value of the item."""
    best: list[str] = []
    run: list[str] = []
    opener, counted = None, 0
    for paragraph in [*re.split(r"\n[ \t]*\n", text), ""]:
        lines = [line.strip() for line in paragraph.strip().splitlines()]
        # Opening alike with a number that grows: "Modul 1 - ...", "Modul 2 - ...".
        word = re.match(r"([^\W\d_]+)\s*(\d{1,2})\b", lines[0]) if lines else None
        first = word.group(1).casefold() if word is not None else None
        number = int(word.group(2)) if word is not None else 0
        fits = (
            2 <= len(lines) <= 4
            and first is not None
            and not lines[0].endswith(":")  # a heading over lines ("Items in this package:")
            and not _leading(lines[1:], item)  # a heading over items a line each ("Session 1", talks at times)
            and not any(_prose(line) for line in lines)
            and _offers(paragraph, item)
        )
        if not fits or first != opener or number != counted + 1:
            best = run if len(run) > len(best) else best
            run = []
        if fits:
            run.append("\n".join(lines))
        opener, counted = (first, number) if fits else (None, 0)
    return best if len(best) >= 2 else []


def _form_blocks(text: str, item: CompiledSchema) -> list[str]:
    """Items written as forms, a field a line ("Item: Merino jumper / SKU: MJ-CRW-NV-M / Qty: 1 / Unit price:
    £68.00"): blocks of lines cut at blank lines and where a label comes again, each without the lines after it
    whose labels no other block has (a total); those sharing two labels with another block and offering two of
    the item's typed values or more. None unless two blocks are."""
    blocks: list[list[tuple[str, str | None]]] = []
    current: list[tuple[str, str | None]] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        label = FORM_LINE.match(stripped)
        said = " ".join(label.group(1).casefold().split()) if label else None
        if not stripped or (said is not None and said in {own for _, own in current}):
            # The lines without a label just above a label that comes again open the next form (its product).
            carried = list(itertools.takewhile(lambda line: line[1] is None, current[::-1]))[::-1] if stripped else []
            carried = carried if len(carried) < len(current) else []
            if current[: len(current) - len(carried)]:
                blocks.append(current[: len(current) - len(carried)])
            current = carried
        if stripped:
            current.append((stripped, said))
    labels = [{said for _, said in block if said is not None} for block in blocks]
    typed = _typed_fields(item)[0]
    fields = _field_stems(item)
    found = []
    for index, block in enumerate(blocks):
        others = [own for position, own in enumerate(labels) if position != index]
        if not any(len(labels[index] & own) >= 2 for own in others) or any(_prose(_value(line)) for line, _ in block):
            continue
        shared = set().union(*others) & labels[index]
        if not any(_word_stems(label.replace("qty", "quantity")) & fields for label in shared):
            continue  # forms of something else ("Seller / Name: / Address:" over "Buyer / Name: / Address:")
        while block and block[-1][1] not in shared:
            block = block[:-1]  # "Total excl. VAT: 40 870,00 kr" after the last item's lines
        # ... nor the lines before its first that only the first form has ("Order no:", "Customer:").
        first = next((position for position, (_, said) in enumerate(block) if said in shared), 0)
        before = [position for position, (_, said) in enumerate(block[:first]) if said is not None]
        block = block[before[-1] + 1 :] if before else block
        piece = "\n".join(line for line, _ in block)
        if len(_offered(piece, item) & typed) >= 2:
            found.append(piece)
    return found if len(found) >= 2 else []


def _value(line: str) -> str:
    """A form's line without its label ("Art. no: 40224417" is no sentence)."""
    return FORM_LINE.sub("", line)


def _clauses(sentence: str, offset: int) -> list[tuple[int, int]]:
    """A sentence's spans, cut before a clause that opens with a time of its own ("..., and at 2.15 we end with a
    panel", "..., while at 1:30 the finance leads ..."): a sentence of two items is two pieces."""
    cuts = [found.end() for found in _NEXT_TIMED_CLAUSE.finditer(sentence)]
    bounds = [0, *cuts, len(sentence)]
    return [
        (offset + start, offset + start + len(sentence[start:end].rstrip()))
        for start, end in itertools.pairwise(bounds)
        if sentence[start:end].strip()
    ]


# A clause opening with its own time after a comma or a semicolon: ", and at 2.15", "; at 10:30", ", then from 4pm".
_NEXT_TIMED_CLAUSE = re.compile(
    r"(?i)(?<=[,;])\s+(?=(?:(?:and|then|while|before|after which)\s+)?(?:at|from)\s+(?:\d{1,2}(?:[:.]\d\d)?|half|noon))"
)


def _holds_item(line: str, item: CompiledSchema, key: str) -> bool:
    """Whether a line offers an item whole: its key, and as many values as its required fields but dates ("LH 1159
    BCN 06:05 -> FRA 08:20"; not "KLM KL 1652", whose one "KLM" is no origin and destination both)."""
    if not (_offers(line, item, line=True) and _offers_key(line, item, key)):
        return False
    narrowed = _piece_properties(line, item)
    needed = _typed_fields(item)[1] - set(_date_fields(item))
    values = {str(value) for name in needed for value in _enum_of(narrowed.get(name, {}))}
    return len(values) >= len(needed)


def _heading_only(line: str, item: CompiledSchema) -> bool:
    """Whether a line offers none of an item's typed values but a date ("So., 11.05.2025", "Return flights")."""
    return not (_offered(line, item) & _typed_fields(item)[0]) - set(_date_fields(item))


def _offers_key(line: str, item: CompiledSchema, key: str) -> bool:
    """Whether a line offers a value of the key field, not written only as a part of a date ("2025") or a code."""
    spec = _piece_properties(line, item).get(key, {})
    return any(not only_in_dates(str(value), facts_of(line)) and _whole(str(value), line) for value in _enum_of(spec))


def _whole(value: str, line: str) -> bool:
    """Whether a line writes a value as a whole code, not a part of one ("157" of a ticket's "157-2418830264"),
    spaces between its letters allowed; a value it writes in another form ("9" for "09:00") is whole."""
    written = "[ ]?".join(map(re.escape, value))
    return re.search(written, line) is None or re.search(rf"(?<![\w-]){written}(?![\w-])", line) is not None


def _key_field(item: CompiledSchema) -> str | None:
    """The item's first required field of a typed kind (pattern, format) no other field shares: a flight's number,
    not its airports (two fields of one pattern); for an item without required typed fields, its first time of
    day (a talk's start)."""
    properties: dict[str, Any] = item.model_schema.get("properties", {})

    kinds = [value_kind(spec) for spec in properties.values()]
    for name in item.model_schema.get("required", []):
        # A code or a date, not a bare number ("Order 5521" would key an invoice line's quantity).
        if (
            name in properties
            and value_kind(properties[name])[1:] != (None, None)
            and kinds.count(value_kind(properties[name])) == 1
        ):
            return str(name)
    if item.model_schema.get("required") and _typed_fields(item)[1]:
        return None
    # An item known by no required value: its first time of day, where it has one (a talk's start).
    return next((name for name, spec in properties.items() if _clocked(spec)), None)


def _first_stem(label: str) -> str:
    """The first word of a label, by its first four letters ("acti" of "Action list:"; not "Agenda items")."""
    first = re.search(r"[^\W\d_]{4,}", label.casefold())
    return first.group()[:4] if first else ""


def _labelled_lines(text: str, words: set[str]) -> Iterator[list[str]]:
    """The lines that each open with a label made of ``words`` alone ("ACTION: Sam to send the budget"; not
    "Session 1: chaired by ..."), without it."""
    found = [
        line.strip()[label.end() :]
        for line in text.splitlines()
        if (label := _NAME_LABEL.match(line.strip()))
        and (said := _stems(label.group(1)))
        and said <= words
        and line.strip()[label.end() :]
    ]
    if found:
        yield found


def _opened_blocks(text: str, item: CompiledSchema) -> list[str]:
    """Items of a time written over several lines (a programme's talk: its time and room, then its speakers, its
    kind and its title on lines of their own): each opens with a line that starts with a time and holds the lines
    below it up to the next such line or a blank line, less sentences (a speaker's biography). None unless two
    lines open so and one of them has lines below it."""
    if not any(_clocked(spec) for spec in item.model_schema.get("properties", {}).values()):
        return []
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or "|" in stripped:  # a blank line ends an item; a table's rows are read as rows
            current = None
        elif _TIME_FIRST.match(stripped):
            current = [stripped]
            blocks.append(current)
        elif current is not None and not _prose(stripped):
            current.append(stripped)
    if len(blocks) < 2 or all(len(block) == 1 for block in blocks):
        return []
    return ["\n".join(block) for block in blocks]


def _leading(run: list[str], item: CompiledSchema) -> set[str]:
    """The item's typed fields every piece of ``run`` opens with a value of ("10:00  Sara Nilsson ..." a time)."""
    typed = _typed_fields(item)[0]
    if len(run) >= 2 and _date_heading(run[0], item):
        run = run[1:]  # under a day's heading ("Friday 10 October")
    found = [_offered(piece.split()[0], item) & typed for piece in run if piece.split()]
    return set.intersection(*found) if found else set()


def _date_heading(line: str, item: CompiledSchema) -> bool:
    """Whether a line offers a date of an item and no other typed value of it ("Friday 10 October")."""
    offered = _offered(line, item) & _typed_fields(item)[0]
    return bool(offered) and offered <= set(_date_fields(item))


def sections(text: str, part: Part) -> list[str]:
    """Where ``text`` holds several objects that each lay out their own items (two bookings with their flights, two
    recipes with their ingredients): one stretch of text per object, each a run of items with the lines above it
    (its heading, or a short line standing alone above it) and below it (a total), cut at blank lines and at the
    last line above each further run, or one line each where the items run inline after a label ("Tzatziki
    (serves 6): 250 g yoghurt, 1 cucumber"); each followed by what the text writes before the first (and, one
    line an object, right after the last: "both are vegan"). A stretch whose heading offers none of the object's
    own typed values (a booking code; a number only under its field's name: "serves 2", "Total 25") belongs to
    the one above it ("Outbound" and "Return" legs of one booking). Empty unless there are two or more."""
    if not _typed_fields(part.item)[0]:
        return []  # an item of strings alone (a guest's name) cannot be told from any other line
    if grouped := _row_groups(text, part):
        return grouped
    lines = text.splitlines()
    items = _item_lines(lines, part)
    stretches: list[list[int]] = []  # line numbers of each object's stretch, in text order
    block: list[int] = []
    above: list[int] = []  # a short line standing alone above the next block ("SALSA", a blank line, items)
    first_line = next((index for index, line in enumerate(lines) if line.strip()), 0)
    for index in [*range(len(lines)), len(lines)]:
        if index < len(lines) and lines[index].strip():
            block.append(index)
            continue
        runs = _by_runs(block, items)
        # A block opening with its items, or with a line of the object's own ("Serves 2 · Prep 10 min"), takes the
        # line alone above it as heading ("Miso Salmon Traybake") - not the text's first line, nor a line of the
        # object above ("Total: GBP 26.00").
        heads = bool(above) and above[0] > first_line and not _own_values(lines[above[0]], part)
        if runs and (items[block[0]] or (heads and not _prose(lines[block[0]]))):
            runs[0][:0] = above
        stretches.extend(runs)
        alone = not runs and len(block) == 1 and len(lines[block[0]].strip()) <= 60 and not _prose(lines[block[0]])
        above = block if alone else [] if block else above
        block = []
    headings = {index: line for index, line in enumerate(lines) if not items[index]}
    if len(stretches) < 2:
        # One object a line, its items inline after its label: "Tzatziki (serves 6): 250 g yoghurt, 1 cucumber".
        inline = {index: label for index, line in enumerate(lines) if (label := _inline_label(line, part))}
        stretches, headings = [[index] for index in inline], inline
    kept: list[list[int]] = []
    totalled = False  # whether the stretch above ends with the object's own values
    for stretch in stretches:
        heading = "\n".join(headings[index] for index in itertools.takewhile(lambda index: index in headings, stretch))
        # Runs that each end with the object's own values ("Option A", flights, "Total CHF 6,240.00"; "Option B",
        # flights, "Total CHF 2,980.50") are objects each, whatever their headings.
        last = max((index for index in stretch if items[index]), default=stretch[-1])
        ends = _own_values("\n".join(lines[index] for index in stretch if index > last), part)
        if kept and not _own_values(heading, part) and not (ends and totalled):
            kept[-1].extend(stretch)
        else:
            kept.append(stretch)
        totalled = ends
    if len(kept) < 2:
        kept = _paragraphs(lines, part)
    if len(kept) < 2:
        return []
    before = [line for line in lines[: kept[0][0]] if line.strip()]
    after = list(itertools.takewhile(str.strip, lines[kept[-1][-1] + 1 :]))
    # The object's own lines first: a small model takes a title from the first words it reads.
    return ["\n".join([lines[index] for index in stretch] + after + before) for stretch in kept]


def _row_groups(text: str, part: Part) -> list[str]:
    """A table whose rows repeat their first cell, a value of the object's own (an export of orders, "#KC1042" on
    two rows): one stretch per run of rows with the same first cell, each row's cells under their column names,
    followed by what the text writes after and before the table. Empty unless there are two or more runs and one
    of them holds two rows or more."""
    lines = [line.strip() for line in text.splitlines()]
    for table in _tables(text):
        if not heading(table[0]):
            continue
        groups = [list(group) for _, group in itertools.groupby(table[1:], key=lambda row: cells(row)[0])]
        if len(groups) < 2 or len(groups) == len(table) - 1:
            continue
        key = cells(groups[0][0])[0]
        if not _typed_fields(part.rest)[0] or not _own_values(key, part):
            continue  # a time two talks share is no programme's own
        first, last = lines.index(table[0]), len(lines) - 1 - lines[::-1].index(table[-1])
        before = [line for line in lines[:first] if line]
        after = [line for line in lines[last + 1 :] if line]
        rows = [[labelled_row(heading(table[0]), row) for row in group] for group in groups]
        return ["\n".join([*labelled, *after, *before]) for labelled in rows]
    return []


def _paragraphs(lines: list[str], part: Part) -> list[list[int]]:
    """Objects written in prose, a paragraph each: the line numbers of each paragraph that offers values of two
    of an item's typed fields and a value of the object's own ("The first booking, confirmation QX7M2P, ... fly
    IB3166 from MAD to ORY on 12 June"), where two or more do."""
    blocks = [
        list(group)
        for blank, group in itertools.groupby(range(len(lines)), key=lambda index: not lines[index].strip())
        if not blank
    ]
    typed = _typed_fields(part.item)[0]
    if not _typed_fields(part.rest)[0]:
        return []  # an object without typed values of its own: nothing tells its paragraphs apart
    found = []
    for block in blocks:
        paragraph = "\n".join(lines[index] for index in block)
        if (
            len(paragraph) >= 100
            and len(_offered(paragraph, part.item) & typed) >= min(len(typed), 2)
            and _own_values(paragraph, part)
        ):
            found.append(block)
    return found if len(found) >= 2 else []


def _item_lines(lines: list[str], part: Part) -> list[bool]:
    """Which lines hold an item: bullet lines where two or more do, else any line offering an item's values, never
    a sentence or a line starting with a word of the object's own fields ("BOOKING REF: MZ4T9A  ISSUED: 02MAR")."""
    bare = [_BULLET.sub("", line) for line in lines]
    bullets = {index for index, line in enumerate(lines) if _BULLET.match(line)}
    if sum(_offers(bare[index], part.item) for index in bullets) < 2:
        bullets = set(range(len(lines)))
    return [
        index in bullets
        and bool(line.strip())
        and not _prose(line)
        and not _names_other(line, part.others)
        and _offers(line, part.item, line=True)
        for index, line in enumerate(bare)
    ]


def _inline_label(line: str, part: Part) -> str:
    """The label of a line that holds a run of two or more inline items after it, else "" - a label's remark in
    brackets may hold commas ("Blueberry Pancakes (serves 6, 10 min prep): 300 g flour, 2 eggs")."""
    line = line.strip()
    masked = re.sub(r"\([^()]{0,80}\)", lambda remark: "(" + "_" * (len(remark.group()) - 2) + ")", line)
    label = _BRACKETED_LABEL.match(masked)
    if label is None:
        return ""
    for _, run, share in _inline_runs(line[label.end() :], part.item):
        return line[: label.end()] if len(run) >= 2 and share >= 0.5 else ""
    return ""


def _own_values(heading: str, part: Part) -> bool:
    """Whether a heading offers a typed value of the object's own (not its items'): a code, a date, a choice, or a
    number written under its field's name (for an object without typed values: whether there is a heading)."""
    typed = _typed_fields(part.rest)[0]
    if not typed:  # the object has no typed value to tell its headings by: any heading is one
        return bool(heading.strip())
    properties: dict[str, Any] = part.rest.model_schema.get("properties", {})
    words = _stems(heading)
    for name in _offered(heading, part.rest) & typed:
        spec = properties.get(name, {})
        numeric = any(branch.get("type") in ("number", "integer") for branch in spec.get("anyOf", [spec]))
        if not numeric or _stems(name.replace("_", " ")) & words:
            return True
    return False


def _by_runs(block: list[int], items: list[bool]) -> list[list[int]]:
    """A block's lines cut into stretches of one run of items each: lines between two runs go with the run above,
    but the last of them, the heading of the run below. A block without items is none."""
    runs = [index for index in block if items[index] and (index == block[0] or not items[index - 1])]
    if not runs:
        return []
    starts = [block[0]] + [run - 1 if not items[run - 1] else run for run in runs[1:]]
    ends = [*starts[1:], block[-1] + 1]
    return [list(range(start, end)) for start, end in zip(starts, ends, strict=True)]


def _laid_out_as_item(piece: str) -> bool:
    """Whether a piece writes a quantity as items do ("2 x", "×2", "Qty: 4")."""
    return any(marked_as_quantity(piece, found.start, found.end) for found in facts_of(piece).integers)


def _names_other(piece: str, others: frozenset[str]) -> bool:
    if labelled_cells(piece):
        return False  # a table's row under its column names: its first column may be named for anything
    first = re.match(r"\W*([^\W\d_]+)", piece)
    return first is not None and first.group(1).casefold()[:5] in others


def _stems(text: str) -> set[str]:
    return {word[:4] for word in re.findall(r"[^\W\d_]{4,}", text.casefold())}


def _marked_lines(text: str, item: CompiledSchema) -> list[str]:
    """Bullet or numbered lines, or table rows (each cell under its heading), that offer an item's values."""
    lines = [line for line in text.splitlines() if line.strip()]
    # Not a step of a method ("1. Heat the oven to 450°F. Whisk the flour."): sentences are not items.
    bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line) and not _prose(_BULLET.sub("", line))]
    if len(bullets) >= 2 and len(offering := [line for line in bullets if _offers(line, item)]) >= 2:
        return offering
    found: list[str] = []
    above: list[str] = []
    end = 0  # where the table above ends in the text
    for table in _tables(text):
        start = text.find(table[0], end)
        between, end = text[end:start] if start >= 0 else "", (start if start >= 0 else end) + len(table[0])
        for row in table[1:]:
            end = max(end, text.find(row, end) + len(row))
        # The first row is the heading unless it holds an item itself ("1:00 PM | Keynote | AI at the bedside"); a
        # table of as many columns without one continues the table above it (the second day of a programme).
        # (a row of names alone naming the item's fields, no digit in it, is a heading: "Pos | Art.-Nr. | Qty |
        # Unit price (EUR)"; not "| Ann Lee | ann@lee.org | vegan |").
        named_only = not any(character.isdigit() for character in table[0]) and bool(
            _word_stems(table[0]) & _field_stems(item)
        )
        heading, rows = ([], table) if _offers(table[0], item) and not named_only else (cells(table[0]), table[1:])
        if found and not heading and len(cells(table[0])) <= len(above):
            heading = above
        elif found and (heading != above or not _a_day_between(between)):
            break  # a table under the same column names below a day's heading continues it ("## Wednesday, May 21")
        if _grid(heading, rows, item):  # "Time | Main Hall | Room S1": an item per cell, row by row, left to right
            laid = (
                f"{values[0]} | {head} | {value}"
                for row in rows
                for values in [cells(row)]
                for head, value in zip(heading[1:], values[1:], strict=False)
                if value
            )
            found += [piece for piece in laid if _offers(piece, item)]
        else:
            # Under column names that name the item's fields ("Action | Owner | Due"), every row is an item.
            named = sum(bool(_word_stems(head) & _field_stems(item)) for head in heading) >= 2
            found += [labelled_row(heading, row) for row in rows if named or _offers(row, item)]
        above = heading
    return found


def _a_day_between(between: str) -> bool:
    """Whether the lines between two tables name a day (a date or a weekday), and little else."""
    lines = [line for line in between.splitlines() if line.strip()]
    facts = facts_of(between)
    named = facts.dates or facts.yearless_dates or re.search(rf"(?i){_WEEKDAY_NAME}", between)
    return 0 < len(lines) <= 2 and bool(named)


def _field_stems(item: CompiledSchema) -> set[str]:
    return {
        stem for name in item.model_schema.get("properties", {}) for stem in _word_stems(" ".join(name_words(name)))
    }


def _grid(heading: list[str], rows: list[str], item: CompiledSchema) -> bool:
    """Whether a table's columns after the first are named for values (rooms: "Main Hall | Room S1", "Room 2A |
    Room 2B"), not for the item's fields ("Room | Session | Speaker"): none is a title's column, at most half
    name a field of their own, and its cells beyond the first column hold no typed values (a flight's codes)."""
    if len(heading) < 3 or any(_word_stems(head) & _TITLE_STEMS for head in heading[1:]):
        return False
    firsts = [cells(row)[0] for row in rows]
    if sum(bool(_TIME_FIRST.match(first)) for first in firsts) * 5 < len(firsts) * 4:
        return False  # a grid's rows are its times
    places = [head for head in heading[1:] if _word_stems(head) & _PLACE_STEMS]
    shared = [
        head
        for head in heading[1:]
        if any(_word_stems(head) & _word_stems(other) for other in heading[1:] if other != head)
    ]
    if len(set(places) | set(shared)) < len(heading) - 1:
        return False  # its columns are places: rooms, halls, stages, tracks
    stems = {
        name: _word_stems(" ".join(name_words(name))) - {"name"} for name in item.model_schema.get("properties", {})
    }
    claims = [name for head in heading[1:] for name, own in stems.items() if _word_stems(head) & own]
    if sum(claims.count(name) == 1 for name in set(claims)) * 2 > len(heading) - 1:
        return False
    values = [value for row in rows for value in cells(row)[1:] if value]
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    typed = {name for name in _typed_fields(item)[0] if not _enum_of(properties[name])}  # "KEYNOTE" is any cell's
    return bool(values) and sum(bool(_offered(value, item) & typed) for value in values) * 5 <= len(values)


_WEEKDAY_NAME = (
    r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|satur|sun)(?:day)?\b|\b(?:montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|"
    r"viernes|sábado|domingo)\b"
)
_LEADER = re.compile(r"(?<!\s)\s*\.{4,}\s*")  # (not at each space of a long run: linear)


def _prose(line: str) -> bool:
    """Whether a line is written in sentences: one ending inside it, or a long one ending with it (a leader's
    dots, "Talk ...... Hall A", end none)."""
    line = _LEADER.sub("  ", line)
    return bool(_SENTENCE_END.search(line)) or (len(line.split()) >= 8 and line.rstrip().endswith((".", "!", "?")))


def _tables(text: str) -> Iterator[list[str]]:
    """The text's tables of three rows or more (two where a rule sets the first apart): runs of consecutive lines
    holding a ``|``, without their rule lines (``|---|---|``); a row whose first cell is empty continues the row
    above ("| Ola Zielińska |" under "09:00 | Opening |": a talk's speaker below its title), its cells joined to
    that row's."""
    table: list[str] = []
    ruled = False
    for line in [*text.splitlines(), ""]:
        if "|" in line:
            if not RULE_LINE.match(line):
                table.append(line.rstrip())
            ruled = ruled or (RULE_LINE.match(line) is not None and len(table) == 1)
            continue
        if len(table) >= 3 or (ruled and len(table) == 2):  # a heading ruled off from one row: a table too
            yield _joined_rows(table)
        table = []
        ruled = False


def _joined_rows(table: list[str]) -> list[str]:
    piped = table[0].lstrip().startswith("|")  # "| a | b |" rows, not "a | b"
    rows: list[list[str]] = []
    for row in table:
        values = cells(row) if piped else [cell.strip() for cell in row.strip().split("|")]
        continues = not any(character.isdigit() for value in values for character in value)  # no line of its own
        if rows and len(values) > 1 and not values[0] and len(values) <= len(rows[-1]) and continues:
            above = rows[-1]
            for index, value in enumerate(values[1:], start=1):
                if value:
                    glue = " " if above[index].endswith(",") or not above[index] else " — "
                    above[index] = f"{above[index]}{glue}{value}".strip()
            continue
        rows.append(values)
    return [" | ".join(values) if not piped else "| " + " | ".join(values) + " |" for values in rows]


def _bullet_runs(text: str) -> Iterator[tuple[str, list[str], float]]:
    """Runs of consecutive bullet or numbered lines, each with the line above it (its heading or label)."""
    run: list[str] = []
    above = ""
    for line in [*text.splitlines(), ""]:
        if _BULLET.match(line):
            run.append(_BULLET.sub("", line).strip())
            continue
        if run:
            yield above, run, 1.0
        run = []
        if line.strip():
            above = line


def _line_blocks(text: str, item: CompiledSchema) -> Iterator[tuple[str, list[str], float]]:
    """Runs of consecutive lines that each offer an item's values (a table without rules, one flight per line),
    each with the line above it (a heading or label)."""
    block: list[str] = []
    above = ""
    for line in [*text.splitlines(), ""]:
        if line.strip() and not _SENTENCE_END.search(line.strip()) and _offers(line, item, line=True):
            block.append(line.strip())
            continue
        if block:
            yield above, block, 1.0
        block, above = [], line


def _inline_runs(text: str, item: CompiledSchema) -> Iterator[tuple[str, list[str], float]]:
    """Runs of comma- or semicolon-separated pieces in one sentence ("Ingredients: 200 g flour, 2 eggs, a pinch
    of salt"), each with its label and the share of its pieces that offer an item's values."""
    required = bool(_typed_fields(item)[1])
    for sentence in _sentences(text):
        sentence = sentence.strip().strip("|").strip()  # a table row: "| Guests | Ann Lee; Bo Chan |"
        label = _LABEL.match(sentence)
        parts = [part.strip(" .") for part in _split(_LABEL.sub("", sentence)) if part.strip(" .")]
        # A long part is a sentence's clause, unless it offers an item known by its required values ("BA2490 from
        # Gatwick (LGW) to Verona (VRN) on 21 June 2024 at 6:40am, and back on BA2491 ...").
        if not parts or any(len(part.split()) > 12 and not (required and _offers(part, item)) for part in parts):
            continue
        offering = sum(_offers(part, item) for part in parts)
        yield (label.group() if label else ""), parts, offering / len(parts)


def _split(sentence: str) -> list[str]:
    """A sentence cut at its commas, semicolons and pluses, but not inside a date ("April 2, 2024")."""
    kept = [(found.start, found.end) for found in facts_of(sentence).dates]
    kept += [found.span() for found in re.finditer(r"\([^()]*\)", sentence)]  # "(serves 6, 10 min prep)"
    parts, position = [], 0
    for match in _PIECE_BREAK.finditer(sentence):
        if any(start <= match.start() < end for start, end in kept):
            continue
        if re.fullmatch(r"\d,\d", sentence[max(0, match.start() - 1) : match.end() + 1]):
            continue  # a decimal comma: "42,90 €"
        parts.append(sentence[position : match.start()])
        position = match.end()
    parts.append(sentence[position:])
    return parts


def _sentences(text: str) -> Iterator[str]:
    """A text's sentences, line by line; a remark in brackets after a full stop is one of its own."""
    for line in text.splitlines():
        position = 0
        for match in _SENTENCE_OR_REMARK.finditer(line):
            yield line[position : match.start()]
            position = match.end()
        yield line[position:]


def _typed_fields(item: CompiledSchema) -> tuple[set[str], set[str]]:
    """The item's fields a text offers values of a kind for (numbers, formats, patterns, enums), and which of
    them are required."""
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    typed = {name for name, spec in properties.items() if _is_typed(spec)}
    return typed, typed & set(item.model_schema.get("required", []))


def _is_typed(spec: dict[str, Any]) -> bool:
    for branch in spec.get("anyOf", [spec]):
        if branch.get("type") in ("number", "integer") or {"format", "pattern", "enum"} & branch.keys():
            return True
    return False


def _offers(piece: str, item: CompiledSchema, *, line: bool = False) -> bool:
    """Whether ``piece`` offers an item: more than half of its required typed fields (a flight number, the
    airports, a date), or - an item with none, such as an ingredient - at least one typed field (an amount),
    and then not as a ``Label: value`` line (unless it opens with a number)."""
    typed, required = _typed_fields(item)
    if not typed:
        return bool(piece.strip())
    offered = _offered(piece, item) & typed
    if required:
        return len(offered & required) * 2 > len(required)
    label = _LABEL.match(piece.strip()) if line else None
    if label and not re.match(r"\W*\d", piece) and not labelled_cells(piece) and not _dated_or_timed(label.group()):
        # "Prep: 20 min", but not "3 × Monstera 12cm pot — £14.00 each", a table's row, nor a line opening with
        # a value of its own ("Wed 8 Oct 2025 – Numbers and prices")
        return False
    return bool(offered)


def _piece_properties(piece: str, item: CompiledSchema) -> dict[str, Any]:
    """The item's tool properties narrowed to ``piece`` alone, kept for the pieces and lines of the last requests
    (laying a text out asks for each line's several times). Read-only."""
    key = (piece, item.name, item.content_hash, item.model.__name__)
    properties = _narrowed_pieces.get(key)
    if properties is None:
        tool = {"type": "function", "function": {"name": item.model.__name__, "parameters": item.model_schema}}
        properties = narrow_tool(tool, Grounding(piece, item))["function"]["parameters"].get("properties", {})
        with _narrowed_lock:  # lists are laid out in worker threads, several requests at once
            if len(_narrowed_pieces) >= 4096:
                _narrowed_pieces.pop(next(iter(_narrowed_pieces)))
            _narrowed_pieces[key] = properties
    return properties


_narrowed_pieces: dict[tuple[str, str, str, str], dict[str, Any]] = {}
_narrowed_lock = threading.Lock()


def _offered(piece: str, item: CompiledSchema) -> set[str]:
    """The item's fields the narrowed tool gives candidates for, read from ``piece`` alone."""
    offered = set()
    for name, spec in _piece_properties(piece, item).items():
        if any(branch.get("enum") for branch in spec.get("anyOf", [spec])):
            offered.add(name)
    if facts_of(piece).days:  # "Jan 15 — Wedging": a day of a month, its year written elsewhere in the text
        offered |= set(_date_fields(item))
    return offered


def _dated_or_timed(label: str) -> bool:
    """Whether a label numbers an item ("Session 1 – ") or opens with a date or time, after a weekday at most ("Wed
    8 Oct 2025 – ")."""
    if re.match(r"\W*[^\W\d_]+\.?\s+\d{1,3}\b(?![.,:]\d)", label):
        return True
    facts = facts_of(label)
    starts = [found.start for found in (*facts.dates, *facts.times)] + [start for start, _ in facts.days]
    return bool(starts) and min(starts) <= len("Wed. ")


def _date_fields(item: CompiledSchema) -> list[str]:
    """The item's date fields, in the order the schema names them."""
    return [
        name
        for name, spec in item.model_schema.get("properties", {}).items()
        if any(branch.get("format") == "date" for branch in spec.get("anyOf", [spec]))
    ]


def piece_choices(piece: str, text: str, item: CompiledSchema, siblings: tuple[str, ...] = ()) -> dict[str, list[Any]]:
    """Values fixed for an item read from ``piece`` alone: fields of one kind take the piece's values of that kind
    in the order the schema names them, where it offers as many as there are fields ("BCN 06:05 -> FRA 08:20":
    origin BCN, destination FRA, departure 06:05, arrival 08:20); a required date the piece offers none for takes
    the last date written before it (its heading: "Outbound - Tue 14 May 2024")."""
    narrowed = _piece_properties(piece, item)
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    kinds: dict[tuple[Any, ...], list[str]] = {}
    for name, spec in properties.items():
        branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
        if branch.get("format") or branch.get("pattern"):
            kinds.setdefault((branch.get("type"), branch.get("format"), branch.get("pattern")), []).append(name)
    fixed: dict[str, list[Any]] = {}
    for names in kinds.values():
        offered = [_enum_of(narrowed.get(name, {})) for name in names]
        values = offered[0]
        if len(names) < 2 or any(other != values for other in offered) or len(values) != len(names):
            continue
        places = [_place_of(str(value), piece) for value in values]
        if -1 not in places and len(set(places)) == len(places):
            ordered = [value for _, value in sorted(zip(places, values, strict=True))]
            fixed |= {name: [value] for name, value in zip(names, ordered, strict=True)}
    start, end = _place_in(text, piece)
    required = set(item.model_schema.get("required", []))
    # A day of a month the piece writes without its year ("Jan 15 — Wedging"), in the text's one year.
    facts = facts_of(text)
    times = [found.end for found in facts.times if start <= found.start < end]
    own = [
        found.value
        for found in facts.yearless_dates
        if start <= found.start < end
        # not the day a later time falls on: "11:59 PM -> 8:05 AM (Sat, Feb 22)", in brackets after the last time
        and not (len(times) >= 2 and found.start > times[-1] and _BRACKET_OPEN.match(text[times[-1] : found.start]))
    ]
    dated = _date_fields(item)
    if start >= 0 and own and len(own) == len(dated) and not any(_enum_of(narrowed.get(name, {})) for name in dated):
        fixed |= {name: [value] for name, value in zip(dated, own, strict=True)}  # in the order the schema names
    for name in dated:
        if name in fixed:
            continue
        if not _enum_of(narrowed.get(name, {})) and start >= 0 and name in required:
            # A required date the piece writes none of and no heading above it gives: the one labelled by the
            # field's name below it ("Departure: 22 Mar 2025" under the flight's line), else any the text writes -
            # never one the model makes up.
            stems = _stems(name.replace("_", " ")) - {"date"}
            every = [*facts.dates, *facts.yearless_dates]
            below = [
                found.value
                for found in sorted(every, key=lambda found: found.start)
                if found.start >= end and _stems(_label_before(text, found)) & stems
            ]
            if below and not any(found.end <= start and not _labelled_at(text, found) for found in every):
                fixed[name] = below[:1]
                continue
            if not any(found.end <= start and not _labelled_at(text, found) for found in every) and every:
                fixed[name] = list(dict.fromkeys(found.value for found in every))
                continue
        if not _enum_of(narrowed.get(name, {})) and start > 0:
            # An optional date only from a heading: a line that holds a date and little else ("Day 2 - Fri 14 Mar
            # 2025"; "DAY 1 - Wednesday 17 September" under a title dated "17-18 September 2025").
            before = next(
                (
                    found.value
                    for found in sorted(
                        [*facts.dates, *facts.yearless_dates], key=lambda found: found.end, reverse=True
                    )
                    if found.end <= start
                    and not _labelled_at(text, found)
                    and (name in required or _heading_date(text, found))
                ),
                None,
            )
            # A time of day on a programme that names one day, in a heading of its first lines, or anywhere above
            # where the field's description says a one-day event's date is its items': on that day ("Retail Futures
            # Summit 2026 | Wednesday 25 February 2026"; not "Tickets sold out on 14 March").
            written = [*facts.dates, *facts.yearless_dates]
            days = {found.value for found in written}
            one_day = _ONE_DAY.search(str(item.model_schema["properties"][name].get("description") or ""))
            if (
                before is None
                and times
                and len(days) == 1
                and any(
                    (not _labelled_at(text, found) or _SUBJECT.match(text, text.rfind("\n", 0, found.start) + 1))
                    and (_in_the_heading(text, found) or (one_day and found.end <= start))
                    for found in written
                )
            ):
                before = next(iter(days))
            fixed |= {name: [before]} if before is not None else {}
    chosen = (
        _segment_choices(piece, text, siblings, item, narrowed)
        | _cell_choices(piece, text, item, narrowed)
        | _assignment_choices(piece, text, item)
        | _product_choices(piece, item)
        | fixed
    )
    return chosen | _first_speakers_organisation(piece, item, chosen)


def _first_speakers_organisation(
    piece: str, item: CompiledSchema, chosen: dict[str, list[Any]]
) -> dict[str, list[Any]]:
    """An item's own organisation field beside a list of its people (``speakers`` and ``organisation``: "the first
    speaker's organisation"): the one the piece writes right after the first person it names ("Erik Haugland,
    Kongsberg Maritime", "Prof. Ingrid Solberg (NTNU)"), else an organisation it names ("... – Universität Wien"),
    else none, where the field is optional (not the words of the title: "Lightning talk")."""
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    group = next((name for name in properties if lists_people(name) and chosen.get(name)), None)
    if group is None:
        return {}
    listed = chosen[group]
    whole = isinstance(listed[0], list)
    names = [str(person) for person in (listed[0] if whole else listed)]
    required = set(item.model_schema.get("required", []))
    found: dict[str, list[Any]] = {}
    for name, spec in properties.items():
        if _kind(spec, {}) != "string" or holds_an_organisation(name, str(spec.get("description") or "")) is None:
            continue
        after = _affiliations(piece, names[0], []) if piece.find(names[0]) >= 0 else []
        # Not a role ("our COO", "periodista de ..."), nor more people ("Tom Ellery and Sofía Márquez")
        after = [value for value in after if value[:1].isupper() and not _people_joined(value)]
        written = after or [found.value for found in organisations(piece) if found.value not in names][:1]
        if written or name not in required:
            found[name] = written
        if written and whole:
            # and the people without it: "Erik Haugland, Kongsberg Maritime" is one speaker and his organisation
            people = [person for person in names if person not in written[0]]
            found[group] = [people] if people else listed
    return found


def _people_joined(value: str) -> bool:
    """Whether ``value`` names two people joined by "and" ("Tom Ellery and Sofía Márquez"; not "Tokyo University of
    Marine Science and Technology")."""
    parts = re.split(r"\s(?:and|und|et|y|e|en|og|och|&)\s", value)
    return len(parts) > 1 and all(map(looks_like_a_name, parts))


# A field whose description keeps the variant with the product: "including variant details such as size or colour",
# "its name with any size, pack or variant text written with it".
_WITH_VARIANT = re.compile(r"(?i)\b(?:including|with any|with its)\b[^.;]{0,40}\b(?:variant|size|colou?r|pack)\b")
# What ends a product's words on its line: a wide gap, a bar, a dash or dots before the price, "@", a SKU's bracket,
# a count after it ("×2", "x1").
_PRODUCT_END = re.compile(
    r"\s{2,}|\t|\s\|\s|\s(?:\.{2,}|…|@)\s|\s[—–]\s(?=[$€£¥₹]|\d)|\s-\s(?=\d[\d,.']*\s*(?:@|[x×]\s|pcs?\b|units?\b))|"
    r"\s*\((?:SKU|Art|Ref|Item|Code|Part|#)\b|"
    r"\s[x×]\s?\d+\b(?=\s*(?:$|[—–@=|…(]|\.{2,}|\s{2,}))",
    re.IGNORECASE,
)
# A count in front of them, after a buyer's name at most: "2 x", "1x", "Marco Bianchi: 1x".
_COUNT_FIRST = re.compile(
    r"^(?:[^:]{1,60}:\s*)?(?:(?:qty|quantity|menge|anzahl|qté|cant)\.?:?\s*)?\W{0,2}\d+"
    r"(?:\s*[x×]\s*|\s*(?:st|stk|stück|pcs|pc|pieces|ea)\b\.?\s*|\s+(?=\D))(?:[–—-]\s+)?",
    re.IGNORECASE,
)
# A label before the product: "Item: Blue Mug large".
_PRODUCT_LABEL = re.compile(r"(?i)^(?:item|product|article|artikel|produkt|description)\s*:\s*")
# ... or one after them: "× 6", "x1", "Qty: 4", "- 10 @ £85.00", a column of its own ("...   12    189,00 €").
_COUNT_AFTER = re.compile(r"(?i)\s[x×]\s?\d+\b|\bqty\b|\bquantity\b|\s\d[\d,.']*\s?@\s|\S\s{2,}\d{1,5}\s{2,}\S")
# A code in brackets after them: "(PR-A3-DOL)", "(S-17582)".
_CODE_AFTER = re.compile(r"\s*\([A-Z0-9]+(?:-[A-Z0-9]+)+\)$")


def _product_choices(piece: str, item: CompiledSchema) -> dict[str, list[Any]]:
    """A product field described as written with its variant ("Trailhead Merino Sock (3-pack) - Size L") takes
    the line's words whole: from after the count in front ("2 x") to the price, a SKU's bracket or a count after
    them ("Silicone Spatula, Red            Qty: 4" -> "Silicone Spatula, Red"). A table's row is read by its
    cells instead."""
    if labelled_cells(piece) or "\n" in piece.strip():
        return {}
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    fields = [
        name
        for name, spec in properties.items()
        if _kind(spec, {}) == "string" and _WITH_VARIANT.search(spec.get("description") or "")
    ]
    if len(fields) != 1:
        return {}
    line = _PRODUCT_LABEL.sub("", _BULLET.sub("", piece.strip().lstrip("> ")).strip())
    head = _PRODUCT_END.split(line, maxsplit=1)[0]
    # a count written after the product: its leading number is the product's ("6 Pack Merino Socks ×2")
    words = head if re.search(r"(?i)\s[x×]\s?\d+\b", line[len(head) :][:6]) else _COUNT_FIRST.sub("", head)
    words = _CODE_AFTER.sub("", words).strip(" ,;:-–—")
    if (
        not (_COUNT_FIRST.match(line) or _COUNT_AFTER.search(line))  # no count: a heading, a note, a vendor's line
        or words == line.rstrip(" .:")
        or len(words) < 3
        or not re.search(r"[^\W\d_]{2}", words)
        or re.search(r"[$€£¥₹]|\d[.,]\d\d\b", words)  # a price
        or words not in piece
    ):
        return {}
    return {fields[0]: [words]}


# What a talk's piece writes just before its speakers: a dash, "with", "by", "feat.", "Speaker(s):", a bar, a
# bracket, a line's start - a title before the name allowed.
_SPEAKER_CUE = re.compile(
    r"(?i)(?:\s[–—-]|\bwith|\bby|\bfeat\.?|\b(?:speakers?|hosts?|presenters?|panel(?:lists?)?|moderator)\s*:|\||\(|\n)"
    r"\s*(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx)\.?\s+)?$"
)
# A task given to someone: "Sam to send the budget to the board by Friday 3 May", "Rosa will draft the newsletter",
# "Bram: sign the contract", "Arjun – set up the triage rotation – by 24/01/2025".
_ASSIGNED = re.compile(
    r"^\W{0,3}(?P<who>[A-Z][^\s,:;()]{0,30}(?: [A-Z][^\s,:;()]{0,30}){0,3})(?: \((?P<aside>[^)]{0,60})\))?"
    r"(?P<joint>\s+(?:to|will|shall|must|is to)\s+|\s*:\s+|\s+[–—-]\s+)(?P<what>[^\W\d_].*\S)"
)
# ... and its deadline: "by 30 April 2025", "– before 15 February", "by Friday", "(by Fri 21 Feb)".
_DEADLINE = re.compile(r"(?i)(?<!\S)\(?(?:by|before|until|till|due by|no later than)\s+\S[^,;]{0,40}$")
_NAME_WORD = r"[A-Z][\w'’-]{1,30}"
_PARTICLES = r"(?: (?:van|von|de|der|den|du|da|di|del|della|le|la|al|el|bin|ibn|ter|ten))*"
_MOST_ASSIGNED = 300  # characters of a line read as a task given to someone


def _assignment_choices(piece: str, text: str, item: CompiledSchema) -> dict[str, list[Any]]:
    """Choices for an item given as a task to someone ("Sam to send the budget to the board by Friday 3 May"): its
    person field (named for a person by its description: "The person responsible for the task") takes whom - by
    the full name the text writes for them ("Sam Kiprop"), or who holds the role ("Julie Farrant (Clerk)") - and
    its first other text field what, without the deadline written after it. Whom is written elsewhere in the text
    too (not "Note: the budget ..."), and what opens with a lower-case word (not "Opening Keynote – Dr Jane
    Smith"); a table's row is read by its cells instead."""
    line = piece.strip().splitlines()[0] if piece.strip() else ""
    found = _ASSIGNED.match(line) if len(line) <= _MOST_ASSIGNED and not labelled_cells(piece) else None
    if found is None or not found["what"][0].islower() or len(found["what"].split()) < 2:
        return {}
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    definitions: dict[str, Any] = item.model_schema.get("$defs", {})
    texts = [name for name, spec in properties.items() if _kind(spec, definitions) == "string"]
    people = [name for name in texts if names_a_person(name, properties[name], "")]
    others = [name for name in texts if name not in people]
    if not people or not others:
        return {}
    what = found["what"].rstrip(" .")
    what = _DEADLINE.sub("", what).rstrip(" ,;–—-") or what
    who = untitled(found["who"]) or found["who"]
    if found["aside"] and looks_like_a_name(found["aside"].split(",")[0]):
        who = found["aside"].split(",")[0].strip()  # "Secretary (Aisling) to notify ..."
    fuller = _full_name(who, text)
    if fuller == who and len(re.findall(rf"(?<!\w){re.escape(who)}(?!\w)", text)) < 2:
        return {}  # named nowhere else: a label ("Note: ..."), not someone
    return {people[0]: [fuller], others[0]: [what]}


def _full_name(who: str, text: str) -> str:
    """The one fuller name the text writes for ``who``: a first name's ("Sam" -> "Sam Kiprop"), a surname's
    ("Siddiqui" -> "Imran Siddiqui"), or a role's holder ("Clerk" -> "Julie Farrant (Clerk)"); else ``who``."""
    if " " in who:
        return who
    word = re.escape(who)
    holders = {match.group(1) for match in re.finditer(rf"\b({_NAME_WORD}(?: {_NAME_WORD}){{1,2}}) \({word}\b", text)}
    if len(holders) == 1:
        return holders.pop()
    for pattern in (rf"\b{word}(?:{_PARTICLES} {_NAME_WORD}){{1,2}}\b", rf"\b{_NAME_WORD}(?: {_NAME_WORD})? {word}\b"):
        fuller = {
            bare
            for match in re.finditer(pattern, text)
            if (bare := untitled(match.group())) != who and looks_like_a_name(bare)
        }
        if len(fuller) == 1:
            return fuller.pop()
    return who


# What parts an item's line: a dash, a colon, quotes, brackets, "&", "+" or "and", a comma, wide spaces, a bar.
_SEGMENT = re.compile(r"\s+[-–—]+\s+|:\s+|[\"“”«»]|\s*\(|\)|\s+[&+]\s+|,\s+|\s+and\s+|\s{2,}|\s+\|\s+")
_TITLE_WORDS = frozenset("title topic subject headline session".split())
# ... and the columns a title is under, in English and the languages programmes are most often written in besides.
_TITLE_STEMS = frozenset(
    word[:4]
    for word in (*_TITLE_WORDS, "talk", "presentation", "intitulé", "titel", "título", "titolo", "thema", "sujet")
)
_PLACE_STEMS = frozenset(
    word[:4]
    for word in "room hall stage track stream studio theatre theater auditorium lab salon suite ballroom arena "
    "court pitch tent floor level aula saal sala salle".split()
)


def _segment_choices(
    piece: str, text: str, siblings: tuple[str, ...], item: CompiledSchema, narrowed: dict[str, Any]
) -> dict[str, list[Any]]:
    """Choices from the parts of an item's line ("09:15 Welcome - Inês Carvalho"): where the item has a list of
    people's names, a text field not named for a person (a title) takes no words of the names the line writes - a
    part made of names alone, or a name after "from", "by" or "with"; a title takes none of a part in brackets
    ("(Feedzai)"), nor of one another item writes alike ("Talk - ...": a kind, not a title), nor a time it
    opens with. A field keeps its choices where these would leave it none. A field for one person ("trainer")
    takes the names the line marks as a person's (``_cued``, ``_persons_side``)."""
    if labelled_cells(piece):
        return {}
    lines = [line.strip() for line in piece.splitlines() if line.strip()]  # an item over lines: each parted alike
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    definitions: dict[str, Any] = item.model_schema.get("$defs", {})
    segments = [part for line in lines for part in _segments(line)]
    persons = {
        name: found
        for name, spec in properties.items()
        if (found := _person_object(name, spec, definitions, properties))
    }
    several = any(_kind_of_list(properties[name]) for name in persons)
    listed = any(lists_people(name) and _kind(spec, definitions) == "strings" for name, spec in properties.items())
    single = [name for name, spec in properties.items() if name not in persons and _one_person(name, spec, definitions)]
    people = bool(persons) or listed or bool(single)
    names = [person for line in lines for person in _names_written(line) if not _a_venue(person)] if people else []
    unsure = False
    if single and not persons and not listed and names:
        # One person per item ("trainer"): the names the line writes ("Leading yourself — 4 Feb, Karin Ek"), where
        # they sit in one of its parts.
        holding = [
            part
            for line in lines
            for part in _segments(line, _MAJOR)
            if any(name in " ".join(part.split()) for name in names)
        ]
        if len(holding) > 1:
            # Names in several parts: a capitalised title's words look like a name too ("Regression Models").
            # Those a cue marks are the person's ("(Olivia Brandt)", "with Ana Ruiz"); without one, the model's.
            marked = [name for name in names if _cued(name, piece)]
            if not marked and (side := _persons_side(siblings, piece)) is not None:
                # ... else the side the other items mark theirs on: "Title (Olivia Brandt)" above "Regression
                # Models — 3 Jun, Tomás Ferreira" puts the person last
                marked = [name for name in names if name in " ".join(holding[side].split())]
            names = marked
            unsure = not names
        # one after another's comma is where that one works ("Tom Hill, Deutsche Bahn")
        names = [name for name in names if not any(f"{other}, {name}" in piece for other in names)]
        # ... and not the words a line's first text opens with: its title's ("Classical ML with scikit-learn",
        # "Capstone Project"), where a line is laid out in parts, not written as a sentence.
        texts = [
            part
            for line in lines
            if not _prose(line)
            for part in _segments(line, _MAJOR)
            if re.search(r"[^\W\d_]{3}", part)
            and not (_NUMBERING.fullmatch(part.strip()) and _numbering(part, siblings))
            and not _dated(part)
            and not _TIME_FIRST.match(part)
        ]
        names = [name for name in names if not (texts and texts[0].startswith(name) and not _cued(name, piece))]
    if persons and names:
        # A presenter object's names: not an organisation in brackets after one ("Lena Vogel (Ferrous Systems)"),
        # and those a part of the line writes whole before words cut from a title ("Async Rust" of "Async Rust
        # without the tears").
        names = [name for name in names if not re.search(rf"\(\s*{re.escape(name)}", piece)]
        written_whole = {
            joined.strip() for line in lines for part in _segments(line, _TITLE_BREAK) for joined in _JOINED.split(part)
        }
        names = [name for name in names if name in written_whole] or names
        # ... after the title: the names past the line's last dash where any are ("Keynote: Ship It, Then Fix It -
        # Marcus Webb"), not a title's capitalised words.
        dash = max((match.end() for match in re.finditer(r"\s[-–—]+\s", piece)), default=-1)
        names = [name for name in names if piece.find(name) >= dash] or names
        if not several:  # one presenter: one after another's comma is where she works ("Sarah Kim, Google DeepMind")
            names = [name for name in names if not any(f"{other}, {name}" in piece for other in names)] or names
    bracketed = [match.group(1).strip() for match in re.finditer(r"\(([^)]*)\)?", piece) if match.group(1).strip()]
    others = [
        {part.casefold() for line in other.splitlines() for part in _segments(line)}
        for other in siblings
        if other != piece
    ]
    repeated = [part for part in segments if any(part.casefold() in seen for seen in others)]
    # A name most other items write too is a place's ("Main Hall" in a grid), not a speaker's.
    names = [name for name in names if sum(name.casefold() in seen for seen in others) * 2 <= max(len(others), 2)]
    fixed: dict[str, list[Any]] = {}
    organisations: list[str] = []  # a presenter's, no part of a title
    facts = facts_of(text)
    days = {text[found.start : found.end] for found in (*facts.dates, *facts.yearless_dates)}  # no title either
    for name, (inner, affiliated) in persons.items():
        # A presenter as an object ("speaker": {name, affiliation}): the names the piece writes, each without a
        # title, and the organisation written right after the first ("Marta Silva (Google)", "Ines Okafor,
        # Zalando"); none where the piece names no one.
        written = sorted(dict.fromkeys(names), key=lambda person: piece.find(person) % (len(piece) + 1))
        if not written:
            if not _CUED_NAME.search(piece):  # "Rust at Scale with Marcus Webb": someone, read by the model
                fixed[name] = []
            continue
        fixed[f"{name}.{inner}"] = list(dict.fromkeys(without_titles(person) for person in written))
        if affiliated is not None:
            fixed[f"{name}.{affiliated}"] = _affiliations(piece, written[0], names)
            organisations += fixed[f"{name}.{affiliated}"]
    for name in single:
        # One person per item: the names the piece writes, without titles; one the piece calls by a first name
        # after "with" or "by" by the fuller name the text writes ("also with Nina" -> "Nina Baumann"); none
        # where the piece names no one.
        written = sorted(dict.fromkeys(names), key=lambda person: piece.find(person) % (len(piece) + 1))
        called = [found.group(1) for found in _CALLED.finditer(piece)]
        # (the fuller name a person's, where the text marks it so: not "Docker Compose" for "with Docker")
        fuller = [person for who in called if (person := _full_name(who, text)) != who and _cued(person, text)]
        if offered := list(dict.fromkeys([*(without_titles(person) for person in written), *fuller])):
            fixed[name] = offered
        elif not (
            unsure or called or _CUED_NAME.search(piece) or _SOMEONE.search(piece)
        ):  # "with Priya", "Storage with Aiko Tanaka": someone
            fixed[name] = []
    for name, spec in properties.items():
        words = {word.casefold() for word in name_words(name)}
        if name in single:
            continue
        if names and lists_people(name) and _kind(spec, definitions) == "strings":
            # The people a line names are its speakers, each without a title ("Dr. Rachel Andrews").
            # In the order the piece writes them ("Panel with Ben Ode and Cara Lin, moderated by Dan Wu": the
            # moderator last); after a speaker's cue ("— Rachel Andrews", "with Ben Ode", "Speaker: Dr. ...") the one
            # list offered, no null beside it; else the names a list may hold ("Keynote: Remembering Grace Hopper").
            written = sorted(dict.fromkeys(names), key=lambda person: piece.find(person) % (len(piece) + 1))
            named = list(dict.fromkeys(without_titles(person) for person in written))
            cued = _SPEAKER_CUE.search(piece[: max(piece.find(written[0]), 0)]) is not None
            fixed[name] = [named] if cued else named
            continue
        titled = _holds_a_title(name, spec)
        if _kind(spec, definitions) != "string" or lists_people(name) or (words & {"name", "person"} and not titled):
            continue
        # What follows a name after a comma is who the person is, no part of a title ("Marcus Webb, Senior
        # Engineer at Microsoft").
        roles = [
            match.group(1).strip()
            for person in names
            for match in re.finditer(rf"{re.escape(person)}\s*,\s*([^,;()|\n]+)", piece)
        ]
        # ... nor is the role in lower case a name follows ("formatrice : Camille Petit"; not a title in capitals,
        # "Opening keynote: K. Sreedevi").
        labels_of = [
            match.group(1)
            for person in names
            for match in re.finditer(rf"(?<!\w)([^\W\d_A-Z][^\W\d_]*)\s*:\s*{re.escape(person)}", piece)
        ]
        avoided = bracketed + repeated + organisations + roles + labels_of if titled else []
        offered = _enum_of(narrowed.get(name, {}))
        # A place field's few values ("Main Hall", "Room 2") are no part of a title.
        placed = [
            str(value)
            for other, other_spec in properties.items()
            if titled and other != name and _word_stems(other.replace("_", " ")) & _PLACE_STEMS
            for value in (_enum_of(narrowed.get(other, {})) if len(_enum_of(narrowed.get(other, {}))) <= 3 else [])
        ]

        def allowed(
            choice: str, titled: bool = titled, avoided: list[str] = avoided, placed: list[str] = placed
        ) -> bool:
            return not (
                any(_name_words(part) & _name_words(choice) for part in names)
                or (titled and (_TIME_FIRST.match(choice) or _BRACKETED.search(choice) or _dated(choice)))
                or (titled and ")" in choice and "(" not in choice)
                or (titled and (_numbering(choice, siblings) or _a_length(choice) or choice.strip() in days))
                or any(_words_in(choice, part) for part in avoided)
                or any(_words_in(place, choice) for place in placed)
            )

        kept = [choice for choice in offered if allowed(str(choice))]
        if titled and any(_prose(line) for line in lines):
            # A title in a sentence is the words it quotes ("... Hiroshi Tanaka runs "OKRs that don't suck", a
            # workshop in the Quebec Room"), where it quotes some of two words or more.
            quoted = [
                found.group(1).strip()
                for found in _QUOTED_TITLE.finditer(piece)
                if len(found.group(1).split()) >= 2
                and found.group(1).strip() in piece
                and not _NICKNAMED.search(piece[: found.start()])
                # standing alone: not a phrase inside a sentence's words ("of "zero downtime" migrations")
                and re.match(
                    r"\s*(?:$|[,.;:!?()\-–—]|(?:at|until|till|in|on|from|to|and|by|for|\d)\b)", piece[found.end() :]
                )
            ]
            if quoted:
                fixed[name] = list(dict.fromkeys(quoted))
                continue
        # (A leader's dots part a title from what it leads to: "Signals explained ........ Hall A".)
        spanned = [
            (head, _segment_spans(head, _TITLE_BREAK))
            for line in lines
            if not _prose(line)
            for head in _LEADER.split(line)[:1]
        ]
        cut = any(_LEADER.search(line) for line in lines)
        if titled and (cut or sum(len(spans) for _, spans in spanned) >= 2):
            # A title is a part of a line between its dashes, colons, brackets and commas, or a run of such parts
            # ("CSS :has() in the wild") - not a run of words inside one ("Systems Without the Pain"); nor a
            # label other items write too, or a value of the item's choice fields ("Keynote:", "Workshop -").
            kinds = {
                form
                for spec_ in properties.values()
                for value in _enum_of(spec_)
                if isinstance(value, str)
                for form in (value.replace("_", " ").casefold(), value.replace("_", " ").casefold() + "s")
            }
            labels = {line[low:high].casefold() for line, spans in spanned for low, high in spans} & set().union(
                *others, kinds
            )
            joined = [
                line[spans[first][0] : spans[last][1]]
                for line, spans in spanned
                for first in range(min(len(spans), _MOST_PARTS))
                for last in range(first, min(len(spans), first + 4))
                if first == last
                or not any(line[low:high].casefold() in labels for low, high in spans[first : last + 1])
            ]
            parts = list(dict.fromkeys(part for part in joined if allowed(part)))
            parts = [part for part in parts if part.casefold() not in labels] or parts
            # A part between dashes and colons whole first: "Cats, Dogs and Kubernetes" before "Cats".
            major = {segment for line, _ in spanned for segment in _segments(line, _MAJOR)}
            parts.sort(key=lambda part: part not in major)
            if parts:
                fixed[name] = parts
                continue
        if kept and len(kept) < len(offered):
            # A part between dashes and colons is offered whole ("Intro & announcements").
            whole = [
                part
                for line in lines
                for part in _segments(line, _MAJOR)
                if any(_words_in(choice, part) for choice in kept)
            ]
            fixed[name] = kept + [part for part in whole if part not in kept and allowed(part)]
    return fixed


# A column of people ("Speaker", "Presenter(s)", "Host", "Moderator", "Trainer", "Facilitator").
# A line item's product, and the columns a table writes it under in English, German, French, Spanish, Italian, Dutch,
# Swedish, Norwegian and Polish.
_PRODUCT_WORDS = frozenset("description product item article goods".split())
_PRODUCT_STEMS = frozenset(
    word[:4]
    for word in "item description product article artikel bezeichnung beschreibung produkt désignation designation "
    "libellé descripción descripcion concepto articolo descrizione omschrijving beskrivning varubeskrivning opis "
    "towar vare vara".split()
)
_CODE_LABEL = re.compile(r"(?i)\b(?:no|nr|n[º°o]|number|num|code|id|ref|sku)\b|#|\w(?:nr|nummer|number|code)\b")
_PEOPLE_STEMS = frozenset(
    word[:4]
    for word in "speaker presenter host moderator facilitator lecturer trainer teacher instructor panellist "
    "panelist who dozent docente ponente".split()
)
_AFFILIATION_WORDS = frozenset(
    "affiliation company organisation organization employer institution university org firm".split()
)


def _person_object(
    name: str, spec: dict[str, Any], definitions: dict[str, Any], properties: dict[str, Any]
) -> tuple[str, str | None] | None:
    """For a field holding a person as an object (a talk's "speaker": {name, affiliation}), or a list of them:
    the object's name field and its organisation field (None where it has none); None for any other field, and
    for a type no other field of the item (``properties``) holds too."""
    if not lists_people(name):
        return None
    branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
    if branch.get("type") == "array" and isinstance(branch.get("items"), dict):
        branch = branch["items"]
    if isinstance(branch.get("$ref"), str):
        if (
            json.dumps(definitions).count(f'"{branch["$ref"]}"') + json.dumps(properties).count(f'"{branch["$ref"]}"')
            != 1
        ):
            return None  # a type other fields hold too (a moderator's): choices fixed for it would be theirs
        branch = definitions.get(branch["$ref"].rsplit("/", 1)[-1], {})
    fields: dict[str, Any] = branch.get("properties", {}) if branch.get("type") == "object" else {}
    named = [field for field, inner in fields.items() if "name" in name_words(field) and _kind(inner, {}) == "string"]
    if len(named) != 1:
        return None
    affiliated = [field for field in fields if {word.casefold() for word in name_words(field)} & _AFFILIATION_WORDS]
    return named[0], affiliated[0] if len(affiliated) == 1 else None


def _one_person(name: str, spec: dict[str, Any], definitions: dict[str, Any]) -> bool:
    """Whether an item's text field holds one person named for their part ("trainer", "speaker", "host_name";
    not "host_city")."""
    if _kind(spec, definitions) != "string":
        return False
    words = [word.casefold() for word in name_words(name)]
    if words and words[-1] == "name":
        words.pop()
    return bool(words) and (words[-1] in _ONE_PERSON_ROLES or lists_people(words[-1]))


# The parts one person plays for an item, as a field's last word ("trainer", "lead_instructor"; not "lecture",
# "model" or "institution").
_ONE_PERSON_ROLES = frozenset(
    "speaker presenter host moderator facilitator lecturer trainer teacher instructor tutor coach chair panellist "
    "panelist mentor leader".split()
)
_ROLE_CUE = "|".join(
    sorted(_ONE_PERSON_ROLES | {"formateur", "formatrice", "dozent", "dozentin", "docente", "ponente"})
)


def _cued(name: str, piece: str) -> bool:
    """Whether a piece marks ``name`` as a person's: with a title ("Dr. Jane Smith"), as a part of its own with a
    bracket after it ("– Anna Berg (Ferrous Systems)"), in brackets not right after another name (that bracket is
    an organisation's), or after "with", "by" or a role's word ("lead instructor Nina Baumann", "formateur : Julien
    Moreau")."""
    squeezed = " ".join(piece.split())
    if re.match(_TITLE_BEFORE, name) or re.search(rf"{_TITLE_BEFORE}{re.escape(name)}", squeezed):
        return True
    if re.search(rf"(?:^\W*|\s[-–—|·•]+\s){re.escape(name)}\s*\(", squeezed):
        # a part of its own after a dash with its organisation after it: "– Anna Berg (Ferrous Systems)"; not a
        # title after a label's colon, "Module 2: Barrier Management (Ingrid Solberg)"
        return True
    marked = rf"(?i:\(\s*|\b(?:with|by|mit|von|con|par|avec|feat\.?)\s+|\b(?:{_ROLE_CUE})\w*\s*:?\s*)"
    return any(
        not (
            found.group().startswith("(")
            and looks_like_a_name(re.split(r"(?:^|\s)[-–—|·•]+\s|\s{2,}|^\W+", squeezed[: found.start()])[-1].strip())
        )
        for found in re.finditer(rf"{marked}(?:{_TITLE_BEFORE})?{re.escape(name)}", squeezed)
    )


_TITLE_BEFORE = r"(?:\b(?:Dr|Prof|Mr|Mrs|Ms|Mx|Mtra|Ing|Lic|Dott|Prof\.ssa|Dra|Sra|Sr)\.?\s+)"


def _persons_side(siblings: tuple[str, ...], piece: str) -> int | None:
    """Where the other items' lines mark their one person - in the last of their parts that hold names (-1) or
    the first (0) - where all that mark one agree; None where none does."""
    sides: set[int | None] = set()
    for other in siblings:
        if other == piece:
            continue
        parts = [
            part
            for part in _segments(" ".join(other.split()), _MAJOR)
            if re.search(r"[^\W\d_]{3}", part) and not _NUMBERING.fullmatch(part) and not _dated(part)
        ]
        marked = [index for index, part in enumerate(parts) if any(_cued(name, other) for name in _names_written(part))]
        if len(parts) > 1 and len(marked) == 1:
            sides.add(-1 if marked[0] == len(parts) - 1 else 0 if marked[0] == 0 else None)
    return sides.pop() if len(sides) == 1 else None


# Someone named by a title or a role's label alone: "– Dr. Khan", "(Ms Zhang)", "Docente: Leonardo".
_SOMEONE = re.compile(rf"{_TITLE_BEFORE}[A-Z]|(?i:\b(?:{_ROLE_CUE})\w*\s*:\s*)[A-Z]")
# A first name a piece calls someone by after "with" or "by" ("again with Nina."), no surname after it.
_CALLED = re.compile(r"\b(?:with|by)\s+([A-Z][^\W\d_A-Z]+)\b(?![ \t]*[A-Z\d'’-])")
# A description that calls a "name" a title: "The module's name or topic as written".
_A_TITLE = re.compile(r"(?i)^[^.;]*?\b(?:title|topic)\b")


# Words a sentence quotes: "...", “...”, «...», „...“ - not a name someone is known by ("known as the "data
# whisperer"").
_NICKNAMED = re.compile(
    r"(?i)\b(?:known as|called|nicknamed|dubbed|so-called|aka|a\.k\.a\.|the|cover|covers|use|using|why)\s*$"
)
_QUOTED_TITLE = re.compile(r"(?<!\w)[\"“«„]([^\"“”«»„\n]{3,150})[\"”»“](?!\w)")


def _holds_a_title(name: str, spec: dict[str, Any]) -> bool:
    """Whether a field holds an item's title: named for one ("title", "topic", "session"), or a "name" its
    description calls a title or topic (before anything it rules out: "The module's name or topic as written")."""
    words = {word.casefold() for word in name_words(name)}
    if words & _TITLE_WORDS:
        return True
    said = re.split(r"(?i)\b(?:not|without|never)\b", spec.get("description") or "")[0]
    return words == {"name"} and _A_TITLE.search(said) is not None


def _kind_of_list(spec: dict[str, Any]) -> bool:
    branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
    return branch.get("type") == "array"


# What follows a presenter's name to give their organisation: "(Google)", ", Zalando", " from Wolt", " @ Spotify".
_AFTER_NAME = re.compile(
    r"[ \t]*(?:\(([^()\n]{2,80})\)|,[ \t]*([^,;()|\n]{2,80})|[ \t]+(?:from|of|at|@)[ \t]+([^,;()|\n]{2,80}))"
)
# What follows a name and is no organisation: a degree, a length, a floor.
_NO_ORGANISATION = re.compile(
    r"(?i)(?:ph\.?d|m\.?d|mba|msc|bsc|ma|ba|dphil|jr|sr)\.?$|\d+\s*(?:min|mins|minutes|h|hrs?|hours?)\b|"
    r"(?:level|floor|room|stage|hall)\b"
)
# A capitalised word after a presenter's cue: "with Marcus Webb", "by Dr. Ana Ruiz", "Speaker: Tom".
_CUED_NAME = re.compile(
    r"(?:\b(?:with|by|from|feat\.?|par|von|mit|con|avec|of)|(?i:speakers?|presenters?|hosts?|moderators?)\s*:"
    r"|\s[-–—])\s+[A-Z][\w'’-]+\s+[A-Z]"
)
_VENUE_WORDS = frozenset(
    "hall room stage auditorium arena pavilion lounge studio theatre theater tent terrace foyer atrium lobby "
    "ballroom amphitheatre amphitheater aula saal sala salle raum zaal way".split()
)
_SURNAMES_TOO = frozenset({"hall", "way"})
_VENUE_FIRST = frozenset(
    "main grand great conference congress lecture concert exhibition town city event banquet seminar meeting "
    "function plenary east west north south upper lower small large big little old new sports dining".split()
)


def _a_venue(name: str) -> bool:
    """Whether a name-like part names a place instead ("Main Hall", "Auditorium B", "Stage Two"; not "Peter Hall",
    a surname: "hall" and "way" end a place's name after a place's word only)."""
    words = name.casefold().split()
    if not words:
        return False
    if words[-1] in _SURNAMES_TOO:
        return words[0] in _VENUE_FIRST
    return words[0] in _VENUE_WORDS or words[-1] in _VENUE_WORDS


def _affiliations(piece: str, who: str, names: list[str]) -> list[str]:
    """The organisation a piece writes right after a presenter's name, or none: not a time, a venue or another
    person ("Tom Becker (Isovalent), Room 2": Isovalent)."""
    at = piece.find(who)
    if at < 0 or (after := _AFTER_NAME.match(piece, at + len(who))) is None:
        return []
    value = next(group for group in after.groups() if group is not None).strip(" .-–—")
    value = re.split(r"\s+[-–—|]+\s+", value)[0].strip()
    value = re.split(r"\s(?:at|@)\s", value)[-1].strip()  # a role before its organisation: "Senior Engineer at X"
    if (
        not value
        or _a_venue(value)
        or value in names
        or _TIME_FIRST.match(value)
        or facts_of(value).times
        or _NO_ORGANISATION.match(value)
    ):
        return []
    return [value]


# A label that numbers an item: "Day 1", "Modul 2", "Week 3–4", "Séance 1" - in English and the languages
# programmes are most often written in besides.
_NUMBERED_PARTS = frozenset(
    "module modul módulo modulo day tag día jour giorno dag week woche semana semaine settimana session séance sesión "
    "sessione sitzung sessie part teil parte partie lesson lektion lección leçon lezione les unit einheit unidad "
    "unité unità block chapter kapitel capítulo chapitre capitolo step schritt paso étape round runde class clase "
    "lecture vorlesung workshop talk track seminar".split()
)
_NUMBERING = re.compile(r"\W*([^\W\d_]+)\.?\s+\d{1,3}(?:\s*[-–]\s*\d{1,3})?\b")


def _numbering(part: str, siblings: tuple[str, ...]) -> bool:
    """Whether ``part`` opens with a label numbering its item, one other items write with their own numbers
    ("Modul 1 – Rolle ..." beside "Modul 2 – ..."): a word for a part of a course or a programme ("Day", "Séance",
    "Woche"), not a name with its number ("Calculus 2", "Physics 101", "Level 1 Food Safety")."""
    found = _NUMBERING.match(part)
    if (
        found is None
        or found.group(1).casefold() not in _NUMBERED_PARTS
        or not re.match(r"\s*(?:$|[-–—:·|.)/])", part[found.end() :])
    ):
        return False
    again = re.compile(rf"(?i)(?<!\w){re.escape(found.group(1))}\.?\s+\d")
    return sum(1 for other in siblings if again.search(other)) >= 2


def _a_length(choice: str) -> bool:
    """Whether a choice is a length of time and nothing else ("12 hrs", "3 horas", "90 minutes")."""
    lengths = facts_of(choice).durations
    return bool(lengths) and lengths[0].start == 0 and lengths[0].end >= len(choice.rstrip(" ."))


def _dated(choice: str) -> bool:
    """Whether a choice writes a date ("Wed 8 Oct 2025 – Numbers"): an item's date, not its title."""
    facts = facts_of(choice)
    return bool(facts.dates or facts.days)


def _segments(line: str, pattern: re.Pattern[str] = _SEGMENT) -> list[str]:
    return [line[start:end] for start, end in _segment_spans(line, pattern)]


def _segment_spans(line: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where the parts of ``line`` between ``pattern``'s breaks stand, each without a time it opens with."""
    spans, start = [], 0
    for end, after in [*((match.start(), match.end()) for match in pattern.finditer(line)), (len(line), len(line))]:
        low, high = start, end
        while low < high and line[low] in " -–—,;":
            low += 1
        if (clock := _TIME_FIRST.match(line[low:high])) is not None:
            low += clock.end()
        while high > low and line[high - 1] in " .-–—":
            high -= 1
        if low < high:
            spans.append((low, high))
        start = after
    return spans


# The parts between dashes, colons, quotes, brackets, wide spaces and bars; the names in one ("Ana Ruiz & Tom Li").
# Markdown's emphasis around words ("**Keynote:**", "*Dr. Wanjiru Kamau*"): no part of any value.
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![\w*])")


def _plain(piece: str) -> str:
    return _EMPHASIS.sub("", piece)


_MOST_PARTS = 16  # a title is one of a line's first parts, or a run of up to four of them
_BRACKETED = re.compile(r"\(\s*[^)\s]")
_MAJOR = re.compile(r"\s+[-–—·•]+\s+|:\s+|[\"“”«»]|\s*\(|\)|\s{2,}|\s+\|\s+")
_TITLE_BREAK = re.compile(rf"{_MAJOR.pattern}|,\s+|{_LEADER.pattern}")  # and a leader's dots: "Talk ...... Hall A"
_NAMES_APART = re.compile(r"\s*(?:,|&|\+|\band\b)\s*")
_JOINED = re.compile(r"\s*(?:&|\+|\band\b|\bund\b|\bet\b|\bwith\b|\bw/)\s*")


def _without_lower_words(chunk: str) -> str:
    """A chunk without the words in lower case around a name ("with Sofia Almeida", "moderated by Pedro Nunes",
    "Jonathan Adeyemi in conversation"; a particle inside a name stays: "Pieter van der Merwe")."""
    words = chunk.split()
    while words and (words[0][:1].islower() or not words[0][:1].isalnum()):
        words.pop(0)
    while words and (words[-1][:1].islower() or not words[-1][:1].isalnum()):
        words.pop()
    return " ".join(words)


# A name after a word that introduces it: "Talk by", "kick-off from", "chat with" (not "10 Lessons from").
_INTRODUCED = re.compile(r"^(?:\S+|.*\s[^\W\d_A-Z]\S*)\s+(?:from|by|with)\s+(.+)$")
_QUOTED_PART = re.compile(r"[\"“«][^\"”»]*[\"”»]")


def _names_written(line: str) -> list[str]:
    """The people's names a line writes: between its commas, names joined by "&" or "and" ("Hannah Schmidt &
    Luca Bianchi", "Marcus Webb, Senior Engineer"), and names after "from", "by" or "with" ("kick-off from
    Hiroshi Tanaka") - not a title's words in capitals ("Welcome & Opening Remarks")."""
    found = []
    for part in _segments(_QUOTED_PART.sub(" - ", line), _MAJOR):  # a quoted part is a title's
        for chunk in re.split(r"[,;]", part):
            names = [name for name in map(_without_lower_words, _JOINED.split(chunk.strip())) if name]
            if names and all(looks_like_a_name(name) for name in names):
                found += names
        if (introduced := _INTRODUCED.search(part)) is not None:
            found += [name for name in _NAMES_APART.split(introduced.group(1)) if looks_like_a_name(name)]
    return found


# A time at the start of a part of a line ("09:15 Welcome", "6:00 PM Doors", "9h00 Mot de bienvenue"; not the
# number of "10 Lessons from Scaling Kafka").
_CLOCK_TIME = r"\d{1,2}(?:[:.h]\d{2}(?:\s*[ap]\.?m\.?)?|\s*[ap]\.?m\.?)"
_TIME_FIRST = re.compile(
    # (after a word for "at" some languages write first: "ore 9.00", "um 9:30", "kl. 10.15", "à 14h")
    r"^\s*(?:(?:ore|um|kl\.?|klo|om|à|a las|alle|dalle|at)\s+)?"
    rf"(?:{_CLOCK_TIME}(?:\s*[-–]\s*(?:{_CLOCK_TIME}|\d{{1,2}}))?|\d{{1,2}}\s*[-–]\s*{_CLOCK_TIME})(?:\s+|$)",
    re.IGNORECASE,
)


def _name_words(value: str) -> set[str]:
    """A name's words in capitals, without its particles ("María de la Fuente": maría, fuente)."""
    return {word.casefold() for word in re.findall(r"[^\W\d_]{2,}", value) if word[0].isupper()}


def _words_in(inner: str, outer: str) -> bool:
    """Whether ``outer`` writes ``inner`` as whole words (or is it)."""
    return re.search(rf"(?<!\w){re.escape(inner.casefold())}(?!\w)", outer.casefold()) is not None


def _cell_choices(piece: str, text: str, item: CompiledSchema, narrowed: dict[str, Any]) -> dict[str, list[Any]]:
    """Choices from a table row's cells ("Time: 09:20 | Room: Auditorium | Session: Typing Python at scale |
    Speaker(s): Mikko Laine (Wolt)"): a text field takes words of the cell under the column its name names, a
    list of texts that cell's values ("Olli Heikkinen, Emma Järvinen"); a field no column names takes words of
    the cells no field claims (the "Session" of a title), an optional one none where the required fields take
    them all - and a field whose column this row leaves empty stays out."""
    pairs = labelled_cells(piece)
    if not pairs:
        return {}
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    definitions: dict[str, Any] = item.model_schema.get("$defs", {})
    required = set(item.model_schema.get("required", []))
    # A word any field may end with ("name") tells no column apart: "Session name" is not a venue_name's.
    stems = {name: _word_stems(" ".join(name_words(name))) - {"name"} for name in properties}
    own_stems = {name: set(own) for name, own in stems.items()}
    titles = {
        name for name, spec in properties.items() if _kind(spec, definitions) == "string" and _holds_a_title(name, spec)
    }
    for name, spec in properties.items():  # a column named for what the field holds: "Speaker", "Session", "Room"
        words = {word.casefold() for word in name_words(name)}
        if _person_object(name, spec, definitions, properties) is not None or _one_person(name, spec, definitions):
            stems[name] |= _PEOPLE_STEMS - {"who"}
        elif _kind(spec, definitions) == "string" and words & _TITLE_WORDS:
            stems[name] |= _TITLE_STEMS - _PEOPLE_STEMS  # a "Presenter" column is no "presentation"
        elif name in titles:
            # an item's name that is its title: under "Topic", "Session", else "Module" (the item's own kind; not
            # where a "Thema" column holds it beside a "Modul" one of numbers)
            own = _word_stems(" ".join(name_words(item.model.__name__)))
            titled_column = any(_word_stems(label) & _TITLE_STEMS for label, _ in pairs if label)
            stems[name] |= (_TITLE_STEMS | (set() if titled_column else own)) - _PEOPLE_STEMS
        elif _kind(spec, definitions) == "string" and words & {"location", "venue", "place", "where"}:
            stems[name] |= _PLACE_STEMS
        elif _kind(spec, definitions) == "string" and words & {"room"}:
            stems[name] |= {"sall", "sala", "raum", "lieu"}  # a room's column in French, Spanish, German
        elif _kind(spec, definitions) == "string" and words & _PRODUCT_WORDS:
            stems[name] |= _PRODUCT_STEMS  # "Item", "Bezeichnung", "Désignation", "Descripción"

    def claimant(label: str) -> str | None:
        said = _word_stems(label) - (_PRODUCT_STEMS if _CODE_LABEL.search(label) else set())  # "Item no." is a code's
        scores = {name: len(said & own) for name, own in stems.items()}
        best = max(scores.values(), default=0)
        winners = [name for name, score in scores.items() if score == best]
        return winners[0] if best and len(winners) == 1 else None

    # Each field's column: the first that names it, one naming the field's own word before one naming it another
    # way ("| Item | Description |": the description's column is "Description").
    column_of: dict[str | None, str] = {}
    for label in reversed(columns_of(text, [label for label, _ in pairs])):
        if (claimed := claimant(label)) is None or not (
            claimed in column_of
            and _word_stems(column_of[claimed]) & own_stems[claimed]
            and not _word_stems(label) & own_stems[claimed]
        ):
            column_of[claimed] = label
    cell = {label: value for label, value in pairs if label}
    free = [value for label, value in pairs if not label or claimant(label) is None]
    loose = [name for name in properties if name not in column_of and _kind(properties[name], definitions) == "string"]
    fixed: dict[str, list[Any]] = {}
    for name, spec in properties.items():
        if (person := _person_object(name, spec, definitions, properties)) is not None:
            # A presenter as an object: the first name the cell under a people's column writes ("Speaker: Prof.
            # Henrik Vos, TU Delft"), without a title, and the organisation after it; none for an empty cell.
            held = [value for label, value in pairs if label and claimant(label) == name]
            who = [found for value in held[:1] for found in _names_written(value) if not _a_venue(found)]
            if held and not who:
                fixed[name] = []
            elif who:
                inner, affiliated = person
                fixed[f"{name}.{inner}"] = [without_titles(who[0])]
                if affiliated is not None:
                    fixed[f"{name}.{affiliated}"] = _affiliations(held[0], who[0], [])
            continue
        kind = _kind(spec, definitions)
        if kind is None:
            continue
        if _one_person(name, spec, definitions) and name in column_of:
            # One person per item ("Trainer"): the cell's first name, without a title; none for an empty cell.
            written = (cell.get(column_of[name]) or "").strip()
            who = [found for found in _names_written(written) if not _a_venue(found)]
            if who:
                fixed[name] = [without_titles(who[0])]
            else:  # a first name alone, "BOATENG, Ama": the cell as written; "–", "TBC": no one
                fixed[name] = [written] if re.search(r"[^\W\d_]{2}", written) and not written.isupper() else []
            continue
        if name in column_of:
            value = cell.get(column_of[name])
            if value is None:  # the row leaves this column empty
                fixed |= {name: []} if name not in required else {}
            elif kind == "string" and _WITH_VARIANT.search(spec.get("description") or "") and _safe_cell(value, spec):
                fixed[name] = [value]  # a product with its variant: the cell whole ('Table lamp "Kväll", oak/linen')
            elif kind == "strings":
                fixed[name] = [_cell_values(value)] if _cell_values(value) else []
            elif within := [choice for choice in _enum_of(narrowed.get(name, {})) if choice in value]:
                # The cell whole first ("Hex bolt M10x40, DIN 933, zinc plated"), then what the text offers of it
                # (a cell the field is offered nothing of leaves its choices as they are).
                whole = [value] if kind == "string" and _safe_cell(value, spec) else []
                if name in titles:
                    # A title's cell: the words it quotes, else those after a kind's label ("Keynote d'ouverture :
                    # « Sobriété numérique, mode d'emploi »", "Atelier : Mesurer l'empreinte de son site web").
                    # (a quote that ends the cell: not the "move fast" of 'Why "move fast" fails')
                    quoted = [
                        found.group(1).strip()
                        for found in _QUOTED_TITLE.finditer(value)
                        if not value[found.end() :].strip(" .!?")
                    ]
                    labelled = re.match(r"^[^:\d]{1,30}?\s*:\s+(?=\S)", value)
                    after = (
                        [value[labelled.end() :].strip()] if labelled and _names_a_kind(labelled.group(), item) else []
                    )
                    whole = [part for part in (*quoted, *after) if part in piece] + whole
                fixed[name] = list(dict.fromkeys(whole + within))
        elif kind == "string":
            if name not in required and len(free) <= sum(1 for other in loose if other in required):
                fixed[name] = []  # the cells no column claims are the required fields'
            else:
                fixed[name] = [
                    choice for choice in _enum_of(narrowed.get(name, {})) if any(choice in value for value in free)
                ]
    return {name: values for name, values in fixed.items() if values or name not in required}


# Kinds of session a title's label names, besides the item's own choices: "Atelier :", "Table ronde :", "Vortrag:".
_KIND_WORDS = frozenset(
    "keynote talk panel workshop demo tutorial masterclass lightning fireside atelier ronde conférence "
    "taller ponencia redonda vortrag podiumsdiskussion diskussion seminar".split()
)


def _names_a_kind(label: str, item: CompiledSchema) -> bool:
    """Whether a title's leading label names a kind of session ("Keynote d'ouverture :", "Live demo:"), a value of
    the item's choice fields or a kind's word, not a title's first half ("dbt at scale: lessons from 400 models")."""
    kinds = {
        word
        for field, spec in item.model_schema.get("properties", {}).items()
        if {word.casefold() for word in name_words(field)} & {"kind", "type", "format", "category"}
        for value in _enum_of(spec)
        if isinstance(value, str)
        for word in re.split(r"[\s_-]+", value.casefold())
        if len(word) >= 3
    }
    words = {word.casefold() for part in label.split() for word in re.findall(r"[^\W\d_]+", part)}
    return len(label.strip(" :").split()) <= 2 and bool(words & (kinds | _KIND_WORDS))  # not "Talk to your data:"


def _safe_cell(value: str, spec: dict[str, Any]) -> bool:
    """Whether a cell can be offered whole: within the field's length bounds, and closing the brackets it opens."""
    branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
    bounded = branch.get("minLength", 1) <= len(value) <= branch.get("maxLength", 300)
    return bounded and value.count("(") == value.count(")") and '"' not in value and "\\" not in value


def _word_stems(words: str) -> set[str]:
    return {word.casefold()[:4] for word in re.findall(r"[^\W\d_]{3,}", words)}


def _kind(spec: dict[str, Any], definitions: dict[str, Any]) -> str | None:
    """ "string" for a field of any text, "strings" for a list of them, None for any other."""
    branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
    if isinstance(branch.get("$ref"), str):
        branch = definitions.get(branch["$ref"].rsplit("/", 1)[-1], {})
    plain = {"enum", "const", "format", "pattern"}
    if branch.get("type") == "string" and not plain & branch.keys():
        return "string"
    items = branch.get("items")
    if branch.get("type") == "array" and isinstance(items, dict) and _kind(items, definitions) == "string":
        return "strings"
    return None


def _cell_values(cell: str) -> list[str]:
    """The values one cell lists, without what brackets add ("Daniel Lim (mod.), Siti Rahman & Chris Ong")."""
    bare = re.sub(r"\s*\([^)]*\)?", "", cell)
    parts = (part.strip(" .-–—") for part in re.split(r"\s*(?:[,;/&+]|\band\b)\s*", bare))
    return [part for part in parts if re.search(r"[^\W\d_]", part)]


_CLOCK = re.compile(r"(\d{2}):(\d{2})(.*)")


def _clocked(spec: dict[str, Any]) -> bool:
    """Whether a field holds a time of day (``format: time``, or a pattern "12:30" fits)."""
    branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
    pattern = branch.get("pattern")
    try:
        return branch.get("format") == "time" or bool(isinstance(pattern, str) and re.search(pattern, "12:30"))
    except re.error:  # a pattern Python cannot read ("\p{Lu}")
        return False


def _later_in_the_day(items: list[dict[str, Any]], item: CompiledSchema) -> None:
    """Times of a programme written on a 12-hour clock without "pm" set right in place: "12:30 Lunch", then
    "1.30 Swarm robotics" is 13:30 - a time of 1 to 7 o'clock read earlier than the item before it."""
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    for name, spec in properties.items():
        branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
        clocked = _clocked(branch)
        times = [_CLOCK.fullmatch(str(read.get(name, ""))) for read in items]
        if not clocked or any(clock and int(clock.group(1)) >= 13 for clock in times):
            continue  # a programme on a 24-hour clock writes its afternoon so
        days = {str(read.get(field)) for read in items for field in properties if "date" in field.casefold()}
        if len(days) > 1:
            continue  # items of several days (flights): an earlier time may be the next day's
        previous: tuple[int, int] | None = None
        for read in items:
            clock = _CLOCK.fullmatch(str(read.get(name, "")))
            if clock is None:
                continue
            hour, minute = int(clock.group(1)), int(clock.group(2))
            if previous is not None and 1 <= hour <= 7 and (hour, minute) < previous <= (hour + 12, minute):
                hour += 12
                read[name] = f"{hour:02d}:{minute:02d}{clock.group(3)}"
            previous = (hour, minute)


# A field's description that gives one value to every item: "If the text gives one place for all lessons, that
# place for every lesson".
_FOR_EVERY = re.compile(r"(?i)\b(?:for|to) (?:every|all) (?!other\b)")


def _for_every(item: CompiledSchema) -> list[str]:
    """The item's fields whose description says one value the text states once stands for every item."""
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    return [
        name
        for name, spec in properties.items()
        if _FOR_EVERY.search(spec.get("description") or "")
        and _kind(spec, {}) == "string"  # a place, a name: not "talk for every other talk", not a count
        and name not in item.model_schema.get("required", [])
    ]


def _named_for_all(outside: str, name: str) -> str | None:
    """The one person the lines around the items name after the field's word ("Your trainer for all three days is
    Dr. Gareth Hughes", "Trainerin: Dr. Sabine Krüger"), or as leading all of them ("All sessions are led by Dr.
    Gareth Hughes"), without titles; None where they name none or several ("Trainers: Ana Ruiz and Ben Ode")."""
    roles = {word.casefold() for word in name_words(name) if word.casefold() != "name"}
    for group in _SAME_ROLE:  # "Facilitator:", "Dozentin:" for a trainer
        roles |= group if roles & group else set()
    found: set[str] = set()
    for sentence in _sentences(outside):
        sentence = sentence.strip().rstrip(".!?")
        for word in re.finditer(r"[^\W\d_]+", sentence):
            said = word.group().casefold()
            if any(said == role or (said.startswith(role) and said[len(role) :] in _ROLE_ENDINGS) for role in roles):
                # up to the next label: "Trainer: TBC. Course director: Ana Ruiz" names no trainer
                after = _NEXT_LABEL.split(sentence[word.end() :], maxsplit=1)[0]
                found |= {without_titles(who) for who in _names_written(after) if not _a_venue(who)}
                break
        else:
            if _FOR_ALL.search(sentence) and (led := _LED_BY.search(sentence)):
                found |= {without_titles(who) for who in _names_written(led.group(1)) if not _a_venue(who)}
    return found.pop() if len(found) == 1 else None


# Words for one part a person plays, in English and the languages programmes are most often written in besides.
_SAME_ROLE = (
    frozenset(
        "trainer instructor teacher tutor lecturer facilitator coach formateur formatrice dozent docente "
        "referent ponente".split()
    ),
    frozenset("speaker presenter referent ponente intervenant orateur sprecher".split()),
)
_ROLE_ENDINGS = frozenset({"", "s", "in", "innen", "es"})  # "Trainerin", "trainers"; not "Training", "Hosted"
_NEXT_LABEL = re.compile(r"\s[^\W\d_][\w-]*(?: [\w-]+)?\s*:\s")
_FOR_ALL = re.compile(r"(?i)\b(?:all|every|each|both)\b")
_LED_BY = re.compile(r"(?i:\b(?:led|taught|run|given|delivered|presented|facilitated|hosted)\s+by)\s+(.{3,80})")


def _lacked(items: list[dict[str, Any]], name: str) -> bool:
    """Whether most items lack a field (a moved lesson may have a time of its own)."""
    return sum(name in read for read in items) * 2 < len(items)


def _outside(text: str, found: list[str]) -> str:
    """The lines of ``text`` that no piece holds (every word of the line in one piece): the items' heading and the
    notes around them ("Lectures are on Tuesdays, 10:00–11:30")."""
    held = [set(re.findall(r"\w+", piece)) for piece in found]
    return "\n".join(
        line
        for line in text.splitlines()
        if not ((words := set(re.findall(r"\w+", line))) and any(words <= piece for piece in held))
    )


def _stated_once(outside: str) -> str:
    """The lines around the items that can state what holds for all of them: those writing a time of day ("Lectures
    are on Tuesdays, 10:00–11:30, in Manning Clark Hall") and those opening with a short label ("Where: Tasting
    Room"); all of them where there are none such."""
    facts = facts_of(outside)
    timed = {outside.count("\n", 0, found.start) for found in facts.times}
    lines = outside.splitlines()
    kept = [line for index, line in enumerate(lines) if index in timed or _SHORT_LABEL.match(line)]
    return "\n".join(kept) or outside


_SHORT_LABEL = re.compile(r"^\s*[^\W\d_][\w ]{0,20}:\s+\S")


def _common_times(items: list[dict[str, Any]], outside: str, item: CompiledSchema) -> dict[str, Any]:
    """The times most items lack, from the one range of times (or the one time) written outside them: "Lectures
    are on Tuesdays, 10:00–11:30" starts every lecture at 10:00 (its end, the item's next time of day) and makes
    it 90 minutes long."""
    properties: dict[str, Any] = item.model_schema.get("properties", {})
    clocked = [name for name, spec in properties.items() if _clocked(spec)]
    lasting = {
        name: unit
        for name, spec in properties.items()
        if (unit := unit_of(name))
        and any(branch.get("type") in ("integer", "number") for branch in spec.get("anyOf", [spec]))
    }
    if not clocked or not all(_lacked(items, name) for name in clocked):
        return {}  # items with times of their own (flights, talks): a time around them is not theirs
    facts = facts_of(outside)
    ranges = {(first.value, last.value, seconds) for first, last, seconds in facts.time_ranges}
    values: dict[str, Any] = {}
    if len(ranges) == 1:
        ((start, end, seconds),) = ranges
        values |= dict(zip(clocked, (start, end), strict=False))
        values |= {name: round(seconds / unit) for name, unit in lasting.items()}
    elif clocked and len({found.value for found in facts.times}) == 1:
        values[clocked[0]] = facts.times[0].value
    return {name: value for name, value in values.items() if _lacked(items, name)}


def _with_common(read: dict[str, Any], common: dict[str, Any], item: CompiledSchema) -> dict[str, Any]:
    """An item with the values stated once for all that it lacks (a time as its pattern writes it: "10:00")."""
    for name, value in common.items():
        if name in read:
            continue
        for form in (value, value[:5]) if isinstance(value, str) and _CLOCK_VALUE.fullmatch(value) else (value,):
            if _valid(item, {**read, name: form}):
                read = {**read, name: form}
                break
    return read


_CLOCK_VALUE = re.compile(r"\d{2}:\d{2}:\d{2}")


def _subset(item: CompiledSchema, names: list[str]) -> CompiledSchema:
    """The item's type holding only ``names``, as a schema of its own (the item itself if that is all of it)."""
    if list(item.model.model_fields) == names:
        return item
    model = _with_fields(item.model, names)
    return replace(
        item,
        name=f"{item.name}-{'-'.join(names)}",
        content_hash=f"{item.content_hash}-{'-'.join(names)}",
        json_schema=model.model_json_schema(),
        model_factory=lambda: model,
    )


_CELL_HEADING = re.compile(r"^[^\W\d_][\w ()/.-]{0,30}: ")


def _place_in(text: str, piece: str) -> tuple[int, int]:
    """Where ``text`` writes ``piece`` (its start, and its start and the piece's length on), or the longest part of
    its first line that it writes (a grid's cell: a time repeats from day to day, a title does not); -1, -1 if
    none."""
    parts = re.split(r" \| | — ", piece.strip().splitlines()[0]) if piece.strip() else []
    for part in (piece.strip(), *sorted(parts, key=len, reverse=True)):
        if part and (place := text.find(part[:40])) >= 0:
            return place, place + len(piece)
    # A table's row read as "Heading: cell | ...": the line the table writes it on, found by its longest cell.
    cells = [cell for part in parts if (cell := _CELL_HEADING.sub("", part, count=1)) != part]
    for cell in sorted(cells, key=len, reverse=True):
        if (place := text.find(cell[:40])) >= 0:
            end = text.find("\n", place)
            return text.rfind("\n", 0, place) + 1, len(text) if end < 0 else end
    return -1, -1


def _ends(part: Part, items: list[dict[str, Any]]) -> dict[str, str]:
    """The object's dates its description says are its first or last item's ("The date the course starts (its
    first lesson)"): the earliest or latest date of the items read."""
    nouns = {_singular(word.casefold()) for word in (*name_words(part.name), *name_words(part.item.model.__name__))}
    dated = _date_fields(part.item)
    days = sorted(item[name] for item in items for name in dated[:1] if isinstance(item.get(name), str))
    ends: dict[str, str] = {}
    for name in _date_fields(part.rest) if days else []:
        description = part.rest.model_schema["properties"][name].get("description") or ""
        # What it says the date is, not what it rules out ("The event's last day ... Not a session's day").
        said = _stems_of(re.split(r"(?i)(?:^|[.;(]\s*)(?:not|omit|leave|never|unless)\b", description, maxsplit=1)[0])
        if not nouns & said:
            continue  # not said of the items
        if "first" in said:
            ends[name] = days[0]
        elif "last" in said:
            ends[name] = days[-1]
    return ends


def _stems_of(description: str) -> set[str]:
    """A description's words, lower case and singular."""
    return {_singular(word) for word in re.findall(r"[^\W\d_]+", description.casefold())}


# A mail's subject line: a heading, though a label opens it.
_SUBJECT = re.compile(r"(?i)[ \t]*(?:subject|betreff|asunto|objet|oggetto|onderwerp|ämne|emne|temat)[ \t]*:")
_ONE_DAY = re.compile(r"(?i)\b(?:one|single)[- ]day\b")


def _in_the_heading(text: str, found: Found) -> bool:
    """Whether a date stands in the text's first five lines, on one that is no sentence ("Mittwoch, 14. Mai 2025 |
    Kongresshalle, Pfaffendorfer Str. 31"; not "Tickets sold out on 14 March 2025, thanks to all of you.")."""
    line_start = text.rfind("\n", 0, found.start) + 1
    if len([line for line in text[:line_start].splitlines() if line.strip()]) >= 5:
        return False
    line_end = text.find("\n", found.end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return not re.search(r"[^\W\d_]{2}[.!?](?:\s+[A-Z]|$)|[.!?]$", line)


def _heading_date(text: str, found: Found) -> bool:
    """Whether a date stands on a line of its own, with three words or fewer beside it ("Day 2 - Friday")."""
    line_start = text.rfind("\n", 0, found.start) + 1
    line_end = text.find("\n", found.end)
    if (len(text) if line_end < 0 else line_end) - line_start > 80:
        return False  # a heading is short
    rest = text[line_start : found.start] + " " + text[found.end : len(text) if line_end < 0 else line_end]
    return len(re.findall(r"[^\W_]+", rest)) <= 3 and not re.search(r"[.!?]\s", rest)


def _place_of(value: str, piece: str) -> int:
    """Where ``piece`` writes ``value``, or a time without its leading zero ("06:40" as "6:40 AM"); -1 if not."""
    place = piece.find(value)
    return piece.find(value.lstrip("0")) if place < 0 and value.startswith("0") else place


def _label_before(text: str, found: Found) -> str:
    """The words before a value on its line up to a colon ("Departure: 22 Mar 2025" -> "Departure"), or ""."""
    line = text[text.rfind("\n", 0, found.start) + 1 : found.start]
    return line.rsplit(":", 1)[0].rsplit("|", 1)[-1] if ":" in line else ""


def _labelled_at(text: str, found: Found) -> bool:
    """Whether a value stands after a label on its line ("Date of Issue: 15JAN2025"): another field's, not a
    heading's."""
    line_start = text.rfind("\n", 0, found.start) + 1
    return ":" in text[line_start : found.start]


def _named_choices(read: dict[str, Any], piece: str, item: CompiledSchema) -> dict[str, Any]:
    """An item's choices the model left out where its piece names exactly one of them ("09:00 Workshop: Signals
    from Scratch" is a workshop): a small model given a null beside the one named choice takes the null."""
    named: dict[str, Any] = {}
    for name, spec in item.model_schema.get("properties", {}).items():
        values = _enum_of(spec)
        if name in read or not values:
            continue
        if len(found := mentioned(values, piece)) == 1:
            named[name] = found[0]
            continue
        # Else the words its description gives a choice ("panel for panels, round tables and fireside chats"),
        # else the choice it gives everything else ("talk for every other talk").
        words, default = _described_choices(spec.get("description") or "", values)
        said = {value for value, phrases in words.items() for phrase in phrases if _says(piece, phrase)}
        if len(said) == 1:
            named[name] = said.pop()
        elif not said and not found and default is not None:
            named[name] = default
    return named


def _described_choices(description: str, values: list[Any]) -> tuple[dict[Any, list[str]], Any]:
    """What a choice's description says each value is for ("panel for panels, panel discussions and round
    tables; workshop for workshops, tutorials"): the words per value, without remarks in brackets, and the value
    for everything else ("talk for every other talk"), if any."""
    strings = {str(value): value for value in values if isinstance(value, str)}
    if not strings:
        return {}, None
    alternatives = "|".join(re.escape(value) for value in sorted(strings, key=len, reverse=True))
    words: dict[Any, list[str]] = {}
    default = None
    for clause in re.split(r";|\.\s", description):
        found = re.search(rf"(?i)\b({alternatives}) for (.+)$", clause.strip())
        if found is None:
            continue
        value, said = strings[found.group(1)], re.sub(r"\([^)]*\)", "", found.group(2))
        if re.match(r"(?i)(?:every|all|any) other\b|anything else\b", said):
            default = value
            continue
        phrases = (re.sub(r"(?i)^(?:any|all|every|the)\s+", "", part.strip(" .")) for part in _LIST_SPLIT.split(said))
        words[value] = [phrase for phrase in phrases if phrase]
    return words, default


_LIST_SPLIT = re.compile(r",|\band\b|\bor\b")


def _says(piece: str, phrase: str) -> bool:
    """Whether a piece writes a phrase as words, in the singular or plural ("round table" for "round tables")."""
    stem = re.escape(_singular(phrase.casefold()))
    return re.search(rf"(?i)\b{stem}(?:e?s)?\b", piece) is not None


def _enum_of(spec: dict[str, Any]) -> list[Any]:
    for branch in spec.get("anyOf", [spec]):
        if isinstance(branch.get("enum"), list):
            return list(branch["enum"])
    return []


class NestedReader:
    """The small profile's ``ObjectReader``: a schema's one array of objects read a piece at a time, and each
    object field read again from the line that holds it."""

    def applies_to(self, schema: CompiledSchema) -> bool:
        return nested_part(schema) is not None or bool(nested_objects(schema)) or bool(_top_address(schema))

    async def read(
        self, schema: CompiledSchema, text: str, ask: Ask
    ) -> AsyncGenerator[dict[str, Any] | BaseModel, None]:
        """Each step's progress (``{name: [items so far]}``, ``{name: object}``), then the object."""
        # An export's rows, a PDF's cells, columns set apart by spaces: read as a table's.
        text = cell_per_line_tables(spaced_tables(comma_tables(text)))
        whole: BaseModel | None = None
        async with aclosing(self._with_items(schema, text, ask)) as steps:
            async for step in steps:
                if isinstance(step, BaseModel):
                    whole = step
                else:
                    yield step
        assert whole is not None
        data = whole.model_dump(mode="json", exclude_none=True)
        changed = False
        for member in nested_objects(schema):
            value = data.get(member.name)
            strings = [inner for inner in value.values() if isinstance(inner, str)] if isinstance(value, dict) else []
            parts = _member_address(text, member, strings, read=isinstance(value, dict))
            if parts is not None:  # an address, its parts told apart by where they stand: no call
                # The fields that are no part of an address (a phone, an email) stay as the model read them.
                named = addresses.roles(member.schema.model_schema.get("properties", {}))
                kept = {key: inner for key, inner in (value or {}).items() if key not in named}
                parts = {**kept, **parts} if _valid(member.schema, {**kept, **parts}) else parts
                data[member.name] = parts
                changed = True
                yield {member.name: parts}
                continue
            piece = home_line(text, strings) if strings else None
            if piece is None:
                continue
            # Read again from its own line, an address no longer takes words from the rest of the text.
            try:
                again = await ask("one", piece, schema=member.schema)
            except ExtractionFailed:
                continue
            data[member.name] = again.model_dump(mode="json", exclude_none=True)
            changed = True
            yield {member.name: data[member.name]}
        if changed:
            try:
                whole = settle(schema.model.model_validate(data, context={"text": text}), text)
            except ValidationError:
                pass  # the object as first read
        if named := _top_address(schema):
            # A listing's own address fields ("street", "city", "postal_code"): the address read apart, as above -
            # and not settled again, where a whole-address field would lose the street it begins with.
            data = whole.model_dump(mode="json", exclude_none=True)
            strings = [value for field, value in data.items() if field in named and isinstance(value, str)]
            rest = {field: value for field, value in data.items() if field not in named}
            parts = _address(
                text,
                named,
                [],
                _stems("address location"),
                strings,
                read=bool(strings),
                valid=lambda parts: _valid(schema, {**rest, **parts}),
                first=True,  # a listing's own address comes before its agent's
            )
            if parts is not None:
                parts = {**{field: data[field] for field in named if field in data}, **parts}  # a country kept
                try:
                    whole = schema.model.model_validate({**rest, **parts}, context={"text": text})
                except ValidationError:
                    pass  # the schema's own checks (from_text) refuse it: the object as read
                else:
                    yield parts
        yield whole

    async def _with_items(
        self, schema: CompiledSchema, text: str, ask: Ask
    ) -> AsyncGenerator[dict[str, Any] | BaseModel, None]:
        part = nested_part(schema)
        laid = pieces(text, part.item, part.about, part.others, optional=not part.required) if part else []
        # What the array's description leaves out ("Leave out breaks, coffee, meals ...") is no item.
        found = [
            _plain(piece)
            for piece in laid
            if not (part and (_left_out_piece(piece, part.left_out) or _cancelled(piece, part.item))) or _moved(piece)
        ]
        if part is None or (not found and part.required):
            yield await ask("one", text)
            return
        # A value the text states once for every item ("in Manning Clark Hall", where the description says so) is
        # every item's, not read again from each piece (which offers none: the model would take any of its words).
        once: dict[str, Any] = {}
        described = _for_every(part.item)
        around = _outside(text, laid)
        # ... and one person named for all of them ("Your trainer for all three days is Dr. Gareth Hughes"): each
        # item's own where its piece names one, that person's where it names none.
        definitions: dict[str, Any] = part.item.model_schema.get("$defs", {})
        properties: dict[str, Any] = part.item.model_schema.get("properties", {})
        everyone = {
            name: who
            for name in described
            if _one_person(name, properties[name], definitions) and (who := _named_for_all(around, name))
        }
        described = [name for name in described if not _one_person(name, properties[name], definitions)]
        stated = _stated_once(around) if described else ""
        if stated.strip():  # where every line is an item, nothing is stated around them
            try:
                read_once = await ask("one", stated, schema=_subset(part.item, described))
            except ExtractionFailed:
                pass  # nothing stated once: each item read as usual
            else:
                once = read_once.model_dump(mode="json", exclude_none=True)
        each = _subset(part.item, [name for name in part.item.model.model_fields if name not in once])
        items: list[dict[str, Any]] = []
        for piece in found:
            choices = piece_choices(piece, text, part.item, tuple(found))
            try:
                item = await ask("one", piece, {key: choices[key] for key in choices if key not in once}, schema=each)
            except ExtractionFailed:
                continue  # a piece laid out like an item that holds none (a note, a total)
            read = item.model_dump(mode="json", exclude_none=True)
            read |= _named_choices(read, piece, each)
            read = _with_common(read, once | everyone, part.item)
            if read not in items:  # the same item twice is one item read twice
                items.append(read)
                yield {part.name: list(items)}
        _later_in_the_day(items, part.item)
        # The times stated once for every item: "Lectures are on Tuesdays, 10:00–11:30".
        if items and (common := _common_times(items, around, part.item)):
            items = [_with_common(read, common, part.item) for read in items]
            yield {part.name: list(items)}
        if not items and part.required:
            yield await ask("one", text)
            return
        # An optional array the text lays out no item of stays out: a small model asked for it makes items up.
        try:
            rest = await ask("one", text, schema=part.rest)
        except ExtractionFailed:  # asked again as a whole, so that a failure names the request's schema
            yield await ask("one", text)
            return
        try:
            whole = schema.model.model_validate(  # the schema's own checks (from_text, remove) run here
                {**rest.model_dump(exclude_none=True), **({part.name: items} if items else {})},
                context={"text": text},
            )
        except ValidationError:  # the items do not fit the whole (fewer than its minItems, say)
            yield await ask("one", text)
            return
        whole = settle(whole, text)
        if ends := _ends(part, items):  # after settling, which keeps a date the text writes once for one field
            try:
                whole = schema.model.model_validate(
                    {**whole.model_dump(mode="json", exclude_none=True), **ends}, context={"text": text}
                )
            except ValidationError:
                pass  # the schema's own checks refuse it: the object as read
        yield whole
