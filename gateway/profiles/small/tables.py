"""Tables written in text: lines of cells between ``|`` (Markdown and the like)."""

import re

# A rule line between a table's heading and its rows ("|---|:--:|", "+----+").
RULE_LINE = re.compile(r"^[\s|+:=-]+$")


def cells(row: str) -> list[str]:
    """A table row's cells, stripped ("| Ana | 33 |" -> ["Ana", "33"])."""
    return [cell.strip() for cell in row.strip().strip("|").split("|")]
