"""Answers checked against the input text (``x-gateway.from_text``), so the LLM is re-asked when it invents; and
cleaned first (``x-gateway.remove``: a pattern stripped from a string field, such as a title before a name).

A listed string field must occur in the text (ignoring case and runs of spaces); a listed number field must be
written in the text, in digits or in English words ("forty-two"). The check runs when the model is validated with
a ``{"text": ...}`` context, which the extractor passes; elsewhere (docs, examples) it stays out of the way. It is
part of the compiled model: every provider and profile gets it.
"""

import re
from typing import Any

from pydantic import BaseModel, ValidationInfo, model_validator

_UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * (index + 2) for index, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_IRREGULAR_ORDINALS = {"first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight",
                       "ninth": "nine", "twelfth": "twelve"}  # fmt: skip


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _cardinal(word: str) -> str:
    """'fortieth' -> 'forty', 'sixth' -> 'six': the number word an ordinal is built on."""
    if word in _IRREGULAR_ORDINALS:
        return _IRREGULAR_ORDINALS[word]
    if word.endswith("ieth"):
        return word[:-4] + "y"
    if word.endswith("th") and word[:-2] in {*_UNITS, "hundred"}:
        return word[:-2]
    return word


_LATIN_WORD = re.compile(r"[A-Za-z]+")


def number_word_spans(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of every number written in English words ("forty-two", "one hundred and five")."""
    spans: list[tuple[int, int, int]] = []
    current: int | None = None
    start = end = 0
    # Positions are the text's own (casefolding first could change its length: "ß" -> "ss").
    for match in _LATIN_WORD.finditer(text):
        word = _cardinal(match.group().lower())
        if word == "and":
            continue  # read as part of the gap: "one hundred and five"
        # Only the gap after a number matters: slicing from an old ``end`` would make long texts quadratic.
        gap = text[end : match.start()] if current is not None else ""
        round_hundreds = current is not None and current >= 100 and current % 100 == 0
        round_tens = current is not None and current % 100 >= 20 and current % 10 == 0
        joined = current is not None and (gap in {" ", "-"} or (gap == " and " and round_hundreds))
        if joined and current is not None and word in _UNITS and (round_tens or round_hundreds):
            current += _UNITS[word]
        elif joined and current is not None and word in _TENS and round_hundreds:
            current += _TENS[word]
        elif joined and current is not None and word == "hundred" and 0 < current < 10:
            current *= 100
        else:
            if current is not None:
                spans.append((start, end, current))
            current, start = _UNITS.get(word, _TENS.get(word)), match.start()
            if current is None:
                continue
        end = match.end()
    if current is not None:
        spans.append((start, end, current))
    return spans


def numbers_in(text: str) -> set[float]:
    """Every number the text writes, in digits ("1,500", "3.5", "90th") or in English words up to 999."""
    found = {float(match.replace(",", "")) for match in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)}
    return found | {float(value) for _, _, value in number_word_spans(text)}


def check_from_text(values: dict[str, Any], fields: tuple[str, ...], text: str) -> list[str]:
    """The problems with ``values`` against ``text``: one sentence per field not found there."""
    problems = []
    squashed = _squash(text)
    numbers: set[float] | None = None
    for field in fields:
        value = values.get(field)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, str):
            if value.strip() and _squash(value) not in squashed:
                problems.append(f"{field} {value!r} does not occur in the text; copy it exactly as the text writes it")
        elif isinstance(value, (int, float)):
            numbers = numbers_in(text) if numbers is None else numbers
            if float(value) not in numbers:
                problems.append(f"{field} {value!r} is not a number the text states; use the number the text gives")
    return problems


def with_text_checks(
    model: type[BaseModel], from_text: tuple[str, ...], remove: dict[str, re.Pattern[str]]
) -> type[BaseModel]:
    """A subclass of ``model`` (same name and schema) that first strips each ``remove`` pattern from its string
    field (e.g. titles before a name), then requires the ``from_text`` fields to come from the context's text."""

    def strip_patterns(data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        cleaned = dict(data)
        for field, pattern in remove.items():
            if isinstance(cleaned.get(field), str):
                cleaned[field] = pattern.sub("", cleaned[field]).strip()
        return cleaned

    def check_from_text_fields(self: BaseModel, info: ValidationInfo) -> BaseModel:
        context = info.context
        if from_text and isinstance(context, dict) and isinstance(context.get("text"), str):
            problems = check_from_text(self.__dict__, from_text, context["text"])
            if problems:
                raise ValueError("; ".join(problems))
        return self

    namespace: dict[str, Any] = {
        "__module__": model.__module__,
        "__qualname__": model.__qualname__,
        "__doc__": model.__doc__,
        "_strip_patterns": model_validator(mode="before")(strip_patterns),
        "_check_from_text": model_validator(mode="after")(check_from_text_fields),
    }
    return type(model.__name__, (model,), namespace)


# Where a run of words ends: a value copied from the text never crosses these.
