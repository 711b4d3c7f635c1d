"""Tables written in text: lines of cells between ``|`` (Markdown and the like)."""

import re

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
_QUANTITY_TAIL = re.compile(rf"[ \t]*(?:[x×][ \t]*\d+|\d+[ \t]*[x×]|qty\.?:?[ \t]*\d+|{_PRICE})$", re.IGNORECASE)


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
