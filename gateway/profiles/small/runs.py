"""Runs of a text's words: the strings a small model may copy into a field (``grounding``)."""

import re
from functools import lru_cache

from gateway.extraction.text_facts import Found, trimmed
from gateway.profiles.small.choices import FUNCTION_WORDS, MAX_SPAN_TEXT

# Longest run of whitespace-separated words offered for a string, and how many runs at most.
MAX_RUN_WORDS = 6
MAX_RUNS = 2500


def _words(text: str) -> list[tuple[int, int]]:
    """Where each whitespace-separated word stands, trimmed of edge punctuation (empty ones dropped)."""
    found = []
    for match in re.finditer(r"\S+", text):
        start, end = trimmed(text, match.start(), match.end())
        if start < end:
            found.append((start, end))
    return found


@lru_cache(maxsize=32)
def runs(text: str) -> list[Found]:
    """Runs of 1..``MAX_RUN_WORDS`` words as the text writes them (inner punctuation and spacing kept), first
    appearances in text order: the strings a field can copy.

    A run does not go on past a word followed by , ; : ! ? or a full stop (an abbreviation such as "Dr." or
    "ul." goes on to a capitalised word), nor across a dash standing alone; it neither starts nor ends with a
    function word ("at the", "Lume on"; "The" may start a run of capitalised words: "The Copper Pot").
    """
    if len(text) > MAX_SPAN_TEXT:
        return []
    seen: dict[str, Found] = {}
    words = _words(text)
    lowered = [text[start:end].casefold() for start, end in words]
    for first in range(len(words)):
        if not _is_word(lowered[first]) or (
            lowered[first] in FUNCTION_WORDS
            and not (lowered[first] == "the" and first + 1 < len(words) and text[words[first + 1][0]].isupper())
        ):
            continue
        for last in range(first, min(first + MAX_RUN_WORDS, len(words))):
            if last > first and (_ends_phrase(text, words[last - 1], words[last]) or not _is_word(lowered[last])):
                break
            if lowered[last] in FUNCTION_WORDS:
                continue
            start, end = trimmed(text, words[first][0], words[last][1])
            if start < end:
                value = text[start:end]
                seen.setdefault(value, Found(value, start, end))
        if len(seen) > MAX_RUNS:
            break
    return sorted(seen.values(), key=lambda found: (found.start, found.end))


def _is_word(word: str) -> bool:
    return any(character.isalnum() for character in word)


def _ends_phrase(text: str, word: tuple[int, int], following: tuple[int, int]) -> bool:
    """Whether a run of words stops between ``word`` and ``following``: after , ; : ! ?, a line break, or a full
    stop that ends a sentence (after a short abbreviation - "Dr.", "ul." - only when the next word is not
    capitalised)."""
    after = text[word[1] : word[1] + 1]
    if after in (",", ";", ":", "!", "?") or "\n" in text[word[1] : following[0]]:
        return True
    if after != ".":
        return False
    return word[1] - word[0] > 3 or not text[following[0]].isupper()
