"""The language a text is written in, as far as its common words tell, and those words: a capitalised "Para",
"Tenemos" or "Dienstag" at the start of a sentence is no one's name (stop-word lists: the stopwordsiso package)."""

import re
import unicodedata
from functools import lru_cache

import stopwordsiso

from gateway.extraction.text_facts import MONTH_NAMES, WEEKDAY_NUMBERS
from gateway.profiles.small.choices import CALENDAR_WORDS

# The languages looked for: those of the texts a gateway's users most often send besides English.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "pl", "cs", "fi")
_WORDS = {language: frozenset(stopwordsiso.stopwords(language)) for language in LANGUAGES}
# Common words of some language that are given names too: never taken for common.
_GIVEN_NAMES = frozenset("will may bill don page per else hans ben sue sara otto ole jan eva max".split())
# ... and titles or particles a name may start with ("Miss Hale", "De Luca"), but not be.
_BEFORE_NAMES = frozenset(
    "miss dr mr mrs ms mx sr sra prof sig pan pani st mc de van von la le di da dal dalla del della des el al bin du "
    "dos das ter ten af zu".split()
)
# Fewer of a language's common words than this and the text is taken as English.
_ENOUGH = 3
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

# Words that greet or thank someone, in those languages: before a name, never the start of one ("Hej Karin").
GREETINGS = frozenset(
    "hi hello hey dear hallo hola bonjour bonsoir salut ciao hej moin servus cher chère liebe lieber geachte beste "
    "hoi kära szanowna szanowny szanowni witam cześć gentile egregio egregia estimado estimada querido querida "
    "buongiorno olá ahoj thanks gracias merci danke grazie bedankt tack dziękuję obrigado obrigada dobrý dobry "
    "dzień guten goedemorgen goedemiddag goedenavond hei lieve kochani kochana kochany hilsen hälsningar".split()
)
# The days and months of every language text_facts reads, but their short forms of three letters or fewer that are
# names too ("Sam", "Dom", "Maj"): never a name on their own.
CALENDAR_NAMES = CALENDAR_WORDS | frozenset(word for word in MONTH_NAMES | WEEKDAY_NUMBERS.keys() if len(word) > 3)


@lru_cache(maxsize=64)
def language_of(text: str) -> str:
    """The language of ``LANGUAGES`` whose common words ``text`` writes most often; English when none stands out."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for match in _WORD.finditer(text[:20_000]):
        word = match.group().casefold()
        for language in LANGUAGES:
            if word in _WORDS[language]:
                counts[language] += 1
    best = max(LANGUAGES, key=lambda language: (counts[language], language == "en"))
    return best if counts[best] >= _ENOUGH else "en"


def common_words(text: str, *, alone: bool = False) -> frozenset[str]:
    """The common words (in lower case) of the language ``text`` is written in, less given names - and, unless
    a word stands ``alone``, the titles and particles a name may start with."""
    return _common(language_of(text), alone)


@lru_cache(maxsize=2 * len(LANGUAGES))
def _common(language: str, alone: bool) -> frozenset[str]:
    return _WORDS[language] - _GIVEN_NAMES - (frozenset() if alone else _BEFORE_NAMES)


def a_common_word(word: str, text: str, *, alone: bool = False) -> bool:
    """Whether ``word`` is a common word of ``text``'s language ("Para", "Tenemos"; "Del" ``alone``) or a greeting
    of any; not a word of two letters (the lists hold countries' codes: "Jo", "Ed", "Li" are names too)."""
    folded = word.casefold().rstrip(".,!")
    if alone and folded in _BEFORE_NAMES:
        return True
    return len(folded) > 2 and (folded in GREETINGS or folded in common_words(text, alone=alone))


def dated_with(word: str, text: str) -> bool:
    """Whether ``text`` writes ``word`` (a day's or a month's name) beside a number, as a date ("Mittwoch, 19.",
    "19. Februar", "3 de abril")."""
    name = re.escape(word)
    return re.search(rf"(?i)(?<!\w){name}\.?,?[ \t]+\d|\d\.?[ \t]+(?:de[ \t]+)?{name}(?!\w)", text) is not None


# A German noun is written capitalised, after an article, a possessive or a count ("ein Zimmer", "3 Nächte"): no
# name.
_GERMAN_ARTICLE = (
    r"(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|kein|keine|keinen|mein|meine|meinen|Ihr|Ihre|"
    r"Ihren|unser|unsere|unseren|pro|im|am|zum|zur|vom|beim|zwei|drei|vier|fünf|sechs|\d+)"
)


def a_german_noun(word: str, text: str) -> bool:
    """Whether a German ``text`` writes ``word`` as a noun: after an article, a possessive or a count somewhere."""
    if language_of(text) != "de":
        return False
    return re.search(rf"(?i)(?<!\w){_GERMAN_ARTICLE}[ \t]+{re.escape(word)}(?!\w)", text) is not None


def folded(word: str) -> str:
    """A word in small ASCII letters and digits only ("Umeå" -> "umea", "Auto-Kowal" -> "autokowal"): as a mail
    address or a web domain spells it."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", bare)
