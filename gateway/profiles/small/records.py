"""Lists of any schema read a record at a time: a text that lays its objects out as records - bullet or numbered
lines, table rows, paragraphs under a heading, "(1) ... (2) ..." - is read one record per call, with the lines
around the records (a heading, a closing line) as shared context. A small model then reads one object from a short
text whose values it can tell apart, instead of a list from a long one. A text without such a layout is read in
one call. Objects that hold an array of objects (bookings and their flights, recipes and their ingredients) are
cut where each lays out its own items instead - a bullet of a recipe is an ingredient, not a recipe - and each is
read as the JSON route reads one (``nested``)."""

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass

from pydantic import BaseModel

from gateway.errors import ExtractionFailed
from gateway.profiles import Ask
from gateway.profiles.small.nested import NestedReader, Part, nested_part, pieces, sections
from gateway.profiles.small.tables import RULE_LINE, comma_tables, heading, labelled_row, spaced_tables
from gateway.schemas.compiler import CompiledSchema

_BULLET = re.compile(r"^\s*(?:[-*•·–—▪►]|\d{1,2}[.)]|\(\d{1,2}\)|[a-h][.)])\s+")
_INLINE_NUMBERS = re.compile(r"\((\d{1,2})\)\s|(?<![\w.])(\d{1,2})\)\s")


@dataclass(frozen=True)
class Layout:
    """The records of a text and the context they share (what comes before and after them)."""

    records: list[str]
    before: str
    after: str

    def piece(self, record: str) -> str:
        """The text one record is read from: the context before it, the record, the context after it."""
        return "\n".join(part for part in (self.before.strip(), record.strip(), self.after.strip()) if part)


def layout(text: str) -> Layout | None:
    """The text's records, if it lays out at least two: lines, table rows, paragraphs or inline numbers."""
    return _lines(text) or _table(text) or _paragraphs(text) or _inline(text)


def _lines(text: str) -> Layout | None:
    lines = text.splitlines()
    marked = [index for index, line in enumerate(lines) if _BULLET.match(line)]
    if len(marked) < 2:
        return None
    first, last = marked[0], marked[-1]
    records = [lines[index] for index in marked]
    # Unmarked lines between records continue the record above them.
    for index in range(first, last + 1):
        if index not in marked and lines[index].strip():
            owner = max(position for position in marked if position < index)
            records[marked.index(owner)] += "\n" + lines[index]
    return Layout(records, "\n".join(lines[:first]), "\n".join(lines[last + 1 :]))


def _table(text: str) -> Layout | None:
    lines = text.splitlines()
    rows = [index for index, line in enumerate(lines) if "|" in line]
    if len(rows) < 3 or rows != list(range(rows[0], rows[-1] + 1)):
        return None
    # Each row with its cells under their column names ("ID: IT-2041 | Product: Printers"): shown the heading row
    # above a bare row instead, a small model copies the column names as values.
    names = heading(lines[rows[0]])
    body = [lines[index] for index in rows[1 if names else 0 :] if not RULE_LINE.match(lines[index])]
    records = [labelled_row(names, row) for row in body]
    return Layout(records, "\n".join(lines[: rows[0]]), "\n".join(lines[rows[-1] + 1 :]))


def _paragraphs(text: str) -> Layout | None:
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    if len(blocks) < 3:
        return None
    head, *rest = blocks
    # A heading: one short line above longer records.
    if "\n" in head.strip() or len(head) > 100:
        return Layout(blocks, "", "") if len(blocks) >= 3 and all(len(block) > 40 for block in blocks) else None
    return Layout(rest, head, "")


def _inline(text: str) -> Layout | None:
    markers = list(_INLINE_NUMBERS.finditer(text))
    numbers = [int(match.group(1) or match.group(2)) for match in markers]
    if len(markers) < 2 or numbers != list(range(1, len(markers) + 1)):
        return None
    records = [
        text[marker.end() : markers[index + 1].start() if index + 1 < len(markers) else len(text)]
        for index, marker in enumerate(markers)
    ]
    return Layout(records, text[: markers[0].start()], "")


class RecordLists:
    """The small profile's ``ListReader`` for any schema: one call per record where the text has records. An object
    holding an array of objects (a booking's flights) is read with ``objects``, the profile's reader of such
    objects, one per stretch of text that lays out its own items (``nested.sections``); a text laying out one run
    of items holds one such object."""

    def __init__(self, objects: NestedReader) -> None:
        self.objects = objects

    def applies_to(self, schema: CompiledSchema) -> bool:
        return True

    async def read(self, schema: CompiledSchema, text: str, ask: Ask) -> AsyncIterator[BaseModel]:
        # An export's rows ("#KC1042,2025-05-14,Amira Haddad") and columns set apart by spaces, read as a table's.
        text = spaced_tables(comma_tables(text))
        part = nested_part(schema)
        if part is not None:
            found = await asyncio.to_thread(_objects_with_items, text, part)  # a long text must not hold the loop
            if found:
                for piece in found:
                    try:
                        yield await self._object(schema, piece, ask)
                    except ExtractionFailed:
                        continue
                return
        records = layout(text)
        if records is None:
            answer = await ask("list", text)
            for item in answer.items:
                yield item
            return
        for record in records.records:
            try:
                yield await self._object(schema, records.piece(record), ask)
            except ExtractionFailed:
                continue  # a line laid out like a record that holds no object of the schema (a note, a total)

    async def _object(self, schema: CompiledSchema, text: str, ask: Ask) -> BaseModel:
        if not self.objects.applies_to(schema):
            return await ask("one", text)  # type: ignore[no-any-return]
        async with aclosing(self.objects.read(schema, text, ask)) as steps:
            async for step in steps:
                if isinstance(step, BaseModel):
                    return step
        raise ExtractionFailed("the model's answer held no object", schema=schema.name)


def _objects_with_items(text: str, part: Part) -> list[str]:
    """The stretches of ``text`` holding one object and its items each (``sections``); the whole text where it
    lays out one run of items; none where it lays out none."""
    found = sections(text, part)
    if not found and pieces(text, part.item, part.about, part.others, optional=not part.required):
        return [text]
    return found
