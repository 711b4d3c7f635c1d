"""Runs of a text's words: the strings a small model may copy into a field (``grounding``)."""

import itertools
import re
from functools import lru_cache

from gateway.extraction.text_facts import Found, trimmed
from gateway.profiles.small.choices import FUNCTION_WORDS, MAX_SPAN_TEXT

# Longest run of whitespace-separated words offered for a string, and how many runs at most.
MAX_RUN_WORDS = 6
MAX_RUNS = 2500


# Scripts written without spaces end their phrases with full-width punctuation ("患者王芳，女，32岁").
_FULL_WIDTH = "，。：；、！？（）「」『』"
_WORD = re.compile(rf"[^\s{_FULL_WIDTH}]+")
_PHRASE_ENDS = frozenset(",;:!?" + _FULL_WIDTH)


def _words(text: str) -> list[tuple[int, int]]:
    """Where each whitespace-separated word stands, trimmed of edge punctuation (empty ones dropped)."""
    found = []
    for match in _WORD.finditer(text):
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
        if (
            not _is_word(lowered[first])
            or _after_a_time(lowered, first)
            or (
                lowered[first] in FUNCTION_WORDS
                and not (lowered[first] == "the" and first + 1 < len(words) and text[words[first + 1][0]].isupper())
            )
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
            if start < end and _INITIAL.fullmatch(text, words[last][0], end + 1):  # "Helen T.", with its dot too
                seen.setdefault(text[start : end + 1], Found(text[start : end + 1], start, end + 1))
        if len(seen) > MAX_RUNS:
            break
    # Longer values a title or a name of a thing may take whole: a quoted text ("Learning to Rest", 'the typewriter
    # wars') and a phrase of more words than a run has, up to its punctuation ("Bootstrapping to $1M ARR without a
    # cofounder").
    for match in _QUOTED.finditer(text):
        start, end = trimmed(text, *match.span(1 if match.group(1) is not None else 2))
        if start < end:
            seen.setdefault(text[start:end], Found(text[start:end], start, end))
    for first, last in _phrases(text, words, lowered):
        if MAX_RUN_WORDS < last - first + 1 <= MAX_PHRASE_WORDS and lowered[first] not in FUNCTION_WORDS:
            start, end = trimmed(text, words[first][0], words[last][1])
            seen.setdefault(text[start:end], Found(text[start:end], start, end))
    return sorted(seen.values(), key=lambda found: (found.start, found.end))


_INITIAL = re.compile(r"[^\W\d_a-z]\.")
_HALF_DAY = frozenset({"am", "pm", "a.m", "p.m", "a.m.", "p.m."})


def _after_a_time(lowered: list[str], index: int) -> bool:
    """Whether word ``index`` is the "PM" of "6:00 PM": no run starts there."""
    return lowered[index] in _HALF_DAY and index > 0 and lowered[index - 1][-1:].isdigit()


# Longest phrase offered whole, and what a quoted text is.
MAX_PHRASE_WORDS = 14
_QUOTED = re.compile(r"[\"“«]([^\"“”«»\n]{2,160})[\"”»]|(?<![\w'’])['‘]([^'‘’\n]{2,160})['’](?![\w'’])")


def _phrases(text: str, words: list[tuple[int, int]], lowered: list[str]) -> list[tuple[int, int]]:
    """The maximal runs of words that no punctuation or lone dash breaks, as (first, last) word indexes."""
    found, first = [], 0
    for index in range(len(words) + 1):
        if index == len(words) or not _is_word(lowered[index]):
            if first < index:
                found.append((first, index - 1))
            first = index + 1
        elif index > first and _ends_phrase(text, words[index - 1], words[index]):
            found.append((first, index - 1))
            first = index
    return found


def _is_word(word: str) -> bool:
    return any(character.isalnum() for character in word)


def _ends_phrase(text: str, word: tuple[int, int], following: tuple[int, int]) -> bool:
    """Whether a run of words stops between ``word`` and ``following``: after , ; : ! ?, a line break, a tab or
    three spaces, or a full stop that ends a sentence (after a short abbreviation - "Dr.", "ul." - only when the next
    word is not capitalised)."""
    after = text[word[1] : word[1] + 1]
    gap = text[word[1] : following[0]]
    if after in _PHRASE_ENDS or "\n" in gap or "\t" in gap or "   " in gap:  # a wide gap parts a sheet's columns
        return True
    if after != ".":
        return False
    return word[1] - word[0] > 3 or not text[following[0]].isupper()


def whole_name(text: str, start: int, end: int, *, titles: bool = True) -> tuple[int, int]:
    """Where the capitalised name holding the value at ``text[start:end]`` starts and ends: a small model often
    takes the last word of a name ("Siddiqui" of "Father - Ahmed Siddiqui") or a title before it ("Prof" of "Prof.
    Tomás Herrera"). A one-word value is widened by a capitalised word just before it (not a sentence's or line's
    first word: "Yesterday Carlos", "; Twins Anna"; nor "I'm") and one just after it ("Vantage Portal"); a title
    alone becomes the name after it (with ``titles``: a salutation field keeps its "Mr")."""
    if titles and _TITLE.fullmatch(text[start:end]) is not None and text[end : end + 1] == ".":
        if (after := _NAME_AFTER.match(text, end + 1)) is not None and capitalised(after.group(1)):
            return after.start(1), after.end(1)
    if " " in text[start:end].strip():
        return start, end
    low, high = start, end
    if (before := _WORD_BEFORE.search(text, max(0, start - 60), start)) is not None:
        opening = text[: before.start(1)].rstrip(" \t")
        after_title = _TITLE_END.search(opening) is not None  # "Dr. Ana": no sentence ends at "Dr."
        if _names(before.group(1)) and opening and (opening[-1] not in ".!?;\n" or after_title):
            low = before.start(1)
    if (after := _WORD_AFTER.match(text, end)) is not None and _names(after.group(1)):
        high = after.end(1)
    return low, high


def _names(word: str) -> bool:
    """Whether a capitalised word may be part of a name: not a pronoun or article ("I'm", "The")."""
    return capitalised(word) and re.split(r"['’]", word)[0].casefold() not in FUNCTION_WORDS


def capitalised(words: str) -> bool:
    """Whether every word starts with a capital or a letter of a script without case ("Ana Popescu", "王芳"; not
    "étudie", which the patterns' "not a-z" lets through)."""
    return all(not word[0].islower() for word in words.split())


# A title, written with a full stop after it ("Dr.", "Prof.", "Sra.").
TITLES = r"(?:Dr|Dra|Mr|Mrs|Ms|Mx|Prof|Sr|Sra|Srta|Rev|Capt|Col|Gen|Sgt|Lt|Hon|Mme|Mlle|Fr|Herr|Frau|Insp|Supt)"
_TITLE = re.compile(TITLES)
_TITLE_END = re.compile(rf"(?<![\w'’-]){TITLES}\.$")
_NAME_AFTER = re.compile(r"[ \t]+((?:[^\W\d_a-z][\w'’-]*)(?:[ \t]+[^\W\d_a-z][\w'’-]*)*)")
_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_a-z][\w'’-]*)(?![\w'’-])")
_WORD_BEFORE = re.compile(r"(?<![\w'’-])([^\W\d_a-z][\w'’-]*)[ \t]+$")


_POSSESSIVE = re.compile(r"['’]s$")
_NAME_WORD = r"[^\W\d_a-z][\w’'-]*"
_NO_NAME = frozenset("why what how when where who which then yes no ok okay hi hello thanks sorry please".split())
_NICKNAMED = re.compile(rf" ['‘][^\W\d_a-z][^\W\d_]+['’] {_NAME_WORD}")
_NUMBERED_LINE = re.compile(r"(?:^|\n)[ \t]*\d{1,3}[.)]$")


def _words_before(text: str, start: int) -> tuple[str, bool]:
    """Up to two capitalised words just before ``start`` that may open a name, and whether they surely do: inside
    a sentence, after a line's number ("1. Tsegaye Mekonnen") or a form's label ("Pt: Graciela"), or a sentence's
    first word the text also writes inside one ("HALVORSEN, Ingeborg. Ingeborg Marie ...") or calls someone by in
    quoted speech; not only as a sentence's first ("Yesterday Carlos")."""
    for count in (2, 1):
        before = re.search(rf"((?:{_NAME_WORD} ){{{count}}})$", text[max(0, start - 60) : start])
        if before is None or not all(_names(word) for word in before.group(1).split()):
            continue
        opening = text[: start - len(before.group(1))].rstrip(" ")
        if _NUMBERED_LINE.search(opening) or (opening and opening[-1] not in '.!?:;\n"“('):
            return before.group(1), True
        if count == 1 and _PERSON_LABEL.search(opening):
            return before.group(1), True  # a form's answer for a person: "Pt: Graciela Montes de Oca"
        # Written elsewhere inside a sentence, or called by it in quoted speech ("Kieran, you are not in trouble").
        first = re.escape(before.group(1).split()[0])
        return before.group(1), re.search(rf"[^\W\d_],? {first}(?![\w'’-])|[\"“]{first},", text) is not None
    return "", True


# A form's label for a person, right before a name: "Pt:", "Patient:", "Name:", "Client:", "Player:".
_PERSON_LABEL = re.compile(
    r"(?i)(?:^|\n|\|)[ \t]*(?:full[ \t]+)?(?:name|pt|patient|client|guest|player|member|employee|applicant|"
    r"candidate|student|pupil|tenant|resident|defendant|passenger|driver|person)[ \t]*(?:name)?[ \t]*:[ \t]*$"
)


def _whole_word(word: str) -> str:
    return rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])"


def fullest_name(text: str, value: str) -> str | None:
    """The one longer form the text writes a person's name in, where it writes one: "Tsegaye Mekonnen" for
    "Mekonnen" ("1. Tsegaye Mekonnen (ETH) ... Mekonnen, who is just 22"), "Amara Nwachukwu" for "Amara's";
    the value without a possessive "'s" where the text writes it so; None if nothing changes or two forms
    compete (a form that may open a sentence competes too: "Ann Lee met Bo Lee"). A name of two words takes a
    word before it only where the text writes that word elsewhere too ("HALVORSEN, Ingeborg. Ingeborg Marie
    Halvorsen"), not a title ("Firefighter Marc Tremblay")."""
    bare = _POSSESSIVE.sub("", value)
    longer: set[str] = set()
    doubtful = False
    places = list(itertools.islice(re.finditer(rf"(?<![\w'’-]){re.escape(bare)}(?![\w-])", text), 20))
    for place in places:
        after = re.match(rf"((?: {_NAME_WORD}){{1,2}})", text[place.end() : place.end() + 60])
        # Words after a name widen it only where the text also writes it without them ("Amara's turning SIX ...
        # Amara Nwachukwu's party"): once, "Maria Lopez Monday" or "Ana Ruiz MD" is a name and what follows.
        named_after = after is not None and len(places) >= 2 and all(_names(word) for word in after.group(1).split())
        words_after = after.group(1) if after is not None and named_after else ""
        # A nickname in single quotes inside a name goes with it: "Margaret 'Peggy' Doherty".
        if (nicknamed := _NICKNAMED.match(text, place.end())) is not None and all(
            _names(word) and word.casefold() not in _NO_NAME for word in re.findall(r"[^\W\d_]+", nicknamed.group(0))
        ):
            words_after = nicknamed.group(0)
        words_before, sure = _words_before(text, place.start())
        doubtful = doubtful or not sure
        labelled = len(words_before.split()) == 1 and bool(
            _PERSON_LABEL.search(text[: place.start() - len(words_before)])
        )
        if (
            " " in bare
            and words_before
            and len(re.findall(_whole_word(words_before.split()[0]), text)) < 2
            and not labelled
        ):
            words_before = ""  # before a name of two words, a title as likely ("Firefighter Marc Tremblay")
        wider = _POSSESSIVE.sub("", f"{words_before if sure else ''}{bare}{words_after}")
        if wider != bare:
            longer.add(wider)
    if len(longer) == 1 and not doubtful:
        return longer.pop()
    if not longer and bare != value and re.search(_whole_word(bare), text):
        return bare
    return None
