"""Answers checked against the input text (``x-gateway.from_text``), so the LLM is re-asked when it invents;
and cleaned first (``x-gateway.remove``: a pattern stripped from a string field, such as a title before a name).

A listed string field must occur in the text (ignoring case and runs of spaces); a listed number field must be
written in the text, in digits or in English words ("forty-two"). The check runs when the model is validated
with a ``{"text": ...}`` context, which the extractor passes; elsewhere (docs, examples) it stays out of the way.
"""

import math
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


def _number_word_spans(text: str) -> list[tuple[int, int, int]]:
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
    return found | {float(value) for _, _, value in _number_word_spans(text)}


def annotate_number_words(text: str) -> str:
    """``"forty-two"`` -> ``"forty-two (42)"``: a small model copies digits far better than it converts words."""
    parts, position = [], 0
    for _start, end, value in _number_word_spans(text):
        parts.append(f"{text[position:end]} ({value})")
        position = end
    parts.append(text[position:])
    return "".join(parts)


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
_BREAKS = re.compile(r"[,;:()\[\]{}<>\"|=/\\—–…!?]+|\.$|\s[-‐‑]\s")
MAX_SPAN_WORDS = 6
# A value copied from the text does not start with one of these: a small model otherwise takes "They", "My
# roommate" or "At the reunion" for a name. ("The Hague" is offered as "Hague".)
_FUNCTION_WORDS = frozenset(
    "a an the this that these those i me my mine we us our ours you your yours he him his she her hers it its "
    "they them their theirs who whom whose which what and or but nor of in on at to for from with by as is are "
    "was were be been".split()
)
# Above this many choices a field is left to the validator alone: the grammar would grow too large.
MAX_CHOICES = 1500
# Nor are runs of words looked for in a longer text (far beyond the local model's context anyway): a long text of
# few distinct words would take seconds to scan, on the event loop.
MAX_SPAN_TEXT = 50_000


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
                if words[start].casefold() in _FUNCTION_WORDS:
                    break
                span = " ".join(words[start:end])
                seen.setdefault(span.rstrip("."), None)
                seen.setdefault(span, None)
            if len(seen) > limit:
                return None
    return list(seen)


# A whole number written in digits, standing alone: not part of a code or a name such as "22A", "B-12" or
# "SK1423" (an ordinal suffix, "21st", is allowed).
_DIGITS = re.compile(r"(?<![\w.])(?<![A-Za-z]-)\d+(?:,\d{3})*(?![\d]|\.\d)(?!(?!(?:st|nd|rd|th)\b)[A-Za-z])")


def integer_spans(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, value)`` of each whole number ``text`` states, in digits or in words, in text order."""
    found = [(match.start(), match.end(), int(match.group().replace(",", ""))) for match in _DIGITS.finditer(text)]
    return sorted(found + _number_word_spans(text))


def stated_integers(text: str) -> list[int]:
    """The whole numbers ``text`` states, in digits or in words, in order of first appearance."""
    return list(dict.fromkeys(value for _, _, value in integer_spans(text)))


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
                options = [value for value in stated_integers(text) if low <= value <= high]
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
