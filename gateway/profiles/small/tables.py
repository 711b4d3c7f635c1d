"""Tables written in text: lines of cells between ``|`` (Markdown and the like)."""

import csv
import functools
import itertools
import re

from gateway.extraction.text_facts import TextFacts

# A rule line between a table's heading and its rows ("|---|:--:|", "+----+").
RULE_LINE = re.compile(r"^[\s|+:=-]+$")


def cells(row: str) -> list[str]:
    """A table row's cells, stripped ("| Ana | 33 |" -> ["Ana", "33"])."""
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def heading(row: str) -> list[str]:
    """The column names a table's first row gives: its cells when it holds no digit, else none (a first row with
    digits is a record: "Ann Lee | 33 | Sales")."""
    return [] if any(character.isdigit() for character in row) else cells(row)


def labelled_row(heading: list[str], row: str) -> str:
    """A table row as its cells under their headings, "Time: 18:00 | Title: dbt at scale" (empty cells left out):
    shown the heading row above it, a small model copies the headings as values."""
    values = cells(row)
    if not heading:
        return row
    if len(values) != len(heading):
        return f"{' | '.join(heading)}\n{row}"
    return " | ".join(
        f"{name}: {cell}" if name else cell for name, cell in zip(heading, values, strict=True) if cell.strip("–—- ")
    )


# An item's line is short: a longer text is no item (and is not scanned).
MAX_ITEM_LINE = 300
# A line item's columns: two or more spaces, a tab, a bar, or dot leaders ("Linen Journal ×2 ... $38.00").
_COLUMNS = re.compile(r"[ \t]{2,}|\t|[ \t]\|[ \t]|[ \t]\.{2,}[ \t]|[ \t][·•][ \t]")
_BULLET = re.compile(r"^[ \t>]*(?:(?:[-*•·▪◦]+|\d{1,3}[.)])[ \t]+)?")
# A quantity or a price written at either end of a description ("1 x ", "Qty 3 - ", " ×2", " x1", " $38.00").
_QUANTITY_HEAD = re.compile(
    r"^(?:qty\.?:?[ \t]*\d+|\d+[ \t]*(?:[x×]|pcs?\.?))[ \t]*[-–:]?[ \t]+(?=\D)|^\d+[ \t]*[-–:][ \t]+(?=\D)",
    re.IGNORECASE,
)
_PRICE = r"[$€£¥][ \t]?\d[\d,.]*|\d[\d,.]*[ \t]?(?:[$€£¥]|eur|usd|gbp)"
# ... and its quantity or price after it, in brackets or after a dash too: "× 2", "(x2)", "— Qty 1", "2 Stk.".
_QUANTITY_WORD = r"(?:qty|quantity|menge|anzahl|anz|cant|cantidad|qté|quantité|qtà|quantità|antal|ilość|aantal)"
_PIECES = r"(?:pcs?|pieces?|stk|stück|szt|uds?|unidades|pz|pezzi|pièces?|kpl|stuks?|(?<=\s)st)"
_QUANTITY_TAIL = re.compile(
    rf"[ \t]*[(\[][ \t]*(?:[x×][ \t]*\d+|\d+[ \t]*[x×]|{_QUANTITY_WORD}\.?:?[ \t]*\d+)[ \t]*[)\]]$"
    rf"|(?:[ \t]*[-–—,|][ \t]*|[ \t]+)(?:{_QUANTITY_WORD}\.?:?[ \t]*\d+|\d+[ \t]*{_PIECES}\.?)$"
    rf"|[ \t]*(?:[x×][ \t]*\d+|\d+[ \t]*[x×]|{_PRICE})$",
    re.IGNORECASE,
)


def item_description(line: str) -> str | None:
    """The description a line laid out as an item holds - in columns, after a bullet, or beside a quantity or a
    price: its wordiest column without the quantity or price at its ends ("  1 x Ridgeline 45L Pack - Slate Blue",
    "- Linen Journal, A5 ×2 ... $38.00", "1   HL-2231   Nitrile Gloves, Blue     10"). None for any other text."""
    if "\n" in line.strip() or len(line) > MAX_ITEM_LINE:
        return None
    bare = _BULLET.sub("", line.strip())
    columns = _COLUMNS.split(bare)
    laid_out = bare != line.strip() or len(columns) > 1
    best = None
    for column in columns:
        column = column.strip()
        for _ in range(2):  # a quantity and a price
            column = _QUANTITY_TAIL.sub("", _QUANTITY_HEAD.sub("", column)).strip()
        laid_out = laid_out or column != bare.strip()
        letters = sum(character.isalpha() for character in column)
        if letters >= 3 and (best is None or letters > sum(character.isalpha() for character in best)):
            best = column
    return best if laid_out else None


def form_description(piece: str) -> str | None:
    """The description an item written over lines holds ("Item: Merino crew-neck jumper, navy, size M" over its
    "SKU:", "Qty:" and "Unit price:" lines; a product's line above "Sold by:" and "Qty:"): the wordiest line, without
    its label, a bullet or a quantity or price at its ends. None for a piece of one line or without such a line."""
    lines = [line.strip() for line in piece.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    best = None
    for line in lines:
        value = FORM_LINE.sub("", _BULLET.sub("", line))
        for _ in range(2):  # a quantity and a price
            value = _QUANTITY_TAIL.sub("", _QUANTITY_HEAD.sub("", value)).strip()
        letters = sum(character.isalpha() for character in value)
        if letters >= 3 and (best is None or letters > sum(character.isalpha() for character in best)):
            best = value
    return best


# A form's line: a label of a few words (no digits) before its colon and a value ("Art. no: 40224417", "Price/unit:
# 1 295 kr"), the label its first group.
FORM_LINE = re.compile(r"^([^\W\d_][^:\d]{0,28}?)\s*:\s*(?=\S)")
_CELL = re.compile(r"^([^:|]{1,40}?):\s+(.+)$", re.DOTALL)


def labelled_cells(piece: str) -> list[tuple[str, str]]:
    """A row written by ``labelled_row`` as its (heading, cell) pairs, the heading "" for a cell without one; none
    for a piece that is not such a row (fewer than two cells under a heading)."""
    if "\n" in piece.strip():
        return []
    pairs = []
    for part in piece.split(" | "):
        match = _CELL.match(part.strip())
        pairs.append((match.group(1).strip(), match.group(2).strip()) if match else ("", part.strip()))
    return pairs if sum(1 for label, _ in pairs if label) >= 2 else []


def columns_of(text: str, labels: list[str]) -> list[str]:
    """The names of every column of the table in ``text`` whose heading holds ``labels`` (a row leaves its empty
    cells out); ``labels`` themselves when no heading row holds them all."""
    wanted = {label for label in labels if label}
    for line in text.splitlines():
        if "|" in line and wanted <= set(names := heading(line)):
            return [name for name in names if name]
    return [label for label in labels if label]


def comma_tables(text: str) -> str:
    """``text`` with each block of comma-separated rows - an export: a heading row of short names without digits,
    then two or more rows of as many cells, no comma followed by a space outside quotes - written as a table of
    cells between bars ("#KC1042 | 2025-05-14 | Amira Haddad"), so that it reads as any table does; every other
    line as it was."""
    lines = text.split("\n")
    counts = [_cell_count(line) for line in lines]
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and counts[start] >= 3 and counts[end] == counts[start]:
            end += 1
        if end - start >= 3 and _heading_row(lines[start]) and not any(map(_spaced, lines[start:end])):
            for index in range(start, end):
                # An empty cell is written "-", so that a row's last cells keep their columns.
                lines[index] = " | ".join(cell.strip() or "-" for cell in next(csv.reader([lines[index]])))
            start = end
        else:
            start += 1
    return "\n".join(lines)


def spaced_tables(text: str) -> str:
    """``text`` with each table laid out in columns of spaces - a heading of three or more names without digits
    set apart by two spaces or more ("QTY  ITEM NO.   DESCRIPTION   UNIT PRICE"), then rows up to a blank line,
    two or more of them fitting its columns - written as a table of cells between bars, each row's cells under
    the column they stand under (a right-aligned amount too; a column a row leaves empty as "-"). Lines below
    the rows whose cells do not fit the columns (one running across two: "FARE: PLN 3,480.00") stay as they
    were, as does every other line; a table with such a line between its rows is left as written."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        columns = _spaced_columns(lines[index])
        rows = list(itertools.takewhile(str.strip, lines[index + 1 :])) if columns else []
        laid = [_under(columns, row) for row in rows]
        fitting = list(itertools.takewhile(lambda row: row is not None, laid))
        # Rows that fit, two or more, and only lines below them that do not (a total) - not a table broken by one.
        if len(fitting) >= 2 and not any(row is not None for row in laid[len(fitting) :]):
            lines[index] = " | ".join(name for name, _, _ in columns)
            for offset, row in enumerate(laid, start=index + 1):
                lines[offset] = " | ".join(row) if row is not None else lines[offset]
        index += 1 + len(rows)
    return "\n".join(lines)


def _spaced_columns(line: str) -> list[tuple[str, int, int]]:
    """A heading's column names with where each stands, set apart by two spaces or more; none for a line with a
    digit, a bar or fewer than three names."""
    if any(character.isdigit() for character in line) or "|" in line or "\t" in line:
        return []
    found = [(match.group(), match.start(), match.end()) for match in _SPACED_CELL.finditer(line)]
    return found if len(found) >= 3 and all(len(name) <= 30 for name, _, _ in found) else []


def _under(columns: list[tuple[str, int, int]], row: str) -> list[str] | None:
    """A row's cells (set apart by two spaces or more) each under the column it overlaps most, "-" for a column
    it leaves empty; None where a cell runs across another column's start, two share a column, one stands under
    none, or fewer than two cells are found."""
    starts = [start for _, start, _ in columns]
    bounds = list(zip([0, *starts[1:]], [*starts[1:], 10**6], strict=True))
    placed = ["-"] * len(columns)
    for match in _SPACED_CELL.finditer(row):
        if any(match.start() < start < match.end() - 1 for start in starts):
            return None
        overlaps = [min(end, match.end()) - max(start, match.start()) for start, end in bounds]
        best = max(range(len(columns)), key=lambda position: overlaps[position])
        if overlaps[best] <= 0 or placed[best] != "-":
            return None
        placed[best] = match.group()
    return placed if sum(cell != "-" for cell in placed) >= 2 else None


_SPACED_CELL = re.compile(r"\S+(?: \S+)*")


def _heading_row(line: str) -> bool:
    """Whether a line can head an export: short column names without digits."""
    return not any(character.isdigit() for character in line) and all(len(cell) <= 40 for cell in line.split(","))


def _spaced(line: str) -> bool:
    """Whether a line writes a comma and a space outside quotes, as prose and addresses do and exports do not."""
    return ", " in re.sub(r'"[^"]*"', "", line)


def _cell_count(line: str) -> int:
    """How many comma-separated cells a line holds (quoted cells may hold commas); 0 for a line with a bar."""
    if "," not in line or "|" in line or len(line) > 2000:
        return 0
    return len(next(csv.reader([line])))


def cell_per_line_tables(text: str) -> str:
    """``text`` with each table copied from a PDF a cell per line - a heading of three to eight short lines (three
    words or fewer, no digits), then two or more rows of as many lines, each row opening its cells with a digit
    in the same columns the first row does ("08:30–12:30", "13h30") - written as a table of cells between bars,
    so that it reads as any table does; every other line as it was."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        run = 0
        while index + run < len(lines) and run < 9 and _heading_cell(lines[index + run]):
            run += 1
        # The heading is the lines of the run that the most rows follow: a title can read like a heading cell
        # before it ("Programme de l'après-midi"), a first row's short cell after it ("Preparing to negotiate").
        # Of two that hold as many lines, the one with more columns of one kind of value (dates, lengths), then
        # the one that leaves no short line hanging after its rows, then the first.
        rows: list[list[str]] = []
        width = skip = 0
        best: tuple[int, int, int] = (0, 0, 0)
        for offset in range(run - 2):
            for size in range(min(run - offset, 8), 2, -1):
                found = _cell_rows(lines, index + offset + size, size)
                after = index + offset + size * (len(found) + 1)
                hanging = int(after < len(lines) and _heading_cell(lines[after]))
                typed = (
                    sum(
                        1
                        for column in range(size)
                        if _cell_kind(found[0][column]) and len({_cell_kind(row[column]) for row in found}) == 1
                    )
                    if found
                    else 0
                )
                # (rows keyed by a date or a length alone: three at least - a flyer's two events are no table)
                keyed = {_cell_kind(cell) for cell in found[0]} & {"time", "number"} if found else set()
                enough = len(found) >= (2 if keyed else 3)
                if enough and (score := (len(found) * size, typed, -hanging)) > best:
                    rows, width, skip, best = found, size, offset, score
        out += lines[index : index + skip]
        index += skip
        if len(rows) >= 2:
            out.append(" | ".join(line.strip() for line in lines[index : index + width]))
            out += [" | ".join(row) for row in rows]
            index += width * (len(rows) + 1)
        else:
            out.append(lines[index])
            index += 1
    return "\n".join(out)


def _heading_cell(line: str) -> bool:
    line = line.strip()
    return bool(line) and len(line) <= 30 and len(line.split()) <= 3 and not re.search(r"[\d|:.]", line)


def _cell_rows(lines: list[str], start: int, width: int) -> list[list[str]]:
    """The rows of ``width`` lines from ``start`` on, while each writes a value of the same kind where the first
    does (a time "08:30–12:30", "13h30"; a session's number "1") - not a recipe's "10 min", "200 g flour"."""
    rows: list[list[str]] = []
    keys: dict[int, str] = {}
    while start + width <= len(lines):
        row = [line.strip() for line in lines[start : start + width]]
        if not all(row) or any("|" in cell for cell in row):
            break
        kinds = {column: kind for column, cell in enumerate(row) if (kind := _cell_kind(cell))}
        if not rows:
            keys = kinds
            if not keys or len(keys) == width:
                return []  # no column of times or numbers, or nothing else: not a table's rows
        elif any(kinds.get(column) != kind for column, kind in keys.items()):
            break
        rows.append(row)
        start += width
    return rows


_CELL_TIME = re.compile(r"\d{1,2}(?:[:.h]\d{2}|\s?[ap]\.?m\b)", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # each line is tried as a cell of several headings' rows
def _cell_kind(cell: str) -> str | None:
    """A cell's value as a table's key column holds it: a time of day opening it, a number alone, a date alone
    ("Mon 9 Mar 2026", "09.03.2026") or a number with its unit ("3.5 hrs", "€120")."""
    if _CELL_TIME.match(cell):
        return "time"
    if re.fullmatch(r"\d{1,3}", cell):
        return "number"
    if _CELL_MEASURE.fullmatch(cell):
        return "measure"
    facts = TextFacts(cell)
    dates = [found for found in (*facts.dates, *facts.yearless_dates) if found.end - found.start >= len(cell) - 5]
    return "date" if dates else None


_CELL_MEASURE = re.compile(r"(?:[^\w\s]{1,2}\s?)?\d+(?:[.,]\d+)?\s?(?:[^\W\d_]{1,6}\.?)?")
