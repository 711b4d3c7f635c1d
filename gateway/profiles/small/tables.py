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
