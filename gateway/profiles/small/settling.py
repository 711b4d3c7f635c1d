"""A validated answer read once more against its text: a value the text states once is one fact, so it fills one
field. A small model offered the text's values for every field tends to write the one it just wrote again (the
amount again as the balance, a town as recipient, street, city and country); an optional field that repeats a
value already used, more often than the text states it, is left out instead, and an optional object left empty
goes with it. And one stretch of text is one value: a string that begins with another field's value ("200 g
plain flour" beside an amount of 200 and a unit "g"), or ends with one joined by a function word ("Fatima Al-Sayed
from Desert Bloom Logistics" beside that company), loses that part."""

import re
import sys
import typing
import unicodedata
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ValidationError

from gateway.extraction.text_facts import TextFacts
from gateway.profiles.small.choices import name_words, one_value_for_both
from gateway.profiles.small.grounding import facts_of
from gateway.profiles.small.people import lists_people, looks_like_a_name, present_people
from gateway.profiles.small.runs import TITLES, fullest_name, runs, whole_name

# A value -> each use: (whether its field is required, the object holding it, its key), in field order.
# Each use of a value: whether it is required all the way up (or a list item's: kept), the object holding it and
# its key, and what leaving it out removes (its key, or the optional object holding it as a required key).
Uses = dict[Any, list[tuple[bool, dict[str, Any], str, tuple[dict[str, Any], str] | None]]]


def settle(answer: BaseModel, text: str) -> BaseModel:
    """``answer`` with the optional values that reuse a value the text states fewer times than it is used left
    out (required fields, then earlier ones, keep theirs); ``answer`` itself when nothing changes or the result
    would not validate."""
    data = answer.model_dump(mode="json", exclude_none=True)
    facts = facts_of(text)  # as the request's narrowing read them
    changed = _trimmed(type(answer), data, facts)
    changed = _person_lists(type(answer), data, facts.text) or changed
    changed = _without_empty_lists(type(answer), data) or changed
    changed = _fullest(type(answer), data, facts, _strings_in(data)) or changed
    changed = _widened(type(answer), data, facts, _strings_in(data)) or changed
    changed = _named_by_email(type(answer), data, facts) or changed
    uses: Uses = {}
    _leaves(type(answer), data, uses)
    for value, holders in uses.items():
        room = max(_stated(value, facts), 1)
        if len(holders) <= room:
            continue
        # Required fields first, then a field named by the words just before the value in the text ("Estimated
        # delivery: 6 June"), then the earlier ones.
        before = _words_before(value, facts)
        ranked = sorted(
            range(len(holders)),
            key=lambda index: (not holders[index][0], not _named_in(holders[index][2], before), index),
        )
        for index in ranked[room:]:
            _, _, _, drop = holders[index]
            if drop is not None and drop[1] in drop[0]:
                del drop[0][drop[1]]
                changed = True
    changed = _without_inner_values(type(answer), data, facts) or changed
    changed = _without_repeats(type(answer), data, facts) or changed
    changed = _without_borrowed_items(type(answer), data, facts) or changed
    changed = _in_text_order(type(answer), data, facts) or changed
    if not changed:
        return answer
    _drop_empty(type(answer), data)
    try:
        return type(answer).model_validate(data)
    except ValidationError:
        return answer


def _trimmed(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Each string of ``data`` (and of the objects nested in it) without another field's value at its start, or at
    its end after a function word; whether any changed."""
    changed = False
    for nested, inner in _objects_in(model, data):
        changed = _trimmed(nested, inner, facts) or changed
    kinds = _kinds(model)
    for name in model.model_fields:
        value = data.get(name)
        kind = kinds.get(name)
        if not isinstance(value, str) or (kind is not None and kind[1] is not None):
            continue
        others = [form for other, known in data.items() if other != name for form in _written(known, facts)]
        # Not the head of words the text writes only inside this one ("CloudNative Days Porto" as the city of
        # "CloudNative Days Porto 2025": that value goes, not this one's words).
        held = {form for form in others if len(form.split()) >= 2 and _only_inside(form, value, facts)}
        # A time "20:00:00" does not begin with a number 20: a value with a pattern loses only a tail.
        kept = _without_others(value, others, head=kind is None, inner=held)
        if kind is not None and not _accepts(kind[2], kept):
            continue
        if kind is None and re.search(r"[^\W\d_]", value) and not re.search(r"[^\W\d_]", kept):
            continue  # a text's words are not trimmed down to a number: "2025" is no name
        if kept != value:
            data[name] = kept
            changed = True
    return changed


def _only_inside(inner: str, outer: str, facts: TextFacts) -> bool:
    """Whether every place the text writes ``inner`` lies inside a place it writes ``outer``."""
    places, outside = facts.stated_at(inner), [(start, start + len(outer)) for start in facts.stated_at(outer)]
    return bool(places) and all(any(low <= at and at + len(inner) <= high for low, high in outside) for at in places)


def _strings_in(data: Any) -> set[str]:
    """Every string value in ``data``, at any depth."""
    if isinstance(data, str):
        return {data} if data.strip() else set()
    parts = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return {string for part in parts for string in _strings_in(part)}


def _objects_in(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    """The objects nested in ``data`` (one level down), each with its model."""
    found = []
    for name, field in model.model_fields.items():
        value = data.get(name)
        nested = _model_of(field.annotation)
        if isinstance(value, dict) and nested is not None:
            found.append((nested, value))
    return found


def _widened(model: type[BaseModel], data: dict[str, Any], facts: TextFacts, held: set[str]) -> bool:
    """Each one-word string of ``data`` (and of the objects nested in it) that the text writes once, as the last
    word of a name or after a title, widened to that name (``whole_name``: "Kowalczyk" of "name=Marek
    Kowalczyk"); whether any changed. Not into a value ``held`` anywhere in the answer, nor out of the field's
    pattern."""
    changed = False
    for nested, inner in _objects_in(model, data):
        changed = _widened(nested, inner, facts, held) or changed
    kinds, chosen = _kinds(model), _chosen(model)
    for name in model.model_fields:
        value = data.get(name)
        kind = kinds.get(name, (None, None, None))
        if not isinstance(value, str) or not value[:1].isupper() or " " in value or kind[1] is not None:
            continue
        if name in chosen:
            continue
        places = list(re.finditer(rf"(?<![\w'’-]){re.escape(value)}(?![\w'’-])", facts.text))
        if len(places) != 1:
            continue
        start, end = whole_name(facts.text, places[0].start(), places[0].end(), titles=_NAMED.search(name) is not None)
        wider = facts.text[start:end]
        if wider == value or any(_written_across(facts.text, other, start, end) for other in held if other != value):
            continue
        if kind[2] is not None and not _accepts(kind[2], wider):
            continue
        data[name] = wider
        changed = True
    return changed


def _fullest(model: type[BaseModel], data: dict[str, Any], facts: TextFacts, held: set[str]) -> bool:
    """Each person's name in ``data`` (a field named for a person) in the one longer form the text writes it in
    (``fullest_name``: "Mekonnen" -> "Tsegaye Mekonnen", "Amara's" -> "Amara Nwachukwu"); whether any changed.
    Not into another value ``held`` in the answer, nor out of the field's pattern."""
    changed = False
    for nested, inner in _objects_in(model, data):
        changed = _fullest(nested, inner, facts, held) or changed
    kinds, chosen = _kinds(model), _chosen(model)
    for name in model.model_fields:
        value = data.get(name)
        if not isinstance(value, str) or not value[:1].isupper() or name in chosen or not _NAMED.search(name):
            continue
        wider = fullest_name(facts.text, value)
        if wider is None or any(other != value and other in wider for other in held):
            continue
        changed = _put(data, name, wider, kinds) or changed
    return changed


def _put(data: dict[str, Any], name: str, value: str, kinds: dict[str, tuple[Any, ...]]) -> bool:
    """``value`` put in ``data[name]`` where the field's pattern accepts it; whether it was."""
    pattern = kinds.get(name, (None, None, None))[2]
    if pattern is not None and not _accepts(pattern, value):
        return False
    data[name] = value
    return True


def _named_by_email(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Each person's name in ``data`` beside the e-mail address of the same role ("organiser_name" beside
    "organiser_email", "name" beside "email") set to the one name the text writes that the address spells
    ("charlotte.hollis@", "j.marchand@", "mkjaer@": "Charlotte Hollis", "Julien Marchand", "Mette Kjær"); whether
    any changed. A name the answer holds already, or a longer one holding it, stays."""
    changed = False
    for nested, inner in _objects_in(model, data):
        changed = _named_by_email(nested, inner, facts) or changed
    kinds = _kinds(model)
    emails = {_role(key): value for key, value in data.items() if isinstance(value, str) and _names_an_email(key)}
    for name in model.model_fields:
        value, email = data.get(name), emails.get(_role(name))
        if not isinstance(value, str) or not _NAMED.search(name) or _names_an_email(name) or email is None:
            continue
        local = _folded(email.split("@", 1)[0])
        bare = (_TITLE_BEFORE.sub("", found.value) for found in runs(facts.text) if looks_like_a_name(found.value))
        spelled = {name_written for name_written in bare if _spells(local, name_written)}
        if len(spelled) != 1 or (wanted := spelled.pop()) in value:
            continue
        changed = _put(data, name, wanted, kinds) or changed
    return changed


def _names_an_email(field: str) -> bool:
    return bool({word.casefold() for word in name_words(field)} & {"email", "mail"})


def _role(field: str) -> frozenset[str]:
    """A field's name words but those saying what of the role it holds ("organiser" of "organiser_email")."""
    words = {word.casefold() for word in name_words(field)}
    return frozenset(words - {"name", "full", "email", "mail", "e", "address", "addr"})


def _folded(words: str) -> str:
    """Letters only, lower case, without accents ("Kjær" -> "kjaer", "Inês" -> "ines")."""
    spelled = unicodedata.normalize("NFKD", words.casefold().translate(_LIGATURES))
    return "".join(character for character in spelled if "a" <= character <= "z")


_LIGATURES = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d", "þ": "th"})


def _spells(local: str, name: str) -> bool:
    """Whether an address's local part (letters only) spells the name: whole, first and last, the first's
    initial and the last, or the last and the first ("charlottehollis", "jmarchand", "hollisc")."""
    words = [_folded(word) for word in name.split()]
    words = [word for word in words if word]
    if len(words) < 2 or len(words[-1]) < 3:
        return False
    first, last, rest = words[0], words[-1], "".join(words[1:])  # rest: "vandenberg" of "Pieter van den Berg"
    return local in {first + rest, first + last, first[0] + rest, first[0] + last, last + first, last + first[0]}


def _written(value: Any, facts: TextFacts) -> list[str]:
    """How the text may write a leaf's value: a string as it is, a number as the text writes it or in digits."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, str):
        kinds = (
            facts.dates,
            facts.yearless_dates,
            facts.times,
            facts.datetimes,
            facts.emails,
            facts.urls,
            facts.phones,
        )
        written = [facts.text[found.start : found.end] for kind in kinds for found in kind if found.value == value]
        return [value, *written] if value.strip() else []
    if isinstance(value, int | float):
        number = float(value)
        forms = [facts.text[found.start : found.end] for found in facts.numbers if float(found.value) == number]
        return [*forms, str(int(number)) if number.is_integer() else str(number)]
    return []


_JOINER = re.compile(r"^[\s·:,\-–—]*(?:[×x*](?:\s+|$))?")
_CONNECTORS = ("from", "at", "of", "for", "with", "by", "in", "is", "was", "aged", "@", "-", "–", "—")


def _without_others(value: str, others: list[str], *, head: bool = True, inner: set[str] | None = None) -> str:
    """``value`` without an ``others`` value at its start (if ``head``, and not one of ``inner``), or at its end
    after a connector; unchanged if nothing would remain."""
    trimmed = value
    for _ in range(3):  # "200 g plain flour": the amount, then the unit
        before = trimmed
        for other in sorted(set(others), key=len, reverse=True):
            if other == trimmed or not other:
                continue
            follows = trimmed[len(other) : len(other) + 1]
            # A number may be glued to the next word ("225g butter"); any other value ends at a word's end.
            ends = not follows.isalnum() or (other[-1].isdigit() and not follows.isdigit())
            if head and other not in (inner or ()) and trimmed.casefold().startswith(other.casefold()) and ends:
                # What joined them goes too: "2 × Linen", "2x Kaffee", "Anna: ...", but not the x of "xylophones".
                trimmed = _JOINER.sub("", trimmed[len(other) :]).strip()
                break
            for connector in _CONNECTORS:
                tail = f" {connector} {other}".casefold()
                if trimmed.casefold().endswith(tail) and len(trimmed) > len(tail):
                    trimmed = trimmed[: -len(tail)].rstrip(" ,")
                    break
        if trimmed == before:
            break
    return trimmed if trimmed.strip() else value


def _words_before(value: Any, facts: TextFacts) -> str:
    """The few words before the first place the text states ``value``: often its label."""
    places = facts.stated_at(value)
    return facts.text[max(0, places[0] - 40) : places[0]].casefold() if places else ""


def _named_in(key: str, before: str) -> bool:
    """Whether a word of the field's name (its first five letters) is in ``before``."""
    words = [word for word in name_words(key) if len(word) >= 3]
    return any(word.casefold()[:5] in before for word in words)


def _stated(value: Any, facts: TextFacts) -> int:
    """How many times the text states ``value``."""
    return len(facts.stated_at(value))


def _leaves(
    model: type[BaseModel], data: dict[str, Any], uses: Uses, owner: tuple[dict[str, Any], str] | None = None
) -> None:
    """The number and string leaves of ``data`` (an object of ``model``, and the objects nested in it), in field
    order; ``owner`` is the optional object holding ``data``, if any. The leaves of a list's objects are kept
    whatever else uses their value: one stretch of text is one value, and it is theirs."""
    names = list(model.model_fields)
    before = {name: names[:index] for index, name in enumerate(names)}
    described = {name: field.description or "" for name, field in model.model_fields.items()}
    for name, field in model.model_fields.items():
        value = data.get(name)
        drop = owner if field.is_required() else (data, name)
        if isinstance(value, bool) or value is None:
            continue
        if any(data.get(other) == value and one_value_for_both(described, name, other) for other in before[name]):
            continue  # a copy the schema asks for: "the same as first_day for a one-day event"
        if isinstance(value, int | float):
            uses.setdefault(float(value), []).append((drop is None, data, name, drop))
        elif isinstance(value, str) and value.strip():
            uses.setdefault(value, []).append((drop is None, data, name, drop))
        elif isinstance(value, dict) and (nested := _model_of(field.annotation)) is not None:
            _leaves(nested, value, uses, drop)
        elif isinstance(value, list) and (nested := _model_of(_item_type(field.annotation))) is not None:
            for item in value:
                if isinstance(item, dict):
                    _item_leaves(nested, item, uses)


_A_DAY_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}(?::\d{2})?")


def _item_leaves(model: type[BaseModel], data: dict[str, Any], uses: Uses) -> None:
    for name in model.model_fields:
        value = data.get(name)
        # (A day or a time items share with the object is theirs and its: a heading's date is every talk's, and the
        # event's first day.)
        if isinstance(value, str) and value.strip() and not _A_DAY_OR_TIME.fullmatch(value):
            uses.setdefault(value, []).append((True, data, name, None))


# A string leaf: its value, the object holding it and its key, and what leaving it out removes (its key, or the
# optional object holding it as a required key), None where it cannot be left out.
StringLeaf = tuple[str, dict[str, Any], str, tuple[dict[str, Any], str] | None]


def _without_inner_values(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Optional strings the text states only inside another field's value left out: one stretch of text is one
    value ("Doors" as the speaker of the session "Doors open", "Lee" as the room of "Hannah Lee"); whether any
    went."""
    leaves: list[StringLeaf] = []
    _string_leaves(model, data, None, leaves)
    changed = False
    for value, holder, key, drop in sorted(leaves, key=lambda leaf: len(leaf[0])):
        if drop is None or holder.get(key) != value or len(value) < 2:
            continue
        places = facts.stated_at(value)
        # The other values as the text writes them: a date "2025-01-16" as "16 January 2025" holds the "16".
        outer = [
            form
            for other, other_holder, other_key, _ in leaves
            if (other_holder is not holder or other_key != key) and other_holder.get(other_key) == other
            for form in _written(other, facts)
            if _inside(value, form)
        ]
        if not places or not outer:
            continue
        spans = [(start, start + len(form)) for form in outer for start in facts.stated_at(form)]
        if all(any(start <= place and place + len(value) <= end for start, end in spans) for place in places):
            owner, name = drop
            owner.pop(name, None)
            changed = True
    return changed


def _inside(value: str, other: str) -> bool:
    """Whether ``other`` holds ``value`` as whole words and is more than it."""
    inner, outer = value.casefold(), other.casefold()
    return inner != outer and re.search(rf"(?<!\w){re.escape(inner)}(?!\w)", outer) is not None


def _string_leaves(
    model: type[BaseModel], data: dict[str, Any], whole: tuple[dict[str, Any], str] | None, leaves: list[StringLeaf]
) -> None:
    """The string leaves of ``data`` and of the objects nested in it (not list items); ``whole``: what leaving
    out a required leaf of ``data`` removes (``data`` itself from its parent, if optional there)."""
    for name, field in model.model_fields.items():
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            leaves.append((value, data, name, whole if field.is_required() else (data, name)))
        elif isinstance(value, dict) and (nested := _model_of(field.annotation)) is not None:
            _string_leaves(nested, value, whole if field.is_required() else (data, name), leaves)


def _without_repeats(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Lists of values (tags, skills) hold each value as many times as the text states it, at most; whether any
    item went."""
    changed = False
    for name, field in model.model_fields.items():
        value = data.get(name)
        if isinstance(value, dict) and (nested := _model_of(field.annotation)) is not None:
            changed = _without_repeats(nested, value, facts) or changed
        if not isinstance(value, list):
            continue
        kept: list[Any] = []
        for item in value:
            if (seen := kept.count(item)) and seen >= _room(item, facts):  # counted only for a repeat
                changed = True
                continue
            kept.append(item)
        data[name] = kept
    return changed


def _room(item: Any, facts: TextFacts) -> int:
    """How many times a list may hold ``item``: as many as the text states it - an object (a flight leg read twice)
    as many times as the text states the rarest of its values."""
    if isinstance(item, dict):
        counts = [_stated(_key(leaf), facts) for leaf in _all_leaves(item) if isinstance(leaf, str | int | float)]
        return min((count for count in counts if count), default=1)
    if isinstance(item, str | int | float):
        return max(_stated(_key(item), facts), 1)
    return sys.maxsize  # nothing to count a list of lists by: kept


def _key(value: Any) -> Any:
    """A value as the text's facts hold it: a number as a float, a boolean or string as itself."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _without_borrowed_items(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Lists of strings without the items that hold or sit inside another field's number, date or code, or
    repeat another field's value more often than the text states it (a model filling a list of names goes on
    with the airports and times around them); whether any went."""
    leaves = [(value, [form.casefold() for form in _written(value, facts)]) for value in _all_leaves(data)]
    coded = [form for _, written in leaves for form in written if _has_digit(form)]
    changed = False
    for name in model.model_fields:
        value = data.get(name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            continue
        shared = {data.get(other) for other in _included(model, name)}  # "attendees, including the chair"
        forms = [written for leaf, written in leaves if leaf not in shared]
        # A name an attendance line writes is one of those present, whoever else it is (an action's owner).
        described = model.model_fields[name].description or ""
        present = set(present_people(described, facts.text)) if lists_people(name) else set()
        kept = []
        for item in value:
            uses = sum(item.casefold() in written for written in forms) if item not in present else 0
            if any(_overlaps(item.casefold(), form) for form in coded) or (uses and uses >= _stated(item, facts)):
                continue
            kept.append(item)
        if len(kept) != len(value):
            data[name], changed = kept, True
    return changed


def _all_leaves(data: Any) -> list[Any]:
    """Every number and string of ``data`` outside its lists of values: in objects, nested ones and list items."""
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in _all_leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data if isinstance(value, dict) for leaf in _all_leaves(value)]
    return [] if isinstance(data, bool) or data is None else [data]


def _has_digit(text: str) -> bool:
    return any(character.isdigit() for character in text)


def _overlaps(item: str, form: str) -> bool:
    """Whether one holds the other as whole words, when the shorter has a digit."""
    inner, outer = sorted((item, form), key=len)
    return _has_digit(inner) and re.search(rf"(?<!\w){re.escape(inner)}(?!\w)", outer) is not None


def _in_text_order(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Neighbouring fields of one kind (the same format or pattern), and the two ends of a journey (origin and
    destination, a pick-up's and a drop-off's location), swapped when the text states their values the other way
    round - a journey's first and last day (start and end dates) when the calendar does; whether any were."""
    changed = False
    for name, field in model.model_fields.items():
        nested = _model_of(field.annotation)
        if isinstance(data.get(name), dict) and nested is not None:
            changed = _in_text_order(nested, data[name], facts) or changed
    kinds = _kinds(model)
    names = list(model.model_fields)
    for first, second in zip(names, names[1:], strict=False):
        kind = kinds.get(first)
        if kind is None or kind != kinds.get(second):
            continue
        one, other = data.get(first), data.get(second)
        if one is None or other is None or one == other:
            continue
        # Only where the order is plain: every place the one is written after every place the other is (a date a
        # mail's header writes too is written both before and after its neighbour's).
        places, other_places = facts.stated_at(_comparable(one)), facts.stated_at(_comparable(other))
        if places and other_places and min(places) > max(other_places):
            data[first], data[second] = other, one
            changed = True
    for first, second in _journey_ends(model):
        # A journey's two ends as words ("Manchester Piccadilly 07:35 -> London Euston"), or those of two objects
        # (a rental's pick-up and drop-off location): where it starts is written first; and its days (a start
        # date and an end date, a pick-up's and a drop-off's date): the start's is not the later.
        one, other = data.get(first), data.get(second)
        leaves = [(data, first, data, second)]
        days = _days(model)
        if isinstance(one, dict) and isinstance(other, dict):
            inner = _model_of(model.model_fields[first].annotation)
            days = _days(inner) if inner is not None else frozenset()
            kinds = _kinds(inner) if inner is not None else {}
            leaves = [
                (one, key, other, key) for key in sorted(set(one) & set(other)) if key not in kinds or key in days
            ]
        for starts, key, ends, end_key in leaves:
            here, there = starts.get(key), ends.get(end_key)
            if not (isinstance(here, str) and isinstance(there, str)) or here == there:
                continue
            if key in days:
                later = here > there
            else:
                place, other_place = _first_place(here, facts), _first_place(there, facts)
                later = place is not None and other_place is not None and place > other_place
            if later:
                starts[key], ends[end_key] = there, here
                changed = True
    return changed


@lru_cache(maxsize=256)
def _days(model: type[BaseModel]) -> frozenset[str]:
    """The fields holding a date or a date-time."""
    return frozenset(name for name, kind in _kinds(model).items() if kind[1] in ("date", "date-time"))


_STARTS = frozenset("origin from departure depart pickup pick start source outbound in".split())
_ENDS = frozenset("destination to arrival arrive dropoff drop return end target inbound out until till".split())
_PARTICLES = frozenset({"up", "off"})  # pickUp, dropOff


@lru_cache(maxsize=256)
def _journey_ends(model: type[BaseModel]) -> list[tuple[str, str]]:
    """Pairs of fields naming where or when a journey starts and where or when it ends ("origin" and
    "destination", "pickup" and "dropoff", "start_date" and "end_date", "check_in" and "check_out"): fields
    without a format or pattern, and dates."""
    kinds, days = _kinds(model), _days(model)
    words = {
        name: [word.casefold() for word in name_words(name)]
        for name in model.model_fields
        if name not in kinds or name in days
    }
    return [
        (first, second)
        for first, own in words.items()
        for second, other in words.items()
        if set(own) & _STARTS
        and set(other) & _ENDS
        and [word for word in own if word not in _STARTS | _PARTICLES]
        == [word for word in other if word not in _ENDS | _PARTICLES]
    ]


def _comparable(value: Any) -> Any:
    return float(value) if isinstance(value, int | float) else value


def _first_place(value: Any, facts: TextFacts) -> int | None:
    places = facts.stated_at(_comparable(value))
    return min(places) if places else None


@lru_cache(maxsize=256)
def _kinds(model: type[BaseModel]) -> dict[str, tuple[Any, ...]]:
    """Each field's kind, for fields with a format or a pattern (a code, a date, a time)."""
    kinds = {}
    for name, spec in model.model_json_schema().get("properties", {}).items():
        for branch in spec.get("anyOf", [spec]):
            if "format" in branch or "pattern" in branch:
                kinds[name] = (branch.get("type"), branch.get("format"), branch.get("pattern"))
    return kinds


@lru_cache(maxsize=256)
def _chosen(model: type[BaseModel]) -> frozenset[str]:
    """The fields whose values come from a fixed set (an enum or a constant, inline or as a ``$ref``)."""
    properties = model.model_json_schema().get("properties", {})
    return frozenset(
        name
        for name, spec in properties.items()
        if any({"enum", "const", "$ref"} & branch.keys() for branch in spec.get("anyOf", [spec]))
    )


def _all_objects_in(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[type[BaseModel], dict[str, Any]]]:
    """The objects nested in ``data`` one level down, in fields and in lists' items, each with its model."""
    found = _objects_in(model, data)
    for name, field in model.model_fields.items():
        value, item = data.get(name), _model_of(_item_type(field.annotation))
        if isinstance(value, list) and item is not None:
            found += [(item, inner) for inner in value if isinstance(inner, dict)]
    return found


def _person_lists(model: type[BaseModel], data: dict[str, Any], text: str) -> bool:
    """Lists of people's names (speakers, passengers) set right, in ``data`` and the objects in it: two names in
    one value split ("Lerato Dlamini and Yusuf Patel"), a title before a name and an affiliation after it dropped
    ("Dr. Ana Ruiz", "Sara Nilsson (Spotify)"), and left out: a value that is part of another name in the list
    ("Pereira" of "Tomás Pereira"), the value of another field not named for people ("Tsavo Hall", the room), one
    word of the object's other strings ("Coffee" of the title "Coffee break"), and one word beside whole names that
    the text does not write as a list's entry ("Keynote - Dr. Ana Ruiz"; "with Cher, Ana Ruiz" keeps "Cher");
    whether any changed."""
    changed = False
    for nested, inner in _all_objects_in(model, data):
        changed = _person_lists(nested, inner, text) or changed
    strings = [value for value in data.values() if isinstance(value, str)]
    for name in model.model_fields:
        value = data.get(name)
        if not lists_people(name) or not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            continue
        shared = _included(model, name)
        others = [
            other
            for key, other in data.items()
            if isinstance(other, str) and not _names_people(key) and key not in shared
        ]
        split = [part for item in value for part in _two_names(item)]
        bare = [_AFTER_NAME.sub("", _TITLE_BEFORE.sub("", item)).strip() for item in split]
        bare = [item for item in bare if item and not re.fullmatch(rf"{TITLES}\.?", item)]
        whole = any(" " in item for item in bare)
        # A name an attendance line writes is one of those present, whatever another field took it for.
        present = set(present_people(model.model_fields[name].description or "", text))
        kept = [
            item
            for index, item in enumerate(bare)
            if item not in bare[:index]
            and not any(other != item and _inside(item, other) for other in bare)
            and (item in present or not any(item.casefold() == other.casefold() for other in others))
            and not (" " not in item and any(_inside(item, other) for other in strings))
            and not (whole and " " not in item and not _listed_word(item, text))
        ]
        if kept != value:
            data[name] = kept
            changed = True
    return changed


def _included(model: type[BaseModel], name: str) -> set[str]:
    """The other fields a list's description says it includes ("Every person present, including the chair and
    the minute-taker" includes ``chair``): their values are the list's items too."""
    description = model.model_fields[name].description or ""
    said = " ".join(match.group(1) for match in _INCLUDING.finditer(description)).casefold()
    return {
        other
        for other in model.model_fields
        if other != name
        and (words := name_words(other))
        and all(re.search(rf"\b{re.escape(word.casefold())}", said) for word in words)
    }


_INCLUDING = re.compile(r"(?i)\b(?:including|includes|include|also)\b([^.;]*)")


def _names_people(field: str) -> bool:
    """Whether a field's name says it holds a person's name ("organiser_name", "host", "guests")."""
    return lists_people(field) or "name" in {word.casefold() for word in name_words(field)}


def _two_names(value: str) -> list[str]:
    """Two names written as one value, apart ("Lerato Dlamini and Yusuf Patel"); the value alone otherwise."""
    parts = re.split(r"\s+(?:and|&|\+)\s+", value)
    return parts if len(parts) > 1 and all(part[:1].isupper() for part in parts) else [value]


def _listed_word(word: str, text: str) -> bool:
    """Whether the text writes one word as an entry of a list of names: after "with", a comma or "and", or
    before a comma or "and" ("with Cher, Ana Ruiz"; "Ana and Tom Ruiz")."""
    escaped = re.escape(word)
    return bool(re.search(rf"(?:\bwith|,|\band|&)\s+{escaped}\b|\b{escaped}\s*(?:,|\band\b|&)", text, re.IGNORECASE))


_AFTER_NAME = re.compile(r"\s*\(.*$")
# A title before a name, with its full stop unless it is a common one ("Gen Li" keeps "Gen").
_TITLE_BEFORE = re.compile(rf"^(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?\s+|{TITLES}\.\s+)+")


def _without_empty_lists(model: type[BaseModel], data: dict[str, Any]) -> bool:
    """``data`` without its optional empty lists (a small model writes ``"passengers": []`` for none the text
    names: left out, as a field the text does not state is); whether any was."""
    changed = False
    for nested, inner in _all_objects_in(model, data):
        changed = _without_empty_lists(nested, inner) or changed
    for name, field in model.model_fields.items():
        if data.get(name) == [] and not field.is_required():
            del data[name]
            changed = True
    return changed


def _drop_empty(model: type[BaseModel], data: dict[str, Any]) -> None:
    for name, field in model.model_fields.items():
        value = data.get(name)
        nested = _model_of(field.annotation)
        if isinstance(value, dict) and nested is not None:
            _drop_empty(nested, value)
            if not value and not field.is_required():
                del data[name]


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (``Party``, or ``Party | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        if isinstance(argument, type) and issubclass(argument, BaseModel):
            return argument
    return None


def _item_type(annotation: Any) -> Any:
    """The type of a list field's items (``list[Item]``, or ``list[Item] | None``); None for other fields."""
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if typing.get_origin(candidate) is list and (arguments := typing.get_args(candidate)):
            return arguments[0]
    return None


# A field holding a person's or a thing's name: a title alone in it stands for the name after it.
_NAMED = re.compile(r"name|person|author|host|guest|speaker|recipient|customer|contact|passenger|patient", re.I)


def _written_across(text: str, value: str, start: int, end: int) -> bool:
    """Whether ``value`` is written somewhere in ``text`` that overlaps ``text[start:end]``."""
    position = text.find(value, max(0, start - len(value)))
    while position != -1 and position < end:
        if position + len(value) > start:
            return True
        position = text.find(value, position + 1)
    return False


def _accepts(pattern: str, value: str) -> bool:
    """Whether a JSON Schema ``pattern`` accepts ``value``; False when Python cannot read the pattern."""
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False
