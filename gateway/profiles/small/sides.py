"""The two sides of a match a text writes with its score: the values a field holding one side's name or score may
take (``grounding``).

A small model offered every run of a club's news page for the home team takes a menu word or a scorer's name, and
for the home score any of its figures. A result is written on one line as the two sides joined by a dash with the
score after them ("TSV Lindach – HSG Glonntal 28:25 (14:12)") or with the score between them ("Ashcombe Rovers
Reserves 3–1 Felbridge Athletic"); the side written first is the home side.
"""

import functools
import re
from dataclasses import dataclass
from typing import Literal

from gateway.profiles.small.choices import name_words

Side = Literal[0, 1]

# Words of a field's name for the home side and for the visiting side ("home_team", "away_score", "visitor_goals").
_HOME = frozenset("home local heim".split())
_AWAY = frozenset("away visitor visitors visiting".split())


def side_of(field: str) -> Side | None:
    """Which side of a match a field names: 0 for the home side ("home_team", "home_score"), 1 for the visiting one
    ("away_team", "visitor_goals"); None for any other field."""
    words = {word.casefold() for word in name_words(field)}
    home, away = bool(words & _HOME), bool(words & _AWAY)
    return 0 if home and not away else 1 if away and not home else None


def counterpart(field: str, siblings: list[str]) -> bool:
    """Whether a sibling names the same thing of the other side ("away_team" beside "home_team"); never for a
    side's word alone ("home" and "away" of a penalty shoot-out's object)."""
    side = side_of(field)
    rest = {word.casefold() for word in name_words(field)} - _HOME - _AWAY
    if side is None or not rest:
        return False
    return any(
        side_of(name) == 1 - side and {word.casefold() for word in name_words(name)} - _HOME - _AWAY == rest
        for name in siblings
    )


@dataclass(frozen=True)
class Result:
    """One result a line writes: the two sides' names and scores, the home side's first."""

    sides: tuple[str, str]
    scores: tuple[int, int]


# A side's name: up to six words, the first capitalised or a figure-led code ("MO14-1", "U13"), on one line.
_NAME = r"[^\W\d_][\w'’.&/-]*(?:[ \t]+[\w'’.&/()-]+){0,5}?"
# A score: two figures joined by a dash or a colon, not a time ("15:00", "17:30 Uhr") nor part of a code or a date.
_SCORE = (
    r"(?<![\w.-])(?P<first>\d{1,3})[ \t]*[-–—:][ \t]*(?!0\d)(?P<second>\d{1,3})"
    r"(?![\d:.,/]|[ \t]*(?:uhr|h\b|am\b|pm\b))"
)
# "A – B 28:25", "A – B: **4-1**", "A - B 3:1"
_JOINED_THEN_SCORE = re.compile(
    rf"(?P<home>{_NAME})[ \t]+(?:[–—-]|vs\.?|v\.?)[ \t]+(?P<away>{_NAME})[ \t]*:?[ \t]*(?:\*\*)?[ \t]*{_SCORE}",
    re.IGNORECASE,
)
# "A 3–1 B"
_SCORE_BETWEEN = re.compile(rf"(?P<home>{_NAME})[ \t]+{_SCORE}[ \t]+(?P<away>{_NAME})(?=[ \t]*(?:[(,;|]|$))", re.M)
# Where a side's name cannot start: what a line's label, bullet or markup leaves before it.
_LEAD = re.compile(r"^(?:[-*•>#|]+[ \t]*)+")


def results(text: str) -> list[Result]:
    """The results ``text`` writes, in text order."""
    return list(_results(text))


@functools.lru_cache(maxsize=16)
def _results(text: str) -> tuple[Result, ...]:
    found = (_result(raw.replace("**", "")) for raw in text.splitlines())
    return tuple(result for result in found if result is not None)


def _result(line: str) -> Result | None:
    """The result a line writes, if any: each piece after a label's colon or a dash between a line's parts is read
    on its own ("SLUTRESULTAT: Hagalunds IBK – Tullinge IBF 5–6", "- MO14-1 – De Wielen MO14-1 – Kampong MO14-3:
    4-1"), the sides joined first, then the score between them."""
    for pattern in (_JOINED_THEN_SCORE, _SCORE_BETWEEN):
        for start in _starts(line):
            match = pattern.match(line, start)
            if match is None:
                continue
            home, away = _bare(match["home"]), _bare(match["away"])
            if home and away and home != away:
                return Result((home, away), (int(match["first"]), int(match["second"])))
    return None


def _starts(line: str) -> list[int]:
    """Where a side's name may start on a line: its start, and after each label's colon or spaced dash."""
    places = [0, *(match.end() for match in re.finditer(r":[ \t]+|[ \t][–—-][ \t]+", line))]
    return [place + _lead(line[place:]) for place in places]


def _lead(rest: str) -> int:
    bullet = _LEAD.match(rest)
    return bullet.end() if bullet else 0


def _bare(name: str) -> str:
    """A side's name without the marks around it; empty where it opens with a word in small letters."""
    name = name.strip(" \t.,;:")
    return name if name[:1].isupper() or name[:1].isdigit() else ""


def sides(text: str, side: Side) -> list[str]:
    """The names ``text`` writes for one side of its results, in text order, once each."""
    return list(dict.fromkeys(result.sides[side] for result in _results(text)))


def scores(text: str, side: Side) -> list[int]:
    """The scores ``text`` writes for one side of its results, in text order, once each."""
    return list(dict.fromkeys(result.scores[side] for result in _results(text)))
