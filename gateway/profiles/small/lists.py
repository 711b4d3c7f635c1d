"""Lists read in small steps, for small models (``ChunkedLists``).

A small model asked for every person in a long text stops early, or pairs a name with the next person's number.
Given one sentence at a time, and asked again about one item when its stretch of text offers it several numbers,
it does far better (docs/embedded-model.md).

This works for schemas whose items can be found in the text and hold nothing else: every field a required
``x-gateway.from_text`` string (the first is the *anchor*, such as a name) or integer (such as an age). Other
schemas' lists are read in one call.
"""

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gateway.errors import ExtractionFailed
from gateway.extraction.text_facts import integer_spans, written_as_age
from gateway.profiles import Ask
from gateway.profiles.small.choices import (
    CALENDAR_WORDS,
    FUNCTION_WORDS,
    name_words,
    names_an_age,
    text_spans,
    value_choices,
)
from gateway.profiles.small.people import could_name_a_person, labels_a_person_before
from gateway.profiles.small.runs import capitalised, whole_name
from gateway.profiles.small.tables import RULE_LINE, cells, comma_tables, heading
from gateway.schemas.compiler import CompiledSchema

# Where a text is cut into chunks: semicolons, line breaks, and sentence ends - not the full stop of a title or
# an initial ("Dr. Ana Ruiz", "J. Smith").
_SENTENCE_BREAKS = re.compile(
    r";|\n+|(?<![A-Z]\.)(?<![A-Z][a-z]\.)(?<![A-Z][a-z]{2}\.)(?<![A-Z][a-z]{3}\.)(?<=[.!?])\s+"
)
_COMMA = re.compile(r",")
# A chunk offering more numbers than this for an item is cut further, at its commas: the model stops early in
# longer lists.
MAX_ITEMS_PER_CALL = 3
# Text between two items that only joins them ("Anna and Elsa turned 12"): they may share a number.
_JOINED = re.compile(r"[\s,]*(?:and|&|or)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ListPlan:
    """The fields that place an item in the text: its anchor string and its numbers."""

    anchor: str
    numbers: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.anchor, *self.numbers)


def list_plan(schema: CompiledSchema) -> ListPlan | None:
    """The plan for ``schema``'s lists, or None unless every field is a required ``from_text`` string or integer,
    at least one a string. Only then is every value of an item known to sit in the chunk it was read from: a
    field the plan does not check (an optional email on the next line) could be left in another chunk."""
    properties = schema.model_schema.get("properties", {})
    required = set(schema.model_schema.get("required", []))
    kinds = {name: properties[name].get("type") for name in schema.options.from_text if name in properties}
    if set(properties) != required or set(properties) != set(kinds):
        return None
    anchors = [name for name, kind in kinds.items() if kind == "string"]
    numbers = tuple(name for name, kind in kinds.items() if kind == "integer")
    if not anchors or len(anchors) + len(numbers) != len(kinds):
        return None
    return ListPlan(anchors[0], numbers)


@dataclass(frozen=True)
class Chunk:
    """A stretch of the input text, and where it starts."""

    start: int
    text: str


def split_text(text: str, plan: ListPlan, properties: dict[str, Any]) -> Iterator[Chunk]:
    """The chunks to extract one by one: sentences (cut at commas where one offers more than
    ``MAX_ITEMS_PER_CALL`` numbers), each joined to the next until it offers a value for every field of the plan.
    Text after the last such chunk cannot hold a whole item and is left out; so is a text that offers none.
    Lazily: a long text is cut only as far as its chunks are read."""

    def offered(piece: str) -> set[str]:
        """The plan's fields ``piece`` offers a value for (every one, if it offers too many runs to list)."""
        choices = set(value_choices(properties, plan.fields, piece))
        return set(plan.fields) if plan.anchor not in choices and text_spans(piece) is None else choices

    def crowded(piece: str) -> bool:
        choices = value_choices(properties, plan.numbers, piece)
        return any(len(choices.get(field, [])) > MAX_ITEMS_PER_CALL for field in plan.numbers)

    needed = set(plan.fields)
    for sentence in _joined(_pieces(text, 0, _SENTENCE_BREAKS), text, offered, needed):
        pieces = _pieces(sentence.text, sentence.start, _COMMA)
        smaller = list(_joined(pieces, text, offered, needed)) if crowded(sentence.text) else []
        if smaller:
            # Not if that would leave numbers behind ("Ann, Bo, Cy and Di are 30, 27, 33 and 29").
            rest = text[smaller[-1].start + len(smaller[-1].text) : sentence.start + len(sentence.text)]
            smaller = [] if value_choices(properties, plan.numbers, rest) else smaller
        yield from smaller or [sentence]


def _pieces(text: str, offset: int, breaks: re.Pattern[str]) -> Iterator[Chunk]:
    position = 0
    for match in breaks.finditer(text):
        if text[position : match.start()].strip():
            yield Chunk(offset + position, text[position : match.start()])
        position = match.end()
    if text[position:].strip():
        yield Chunk(offset + position, text[position:])


def _joined(
    pieces: Iterable[Chunk], text: str, offered: Callable[[str], set[str]], needed: set[str]
) -> Iterator[Chunk]:
    """Pieces joined forward (with the text between them) until together they offer every ``needed`` field.
    Each piece is looked at once: a long run of pieces that offer nothing costs linear time."""
    start: int | None = None
    have: set[str] = set()
    for piece in pieces:
        start = piece.start if start is None else start
        have |= offered(piece.text)
        if have >= needed:
            yield Chunk(start, text[start : piece.start + len(piece.text)])
            start, have = None, set()


@dataclass
class Placed:
    """An extracted item and where its anchor value stands in the whole text."""

    start: int
    end: int
    item: BaseModel

    def value(self, field: str) -> Any:
        return getattr(self.item, field)


def place(items: Sequence[BaseModel], chunk: Chunk, plan: ListPlan) -> list[Placed]:
    """``items`` (one chunk's answer) in text order, without repeats and strays: an item whose anchor overlaps an
    earlier one's is a repeat; an item sharing its numbers with the next one, with more than a joining word
    between them, is a stray the model made from the words before a real item ("Staff list - Priya, 41")."""
    placed: list[Placed] = []
    for item in [one for joined in items for one in _parted(joined, plan)]:
        where = _locate(str(getattr(item, plan.anchor)), chunk)
        if where is None:
            continue
        start, end = where
        low, high = _named_before_number(chunk.text, start - chunk.start, item, plan) or whole_name(
            chunk.text, start - chunk.start, end - chunk.start
        )
        renamed = _with_value(item, plan.anchor, chunk.text[low:high])
        if (low, high) != (start - chunk.start, end - chunk.start) and renamed is not None:
            item, (start, end) = renamed, (chunk.start + low, chunk.start + high)
        if any(start < other.end and other.start < end for other in placed):
            continue
        placed.append(Placed(start, end, item))
    placed.sort(key=lambda entry: entry.start)
    kept = []
    for index, entry in enumerate(placed):
        following = placed[index + 1] if index + 1 < len(placed) else None
        if following is not None and plan.numbers and _strays_before(entry, following, plan, chunk):
            continue
        kept.append(entry)
    return kept


_TWO_NAMES = re.compile(r"(.+?)[ \t]+(?:and|&)[ \t]+(.+)")


def _parted(item: BaseModel, plan: ListPlan) -> list[BaseModel]:
    """Two items for an item named by two names joined by "and" ("Milo and Ava", who are 9), else the item."""
    parts = _TWO_NAMES.fullmatch(str(getattr(item, plan.anchor)))
    if parts is None or not all(_a_name(part) for part in parts.groups()):
        return [item]
    both = [_with_value(item, plan.anchor, part) for part in parts.groups()]
    return [one for one in both if one is not None] if all(both) else [item]


def _locate(value: str, chunk: Chunk) -> tuple[int, int] | None:
    words = value.split()
    if not words:
        return None
    match = re.search(r"\s+".join(map(re.escape, words)), chunk.text, re.IGNORECASE)
    return None if match is None else (chunk.start + match.start(), chunk.start + match.end())


# "Mei Chen, 24, from Taipei": a place named after an item's number, and the name written just before it.
_PLACE_AFTER_NUMBER = re.compile(r"^[ \t]*\)?[ \t]*,?[ \t]*(?:from|of|in|at|near)[ \t]+$", re.IGNORECASE)


def _named_before_number(text: str, start: int, item: BaseModel, plan: ListPlan) -> tuple[int, int] | None:
    """Where the name of ``item`` stands when the model took the place after its number for it ("Mei Chen, 24,
    from Taipei" read as Taipei, 24): the capitalised words just before the number. None otherwise."""
    if not plan.numbers:
        return None
    number = getattr(item, plan.numbers[0])
    before = [span for span in integer_spans(text[:start]) if span[2] == number]
    if not before or not _PLACE_AFTER_NUMBER.match(text[before[-1][1] : start]):
        return None
    name = _PAIRED_NAME.search(text, max(0, before[-1][0] - 80), before[-1][0])
    return None if name is None or not capitalised(name.group(1)) else name.span(1)


def _with_value(item: BaseModel, field: str, value: Any) -> BaseModel | None:
    """``item`` with ``field`` set to ``value``, if its schema still accepts it."""
    try:
        return type(item).model_validate({**item.model_dump(), field: value})
    except ValueError:
        return None


# "Doris, 79", "Mark (54)", "Kev is 27", "Joe turned 90", "Morag, she's 74": a capitalised name written just before
# a number, a comma, a bracket or a verb saying how old between them (an aside in brackets before the comma too:
# "Marcus Whitfield (a.k.a. "Bones"), 34").
_LABEL_COUNT = re.compile(r"\)?[ \t]*:")
# One to four capitalised words, with initials ("Walter J. Abernathy") and particles ("Maria de la Cruz") between.
_PARTICLES = frozenset("de del della der den di da do dos du la le van von bin binti ibn al el".split())
_NAME = (
    rf"[^\W\d_a-z][\w'’-]*(?:[ \t]+(?:(?:{'|'.join(sorted(_PARTICLES))})[ \t]+)*(?:[A-Z]\.|[^\W\d_a-z][\w'’-]*)){{0,3}}"
)
_AGE_VERB = r"(?:(?:just|now|recently)[ \t]+)?(?:is|was|are|were|turned|turns|turning|aged)[ \t]+"
_PAIRED_NAME = re.compile(
    rf"({_NAME})(?:[ \t]*\([^()\d\n]{{1,40}}\)(?=[ \t]*,))?(?:[ \t]*(?:\(|,(?:[ \t]*(?:just|only|now)\b)?)[ \t]*"
    rf"|,?[ \t]+(?:(?:who|that)[ \t]+)?{_AGE_VERB}(?:(?:now|just|only|still)[ \t]+)?"
    rf"|['’]s[ \t]+|,[ \t]*(?:he|she|they)(?:['’]s[ \t]+|[ \t]+{_AGE_VERB}))$"
)
# "19-year-old winger Kwame Asante-Boateng": a name written after its number, at most two lower-case words between.
_NAME_AFTER_AGE = re.compile(rf"[- \t]years?[- \t]old(?:[ \t]+[a-z]+){{0,2}}[ \t]+({_NAME})(?![\w'’-])")


def name_number_pairs(chunk: Chunk, plan: ListPlan, properties: dict[str, Any]) -> list[tuple[int, int, Any, bool]]:
    """Where the chunk writes a name with a number its item may hold, just before it ("Doris, 79", "Kev is 27") or
    just after its age ("19-year-old winger Kwame"): ``(start, end, number, opens a sentence)``, the name's place in
    the whole text. None for a plan of more or fewer than one number."""
    if len(plan.numbers) != 1:
        return []
    allowed = set(value_choices(properties, plan.numbers, chunk.text).get(plan.numbers[0], []))
    pairs = []
    for start, end, value in integer_spans(chunk.text):
        if value not in allowed or _LABEL_COUNT.match(chunk.text, end):  # "Attendees (3): ..." counts them
            continue
        after = _NAME_AFTER_AGE.match(chunk.text, end)
        if after is not None and _a_name(after.group(1)):
            pairs.append((chunk.start + after.start(1), chunk.start + after.end(1), value, False))
            continue
        name = _name_before(chunk.text, start)
        if name is None:
            continue
        opening = chunk.text[: name.start(1)].rstrip(" \t")
        # A sentence's first word alone may be any word ("Yesterday, 3 of the campers"): such a pair corrects
        # items, and makes none.
        opens = " " not in name.group(1) and (not opening or opening[-1] in ".!?;\n")
        pairs.append((chunk.start + name.start(1), chunk.start + name.end(1), value, opens))
    return pairs


def _name_before(text: str, end: int) -> re.Match[str] | None:
    """The name written just before position ``end`` (a number) with a comma, bracket or verb between, if any: the
    longest run of capitalised words there that is a name ("Lukas" of "I'm Lukas, 33")."""
    position = max(0, end - 80)
    while (name := _PAIRED_NAME.search(text, position, end)) is not None and not _a_name(name.group(1)):
        following = re.search(r"[ \t]+", name.group(1))
        if following is None:
            return None
        position = name.start(1) + following.end()
    return name


def _a_name(words: str) -> bool:
    """Whether ``words`` may be a name: two letters or more, capitalised, not opening with a function word ("I'm
    Lukas" is not; the search starts again after it) nor a word of the calendar."""
    first = re.split(r"['’]", words.split()[0])[0].casefold()
    named = " ".join(word for word in words.split() if word not in _PARTICLES)
    letters = sum(character.isalpha() for character in words)
    return (
        letters >= 2  # not "F" of "Ngozi Eze, F, 48"
        and capitalised(named)
        and first not in FUNCTION_WORDS
        and words.casefold() not in CALENDAR_WORDS
    )


def with_pairs(
    entries: list[Placed], chunk: Chunk, plan: ListPlan, properties: dict[str, Any], schema: CompiledSchema
) -> tuple[list[Placed], set[int]]:
    """``entries`` set right by the names the chunk writes just before a number ("Doris, 79, and sons Mark, 54"):
    an item named so takes that number; an item holding a paired number under a name paired with none takes the
    paired name ("Police" of "Police are looking for Jake Morrow, 24"); a pair no item holds is an item of its own.
    Also the indexes of the items a pair settled (their numbers need no second read)."""
    pairs = name_number_pairs(chunk, plan, properties)
    field = plan.numbers[0] if pairs else ""
    ends = {pair[1] for pair in pairs}
    for entry in entries:
        for low, high, value, _ in pairs:
            taken = any(other.end == high for other in entries if other is not entry)
            if low <= entry.start and entry.end == high:
                # The item's own name, or the end of the one paired ("Marc Tremblay" of "Firefighter Marc Tremblay").
                item = _with_value(entry.item, field, value)
            elif entry.end == high:  # the paired name with words before it that are none of it ("I'm Leila Haddad")
                named = _with_value(entry.item, plan.anchor, chunk.text[low - chunk.start : high - chunk.start])
                item = None if named is None else _with_value(named, field, value)
                if item is not None:
                    entry.start = low
            elif entry.end not in ends and entry.value(field) == value and not taken:
                item = _with_value(entry.item, plan.anchor, chunk.text[low - chunk.start : high - chunk.start])
                if item is not None:
                    entry.start, entry.end = low, high
            else:
                continue
            entry.item = item or entry.item
            break
    for low, high, value, opens in pairs:
        held = any(entry.value(field) == value for entry in entries)
        if opens or held or any(low < entry.end and entry.start < high for entry in entries):
            continue
        try:
            item = schema.model.model_validate(
                {plan.anchor: chunk.text[low - chunk.start : high - chunk.start], field: value}
            )
        except ValueError:
            continue
        entries.append(Placed(low, high, item))
    entries.sort(key=lambda entry: entry.start)
    return entries, {index for index, entry in enumerate(entries) if entry.end in ends}


def with_own_pair(answer: BaseModel, text: str, schema: CompiledSchema) -> BaseModel:
    """One object of a name-and-number schema set right by the names the text writes just before a number
    ("Please welcome Hyun-woo Park (29) ... Best, Claire"): named so, it takes that number; holding a paired number
    under a name paired with none, it takes the paired name. ``answer`` itself otherwise."""
    plan = list_plan(schema)
    if plan is None or len(plan.numbers) != 1:
        return answer
    field = plan.numbers[0]
    words = str(getattr(answer, plan.anchor)).split()
    if not words:
        return answer
    spots = [match.span() for match in re.finditer(r"\s+".join(map(re.escape, words)), text, re.IGNORECASE)]
    pairs = name_number_pairs(Chunk(0, text), plan, schema.model_schema.get("properties", {}))
    own = [value for low, high, value, _ in pairs if any(low <= start and end == high for start, end in spots)]
    if own:
        return answer if getattr(answer, field) in own else _with_value(answer, field, own[0]) or answer
    named = [(low, high) for low, high, value, opens in pairs if value == getattr(answer, field) and not opens]
    if len({text[low:high] for low, high in named}) != 1:
        return _referred(answer, text, plan, spots)
    low, high = named[0]
    return _with_value(answer, plan.anchor, text[low:high]) or answer


def _referred(answer: BaseModel, text: str, plan: ListPlan, spots: list[tuple[int, int]]) -> BaseModel:
    """A one-object answer whose name is only a sentence's first word ("Tributes have been paid ...") or written
    only after its age, set to the name the age refers back to: the last name of two words or more in the
    sentence before the age's or earlier in it, where the age is written as one ("Police named her as Eileen
    Marjorie Cartwright. She was seventy-six."; "Nguyen Thi Minh Anh\nAge: 26")."""
    value = getattr(answer, plan.numbers[0])
    ages = [start for start, end, number in integer_spans(text) if number == value and written_as_age(text, start, end)]
    if len(ages) != 1 or not spots:
        return answer
    age = ages[0]
    if labels_a_person_before(str(getattr(answer, plan.anchor)), text):
        return answer
    opening = all(" " not in text[start:end] and _opens(text, start) for start, end in spots)
    if not opening and not all(start > age for start, _ in spots):
        return answer
    breaks = [match.end() for match in _SENTENCE_BREAKS.finditer(text, 0, age)]
    # The age's sentence refers back to someone: "she was 76", "as he is 83", "Age: 26", "The 38-year-old" (not
    # "The partner is 41").
    opens = breaks[-1] if breaks else 0
    if not _REFERRING.search(text, opens, age) and not _OPENS_WITH_THE.fullmatch(text, opens, age):
        return answer
    window = breaks[-2] if len(breaks) >= 2 else 0
    names = []
    for match in re.finditer(rf"(?<![\w'’-]){_NAME}(?![\w'’-])", text[window:age]):
        start, end = window + match.start(), window + match.end()
        own_line = _opens(text, start) and text[end:].startswith(("\n", "\r"))  # "Nguyen Thi Minh Anh\nAge: 26"
        if (
            len(match.group().split()) >= 2
            and _a_name(match.group())
            and (own_line or not _opens(text, start))
            and could_name_a_person([match.group()], text, about_an_age=True) == [match.group()]
            and not _PLACE_BEFORE.search(text, max(0, start - 12), start)
        ):
            names.append(match)
    if not names:
        return answer
    return _with_value(answer, plan.anchor, names[-1].group()) or answer


_REFERRING = re.compile(r"(?i)\b(?:she|he|her|his|they|their)\b|\bage[ \t]*[:=]")
# "The 38-year-old has been charged": a sentence opening with its age refers back too.
_OPENS_WITH_THE = re.compile(r"(?i)\W*the[ \t]+")
_PLACE_BEFORE = re.compile(r"(?i)\b(?:at|in|from|near|to|of)[ \t]+$")


def _opens(text: str, start: int) -> bool:
    """Whether ``text[start:]`` opens a sentence or a line."""
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in ".!?;\n"


def _strays_before(entry: Placed, following: Placed, plan: ListPlan, chunk: Chunk) -> bool:
    if any(entry.value(field) != following.value(field) for field in plan.numbers):
        return False
    between = chunk.text[entry.end - chunk.start : following.start - chunk.start]
    return _JOINED.fullmatch(between) is None


def number_window(entries: list[Placed], index: int, chunk: Chunk, plan: ListPlan) -> Chunk:
    """The stretch of ``chunk`` that speaks of item ``index``: from the end of the previous item's numbers (or its
    anchor) to the next item's anchor. The model is asked again about an item whose window offers several
    numbers for one of its fields."""
    low = chunk.start
    if index > 0:
        previous = entries[index - 1]
        low = previous.end
        for start, end, value in integer_spans(chunk.text):
            position = chunk.start + start
            taken = any(previous.value(field) == value for field in plan.numbers)
            if taken and previous.end <= position and chunk.start + end <= entries[index].start:
                low = max(low, chunk.start + end)
    high = entries[index + 1].start if index + 1 < len(entries) else chunk.start + len(chunk.text)
    return Chunk(low, chunk.text[low - chunk.start : high - chunk.start])


class ChunkedLists:
    """The small profile's ``ListReader``: each chunk's items in text order, repeats and strays dropped, numbers
    read again where an item's stretch of text offers several."""

    def applies_to(self, schema: CompiledSchema) -> bool:
        return list_plan(schema) is not None

    async def read(self, schema: CompiledSchema, text: str, ask: Ask) -> AsyncIterator[BaseModel]:
        plan = list_plan(schema)
        assert plan is not None, "read() is only called when applies_to() is true"
        properties = schema.model_schema.get("properties", {})
        text = comma_tables(text)  # an export's rows read as a table's
        chunks = split_text(text, plan, properties)
        rows = table_rows(text)
        ages_written = _writes_ages(text, plan)
        # Cutting a long text is CPU work (seconds for a megabyte of short sentences): off the event loop.
        while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
            entries = await _read_row(chunk, rows, plan, ask)
            paired: set[int] = set(range(len(entries or [])))  # a row's cells are its values: not read again
            if entries is None:
                answer = await ask("list", chunk.text)
                entries, paired = with_pairs(place(answer.items, chunk, plan), chunk, plan, properties, schema)
                if ages_written:  # not from a table row: its cells are its values
                    ages = _ages_in(chunk)
                    kept = [
                        index in paired or entry.value(plan.numbers[0]) in ages for index, entry in enumerate(entries)
                    ]
                    paired = {sum(kept[:index]) for index in paired}
                    entries = [entry for entry, keep in zip(entries, kept, strict=True) if keep]
            for index, entry in enumerate(entries):
                if index not in paired:
                    window = number_window(entries, index, chunk, plan)
                    entry.item = await _reread_numbers(schema, entry, window, plan, ask)
            for entry in entries:
                yield entry.item


def _writes_ages(text: str, plan: ListPlan) -> bool:
    """Whether items are ages (their one number field is named for an age) and the text writes some as ages do
    ("Joe turned 90"): then a number written otherwise ("48 of us") is no item's."""
    if len(plan.numbers) != 1 or not names_an_age(plan.numbers[0]):
        return False
    return any(written_as_age(text, start, end) for start, end, _ in integer_spans(text))


def _ages_in(chunk: Chunk) -> set[int]:
    """The numbers the chunk writes as ages somewhere."""
    return {found for start, end, found in integer_spans(chunk.text) if written_as_age(chunk.text, start, end)}


async def _reread_numbers(schema: CompiledSchema, entry: Placed, window: Chunk, plan: ListPlan, ask: Ask) -> BaseModel:
    """``entry``'s item, its numbers read again from its own ``window`` as one object (its anchor fixed by the
    grammar) when the window offers several for a field; the window's own number when it offers one the item does
    not hold ("Omar, 36, have 2 kids": 2 counts kids); as it was otherwise, or if the answer fails."""
    choices = value_choices(schema.model_schema.get("properties", {}), plan.numbers, window.text)
    if not any(len(options) > 1 or entry.value(field) not in options for field, options in choices.items()):
        return entry.item
    if all(len(options) == 1 for options in choices.values()):  # nothing left to choose
        return entry.item.model_copy(update={field: options[0] for field, options in choices.items()})
    try:
        again = await ask("one", window.text, {**choices, plan.anchor: [entry.value(plan.anchor)]})
    except ExtractionFailed:
        return entry.item
    return entry.item.model_copy(update={field: getattr(again, field) for field in plan.numbers})


@dataclass(frozen=True)
class Row:
    """A table row, where it stands in the text, and the column names of the heading row above it."""

    start: int
    end: int
    cells: list[str]
    heading: list[str]


def table_rows(text: str) -> list[Row]:
    """The rows of the text's tables (three lines or more holding a ``|``) under a heading row: a first row
    without digits, naming the columns ("Name | Age | Position")."""
    found: list[Row] = []
    table: list[tuple[int, str]] = []
    position = 0
    for line in [*text.splitlines(keepends=True), ""]:
        start, position = position, position + len(line)
        if "|" in line:
            if not RULE_LINE.match(line):
                table.append((start, line.rstrip("\r\n")))
            continue
        if len(table) >= 3 and (names := heading(table[0][1])):
            found += [Row(start, start + len(row), cells(row), names) for start, row in table[1:]]
        table = []
    return found


def _column(heading: list[str], field: str) -> int | None:
    """The column whose heading names ``field`` ("Name" or "Full name" for ``name``, "Age" for ``age``)."""
    stems = {word.casefold()[:4] for word in name_words(field) if len(word) >= 3}
    for index, name in enumerate(heading):
        if {word.casefold()[:4] for word in re.findall(r"[^\W\d_]{3,}", name)} & stems:
            return index
    return None


async def _read_row(chunk: Chunk, rows: list[Row], plan: ListPlan, ask: Ask) -> list[Placed] | None:
    """The items of a chunk holding table rows whose heading names every field: each row read with each field
    fixed to the cell under its name (shown a bare row, a small model takes any cell for the name); a row whose
    number cell is empty is no item (every field is required). None for any other chunk, or when a row's cells do
    not make an item (the chunk is then read as text)."""
    inside = [row for row in rows if chunk.start <= row.start and row.end <= chunk.start + len(chunk.text)]
    if not inside or any(len(row.cells) != len(row.heading) for row in inside):
        return None
    placed: list[Placed] = []
    for row in inside:
        # One row is asked about with the chunk's text around it; each of several with its own line.
        own = (
            chunk if len(inside) == 1 else Chunk(row.start, chunk.text[row.start - chunk.start : row.end - chunk.start])
        )
        found = await _read_one_row(own, row, plan, ask)
        if found is None:
            return None
        placed += found
    return placed


async def _read_one_row(chunk: Chunk, row: Row, plan: ListPlan, ask: Ask) -> list[Placed] | None:
    columns = {field: _column(row.heading, field) for field in plan.fields}
    if any(column is None for column in columns.values()):
        return None
    fixed: dict[str, list[Any]] = {}
    for field, column in columns.items():
        assert column is not None
        cell = row.cells[column]
        if field == plan.anchor:
            fixed[field] = [cell]
        else:
            if not cell.strip(" -–—"):
                return []  # "Beatriz Carvalho,,bea@...": no age, no item
            numbers = [value for _, _, value in integer_spans(cell)]
            if len(numbers) != 1:
                return None
            fixed[field] = numbers
    try:
        item = await ask("one", chunk.text, fixed)
    except ExtractionFailed:
        return None
    where = _locate(str(getattr(item, plan.anchor)), chunk)
    return None if where is None else [Placed(*where, item)]
