"""A postal address read apart by where its parts stand (``NestedReader``): asked for the parts of one address line
("Deliver to: Anna Kowalski, ul. Długa 14/3, 00-238 Warszawa, Poland"), a small model puts the postal code in the
city and the city in the region. The line's parts - between commas, middle dots, bars or line breaks - are told
apart by their shape: the part with a house number is the street (with a flat or suite written after it), a
postal code stands before or after the city ("80331 München", "LONDON SE15", "Springfield IL 62704"), the words
before the street are whom it is addressed to, and those after the city its region and country. An object whose
fields are named for these parts (``street``, ``city``, ``postal_code``, ``state``, ``country``, ``recipient``...)
takes them as read, without a call."""

import itertools
import re
from typing import Any

from gateway.profiles.small.choices import name_words

# Field-name words for each part of an address.
_ROLE_WORDS: dict[str, frozenset[str]] = {
    "postal_code": frozenset({"zip", "postcode", "zipcode", "postal"}),
    "street": frozenset({"street", "address", "line1", "addr"}),
    "city": frozenset({"city", "town", "locality", "municipality"}),
    "region": frozenset({"region", "state", "province", "county", "prefecture"}),
    "country": frozenset({"country"}),
    "recipient": frozenset({"recipient", "addressee", "attention", "attn", "name"}),
}

_POSTAL = (
    r"(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?(?: ?\d[A-Z]{2})?|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4} ?[A-Z]{2}|\d{2}-\d{3}"
    r"|\d{3}-\d{4}|\d{5}-\d{3}|\d{3} \d{2}|\d{4,6})"
)
_WORDS = r"[^\W\d_a-z][^\d,]*?"  # a town is capitalised
# "80331 München", "10126 Torino TO", "5652 AH Eindhoven"
_POSTAL_CITY = re.compile(rf"({_POSTAL})\s+({_WORDS})(?:\s+([A-Z]{{2}}))?")
# "LONDON SE15", "Springfield IL 62704", "Toronto ON M5V 2T6"
_CITY_POSTAL = re.compile(rf"({_WORDS})(?:\s+([A-Z]{{2}}))?\s+({_POSTAL})")
# "IL 62704", "CA 90027"
_REGION_POSTAL = re.compile(rf"([A-Z]{{2,3}})\s+({_POSTAL})")
# A flat, suite or unit written after the street ("Apt 2B", "#12", "Suite 400", "Rm 214").
_UNIT_WORD = r"(?:(?:apt|apartment|suite|ste|unit|flat|floor|fl|rm|room)\b\.?\s*\w*\d\w*|#\s*\w+)"
_UNIT = re.compile(rf"(?i){_UNIT_WORD}")
# A street with its house number: "455 Elm Street", "4530 Sunset Blvd #12", "Hauptstr. 12", "ul. Długa 14/3",
# "PO Box 2281", "1842 Larkspur Ln Apt 6" - one number, before or after the words, and a unit.
_STREET = re.compile(
    rf"(?:\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,4}})?\s+[^\W\d_][^\d]*?|[^\d]*?[^\W\d_][^\d]*\s\d{{1,5}}[A-Za-z]?"
    rf"(?:[/-]\d{{1,4}}[A-Za-z]?)?)(?:\s+(?i:{_UNIT_WORD}))?"
)
# A street names itself one - a word for a street, in the languages most addresses are written in, or such a
# word's ending ("Hornsgatan", "Seefeldstrasse", "Wrangelstr.").
_STREET_WORD = re.compile(
    r"(?i)\b(?:street|st|road|rd|lane|ln|avenue|ave|av|boulevard|blvd|drive|dr|way|place|pl|court|ct|terrace|close|"
    r"crescent|square|sq|row|parkway|pkwy|highway|hwy|alley|quay|mews|gardens|grove|walk|rue|calle|carrer|avenida|"
    r"via|viale|piazza|plaza|rua|gasse|weg|allee|platz|ring|damm|laan|straat|gracht|plein|ul|ulica|utca|po box|"
    r"broadway|gate)\b|(?:stra(?:ss|ß)e|str\.|straat|gatan|gata|vägen|gade|vej|katu|weg|gasse|platz|allee|laan|damm)\b"
)
# A floor or a door written after a street: "1 tr", "3º izquierda", "2nd floor", "4 OG".
_FLOOR = re.compile(
    r"(?i)\d{1,3}\s*(?:º|ª|°|st|nd|rd|th)?\.?\s*(?:tr|fl|floor|etage|stock|og|eg|piso|planta|izquierda|izq|"
    r"derecha|dcha|puerta|door|rear|front)?\.?"
)
_STREET_AFTER = re.compile(r"(?i)\b(?:at|on|is)\s+(?=\S)")
# Parts of an address line end at commas, middle dots, bars, line breaks, a label's colon, a dash between spaces
# or a sentence's full stop ("USA. No signature required"; not "St. Louis").
_PARTS = re.compile(r"\s*(?:[,·|;\n]|:\s|\s[-–]\s|(?<=[^\W\d_]{3})\.\s+(?=[A-Z]))\s*")
# Whom an address is for: up to six capitalised words (and particles), an initial or a company's "Inc.".
_CAPITALISED = re.compile(r"[^\W\d_a-z][\w'’.&-]*")
_PARTICLES = frozenset("van von de der del da di la le al bin".split())
_JOINING = _PARTICLES | {"of", "and", "the", "y", "et"}  # "Republic of Ireland", "Trinidad and Tobago"


def _addressee(part: str) -> bool:
    words = part.split()
    return 0 < len(words) <= 6 and all(word in _PARTICLES or _CAPITALISED.fullmatch(word) for word in words)


_NOT_POSTAL = frozenset({"email", "mail", "web", "website", "url", "uri", "phone", "ip", "ipv4", "ipv6", "wallet"})


def roles(properties: dict[str, Any], *, top: bool = False) -> dict[str, str]:
    """The string fields of an object named for a part of an address: field name -> part. At the ``top`` of a
    schema (a listing's ``street`` and ``city``) only fields named for the part itself, never a name: a listing's
    ``address`` may hold the whole address, its ``contact_name`` is nobody's addressee."""
    found: dict[str, str] = {}
    # Fields named for the part itself first ("street" before "address_line"); never an email or web address.
    for loose in (False,) if top else (False, True):
        for field, spec in properties.items():
            branches = spec.get("anyOf", [spec])
            words = {word.casefold() for word in name_words(field)}
            if field in found or words & _NOT_POSTAL or not any(branch.get("type") == "string" for branch in branches):
                continue
            for role, names in _ROLE_WORDS.items():
                matched = words & names if loose else words & names - {"address", "name"}
                if matched and role not in found.values() and not (top and role == "recipient"):
                    found[field] = role
                    break
    return found


def parse(line: str) -> dict[str, str]:
    """The parts of one address line by their shape: part -> value as written. Empty unless the line holds a
    street or a postal code and a city. An address written over lines is read line by line first (``_block``)."""
    if len(line) > 400:
        return {}  # no address line is that long
    bare = re.sub(r"[ \t]*\([^()\n]{0,60}\)", "", line).strip()  # (a remark in brackets is no part: "(2nd floor)")
    if "\n" in bare and (block := _block([part.strip(" >") for part in bare.split("\n")])):
        return block
    # Without a remark in brackets ("The Netherlands (loading dock B)"), a sentence's full stop after a number
    # ("TX 78681.") or a quoted mail's ">" - or the address is the remark ("the Loft (Stralauer Allee 2, 10245
    # Berlin)").
    remarks = re.findall(r"\(([^()\n]{0,60})\)", line)
    found = _parts(re.sub(r"\s*\([^()\n]{0,60}\)", "", line))
    for remark in remarks if not found else []:
        found = _parts(remark)
        if found:
            break
    return found


def an_address(value: str) -> bool:
    """Whether ``value`` is written as an address: a street with a postal code or a city ("12 Quay Street, Whitby
    YO21 3PR"), or a street's word with a house number ("40 Mill Lane", "Leopoldstraße 118")."""
    return bool(parse(value)) or (
        re.search(r"\d", value) is not None
        and (_STREET_WORD.search(value) is not None or re.search(r"(?i)str\.[ \t]*\d", value) is not None)
    )


def _parts(line: str) -> dict[str, str]:
    # Without a sentence's full stop after a number or a word ("TX 78681.", "Italy."; not "St.").
    parts = [re.sub(r"(?<=\d)\.$|(?<=[^\W\d_]{4})\.$", "", part.strip(" >")) for part in _PARTS.split(line.strip())]
    parts = [_street_after(part) for part in parts if part]
    if any(len(part) > 80 for part in parts):
        return {}
    found: dict[str, str] = {}
    before: list[str] = []  # word parts before the street or the city
    after: list[str] = []  # word parts after the city
    for index, part in enumerate(parts):
        if "street" in found and "city" not in found and _UNIT.fullmatch(part):
            found["street"] += f", {part}"
        elif match := _POSTAL_CITY.fullmatch(part):
            if "street" not in found and _house_number(part) and not {"postal_code", "city"} & found.keys():
                found["street"] = part  # "4530 Sunset Blvd": a number and words before any city
                continue
            found.update(_named(postal_code=match.group(1), city=match.group(2), region=match.group(3)))
        elif (match := _REGION_POSTAL.fullmatch(part)) and ("city" in found or before):
            if "city" not in found:  # "Toronto, ON M5V 2T6": the words before are the city
                found["city"] = before.pop()
            found.update(_named(region=match.group(1), postal_code=match.group(2)))
        elif (match := _CITY_POSTAL.fullmatch(part)) and ("street" in found or index > 0):
            if "city" in found:  # "Cupertino, California 95014", "Toronto, Ontario M5H 2N2": after the city, its region
                found.update(_named(region=match.group(1), postal_code=match.group(3)))
            else:
                found.update(_named(city=match.group(1), region=match.group(2), postal_code=match.group(3)))
        elif re.fullmatch(_POSTAL, part) and ("street" in found or "city" in found) and any(c.isdigit() for c in part):
            found.setdefault("postal_code", part)
            if after and "region" not in found:  # "Guildford, Surrey, GU1 3AA": what stands between is the region
                found["region"] = after.pop(0)
        elif any(character.isdigit() for character in part):
            if "street" in found and "city" not in found and _STREET.fullmatch(part) and _STREET_WORD.search(part):
                if not _STREET_WORD.search(found["street"]):  # "Flat 3", then "12 Mill Lane"
                    found["street"] = part
                    continue
            if "street" in found and "city" not in found and _FLOOR.fullmatch(part):
                continue  # a floor or a door after the street ("Hornsgatan 64, 1 tr", "3º izquierda")
            if not found and not _STREET.fullmatch(part):
                before.clear()  # "ROOM in 3-bed flatshare, Kreuzberg – Wrangelstr. 18": the address starts later
                continue
            if "street" in found or "city" in found or not _STREET.fullmatch(part):
                break  # a phone number, a date: the address's end
            found["street"] = part
        elif "street" in found and "city" not in found:
            if not part[:1].isupper():
                continue  # a remark ("88 Jones Ave, M4M 2Z9, side door"): a town's name is capitalised
            found["city"] = part
        elif "street" in found or "city" in found:
            if "city" in found and any(word[0].islower() and word not in _JOINING for word in part.split()):
                break  # a sentence after the address ("No signature required"), not a region or a country
            after.append(part)
        else:
            before.append(part)
    if not ({"city", "postal_code"} & found.keys() and len(found.keys() & {"street", "city", "postal_code"}) >= 2):
        return {}
    if "postal_code" not in found and not _STREET_WORD.search(found.get("street", "")):
        return {}  # without a postal code, a street names itself one: "2-bed flat, Headingley" is none
    named = [part for part in before if _addressee(part)]
    if named:
        found["recipient"] = named[-1]
    # After the city: its region, then the country ("Springfield, IL, USA"); one part alone is the country,
    # unless it is two capitals ("Columbus, OH").
    if "region" not in found and (len(after) >= 2 or after and re.fullmatch(r"[A-Z]{2}", after[0])):
        found["region"] = after.pop(0)
    if after:
        found["country"] = after[-1]
    return {role: value.strip() for role, value in found.items() if value and value.strip()}


# A line of a postal code and its town: "04177 Leipzig", "31-147 Kraków", "Asheville, NC 28801", "LONDON SE15";
# or a postal code alone ("SA19 6AB", under its town).
_US_CITY_LINE = re.compile(rf"({_WORDS}),?\s+([A-Z]{{2}})\s+({_POSTAL})")


def _postal_line(line: str) -> dict[str, str] | None:
    if not any(character.isdigit() for character in line):
        return None
    if match := _US_CITY_LINE.fullmatch(line):
        return _named(city=match.group(1).rstrip(","), region=match.group(2), postal_code=match.group(3))
    if (match := _POSTAL_CITY.fullmatch(line)) and not _house_number(line):
        return _named(postal_code=match.group(1), city=match.group(2), region=match.group(3))
    if match := _CITY_POSTAL.fullmatch(line):
        return _named(city=match.group(1).rstrip(","), region=match.group(2), postal_code=match.group(3))
    if re.fullmatch(_POSTAL, line) and len(line) >= 5:
        return {"postal_code": line}
    return None


# A line a number labels, not a street: "Order 4471", "Tel 0161 496 0732".
_NUMBERED_LINE = re.compile(
    r"(?i)^(?:order|invoice|ref|reference|tel|phone|fax|mobile|tracking|parcel|item|qty|page|total|account|customer|"
    r"case|ticket|no|nr)\b"
)


def _street_line(line: str) -> bool:
    """Whether a line of an address written over lines is its street: a house number, or a word for a street -
    not a sentence ("Your 2 parcels are on the way"), a time's ("Table for 4 at 19:30") or a numbered thing's."""
    small = [word for word in re.findall(r"[^\W\d_][\w'’]*", line) if word.islower()]
    sentence = len([word for word in small if not _STREET_WORD.fullmatch(word) and word not in _JOINING]) > 2
    return bool(
        len(line) <= 80
        and (re.search(r"\d", line) or _STREET_WORD.search(line))
        and not _postal_line(line)
        and not _NUMBERED_LINE.match(line)
        and not sentence
        and not re.search(r"\d[:.]\d\d\b(?![.,]\d)|[!?:]", line)
    )


def _a_sentence(line: str, most: int = 2) -> bool:
    """Whether a line reads as a sentence: more than ``most`` small words that are no particles ("Your parcel is
    on its way to"; with ``most`` 0, "Please ring twice" - not "woj. małopolskie", an abbreviation's county)."""
    words = re.findall(r"[^\W\d_][\w'’]*\.?", line)
    small = [word for word in words if word.islower() and word not in _JOINING and not word.endswith(".")]
    return len(small) > (most if not words or not words[0].endswith(".") else 2) or bool(re.search(r"[!?:]", line))


# A greeting or a closing line: nobody's address.
_GREETING = re.compile(
    r"(?i)^(?:dear|hi|hello|hey|hallo|liebe|lieber|sehr|bonjour|cher|chère|hola|estimad[oa]|ciao|gentile|beste|"
    r"hej|dzień|thanks|thank|regards|best)\b"
)


def _words_line(line: str) -> bool:
    """Whether a line of an address written over lines is words alone: a town, a county ("woj. małopolskie"), a
    country - not a sentence."""
    return 0 < len(line) <= 40 and line[:1].isalpha() and not re.search(r"\d|[!?:;]|\.$", line)


def _block(lines: list[str]) -> dict[str, str]:
    """An address written a part per line, whole lines as written: whom it is for, the street (commas and all:
    "Lindenstraße 44, 2. OG links", "Ty Gwyn, 3 Heol y Felin"), the town with its postal code ("04177 Leipzig",
    "Asheville, NC 28801") or on lines of their own over it ("Llandeilo / Carmarthenshire / SA19 6AB"), then the
    region and the country. Empty where the lines are not so."""
    lines = [line for line in lines if line]
    if not 2 <= len(lines) <= 8:
        return {}
    postal = next((index for index, line in enumerate(lines) if _postal_line(line)), None)
    if postal is None or postal == 0:
        return {}
    found = dict(_postal_line(lines[postal]) or {})
    above = lines[:postal]
    if "city" not in found:
        # Over the postal code alone: the street, the town and perhaps its county ("Llandeilo / Carmarthenshire").
        words = list(itertools.takewhile(_words_line, reversed(above)))
        if not words or len(words) > 2:
            return {}
        found["city"] = words[-1]
        if len(words) == 2:
            found["region"] = words[0]
        above = above[: len(above) - len(words)]
    if not above or not _street_line(above[-1]):
        return {}
    if len(above) >= 2 and _UNIT.fullmatch(above[-1]) and _street_line(above[-2]):
        above = [*above[:-2], f"{above[-2]}, {above[-1]}"]  # "123 Main St" over "Apt 4B"
    elif len(above) >= 2 and _UNIT.fullmatch(above[-2]):
        above = [*above[:-2], above[-1]]  # "Flat 3" over "12 Mill Lane": the street (its name over the flat)
    found["street"] = above[-1]
    if len(above) >= 2 and _STREET.fullmatch(above[-1]) is None and _street_line(above[-2]):
        return {}  # two street-like lines: read as parts instead
    recipient = above[-2] if len(above) >= 2 else ""
    if (
        recipient
        and not re.search(r"\d|[.!?:,]$", recipient)
        and len(recipient) <= 60
        and not _GREETING.match(recipient)
        and not _a_sentence(recipient)
    ):
        found["recipient"] = recipient  # the line over the street (not "Order A-1 is on its way to" over that)
    # Below it, a region and a country: lines of words, not a sentence ("Please ring twice").
    below = list(itertools.takewhile(lambda line: _words_line(line) and not _a_sentence(line, 0), lines[postal + 1 :]))
    below = below[:2]
    if len(below) == 2 and "region" not in found:
        found["region"] = below[0]
    if below:
        found["country"] = below[-1]
    return {role: value.strip() for role, value in found.items() if value.strip()}


def _street_after(part: str) -> str:
    """The street a sentence's part ends with after "at", "on" or "is" ("It's at Calle de Toledo 45", "... 82 m²
    at Seefeldstrasse 151", "Address is 88 Jones Ave"), else the part."""
    for place in reversed(list(_STREET_AFTER.finditer(part))):
        if _STREET.fullmatch(street := part[place.end() :]) and _STREET_WORD.search(street):
            return street  # not "12 May" of "Delivered on 12 May", nor "5 PM" of "We close at 5 PM"
    return part


def _named(**parts: str | None) -> dict[str, str]:
    return {role: value for role, value in parts.items() if value}


def _house_number(part: str) -> bool:
    """Whether a part opening with a number is a street ("455 Elm Street"), not a postal code and city."""
    return bool(re.match(r"\d{1,4}[A-Za-z]?\s", part)) and not re.fullmatch(r"\d{4}\s+[A-Z]{2}\s.*", part)


def read(line: str, named: dict[str, str], required: list[str]) -> dict[str, str] | None:
    """An object made of the parts of ``line``, its fields ``named`` for them (``roles``), or None when the line
    holds no address or its parts leave a ``required`` field empty."""
    parts = parse(line)
    data = {field: parts[role] for field, role in named.items() if role in parts}
    if len(data) < 2 or any(field not in data for field in required):
        return None
    return data
