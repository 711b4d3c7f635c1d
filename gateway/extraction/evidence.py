"""Where each value of an answer came from: the span of the input text it was read from, and how it matched - the
way langextract aligns its extractions. Found after the fact, so it works for every provider and profile.

A string is found as written (``exact``), ignoring case and runs of spaces (``normalised``), or as the closest
stretch of the text (``fuzzy``, at least 80% alike). A number, date, time or date-time is found where the text
writes that value in any form ("1,250.00", "3 March 2024", "7.30pm"): ``exact`` when written just so, else
``normalised``. A value the text does not hold (a judged sentiment, an enum it paraphrases) has no evidence.
"""

import difflib
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from gateway.extraction.text_facts import Found, TextFacts

Match = Literal["exact", "normalised", "fuzzy"]
# Below this ratio a string is not said to come from the text.
FUZZY_RATIO = 0.8


class Evidence(BaseModel):
    """One value of the answer and the span of the input text it came from."""

    path: str = Field(description="Where the value is in the answer: `vendor.name`, `items[1].price`, `tags[0]`.")
    value: Any = Field(description="The value as answered.")
    start: int = Field(description="Offset of the span's first character in the input text.")
    end: int = Field(description="Offset just past its last character (`text[start:end]` is the span).")
    match: Match = Field(description="`exact`, `normalised` (case, spacing or format differ) or `fuzzy`.")


def evidence_for(answer: Any, text: str, *, prefix: str = "") -> list[Evidence]:
    """Evidence for every leaf of ``answer`` (an answer's JSON: an object, a list of them, or one value)."""
    facts = TextFacts(text)
    return [found for path, value in _leaves(answer, prefix) if (found := _locate(path, value, facts)) is not None]


def _leaves(value: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, f"{path}[{index}]")]
    return [] if value is None else [(path, value)]


def _locate(path: str, value: Any, facts: TextFacts) -> Evidence | None:
    text = facts.text
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _typed(path, value, facts.numbers, text, lambda found: float(found.value) == float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    position = text.find(value)
    if position >= 0:
        return Evidence(path=path, value=value, start=position, end=position + len(value), match="exact")
    for kind in (facts.dates, facts.datetimes, facts.times, facts.urls):
        typed = _typed(path, value, kind, text, lambda found: _same_moment(found.value, value))
        if typed is not None:
            return typed
    squashed = re.compile(r"\s+".join(map(re.escape, value.split())), re.IGNORECASE)
    match = squashed.search(text)
    if match is not None:
        return Evidence(path=path, value=value, start=match.start(), end=match.end(), match="normalised")
    return _fuzzy(path, value, text)


def _typed(path: str, value: Any, found: list[Found], text: str, same: Any) -> Evidence | None:
    for item in found:
        if same(item):
            written = text[item.start : item.end]
            kind: Match = "exact" if written == str(value) else "normalised"
            return Evidence(path=path, value=value, start=item.start, end=item.end, match=kind)
    return None


def _same_moment(found: Any, value: str) -> bool:
    """A date, time or URL the text writes, against the answer's (seconds and a zone may be left out)."""
    found, value = str(found), value.removesuffix("Z")
    return found == value or found.startswith(value) or (value.startswith(found) and len(found) >= 5)


def _fuzzy(path: str, value: str, text: str) -> Evidence | None:
    """The stretch of ``text`` most like ``value`` (as long as it, word-aligned), if alike enough."""
    if len(value) < 4 or len(text) > 20_000:
        return None
    words = [match.span() for match in re.finditer(r"\S+", text)]
    size = max(1, len(value.split()))
    best: tuple[float, int, int] = (0.0, 0, 0)
    lowered = value.casefold()
    for first in range(len(words)):
        for count in (size - 1, size, size + 1):
            if count < 1 or first + count > len(words):
                continue
            start, end = words[first][0], words[first + count - 1][1]
            ratio = difflib.SequenceMatcher(None, lowered, text[start:end].casefold()).ratio()
            if ratio > best[0]:
                best = (ratio, start, end)
    ratio, start, end = best
    if ratio < FUZZY_RATIO:
        return None
    return Evidence(path=path, value=value, start=start, end=end, match="fuzzy")
