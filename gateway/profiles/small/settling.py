"""A validated answer read once more against its text: a value the text states once is one fact, so it fills one
field. A small model offered the text's values for every field tends to write the one it just wrote again (the
amount again as the balance, a town as recipient, street, city and country); an optional field that repeats a
value already used, more often than the text states it, is left out instead, and an optional object left empty
goes with it."""

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from gateway.extraction.text_facts import TextFacts
from gateway.profiles.small.grounding import facts_of

# A value -> each use: (whether its field is required, the object holding it, its key), in field order.
Uses = dict[Any, list[tuple[bool, dict[str, Any], str]]]


def settle(answer: BaseModel, text: str) -> BaseModel:
    """``answer`` with the optional values that reuse a value the text states fewer times than it is used left
    out (required fields, then earlier ones, keep theirs); ``answer`` itself when nothing changes or the result
    would not validate."""
    data = answer.model_dump(mode="json", exclude_none=True)
    uses: Uses = {}
    _leaves(type(answer), data, uses)
    facts = facts_of(text)  # as the request's narrowing read them
    changed = False
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
            required, holder, key = holders[index]
            if not required:
                del holder[key]
                changed = True
    changed = _without_repeats(type(answer), data, facts) or changed
    if not changed:
        return answer
    _drop_empty(type(answer), data)
    try:
        return type(answer).model_validate(data)
    except ValidationError:
        return answer


def _spans(value: Any, facts: TextFacts) -> list[int]:
    """Where the text states ``value`` (the start of each place): a number in any form, a date, time or contact
    as normalised, else a string as written (ignoring case)."""
    if isinstance(value, float):
        return [found.start for found in facts.numbers if float(found.value) == value]
    kinds = (facts.dates, facts.times, facts.datetimes, facts.emails, facts.urls, facts.phones)
    normalised = [found.start for kind in kinds for found in kind if found.value == value]
    if normalised or not value:
        return normalised
    return [match.start() for match in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", facts.text, re.IGNORECASE)]


def _words_before(value: Any, facts: TextFacts) -> str:
    """The few words before the first place the text states ``value``: often its label."""
    places = _spans(value, facts)
    return facts.text[max(0, places[0] - 40) : places[0]].casefold() if places else ""


def _named_in(key: str, before: str) -> bool:
    """Whether a word of the field's name (its first five letters) is in ``before``."""
    words = [word for word in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", key) if len(word) >= 3]
    return any(word.casefold()[:5] in before for word in words)


def _stated(value: Any, facts: TextFacts) -> int:
    """How many times the text states ``value``."""
    return len(_spans(value, facts))


def _leaves(model: type[BaseModel], data: dict[str, Any], uses: Uses) -> None:
    """The number and string leaves of ``data`` (an object of ``model``, and the objects nested in it; not the
    items of lists), in field order."""
    for name, field in model.model_fields.items():
        value = data.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int | float):
            uses.setdefault(float(value), []).append((field.is_required(), data, name))
        elif isinstance(value, str) and value.strip():
            uses.setdefault(value, []).append((field.is_required(), data, name))
        elif isinstance(value, dict):
            nested = _model_of(field.annotation)
            if nested is not None:
                _leaves(nested, value, uses)


def _without_repeats(model: type[BaseModel], data: dict[str, Any], facts: TextFacts) -> bool:
    """Lists of values (tags, skills) hold each value as many times as the text states it, at most; whether any
    item went."""
    changed = False
    for name, field in model.model_fields.items():
        value = data.get(name)
        if isinstance(value, dict) and (nested := _model_of(field.annotation)) is not None:
            changed = _without_repeats(nested, value, facts) or changed
        if not isinstance(value, list) or not all(isinstance(item, str | int | float) for item in value):
            continue
        kept: list[Any] = []
        for item in value:
            key = float(item) if isinstance(item, int | float) and not isinstance(item, bool) else item
            if kept.count(item) >= max(_stated(key, facts), 1):
                changed = True
                continue
            kept.append(item)
        data[name] = kept
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
