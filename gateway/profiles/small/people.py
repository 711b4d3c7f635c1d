"""Which words of a text can be a person's name (``grounding``): not a heading or an acronym in capitals
("CURRICULUM VITAE", "SPRINGFIELD —", "LOS"), a place or an organisation ("at Allegro", "Elm Street", "Baystate
Medical Center"), a day or a month, nor the signature or greeting of a letter about someone else ("Best,\nAgnieszka
Nowak" below "He is 31"; "Dear Ms. Patel," above "your mother, Halina Kowalska ... is 83"). A string is kept if any
place the text writes it may name a person."""

import functools
import itertools
import re
from typing import Any

from gateway.extraction.text_facts import NUMBERED_NOUNS, places_written
from gateway.profiles.small.choices import CALENDAR_WORDS, name_words
from gateway.profiles.small.languages import (
    CALENDAR_NAMES,
    GREETINGS,
    a_common_word,
    a_german_noun,
    dated_with,
    folded,
)

# A field holds a person's name when its own name says so and its description (or its object's) speaks of a person.
_NAME_WORDS = frozenset("name full first last given family person".split())
_PERSON = re.compile(
    r"\b(?:person|people|someone|individual|patient|customer|passenger|employee|applicant|member|user|resident)s?\b",
    re.IGNORECASE,
)

# ... or a role's name ("organiser_name", "contact_name"), where its own description speaks of a person too.
_ROLES = frozenset(
    "organiser organizer contact customer client guest host author speaker passenger patient applicant candidate "
    "tenant landlord recipient sender owner manager agent driver member employee student teacher doctor buyer "
    "traveller traveler attendee participant presenter reviewer requester reporter caller".split()
)

# A role only a person holds: a field named so alone holds a person's name ("patient", "practitioner", "guest").
_PERSONS_ROLES = frozenset(
    "patient practitioner doctor dentist physician nurse therapist guest passenger driver tenant teacher "
    "instructor trainer tutor student pupil child speaker presenter applicant candidate employee traveller traveler "
    "caller guardian parent landlord landlady finder "
    "attendee participant requester reporter assignee policyholder".split()
)

# ... and not of an organisation ("the company or person the parcel is addressed to").
# A description that opens by saying the field is a person: "The person responsible ...", "The name of the person
# who ...".
_A_PERSON = re.compile(
    r"(?i)^\s*(?:the |a )?(?:full )?(?:name of (?:the |a )?)?(?:person|individual)"
    r"(?: (?:who|whom|whose|that|responsible|in charge|leading|chairing)\b|[.,;]|$)"
)
_ORGANISATION = re.compile(r"(?i)\b(?:company|companies|organi[sz]ations?|business|firm|party|vendor|brand)\b")

_VALEDICTION = re.compile(
    r"(?im)^[ \t]*(?:best(?:[ \t]+(?:regards|wishes))?|(?:(?:kind|warm|warmest|many)[ \t]+)?regards|(?:yours[ \t]+)?"
    r"(?:sincerely|faithfully|truly)|thanks|thank[ \t]+you|many[ \t]+thanks|cheers|all[ \t]+the[ \t]+best|"
    r"respectfully|cordially|take[ \t]+care|--)[ \t]*(?:[,.!][ \t]*)?$"
)
# A name alone after a long dash on the last line: "— Priyanka", "-- Tom Berg" (not a bullet: "- Ana Ruiz").
_CAPITALISED_WORD = r"[^\W\d_a-z][\w'’.-]*"
_DASHED_SIGNATURE = re.compile(
    rf"\n[ \t]*(?:—|--)[ \t]*{_CAPITALISED_WORD}(?:[ \t]+{_CAPITALISED_WORD}){{0,2}}[ \t]*\s*$"
)
# A greeting to someone by title ("Dear Ms. Patel,"): the reader, not whom the letter speaks of ("Hi Sam, happy
# 30th birthday!" may be about its reader).
_GREETING = re.compile(
    r"(?i)\A[ \t]*(?:dear|hello|hi|hey|good[ \t]+(?:morning|afternoon|evening))[ \t]+"
    r"(?:mr|mrs|ms|mx|miss|dr|prof|sir|madam)\b[^\n]{0,60}\n"
)
# The writer or the reader states their own age ("I'm 29", "you are thirty"): then the signature or the greeting
# may name the person.
_NUMBER_WORD = (
    r"(?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a[ \t]+hundred)\b)"
)
_OWN_AGE = re.compile(
    r"(?i)\b(?:i[ \t]*['’]?m|i[ \t]+am|i[ \t]+turn(?:ed|s)?|my[ \t]+age[ \t]+is|you[ \t]*['’]?re|you[ \t]+are"
    r"|you[ \t]+turn(?:ed)?)"
    rf"[ \t]+(?:(?:now|just|only|almost|nearly)[ \t]+)?{_NUMBER_WORD}"
)
_LABEL_BEFORE = re.compile(r"[^\W\d_][\w ]{0,30}:[ \t]*$")


# Lists of people by their field's name.
_PEOPLE_LISTS = frozenset(
    "speakers speaker passengers passenger guests guest authors author hosts host attendees attendee participants "
    "participant people persons person members member panelists panellists presenters presenter travellers "
    "travelers".split()
)


def lists_people(field: str) -> bool:
    """Whether a field's name ends with a word for people ("speakers", "main_guests"; not "passenger_type")."""
    words = name_words(field)
    return bool(words) and words[-1].casefold() in _PEOPLE_LISTS


def names_a_person(field: str, spec: dict[str, Any], owner_description: str) -> bool:
    """Whether a string field holds a person's name: "name" described as "the person's name", or a role's name
    ("organiser_name") its own description says is a person's ("the person who booked", "not a company")."""
    words = {word.casefold() for word in name_words(field)}
    own = spec.get("description", "")
    if len(words) == 1 and "format" not in spec and (_A_PERSON.match(own) or words <= _PERSONS_ROLES):
        # "chair": "The person who chaired"; "patient", "practitioner": "The name of the doctor, dentist ..."
        return not _ORGANISATION.search(re.sub(r"(?i)\b(?:not|no|never)\b[^.;]*", "", own))
    if not words or not words & {"name", "person"} or not (words <= _NAME_WORDS or words & _ROLES):
        return False
    described = own if not words <= _NAME_WORDS else f"{own} {owner_description}"
    # What a description rules out is not what the field is: "Not the venue's staff and not a company".
    said = re.sub(r"(?i)\b(?:not|no|never)\b[^.;]*", "", described)
    # ("guest_name", "driver_name": a role only a person holds needs no description saying so)
    return bool(_PERSON.search(said) or words & _PERSONS_ROLES) and not _ORGANISATION.search(said)


# The words of a school's or a parent's form for the child it is about ("Child's name:", "Schüler:", "Élève :").
_CHILD_WORDS = (
    "student pupil child child's kid schüler schülerin schülers kind kindes élève enfant alumno alumna alunno "
    "alunna aluno aluna niño niña bambino bambina criança leerling elev barn barnets uczeń uczennica dziecko"
)
_CHILD_GROUP = frozenset(_CHILD_WORDS.split())
_CHILDREN = "(?:" + "|".join(re.escape(word) for word in sorted(_CHILD_GROUP, key=len, reverse=True)) + ")"
# A label a form or a record writes a person's name after ("Patient: Hiroshi Yamamoto", "Full name: ..."; not a
# transcript's speaker, "Customer: hi, ...").
_PERSON_LABEL = re.compile(
    r"(?im)(?:^[ \t]*|(?<=[|;])[ \t]*|(?<=[ \t]{2}))(?:full[ \t]+)?"
    r"(?:name|naam|nom|nombre|nome|namn|navn|nimi|imię[ \t]+i[ \t]+nazwisko|"
    r"patient|passenger|traveller|traveler|employee|applicant|candidate|resident|student|pupil|driver|"
    r"policyholder|person|defendant|accused|claimant|plaintiff|deceased|tenant|athlete|"
    r"patientin|patiënt|paciente|paziente|pacjent|guest|gast|huésped|ospite|"
    r"doctor|practitioner|dentist|therapist|physician|nurse|arzt|ärztin|zahnarzt|zahnärztin|behandler|behandlerin|"
    r"médecin|praticien|praticienne|médico|médica|medico|dottore|dottoressa|arts|tandarts|läkare|tandläkare|lekarz|"
    rf"{_CHILDREN}|"
    # ... or a name's word and whose ("Name des Kindes:", "Nom de l'élève :", "Nombre del alumno:")
    r"(?:name|nom|nombre|nome|naam|namn|navn)[ \t]+(?:des|der|de[ \t]+la|de[ \t]+l['’]|de|du|del|della|dell['’]|do|"
    rf"da|van[ \t]+de|van[ \t]+het|of[ \t]+the)[ \t]*{_CHILDREN})"
    r"[ \t]*(?:name)?[ \t]*[:=][ \t]*"
)
# Roles whose labels name the same person: a clinician's in any language; a patient's; a guest's.
_ROLE_GROUPS = (
    frozenset(
        "doctor practitioner dentist therapist physician nurse arzt ärztin zahnarzt zahnärztin behandler behandlerin "
        "médecin praticien praticienne médico médica medico dottore dottoressa arts tandarts läkare tandläkare "
        "lekarz".split()
    ),
    frozenset("patient patientin patiënt paciente paziente pacjent".split()),
    frozenset("guest gast huésped ospite".split()),
    _CHILD_GROUP,
)


# Every role a person's label may name ("Passenger:", "Tenant:", "Arzt:").
_LABEL_ROLES = frozenset(
    "patient passenger traveller traveler employee applicant candidate resident student pupil driver policyholder "
    "defendant accused claimant plaintiff deceased tenant athlete".split()
).union(*_ROLE_GROUPS)


def names_a_child(field: str) -> bool:
    """Whether a field is named for the child a form is about ("student_name", "pupil", "child"): never whom a
    letter greets or who signs it (a parent, a teacher)."""
    return bool({word.casefold() for word in name_words(field)} & _CHILD_GROUP)


def _role_group(word: str) -> frozenset[str]:
    return next((group for group in _ROLE_GROUPS if word in group), frozenset({word}))


def labelled_as_a_person(values: list[str], text: str, field: str = "") -> list[str]:
    """The strings of ``values`` a form writes right after a person's label ("Patient: Hiroshi Yamamoto"), if
    any; else all of them. For a field named for a role (``practitioner``), not those a label of another role
    marks (the patient's): those a label of its own role or a plain "Name:" marks, else the others."""
    words = {word.casefold() for word in name_words(field)}
    labels = [(match.end(), match.group().strip(" \t:=").casefold()) for match in _PERSON_LABEL.finditer(text)]
    if not labels:
        return values
    role = {member for word in words & _PERSONS_ROLES for member in _role_group(word)}
    if role:
        # (a label naming another role is another's: "Patient name:" is not the practitioner's; a plain "Name:"
        # names whom the document is about - a patient, a guest -, never a clinician)
        others = _LABEL_ROLES - role
        clinician = bool(role & _ROLE_GROUPS[0])
        own = {
            end for end, label in labels if set(label.split()) & role or not (set(label.split()) & others or clinician)
        }
        other = {end for end, label in labels if end not in own}
        # (its own role's label first: "Child's name: Amelia Hughes" over the emergency contact's "Name:")
        named = {end for end, label in labels if set(label.split()) & role}
        labelled = [value for value in values if any(text.startswith(value, start) for start in named)]
        labelled = labelled or [value for value in values if any(text.startswith(value, start) for start in own)]
        return labelled or [value for value in values if not any(text.startswith(value, at) for at in other)] or values
    starts = {end for end, _ in labels}
    labelled = [value for value in values if any(text.startswith(value, start) for start in starts)]
    return labelled or values


def labels_a_person_before(value: str, text: str) -> bool:
    """Whether a form writes ``value`` right after a person's label ("Name: Tom Berg")."""
    return any(text.startswith(value, end) for end in person_label_ends(text))


@functools.lru_cache(maxsize=16)
def person_label_ends(text: str) -> frozenset[int]:
    """Where the values of a text's person labels start ("Name: |Tom Berg", "Patient: |Ana Ruiz")."""
    return frozenset(match.end() for match in _PERSON_LABEL.finditer(text))


# Titles and offices written before a name ("Dr. Rachel Andrews", "Justice K. Sreedevi", "Cllr Imran Siddiqui").
# The titles a name is written after ("Dr.", "Cllr", "Professeure", "Chef"): a name is given without them.
TITLE_WORDS = (
    r"Dr|Dra|Mr|Mrs|Ms|Mx|Miss|Prof|Professor|Professeure?|Profesora?|Sir|Dame|Rev|Revd|Reverend|Justice|Judge|"
    r"Mayor|Cllr|Councillor|Senator|Hon|Capt|Col|Gen|Sgt|Lt|Mme|Mlle|Herr|Frau|Chef|Sensei|Mtra|Mtro|Lic|Licda|"
    r"Dott|Ing\."
)
_TITLES_BEFORE = re.compile(rf"^(?:(?:{TITLE_WORDS})\.?\s+)+")


def without_titles(name: str) -> str:
    """A person's name without the titles written before it ("Dr. Rachel Andrews" -> "Rachel Andrews", "MRS ANJALI
    MEHTA" -> "ANJALI MEHTA"), where a whole name remains ("Dr. Andrews" stays), or after an airline's "SURNAME/
    GIVEN" ("SATO/HIROSHI MR" -> "SATO/HIROSHI")."""
    if "/" in name:
        return _TITLE_AFTER.sub("", name.strip())
    bare = _CAPITAL_TITLES.sub("", untitled(name))
    return bare if len(bare.split()) >= 2 else name.strip()


# Titles as tickets write them: in capitals before a name in capitals, after a "SURNAME/GIVEN".
_CAPITAL_TITLES = re.compile(r"^(?:(?:MR|MRS|MS|MSTR|MISS|DR|PROF)\.?\s+)+(?=[A-Z]+\b)")
_TITLE_AFTER = re.compile(r"\s+(?:MR|MRS|MS|MSTR|MISS|DR|PROF)\.?$")


def untitled(name: str) -> str:
    """``name`` without the titles written before it, whatever remains ("Cllr Siddiqui" -> "Siddiqui")."""
    return _TITLES_BEFORE.sub("", name.strip())


def looks_like_a_name(value: str) -> bool:
    """Whether ``value`` is written as a person's name of two or three words ("Inês Carvalho", "Dr. Ana Ruiz",
    "Pieter van der Meer"), not as a place, an organisation, a title of more words or a heading in capitals."""
    words = _TITLE_BEFORE.sub("", value.strip()).split()
    core = [word for word in words if not _PARTICLE.fullmatch(word)]
    return (
        2 <= len(core) <= 3
        and all(_NAME_WORD.match(word) and not any(character.isdigit() for character in word) for word in words)
        and not all(character.isupper() for character in value if character.isalpha())
        and words[0].casefold() not in _PLACE_FIRST
        and words[-1].casefold().rstrip(".") not in _PLACE_WORDS
    )


def could_name_a_person(values: list[str], text: str, *, about_an_age: bool) -> list[str]:
    """The strings of ``values`` that may be a person's name in ``text`` (all of them if none may): not written
    in capitals (but after a label: "Name: ANA RUIZ"), not a place, nor - for a person ``about_an_age`` - only in
    the signature or greeting of a letter about someone else."""
    if not any(character.islower() for character in text):
        return values  # a text all in capitals writes its names so too
    apart = _apart(text) if about_an_age else []
    kept = [value for value in values if any(_may_name(value, at, text, apart) for at in places_written(value, text))]
    return kept or values


# A place or an organisation is written with one of these last (not "Park", "Hill" or "Lane": surnames too), or
# after one of these words.
_PLACE_WORDS = frozenset(
    "street st road rd avenue ave drive boulevard blvd square bridge river lake mountain hospital clinic center "
    "centre university college school academy institute lab labs inc ltd llc gmbh corp company group hotel office "
    "club airport station city county district ministry department council museum room stage auditorium "
    "theatre theater foyer atrium lobby".split()
)
# ... nor after a greeting ("Hi Dana").
_PLACE_FIRST = frozenset(
    "the hotel hospital university college museum restaurant café cafe church club hi hello hey dear".split()
)
# ... nor a relation ("Relationship: Daughter").
_KIN = frozenset(
    "daughter son wife husband mother father brother sister child children grandson granddaughter grandmother "
    "grandfather partner spouse aunt uncle cousin niece nephew stepson stepdaughter head lodger".split()
)
_TITLE_BEFORE = re.compile(r"^(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Professor)\.?\s+)+")
_PARTICLES = r"van|von|der|den|de|del|della|da|di|du|la|le|los|las|bin|bint|ben|ibn|al|el|ter|ten|y|e|dos|das|do|af|zu"
_PARTICLE = re.compile(_PARTICLES)
_NAME_WORD = re.compile(rf"[^\W\d_a-z]|(?:{_PARTICLES})$|(?:al|el|d|o)['’-]")
# Positions a squad list writes before a player's name.
_POSITIONS = frozenset("GK DF MF FW CB LB RB CM DM AM LW RW ST SS PG SG SF PF QB WR TE".split())
_PLACE_BEFORE = re.compile(r"(?i)\b(?:at|in|near|into|across|via|inside|outside|the)[ \t]+$")


_NUMBER_AFTER = re.compile(r"[ \t]*#?\d")


def _may_name(value: str, at: int, text: str, apart: list[tuple[int, int]]) -> bool:
    if any(low <= at < high for low, high in apart):
        return False
    words = value.split()
    if words[-1].casefold().rstrip(".") in _PLACE_WORDS or value.casefold() in CALENDAR_WORDS | _KIN:
        return False
    if len(words) == 1 and value.casefold() in CALENDAR_NAMES and dated_with(value, text):
        return False  # "Mittwoch" of "Mittwoch, 19. Februar" (not "Surname: Freitag", "me llamo Abril")
    if words[0].casefold() in _PLACE_FIRST:
        return False  # "The Old Granary", "Hotel De Wereld": a place or a thing
    if words[0].casefold().strip(",!") in GREETINGS or (len(words) == 1 and a_common_word(value, text, alone=True)):
        return False  # a greeting ("Hej Karin"), a word of the text's language alone ("Para", "Tenemos")
    if len(words) == 1 and a_german_noun(value, text):
        return False  # "Zimmer" of "ein Zimmer für 3 Nächte"
    if len(words) == 1 and value.casefold() in NUMBERED_NOUNS and _NUMBER_AFTER.match(text, at + len(value)):
        return False  # "Bay 5", "Room 2": what a number numbers
    if len(words) > 1 and words[0] in _POSITIONS:
        return False  # a player's position before a name: "GK Rasmus Holm", "DF Kwame Boateng"
    if len(words) > 1 and any(not _NAME_WORD.match(word) for word in words):
        return False  # "Chidi's mother": every word of a name is capitalised, but its particles ("van der")
    if _PLACE_BEFORE.search(text, max(0, at - 12), at):
        return False
    letters = [character for character in value if character.isalpha()]
    if len(letters) < 2:
        return False  # "F" of "Ngozi Eze, F, 48"
    if not all(character.isupper() for character in letters):
        return True
    line_start = text.rfind("\n", 0, at) + 1
    return bool(_LABEL_BEFORE.search(text, max(line_start, at - 40), at))


def _apart(text: str) -> list[tuple[int, int]]:
    """The signature and the greeting of a letter, unless the writer or reader speaks of their own age."""
    if _OWN_AGE.search(text):
        return []
    spans = []
    if (greeting := _GREETING.match(text)) is not None:
        spans.append((0, greeting.end()))
    if (start := signature_start(text)) is not None:
        spans.append((start, len(text)))
    return spans


def signature_start(text: str) -> int | None:
    """Where a letter's closing and signature begin ("Kind regards,", "— Priyanka"), in its second half; None if
    it has none."""
    closings = [*_VALEDICTION.finditer(text), *_DASHED_SIGNATURE.finditer(text)]
    last = max((match.start() for match in closings), default=None)
    return last if last is not None and last > len(text) // 2 else None


# A list of people "present", "attending" or "participating", by its description: the text's attendance lines
# name them.
_PRESENCE = re.compile(r"(?i)\b(?:present|attend(?:ed|ing|ance|ees?)?|participat\w*)\b")
# An attendance line's label: "Present:", "In attendance:", "Board members present:", "**Participants:**",
# "Present (owners):", "On the call:", "here:", "Teilnehmende:" - at a line's start or after a sentence.
_ATTENDANCE_LABEL = re.compile(
    r"(?im)(?:^|(?<=[.!?] ))[ \t>*•·-]*(?P<label>[^\W\d_][\w' ]{0,40}?)[ \t]*(?:\([^()\n]{0,30}\))?[ \t]*"
    r"\**:\**[ \t]*(?P<rest>[^\n]*)"
)
_ATTENDANCE_WORDS = frozenset(
    "present attending attendance attendees participants participating teilnehmende teilnehmer anwesend "
    "anwesende presentes présents aanwezig asistentes partecipanti".split()
)
# ... the label's last word one of those, or the label one of these whole.
_ATTENDANCE_LABELS = frozenset({"here", "who's here", "who is here", "on the call", "on call", "in the room"})
# Words an attendance line writes that name no one: "None", "All board members", "TBD", "Chair – Ana Ruiz".
_NO_ONE = frozenset(
    "none nobody no one all everyone everybody tbd tba tbc n/a na others other guests guest members member board "
    "staff team public quorum yes chair chairperson chairman chairwoman secretary treasurer president clerk host "
    "facilitator moderator minutes scribe note notes apologies absent online remote via and the also plus "
    "committee council residents owners".split()
)
# ... but not of those who were not there: "Not present:", "Absent:", "Apologies:", "Regrets:", "Entschuldigt:".
_ABSENCE = re.compile(r"(?i)\b(?:not|no|absent|apolog\w*|regrets|excused|entschuldigt|abwesend|missing)\b")
# Where a line's list of names ends: a sentence's full stop (not a title's or an initial's).
_LIST_STOP = re.compile(
    r"(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bProf)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\b[A-Z])\.(?:\s|$)"
)
# A capitalised run of a name's words, particles inside it ("Willemijn de Graaf", "Kevin O'Brien", "Min-jun Park").
_NAME_RUN = re.compile(rf"[^\W\d_a-z][\w'’.-]*(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)*[^\W\d_a-z][\w'’.-]*)*")
# An office in capitals written before a name ("PCSO Tom Briggs"; not the initials of "AJ Styles").
_OFFICE = re.compile(
    r"^(?:PCSO|PC|DC|DS|DI|DCI|DCS|MP|MSP|MEP|MLA|TD|QC|KC|CEO|CFO|CTO|COO|VP|GP|RN|SGT|CLLR|HON)[ \t]+"
    r"(?=[^\W\d_a-z][^\W\d_A-Z])"
)


def present_people(description: str, text: str) -> list[str]:
    """The people the text's attendance lines name ("Present: Cllr Margaret Okoro (Chair), Cllr David Pryce",
    "In attendance: Julie Farrant (Clerk), 3 members of the public") for a list whose description speaks of who
    was present, attending or participating - each name without titles, brackets or a leading "@", in text order;
    none for a list described otherwise or a text without such lines."""
    return list(_present_people(description, text))


@functools.lru_cache(maxsize=32)
def _present_people(description: str, text: str) -> tuple[str, ...]:
    """``present_people``, once per request: its narrowing and its settling ask it again."""
    if not _PRESENCE.search(re.sub(r"(?i)\b(?:not|no|never)\b[^.;]*", "", description)):
        return ()
    names: list[str] = []
    for match in _ATTENDANCE_LABEL.finditer(text):
        words = match.group("label").casefold().split()
        label = " ".join(words)
        if (
            _ABSENCE.search(label)
            or not (words[-1] in _ATTENDANCE_WORDS or label in _ATTENDANCE_LABELS)
            or "to" in words  # "Items to present:"
        ):
            continue
        rest = match.group("rest")
        if not rest.strip():  # "Present:" above a list, one name a line - to the list's last line
            lines = text[match.end() :].lstrip("\n").split("\n")
            bullets = itertools.takewhile(lambda line: re.match(r"[ \t]*[-*•·][ \t]", line) is not None, lines)
            rest = ", ".join(re.sub(r"^[ \t]*[-*•·][ \t]*", "", line) for line in bullets)
        stop = _LIST_STOP.search(rest)
        names += _names_listed(rest[: stop.start()] if stop else rest)
    return tuple(dict.fromkeys(names))


def _names_listed(listing: str) -> list[str]:
    """The names of a list ("Linda Park, Marcus Webb (Treasurer) and 11 homeowners", "@Kofi, @Ritu", "apt 1 -
    Willemijn de Graaf; apt 2 - Bram Visser", "me (Rohan Mehta)"): each the first capitalised run of its entry
    outside brackets, without the titles before it."""
    listing = re.sub(r"(?i)\b(?:me|myself)[ \t]*\(([^()]*)\)", r"\1", listing)  # the writer, named in brackets
    listing = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", listing).replace("*", "")
    names = []
    for entry in re.split(r"[,;]|\s+(?:and|&|und|et|y|en)\s+", listing):
        entry = entry.replace("@", " ").split(":", 1)[0].strip()  # "Quorum: yes" starts another label
        if re.search(r"(?i)\b(?:except|other than|apart from|but|without)\b", entry):
            continue  # "all trustees except Tom Hale"
        for found in _NAME_RUN.finditer(untitled(entry)):
            # The entry's first run that names someone: "Chair – Ana Ruiz", "Board members Ana Ruiz" -> Ana Ruiz.
            name = _OFFICE.sub("", untitled(found.group(0)).rstrip(".")).strip()
            words = name.split()
            while words and words[0].casefold() in _NO_ONE:
                words = words[1:]
            name = " ".join(words)
            # One word a lower-case word follows is a sentence's, not a name ("Attendance: Strong turnout").
            followed = re.match(r"[ \t]+[a-z]", untitled(entry)[found.end() :]) is not None
            if (
                len(name) >= 2
                and not (followed and " " not in name)
                and not any(character.isdigit() for character in name)
                and name.casefold() not in CALENDAR_WORDS
            ):
                names.append(name)
                break
    return names


# A role a text writes beside a person's name: in brackets after it ("Joost de Wit (Warehouse Supervisor, Shift
# 2)") or after a comma, up to the next comma, bracket, dash or line end ("Agnieszka Dudek, Fleet Coordinator").
_ROLE_AFTER = re.compile(
    r"(?:[ \t]*\(([^()\n]{2,60})\)|,[ \t]*([^\W\d_][^,;()\n|·–—]{1,58}?)(?=[ \t]*(?:[,;(\n|·–—]|[ \t]-[ \t]|$)))"
)
_ROLE_NAMES = frozenset("role occupation relation relationship job".split())  # (a "position" may be a player's)


def names_a_role(field: str) -> bool:
    """Whether a string field holds a person's role: "role", "job_title", "occupation", "relationship"."""
    words = [word.casefold() for word in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", field) if word]
    return bool(words) and (words[-1] in _ROLE_NAMES or words[-2:] == ["job", "title"])


def roles_beside_names(text: str) -> list[str]:
    """The roles the text writes beside a person's name, in order: up to five words of one sentence, not another
    name of a list ("Attendees: Leo Martins, Sofia Reyes"), a phone number, an e-mail, a code ("reg. MX68 RFO"), a
    date or a remark ("(see attached)")."""
    found: list[tuple[int, str]] = []
    for named in _NAME.finditer(text):
        if (match := _ROLE_AFTER.match(text, named.end())) is None:
            continue
        name, role = named.group(), (match.group(1) or match.group(2) or "").strip()
        if {word.casefold() for word in name.split()} & (_FUNCTION | CALENDAR_WORDS):
            continue  # "On Monday, Chiara Benedetti": no name
        role = re.split(r"(?<=[^\W\d_]{4})[.?!](?:\s|$)|\?", role)[0].strip()  # one sentence's words
        role = re.sub(r"^(?:a|an|the)[ \t]+", "", role)  # "a retired horticulture teacher"
        words = role.split()
        if not looks_like_a_name(untitled(name)) or not 1 <= len(words) <= 5 or "@" in role:
            continue
        listed = _LISTED_BEFORE.search(text, max(0, named.start() - 8), named.start()) or _LISTED_AFTER.match(
            text, match.end()
        )
        if match.group(2) and looks_like_a_name(role) and listed:
            continue  # a list of names: "Leo Martins, Sofia Reyes, Hannah Ojo"
        if re.search(r"\s(?:and|&)\s", role) and any(
            looks_like_a_name(part) for part in re.split(r"\s(?:and|&)\s", role)
        ):
            continue  # "Sarah Jones, Tom Hardy and Lee Chan"
        if sum(map(str.isdigit, role)) > 2 or any(re.search(r"[^\W\d_]\d|\d[^\W\d_]", word) for word in words):
            continue
        if role[0].isdigit() or _REMARK_ROLE.match(role) or _MONTH_IN.search(role):
            continue  # "(22 May)", "(see attached)", "(on behalf of ...)"
        found.append((match.start(), role))
    for match in _NAME.finditer(text):  # ... or before it: "with semiconductor analyst Ravi Menon"
        if looks_like_a_name(match.group()) and (role := _role_before(text, match.start())):
            found.append((match.start(), role))
    return list(dict.fromkeys(role for _, role in sorted(found)))


_LISTED_BEFORE = re.compile(r"[:,][ \t]*$")
_LISTED_AFTER = re.compile(r"[ \t]*(?:[,&;]|and\b)")
_REMARK_ROLE = re.compile(r"(?i)(?:see|cf|via|cc|on behalf|per|re|ref|tel|phone|mobile|email|e-mail|fax)\b")
_MONTH_IN = re.compile(
    r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|sept|oct|nov|dec)"
)


_NAME = re.compile(rf"(?<![\w'’.-])[^\W\d_a-z][\w'’-]*(?: (?:[^\W\d_a-z][\w'’-]*|{_PARTICLES})){{1,3}}(?![\w'’-])")
_WORD_BEFORE = re.compile(r"(?<![\w'’.-])([\w'’-]+)[ \t]+$")
_VERBS = frozenset(
    "said say says told tell contact contacts thank thanks meet met call called ask asked join joined please welcome "
    "dear hello introduce invite invited congratulate congrats email mail wrote write reply cc attn signed".split()
)
_FUNCTION = frozenset(
    "a an the and or with by of to for from at in on as is was are our your his her their its my feat ft".split()
)


def _role_before(text: str, start: int) -> str | None:
    """The words just before a name that say who the person is ("semiconductor analyst", "former Intel engineer",
    "NASA engineer"): up to four, back to a function word, a short lower-case word or a mark, the last a lower-case
    noun (not a verb's "-ed" or "-s")."""
    words: list[tuple[int, str]] = []
    at = start
    while len(words) < 4 and (before := _WORD_BEFORE.search(text, max(0, at - 40), at)) is not None:
        word = before.group(1)
        if word.casefold() in _FUNCTION or (len(word) <= 3 and word.islower()):
            break  # (a short lower-case word is another language's "en", "de", "mit")
        words.insert(0, (before.start(1), word))
        at = before.start(1)
    if not words or not words[-1][1].islower() or len(words[-1][1]) < 4 or words[-1][1].endswith(("ed", "s")):
        return None
    first = words[0][1]
    if first[:1].isupper() and not first.isupper() or any(word.casefold() in _VERBS for _, word in words):
        return None  # "Please contact Anna Berg", "said Ravi Menon", "We thank Maria Lopez"
    return text[words[0][0] : start].strip()


# How a text addresses a person before their name: a greeting, and the titles of many languages.
_ADDRESSED = frozenset({*GREETINGS, "caro", "cara", "geehrte", "geehrter", "drogi", "droga", "kochana", "kochany"})
_SALUTATIONS = (
    rf"(?:{TITLE_WORDS}|M|Sr|Sra|Sig|Sig\.ra|Signor|Signora|Pan|Pani|Dhr|Mevr|Meneer|Mevrouw|Monsieur|Madame|"
    r"Señor|Señora|Senhor|Senhora)\.?"
)
_MAIL_LOCAL = re.compile(r"([\w.+-]+)@[\w-]+(?:\.[\w-]+)+")
_GREETED_NAME = re.compile(
    rf"(?<!\w)(?i:{'|'.join(sorted(_ADDRESSED, key=len, reverse=True))})[ \t,]+(?:{_SALUTATIONS}[ \t]+)?"
    r"(?P<name>[^\W\d_][\w'’-]*)"
)
_SALUTED = re.compile(rf"(?<!\w){_SALUTATIONS}[ \t]+")
_NAME_GOES_ON = re.compile(r"[\w'’-]|[ \t]+[^\W\d_a-z]")


def vouched_for(values: list[str], text: str) -> list[str]:
    """The whole names of ``values`` (two to four words, each capitalised but a particle's) the text shows are a
    person's: greeted by their first or last name ("Dear Daniel", "Hallo Stefanie"), titled ("Mme Claire
    FONTAINE", "Mr Hughes"), or spelled by a mail address ("daniel.hughes@..."). None where the text shows none so."""
    locals_ = [folded(match.group(1)) for match in _MAIL_LOCAL.finditer(text)]
    greeted_words = {match["name"] for match in _GREETED_NAME.finditer(text)}
    titled_at = [match.end() for match in _SALUTED.finditer(text)]
    vouched = []
    for value in values:
        words = value.split()
        if not 2 <= len(words) <= 4 or not all(word[:1].isupper() or _PARTICLE.fullmatch(word) for word in words):
            continue
        if not (words[0][:1].isupper() and words[-1][:1].isupper()) or any(
            re.fullmatch(_SALUTATIONS, word) for word in words
        ):
            continue  # "Dra. Ibáñez", "de Mme Dubois", "Pieter van": not a whole name alone
        greeted = words[0] in greeted_words or words[-1] in greeted_words
        # (all of a name after its title: "Dr Mei Lin Tan" titles "Mei Lin Tan", not "Mei Lin")
        titled = any(
            text.startswith(name, at) and not _NAME_GOES_ON.match(text, at + len(name))
            for at in titled_at
            for name in (value, words[-1])
        )
        given, family = folded(words[0]), folded(words[-1])
        mailed = any(given in local and family in local for local in locals_ if min(len(given), len(family)) >= 2)
        if greeted or titled or mailed:
            vouched.append(value)
    return [value for value in vouched if not any(other != value and other.startswith(value) for other in vouched)]


# A name's word: capitalised ("Rosie", "Élodie", "O'Neill", "Mari-Carmen").
_TOGETHER_WORD = r"(?:[^\W\d_a-zß-ÿ][^\W\d_]*(?:['’-][^\W\d_]+)*)"
_ONE_NAME = rf"{_TOGETHER_WORD}(?:[ \t]{_TOGETHER_WORD}){{0,2}}"
# What joins the names of people named together: "&", "+", "and" in the languages texts come in ("Ola i Michał",
# "Marius og Thea", "Paco y Mari Carmen", "Lukáš a Petra").
_AND = r"(?:[ \t]*[&+][ \t]*|[ \t]+(?:and|und|et|y|e|i|og|och|en|a|u\.)[ \t]+)"
_JOINERS = frozenset("and und et y e i og och en a u".split())
_NAMED_TOGETHER = re.compile(rf"(?<![\w'’-]){_ONE_NAME}(?:,[ \t]+{_ONE_NAME}){{0,3}}{_AND}{_ONE_NAME}(?![\w'’-])")
# A field for people named together: a couple, a household, a party replying, a family.
_TOGETHER_WORDS = frozenset("couple couples household households party".split())


def names_people_together(field: str, description: str) -> bool:
    """Whether a field holds people named together ("couple", "party_name", "household"; not "third_party"), or its
    description gives an example so ('"Anna & Tom"')."""
    words = {word.casefold() for word in name_words(field)} - {"name", "names"}
    quoted = re.search(rf"[\"“]{_ONE_NAME}{_AND}{_ONE_NAME}[\"”]", description) is not None
    return (len(words) == 1 and words <= _TOGETHER_WORDS) or quoted


def named_together(text: str) -> list[str]:
    """The names the text writes joined ("Rosie Carter & William Osei", "Camille Roussel et Hugo Faure", "Kasia,
    Piotrek i Zosia"): none of whose parts is a common word of its language ("Grupo", "Hi")."""
    found = []
    for match in _NAMED_TOGETHER.finditer(text):
        value = match.group()
        # (not the greeting before them: "Hi Rosie and Will", "Hilsen Ingrid, Henrik og Mathea")
        if (first := value.split(" ", 1))[0].casefold().strip(",!") in GREETINGS and _NAMED_TOGETHER.fullmatch(
            first[-1]
        ):
            value = first[-1]
        words = [word for word in re.findall(r"[^\W\d_]+", value) if word not in _JOINERS]
        # (each name capitalised - "łóżko a śniadanie" is none - and none a common word of the text's language)
        if all(word[0].isupper() for word in words) and not any(a_common_word(word, text) for word in words):
            found.append(value)
    return list(dict.fromkeys(found))


# The mailboxes of an organisation's desks, not of a person ("info@", "kundeservice@", "no-reply@").
_DESK_MAILBOXES = frozenset(
    "info information service services kundeservice kundenservice kundservice customerservice customercare "
    "support help helpdesk hello contact contacts kontakt contacto contatto sales office admin booking bookings "
    "reservations reservas orders order pedidos bestellung obsluga billing accounts accounting invoices team news "
    "newsletter enquiries enquiry inquiries mail post reception secretariat segreteria secretaria sekretariat "
    "noreply donotreply notifications notification alerts mailer hr jobs careers klantenservice asiakaspalvelu "
    "zakaznicka podpora servis atendimento atencion assistenza assistance clients clientes".split()
)
_NO_REPLY = frozenset("noreply donotreply notifications notification alerts mailer".split())
# A field named for the person a text is about or written to, whose own address is wanted.
_PERSONAL_OWNERS = frozenset(
    "customer client guest passenger patient applicant candidate tenant student member buyer traveller traveler "
    "attendee participant borrower subscriber reader renter parent user personal private policyholder employee "
    "resident owner".split()
)


def _mailbox(address: str) -> str:
    """An address's local part in letters only, lower case ("no-reply" -> "noreply", "info2" -> "info")."""
    return "".join(character for character in address.split("@", 1)[0].casefold() if character.isalpha())


def owners_addresses(field: str, description: str, emails: list[Any]) -> list[Any]:
    """Of the e-mail addresses ``emails`` (values or ``Found``), those the field may hold by whose it is: never a
    no-reply one (but for a sender's field), and for a person's ("customer_email", "The customer's e-mail") none
    of an organisation's desk ("info@", "kundeservice@"); all of them where none would be left."""
    words = {word.casefold() for word in name_words(field)}
    opening = description.split(".")[0].casefold()
    owner = words | set(re.findall(r"[^\W\d_]+(?=['’]s\b)", opening))
    unwanted = set() if words & {"sender", "from"} else set(_NO_REPLY)
    if owner & _PERSONAL_OWNERS and not _ORGANISATION.search(opening):
        unwanted |= _DESK_MAILBOXES
    kept = [item for item in emails if _mailbox(str(getattr(item, "value", item))) not in unwanted]
    return kept or emails


# Words of a field's name that say it may hold a person's name ("first_name", "owner_name", "contact").
PERSON_FIELD_WORDS = _ROLES | _PERSONS_ROLES | frozenset("first last given family full middle person user".split())


def persons_words(values: list[str], text: str) -> set[str]:
    """The words of the people's names among ``values`` the text shows are a person's (``vouched_for``), and the
    names it greets ("Hi Sarah,"): what a thing's name ("plan_name", "product_name") is not made of alone."""
    words = {word for name in vouched_for(values, text) for word in name.split()}
    return words | {match["name"] for match in _GREETED_NAME.finditer(text) if match["name"][:1].isupper()}
