"""The names a text gives the thing it is about - the product a review page reviews, the restaurant a booking is
at, the hotel a confirmation comes from: what a field named for its object's own thing is offered ("product_name" of
a ``ProductReview``, "restaurant" of a ``RestaurantReservation``, "hotel_name" of a ``HotelBooking``).

A small model offered every run of a text's words takes a reviewer's name, a price's words or a town for such a
field. The thing a text is about stands where a reader looks for it: in its heading - a line of its own near the top,
a part of one set apart by a dash, a bar or a middle dot, the last crumb of a page's breadcrumbs, the words a label
or quotes set apart there, a mail's sender and subject - in its footer, or it is named again and again.
"""

import functools
import re
import unicodedata

from gateway.extraction.text_facts import places_written
from gateway.profiles.small import addresses
from gateway.profiles.small.choices import name_words
from gateway.profiles.small.languages import GREETINGS, folded
from gateway.profiles.small.organisations import DEPARTMENT, LEGAL_TAIL, a_closing, a_kind_word
from gateway.profiles.small.people import TITLE_WORDS, looks_like_a_name, person_label_ends

# A capital letter of the Latin, Greek and Cyrillic alphabets ("É", "Ł"; not "é", "ü", which "[^\W\d_a-z]" lets in).
_UP = "[" + "".join(re.escape(c) for c in map(chr, range(0x41, 0x530)) if c.isupper()) + "]"
_LOW = "[" + "".join(re.escape(c) for c in map(chr, range(0x61, 0x530)) if c.islower()) + "]"

# How many of a text's first lines (not blank, not a page's menu) may be its heading; and its last ones, a footer.
_HEAD_LINES = 8
_FOOT_LINES = 2
_MAX_WORDS = 12
_MAX_NAMES = 12

# A mail's header line: the sender's (whose display name may be the thing's: "From: Gasthaus Zum Goldenen Anker
# <info@...>"), the subject's, and the others, which name nothing of the thing.
_SENDER = re.compile(r"(?i)^(?:from|von|de|da|van|från|fra|od|remitente|expéditeur)[ \t]*:[ \t]*")
_SUBJECT = re.compile(
    r"(?i)^(?:subject|betreff|objet|asunto|oggetto|onderwerp|ämne|emne|temat|assunto)[ \t]*:[ \t]*"
    r"(?:(?:re|aw|wg|fw|fwd|tr|rv|r|i|sv|vs|odp)[ \t]*:[ \t]*)*"
)
_OTHER_HEADER = re.compile(
    r"(?i)^(?:to|an|à|a|para|aan|till|til|do|cc|bcc|date|datum|data|fecha|sent|gesendet|envoyé|enviado|inviato|"
    r"verzonden|skickat|sendt|wysłano|reply-to)[ \t]*:"
)
# A reply's own mark before a heading ("Re: ...", "AW: ...") and a tag in brackets ("[Review] ...").
_REPLY_MARK = re.compile(r"(?i)^(?:(?:re|aw|wg|fw|fwd|tr|rv|sv|odp)[ \t]*:[ \t]*)+|^\[[^\]\n]{1,20}\][ \t]*")
# A greeting opens a letter's body, not its heading ("Dear Ms Raman,", "Sehr geehrte Frau Dr. Albers,").
_GREETING = re.compile(
    r"(?i)^(?:dear|hi|hello|hey|good (?:morning|afternoon|evening)|sehr geehrte[rn]?|liebe[rn]?|hallo|guten tag|"
    r"bonjour|bonsoir|cher|chère|madame|monsieur|hola|estimad[oa]s?|querid[oa]s?|gentile|egregi[oa]|buongiorno|"
    r"ciao|geachte|beste|hoi|hej|kära|szanown[aiy]|dzień dobry|witam)\b"
)
# Where a line's parts part: a dash, bar, middle dot, bullet, slash or breadcrumb's arrow standing between spaces,
# a column's gap, a label's colon.
_PARTS = re.compile(r"[ \t]+[-–—|·•›»>/][ \t]+|[ \t]{3,}|\t+|(?<=[^\W\d_])[ \t]*:[ \t]+|^[‹<][ \t]*")
_QUOTED_PARTS = re.compile(r"[ \t]+[-–—|·•›>/][ \t]+|[ \t]{3,}|\t+|(?<=[^\W\d_])[ \t]*:[ \t]+|^[‹<][ \t]*")
# A remark in brackets after a name ("Halvorsen Trekker 3 (18 months, 6,200 km)"), a copyright's mark and year.
_REMARK = re.compile(r"[ \t]*[(\[][^()\[\]\n]*[)\]]")
_COPYRIGHT = re.compile(r"^(?:©|\(c\))[ \t]*(?:\d{4}(?:[-–]\d{4})?)?[ \t]*", re.IGNORECASE)
# Words set in quotes: „Nordlicht Akku-Staubsauger S9 Pro“, « ... », "...", “...”.
_QUOTED = re.compile(r"(?<!\d)[„“\"«»]\s?([^„“”\"«»\n]{2,80}?)\s?[“”\"»«]")  # (not an inch's: 55")
# A sentence's end (not "1.5L", "St. Kilda", "Dr. med. Anna Keller", "Yahoo! Travel"): a word of small letters
# before a stop, a question or an exclamation mark at the end or before the next sentence's capital.
_SENTENCE_END = re.compile(rf"(?<![\w'’-]){_LOW}{{5,}}[.!?]+(?:$|[ \t]+{_UP})")
# A run of capitalised words (and the small words between them, and a model's figures after the first) inside a
# sentence: "The Copper Heron", "Breville Aura 1.7L", "Fellow Ode Gen 2".
_CAPITALISED_RUN = re.compile(
    rf"(?<![\w'’.-])(?:(?:The|Le|La|Les|Il|Lo|El|Los|Las|De|Het|Der|Die|Das)[ \t])?{_UP}[\w'’-]*"
    r"(?:[ \t](?:(?:&|and|und|et|e|y|of|for|on|the|de|del|della|di|da|do|du|des|zum|zur|am|im|van|von|op)[ \t]){0,2}"
    rf"(?:{_UP}[\w'’-]*|\d[\w.,-]*[^\W\d_][\w-]*|\d+(?![\w.,/-]|:\d)))+"
)
# A name of one word: written in two capitals ("PocketLedger", "SoundHarbor") or after a place's word ("at Marrow").
_ONE_WORD = re.compile(
    rf"(?<![\w'’.-])(?:({_UP}{_LOW}+{_UP}[\w'’-]*)|(?<=\bat )({_UP}{_LOW}{{2,}}))(?![\w'’-]|[ \t]{_UP})"
)
# A person's name follows these: "by", "von", "par" ("Reviewed by Marcus Bell", "Von Jürgen M."), a title, a
# mail's addressee ("To: Priya Raman"), a reviewer's or an author's label, "my name,".
_A_PERSON_BEFORE = re.compile(
    rf"(?i)(?:\b(?:by|von|par|door|av|przez|posted by|written by|autor|autora|auteur|author|reviewer|this is|"
    rf"it's|i am|i'm|my name is|ich bin|je suis|soy|sono|ik ben|jag heter|nazywam się|under|a nombre de|"
    rf"op naam van|auf den namen|au nom de|a nome di)[ \t]*:?|\b(?:to|an|à|aan|till|do)[ \t]*:"
    rf"|\b(?:name|customer|client|guest|patient|contact)[ \t]*[,:]"
    rf"|\b(?:{TITLE_WORDS})\.?)[ \t]*$"
)
# A greeting or thanks before a first name: "Hi Priya", "Thanks so much Lorna", "Dear Naveen".
_GREETED = re.compile(
    r"(?i)\b(?:dear|hi|hello|hey|thanks(?: so much)?|thank you|cheers|hallo|liebe[rn]?|bonjour|hola|ciao|"
    r"gentile|beste|hej|cześć|witaj)[ \t,]*"
)
# A place's name follows these words ("booked at Sushi Kaze", "dinner at Casa Verde"): not a person's.
_AT_A_PLACE = re.compile(
    r"(?i)\b(?:at|in|bei|im|zum|chez|au|à|en|da|presso|op|bij|i|på|w|we|choosing|called|from)[ \t]+$"
)


def names_its_own_thing(field: str, model_name: str) -> bool:
    """Whether a field names the object's own thing: its name without "name" is the model's first word
    ("product_name" of ``ProductReview``, "restaurant" of ``RestaurantReservation``; not "reviewer")."""
    words = {word.casefold() for word in name_words(field)}
    first = [word.casefold() for word in name_words(model_name)[:1]]
    return bool(first) and len(name_words(model_name)) > 1 and words - {"name"} == {first[0]}


def own_names(text: str, thing: str = "") -> list[str]:
    """The names ``text`` may give the thing it is about, the likeliest first: what a label of the ``thing``'s
    word marks ("Product purchased: ...", "Hôtel : ..."), the names its heading's lines, its signature and its
    footer write standing alone or as runs of capitals, then the runs of capitalised words it writes more than
    once - at most twelve, no person's."""
    labelled = _labelled_thing(text, thing) if thing else []
    found = list(dict.fromkeys([*labelled, *_own_names(text)]))[: max(_MAX_NAMES, len(labelled))]
    # ... without a department ("Northpeak Outdoor" of "Northpeak Outdoor Customer Care"), and each also without a
    # legal form after it ("ElektroBazar.cz" of "ElektroBazar.cz s.r.o.")
    found = [_without_department(name) for name in found]
    return list(dict.fromkeys(item for name in found for item in (name, LEGAL_TAIL.sub("", name)) if item))


def _without_department(name: str) -> str:
    """A name without the department written with it; as it is where what remains ends with a small word ("Chat
    avec le service client")."""
    bare = DEPARTMENT.sub("", name)
    return bare if bare and not bare.split()[-1].islower() else name


def named_by_domain(names: list[str], text: str) -> list[str]:
    """The ``names`` the text's own mail or web domains spell ("Hollins Motors" of service@hollinsmotors.co.uk,
    "Officina Meccanica Ferraro" of officinaferraro.it - most of its words -, "Nordlys Boligtekstil" of
    nordlys-bolig.dk): an organisation's name whatever the language around it; not a mail provider's."""
    labels = _domain_labels(text)
    return [name for name in names if _spelled_by(name, labels)] if labels else []


_WEBMAIL = frozenset(
    "gmail googlemail outlook hotmail live yahoo icloud aol gmx web t-online freenet orange wanadoo free laposte "
    "sfr libero virgilio tiscali alice seznam centrum email wp onet interia sapo telenet ziggo kpn xs4all hetnet "
    "bluewin yandex proton protonmail mail example".split()
)
_HOST = re.compile(r"(?i)(?:@|https?://|www\.)([\w.-]+\.[a-z]{2,})")


@functools.lru_cache(maxsize=16)
def _domain_labels(text: str) -> tuple[str, ...]:
    """The labels of the hosts the text's mail addresses and links name, folded ("hollinsmotors", "nordlys-bolig"),
    without top-level ones, "www" and mail providers'."""
    found = []
    for match in _HOST.finditer(text):
        parts = match.group(1).casefold().split(".")
        found += [part for part in parts[:-1] if len(part) >= 4 and part not in _WEBMAIL]
    return tuple(dict.fromkeys(found))


def _spelled_by(name: str, labels: tuple[str, ...]) -> bool:
    words = [folded(word) for word in LEGAL_TAIL.sub("", name).split()]
    words = [word for word in words if len(word) >= 3]
    for label in labels:
        pieces = [piece for piece in re.split(r"[-_]", label) if len(piece) >= 4]
        joined = label.replace("-", "").replace("_", "")
        spelled = [word for word in words if word in joined or any(word.startswith(piece) for piece in pieces)]
        if words and len(spelled) * 3 >= len(words) * 2 and len(spelled) >= min(2, len(words)):
            return True
    return False


def names_stated(text: str, thing: str = "") -> set[str]:
    """The names the text surely gives its thing: a label of the thing's word marks it, the mail's sender or the
    text's first line shows it standing alone (then a small model is not offered a null for it)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = [line for line in lines if not _a_menu(line)][:_HEAD_LINES]
    stated = {
        name
        for line in head
        if _SENDER.match(line.replace("**", "").strip(" \t#*_>|"))
        for name in _standing(line, text)
    }
    stated |= set(_standing(head[0], text)) if head else set()
    return stated | set(_labelled_thing(text, thing) if thing else [])


def _labelled_thing(text: str, thing: str) -> list[str]:
    """What a line labelled with the thing's word alone writes ("Restaurant :", "Hôtel:", "Restaurante:", "Product
    name:"; not "Restaurant manager:", "Product colour:", "Medication:" for a medical thing)."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip(" \t#*_>|").replace("**", "")
        label = _LABEL.match(line)
        words = [plain_word(word) for word in re.findall(r"[^\W\d_]+", label.group())] if label else []
        words = [word for word in words if word not in _LABEL_FILLERS]
        if len(words) == 1 and _same_word(words[0], plain_word(thing)):
            value = _REMARK.sub("", line[label.end() :]).strip(" ,;") if label else ""
            found += [value] if _a_name(value) else []
    return list(dict.fromkeys(found))


# The words a label for a thing's name may hold besides the thing's: "Product name:", "Nom de l'hôtel :".
_LABEL_FILLERS = frozenset("name names nom nombre nome naam namn nazwa purchased the of de du la le l del des".split())


def _same_word(word: str, thing: str) -> bool:
    """Whether a label's word is the thing's, or the same word in a related language ("restaurante", "hôtel")."""
    return word == thing or (len(word) >= 5 and word[:5] == thing[:5] and abs(len(word) - len(thing)) <= 2)


def plain_word(word: str) -> str:
    """A word in lower case without its accents ("Hôtel" -> "hotel")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=16)
def _own_names(text: str) -> tuple[str, ...]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = [line for line in lines if not _a_menu(line)][:_HEAD_LINES]
    foot = lines[-_FOOT_LINES:] if len(lines) > _HEAD_LINES + _FOOT_LINES else []
    found: list[str] = []
    for line in head:
        found += _line_names(line, text)
    # (a signature's lines after a letter's closing: "Kind regards, / Tom Whitfield / The Harbourview Hotel | ...")
    closing = next((index for index, line in enumerate(lines) if a_closing(line)), None)
    signature = lines[closing + 1 : closing + 5] if closing is not None else []
    found += [name for line in signature for name in _standing(line, text)]
    # (a footer's name of more words than one: not a signature's "Giulia")
    found += [name for line in foot for name in _line_names(line, text) if " " in name]
    found += _repeated(text)
    # A person's name is a reviewer's or a guest's - but where the text's first line or a mail's sender writes it
    # standing alone ("Casa Marisol", "From: Trattoria Da Beppe <...>").
    alone = {name for line in head if _SENDER.match(line) for name in _standing(line, text)}
    first = set(_standing(head[0], text)) if head else set()
    kept = [name for name in found if name in alone or not _a_person(name, text, standing_first=name in first)]
    return tuple(list(dict.fromkeys(kept))[:_MAX_NAMES])


def capitalised_runs(text: str) -> list[str]:
    """The runs of capitalised words ``text`` writes, in its order, each once - not a person's name (but where the
    text writes it as a place's)."""
    ones = [(match.start(), match.group(1)) for match in _ONE_WORD.finditer(text) if match.group(1)]
    found = [value for _, value in sorted([*_runs(text), *ones])]
    return [name for name in dict.fromkeys(found) if _a_name(name) and not _a_person(name, text)]


def _runs(text: str) -> list[tuple[int, str]]:
    """The runs of capitalised words a text writes, where each starts - and a run's words before its first "for"
    or "on" too ("Casa Romero" of "Casa Romero on Friday"; "Tavern on the Quay" whole as well)."""
    found = []
    for match in _CAPITALISED_RUN.finditer(text):
        found.append((match.start(), match.group()))
        pieces = re.split(r"[ \t](?:for|on)[ \t](?:the[ \t])?", match.group())
        if len(pieces) > 1:  # ("Fellow Ode Gen 2" of "Verdict on the Fellow Ode Gen 2")
            found += [(match.start(), piece) for piece in (pieces[0], pieces[-1]) if " " in piece]
    # A name of one word after "at": "a table at Marrow".
    found += [(match.start(), match.group(2)) for match in _ONE_WORD.finditer(text) if match.group(2)]
    return found


def _a_person(name: str, text: str, *, standing_first: bool = False) -> bool:
    """Whether a name is written as a person's: shaped as one ("Lorna McKenzie"; not "Centre de Vaccination
    Bellecour", "Lucia's Trattoria"), nowhere as a place's ("booked at Sushi Kaze"), and somewhere as a person's -
    after a person's label, "by", "this is", a title or a greeting, on a line of its own (but the text's first:
    "Casa Marisol" over a chat), or its first word alone after a greeting ("Thanks Lorna")."""
    words = name.split()
    if (
        not looks_like_a_name(name)
        or re.search(r"\w['’]s ", name)
        or any(a_kind_word(word.casefold()) for word in words)
    ):
        return False
    places = list(places_written(name, text, 20))
    if any(_AT_A_PLACE.search(text, max(0, at - 12), at) for at in places):
        return False
    labelled, own_lines, greeted = _person_cues(text)
    if any(at in labelled or _A_PERSON_BEFORE.search(text, max(0, at - 30), at) for at in places):
        return True
    if not standing_first and name in own_lines:
        return True  # a line of its own: a reviewer's or a signer's ("Tomasz Wielgus" over his stars)
    return words[0] in greeted


@functools.lru_cache(maxsize=16)
def _person_cues(text: str) -> tuple[frozenset[int], frozenset[str], frozenset[str]]:
    """A text's cues of people, found once: where its person labels' values start, its lines (each bare), and the
    words it greets or thanks ("Hi Priya", "Thanks so much Lorna")."""
    lines = frozenset(line.strip(" \t*_#>-,.") for line in text.splitlines())
    greeted = frozenset(match.group(1) for match in re.finditer(rf"{_GREETED.pattern}[ \t]+([^\W\d_][\w'’-]*)", text))
    return person_label_ends(text), lines, greeted


def _a_menu(line: str) -> bool:
    """A page's menu copied with it: three or more items apart by wide gaps ("Accueil   La carte   Réserver")."""
    return len(re.findall(r"[ \t]{3,}|\t", line.strip())) >= 2


def _line_names(line: str, text: str) -> list[str]:
    """The names one line of the heading or footer writes: those standing alone, then its runs of capitalised
    words ("You're booked at Sushi Kaze", "Kestrel Audio KA-5 bookshelf speakers after 2 months") - not the first
    words of a name standing whole ("Brewmaster Duo 2-in-1 Filter Coffee Machine" of "..., 1.5L, Black")."""
    standing = _standing(line, text)
    phrase = _lower_words(standing[-1] if standing else line) >= 2
    inside = [] if _SENDER.match(_bare(line)) else [run for _, run in _runs(_bare(line))]
    runs = [run for run in inside if _a_name(run) and run not in standing]
    return [*standing, *(run for run in runs if phrase or not any(name.startswith(run) for name in standing))]


def _bare(line: str) -> str:
    """A line without Markdown's marks, a subject's label, a reply's mark, a tag or a copyright; empty for a mail
    header's other lines and a greeting."""
    line = line.strip(" \t#*_>|").replace("**", "")
    if _OTHER_HEADER.match(line) or (_GREETING.match(line) and _words(line) <= 6 and line[-1:] in ",!:"):
        return ""  # ("Dear Ms Raman,", "Hey team!" - not "Ciao Bella Ristorante")
    return _COPYRIGHT.sub("", _REPLY_MARK.sub("", _SUBJECT.sub("", line))).strip()


def _standing(line: str, text: str) -> list[str]:
    """The names one line of the heading or footer writes standing alone: the sender a mail's header shows, the
    whole line (after a label, without a rating's stars), its parts, and the words it quotes or sets in bold or
    italics - only those where it is a sentence."""
    line = _MARKDOWN_LINK.sub(r"\1", line.replace("**", ""))  # "[Hotel Miramar](https://...)"
    if (sender := _SENDER.match(line.strip(" \t#*_>|"))) is not None:
        shown, _, address = line.strip(" \t#*_>|")[sender.end() :].partition("<")
        shown = shown.strip(" \t\"'")
        # (a person's name only where the text writes it again - "Trattoria Da Beppe" signs the mail too - or the
        # address's domain spells it: "Ribera Telecom <pedidos@riberatelecom.es>")
        spelled = len(folded(shown)) >= 4 and folded(shown) in folded(address.partition("@")[2])
        repeated = not looks_like_a_name(shown) or text.count(shown) > 1 or spelled
        return [shown] if shown and "@" not in shown and _a_name(shown) and repeated else []
    raw, line = line, _bare(line)
    if not line or a_closing(line):
        return []
    marked = [match.group(1).strip() for match in _QUOTED.finditer(line)]
    for match in _EMPHASIS.finditer(raw.replace("**", "*")):
        span = _RATING_MARKS.sub("", match.group(1) or match.group(2)).strip()
        marked += [span, *(part.strip() for part in _PARTS.split(span) if part.strip() != span)]
    # (a quote's or a title's words of a phrase are no name: "Lovely stay, noisy rooms")
    marked = [name for name in marked if _lower_words(name) < 2]
    if (label := _LABEL.match(line)) is not None:  # "Item: ...", "Opinie o produkcie: ..."
        if _NAME_LABEL.search(label.group()):
            return []  # "Name: Priya Raman", "first_name: Oluwaseun": a person's
        line = line[label.end() :]
    whole = _RATING_MARKS.sub("", _REMARK.sub("", line)).strip(" ,;")
    # (not at the » closing a quote: "Maison Ardent « Lumière » inox")
    parts = [part.strip(" ,;") for part in (_QUOTED_PARTS if "«" in whole else _PARTS).split(whole)]
    parts = [part for part in parts if part]
    # A part that is a sentence names nothing (its quoted or marked words may): "Avis clients › Cafetière
    # italienne ... 6 tasses" keeps its crumbs, "Your appointment with Dr Hale is on 24/03/2026." none.
    names = [*(parts if 1 < len(parts) <= 4 else []), whole]
    names = [name for name in names if not _a_sentence(name)]
    return [name for name in [*names, *marked] if _a_name(name)]


# A link's text in Markdown.
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{2,80})\]\([^)\n]*\)")
# Words set in bold or italics: "*Platform Guild Day*", "_Harbour Nights_".
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]{2,80}?)\*(?![\w*])|(?<![\w_])_([^_\n]{2,80}?)_(?![\w_])")
# A rating's stars after a name: "Hotel Palazzo Vecchi ★★★★", "Lakeside Inn 4.5★".
_RATING_MARKS = re.compile(r"[ \t]*(?:[★☆⭐✩✪]+|\d(?:[.,]\d)?[ \t]*[★⭐]|[★⭐][ \t]*\d(?:[.,]\d)?)[ \t]*$")


# The small words a name holds in lower case ("Freidora de aire Cocina Viva XL").
_JOINING = frozenset("a an the of and for de di da do del della du des la le el et y e und van von zum zur für".split())
# A label for a person's name ("Name:", "first_name:", "Patient:").
_NAME_LABEL = re.compile(
    r"(?i)(?:\b|_)(?:name|names|guest|patient|passenger|customer|client|author|autora?|reviewer|contact)\b"
)
# A label of a few words opening a line ("Item: ...", "Opinie o produkcie: ...").
_LABEL = re.compile(r"[^\W\d_][\w'’ .-]{0,30}?[ \t]*:[ \t]+")


def _a_sentence(line: str) -> bool:
    """Whether a line is written as a sentence: one ends in it, or it holds four words of small letters or more
    (not a name's "de", "of": "Your booking at The Copper Heron is confirmed", not "Freidora de aire Cocina Viva")."""
    return _SENTENCE_END.search(line) is not None or _lower_words(line) >= 4


def _lower_words(line: str) -> int:
    """How many words of small letters a line writes, but the small words a name holds."""
    return sum(word not in _JOINING for word in re.findall(rf"(?<![\w'’-]){_LOW}[\w'’-]+", line))


def _words(line: str) -> int:
    """How many words a line writes (not a mark standing alone: "«", "-")."""
    return sum(1 for word in line.split() if any(character.isalnum() for character in word))


def _a_name(value: str) -> bool:
    """Whether words may be a thing's name: up to twelve words, a capitalised word of two letters or more among
    them; no address, link, label, question, greeting ("Bonjour Claire"; not "Buenos Aires Grill") or code
    ("KRK/2026/11873")."""
    words = value.split()
    return (
        1 <= len(words) <= _MAX_WORDS
        and len(value) <= 100
        and (value[:1].isupper() or value[:1].isdigit())
        and re.search(r"(?<![\w'’])[^\W\d_a-z][^\W\d_]", value) is not None
        and not re.search(r"@|https?:|www\.|[:?!]$", value)
        and not (words[0].casefold().strip(",!") in GREETINGS and (len(words) <= 2 or "," in value))
        and not _CODE.fullmatch(value)
        and not addresses.an_address(value)
    )


# A reference, not a name: capitals and figures joined by slashes or dashes, four figures or more.
_CODE = re.compile(r"(?=(?:\D*\d){4})[A-Z\d]+(?:[/-][A-Z\d]+)+")


def _repeated(text: str) -> list[str]:
    """Runs of two or more capitalised words the text writes more than once, the most written first."""
    counts: dict[str, int] = {}
    for _, value in _runs(text):
        if len(value.split()) >= 2 and _a_name(value):
            counts[value] = counts.get(value, 0) + 1
    return sorted((value for value, count in counts.items() if count >= 2), key=lambda value: -counts[value])
