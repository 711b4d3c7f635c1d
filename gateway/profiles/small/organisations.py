"""Organisations a text names: the values a field holding a company's, a school's or another organisation's name
may take (``grounding``).

An organisation is written with its legal form last ("Brightwell Packaging Ltd", "Textiles del Bajío S.A. de
C.V.", "Drukarnia Wisła Sp. z o.o.") or with a word that names a kind of organisation ("Keystone IT Solutions",
"Escuela Nexo de Negocios", "Volkshochschule Köln"). Runs of a text's words stop at the dots of "Sp. z o.o." and
"S.A.", and a small model offered every run takes a street, a signer or a date for a company: where the text writes
organisations, a field that holds one is offered them.
"""

import functools
import re
from typing import Literal

from gateway.extraction.text_facts import Found, places_written
from gateway.profiles.small.choices import name_words
from gateway.profiles.small.people import looks_like_a_name

# Legal forms as companies write them after their name (and the upper-case forms a letterhead in capitals writes).
_LEGAL_FORMS = "|".join(
    re.escape(form)
    for form in (
        "GmbH & Co. KG|GmbH & Co KG|S.A. de C.V.|S. de R.L.|Sp. z o.o.|Sp.z o.o.|Pty. Ltd.|Pty Ltd|Co., Ltd.|Co. Ltd."
        "|S.à r.l.|S.p.A.|S.r.l.|S.A.S.|S.L.U.|S.A.|S.L.|B.V.|N.V.|L.L.C.|e.V.|A/S|Ltd.|Ltd|Limited|LLC|LLP|PLLC|Inc."
        "|Inc|Incorporated|Corp.|Corp|Corporation|Co.|plc|PLC|GmbH|gGmbH|AG|KG|OHG|UG|SE|SAS|SARL|SA|SL|SpA|Srl|SRL|BV"
        "|NV|AB|ASA|AS|ApS|Oy|Oyj|Kft.|Kft|Zrt.|s.r.o.|a.s.|d.o.o.|Lda|Ltda.|Ltda|K.K.|KK|LTD.|LTD|LIMITED|INC.|INC"
        "|CORP.|CORP|GMBH"
    ).split("|")
)
# A legal form written at a name's end ("ElektroBazar.cz s.r.o.", "Ferraro snc"): the name is written with it or
# without it.
LEGAL_TAIL = re.compile(rf",?[ \t]+(?:{_LEGAL_FORMS}|s\.c\.?|snc|sas|ASD)$")
# A department written at its end ("Northpeak Outdoor Customer Care", "Kundeservice" before it): no part of it.
DEPARTMENT = re.compile(
    r"(?i)[ \t]+(?:customer[ \t]+(?:care|service|support|services)|kundenservice|kundeservice|kundtjänst|"
    r"kundservice|klantenservice|service[ \t]+client|servicio[ \t]+al[ \t]+cliente|servizio[ \t]+clienti|"
    r"atendimento[ \t]+ao[ \t]+cliente|obsługa[ \t]+klienta)$"
    r"|^(?:customer[ \t]+(?:care|service|support)|kundenservice|kundeservice|kundtjänst|kundservice|"
    r"klantenservice|service[ \t]+client|reklamace|reklamační[ \t]+oddělení|team)[ \t]+[-–—|·][ \t]+"
)
# A word of a name: capitalised ("Wisła", "KubeSkills", "O'Neill", "Smith-Jones") or in capitals ("IT", "HALLAM").
_WORD = r"(?:(?:St|Ste|Mt)\.|[^\W\d_a-z][\w'’-]*)"  # "St. Aldric University Hospital"
# The small words a name holds between its capitalised ones ("Hallam & Price", "Textiles del Bajío").
# (Not "and" - "Acme Ltd and Beta GmbH" are two -, and "for" only in a name of a kind: "Academy for Digital Skills",
# not "Brightwell Design Studio for Harlow Foods Ltd".)
_JOINING = r"(?:&|\+|of|für|för|voor|pour|para|pro|de|del|della|des|du|der|den|di|da|do|van|von|la|le)"
_JOINING_KIND = rf"(?:{_JOINING}|for)"
# A legal form of two capitals ("AS", "SA", "SE") ends a name only where no capitalised word follows it ("PAYMENT
# DUE AS AGREED" names no company).
_SHORT_FORMS = frozenset("AG KG UG SE SA SL BV NV AB AS KK".split())
_NAMED = re.compile(rf"(?<![\w&])({_WORD}(?:[ \t](?:{_JOINING}[ \t])*{_WORD}){{0,6}}),?[ \t]+({_LEGAL_FORMS})(?![\w])")
_CAPITALISED_NEXT = re.compile(r"[ \t][^\W\d_a-z]")
# Words naming a kind of organisation, last or first in its name ("Nordic Leadership Institute", "Colegio
# Montessori Arboleda"); a German compound ends with one ("Volkshochschule", "Weinakademie").
_KIND_WORDS = frozenset(
    "academy academia akademie agency associates association bakery bäckerei café cafe center centre clinic "
    "club college colegio collège company conseil consultancy consulting consultants council escuela foundation "
    "fundación fondation group gruppe hochschule hospital hotel hôtel hotell institute institut instituto istituto "
    "interiors laboratories labs logistics lycée partners restaurant restaurante ristorante school schule "
    "services society solutions studio studios systems technologies trust universidad university universität "
    "université università verein werkstatt firma kanzlei stiftung stichting fundacja fondazione bedrijf empresa "
    "entreprise società spółka företag selskap vve alliance allianz associazione asociación asociacion association "
    "verband vereniging förening forening stowarzyszenie network netzwerk collective kollektiv garage workshop "
    "shop store retailer merchant gym salon pharmacy surgery practice dealership dealer bank insurer museum "
    "theatre cinema library pub brewery winery gallery".split()
)
_COMPOUND_ENDS = ("schule", "akademie", "institut", "verein", "werkstatt", "bedrijf", "kanzlei", "stiftung")
# A run of capitalised words (and the small words between them) on one line.
_RUN = re.compile(rf"(?<![\w&'’-])({_WORD}(?:[ \t](?:{_JOINING_KIND}[ \t])*{_WORD}){{0,7}})(?![\w'’])")
# Capitalised words a sentence opens with before a name, not part of it ("Join Harbour Leadership Group").
_OPENERS = frozenset(
    "a an about am at au beim between by call contact dear en for from hello hi im in join meet our please re "
    "register thanks the this to visit vom welcome with your zum zur ceo cto cfo coo founder director manager "
    "head".split()
)
_GREETINGS = frozenset("dear hello hi hey".split())


def organisations(text: str) -> list[Found]:
    """The organisations ``text`` names, in text order, each once: a name written with its legal form, and one
    holding a word for a kind of organisation (none inside another's name), but on a line that prices or counts
    it (a product's)."""
    return list(_organisations(text))


@functools.lru_cache(maxsize=16)
def _organisations(text: str) -> tuple[Found, ...]:
    found: dict[str, Found] = {}
    spans: list[tuple[int, int]] = []
    for match in _NAMED.finditer(text):
        if match.group(2) in _SHORT_FORMS and (
            _CAPITALISED_NEXT.match(text, match.end()) or (match.group(1).isupper() and len(match.group(1).split()) > 1)
        ):
            continue  # "PAYMENT DUE AS AGREED", "Head Office SE London": a sentence's words, not a company
        start = _without_openers(text, match.start(1), match.start(2))
        value = text[start : match.end()]
        if not _a_product(text, start):
            found.setdefault(value, Found(value, start, match.end()))
        spans.append((start, match.end()))
    for match in _RUN.finditer(text):
        start, end = _without_openers(text, match.start(1), match.end(1)), match.end(1)
        if start == len(text) or _greeted(text, match.start(1), start):
            continue  # "Dear Customer Services Team" is whom a letter greets
        end -= 2 if text[end - 2 : end] in ("'s", "’s") else 0  # "Harbour Leadership Group's"
        # A run reaching into a name with its legal form ends before it ("Brightwell Design Studio for Harlow
        # Foods Ltd"): the words before, without the small word between.
        inside = [first for first, last in spans if start < first < end]
        if inside:
            end = len(re.sub(rf"[ \t]+{_JOINING_KIND}[ \t]*$|[ \t]+$", "", text[: inside[0]]))
        if (of := text.find(" of ", start, end)) > 0 and looks_like_a_name(text[start:of]):
            start = of + 4  # "Kirsty Lam of Leeds Print Collective": the organisation after a person's name
        words = [word.casefold().rstrip(".") for word in text[start:end].split()]
        if len(words) < 2 or not any(a_kind_word(word) for word in words) or all(a_kind_word(word) for word in words):
            continue  # "Hotel" alone, "Services" or "Learning Services" names none
        if any(first <= start < last for first, last in spans) or _a_product(text, start):
            continue  # a part of a name with its legal form; a priced line's product ("Web Design Services £400")
        value = text[start:end].rstrip(".")
        found.setdefault(value, Found(value, start, start + len(value)))
    for named in _at_its_address(text):
        # (not where the text writes it with its legal form too: "Blue Harbor Coffee Roasters, Inc.")
        fuller = any(value.startswith(named.value) for value in found)
        within = any(first < named.end and named.start < last for first, last in spans)
        if not (fuller or within or _a_product(text, named.start)):
            found.setdefault(named.value, named)
    return tuple(sorted(found.values(), key=lambda item: item.start))


# A web or mail address's host ("https://northbeam.health", "jobs@kettle-and-crumb.co.uk", "brightloop.io").
_HOST = re.compile(r"(?i)(?:(?<=@)|(?<![\w.@-]))((?:[a-z0-9-]{2,63}\.)+[a-z]{2,24})\b(?![@-]|\.\w)")
# Labels of a host that name no organisation of the text's: the web's and free mail's own.
_NO_NAME_LABELS = frozenset(
    "www mail email web app apps shop jobs careers info com org net edu gov example gmail googlemail outlook "
    "hotmail live yahoo icloud proton protonmail gmx aol wp onet interia orange free libero laposte "
    # the platforms a text links to for a meeting, a ticket or a profile: not the organisation it is about
    "zoom meet google teams microsoft eventbrite linkedin github gitlab youtube facebook instagram twitter slack "
    "calendly docusign dropbox notion typeform".split()
)


def _at_its_address(text: str) -> list[Found]:
    """Names the text writes whose first words spell the name of one of its web or mail addresses' hosts
    ("Northbeam Health" beside "https://northbeam.health", not "Support" of "support.acme.com"): an
    organisation's, however it is written, up to two words after the spelt ones but a team's or a page's word
    ("Northbeam Health", not "... Careers Team"); not a person's own ("Anna Berg" of "anna@annaberg.se")."""
    owners: dict[str, set[str]] = {}  # a host's own label -> the mailboxes written at it
    for match in _HOST.finditer(text):
        addressed = re.search(r"(?:@|https?://|www\.)$", text[max(0, match.start() - 8) : match.start()])
        if not addressed and match.group(1).rsplit(".", 1)[-1].casefold() not in _COMMON_TLDS:
            continue  # an address, not a file's or a library's name ("invoice.pdf", "Node.js", "README.md")
        parts = match.group(1).casefold().split(".")
        parts = parts[:-2] if len(parts) > 2 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL else parts[:-1]
        label = parts[-1].replace("-", "") if parts else ""
        if len(label) > 2 and label not in _NO_NAME_LABELS:
            mailbox = re.search(r"([\w.+-]+)@$", text[max(0, match.start() - 65) : match.start()])
            owners.setdefault(label, set()).update([mailbox.group(1).casefold()] if mailbox else [])
    if not owners:
        return []
    named = []
    for match in _RUN.finditer(text):
        start, end = _without_openers(text, match.start(1), match.end(1)), match.end(1)
        end -= 2 if text[end - 2 : end] in ("'s", "’s") else 0
        if re.match(r"\.\w", text[end : end + 2]):
            continue  # the address itself, capitalised: "DCAT-AP.de"
        written = text[start:end].split()
        words = [re.sub(r"\W", "", word.casefold().replace("&", "and")) for word in written]
        spelt = next((k for k in range(1, len(words) + 1) if "".join(words[:k]) in owners), None)
        if spelt is None:
            continue
        kept = spelt
        while kept < min(len(written), spelt + 2) and words[kept] not in _PAGE_WORDS:
            kept += 1
        value = " ".join(written[:kept]).rstrip(".")
        mailboxes = owners["".join(words[:spelt])]
        if looks_like_a_name(value.title()) and any(box.startswith(words[0]) for box in mailboxes):
            continue  # a person's own address: "anna@annaberg.se"
        at = text.find(value, start)
        named.append(Found(value, at, at + len(value)))
    return named


# Endings of hosts written bare ("fernhill.ai") that no file or library name ends with.
_COMMON_TLDS = frozenset(
    "com org net io ai co app dev de uk fr es it nl se no dk fi pl ch at be eu us ca au nz in jp ie pt cz hu "
    "health tech agency studio digital online shop store art design energy bio info biz".split()
)
# The second level of a country's hosts: "co.uk", "com.au".
_SECOND_LEVEL = frozenset("co com org net ac gov edu ne or".split())
# Words after an organisation's name that name a part or a page of it, not the organisation.
_PAGE_WORDS = frozenset(
    "team teams careers jobs hours opening meeting meetings calendar actions support status docs help news blog "
    "app website site page store newsletter".split()
)


# A line that prices or counts what it names: an order's or an invoice's line, not a company.
_PRICED = re.compile(r"[$€£¥₹]\s?\d|\d[\d.,]*\s?(?:€|EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|kr\b|zł)|\s@\s|^\W*\d+\s*[x×]\s")


def _a_product(text: str, start: int) -> bool:
    """Whether the name at ``start`` stands on a short line that prices or counts it ("Web Design Services
    £400"; not a sentence that names a price too)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return len(line.split()) <= 12 and _PRICED.search(line) is not None


def _greeted(text: str, start: int, name_start: int) -> bool:
    """Whether the words cut off a run's front hold a greeting ("Dear")."""
    return any(word.casefold() in _GREETINGS for word in text[start:name_start].split())


def names_a_kind(field: str) -> bool:
    """Whether a field is named for a kind of organisation alone ("clinic", "hotel_name", "school"; not
    "clinic_phone")."""
    words = {word.casefold() for word in name_words(field)} - {"name"}
    return bool(words) and all(a_kind_word(word) for word in words)


# The words for a kind of place or organisation in the languages a gateway's texts come in: a field named for the
# kind ("pharmacy", "school", "hotel_name", a salon's "name") is offered the names holding one ("Löwen-Apotheke
# Dresden-Striesen", "La Pharmacie de la Gare", "Apteka Gemini", "St Mary's Primary School").
_KINDS_WRITTEN = {
    "pharmacy": "pharmacy chemist apotheke apotheek apotek apoteket apteka lékárna lekarna farmacia farmácia pharmacie",
    "hospital": "hospital krankenhaus klinikum ziekenhuis szpital sjukhus sykehus hôpital hopital ospedale",
    "clinic": "clinic klinik clinique clínica clinica kliniek dierenkliniek tierklinik practice surgery praxis "
    "cabinet consultorio ambulatorio praktijk vårdcentral przychodnia vet vets veterinary hospital",
    "school": "school schule grundschule gymnasium école ecole collège lycée escuela colegio escola scuola istituto "
    "liceo skola skolan szkoła szkola academy",
    "hotel": "hotel hôtel hotell albergo hostal pension",
    "restaurant": "restaurant restaurante ristorante trattoria osteria bistro brasserie gasthaus gasthof restauracja",
    "garage": "garage werkstatt autowerkstatt autohaus taller officina carrozzeria warsztat verkstad oficina",
    "museum": "museum musée museo muzeum",
    "library": "library bibliothek bibliothèque biblioteca bibliotheek bibliotek",
    "gym": "gym fitness fitnessstudio gimnasio palestra sportschool",
    "salon": "salon friseur coiffeur coiffure peluquería peluqueria parrucchiere kapper frisör fryzjer barber "
    "barbershop",
    "station": "station bahnhof hauptbahnhof gare estación stazione dworzec",
    "airport": "airport flughafen aéroport aeropuerto aeroporto luchthaven flygplats lotnisko",
    "church": "church kirche église iglesia chiesa kerk kyrka kościół",
    "theatre": "theatre theater théâtre teatro teatr",
    # (and what a match is played in: "Kreisliga A", "Coppa Provincia C5", "Mid-Downs League Division Two")
    "league": "league liga ligue lega division divisjon divisione división divisão divize klasse klasa serie cup "
    "coppa copa coupe pokal puchar pohár turnier tournament torneo tournoi championship meisterschaft "
    "kreisliga bezirksliga landesliga oberliga bezirksoberliga",
}
_KIND_WORDS_WRITTEN = {kind: frozenset(words.split()) for kind, words in _KINDS_WRITTEN.items()}
_KIND_SYNONYMS = {
    "surgery": "clinic",
    "practice": "clinic",
    "chemist": "pharmacy",
    "theater": "theatre",
    "hairdresser": "salon",
    "competition": "league",
    "tournament": "league",
}
# A name holds no possessive: "Ihr Werkstatt-Team", "Your Pharmacy Team" sign a mail, "Dank für Ihre Buchung im
# Hotel Alpenrose" thanks for one.
_POSSESSIVES = frozenset(
    "your our my ihr ihre ihrer ihrem ihren unser unsere unserer unserem unseren mein meine meiner votre notre vos nos "
    "mon ma leur su sus nuestro nuestra vostro nostro "
    "uw ons onze jouw din ert vår er wasz nasz".split()
)
# A title's abbreviation ends no name: "Zahnarztpraxis Dr. Berger", "Studio Medico Dott. Galli".
_TITLE_GOES_ON = re.compile(rf"\.[ \t]+{_WORD}(?:[ \t]{_WORD})?")
_TITLE_ENDS = frozenset("dr drs dott prof med".split())


def kind_named_by(path: str) -> frozenset[str]:
    """The words a field named for a kind of place or organisation is written with in many languages ("pharmacy",
    "school_name"; a salon's "name" by its object's); none for another field ("hotel_address", "station_code")."""
    segments = [[word.casefold() for word in name_words(part)] for part in path.split(".")]
    words = segments[-1] if set(segments[-1]) - {"name", "names"} or len(segments) < 2 else segments[-2]
    kinds = [word for word in words if word not in ("name", "names")]
    if len(kinds) != 1:  # the kind alone or with "name": not a hotel's address, a station's code
        return frozenset()
    return _KIND_WORDS_WRITTEN.get(_KIND_SYNONYMS.get(kinds[0], kinds[0]), frozenset())


def names_holding(text: str, kind_words: frozenset[str]) -> list[str]:
    """The names of two or more words the text writes holding one of ``kind_words`` - as a word, a part of one
    joined by a hyphen, or a compound's end ("Huisartsenpraktijk Oog") - and a number after them, the longest
    first."""
    found = []
    for match in _RUN.finditer(text):
        name, end = match.group(1), match.end(1)
        parts = [part for part in re.split(r"[ \t-]+", name.casefold()) if part]
        if len(parts) < 2 or _POSSESSIVES.intersection(parts):
            continue
        if any(
            part in kind_words or any(len(word) >= 5 and part.endswith(word) for word in kind_words) for part in parts
        ):
            if parts[-1] in _TITLE_ENDS and (named := _TITLE_GOES_ON.match(text, end)):
                name, end = name + named.group(), named.end()
            number = _NAME_NUMBER.match(text, end)  # "Farmacia Comunale 12"
            found.append(name + (number.group() if number else ""))
    return sorted(dict.fromkeys(found), key=len, reverse=True)


_NAME_NUMBER = re.compile(r"[ \t]\d{1,3}(?!\d|[.,:/]\d|[ \t]*(?:%|[^\W\d_]))")


def a_kind_word(word: str) -> bool:
    """Whether a word in lower case names a kind of organisation ("clinic", "centre", "Volkshochschule")."""
    return word in _KIND_WORDS or (len(word) > 8 and word.endswith(_COMPOUND_ENDS))


def _without_openers(text: str, start: int, end: int) -> int:
    """Where a name starts once the words a sentence opens with are cut off its front."""
    while True:
        word = re.match(r"[^\s]+[ \t]+", text[start:end])
        if word is None or word.group().strip().casefold() not in _OPENERS:
            return start
        start += word.end()


# A field holds an organisation's name where its name or its description (not what it rules out) says so.
_ORGANISATION_WORDS = re.compile(
    r"(?i)\b(?:compan(?:y|ies)|organi[sz]ations?|business|firm|employer|supplier|vendor|school|university|"
    r"college|institution|agency|academy)\b"
    # ... or a kind of organisation as the head of its name: "Person or dealership name", "the clinic's name",
    # "name of the club" (not "the patient seen at the clinic")
    r"|\b(?:dealer(?:ship)?|shop|store|retailer|club|association|charity|clinic|hospital|practice)(?:'s)?[ \t]+name\b"
    r"|\bname[ \t]+of[ \t]+the[ \t]+(?:dealer(?:ship)?|shop|store|retailer|club|association|charity|clinic|hospital|"
    r"practice)\b(?![ \t]+(?!(?:that|which|who|where|in|at|of|as|or|and|for|it|is)\b)[^\W\d_])"
)
_PERSON_WORDS = re.compile(r"(?i)\b(?:person|people|individual|someone|customer's name|contact person)\b")
_RULED_OUT = re.compile(r"(?i)\b(?:not|no|never|rather than|instead of)\b[^.;]*")
_ORGANISATION_NAMES = frozenset("company supplier vendor employer provider organisation organization school".split())
# Words of a field's name saying it holds something of an organisation's other than its name.
_NOT_A_NAME = frozenset(
    "id number no nr code ref reference phone tel fax address email mail website url web date year industry sector "
    "type kind size count city town country vat tax iban account logo".split()
)


def holds_an_organisation(field: str, description: str) -> Literal["organisation", "or a person"] | None:
    """Whether a string field holds an organisation's name ("supplier_name": "The company ... making the offer"),
    one that may be a person's instead ("The company, organisation or person the quote is made out to"), or
    neither: a field named for a name or a party, not an organisation's number, address or industry."""
    said = _RULED_OUT.sub("", description.split(". ")[0])
    words = {word.casefold() for word in name_words(field)}
    if words & _NOT_A_NAME or not words & (_ORGANISATION_NAMES | _SELLERS | _BUYERS | _HOSTS | {"name"}):
        return None
    if not (_ORGANISATION_WORDS.search(said) or (words & _ORGANISATION_NAMES and not said.strip())):
        return None
    return "or a person" if _PERSON_WORDS.search(said) else "organisation"


# Words of a field's name for where something happens, not who provides it: a venue is seldom the text's writer.
_PLACE_NAMES = frozenset("venue location place port station airport destination origin site".split())
# A party that may be a person or an organisation on either side of a payment or a message.
_EITHER_PARTY = re.compile(r"(?i)\b(?:payer|payee|sender|recipient|counterparty)s?\b")


def names_a_provider(field: str, description: str) -> bool:
    """Whether a field holds the name of the organisation providing the text's service, by its description alone
    ("operator": "The ferry company operating the crossing", "facility_name": "The name of the kennel, cattery or
    pet hotel", "issuer": "Who issued the notice (council, city, police or parking company)") - a field no party
    word of its name already places (a supplier, a customer, an organiser), nor a place."""
    words = {word.casefold() for word in name_words(field)}
    if not words - {"name"} or words & (_NOT_A_NAME | _BUYERS | _SELLERS | _HOSTS | _PLACE_NAMES):
        return False
    if holds_an_organisation(field, description) is not None:
        return False
    said = _RULED_OUT.sub("", description.split(". ")[0])
    if _PERSON_WORDS.search(said) or _EITHER_PARTY.search(said):
        return False  # "the person or company making the claim", "the merchant, payer or payee"
    # (a place of business by its kind - "hotel", "clinic" -, not a "group" or a "class"; or a provider of a
    # service by its trade: "The mobile operator", "the insurer")
    return bool(_ORGANISATION_WORDS.search(said) or _PROVIDER_WORDS.search(said)) or any(
        word in _KINDS_WRITTEN and word != "league" for word in re.findall(r"[^\W\d_]+", said.casefold())
    )


_PROVIDER_WORDS = re.compile(
    r"(?i)\b(?:operator|provider|carrier|insurer|insurance company|bank|airline|lender|broker|utility|network)s?\b"
)


# Which party of a document a field names: the one selling (a quote's supplier, an invoice's vendor) or the one
# buying (the customer), by a word of its name.
_SELLERS = frozenset("supplier vendor seller consignor".split())  # (a bank alert's merchant is no writer)
_BUYERS = frozenset("customer client buyer purchaser addressee consignee".split())
Side = Literal["seller", "buyer"]
# What marks an organisation as the buyer: a label for one before it on its line ("Client :", "Prepared for:",
# "Kunde:"), or "for" before it ("our quotation for Harlow Foods Ltd", "el presupuesto para Restaurante La Marina").
_FOR_BUYER = re.compile(
    r"(?i)(?:\b(?:client|customer|kunde|kundin|cliente|klant|kund|buyer|käufer|comprador|acheteur|prepared[ \t]+for|"
    r"bill(?:ed)?[ \t]+to|invoice[ \t]+to|sold[ \t]+to|attn|attention)[ \t]*:|^[ \t]*(?:to|an|à|aan|dla)[ \t]*:"
    r"|(?<=\w[ \t])(?:for|para|pour|für|per)[ \t]*:?)"
    r"[ \t]*\**[ \t]*$"
)
# ... as the seller: a label for one ("Supplier:", "Vendor:").
_FOR_SELLER = re.compile(
    r"(?i)\b(?:supplier|vendor|seller|lieferant|anbieter|verkäufer|proveedor|vendedor|fournisseur|vendeur|"
    r"leverancier|leverantör|dostawca|fornitore)[ \t]*:[ \t]*\**[ \t]*$"
)
# The writer's organisation: the letterhead's, the footer's, the one a letter is signed for, or after "From:".
_FROM = re.compile(r"(?i)\b(?:from|von|de|da|van|från|fra|od)[ \t]*:[ \t]*$")
_CLOSING = re.compile(
    r"(?im)^[ \t]*(?:(?:best|kind|warm|many)[ \t]+(?:regards|wishes)|regards|(?:yours[ \t]+)?(?:sincerely|"
    r"faithfully|truly)|thanks|best|cheers|mit[ \t]+freundlichen[ \t]+grüßen|freundliche[ \t]+grü(?:ß|ss)e|"
    r"viele[ \t]+grüße|beste[ \t]+grüße|atentamente|un[ \t]+saludo|saludos(?:[ \t]+cordiales)?|cordialement|"
    r"bien[ \t]+cordialement|(?:med[ \t]+)?vänliga?[ \t]+hälsningar?|vennlig[ \t]+hilsen|med[ \t]+venlig[ \t]+hilsen|"
    r"met[ \t]+vriendelijke[ \t]+groet(?:en)?|cordiali[ \t]+saluti|distinti[ \t]+saluti|pozdrawiam|"
    r"z[ \t]+poważaniem|atenciosamente|cumprimentos)[ \t]*[,.!]?[ \t]*$"
)
# The lines a letterhead takes at the top (a subject or an e-mail's header is none).
_HEADER_LINE = re.compile(r"(?i)^[ \t#*]*(?:subject|re|fwd?|asunto|betreff|objet|oggetto|ämne|to|cc|an|para)\b")
# A purchase order is written by the buyer: its title opens one of the first lines ("PURCHASE ORDER No. PO-88213";
# not a label for the buyer's reference on an invoice, "Purchase order: 4500123").
_ORDER_TITLE = re.compile(
    r"(?im)^[ \t#*]*(?:purchase[ \t]+order|bestellung|orden[ \t]+de[ \t]+compra|bon[ \t]+de[ \t]+commande|"
    r"ordine[ \t]+(?:di[ \t]+)?acquisto|inköpsorder|zamówienie|inkooporder)\b(?![ \t]*:)"
)


def a_closing(line: str) -> bool:
    """Whether a line is a letter's closing ("Kind regards,", "Mit freundlichen Grüßen", "Cordiali saluti")."""
    return _CLOSING.fullmatch(line.strip()) is not None


def party_side(path: str) -> Side | None:
    """The party a field's own name says it holds - the seller, the buyer - or neither (not its object's: one
    ``$defs`` party may be an invoice's vendor and its customer both)."""
    words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
    if words & _SELLERS and not words & _BUYERS:
        return "seller"
    if words & _BUYERS and not words & _SELLERS:
        return "buyer"
    return None


def on_the_side(found: list[Found], text: str, side: Side) -> tuple[list[Found], list[Found]]:
    """Of the organisations ``found``, those the text marks as the party on ``side``, and those it does not mark
    as the other party. A label marks one ("Client :", "Prepared for:", "Vendor:"), and "for" the buyer; else the
    writer's (the letterhead's, the footer's, the one a letter is signed for) is the seller - the buyer in a
    purchase order."""
    head = text[: sum(len(line) + 1 for line in text.splitlines()[:6])]
    writer: Side = "buyer" if _ORDER_TITLE.search(head) else "seller"
    sides = {item.value: _side(item.value, text, writer) for item in found}
    other = "buyer" if side == "seller" else "seller"
    return [item for item in found if sides[item.value] == side], [item for item in found if sides[item.value] != other]


def writes_the_text(value: str, text: str) -> bool:
    """Whether an organisation the text names is the one writing it: its letterhead's, its footer's, signed for -
    standing on its line alone or before its address or contact ("E-Drive Utrecht B.V.", "GARAGE BÜHLMANN AG ·
    Zürcherstrasse 214"), not opening a sentence ("Acme Motors Ltd has nothing to do with this sale.")."""
    return any(
        _written_by(text, at) and _ALONE_AFTER.match(text, at + len(value)) is not None
        for at in places_written(value, text, 20)
    )


_ALONE_AFTER = re.compile(r"[ \t]*(?:$|\n|[,·|–—•]|[ \t]-[ \t])", re.MULTILINE)


def _side(value: str, text: str, writer: Side) -> Side | None:
    places = list(places_written(value, text, 20))
    for at in places:
        before = text[max(0, at - 40) : at]
        if "\n" in before:
            before = before[before.rindex("\n") + 1 :]
        if _FOR_BUYER.search(before):
            return "buyer"
        if _FOR_SELLER.search(before):
            return "seller"
    return writer if any(_written_by(text, at) for at in places) else None


def _written_by(text: str, at: int) -> bool:
    """Whether the organisation at ``at`` is the writer's: the letterhead's, the footer's, signed for, "From:"."""
    line_start = text.rfind("\n", 0, at) + 1
    if _FROM.search(text, line_start, at):
        return True
    if text[line_start:at].strip(" \t*#"):
        return False  # a writer's name opens its line
    head = text[:line_start].lstrip()
    if "\n\n" not in head and head.count("\n") < 4 and not _HEADER_LINE.match(head):
        return True  # the letterhead: the text's first lines, up to a blank line
    if not text[at:].strip().count("\n"):
        return True  # the footer: the last line
    closing = list(_CLOSING.finditer(text, 0, at))
    return bool(closing) and text.count("\n", closing[-1].end(), at) <= 6


# What names an event's organiser before it: "Organised by", "Veranstalter:", "Organiza:", "promosso da".
_ORGANISED_BY = re.compile(
    # a label's word with its colon or dash ("Organiser:", "Veranstalter –"), or a phrase saying so
    r"(?i)(?:\b(?:organi[sz]er|host|veranstalter(?:in)?|organisateur|organizador|organizzatore|organisator|"
    r"organizator|arrangør|arrangör|organisatie|organiza)[ \t]*[:–—-]|\b(?:organi[sz]ed|hosted|convened)[ \t]+by"
    r"[ \t]*:?|\b(?:organisiert|veranstaltet)[ \t]+von|\borganis[ée]e?s?[ \t]+par|\borganizado[ \t]+por|"
    r"\b(?:promosso|organizzato)[ \t]+da(?:ll['’])?|\bgeorganiseerd[ \t]+door)"
    r"[ \t]*(?:(?:the|la|le|die|der|el)[ \t]+|l['’])?(?:association|verein|stiftung|foundation|fondation)?[ \t]*"
)
# A person's role after their name: "Sarah O'Neill, CEO of Brightpath Ventures Ltd".
_A_ROLE_AFTER = re.compile(
    r"(?i),?[ \t]+(?:ceo|cto|cfo|coo|founder|co-founder|director|head|manager|chair|president|professor|owner)\b"
)
_RUN_BY = re.compile(r"(?i)\b(?:run|presented)[ \t]+by[ \t]+(?:the[ \t]+)?")
_RUN_AT = re.compile(rf"({_WORD}(?:[ \t](?:{_JOINING}[ \t])*{_WORD}){{0,7}})")
_HOSTS = frozenset("organiser organizer host hosts promoter convener organisers organizers".split())


def organised_by(field: str, text: str) -> list[str]:
    """For an organiser's field: the names the text writes right after words saying who organises the event
    ("Organised by Northern Web Collective CIC", "Veranstalter: Netzwerk Offene Kommune e.V.", "Il convegno è
    promosso dall'Associazione Italiana Biblioteche – Sezione Emilia-Romagna"); none for another field."""
    words = {word.casefold() for word in name_words(field)}
    if not words & _HOSTS or words & _NOT_A_NAME:
        return []
    named = {item.start: item.value for item in _organisations(text)}
    found: list[str] = []
    # (what "run by"/"presented by" name, only where nothing says who organises it: "Shuttle buses are run by ...")
    cues = list(_ORGANISED_BY.finditer(text)) or list(_RUN_BY.finditer(text))
    for cue in cues:
        if cue.end() in named:
            found.append(named[cue.end()])
        elif (run := _RUN_AT.match(text, cue.end())) is not None and len(run.group(1).split()) <= 6:
            value = re.split(r"['’]s?(?:\s|$)", run.group(1))[0]  # "Kestrel Analytics' People Ops team"
            if not _A_ROLE_AFTER.match(text, run.end(1)):  # "Hosted by Sarah O'Neill, CEO of ...": a person
                found.append(value)
    return list(dict.fromkeys(found))
