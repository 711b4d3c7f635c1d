"""Grounded, typed choices for every leaf of a schema: the tool's JSON Schema narrowed, per request, to the values
the text offers each field (llama.cpp turns the narrowed schema into a grammar, so the model chooses among them
and cannot invent, respell or copy a value from the few-shot examples).

By the leaf's type and format: runs of the text's words for strings, emails, URLs and phone numbers as written,
dates and times normalised to the ``format`` asked for, numbers and whole numbers within the field's bounds; a
``pattern`` keeps the candidates it accepts. Enums, booleans, constants and the fields a schema lists in
``x-gateway.derived`` (a title, a sentiment, a summary) stay free. An optional field the text offers nothing for
is taken out of the tool (it stays absent); an optional email, URL, phone, date or time the text does offer is made
required, when the text offers at least as many such values as the object has such fields.
"""

import bisect
import collections
import copy
import functools
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from gateway.extraction.text_facts import (
    JOINED_CODE,
    MONTH_NAMES,
    NUMBERED_NOUNS,
    WEEKDAY_NUMBERS,
    Found,
    Rating,
    TextFacts,
    has_offset,
    marked_as_quantity,
    places_written,
    units_written,
    written_as_age,
)
from gateway.profiles import Choices
from gateway.profiles.small import addresses, colours, places, sides
from gateway.profiles.small.choices import name_words, names_an_age, one_value_for_both, uncounted
from gateway.profiles.small.glosses import glosses
from gateway.profiles.small.languages import GREETINGS
from gateway.profiles.small.organisations import (
    a_kind_word,
    holds_an_organisation,
    kind_named_by,
    names_a_kind,
    names_a_provider,
    names_holding,
    on_the_side,
    organisations,
    organised_by,
    party_side,
    writes_the_text,
)
from gateway.profiles.small.own_names import (
    capitalised_runs,
    named_by_domain,
    names_its_own_thing,
    names_stated,
    own_names,
    plain_word,
)
from gateway.profiles.small.people import (
    PERSON_FIELD_WORDS,
    TITLE_WORDS,
    could_name_a_person,
    labelled_as_a_person,
    lists_people,
    looks_like_a_name,
    named_together,
    names_a_child,
    names_a_person,
    names_a_role,
    names_people_together,
    owners_addresses,
    persons_words,
    present_people,
    roles_beside_names,
    vouched_for,
    without_titles,
)
from gateway.profiles.small.routes import route_end, routes
from gateway.profiles.small.runs import runs
from gateway.profiles.small.sides import Side, counterpart, side_of
from gateway.profiles.small.tables import form_description, item_description
from gateway.schemas.compiler import CompiledSchema

# The most values a list of strings or numbers may hold.
MAX_LIST_VALUES = 8
# Above this many candidates a field is left free (with its type and format): the grammar would grow too large.
MAX_CANDIDATES = 2500
_FORMATS = {"email": "emails", "uri": "urls", "url": "urls", "iri": "urls", "date": "dates", "time": "times"}
_FORMATS["date-time"] = "datetimes"


@dataclass
class Grounding:
    """What one request's tool is narrowed with: the text, the schema, and choices fixed by the caller for some
    top-level fields (a list reader fixing the item it asks about again)."""

    text: str
    schema: CompiledSchema
    fixed: Choices = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.facts = facts_of(self.text)


_recent: dict[str, TextFacts] = {}


def facts_of(text: str) -> TextFacts:
    """The facts of ``text``, shared by the calls of one request (retries, list steps, the settling of their
    answers) and a few more."""
    facts = _recent.get(text)
    if facts is None:
        if len(_recent) >= 32:
            _recent.pop(next(iter(_recent)))
        facts = _recent[text] = TextFacts(text)
    return facts


def narrow_tool(tool: dict[str, Any], grounding: Grounding) -> dict[str, Any]:
    """``tool`` (an OpenAI tool definition) with its parameters narrowed to what the text offers, and made safe for
    llama-cpp-python's translation of a JSON Schema into grammar, which crashes its server on a regular-expression
    ``pattern`` (``\\d``, ``\\.``, ``\\w``) and on an enum string holding a quote or a backslash: patterns go (they
    have already chosen the candidates; the validator still checks the answer) and so do such enum strings."""
    function, parameters = tool["function"], tool["function"]["parameters"]
    key = (
        function["name"],
        grounding.schema.name,
        grounding.schema.content_hash,
        grounding.text,
        json.dumps(grounding.fixed, sort_keys=True, default=str),
        json.dumps(parameters, sort_keys=True),
    )
    narrowed = _narrowed.get(key)
    if narrowed is None:
        if len(_narrowed) >= 16:
            _narrowed.pop(next(iter(_narrowed)), None)
        narrowed = _narrowed[key] = _grammar_safe(_Narrowing(grounding, parameters).run(function["name"]))
    return {**tool, "function": {**function, "parameters": copy.deepcopy(narrowed)}}


# The tools narrowed lately: a request's retries narrow the same one again.
_narrowed: dict[tuple[str, ...], dict[str, Any]] = {}


def _grammar_safe(node: Any) -> Any:
    if isinstance(node, list):
        return [_grammar_safe(item) for item in node]
    if not isinstance(node, dict):
        return node
    safe = {
        key: _grammar_safe(value) for key, value in node.items() if not (key == "pattern" and isinstance(value, str))
    }
    if isinstance(safe.get("enum"), list):
        kept = [value for value in safe["enum"] if not isinstance(value, str) or _safe_literal(value)]
        if kept:
            safe["enum"] = kept
        else:
            del safe["enum"]
    return safe


def _fitting(values: list[str], spec: dict[str, Any]) -> list[str]:
    """``values`` as one list the array ``spec`` accepts: each item of an allowed length, no more than its
    ``maxItems``; none if fewer than its ``minItems`` remain."""
    items = spec.get("items", {})
    low, high = items.get("minLength", 0), items.get("maxLength", math.inf)
    kept = [value for value in values if low <= len(value) <= high][: spec.get("maxItems")]
    return kept if len(kept) >= spec.get("minItems", 1) else []


def _safe(values: list[str]) -> list[str]:
    """The values the grammar can hold as written."""
    return [value for value in values if _safe_literal(value)]


def _safe_literal(value: str) -> bool:
    return '"' not in value and "\\" not in value and all(character >= " " for character in value)


class _Narrowing:
    def __init__(self, grounding: Grounding, parameters: dict[str, Any]) -> None:
        self.grounding = grounding
        self.facts = grounding.facts
        self.parameters = parameters
        self.definitions: dict[str, Any] = dict(parameters.get("$defs") or {})
        self.derived = {name.replace("[]", "") for name in grounding.schema.options.derived}
        # Each field's own name words (those no sibling shares): what a text labels its value with.
        self.labels: dict[str, set[str]] = {}
        # ... and a form's labels of other languages for a string field (one alone labels it: "Gegenstand:").
        self.form_aliases: dict[str, set[str]] = {}
        self.model_name = grounding.schema.model.__name__
        self.done: set[str] = set()
        # Inside an array's items: a value labelled with a field's name is one item's, not every item's choice.
        self.in_array = 0
        self.owner: dict[str, Any] = {}  # the object whose properties are being narrowed
        self.an_item = grounding.schema.part_of is not None  # an item read on its own (a line of an invoice)
        self.described: dict[str, str] = {}  # each property's description (an optional one's is outside its type)
        # Optional fields the text states: a form's label's value ("Bedrooms: 2"), a yes/no every mention agrees on.
        self.stated: set[str] = set()
        self.found_roles: list[str] | None = None

    def run(self, tool_name: str) -> dict[str, Any]:
        root = {key: value for key, value in self.parameters.items() if key != "$defs"}
        own = tool_name == self.model_name
        narrowed = self.node(root, "", top=own)
        if self.definitions:
            narrowed["$defs"] = self.definitions
        return narrowed

    def definition(self, ref: str, path: str) -> None:
        """Narrow the ``$defs`` entry ``ref`` points at (once: every reference shares it)."""
        name = ref.rsplit("/", 1)[-1]
        if name in self.done or name not in self.definitions:
            return
        self.done.add(name)
        top = name == self.model_name
        spec = self.definitions[name]
        if isinstance(spec.get("properties"), dict):
            self.definitions[name] = self.node(spec, "" if top else path, top=top)
        else:  # a named scalar (a constrained string a list holds, say)
            self.definitions[name] = self.property(spec, path, required=True) or spec

    def node(self, spec: dict[str, Any], path: str, *, top: bool = False) -> dict[str, Any]:
        """An object node: each property narrowed; optional ones with nothing to offer taken out."""
        properties = spec.get("properties")
        if not isinstance(properties, dict):
            return spec
        required = list(spec.get("required", []))
        narrowed: dict[str, Any] = {}
        stems = {name: _name_stems(name) for name in properties}
        for name, own in stems.items():
            shared = set().union(*(other for key, other in stems.items() if key != name))
            label = own - shared
            if short := _short_stems(name) - {stem for key in properties if key != name for stem in _short_stems(key)}:
                label = (label - _KIND_STEMS) | short  # "due_date" beside "loan_date" (not beside "amount_due")
            if not label and (way := _IN_OR_OUT & {word.casefold() for word in name_words(name)}):
                # check_in beside check_out: labelled by the word that parts them ("Check-in:", "Check-out:") and
                # by arrival's and departure's words ("Arrival:", "Anreise:", "Départ :").
                label = set(way) | {alias for word in way for alias in _IN_OR_OUT_ALIASES[word]}
            self.labels[f"{path}.{name}" if path else name] = label | {
                alias for stem in label for alias in _LABEL_ALIASES.get(stem, ())
            }
            self.form_aliases[f"{path}.{name}" if path else name] = {
                alias for stem in label for alias in _FORM_LABEL_ALIASES.get(stem, ())
            }
        outer, self.owner = self.owner, spec
        for name, prop in properties.items():
            inner = f"{path}.{name}" if path else name
            if (top or path) and inner in self.grounding.fixed:  # a nested one by its path: "speaker.name"
                if values := self.grounding.fixed[inner]:
                    narrowed[name] = _only(prop, values)
                    if len(values) == 1 and isinstance(values[0], list):
                        # One whole list fixed (the names a talk's line writes): that list, not null instead.
                        narrowed[name] = _without_null(narrowed[name])
                elif name in required:
                    narrowed[name] = prop
                continue  # an optional field fixed to no value stays out
            result = self.property(prop, inner, required=name in required)
            if result is not None:
                narrowed[name] = result
        self.owner = outer
        _ends_of_a_range(narrowed, self.facts)
        if not self.in_array:  # (a whole text's items each have their own: an item read alone, its own)
            _start_and_end_times(narrowed, self.facts)
        _one_value_for_both(narrowed, properties, self.facts)
        _require_offered_formats(narrowed, required)
        # Every property the text can fill is written, an optional one as null where the text does not state it:
        # a small model that may leave a key out leaves out values that are plainly there.
        return {**spec, "properties": narrowed, "required": list(narrowed)}

    def property(self, spec: dict[str, Any], path: str, *, required: bool) -> dict[str, Any] | None:
        """One property narrowed, or None to take an optional one the text offers nothing for out of the tool."""
        if "$ref" in spec:
            if "description" in spec:
                self.described[path] = spec["description"]  # what its object's fields read of it
            if not required and self.an_address(spec["$ref"]) and not _writes_an_address(self.facts.text):
                return None  # an optional address where the text writes none: no street, no postal code and town
            self.definition(spec["$ref"], path)
            return spec
        if "description" in spec:
            self.described[path] = spec["description"]
        branches = spec.get("anyOf")
        if isinstance(branches, list):
            real = [branch for branch in branches if branch.get("type") != "null"]
            if len(real) != 1:
                return spec
            inner = self.property(real[0], path, required=required)
            if inner is None:
                return None
            if path in self.stated:  # the text states it, as a form does: no null to choose
                return {key: value for key, value in spec.items() if key not in ("anyOf", "default")} | inner
            return {**spec, "anyOf": [inner if branch is real[0] else branch for branch in branches]}
        kind = spec.get("type")
        if kind == "object":
            return self.node(spec, path)
        if kind == "array":
            items = spec.get("items")
            if not isinstance(items, dict):
                return spec
            present = (
                _fitting(_safe(present_people(self.described.get(path, ""), self.facts.text)), spec)
                if self.plain_string(items) and lists_people(path.rsplit(".", 1)[-1])
                else []
            )
            if present:
                # "Every person present": the names of the text's attendance lines ("Present:", "In attendance:").
                return {**spec, "items": items, "enum": [present]}
            people = lists_people(path.rsplit(".", 1)[-1])
            described = self.described.get(path, "")
            if self.plain_string(items) and (listed := _listed(path, self.facts.text, described, people=people)):
                # "Tags: invoice, duplicate-charge": the text lists the values under the field's own name; people
                # without their titles ("Passengers: Dr. Mei Ling Tan, Mr Wei Jie Lim").
                if people:  # names, without their titles and remarks ("Sam de Vries (child)")
                    bare = (without_titles(_REMARK.sub("", value)) for value in listed)
                    listed = list(dict.fromkeys(value for value in bare if value))
                return {**spec, "items": items, "enum": [listed[: spec.get("maxItems", MAX_LIST_VALUES)]]}
            if self.plain_string(items) and (
                labelled := _after_quoted_labels(self.described.get(path, ""), self.facts)
            ):
                # "Every decision, without a leading label ("Decision:", "RESOLVED that")": what follows them.
                return {**spec, "items": items, "enum": [labelled[: spec.get("maxItems", MAX_LIST_VALUES)]]}
            if self.plain_string(items) and not required and _names_labels(path):
                return None  # tags are the ones a text lists as such: any other words are none
            self.in_array += 1
            try:
                narrowed_items = self.property(items, path, required=True)
            finally:
                self.in_array -= 1
            if narrowed_items is None:
                return None if not required else spec
            # A small model given room keeps adding items: a list of values (not of objects) is held to a few, a
            # list of objects known by a key (a flight's number) to as many as the text writes keys.
            bound = min(spec.get("maxItems", MAX_LIST_VALUES), MAX_LIST_VALUES) if self.scalar(items) else None
            if bound is None and (keys := self.keys_offered(items)):
                bound = max(min(spec.get("maxItems", keys), keys), spec.get("minItems", 0))
            return {**spec, "items": narrowed_items} | ({"maxItems": bound} if bound is not None else {})
        if path in self.derived or path.rsplit(".", 1)[-1] in self.derived:
            return spec
        if isinstance(spec.get("enum"), list):
            named = mentioned(spec["enum"], self.facts.text)
            # ... or by the words its description gives a value: "outdoor (terrace, patio, garden)".
            synonyms = _described_synonyms(self.described.get(path, ""), spec["enum"])
            # ... or by a word the text's language has for it: "Katze" for cat, "virement" for bank_transfer.
            named += [
                value
                for value in spec["enum"]
                if value not in named
                and any(
                    _says_word(self.facts.text, word)
                    for word in [*synonyms.get(value, []), *glosses(value, self.facts.text)]
                )
            ]
            if named and (language := _other_language(self.facts.text)) is not None:
                # Dutch "van", French "car": a value written as a small word of the text's own language is none.
                named = [value for value in named if _apart_from_prose(value, self.facts.text, language)]
            if not named and _other_language(self.facts.text) is not None:
                # "Elektrisch", "Automaat", "híbrido": a value named in the text's own language by a word of its root.
                named = _cognates(spec["enum"], self.facts.text)
            if not named and "other" in spec["enum"] and _OTHER_FOR.search(self.described.get(path, "")):
                # "other for any carrier not in the list": where the text speaks of the field's thing ("Carrier:
                # Hermes") and names none of the values.
                thing = [word for word in _thing_words(path) if word not in _GENERIC_WORDS]
                named = ["other"] if any(_labelled_with_a_value(word, self.facts.text) for word in thing) else []
            if (
                len(named) > 1
                and not self.in_array
                and {"type", "kind"} & set(_thing_words(path))
                and "document" in f"{path} {self.described.get(path, '')}".casefold()
            ):
                # The document's own kind: the one its heading names first ("ANGEBOT" over a later "Bestellung").
                named = _named_first(named, synonyms, self.facts.text) or named
            if named:
                return {**spec, "enum": named}
            if _names_a_class(path, self.model_name) and not (self.in_array or self.an_item):
                # A vehicle's type, a paper's field, a ticket's category: a judgement on the whole text, never
                # written (an item's kind is its line's label, or what the description gives an unlabelled one).
                return spec
            return spec if required else None  # an optional choice the text never names stays out
        if spec.get("type") == "boolean":
            if not _spoken_of(path, self.facts.text):
                # A yes/no the text never names ("remote"): answered by the words its description gives each
                # answer ("true if held online (... virtual ...), false if held only in person"), else left out.
                answer = _answered(self.described.get(path, ""), self.facts.text, self.schema_words())
                if answer is not None:
                    self.stated.add(path)
                    return {**spec, "enum": [answer]}
                if not required:
                    return None  # an optional yes/no the text says nothing about stays out
            said = _said(path, self.facts.text)
            if said is None:
                return spec
            self.stated.add(path)  # every mention says the same: stated, no null to choose
            return {**spec, "enum": [said]}
        candidates = self.leaf(spec, path, required=required)
        if candidates is None:
            return spec
        if len(candidates) > 1:
            # Not what was before a change, nor what comes next - unless the field asks for it.
            kinds = (
                (_SUPERSEDED | {"before"}, _SUPERSEDED_WORD, _FORMER_WORD),
                (_UPCOMING | _NEXT_WORDS, _UPCOMING_WORD, None),
            )
            for words, label_word, clause_word in kinds:
                candidates = _current(candidates, self.facts, self.asks_for(path, words), label_word, clause_word)
        if not candidates:
            return spec if required else None
        return {**spec, "enum": candidates}

    def shared_object(self) -> bool:
        """Whether the object being narrowed is a ``$defs`` entry more than one property refers to (an invoice's
        Party: its vendor's and its customer's)."""
        names = [name for name, spec in self.parameters.get("$defs", {}).items() if spec == self.owner]
        return any(json.dumps(self.parameters).count(f'"#/$defs/{name}"') > 1 for name in names)

    def roles(self) -> list[str]:
        """The roles the text writes beside people's names, but a town or an organisation written there ("Maria
        Lopez, Madrid": where, not what); found once a request."""
        if self.found_roles is not None:
            return self.found_roles
        text = self.facts.text
        towns = {found.value.casefold() for found in places.towns(text)}
        firms = [found.value.casefold() for found in organisations(text)]
        self.found_roles = [
            role
            for role in roles_beside_names(text)
            if role.casefold() not in towns and not any(role.casefold() in firm for firm in firms)
        ]
        return self.found_roles

    def schema_words(self) -> set[str]:
        """The words of the schema's own names (its title, every field's): no answer of a yes/no field."""
        names = [self.model_name, *self.definitions]
        for owner in [self.parameters, *self.definitions.values()]:
            names += list(owner.get("properties", {})) if isinstance(owner, dict) else []
        return {word.casefold() for name in names for word in name_words(name)}

    def range_end(self, path: str) -> int | None:
        """0 for the start of a pair of date fields (start_date beside end_date), 1 for its end, else None."""

        def side(field: str) -> int | None:
            words = {word.casefold() for word in name_words(field)}
            return 0 if words & _STARTS else 1 if words & _ENDS else None

        own = side(path.rsplit(".", 1)[-1])
        dated = [name for name, spec in self.owner.get("properties", {}).items() if _a_date_field(spec)]
        return own if own is not None and any(side(name) == 1 - own for name in dated) else None

    def an_address(self, ref: str) -> bool:
        """Whether a ``$defs`` entry is a postal address: two or more fields named for its parts, a street or a
        postal code among them."""
        original = self.parameters.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {})
        found = set(addresses.roles(original.get("properties", {}) if isinstance(original, dict) else {}).values())
        return len(found) >= 2 and bool(found & {"street", "postal_code"})

    def scalar(self, items: dict[str, Any]) -> bool:
        """Whether a list's items are single values (a named one included, such as a ``RootModel[str]``)."""
        ref = items.get("$ref")
        target = self.definitions.get(ref.rsplit("/", 1)[-1], {}) if isinstance(ref, str) else items
        return "properties" not in target and target.get("type") not in ("object", "array")

    def plain_string(self, items: dict[str, Any]) -> bool:
        """Whether a list's items are strings of any content (no enum, format or pattern to keep to)."""
        ref = items.get("$ref")
        target = self.definitions.get(ref.rsplit("/", 1)[-1], {}) if isinstance(ref, str) else items
        return target.get("type") == "string" and not {"enum", "const", "format", "pattern"} & target.keys()

    def keys_offered(self, items: dict[str, Any]) -> int:
        """How many times the text writes a list item's key - its first required field of a pattern no other field
        of it has, each value a code with a digit (a flight's number; not its airports, two fields of one pattern;
        not a date or a name) - once narrowed; 0 where the item has none, or the text offers it none or words."""
        ref = items.get("$ref")
        name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else ""
        original = self.parameters.get("$defs", {}).get(name, {})
        narrowed = self.definitions.get(name, {})
        properties = original.get("properties", {}) if isinstance(original, dict) else {}

        kinds = [value_kind(spec) for spec in properties.values()]
        for field_name in original.get("required", []) if isinstance(original, dict) else []:
            spec = properties.get(field_name, {})
            if value_kind(spec)[2] is None or value_kind(spec)[1] is not None or kinds.count(value_kind(spec)) != 1:
                continue  # a code's pattern alone: not a date's, a time's or a name's
            values = narrowed.get("properties", {}).get(field_name, {}).get("enum")
            codes = [str(value) for value in values or [] if any(character.isdigit() for character in str(value))]
            if not codes or len(codes) != len(values or []):
                return 0
            # Each place the text writes one (a commuter's "BA1440" on Monday and again on Friday).
            return sum(
                len(re.findall(rf"(?<![\w-]){'[ ]?'.join(map(re.escape, code))}(?![\w-])", self.facts.text))
                for code in codes
            )
        return 0

    def own_thing(self, path: str, spec: dict[str, Any]) -> str:
        """The word of the thing a top-level field names, where it names the text's own thing: "product" for
        ``product_name`` of ``ProductReview``, "clinic" for ``clinic``, the model's first word for a top-level
        ``name`` described as the thing's (or not described) of an object that is no person's; empty for any other
        field, a person's name, or an organisation's field the text's parties fill ("company", "supplier")."""
        field = path.rsplit(".", 1)[-1]
        if path != field or self._a_persons_name(path, spec):
            return ""
        first = name_words(self.model_name)[:1]
        described = self.described.get(path, "").casefold()
        if names_its_own_thing(field, self.model_name) and first[0].casefold() not in _PERSON_THINGS:
            return first[0]
        if names_a_kind(field) and holds_an_organisation(field, self.described.get(path, "")) is None:
            return next(word for word in name_words(field) if word.casefold() != "name")
        if names_a_provider(field, self.described.get(path, "")):
            # "operator": "The ferry company operating the crossing" - a company the text's writer most often is.
            return next(word for word in name_words(field) if word.casefold() != "name")
        if (
            field == "name"
            and first
            and not _about_a_person(self.owner, self.model_name)
            and (not described or any(word.casefold() in described for word in name_words(self.model_name)))
        ):
            return first[0]
        return ""

    def _a_persons_name(self, path: str, spec: dict[str, Any]) -> bool:
        return names_a_person(
            path.rsplit(".", 1)[-1],
            {"description": self.described.get(path, "")} | spec,
            self.owner.get("description", ""),
        )

    def not_ruled_out(self, found: list[Found], path: str) -> list[Found]:
        """The values of ``found`` not written in a clause about what the field's description rules out ("not a
        set-up or access time": not the "7:30" of "access from 7:30"); all of them where each is."""
        words = ruled_out(self.described.get(path, ""), path.rsplit(".", 1)[-1])
        kept = [item for item in found if not _clause_mentions(self.facts.text, item.start, item.end, words)]
        return kept or found

    def not_ruled_out_strings(self, values: list[str], path: str) -> list[str]:
        """``not_ruled_out`` for strings: a value goes where each place the text writes it (a time in any of its
        written forms: "6:30 AM" for "06:30") is in such a clause."""
        text = self.facts.text
        words = ruled_out(self.described.get(path, ""), path.rsplit(".", 1)[-1])
        if not words:
            return values

        def said_apart(value: str) -> bool:
            places = [(at, at + len(value)) for at in places_written(value, text)]
            places += [(found.start, found.end) for found in self.facts.times if found.value[:5] == value]
            return bool(places) and all(_clause_mentions(text, start, end, words) for start, end in places)

        return [value for value in values if not said_apart(value)] or values

    def organisations(self, path: str, labelled: list[str]) -> list[str]:
        """For a field holding an organisation's name: the value its own label marks ("Customer: Café Aurora"),
        then the organisations the text names ("Brightwell Packaging Ltd", "Escuela Nexo de Negocios") but those
        of a kind the description rules out ("not the venue, hotel or building": no "Radisson Blu Hotel"); of a
        document's party (a supplier, a customer) those on its side. Where the field may hold a person's name
        instead, only an organisation the text marks as that party. None otherwise (the field keeps the text's
        runs)."""
        field = path.rsplit(".", 1)[-1]
        kind = holds_an_organisation(field, self.described.get(path, ""))
        if kind is None:
            return []
        if hosts := organised_by(field, self.facts.text):
            return hosts  # "Organised by ...", "Veranstalter: ..."
        # (what the field's object rules out too: a company "not a recruitment agency posting on its behalf")
        parent = path.rpartition(".")[0]
        unwanted = {
            *ruled_out(self.described.get(path, ""), field),
            # (less the object's own name: "The hiring company, not a recruitment company")
            *ruled_out(self.described.get(parent, ""), parent.rsplit(".", 1)[-1]),
        } - {word.casefold() for word in name_words(field)}
        named_found = [
            found
            for found in organisations(self.facts.text)
            if not {word.casefold().strip(".,") for word in found.value.split()} & unwanted
        ]
        named = [found.value for found in named_found]
        # (the organisation a label's words open: "Bill to: Blue Harbor Coffee Roasters, Inc.")
        if labelled and (
            stated := [org for org in named if any(org.startswith(v) or v.startswith(org) for v in labelled)]
            or labelled
        ):
            return [value for value in stated if _balanced(value)] or stated  # "Customer: Café Aurora" states it
        if not named:
            return []
        if (side := party_side(path)) is None:
            if kind == "or a person" and party_side(parent) == "seller" and not self.shared_object():
                # A seller's "Person or dealership name": the organisation that writes the text (its letterhead's,
                # its footer's, the one it is signed for), where one does - else a person's name, read as such. (Not
                # an object a buyer shares: an invoice's Party.)
                return [found.value for found in named_found if writes_the_text(found.value, self.facts.text)]
            return named if kind == "organisation" else []
        # "supplier_name": the organisation the text marks as the supplier, else any it does not mark as the
        # customer - for a company or a person, only where it marks one so (the letterhead's company is not the
        # customer: the other company named is).
        marked, possible = on_the_side(named_found, self.facts.text, side)
        others = kind == "organisation" or len(possible) < len(named_found)
        return [found.value for found in marked or (possible if others else [])]

    def asks_for(self, path: str, words: AbstractSet[str]) -> bool:
        """Whether a field's name or description (but what it rules out) says one of ``words``: what was before a
        change ("previous_address", "The plan before the change"), what comes next ("next_visit_date")."""
        field = path.rsplit(".", 1)[-1]
        said = _RULED_OUT.sub("", self.described.get(path, "")).casefold()
        return bool(({word.casefold() for word in name_words(field)} | set(re.findall(r"[^\W\d_]+", said))) & words)

    def a_side(self, path: str) -> Side | None:
        """Which side of a match a field holds the name or score of, where its object holds the other side's."""
        field = path.rsplit(".", 1)[-1]
        return side_of(field) if counterpart(field, list(self.owner.get("properties", {}))) else None

    def priced_amount(self, path: str) -> bool:
        """Whether a field named "amount" alone is a sum of money: its object has a currency field beside it."""
        if field_words_of(path) != {"amount"}:
            return False
        siblings = self.owner.get("properties", {})
        return any(_names_a_currency(name, "") for name in siblings if name != path.rsplit(".", 1)[-1])

    def leaf(self, spec: dict[str, Any], path: str, *, required: bool = True) -> list[Any] | None:
        """The values the text offers a scalar field; None to leave the field free."""
        if {"enum", "const"} & spec.keys() or spec.get("type") not in ("string", "integer", "number"):
            return None
        facts = self.facts
        label = self.labels.get(path, set()) if not self.in_array else set()
        if spec["type"] in ("integer", "number") and _names_a_year(path, spec):
            # "year", "build_year": the years the text writes ("Build year 2020", "EZ 04/2017"), those its field's
            # label marks first - not a mileage, a price or "5-year loan"'s 5.
            years = self.not_ruled_out(_labelled(_years(facts), facts.text, label), path)
            return _bounded([found.value for found in years], spec)
        if spec["type"] in ("integer", "number") and (scale := _rating_scale(path, spec, self.described.get(path, ""))):
            # "rating" out of 5: the scores the text gives ("★★★★☆", "3,5/5", "8/10" as 4, "four stars"), a
            # reviewer's, not an average of many ("4.3 out of 5 (2,184 ratings)"); where it gives none, its numbers.
            if scores := _scores(facts.ratings, scale, spec):
                # ... and a number its own label marks ("My rating: 2", "Score: 7.5"), where one does.
                numbers = facts.integers if spec["type"] == "integer" else facts.numbers
                marked = _labelled(numbers, facts.text, label) if label else numbers
                inside = [(rating.start, rating.end) for rating in facts.ratings]
                marked = (
                    [] if marked is numbers else [f for f in marked if not any(a <= f.start < b for a, b in inside)]
                )
                return _bounded(list(dict.fromkeys([*scores, *(found.value for found in marked)])), spec)
        if spec["type"] in ("integer", "number") and (scored := self.a_side(path)) is not None:
            # A match's home or visiting score, beside the other's: the scores its results write for that side.
            if side_scores := sides.scores(facts.text, scored):
                return _bounded(side_scores, spec)
        if spec["type"] in ("integer", "number"):
            numbers = facts.integers if spec["type"] == "integer" else facts.numbers
            money = _names_money(path) or self.priced_amount(path)
            if money:  # "Gesamtpreis inkl. 19 % MwSt. 395,00 €": a rate is no sum of money
                numbers = [found for found in numbers if not _A_PERCENT_AFTER.match(facts.text, found.end)] or numbers
            unit = unit_of(path)
            if unit is not None:  # prep_minutes: "1 hour 30 minutes" is 90
                durations = facts.durations
                bare = [found for found in numbers if not any(d.start <= found.start < d.end for d in durations)]
                # A bare number is one only under the field's label ("Prep: 10"), never a count ("2 avocados").
                named = _labelled(bare, facts.text, label)
                numbers = sorted(
                    [Found(d.value / unit, d.start, d.end) for d in durations] + (named if named is not bare else []),
                    key=lambda found: found.start,
                )
            labelled = _labelled(numbers, facts.text, label)
            unnamed = labelled is numbers  # no label of the field's own name marks any
            if spec["type"] == "integer":  # not what counts or numbers another thing ("2 nights", "Hall 2")
                spans = [(found.start, found.end, found) for found in labelled]
                labelled = [span[2] for span in uncounted(spans, facts.text, path.rsplit(".", 1)[-1], spec)]
            if (
                names_an_age(path.rsplit(".", 1)[-1]) and not self.in_array
            ):  # "She is 46", not "for 7 years" (an item's: its own)
                aged = [found for found in labelled if written_as_age(facts.text, found.start, found.end)]
                labelled = aged or labelled
            elif _names_a_quantity(path):  # "2 x Socks - Size 9": 2, not 9
                marked = [found for found in labelled if marked_as_quantity(facts.text, found.start, found.end)]
                labelled = marked or labelled
            elif (measure := _measure_of(path)) is not None:
                # area_sqm: "24 m²", not the "18" of "Wrangelstr. 18"; none written so, none offered.
                labelled = [found for found in labelled if measure.match(facts.text, found.end)]
            elif money:
                # monthly_rent: "€890", not the "6" of "6 months" (where none is written so: what there is).
                paid = [found for found in labelled if _beside_a_currency(facts.text, found.start, found.end)]
                # An optional price neither labelled nor written with a currency, in a text naming no currency,
                # is not stated: a small model given the text's counts and years takes one.
                unpriced = unnamed and not (required or self.in_array or self.an_item) and not _currency_in(facts.text)
                labelled = paid or ([] if unpriced else labelled)
                if {"unit", "each"} & {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}:
                    # unit_price: "2,000 @ £0.62 = £1,240.00" - after "@" or before "each", "/ud.", not after "="
                    each = [
                        found
                        for found in labelled
                        if _PER_UNIT.search(facts.text, max(0, found.start - 6), found.start)
                        or _PER_UNIT_AFTER.match(facts.text, found.end)
                    ]
                    labelled = (
                        each
                        or [
                            found
                            for found in labelled
                            if not _A_LINES_SUM.search(facts.text, max(0, found.start - 6), found.start)
                        ]
                        or labelled
                    )
            if not unnamed and "total" in {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}:
                labelled = _taxed_as_described(labelled, facts.text, self.described.get(path, ""))
            labelled = self.not_ruled_out(labelled, path)
            # "Bedrooms: 2", "Deposit: £1,096" opening a line: a form's answer for the field, written for it.
            formed = {found.value for found in labelled if set() < _form_label(facts.text, found.start) <= label}
            if len(formed) == 1 and (stated := _bounded(list(formed), spec)):
                self.stated.add(path)
                return stated
            return _bounded([found.value for found in labelled], spec)
        fmt = spec.get("format")
        pattern = spec.get("pattern")
        # A time of day a pattern checks ("^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"): read as a time is, by its
        # labels and its description, in the form the pattern asks (with seconds or without).
        clock = _time_form(pattern) if fmt is None and pattern is not None else None
        fmt = "time" if clock is not None else fmt
        if fmt is None and _names_a_currency(path, self.described.get(path, "")):
            # "currency" as an ISO 4217 code: the codes of the currencies the text writes ("€" is EUR, "zł" PLN,
            # "kr" in a Swedish text SEK), the most written first - not any three capitals ("NIP", "AVE").
            codes = [found.value for found in facts.currencies]
            ordered = sorted(dict.fromkeys(codes), key=lambda code: -codes.count(code))
            return _matching(ordered, pattern) if pattern is not None else ordered
        one_labelled: list[str] = []
        own_label: list[str] = []
        if fmt in _FORMATS:
            found: list[Found] = getattr(facts, _FORMATS[fmt])
            if fmt == "date" and facts.yearless_dates:  # "Sat 4th April", "jueves 24": dated by the text's dates
                found = sorted([*found, *facts.yearless_dates], key=lambda item: item.start)
            if fmt == "date-time":  # a date-time without its offset is not one (RFC 3339), and fails validation
                found = [item for item in found if has_offset(item.value)]
            by_name = _labelled(found, facts.text, label)
            if by_name is found and label & _ARRIVAL_STEMS:
                # A delivery's or an arrival's date is labelled so in many words, just before it: "Arriving Friday
                # 8 March", "ETA:", "is due Thu 14/03", "should arrive tomorrow, 13-11-2024", "Zustellung:".
                by_name = [item for item in found if _arrival_before(facts.text, item.start)] or found
            kept = self.not_ruled_out(by_name, path)
            if fmt == "email":
                kept = owners_addresses(path.rsplit(".", 1)[-1], self.described.get(path, ""), kept)
            said_not = ruled_out(self.described.get(path, ""), path)
            about_a_message = any(
                word.casefold().startswith(_MESSAGE_WORDS)
                for word in [*name_words(path.rsplit(".", 1)[-1]), *self.described.get(path, "").split()]
                if word.casefold() not in said_not
            )
            dates_a_document = fmt != "time" and any(
                word.casefold().startswith(_DOCUMENT_WORDS) for word in name_words(path.rsplit(".", 1)[-1])
            )
            if any(word.startswith(_MESSAGE_WORDS) for word in said_not) or (
                fmt in ("date", "time", "date-time") and not (about_a_message or dates_a_document)
            ):
                # "The date of the booking (not the date the message was sent)": not the dates of a mail's header,
                # of a quoted reply's "On 16 Nov 2025, Anna wrote:" or of a chat's time stamps; nor a date or time
                # of day a message was sent, where the text writes others - unless the field is about messages, or
                # dates the document the message is (a quote's, an invoice's date).
                stamps = _merged(tuple(facts.message_dates))
                kept = [item for item in kept if not _in_spans(item.start, stamps)] or kept
            # Not by the words naming the document's own thing ("shipped" of a ShippingNotice's dates).
            thing = {word.casefold()[:4] for word in name_words(self.model_name)}
            if by_name is found and (said := _described_stems(self.described.get(path, "")) - thing):
                # "The date the meeting was held": the date the text writes after "held on" - and any its heading
                # writes (the first two lines), whatever their words.
                by_description = _labelled(kept, facts.text, said)
                heading_end = _second_line_end(facts.text)
                kept = [item for item in kept if item in by_description or item.start < heading_end]
            values = [item.value[:clock] for item in kept] if clock is not None else [item.value for item in kept]
            if (
                fmt == "date"
                and by_name is found
                and not (self.in_array or self.an_item)
                and (end := self.range_end(path)) is not None
            ):
                # An object's first and last day (a conference's start_date and end_date), no label naming them: a
                # span of days the heading writes ("9-10 October 2025"), its first for the one and its last for the
                # other; a span written further down first, the other dates after it (an early-bird period is one).
                heading_end = _second_line_end(facts.text, 3)  # its first three lines
                days = [pair for pair in facts.date_ranges if pair[0].value in values and pair[1].value in values]
                headed = [pair[end].value for pair in days if pair[0].start < heading_end]
                ends = list(dict.fromkeys(pair[end].value for pair in days))
                values = headed[:1] or [*ends, *(value for value in values if value not in ends)]
        elif fmt is not None:
            return None
        elif "phone" in path.rsplit(".", 1)[-1].lower():  # a phone pattern matches a date ("14.02.2024") too
            values = [item.value for item in self.not_ruled_out(facts.phones, path)]
            values = values if pattern is None else _matching(values, pattern)
        elif pattern is not None:
            values = self.not_ruled_out_strings(_pattern_values(facts, pattern), path)
            if _MESSAGE_WORDS_ANYWHERE.search(f"{path} {self.described.get(path, '')}") is None:
                # A time of day written as a pattern asks ("^[0-2][0-9]:[0-5][0-9]$"), not the time a message was
                # sent (a mail's header, a chat's stamps) where the text writes others - unless the field is about
                # messages ("sent_at").
                stamps = _merged(tuple(facts.message_dates))
                in_stamps = {found.value[:5] for found in facts.times if _in_spans(found.start, stamps)}
                outside = {found.value[:5] for found in facts.times if not _in_spans(found.start, stamps)}
                stamped = in_stamps - outside
                # ... nor a date-time made of a stamp's date and time ("Data: 14/04/2026 17:36")
                moments = facts.datetimes
                stamped |= {found.value[:16] for found in moments if _in_spans(found.start, stamps)} - {
                    found.value[:16] for found in moments if not _in_spans(found.start, stamps)
                }
                values = [value for value in values if value not in stamped] or values
            if _names_a_code(path):  # "2025-05-14" fits ^[A-Z0-9][A-Z0-9-]{2,24}$, but is a date, not an order's code
                values = [value for value in values if value not in _written_dates(facts)] or values
            if _names_a_code(path) and not _names_a_postal_code(path):
                # "Order no. LL-20931", not the "10L" of "potting mix 10L": labelled by any word of its name,
                # even one another field shares ("order" of order_date).
                values = _labelled_codes(values, facts.text, _name_stems(path.rsplit(".", 1)[-1]))
        else:
            dates = _written_dates(facts)
            words = [
                found for found in runs(facts.text) if not _a_label(found, facts.text) and found.value not in dates
            ]
            # "Neighbourhood: Oud-West" labels a district its description calls "The district, neighbourhood ...".
            aliases = _synonyms(self.described.get(path, "")) if label else set()
            aliases |= self.form_aliases.get(path, set()) if label else set()
            answered = _labelled(words, facts.text, label, colon=True, any_of=aliases)
            values = [item.value for item in answered]
            if answered is not words and field_words_of(path) & {"location", "place", "address", "destination"}:
                # "Luogo: Milano, Via Paolo Sarpi 27": a place's parts after its label, the line's rest whole (not
                # a venue's: "Venue: Hyatt Regency, Chicago" names the hotel).
                answers = _whole_answers(answered, facts.text)
                values = [*answers, *(value for value in values if value not in answers)]
            one_labelled = values if len(values) == 1 < len(words) else []  # "Neighbourhood: Oud-West"
            # "Carrier: DHL Paket": its runs, the longest ones (not "Café" of "Customer: Café Aurora")
            own_label = (
                [v for v in values if not any(v != o and v in o for o in values)] if len(values) < len(words) else []
            )
            # A piece of one line (an item read alone) offers its description whole, commas and all.
            if (described := item_description(facts.text)) is not None and described not in values:
                values.append(described)
            elif (
                self.an_item  # an order's line read alone, not the whole text's items
                and _counts_or_prices(self.owner)
                and (described := form_description(facts.text)) is not None
                and described not in values
            ):
                values.insert(0, described)  # an order's line over lines: "Item: Merino jumper, navy, size M"
            if not (self.in_array or self.an_item or own_label) and (thing_word := self.own_thing(path, spec)):
                if item_description(facts.text) is None:  # (not an item's line read alone: its description)
                    # The product a review is of, the restaurant a booking is at, the clinic an appointment is at:
                    # the names the text gives the thing it is about (its heading's, footer's and sender's, those
                    # written again) - else its runs of capitalised words -, not every run (a reviewer's name, "1s"
                    # of "Zensor 1s"), nor a date, a time or an amount.
                    given = [value for value in own_names(facts.text, thing_word) if _no_date_or_amount(value)]
                    provider = names_a_provider(path, self.described.get(path, ""))
                    if provider:
                        # A company's name: no figures, arrows or titled people ("Schwedenkai 1", "Kiel → Oslo",
                        # "Frau Birgit Seidel") - where the text gives it any other name.
                        given = [value for value in given if not _NO_COMPANY.search(value)] or given
                    spelled = (
                        named_by_domain(given, facts.text) if a_kind_word(thing_word.casefold()) or provider else []
                    )
                    others = [value for value in given if value not in spelled]
                    if spelled and not any(_names_its_kind(value, thing_word) for value in others):
                        # A garage's, a clinic's, a shop's name: the one the text's own mail or web domain spells -
                        # unless another names itself so ("Hotel Adlon" in a mail from booking.com). Stated.
                        given = spelled
                        self.stated.add(path)
                    values = given or [v for v in capitalised_runs(facts.text) if _no_date_or_amount(v)] or values
                    if set(given) & names_stated(facts.text, thing_word):
                        # (stated: a small model offered a null takes it, and the nulls of the fields after it)
                        self.stated.add(path)
            own = not self.in_array and _names_a_title(path, self.model_name)
            if (
                own
                and len(name_words(path.rsplit(".", 1)[-1])) == 1
                and _titles_another_thing(self.described.get(path, ""), self.model_name)
            ):
                # "The title of the borrowed item" of a LibraryLoan: not the text's heading (the library's name) but
                # what the text quotes, first ("« L'Anomalie »", "'Het smelt'").
                own = False
                quoted = [title for title in _quoted_titles(facts.text) if _no_date_or_amount(title)]
                values = [*quoted, *(value for value in values if value not in quoted)]
            heading = _heading(facts.text) if own else None
            kind = own and len(name_words(path.rsplit(".", 1)[-1])) == 2
            kinds, certain = _kind_titles(facts, self.model_name, self.described.get(path, "")) if kind else ([], False)
            if kinds:
                # "meeting_title" of MeetingMinutes: the meeting the heading names - nothing else where the heading
                # names the document ("Minutes of the ..."), else first, then the heading's own words.
                top = facts.text[: _second_line_end(facts.text)]
                values = kinds if certain else [*kinds, *(v for v in values if v not in kinds and v in top)]
            elif own and not self.an_item and (titles := _title_lines(facts.text, heading)):
                # A paper's or an article's title under its journal's line, broken over lines: the lines near the
                # top written as a title, the titles the text quotes, then the short lines standing alone as a
                # heading ("Fluffy Buttermilk-Free Pancakes") - not every run (a small model offered the runs after
                # them takes a run).
                short = [line.strip(" #*_>") for line in facts.text.splitlines()[:_TOP_LINES]]
                values = [*titles, *(line for line in short if line in values and _SHORT_HEADING.fullmatch(line))]
            elif heading is not None and "\n" not in facts.text.strip():
                values += [heading] if heading not in values else []  # a piece's one line, commas and all
            elif heading is not None:
                # A listing's or a recipe's first line above the rest, commas and all, first.
                values = [heading, *(value for value in values if value != heading)]
                # Of the heading, what it says whole: not a run of its words ("2-bed flat, Headingley" of "Bright
                # 2-bed flat, Headingley") but without a bracket after it, or one of the parts it sets apart.
                whole = _heading_parts(heading)
                values = [value for value in values if value in whole or not _part_of(value, heading)]
            if _names_a_code(path):
                values = [value for value in values if len(value) <= 60 and _CODE.fullmatch(value)]
                # A code written in groups is offered whole, not a run of its groups ("9400 1118 9922 3847").
                if not _names_a_postal_code(path):  # "28803", not "NC 28803"
                    values = [value for value in values if not any(_inside(value, other) for other in values)]
                    # Not a year, a size or a small number alone ("2026", "45x45", "118"), where there are others.
                    values = [value for value in values if not _NO_CODE.fullmatch(value)] or values
                    # Nor what the text writes as another kind of value: a phone number in groups ("922 55 81 20"),
                    # an amount or a time ("3 560", "1.300", "20.14"), a day and month ("16/02").
                    # (A parcel's number in groups is written as a phone's; a value labelled with the field's
                    # name is its own.)
                    if not field_words_of(path) & _TRACKING_WORDS:
                        own_codes = _labelled_codes(values, facts.text, _name_stems(path.rsplit(".", 1)[-1]))
                        own_kept = set(own_codes) if own_codes is not values else set()
                        not_codes = {
                            value
                            for value in _written_as_other_values(facts) - own_kept
                            if not _marked_as_a_number(value, facts.text)
                        }
                        values = [value for value in values if value not in not_codes] or values
                    codes_offered = values
                    # "tracking 1234567890", not the "order NX-48213" beside it.
                    coded = _labelled_codes(values, facts.text, _name_stems(path.rsplit(".", 1)[-1]))
                    # Else, a document's number: the first the text marks as a number ("Angebotsnummer:", "N°").
                    siblings = {
                        stem
                        for name in self.owner.get("properties", {})
                        if name != path.rsplit(".", 1)[-1]
                        for stem in _name_stems(name)
                    }
                    if field_words_of(path) & _PLATE_WORDS:
                        # A vehicle's plate is no document's number: letters and figures in groups ("KP19 XRD",
                        # "M-JL 4821"), not "R-2026-01187" beside "Rechnung Nr.".
                        plates = [value for value in codes_offered if _a_plate(value)]
                        # (where no plate is labelled so - "Km registados: 156 020" -, the plates the text writes)
                        written = [found.value for found in words if _a_plate(found.value)]
                        written = [value for value in written if not any(_inside(value, other) for other in written)]
                        values = [value for value in coded if value in plates] or plates or written or coded
                    else:
                        values = _numbered_first(values, facts.text, siblings) or values if coded is values else coded
                    if field_words_of(path) & _TRACKING_WORDS and (linked := _in_a_link(codes_offered, facts)):
                        # A parcel's number is the one its tracking link carries ("Numéro de suivi : 6A 234 567
                        # 890 12" beside "...suivre-vos-envois?code=6A23456789012"), whatever the label's language.
                        values = linked
            if (noun := _numbered_by(path, self.described.get(path, ""))) is not None:
                # A room is written "Room 1.03": where the text writes none so, none is offered; where it never
                # names a room, an optional room stays out ("19:00 Talk - Async Rust": no room).
                written = [
                    value
                    for value in values
                    if (value.casefold().startswith(f"{noun} ") or _a_room(noun, value))
                    and _balanced(value)
                    and not _a_person_there(value, facts.text)
                ]
                # "Seminar Room 2", not the "Room 2" it ends with, nor "Seminar Room"
                written = [v for v in written if not any(_ends_or_opens(o, v) for o in written)]
                if written or not re.search(rf"\b{noun}", facts.text, re.IGNORECASE):
                    values = written
            if _names_a_unit(path):  # "225g caster sugar": g; "4 free-range eggs": none
                values = list(dict.fromkeys(found.value for found in units_written(facts.text)))
            if _names_a_postal_code(path):  # "LS6 2QP", not "2QP"; "28803", not "NC 28803"
                values = [value for value in values if _POSTAL_CODE.fullmatch(value)] or values
            elif (
                (self.in_array or self.an_item)
                and _counts_or_prices(self.owner)
                and not _names_a_code(path)
                and not _names_a_place(path)
            ):
                # A line's words, not its numbers: "Menu layout", not "3 x Menu", "150.00 EUR", "EUR" or "layout
                # @" (those are the item's quantity and price, and the marks between them).
                values = [value for value in values if not _amount_at_an_end(value, facts.text)] or values
            # A bracket a value opens, it closes: "Parafilm M roll 4in (SKU PF-M-4" is parts of two values.
            values = [value for value in values if _balanced(value)] or values
            field_words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
            own_thing = (
                bool(field_words)
                and field_words <= {word.casefold() for word in name_words(self.model_name)[:1]}
                and "pattern" not in spec
                and not _A_NUMBER_SAID.search(self.described.get(path, ""))
            )
            if own_thing:
                field_words.add("name")  # a RestaurantReservation's "restaurant": the restaurant's name
            if named_as := {"name", "title"} & field_words:
                # A name or a title, not a date ("23 Oct", "13 and 14 June 2026"), nor a month or a weekday alone
                # ("März"); a name not "2025" or a phone's digits either (a title may be "1917").
                dates = _written_dates(facts) | {facts.text[found.start : found.end] for found in facts.yearless_dates}
                dates |= {facts.text[first.start : last.end] for first, last in facts.date_ranges}
                values = [
                    value
                    for value in values
                    if (_A_LETTER.search(value) or "name" not in named_as)
                    and value not in dates
                    and (not (own_thing or "title" in named_as) or value.casefold().rstrip(".") not in _CALENDAR_WORDS)
                ] or values  # (a person may be "May" or "June")
            if (self.in_array or self.an_item) and _names_a_venue(path):
                # Where an item takes place (a lesson's, a session's): a value naming a room, a hall, a campus or a
                # video call ("Seminar Room B", "St. James Campus, Room C412", "Zoom"; not a person's: "with Ann
                # Hall"), where the text writes one - not the words around it ("Lectures", "Saturdays", a teacher's
                # name). (A place named otherwise beside one, "The Old Mill", is then not offered: measured, a small
                # model given both orders takes the words around the place.)
                placed = [
                    value for value in values if _PLACE_WORD.search(value) and not _a_person_there(value, facts.text)
                ]
                values = placed or values
            described = self.described.get(path, "")
            if (
                _names_a_town(path, described)
                and "street" not in addresses.roles(self.owner.get("properties", {})).values()
            ):
                # An event's, a listing's or a job's town (not an address's part: those are read apart, street and
                # all): the towns the gazetteer knows and the address lines write, an address line's under the
                # heading first ("Münchenbryggeriet, Torkel Knutssonsgatan 2, Stockholm": not the venue or street
                # before it), with the region or country written after it where the description asks for it
                # ("Boston, MA"). Where it names none so, no street, building or firm, the towns of any address
                # line (a footer's too) first, then the rest.
                first_lines, anywhere = _towns(facts.text)
                known = _named_towns(
                    facts.text, first_lines, anywhere, with_region=bool(_WITH_REGION.search(described))
                )
                others = [value for value in values if not _not_a_town(value)] or values
                rest = [value for value in values if value in first_lines] or [
                    *(value for value in others if value in anywhere),
                    *(value for value in others if value not in anywhere),
                ]
                # Where the text names towns so, those (and where it writes one, "Remote" or "Online"): measured,
                # a small model offered the text's other words after them takes one of those.
                remote = [value for value in values if value.casefold() in _NO_TOWN_WORDS]
                values = [*known, *remote] if known else rest
            if field_words & _PLACE_NAMES:
                # A place is no person the text greets, titles or mails ("Sofia Mendes"), nor a greeting ("Hola",
                # "Dzień dobry Panie Tomaszu").
                greeted = set(vouched_for(values, facts.text))
                values = [
                    value
                    for value in values
                    if value not in greeted and value.split()[0].casefold().strip(",!") not in GREETINGS
                ] or values
            if (
                "name" in field_words
                and not (own_thing or field_words & PERSON_FIELD_WORDS)
                and not self._a_persons_name(path, spec)
            ):
                # A thing's name ("plan_name", "product_name") is no person's the text greets, titles or mails
                # ("Sanne de Jong", "Sarah" of "Hi Sarah,").
                persons = persons_words(values, facts.text)
                values = [value for value in values if not set(value.split()) <= persons] or values
            if not (self.in_array or self.an_item) and (parties := self.organisations(path, own_label)):
                values = parties
            if not (self.in_array or one_labelled) and (kind_words := kind_named_by(path)):
                # A pharmacy's, a school's, a hotel's name: the names holding its kind's word in any language
                # ("Löwen-Apotheke Dresden-Striesen", "Apteka Gemini"), where the text writes any.
                kind_names = [name for name in names_holding(facts.text, kind_words) if _no_date_or_amount(name)]
                values = kind_names or values
            end = route_end(path.rsplit(".", 1)[-1])
            journey = end is not None and any(route_end(name) == 1 - end for name in self.owner.get("properties", {}))
            if journey and (ends := routes(facts.text)[end or 0]):
                # A journey's start or end, beside its other end ("departure_port" and "arrival_port", "origin" and
                # "destination"): the places the text joins by an arrow, a dash or "to", or labels for leaving or
                # arriving ("Kiel → Oslo", "Arrivo: Roma Termini").
                values = list(dict.fromkeys(found.value for found in ends))
            team = self.a_side(path)
            if team is not None and (named_sides := sides.sides(facts.text, team)):
                # A match's home or visiting side, beside the other: the sides the text writes with their score
                # ("TSV Lindach – HSG Glonntal 28:25"), the home side first.
                values = named_sides
            if colours.names_a_colour(path.rsplit(".", 1)[-1]) and (named_colours := colours.colours(facts.text)):
                # A car's, a bike's, a lost bag's colour: the colours the text writes, in any language ("dark
                # green", "negra y naranja", "grå") - not every run of its words.
                values = named_colours
        if self.in_array and lists_people(path.rsplit(".", 1)[-1]):
            # A list of people's names: capitalised words that may name a person, without what brackets add.
            people = [
                value
                for value in values
                if value[:1].isupper()
                and not set(value) & set("()[]")
                and (" " not in value or looks_like_a_name(value) or value.isupper())
            ]
            values = could_name_a_person(people, facts.text, about_an_age=False) if people else values
        elif self._a_persons_name(path, spec):
            # Whose age the object holds is not who signs a letter about them (a contact card's signer is its person).
            ages = any(names_an_age(name) for name in self.owner.get("properties", {}))
            values = could_name_a_person(values, facts.text, about_an_age=ages)
            # Not what the text's own mail or web domain spells: an organisation's name ("Riverside Fitness") - but
            # a mailbox's own ("Sarah Jones <hello@sarahjones.co.uk>").
            firms = {value for value in named_by_domain(values, facts.text) if not _a_mailbox(value, facts.text)}
            values = [value for value in values if value not in firms] or values
            by_label = labelled_as_a_person(values, facts.text, path.rsplit(".", 1)[-1])
            # A role's holder, named with it in brackets: "Cllr Margaret Okoro (Chair)" for ``chair``.
            held = _holding(by_label, facts.text, path.rsplit(".", 1)[-1])
            # Where neither marks one: the whole names the text greets, titles or spells in a mail address (not
            # "München Hauptbahnhof", "Totalt" or "Privacy"), where it does so to any - but for a person whose age
            # the object holds (a text about someone, greeting another).
            field = path.rsplit(".", 1)[-1]
            vouched = [] if ages or by_label != values or names_a_child(field) else vouched_for(values, facts.text)
            values = held or vouched or by_label
            if names_a_child(field) and by_label == values:
                # A pupil is not whom a letter greets or who signs it: a parent, a teacher.
                adults = set(vouched_for(values, facts.text))
                values = [value for value in values if value not in adults] or values
            # A name without a title or honorific before or after it ("Professeure Sylvie Lapointe", "Yamamoto
            # Haruka-sensei"), where the text writes no run of it alone.
            untitled: list[str] = [_HONORIFIC_AFTER.sub("", _TITLE.sub("", str(value))) for value in values]
            values = list(dict.fromkeys(value for value in untitled if value and value in facts.text)) or values
            # A name opens and ends with a capital ("Pieter van den Berg"; not "confirmation", "40th" or "$18pp"),
            # where the text writes one.
            values = [value for value in values if _capitalised_name(value)] or values
            # A name without the title before it ("Pieter van den Berg", not "Dr. Pieter van den Berg"); a title
            # alone ("Sir") is no name.
            offered = set(values)
            values = [
                value
                for value in values
                if _TITLE.sub("", f"{value} ")
                and (_TITLE.sub("", value) == value or _TITLE.sub("", value) not in offered)
                and (_HONORIFIC_AFTER.sub("", value) == value or _HONORIFIC_AFTER.sub("", value) not in offered)
            ]
        elif (
            names_a_role(path.rsplit(".", 1)[-1])
            and not own_label
            and any(_names_a_persons_name(name) for name in self.owner.get("properties", {}))
            and (roles := self.roles())
        ):
            # A person's role (beside its name field): what the text writes beside a name first ("Joost de Wit
            # (Warehouse Supervisor, Shift 2)", "Agnieszka Dudek, Fleet Coordinator"), then the other runs.
            values = [*roles, *(value for value in values if value not in roles)]
        if not (self.in_array or fmt or pattern) and names_people_together(
            path.rsplit(".", 1)[-1], self.described.get(path, "")
        ):
            # A couple, a household, a party replying: the names the text writes joined ("Ola i Michał"), first.
            together = named_together(facts.text)
            values = [*together, *(value for value in values if value not in together)]
        low, high = spec.get("minLength", 1), spec.get("maxLength", math.inf)
        # A value holds a letter or a digit: not a dash standing between two cells ("Bell — PG").
        values = list(dict.fromkeys(value for value in values if low <= len(value) <= high and _worded(value)))
        if pattern is not None:
            values = _matching(values, pattern)
        if values and values == one_labelled:
            self.stated.add(path)  # a form's label states it: no null to choose
        return values if len(values) <= MAX_CANDIDATES else None


# A field named as a code ("tracking_number", "postal_code", "booking_ref", "customer_id") takes a code: three or
# more characters, up to six parts each holding a digit or one to three capitals ("1Z999AA101", "7712 3456 7890",
# "5652 AH", "SE15" - not "48h service", "Order AB-123", "(48h" or "3").
_CODE_WORDS = frozenset("number no code id ref reference zip postcode sku pnr iban registration plate reg vin".split())
# A vehicle's registration: groups of letters and figures, both, of 5 to 10 characters in all.
_PLATE_WORDS = frozenset({"registration", "plate", "reg"})
_A_PLATE = re.compile(
    r"(?=(?:.*[A-Z]){2})(?=.*\d)(?!(?:.*\d){6})(?=(?:[A-Z\d][ -]?){5,10}$)[A-Z\d]+(?:[ -][A-Z\d]+){0,3}"
)
_CODE_PART = r"(?:(?=[\w/.#-]*\d)[\w/.#-]+|[A-Z]{1,3}(?:-[A-Z]{1,3})?)"
# ... or capitals joined by a hyphen or underscore ("ACME-CORP").
_CODE = re.compile(rf"(?=.*\d)(?=.{{3}}){_CODE_PART}(?: {_CODE_PART}){{0,5}}|[A-Z0-9]{{2,}}(?:[-_][A-Z0-9]+)+")


# Postal codes as the countries that write most addresses shape them: US ZIP (+4), UK, Canada, the Netherlands,
# Poland, Japan, Brazil, and four to six digits (most of Europe, Australia, India, China).
_POSTAL_CODE = re.compile(
    r"\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4} ?[A-Z]{2}|\d{2}-\d{3}"
    r"|\d{3}-\d{4}|\d{5}-\d{3}|\d{4,6}|[A-Z]{1,2}-?\d{4,5}"
)


_TITLE = re.compile(rf"^(?:{TITLE_WORDS})\.?\s+")
# What a company's own name does not hold: a figure, an arrow, a title before a person's name.
_NO_COMPANY = re.compile(rf"\d|→|->|^(?:{TITLE_WORDS})\.?\s")
# An honorific written after a name: "Yamamoto Haruka-sensei", "Tanaka-san".
_HONORIFIC_AFTER = re.compile(r"-(?:sensei|san|sama|kun)$")  # not "Michelle Chan", "Kim Min-ji"


def _heading_parts(heading: str) -> set[str]:
    """A heading, without a bracket after it ("Classic Pancakes (serves 4)"), and each part of it a dash, a colon
    or a bar sets apart ("RECIPE CARD — Shortbread", "New episode: Founders' Roundtable")."""
    bare = re.sub(r"\s*[(\[][^()\[\]]*[)\]]\s*$", "", heading)
    parts = re.split(r"\s+[-–—|]\s+|:\s+|\s+/\s+", bare)
    return {heading, bare, *(part.strip() for part in parts if part.strip())}


def _part_of(value: str, heading: str) -> bool:
    """Whether ``value`` is a run of the heading's words, shorter than it."""
    return value != heading and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", heading) is not None


def _inside(value: str, other: str) -> bool:
    """Whether ``value`` is some of the groups of the longer code ``other``, each group holding a digit ("1118
    9922" of "9400 1118 9922"; not "ABC123" of "PNR ABC123")."""
    return (
        value != other
        and f" {value} " in f" {other} "
        and all(any(character.isdigit() for character in group) for group in other.split())
    )


# What a description rules out: "not a set-up, delivery or access time for the organiser", "not the date the message
# was sent", "not a holding deposit, move-in fee ...", up to a clause's end or a "for"/"when" that says whose.
_RULED_OUT = re.compile(r"(?i)\bnot[ \t]+(?:a|an|the)[ \t]+([^.;()]*?)(?=[.;()]|\b(?:for|when|if|unless)\b|$)")
_UNSAID = frozenset("a an the or and of to in on is was are were its their it as by nor not any other another".split())
# Where a clause ends around a value (a dash between spaces too): not at a time's or an amount's own "." or ","
# ("4.30pm", "£2,000").
_CLAUSE_END = re.compile(r"[;\n()!?]|(?<!\d)[.,]|[.,](?!\d)|[ \t][-–—][ \t]")


# Participles of a description that say nothing of which value it is.
_SAY_NOTHING = frozenset("given written stated shown used formatted based listed named called needed".split())


def _described_stems(description: str) -> set[str]:
    """The stems of what a description says happened on its value, before what it rules out or leaves out: its
    participles and the verbs after "was"/"is" ("The date the meeting was held, as YYYY-MM-DD. Not the date ..."
    -> held; "the order was placed" -> plac; "The expected delivery date" -> expe)."""
    said = re.split(r"(?i)(?:^|[.;(]\s*)(?:not|omit|leave|never|if|unless|e\.g)\b", description, maxsplit=1)[0]
    verbs = re.findall(r"(?i)\b(?:was|were|is|are|be|been|being|gets?|got)\s+([^\W\d_]{4,})", said)
    verbs += re.findall(r"(?i)\b([^\W\d_]{3,}ed)\b", said)
    return {word.casefold()[:4] for word in verbs if word.casefold() not in _SAY_NOTHING} - _KIND_STEMS


def _second_line_end(text: str, count: int = 2) -> int:
    """Where the text's first ``count`` non-empty lines end (its heading, and a line under it)."""
    position, end, found = 0, 0, 0
    for line in text.split("\n"):
        position += len(line) + 1
        if line.strip():
            end, found = position - 1, found + 1
            if found == count:
                break
    return end


def ruled_out(description: str, field: str) -> list[str]:
    """The words of what ``description`` says a field's value is not (``_RULED_OUT``), less the field's own name
    words ("set-up", "delivery", "access" for start_time)."""
    own = {word.casefold() for word in name_words(field)}
    alternatives = [
        [word.casefold().removesuffix("'s").removesuffix("’s") for word in re.findall(r"[^\W\d_][\w'’-]+", part)]
        for phrase in _RULED_OUT.findall(description)
        for part in re.split(r"(?i),|\bor\b|\bnor\b", phrase)
    ]
    # The noun two of them end with, where it is what the field is too - a word of its name or of the
    # description's opening ("The full fee ...; not a registration fee, materials fee") - tells nothing apart:
    # their other words do. ("The monthly rent; not the security deposit or holding deposit" rules deposits out.)
    opening = {word.casefold() for word in re.findall(r"[^\W\d_]+", description)[:6]}
    heads = [words[-1] for words in alternatives if len(words) >= 2]
    shared = {head for head in heads if heads.count(head) >= 2 and head in own | opening}
    words = [word for words in alternatives for word in words if word not in shared]
    return list(dict.fromkeys(word for word in words if word not in _UNSAID and word not in own and len(word) > 2))


_NEAR = 40

# What labels a value that was, before a change, in the languages a gateway's texts come in ("Previous due date:",
# "Old plan:", "Původní tarif:", "Alter Preis:", "(tidigare 18:00)"): words that say so wherever they stand before
# the value in its clause, ...
_FORMER = frozenset(
    "previous previously former formerly originally prior bisherig bisherige bisheriger bisherigen vorherig "
    "vorherige vorheriger ursprünglich ursprüngliche précédent précédente anterior precedente vorig vorige "
    "oorspronkelijk oorspronkelijke tidigare tidligere poprzedni poprzednia poprzednie dotychczasowy "
    "dotychczasowa původní předchozí edellinen aiempi".split()
)
# ... and words that say so only as a line's label ("Old price:"; not "the old mill in Hebden").
_OLD = frozenset(
    "old original alt alte alter altes alten früher frühere ancien ancienne initial initiale antiguo antigua vecchio "
    "vecchia antigo antiga oud oude gammal gamla gammel gamle stary stara starý stará vanha".split()
)
_SUPERSEDED = _FORMER | _OLD


def _words_pattern(words: AbstractSet[str]) -> re.Pattern[str]:
    return re.compile(r"(?i)(?<!\w)(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?!\w)")


_FORMER_WORD, _SUPERSEDED_WORD = _words_pattern(_FORMER), _words_pattern(_SUPERSEDED)
# ... and a value of what comes after the one a text is about, as a line's label ("Nächstes Spiel: Samstag,
# 05.12.2026", "Next match:", "Prochain match :"; not "next to the station", "am nächsten Tag").
_UPCOMING = frozenset(
    "next upcoming nächste nächster nächstes nächsten kommende kommenden prochain prochaine próximo próxima "
    "prossimo prossima volgende nästa neste næste następny następna następne další příští seuraava".split()
)
_UPCOMING_WORD = _words_pattern(_UPCOMING)
_NEXT_WORDS = frozenset("following follow future later".split())
# (but after "your": "Your next appointment: 12 May" is a reminder's own appointment)
_YOURS = frozenset(
    "your ihr ihre ihren ihrem dein deine votre ton ta tu su tuo tua vostro uw jouw je din ditt dina dine twój "
    "twoja twoje wasz wasza váš vaše tvůj teu".split()
)


def _current(
    values: list[Any], facts: TextFacts, wanted: bool, word: re.Pattern[str], in_clause: re.Pattern[str] | None
) -> list[Any]:
    """Of ``values``, those the text writes somewhere not labelled with ``word`` as its line's label, nor with
    ``in_clause`` in its clause (what was before a change: "Previous due date: 09/11/2026" beside "New due date:
    30/11/2026"; what comes next) - all of them where the field asks for such a value, or where none or every one
    is."""
    if wanted or word.search(facts.text) is None:
        return values
    text = facts.text
    stamps = _merged(tuple(facts.message_dates))

    def labelled(value: Any) -> bool:
        form = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        places = facts.stated_at(form) if isinstance(form, float | str) else []
        places = [at for at in places if not _in_spans(at, stamps)] or places  # (not a mail's header's date)
        return bool(places) and all(
            (in_clause is not None and _says(in_clause, _clause_before(text, at))) or _says(word, _line_label(text, at))
            for at in places
        )

    return [value for value in values if not labelled(value)] or values


def _says(word: re.Pattern[str], clause: str) -> bool:
    """Whether ``clause`` writes ``word`` - not after "your" ("Your next appointment")."""
    return any(
        not (before := clause[: match.start()].split()) or before[-1].casefold() not in _YOURS
        for match in word.finditer(clause)
    )


def _line_label(text: str, start: int) -> str:
    """A line's label before ``text[start]``: its words before a colon, where they are few ("Nächstes Spiel:")."""
    line_start = text.rfind("\n", 0, start) + 1
    label, colon, _ = text[line_start:start].partition(":")
    return label if colon and len(label.split()) <= 4 else ""


_LABEL_OPENS = re.compile(r"[;!?]|[.,][ \t]|[ \t][-–—][ \t]")  # (a bracket's words are its line's: "(was 299)")


def _clause_before(text: str, start: int) -> str:
    """The words just before ``text[start]`` in its clause and line (a label's: "Previous due date: ")."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - _NEAR) : start]
    ends = [match.end() for match in _LABEL_OPENS.finditer(before)]
    return before[ends[-1] if ends else 0 :]


def _clause_mentions(text: str, start: int, end: int, words: list[str]) -> bool:
    """Whether the clause holding ``text[start:end]`` writes one of ``words`` (a hyphen written or not)."""
    opening = max((match.end() for match in _CLAUSE_END.finditer(text, max(0, start - 200), start)), default=0)
    closing = _CLAUSE_END.search(text, end, end + 200)
    # Near the value: "Minutes of the meeting held on 8 April" is the meeting's date; "Next meeting: 14 May" not.
    clause = text[max(opening, start - _NEAR) : min(closing.start() if closing else end + _NEAR, end + _NEAR)]
    return any(
        re.search(rf"(?i)(?<!\w){'[- ]?'.join(map(re.escape, word.split('-')))}", clause) is not None for word in words
    )


def _capitalised_name(value: str) -> bool:
    """Whether ``value`` opens with a capital and its last word too (or letters of a script without case)."""
    last = value.split()[-1]
    return value[:1].isalpha() and not value[:1].islower() and last[:1].isalpha() and not last[:1].islower()


# Words naming a field that holds a place.
_PLACE_NAMES = frozenset("location place venue address station airport town city origin destination site".split())
# A description saying its field holds a number or a code ("The order number"), not a name.
_A_NUMBER_SAID = re.compile(r"(?i)\b(?:number|no\.|id|identifier|code|reference|ref)\b")
# A month's or a weekday's name alone, in the languages dates are read in: no name of a thing.
_CALENDAR_WORDS = MONTH_NAMES | WEEKDAY_NUMBERS.keys()
# What a description's "not the date the message was sent" rules out (the openings of its words).
_MESSAGE_WORDS = ("sent", "messag", "writt", "email", "e-mail", "mail", "receiv", "post", "timestamp")
# A field named for the date of the document a message is or carries: its date may be the message's own.
_DOCUMENT_WORDS = ("quot", "invoic", "issu", "order", "letter", "document", "report", "statement", "bill", "receipt")
_MESSAGE_WORDS_ANYWHERE = re.compile(r"(?i)\b(?:sent|messag|writt|e-?mail|receiv|post|timestamp)")
_RATING_WORDS = frozenset({"rating", "ratings", "stars"})
_REVIEWED = re.compile(r"(?i)\bstars?\b|\bout of\b|\breview")


def _rating_scale(path: str, spec: dict[str, Any], description: str) -> float | None:
    """The scale of a field holding a reviewer's rating ("rating" with a maximum of 5, 10 or 100, or described in
    stars or "out of"; a "score" only where its description speaks of stars or a review - not a test's, a game's or
    a survey's 0-10): its maximum, else 5."""
    words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
    if not (words & _RATING_WORDS or "score" in words and _REVIEWED.search(description)):
        return None
    maximum = spec.get("maximum")
    if maximum in (5, 10, 100):
        return float(maximum)
    return 5.0 if maximum is None and re.search(r"(?i)\bstars?\b|\bout of\b", description) else None


def _scores(found: list[Rating], scale: float, spec: dict[str, Any]) -> list[Any]:
    """The ratings on the field's scale that are a single person's (not an average of many); none where the text
    gives none."""
    own = [rating for rating in found if not rating.average]
    values: list[Any] = []
    for rating in own:  # (averages alone: the field keeps its numbers)
        value = round(rating.score * scale / rating.scale, 2) if rating.scale else rating.score
        if spec.get("type") == "integer":
            if not float(value).is_integer():
                continue
            value = int(value)
        values.append(value)
    return list(dict.fromkeys(values))


# A field for a parcel's number: its tracking link carries it.
_TRACKING_WORDS = frozenset("tracking track parcel shipment consignment waybill".split())


def field_words_of(path: str) -> set[str]:
    """A field's name's words in lower case ("tracking_number" -> {"tracking", "number"})."""
    return {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}


def _in_a_link(values: list[str], facts: TextFacts) -> list[str]:
    """The codes a web address of the text carries whole, written with their spaces or without ("6A 234 567 890 12"
    in "...?code=6A23456789012"); eight characters or more."""
    links = [found.value.replace("-", "") for found in facts.urls]
    return [
        value
        for value in values
        if len(compact := re.sub(r"[\s-]", "", value)) >= 8
        and any(
            re.search(rf"(?<![A-Za-z0-9]){re.escape(compact)}(?![A-Za-z0-9])", link.replace("-", "")) for link in links
        )
    ]


def _in_spans(position: int, merged: list[tuple[int, int]]) -> bool:
    """Whether a position falls inside one of ``merged`` spans (in order, none overlapping: see ``_merged``)."""
    index = bisect.bisect_right(merged, (position, math.inf)) - 1
    return index >= 0 and merged[index][0] <= position < merged[index][1]


@functools.lru_cache(maxsize=8)
def _merged(spans: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Spans in order, those that overlap joined."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _names_a_currency(path: str, description: str) -> bool:
    """Whether a string field holds a currency's code ("currency", "salary_currency"; "The ISO 4217 code ...")."""
    words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
    if words & {"symbol", "sign", "name"}:
        return False  # "currency_symbol": the sign as written
    return bool(words & {"currency", "curr", "ccy"}) or "ISO 4217" in description


def _names_a_postal_code(path: str) -> bool:
    words = [word.casefold() for word in name_words(path.rsplit(".", 1)[-1])]
    return bool({"zip", "postcode", "zipcode", "postal"} & set(words))


def _names_a_title(path: str, model_name: str = "") -> bool:
    """A field named for the text's own heading ("title", "headline"), not a thing's ("job_title") - but for the
    thing the object is ("meeting_title" of ``MeetingMinutes``)."""
    words = [word.casefold() for word in name_words(path.rsplit(".", 1)[-1])]
    if len(words) == 1:
        return words[0] in {"title", "headline", "heading"}
    first = name_words(model_name)[:1]
    return len(words) == 2 and words[1] == "title" and bool(first) and first[0].casefold()[:4] == words[0][:4]


# Where a heading's name of a thing ends: its date, weekday or time, or where or when it was held.
_WEEKDAY = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NAME_ENDS = re.compile(
    rf"(?:^|[ \t]{{1,3}}held\b|,?[ \t]{{1,3}})(?:(?:on|dated|at|from)[ \t]{{1,3}})?(?:{_WEEKDAY}\.?(?![\w'’-])"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]{{1,3}}{_MONTH}\b|{_MONTH}\.?[ \t]{{1,3}}\d|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}"
    rf"|\d{{4}}-\d\d-\d\d|\d{{1,2}}:\d\d\b|\d{{1,2}}\.\d\d[ \t]*$|\d{{1,2}}(?:[.:]\d\d)?[ \t]?[ap]\.?m\b)"
    r"|[ \t]{1,3}held\b",
    re.IGNORECASE,
)
# A first line that is no heading: a mail's header or a form's field ("From: ...", "Present: ..."), a greeting.
_NOT_A_HEADING = re.compile(
    r"(?i)^(?:(?:from|to|cc|date|sent|time|when|where|location|venue|present|attendees|attending|apologies|"
    r"chair|agenda)[ \t]*:|(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b)"
)


_BREADCRUMBS = re.compile(r"\S\s+[>»]\s+\S.*\s[>»]\s")


def _kind_titles(facts: TextFacts, model_name: str, description: str) -> tuple[list[str], bool]:
    """What the heading names the document's thing ("MINUTES - Board of Trustees" -> "Board of Trustees" for a
    ``MeetingMinutes``; "Minutes of the Annual General Meeting held in ..." on its second line -> "Annual General
    Meeting"): the first two lines without the document's own word (the model's other words, "Minutes", and the
    labels the description quotes, "Notes:"), a leading "Subject:", Markdown's marks, and the parts that are dates
    or times; the whole heading so first, then its parts apart - and whether a line named the document (then the
    heading surely names its thing). None for a heading that is a sentence, a mail's header, a form's field, a
    greeting or a line leading in to what follows ("This week's picks:")."""
    words = [word.casefold() for word in name_words(model_name)]
    if len(words) < 2:
        return [], False
    quoted = [label.casefold() for label in re.findall(r"[\"“]([^\W\d_]+):[\"”]", description)]
    document = "|".join(re.escape(word) for word in dict.fromkeys([*words[1:], *quoted]))
    own = re.compile(rf"(?i)^(?:{document})(?:\s+(?:of|from|for)(?:\s+(?:the|a|an|our|today's|this))?)?\b\s*")
    lines = [
        line.strip(" #*_>")
        for line in facts.text.splitlines()
        if line.strip(" #*_>") and not _BREADCRUMBS.search(line)  # a web page's "Home > Events > Agenda"
    ][:2]
    found: list[str] = []
    certain = False
    for index, line in enumerate(lines):
        line = line.replace("*", "").strip()
        if _NOT_A_HEADING.match(line):
            continue
        line = re.sub(r"^[^:]{1,20}:\s+", "", line)  # "Subject: ...", "Position: ..."
        labelled = own.match(line) is not None
        if index == 1 and not labelled:
            break  # a second line is a heading only when it names the document ("Minutes of the ...")
        if (
            len(line) > 200
            or (re.search(r"[.!?](?:\s|$)", line) and not labelled)  # a sentence: "Acme Corp is hiring!"
            or line.endswith(":")  # "This week's picks (issue #88):"
        ):
            continue
        parts: list[str] = []
        for part in re.split(r"\s+[-–—|/>»]\s+|:\s+|\s*[【】「」]\s*", line):  # and breadcrumbs, CJK brackets
            part = part.strip()
            labelled_part = own.match(part) is not None
            bare = own.sub("", part) if labelled_part else part
            ending = re.search(rf"(?i)\s+(?:{document})$", bare)  # "Board Meeting Minutes"
            bare = bare[: ending.start()] if ending is not None else bare
            certain = certain or labelled_part or ending is not None
            if (cut := _NAME_ENDS.search(bare)) is not None:
                bare = bare[: cut.start()]
            bare = bare.strip(" ,;–—-")
            if bare and (not labelled_part or bare[:1].isupper()) and bare.casefold() not in words:
                parts.append(bare)
        written = _joined_as_written(parts, line)
        whole = written if written and not re.search(rf"(?i)\b(?:{document})\b", written) else " – ".join(parts)
        apart = [part for part in parts if part[:1].isupper() or part[:1].isdigit()] if len(parts) > 1 else []
        candidates = [whole, *apart] if whole else []
        # A second line naming the document names its thing; the first names who held it ("Claddagh Rowing Club").
        found = candidates if labelled and index == 1 and candidates else found + candidates
    return [value for value in dict.fromkeys(found) if _safe_literal(value) and len(value) <= 200], certain


# A year, a size or a small number alone: no document's code.
_NO_CODE = re.compile(r"(?:19|20)\d\d|\d{1,3}|\d+[x×]\d+(?:[x×]\d+)?")


# A day and a month alone ("16/02", "1.3."), never a code.
_DAY_AND_MONTH = re.compile(r"(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])\.?")


@functools.lru_cache(maxsize=16)
def _written_as_other_values(facts: TextFacts) -> frozenset[str]:
    """What a text writes as a value of a kind other than a code: a phone number or a number written in groups or
    with a fraction (as written), a time, a day and a month."""
    text = facts.text
    phones = {found.value for found in facts.phones if " " in found.value}
    numbers = {text[found.start : found.end] for found in facts.numbers}
    written = {value for value in numbers if set(value) & set(" .,\u00a0")}
    times = {text[found.start : found.end] for found in facts.times}
    days = {
        match.group()
        for match in re.finditer(r"(?<![\w./])[\d./]+(?![\w/])", text)
        if _DAY_AND_MONTH.fullmatch(match.group())
    }
    return frozenset(phones | written | times | days)


def _a_plate(value: str) -> bool:
    """Whether a code is written as a vehicle's number plate: two letters or more and up to five figures in groups,
    5 to 10 characters in all ("KP19 XRD", "M-JL 4821", "7-KTN-45") - not a postcode ("YO21 3PR")."""
    return _A_PLATE.fullmatch(value) is not None and _POSTAL_CODE.fullmatch(value) is None


def _names_its_kind(value: str, thing: str) -> bool:
    """Whether a name holds the word of the kind of thing it names ("Hotel Adlon Kempinski" for a hotel, "Garage du
    Moulin" for a garage), in any case or accents."""
    plain = plain_word(thing)
    return any(plain_word(word) == plain for word in re.findall(r"[^\W\d_]+", value))


def _a_mailbox(name: str, text: str) -> bool:
    """Whether the text writes ``name`` as a mailbox's display name ("Sarah Jones <hello@sarahjones.co.uk>")."""
    return re.search(rf"{re.escape(name)}\s*<[^<>\s]+@", text) is not None


def _no_date_or_amount(value: str) -> bool:
    """Whether words hold no date, day, time, phone number, code or amount ("December 2024", "Sat 4th April",
    "Check-in Thu, 9 Apr 2026", "Mobile 07823 661 204", "Booking WB-2612-044", "312,40 EUR" hold one; "PS5",
    "Fellow Ode Gen 2" none)."""
    facts = TextFacts(value)
    calendar = any(word.casefold().strip(".,") in _CALENDAR_WORDS for word in value.split())
    return not (
        facts.dates
        or facts.times
        or facts.phones
        or JOINED_CODE.search(value)
        or (calendar and re.search(r"\d", value))
        or any(re.search(r"\d", value[max(0, found.start - 12) : found.end + 12]) for found in facts.currencies)
    )


# What a model's first word names when it is a person (a field named for it holds a person's name, not a thing's).
_PERSON_THINGS = frozenset(
    "person people contact employee member user author speaker candidate patient student player guest customer "
    "client applicant passenger traveller traveler attendee participant staff profile pupil tenant driver".split()
)
# A sibling field that only a person's object holds.
_PERSON_DETAILS = frozenset(
    "age email birth_date date_of_birth dob birthday nationality gender first_name last_name given_name family_name "
    "job_title".split()
)


def _about_a_person(owner: dict[str, Any], model_name: str) -> bool:
    """Whether an object is a person's: its model named so ("Person", "ContactCard", "PlayerProfile") or holding
    a person's details (``age``, ``email``, ``first_name``)."""
    words = {word.casefold() for word in name_words(model_name)}
    return bool(words & _PERSON_THINGS) or bool(set(owner.get("properties", {})) & _PERSON_DETAILS)


def _joined_as_written(parts: list[str], line: str) -> str:
    """The heading's stretch from its first kept part to its last, as written ("Oak Hollow Homeowners Association
    — Board Meeting"); the one part alone."""
    if len(parts) < 2:
        return parts[0] if parts else ""
    start, end = line.find(parts[0]), line.rfind(parts[-1])
    return line[start : end + len(parts[-1])] if 0 <= start < end else ""


def _heading(text: str) -> str | None:
    """A text's first line as a heading, without a label or Markdown's marks ("To let: Bright 2-bed flat,
    Headingley" -> "Bright 2-bed flat, Headingley"); None if it is long, a sentence or ends with a colon."""
    first = next((line.strip(" #*_>") for line in text.splitlines() if line.strip(" #*_>")), "")
    first = re.sub(r"^[^:]{1,20}:\s+", "", first)
    if not first or len(first) > 120 or re.search(r"[.!?]\s", first) or first.endswith((".", "!", "?", ":")):
        return None  # (nor a line that leads into what follows: "Two quick dips for Saturday:")
    return first


def _title_lines(text: str, heading: str | None) -> list[str]:
    """Where the first line is a record's, not a title (a journal's line with its year, a link, "Originalien · 2026
    · 20:412"): the lines of the text's top written as a title - five words or more; no sentence, label, address,
    column gap, figure, capitals alone or list of names - each joined to the lines it runs on over ("Seasonal
    shifts in gut microbiota composition / of the common vole ..."), then the titles the text quotes. Where the
    first line is a title running on over the next, that whole; else none."""
    lines = [line.strip(" #*_>") for line in text.splitlines()[:_TOP_LINES]]
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None:
        return []
    if _title_like(lines[first], first=True):
        whole, _ = _run_on(lines[first], lines, first + 1)
        return [whole] if whole != lines[first] else []
    if (heading is not None and heading != lines[first]) or not _RECORD_LINE.search(lines[first]):
        return []  # a labelled heading ("New episode: ..."), a sentence: the first line's rule reads it
    found: list[str] = []
    index = first + 1
    while index < len(lines):
        labelled = _TITLE_LABEL.match(lines[index])
        line = lines[index][labelled.end() :] if labelled else lines[index]
        index += 1
        if labelled and labelled.group().rstrip().endswith("{"):
            line = line.split("}", 1)[0]  # "title = {Humidity-Tolerant Carbon Capture ...},"
        elif _title_like(line):
            line, index = _run_on(line, lines, index)
        if _title_like(line) and len(line.split()) >= 5 and not line.isupper():
            found.append(line)
    quoted = [
        match.group(1)
        for match in _QUOTED_TITLE.finditer(text)
        if 4 <= len(match.group(1).split()) <= 30 and match.group(1) not in found
    ]
    return [*found[:3], *quoted[:2]]


def _run_on(line: str, lines: list[str], index: int) -> tuple[str, int]:
    """A title's line with the lines it runs on over joined, and the index after them."""
    while index < len(lines) and lines[index] and len(line) < 250 and _runs_on(line, lines, index):
        line = f"{line} {lines[index]}"
        index += 1
    return line, index


# A record's line: figures, a link, a tag, items set apart by middle dots or bars, a column gap.
_RECORD_LINE = re.compile(r"\d|https?:|www\.|#|·|\||\s{3,}")
_TOP_LINES = 15
# A line of two to four capitalised words alone: a heading ("Fluffy Buttermilk-Free Pancakes").
_SHORT_HEADING = re.compile(r"[^\W\d_a-z][\w'’-]*(?: [^\W\d_a-z][\w'’-]*){1,3}")
_TITLE_LABEL = re.compile(r"(?i)^(?:title|titel|titre|título|titolo)(?:[ \t]*[:=][ \t]*\{?|[ \t]{2,})")
# A title in quotes or braces: “...”, "...", «...», „...“, {...} after "title =".
# What a description names the title of ("The title of the borrowed item", "the film's title").
_TITLE_OF = re.compile(
    r"(?i)\btitle[ \t]+of[ \t]+(?:the|a|an|this|each)?[ \t]*(?:[\w-]+[ \t]+)?([^\W\d_]+)|([^\W\d_]+)['’]s[ \t]+title"
)
# Nouns for the text itself: its title is its heading.
_THE_TEXT = frozenset(
    "text document article post page message mail email letter piece story entry listing notice announcement "
    "report ad advert advertisement".split()
)


def _titles_another_thing(description: str, model_name: str) -> bool:
    """Whether a title field's description names a thing the title is of that is neither the text nor the model's
    own thing ("The title of the borrowed item" of a LibraryLoan; not "The recipe's title" of a Recipe)."""
    said = _TITLE_OF.search(description)
    if said is None:
        return False
    noun = (said.group(1) or said.group(2)).casefold()
    own = {word.casefold()[:4] for word in name_words(model_name)}
    return noun not in _THE_TEXT and noun[:4] not in own


# A short title the text quotes: "« L'Anomalie »", "'Het smelt'", "„Der Process“" (one to twelve words).
_SHORT_QUOTED = re.compile(
    r"(?:«[ \t]?|„|“|\"|(?<![\w'’])['‘])([^\W_][^\"“”„«»‘’\n]{0,80}?[^\s\"“”„«»‘’])(?:[ \t]?»|“|”|\"|['’](?!\w))"
)


def _quoted_titles(text: str) -> list[str]:
    titles = [match.group(1).strip() for match in _SHORT_QUOTED.finditer(text)]
    return list(dict.fromkeys(title for title in titles if len(title.split()) <= 12))


_QUOTED_TITLE = re.compile(r"[\"“„«{]([^\"“”„«»{}\n]{15,250})[\"”“»}]")
_JOINING_WORDS = frozenset(
    "a an the of in on for and or to with from across by at as via der die das und für von im des du de la le et "
    "pour dans del el en y con".split()
)


def _title_like(line: str, *, first: bool = False) -> bool:
    """Whether a line is written as a title (``first``: the text's first line, which may open with a figure: "2
    BHK Semi-Furnished Flat for Rent")."""
    words = line.split()
    figures = sum(any(character.isdigit() for character in word) for word in words) - (first and line[:1].isdigit())
    names = [part for part in re.split(r"\s*(?:[,;·]|\s(?:and|und|et|y)\s)\s*", line) if part]
    return (
        4 <= len(words) <= 30
        and (line[:1].isupper() or (first and line[:1].isdigit()))
        and not re.search(r"[.!?]\s|[.!?]$|@|https?:|www\.|\s{3,}|\||·", line)
        and sum(looks_like_a_name(re.sub(r"[\d*¹²³⁴⁵⁶⁷⁸⁹⁰]+$", "", part)) for part in names) < 2
        and not re.match(r"[^\W\d_][\w-]*(?: [\w-]+)?:\s", line)  # a label ("Job title:"), not "Less Is More: ..."
        and figures <= 1
    )


def _runs_on(line: str, lines: list[str], index: int) -> bool:
    """Whether a title's line goes on over ``lines[index]``: that line opens in lower case, the title's line ends
    with a joining word, or it is a short last part before a blank line ("... On-Device Code / Completion")."""
    following = lines[index]
    if re.search(r"\s{3,}|@|https?:|[.!?](?:\s|$)", following):
        return False  # no column, address or sentence
    short_end = re.fullmatch(r"[^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*){0,2}", following) is not None and (
        index + 1 >= len(lines) or not lines[index + 1]
    )
    return following[:1].islower() or line.split()[-1].casefold() in _JOINING_WORDS or short_end


def _names_a_code(path: str) -> bool:
    words = name_words(path)
    last = words[-1].casefold() if words else ""
    return last in _CODE_WORDS and (len(words) > 1 or last not in ("number", "no"))


def _numbered_by(path: str, description: str = "") -> str | None:
    """The noun a field is named by when texts write its values after it ("room": "Room 1.03", "gate": "Gate B") -
    unless its description calls it otherwise, never naming the noun ("platform": "The marketplace, app or group
    where the item was advertised")."""
    words = [word.casefold() for word in name_words(path.rsplit(".", 1)[-1])]
    if len(words) != 1 or words[0] not in NUMBERED_NOUNS - {"no", "number", "size", "day"}:
        return None
    described = {word.casefold() for word in re.findall(r"[^\W\d_]+", description)}
    return words[0] if not described or {words[0], f"{words[0]}s", "number", "numbered"} & described else None


# The words a room's name holds ("Seminar Room 2", "Main Hall", "Salle Rhône", "Main Stage").
_ROOM_WORDS = frozenset(
    "room rooms hall auditorium theatre theater stage ballroom studio lab salle saal raum sala aula amphithéâtre "
    "amphitheatre lounge suite courtyard pavilion terrace gallery library chapel atrium".split()
)


def _ends_or_opens(longer: str, value: str) -> bool:
    return longer != value and (longer.endswith(f" {value}") or longer.startswith(f"{value} "))


def _a_person_there(value: str, text: str) -> bool:
    """Whether the text writes a value as someone's name: after "with", "by", "and" or "&" ("a workshop with Ann
    Hall", "Q&A with Tom Gallery and Mia Chapel")."""
    return re.search(rf"(?i)\b(?:with|by|and|&)\s+{re.escape(value)}\b", text) is not None


def _a_room(noun: str, value: str) -> bool:
    """Whether a value of a room field names a room: two or three capitalised words (or a number after), the first
    or second a room's."""
    words = value.split()
    # "Ontario Room", "Seminar Room 2", "Meeting Room Kyoto": capitalised words, at most one before the room's word
    # and one after it; not "Room", "the Ontario Room", "lunch in Room 5", "Closing Keynote Room 4", "16:00 ...".
    places = [index for index, word in enumerate(words) if word.casefold() in _ROOM_WORDS]
    named = 2 <= len(words) <= 3 and all(word[:1].isupper() or word.isdigit() for word in words[1:])
    return noun == "room" and named and words[0][:1].isupper() and bool(places) and places[0] <= 1


def _names_a_unit(path: str) -> bool:
    return bool({word.casefold() for word in name_words(path.rsplit(".", 1)[-1])} & {"unit", "units", "uom"})


def _names_a_quantity(path: str) -> bool:
    return bool({word.casefold() for word in name_words(path.rsplit(".", 1)[-1])} & {"quantity", "qty"})


def _a_label(found: Found, text: str) -> bool:
    """Whether a run is one word written as a label ("Camper: Amelia Carter", "Title: ..."): a name for the value
    after it, not a value."""
    return " " not in found.value and text[found.end : found.end + 2].lstrip(" ").startswith(":")


def _worded(value: str) -> bool:
    return any(character.isalnum() for character in value)


# Not "min" ("salary_min" is a minimum), nor "day" or "week" alone (a day of the month, a week's number).
_UNITS = {"seconds": 1, "second": 1, "secs": 1, "minutes": 60, "minute": 60, "mins": 60, "hours": 3600, "hour": 3600}
_UNITS |= {"hrs": 3600, "hr": 3600, "days": 86400, "weeks": 604800}


def unit_of(path: str) -> float | None:
    """Seconds in the time unit a number field's name ends with ("prep_minutes", "durationHours"), if any."""
    words = name_words(path)
    return _UNITS.get(words[-1].casefold()) if words else None


# A measure a number field's name ends with ("area_sqm", "weight_kg"), as texts write it after the number.
_MEASURES = {
    **dict.fromkeys(("sqm", "m2"), r"m²|m2\b|sqm\b|sq\.?\s?m\b|square\s+met(?:re|er)s?\b"),
    **dict.fromkeys(("sqft", "ft2"), r"ft²|ft2\b|sq\.?\s?f(?:ee)?t\b|square\s+(?:feet|foot)\b"),
    "kg": r"kg\b|kilo(?:gram)?s?\b",
    "km": r"km\b|kilomet(?:re|er)s?\b",
    "cm": r"cm\b|centimet(?:re|er)s?\b",
    "mm": r"mm\b|millimet(?:re|er)s?\b",
    "gb": r"gb\b|gigabytes?\b",
    "mb": r"mb\b|megabytes?\b",
    "kwh": r"kwh\b",
}


def _measure_of(path: str) -> re.Pattern[str] | None:
    """How the text writes the measure a number field's name ends with, right after the number; None if none."""
    words = name_words(path.rsplit(".", 1)[-1])
    measure = _MEASURES.get(words[-1].casefold()) if len(words) > 1 else None
    return re.compile(rf"\s?(?:{measure})", re.IGNORECASE) if measure else None


# Number fields for an amount of money, by a word of their name ("unit_price", "monthly_rent") or its last word
# ("total", "total_amount"; not "total_guests", nor an ingredient's "amount"); a currency written beside a number.
_MONEY_WORDS = frozenset(
    "price prices cost costs rent deposit fee fees salary budget fare charge charges payment tuition wage wages".split()
)
_MONEY_LAST = frozenset("total subtotal balance".split())
_CURRENCY = (
    r"\b(?:A|AU|C|CA|S|NZ|HK|US|R)\$|[$€£¥₹₩₽]|\b(?:USD|EUR|GBP|CHF|SEK|NOK|DKK|AUD|CAD|NZD|JPY|CNY|INR|PLN|CZK|HUF|ZAR|SGD|HKD|BRL|MXN|AED|KES"
    r"|NGN|kr|zł|Kč|KSh|Rs|SFr)\b"
)
_CURRENCY_BEFORE = re.compile(rf"(?:{_CURRENCY})\s?$", re.IGNORECASE)
_CURRENCY_ANYWHERE = re.compile(_CURRENCY, re.IGNORECASE)
_RAND_BEFORE = re.compile(r"\bR\s?$")
_GROUPED = re.compile(r"\d{1,3}(?:[ ,\u00a0]\d{3})+(?:[.,]\d\d)?")
_CURRENCY_AFTER = re.compile(rf"\s?(?:{_CURRENCY})", re.IGNORECASE)
_A_PERCENT_AFTER = re.compile(r"[ \t\u00a0]?(?:%|per[ \t]?cent\b|procent\b|prozent\b)", re.IGNORECASE)


# A value of numbers, currencies and the marks between them only: "3 x", "150.00 EUR", "@ €12", "EUR"; a mark.
_AMOUNT_ONLY = re.compile(rf"(?:[\d.,:/@x×*+-]|\s|(?i:{_CURRENCY}))+")
_MARK_OR_CURRENCY = re.compile(rf"[@×*+:/–—-]|[x×]\d+|(?i:{_CURRENCY})")  # not the "X" of "Tesla Model X"


def _amount_at_an_end(value: str, text: str) -> bool:
    """Whether a value opens with a count or a mark ("3 x Menu", "24 Sourdough batard" opening its line, "x
    Menu") or ends with a mark or a currency ("layout @", "150.00 EUR"); not "Pack of 6", nor the size of "4 x
    1000 µL pipette tips"."""
    words = value.split()
    if not words:
        return False
    if _MARK_OR_CURRENCY.fullmatch(words[-1]) is not None or _AMOUNT_ONLY.fullmatch(value) is not None:
        return True  # "layout @", "150.00 EUR", "3.10"
    if _AMOUNT_ONLY.fullmatch(words[0]) is None:
        return False
    if not any(character.isdigit() for character in words[0]) or re.search(rf"[x×]$|{_CURRENCY}", words[0]):
        return True  # a mark, a currency, a price ("£14.00 each") or a count against its "x" ("1x A3 Print")
    for place in re.finditer(re.escape(value), text):
        if re.match(r"[ \t]*[x×](?!\w)", text[place.start() + len(words[0]) :]):
            continue  # "3 x Menu layout"
        line_start, line_end = text.rfind("\n", 0, place.start()) + 1, text.find("\n", place.start())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        opening = text[line_start : place.start()].strip(" \t>*•·#|-") == ""
        # A count opening its line is the quantity unless the line writes another whole number ("100 Envelopes
        # 2 5.00": 100 is the product's).
        if not opening or len(re.findall(r"(?<![\w.,])\d+(?![\w.,])", line)) > 1:
            return False
    return True


# A street's, a building's or a firm's last word ("Lough Atalia Road", "Karoo Bank", "Strathmore Business School").
_NOT_TOWNS = frozenset(
    "street st road rd avenue ave drive dr boulevard blvd lane ln way square sq quay hotel school university college "
    "centre center hall room bank gmbh ltd inc llc plc ag sa building campus venue office offices hq".split()
)


def _not_a_town(value: str) -> bool:
    words = value.split()
    return not words or words[-1].casefold().rstrip(".") in _NOT_TOWNS or any(c.isdigit() for c in value)


_STARTS = frozenset("start starts starting begin begins first from opening in checkin pickup".split())
_ENDS = frozenset("end ends ending last until closing finish out checkout dropoff".split())


def _a_date_field(spec: dict[str, Any]) -> bool:
    return any(branch.get("format") == "date" for branch in spec.get("anyOf", [spec]))


def _names_a_town(path: str, description: str) -> bool:
    """Whether a field holds a town: named for one ("city", "town"), or for where something is ("location",
    "based_in") whose description opens with the town ("The city where the job is based"; not "Venue name and
    city")."""
    words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
    return (
        bool(words & {"city", "town"})
        or bool(words & {"location", "based", "place", "where"})
        and bool(_A_TOWN.match(description))
    )


# Where a job or an event is when it is in no town.
_NO_TOWN_WORDS = frozenset("remote online anywhere worldwide virtual hybrid".split())
# A description saying first that the field is a town: "The city (with region ...) where the job is based" (not
# "Full address of the venue, including ... city", "Venue name and city", "The city or 'Online'").
_A_TOWN = re.compile(r"(?i)\s*(?:the |a )?(?:city|town)\b(?! and| or|,)")
# A description asking for a town's region or country too: "The city (with region or country if written next to it)".
_WITH_REGION = re.compile(r"(?i)\b(?:with|and|including|plus)\b[^.;]{0,20}\b(?:region|country|state|province|county)\b")
# A region's or a country's name written after a town's: ", MA", ", Portugal", ", New South Wales".
_REGION_AFTER = re.compile(
    r",[ \t]*([^\W\d_][\w.'’-]*(?:[ \t][^\W\d_][\w.'’-]*){0,2})"
    r"(?=[ \t]*(?:$|[\n|·•;,)(/]|[ \t]\d|\.(?:\s|$)|[ \t]+[-–—]))"
)


def _named_towns(text: str, first_lines: frozenset[str], anywhere: frozenset[str], *, with_region: bool) -> list[str]:
    """The towns ``text`` names (``places``) and its address lines write, those of its first lines first; each
    after the form with the region or country written after it, ``with_region``."""
    found = [item for item in places.towns(text) if not _not_a_town(item.value)]
    at = {item.value: item.start for item in reversed(found)}
    for town in anywhere:
        at.setdefault(town, text.find(town))
    heading_end = sum(len(line) + 1 for line in text.split("\n")[:3])
    # An address line's town under the heading, then any address line's (a footer's), then those the heading's
    # lines name, then the rest.
    ordered = sorted(
        at,
        key=lambda town: (
            0 if town in first_lines else 1 if town in anywhere else 2 if at[town] < heading_end else 3,
            at[town],
        ),
    )
    if not with_region:
        return ordered
    named: list[str] = []
    for town in ordered:
        for item in [item for item in found if item.value == town] or [Found(town, at[town], at[town] + len(town))]:
            region = _REGION_AFTER.match(text, item.end)
            if region and (re.fullmatch(r"[A-Z]{2,3}", region.group(1)) or region.group(1) in places.countries()):
                named.append(text[item.start : region.end(1)])
        named.append(town)
    return list(dict.fromkeys(named))


def _one_value_for_both(narrowed: dict[str, Any], properties: dict[str, Any], facts: TextFacts) -> None:
    """Two fields whose descriptions tie them ("If only one figure is given, use it for both salary_min and
    salary_max"; "the same as start_date for a one-day event"), each offered the same one value, not an end of a
    range the text writes: both take it, no null beside it (a small model writes the first and leaves the second
    out)."""
    ends = {value for pair in _number_ranges(facts) for value in pair}
    # Nor a bound on one side only: "up to £50,000", "from 25 €/h".
    ends |= {
        float(found.value)
        for found in facts.numbers
        if _ONE_SIDE.search(facts.text[max(0, found.start - 16) : found.start])
    }
    names = list(narrowed)
    for first, second in itertools.combinations(names, 2):
        descriptions = {name: str(properties.get(name, {}).get("description", "")) for name in (first, second)}
        if not one_value_for_both(descriptions, first, second):
            continue
        values = [_only_value(narrowed[name]) for name in (first, second)]
        if values[0] is not None and values[0] == values[1] and values[0] not in ends:
            narrowed[first], narrowed[second] = _without_null(narrowed[first]), _without_null(narrowed[second])


_LOW_WORDS = frozenset("min minimum lowest low from start".split())
_HIGH_WORDS = frozenset("max maximum highest high to end".split())
# Between a range's two numbers: a dash, "to", "and", "bis", each end perhaps with its currency ("£38,000-£42,000").
_NUMBERS_APART = re.compile(r"(?i)\s*[^\w\s]{0,3}\s*(?:[-–—]|to|and|bis|à|a|al|até)\s*[^\w\s]{0,3}\s*")


def _ends_of_a_range(narrowed: dict[str, Any], facts: TextFacts) -> None:
    """A pair of number fields for a range's ends ("salary_min" and "salary_max"), offered the same values, where the
    text writes two of them as a range ("£38,000-£42,000", "between $60k and $72k"): the low end for the one, the
    high end for the other."""
    for low, high in itertools.permutations(narrowed, 2):
        low_words, high_words = ({word.casefold() for word in name_words(name)} for name in (low, high))
        if not (
            low_words & _LOW_WORDS and high_words & _HIGH_WORDS and low_words - _LOW_WORDS == high_words - _HIGH_WORDS
        ):
            continue
        offered = [_offered_values(narrowed[name]) for name in (low, high)]
        if not offered[0] or offered[0] != offered[1] or not all(isinstance(v, int | float) for v in offered[0]):
            continue
        # A range with an end offered ("68 500 to 81 000 EUR": the currency beside the high end only), no other
        # offered value outside it ("5-10 years" is no pay beside "salary 50k").
        ranges = [
            pair
            for pair in _number_ranges(facts)
            if set(pair) & set(offered[0]) and all(pair[0] <= value <= pair[1] for value in offered[0])
        ]
        if len(ranges) == 1:
            # As offered (an integer stays one), an end not offered as written: "68 500" is 68500.
            low_end, high_end = (
                next((value for value in offered[0] if value == end), int(end) if end.is_integer() else end)
                for end in ranges[0]
            )
            narrowed[low] = _without_null(_only(narrowed[low], [low_end]))
            narrowed[high] = _without_null(_only(narrowed[high], [high_end]))


_A_UNIT_AFTER = re.compile(r"(?i)\s*(?:%|percent\b|years?\b|yrs?\b|months?\b|weeks?\b|days?\b|people\b)")
_ONE_SIDE = re.compile(
    r"(?i)\b(?:up to|upto|max(?:imum)?\.?|min(?:imum)?\.?|at least|at most|from|starting at|bis zu|ab|jusqu'à|"
    r"à partir de|hasta|desde)\s*[^\w\s]{0,3}\s*$"
)


def _number_ranges(facts: TextFacts) -> list[tuple[float, float]]:
    """The ranges of numbers the text writes: two numbers, the lower first, a dash or "to" between them."""
    numbers = sorted(facts.numbers, key=lambda found: found.start)
    found = []
    for first, last in itertools.pairwise(numbers):
        apart = _NUMBERS_APART.fullmatch(facts.text[first.end : last.start])
        if apart is None or _A_UNIT_AFTER.match(facts.text, last.end):
            continue  # "5-10 years", "10-20%": no money
        low = float(first.value)
        if facts.text[last.end - 1 : last.end] in ("k", "K") and low < 1000 <= float(last.value):
            low *= 1000  # "£30-35k"
        if low < float(last.value):
            found.append((low, float(last.value)))
    return found


# The words that set a start's time apart from an end's ("departure_time" and "arrival_time", "opens"/"closes").
_TIME_STARTS = frozenset(
    "start starts starting begin begins from departure departs depart dep leaves opening opens".split()
)
_TIME_ENDS = frozenset("end ends ending until finish finishes arrival arrives arrive arr closing closes".split())


# Two times further apart than this (in characters) are no start and end written together.
_TIMES_APART = 80
# ... nor two not joined by an arrow, a dash or "to", nor written on lines one after the other.
_JOINED = re.compile(r"->|→|[–—]|\s-\s|\b(?:to|till|until|bis|à|tot|hasta|fino)\b", re.IGNORECASE)


def _start_then_end(between: str) -> bool:
    return between.count("\n") == 1 or ("\n" not in between and _JOINED.search(between) is not None)


def _start_and_end_times(narrowed: dict[str, Any], facts: TextFacts) -> None:
    """A pair of time-of-day fields for a start and an end ("departure_time" and "arrival_time") offered the same two
    times: the one the text writes first for the start, the other for the end, both stated (a small model asked for
    both gave the later time to the start and left the end out)."""
    for start, end in itertools.permutations(narrowed, 2):
        start_words, end_words = ({word.casefold() for word in name_words(name)} for name in (start, end))
        if not (
            start_words & _TIME_STARTS
            and end_words & _TIME_ENDS
            and start_words - _TIME_STARTS == end_words - _TIME_ENDS
        ):
            continue
        offered = [_offered_values(narrowed[name]) for name in (start, end)]
        if len(offered[0]) < 2 or set(offered[0]) != set(offered[1]):
            continue
        by_time = {str(value)[:5]: value for value in offered[0]}
        written = [found for found in facts.times if found.value[:5] in by_time]
        # Two of the offered times written one after the other, close together and joined by an arrow, a dash or
        # "to", or on lines one after the other ("07:35 -> London Euston 09:46", "ab 09:43" over "an 14:17"): the
        # only such pair where more than two are offered.
        pairs = {
            (first.value[:5], second.value[:5])
            for first, second in itertools.pairwise(written)
            if second.start - first.end <= _TIMES_APART
            and first.value[:5] != second.value[:5]
            and _start_then_end(facts.text[first.end : second.start])
        }
        if len(offered[0]) == 2 and not pairs and len({found.value[:5] for found in written}) == 2:
            pairs = {(written[0].value[:5], next(f.value[:5] for f in written if f.value[:5] != written[0].value[:5]))}
        if len(pairs) != 1:
            continue
        earlier, later = next(iter(pairs))
        narrowed[start] = _without_null(_only(narrowed[start], [by_time[earlier]]))
        narrowed[end] = _without_null(_only(narrowed[end], [by_time[later]]))


def _offered_values(spec: dict[str, Any]) -> list[Any]:
    offered = [branch.get("enum") for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"]
    return list(offered[0]) if len(offered) == 1 and isinstance(offered[0], list) else []


def _only_value(spec: dict[str, Any]) -> Any:
    offered = [branch.get("enum") for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"]
    return offered[0][0] if len(offered) == 1 and isinstance(offered[0], list) and len(offered[0]) == 1 else None


@functools.lru_cache(maxsize=8)
def _writes_an_address(text: str) -> bool:
    """Whether a line (or a part of one between middle dots or bars) of ``text`` reads as an address: a street, or a
    postal code and a town."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    over_lines = (", ".join(lines[index : index + size]) for size in (2, 3) for index in range(len(lines)))
    return (
        any(
            addresses.parse(part)
            for line in lines
            # the line, its parts between middle dots or bars, and its sentences (a long message's "Address is ...")
            for part in {line, *re.split(r"\s[·|•]\s", line), *re.split(r"(?<=[.!?])\s+(?=[A-Z])", line)}
        )
        or any(addresses.parse(block) for block in over_lines if len(block) <= 160)
        or _HOUSE_NUMBER.search(text) is not None
    )


_GENERIC_WORDS = frozenset("type method mode kind status category option".split())


def _labelled_with_a_value(word: str, text: str) -> bool:
    """Whether the text writes ``word`` as a label with a value after it ("Carrier: Hermes"; not "Carrier: none")."""
    return re.search(rf"(?im)\b{re.escape(word)}s?[ \t]*:[ \t]*(?!none\b|n/?a\b|tbc\b|to be\b|-)\w", text) is not None


_OTHER_FOR = re.compile(r"(?i)\bother\b[\"'”]?\s+(?:for|if|when|where)\b")
_ARRIVAL_STEMS = frozenset({"deli", "arri", "eta", "zust", "lief", "livr", "entreg"})


def _arrival_before(text: str, start: int) -> bool:
    """Whether one of the four words before ``start`` on its line says an arrival ("should arrive tomorrow,")."""
    line = text[max(0, start - 48) : start].rsplit("\n", 1)[-1]
    return any(
        word.casefold()[:4] in _ARRIVAL_STEMS
        or word.casefold() in _ARRIVAL_STEMS
        or word.casefold()[:6] in _ARRIVAL_STEMS
        for word in re.findall(r"[^\W\d_]+", line)[-4:]
    )


# A street with its number between commas or on a line of its own: "Unter den Linden 77,", "12 Mill Lane".
# (A text writing none of these is taken for one without an address: being generous here only costs time.)
_HOUSE_NUMBER = re.compile(
    r"(?m)(?:(?:^|,|:|\bis|\bat|\bto)[ \t]*)(?:\d{1,5}[A-Za-z]?[ \t]+[A-Z][\w.'’-]+(?:[ \t]+[\w.'’-]+){0,3}|"
    r"[A-Z][\w.'’-]+(?:[ \t]+[\w.'’-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?)[ \t]*(?:,|$)"
    r"|,[ \t]*[A-Z]{1,2}\d{1,2}[A-Z]?(?:[ \t]\d[A-Z]{2})?\b"  # a British postcode after a comma: "LONDON, SE15"
)
_A_LETTER = re.compile(r"[^\W\d_]")
_A_YEAR = re.compile(r"(?:19[7-9]|20[0-4])\d")


@functools.lru_cache(maxsize=8)
def _towns(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The towns the text's address lines write ("Torkel Knutssonsgatan 2, Stockholm"; each line, not a table's
    row, and each part of it between middle dots or bars): those of its first three lines (under a heading), and
    all of them."""
    found: set[str] = set()
    heading: frozenset[str] | None = None
    for index, line in enumerate(line for line in text.splitlines() if line.strip()):
        if index == 3:
            heading = frozenset(found)
        if line.count("|") >= 2 or not any(character.isdigit() for character in line):
            continue  # a table's row ("Main Hall | Room S1"); a line without a house number or a postal code
        for part in {line, *re.split(r"\s[·|•]\s", line)}:
            parsed = addresses.parse(part)
            if not {"street", "region"} & parsed.keys() and _A_YEAR.fullmatch(parsed.get("postal_code", "")):
                continue  # "CloudNative Days Porto 2025": a name and its year, no town and postal code
            town = parsed.get("city")
            if town and all(word[:1].isupper() for word in town.split()):  # not "Can show it Sat morning"
                found.add(town)
    return (frozenset(found) if heading is None else heading), frozenset(found)


def _balanced(value: str) -> bool:
    """Whether every bracket the value opens it closes, and the other way round."""
    return value.count("(") == value.count(")") and value.count("[") == value.count("]")


def _names_a_venue(path: str) -> bool:
    """Whether a field is named for where an event takes place ("location", "venue", "room"; not an "address",
    nor a "place_of_birth")."""
    words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
    return bool(words & {"location", "venue", "room", "where"})


# A word that names where something takes place, capitalised as part of a name ("Seminar Room B", "St. James
# Campus", "Zoom"; not "sales teams", "Team building").
_PLACE_WORD = re.compile(
    rf"\b(?:{'|'.join(sorted(word.capitalize() for word in _ROOM_WORDS))}|Campus|Centre|Center|Studio|Kitchen|"
    r"Market|Mercado|Zoom|Webex|Raum|Bâtiment|Edificio|Sala|Aula)\b"
)


def _names_a_place(path: str) -> bool:
    """Whether a field is named for where something is ("address", "street", "location"): "12 Oak Road" opens
    with its number."""
    words = {word.casefold() for word in name_words(path.rsplit(".", 1)[-1])}
    return bool(words & {"address", "street", "location", "venue", "place", "road", "where"})


def _counts_or_prices(owner: dict[str, Any]) -> bool:
    """Whether an object has a number field (a line item's quantity or price)."""
    properties = owner.get("properties", {})
    return any(
        isinstance(spec, dict)
        and any(branch.get("type") in ("number", "integer") for branch in spec.get("anyOf", [spec]))
        for spec in properties.values()
    )


# A unit's price: after "@" ("2,000 @ £0.62"), or written per unit ("24,90 € / ud.", "$12 each"); a line's sum after
# "=" is none.
_PER_UNIT = re.compile(r"@[ \t]*[^\w\s]{0,2}[ \t]*$")
_PER_UNIT_AFTER = re.compile(
    r"[ \t]*(?:[A-Z]{3}|[^\w\s]{1,2})?[ \t]*"
    r"(?:/[ \t]*(?:ud|unit|pc|pcs|stk|st|ea|piece|item)\b|each\b|per[ \t]+(?:unit|piece|item)\b|ea\b)",
    re.IGNORECASE,
)
_A_LINES_SUM = re.compile(r"=[ \t]*[^\w\s]{0,2}[ \t]*$")


def _names_money(path: str) -> bool:
    words = [word.casefold() for word in name_words(path.rsplit(".", 1)[-1])]
    last = words[-1] if words else ""
    return bool(_MONEY_WORDS.intersection(words)) or last in _MONEY_LAST or ("amount" in words and len(words) > 1)


def _beside_a_currency(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 5) : start]
    if _RAND_BEFORE.search(before):  # "R 8 500", "R1,250": a rand's amount is written in groups
        return _GROUPED.fullmatch(text[start:end]) is not None
    return bool(_CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.match(text, end))


def _currency_in(text: str) -> bool:
    """Whether a text names a currency anywhere ("All amounts in EUR", "(USD)", "£") or speaks of money ("Pay is
    12.50 to 14 an hour", "Compensation 90k-110k")."""
    return _CURRENCY_ANYWHERE.search(text) is not None or _MONEY_TALK.search(text) is not None


_MONEY_TALK = re.compile(
    r"(?i)\b(?:pay|paid|wage|wages|salary|compensation|price|prices|priced|cost|costs|fee|fees|tuition|fare|rent|"
    r"budget|charge|charged|an hour|per (?:hour|year|annum|month))\b|\d[kK]\b"
)


_KIND_STEMS = frozenset({"date", "time", "numb"})


# Three-letter words of a name that label a value ("Due date:", "due back on").
_SHORT_STEMS = frozenset({"due"})


def _short_stems(name: str) -> set[str]:
    return {word.casefold() for word in name_words(name)} & _SHORT_STEMS


def _name_stems(name: str) -> set[str]:
    """The words of a field's name, by their first four letters ("prep_minutes" -> prep, minu); a name of one
    three-letter word is its own stem ("age"; not the "min" of "salary_min", which labels any "30 min")."""
    words = name_words(name)
    if len(words) == 1 and len(name) == 3 and name.isalpha():
        return {name.casefold()}
    stems = {word.casefold()[:4] for word in words if len(word) >= 4 and word.isalpha()}
    # A word naming the value's kind labels every value of that kind ("Order date", "Delivery date"): it labels
    # a field only when nothing else in its name does ("shipped_date" is labelled by "shipped", "date" by "date").
    return stems - _KIND_STEMS or stems


# A total's label saying it includes tax, or that it does not ("Total TTC", "Total incl. VAT"; "Total HT",
# "Nettobetrag", "Total excl. VAT").
_WITH_TAX = re.compile(r"(?i)\b(?:incl|inkl|inc|including|ttc|gross|brutto|grand)\b")
_WITHOUT_TAX = re.compile(
    r"(?i)\b(?:excl|exkl|ex|excluding|ht|net|nett|netto|nettobetrag|before tax|pre-tax|sans tva|sin iva|subtotal|"
    r"zwischentotal|zwischensumme)\b"
)


def _taxed_as_described(found: list[Found], text: str, description: str) -> list[Found]:
    """Of several totals the text labels, the one its label says includes tax ("Total TTC", "Total incl. VAT") -
    or excludes it, where the field's description asks for the total before tax; else those not labelled the
    other way; else all of them."""
    said = re.sub(r"(?i)\b(?:not|no|never)\b[^.;]*", "", description)
    before = bool(
        re.search(r"(?i)\b(?:(?:before|excluding|without|ex|net of)\s+(?:tax|vat|gst|mwst)|excl|net|pre-tax)\b", said)
    )
    if re.search(r"(?i)\b(?:including tax|incl|gross|with tax|after tax)\b", said):
        before = False
    if len({item.value for item in found}) < 2:
        return found

    def taxed(item: Found) -> bool | None:
        # its label: the words before it on its line, after any other number ("ex VAT: £216.20 / inc VAT: £259.44")
        line = re.split(r"\d[\d.,']*", text[text.rfind("\n", 0, item.start) + 1 : item.start])[-1]
        if _WITHOUT_TAX.search(line):
            return False
        return True if _WITH_TAX.search(line) else None

    wanted = not before
    return (
        [item for item in found if taxed(item) is wanted]
        or [item for item in found if taxed(item) is not (not wanted)]
        or found
    )


# The labels other languages write for a line item's quantity, price and total, by the English word's stem: their
# first four letters, or the whole word where those are a common word's ("Summe", not the "Summ" of "Summer"):
# "Menge", "Anzahl", "Cantidad", "Qté", "Aantal", "Antal", "Ilość"; "Preis", "Einzelpreis", "Prix", "Precio",
# "Prezzo", "Prijs", "Pris", "Cena"; "Gesamt", "Summe", "Totale", "Totaal", "Summa", "Suma".
# Fields told apart by a short word of direction alone (check_in, check_out), and the labels meaning the same.
_IN_OR_OUT = frozenset({"in", "out"})
_IN_OR_OUT_ALIASES = {
    "in": frozenset("arri anre anku anko lleg cheg aank".split()),
    "out": frozenset("depa dépa abre sali vert avre wyja".split()),
}
_LABEL_ALIASES = {
    "quan": frozenset("meng cant qté quan aant anta iloś anzahl".split()),
    "pric": frozenset("prei einz prix prec prez prij pris cena".split()),
    "tota": frozenset("gesa tota suma summe summa totaal".split()),
    # ... and the first letters of the words other languages label a start, a birth, a delivery, an incident, a
    # deadline, a monthly sum, a refund, an order, a return, a claim, a guest, a patient, a member, a number plate
    # and a mileage with ("Beginn:", "Inizio:", "Lieferdatum:", "Schadentag:", "Kennzeichen:", "Kilometerstand:")
    "star": frozenset("begi débu debu inic iniz inga vana från rozp iníc".split()),
    "birt": frozenset("gebu nais naci nasc född fødd urod".split()),
    "deli": frozenset("lief zust livr dost".split()),
    "inci": frozenset("sini scha skad szko unfa".split()),
    "dead": frozenset("fris spät plaz uite sena praz".split()),
    "mont": frozenset("mona mens maan måna mies".split()),
    "refu": frozenset("remb reem rimb teru åter zwro".split()),
    "orde": frozenset("best comm pedi ordi zamó enco".split()),
    "retu": frozenset("rück reto devo reso zwro rekl".split()),
    "clai": frozenset("scha sini skad szko".split()),
    "gues": frozenset("gast hués ospi gäst gość".split()),
    "pati": frozenset("pazi paci pacj".split()),
    "memb": frozenset("mitg adhé soci medl czło".split()),
    "regi": frozenset("kenn imma matr kent".split()),
    "mile": frozenset("kilo chil odom mäta".split()),
    # ... what is due back or to be paid by a date, and what is lent ("Rückgabe:", "À rendre le", "Scadenza:",
    # "Ausgeliehen am", "Emprunté le", "Wypożyczono:")
    "due": frozenset(
        "fäll rück éché limi rend venc devo scad rest inle uite åter förf forf afle zwro vrát spla".split()
    ),
    "loan": frozenset("borr ausl ausg entl empr prés pres prêt uitl lånt låne lain wypo vypů".split()),
    "borr": frozenset("loan ausl ausg entl empr prés pres prêt uitl lånt låne lain wypo vypů".split()),
}
# A form's commonest labels, in other languages, of a thing, its look, where it is and what it is about
# ("Gegenstand:", "Farbe:", "Marke:", "Lieu :", "Ciudad:", "Beschreibung:", "Zustand:"): each alone labels a string
# field named by the English word's stem.
_FORM_LABEL_ALIASES = {
    "item": frozenset("gege före prze".split()),  # (not "Objet :", "Oggetto:": a mail's subject)
    "colo": frozenset("farb coul kleu färg kolo cor".split()),
    "bran": frozenset("mark marq merk märk hers fabr".split()),
    "make": frozenset("mark marq merk märk hers fabr".split()),
    "plac": frozenset("lieu luga luog plaa miej sted".split()),
    "loca": frozenset("lieu luga luog plaa miej sted".split()),
    "city": frozenset("stad ort vill ciud citt ciut mias".split()),
    "town": frozenset("stad ort vill ciud citt ciut mias".split()),
    "addr": frozenset("adre ansc indi".split()),
    "desc": frozenset("besc besk desc opis".split()),
    "reas": frozenset("grun anla moti powó orsa".split()),
    "dest": frozenset("ziel dest".split()),
    "scho": frozenset("schu écol ecol escu esco scuo skol szko".split()),
    "clas": frozenset("klas clas".split()),
    "size": frozenset("größ grös tail tall tagl tama maat rozm".split()),
    "cond": frozenset("zust état etat cond staa skic".split()),
    "note": frozenset("beme anme hinw nota opme anmä uwag".split()),
    "titl": frozenset("tite titr títu tito tytu náze otsi".split()),
    "plan": frozenset("tari forf pake".split()),  # (not "Abonament:", a fee)
    "venu": frozenset("spie lieu sede luog luga pabe camp stad hall hala plat míst miej sted paik".split()),
    "vehi": frozenset("véhi vehí veic voer ford poja".split()),
}


# A clause ends at these: a label before one of them labels another value.
_ABBREVIATED = re.compile(r"(?i)\b(incl|excl|inkl|exkl|zzgl|approx|ca|no|nr|ref)\.")
_CLAUSE = re.compile(r"[,;.·|()\n—]")


def _labelled(
    found: list[Found], text: str, label: set[str], *, colon: bool = False, any_of: AbstractSet[str] = frozenset()
) -> list[Found]:
    """The values the text labels with a word of the field's own name ("Prep: 10 min", "serves 4", "4
    servings"), if any; else all of them. A label is a word in the same clause just before the value or just
    after it; for a string, only "Label: value" with every word of the field's own name ("Product name: X") or
    one word of ``any_of``."""
    if not label:
        return found
    labelled = []
    for item in found:
        if colon:
            # "Product name: X" labels a product_name, "Name: X" does not: a string's label holds all its words.
            # Wherever the text writes the value ("... in Oud-West", then "Neighbourhood: Oud-West").
            first = _FIRST_WORD.match(item.value)
            places = [(item.start, _label_before(text, item.start))]
            after = _after_labels(text).get(first.group(), []) if first else []
            places += [place for place in after if text.startswith(item.value, place[0])]
            for _, stems in places:
                if label <= stems or (len(stems) == 1 and stems <= any_of):
                    labelled.append(item)
                    break
        elif _labels(item, text, label):
            labelled.append(item)
    return labelled or found


# A form's label: a line's first words before a colon and the value ("Bedrooms: 2", "- Deposit: £1,096").
_FORM_LABEL = re.compile(
    r"[ \t]*(?:[-*•][ \t]+)?((?:[^\W\d_]+[ \t]+){0,2}[^\W\d_]+)[ \t]*:[ \t]*(?:[A-Z]{3}[ \t]*|[^\w\s.,:]{1,3}[ \t]*)?"
)


def _whole_answers(found: list[Found], text: str) -> list[str]:
    """The rest of the line after a form's label, where it holds parts a comma sets apart and is no longer than a
    form's answer ("Milano, Via Paolo Sarpi 27"): the answer whole."""
    whole = []
    for item in found:
        end = text.find("\n", item.start)
        line = text[item.start : end if end >= 0 else len(text)]
        # (to a sentence's end, a cell's or a column's: "Berlin, Germany. Please bring your ID")
        answer = re.split(r"\.[ \t]+(?=[^\W\d_])|\t|[ \t]{2,}|\|", line, maxsplit=1)[0].strip(" \t.;*|")
        if len(item.value) < len(answer) <= 80 and "," in answer and ":" not in answer and _balanced(answer):
            whole.append(answer)
    return list(dict.fromkeys(whole))


def _form_label(text: str, start: int) -> set[str]:
    """The stems of the form label a value at ``start`` follows on its line ("Bedrooms: 2", "Deposit: £1,096");
    none if it follows none."""
    line_start = text.rfind("\n", max(0, start - 60), start) + 1
    match = _FORM_LABEL.fullmatch(text, line_start, start) if line_start or start <= 60 else None
    return {word.casefold()[:4] for word in match.group(1).split()} if match else set()


# A description that opens by naming its value several ways: "The district, neighbourhood, suburb or borough of".
_NOUN = r"(?!(?:or|and|of|as|in|on|at|to|by|for|from|with|the|that|which|is|where|when|who|whose|what)\b)[^\W\d_]+"
_NAMED_AS = re.compile(
    rf"(?i)^(?:(?:the|an?)\s+)?((?:{_NOUN}\s+)?{_NOUN}(?:\s*(?:,|\bor\b)\s*(?:{_NOUN}\s+)?{_NOUN})+)\b"
)


def _synonyms(description: str) -> set[str]:
    """The stems of the words a description opens by naming its value with ("The district, neighbourhood, suburb
    or borough of the property": dist, neig, subu, boro); none where it names it one way."""
    match = _NAMED_AS.match(description)
    if match is None:
        return set()
    elements = [element.split() for element in re.split(r"\s*,\s*(?:or\s+)?|\s+or\s+", match.group(1))]
    if len(elements) < 2 or any(not element or len(element) > 2 for element in elements):
        return set()
    # nouns, not what is done ("The company or person buying or being offered ..."; "The building, hall" keeps
    # its building)
    elements = [
        element for element in elements if len(element) < 2 or not element[-1].casefold().endswith(("ing", "ed"))
    ]
    # "Person or dealership name": a name's noun is its first word
    nouns = [element[0] if element[-1].casefold() == "name" else element[-1] for element in elements]
    return {noun.casefold()[:4] for noun in nouns if len(noun) >= 4}


_LABEL_HEADING = re.compile(r"((?:[^\W\d_]+\s+){0,2}[^\W\d_]+)\s*\**\s*[:=–-]\s*\**\s*$")  # "**Dealer:** "
_FIRST_WORD = re.compile(r"[\w'’-]+|\S")
_COLON_LABEL = re.compile(
    r"(?<![^\W\d_])((?:[^\W\d_]{1,30}[ \t]+){0,2}[^\W\d_]{1,30})[ \t]*\**[ \t]*[:=][ \t]*\**[ \t]*(?=([\w'’-]+|\S))"
)


# A data sheet's label: a line's first one to three words, then a wide gap, a table's rule or dot leaders ("Make
# Mazda", "| Make | Ford |", "| **Make** | Ford |", "Report ID ....... FLT-2026-2291").
_SPACED_LABEL = re.compile(
    r"(?:^|(?<=\n))[ \t]*(?:\|[ \t]*)?\**((?:[^\W\d_]+ ){0,2}[^\W\d_]+)\**"
    r"(?:[ \t]*\|[ \t]*|[ \t]{2,}|\t|[ \t]*(?:\.{3,}|…+)[ \t]*)"
)


_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-{3,}")
_CELL_GAP = re.compile(r"[ \t]*\|[ \t]*|[ \t]{2,}|\t|[ \t]*(?:\.{3,}|…+)[ \t]*")


def _label_before(text: str, start: int) -> frozenset[str]:
    """The stems of the label just before ``start`` in its clause ("Product name: X"), or opening its line a wide
    gap or a table's rule before it ("Make              Mazda", "| Make | Ford |"); none if there is none."""
    heading = _LABEL_HEADING.search(_CLAUSE.split(text[max(0, start - 30) : start])[-1])
    if heading is None:
        line_start = text.rfind("\n", 0, start) + 1
        heading = _SPACED_LABEL.fullmatch(text, line_start, start) if start - line_start <= 60 else None
        line = text[line_start : (text.find("\n", start) + 1 or len(text) + 1) - 1]
        if heading is not None and (
            _TABLE_RULE.match(text, text.find("\n", start) + 1 or len(text))
            or len([cell for cell in _CELL_GAP.split(line.strip(" \t|")) if cell.strip()]) != 2
        ):
            heading = None  # a table's header row ("| Role | Name |" over "|---|---|"), a row of three or more cells
    return frozenset(word.casefold()[:4] for word in heading.group(1).split()) if heading else frozenset()


@functools.lru_cache(maxsize=8)
def _after_labels(text: str) -> dict[str, list[tuple[int, frozenset[str]]]]:
    """Where a value after a "Label:" (or a data sheet's label) starts, with the label's stems, by the value's first
    word (the text's every "Neighbourhood: Oud-West", found once)."""
    found: dict[str, list[tuple[int, frozenset[str]]]] = {}
    for match in _COLON_LABEL.finditer(text):
        found.setdefault(match.group(2), []).append((match.end(), _label_before(text, match.end())))
    for line in re.finditer(r"(?m)^", text):  # and after a data sheet's labels ("| Make | Ford |")
        if (spaced := _SPACED_LABEL.match(text, line.start())) and (first := _FIRST_WORD.match(text, spaced.end())):
            found.setdefault(first.group(), []).append((spaced.end(), _label_before(text, spaced.end())))
    return found


# Dot leaders between a label and its value ("Subtotal .......... £289.13", "TOTAL ___ 151,20").
_LEADER = re.compile(r"[ \t]*(?:[.…·_][ \t]?){3,}[ \t]*")


def _labels(item: Found, text: str, label: set[str]) -> bool:
    """Whether a word of ``label`` labels ``item``: in its clause just before it, or just after it."""
    if not label:
        return False
    # Before it on its line, a wide gap closed ("Total incl. VAT            46 500") and a bracket's currency or
    # unit passed over ("Total (USD): $17,436.00").
    line_start = text.rfind("\n", max(0, item.start - 200), item.start) + 1
    written = re.sub(r"\([^()\n]{1,12}\)|[ \t]{2,}", " ", text[max(line_start, item.start - 200) : item.start])
    written = _LEADER.sub(" ", written)  # "Total ........ £303.59": a line of dots leads the eye, parts nothing
    written = _ABBREVIATED.sub(r"\1", written)  # "Total incl. VAT": one clause
    before = _CLAUSE.split(written[-30:])[-1]
    # After the value up to the next label's colon: "Grade: 7   Age: 12" labels 7 with Grade alone.
    after = re.split(r"[^\W\d_]+\s*:", _CLAUSE.split(text[item.end : item.end + 20])[0])[0]
    words = re.findall(r"[^\W\d_]{4,}", before)[-3:] + re.findall(r"[^\W\d_]{4,}", after)[:2]
    short = {stem for stem in label if len(stem) == 3}  # "Age: 12", "aged 12": a short word labels before
    # "Check-in: Thursday 9 April": a word of direction just after the word it parts ("check").
    way = label & _IN_OR_OUT
    return (
        any(word.casefold()[:4] in label or word.casefold() in label for word in words)
        or any(word.casefold()[:3] in short and len(word) <= 4 for word in re.findall(r"[^\W\d_]+", before)[-2:])
        or any(re.search(rf"(?i)[^\W\d_]{{3,}}[- ]{direction}\b", before) for direction in way)
    )


# "Skills we'd love: Canva, copywriting." - a label (up to three words) at the start of a line or sentence, and
# what follows it to the end of the line or sentence.
_LIST_LABEL = re.compile(
    r"(?:^|(?<=[\n.;|•·!?]))[ \t]*((?:[^\W\d_][\w']*[ \t]+){0,2}[^\W\d_][\w']*(?:\(s\))?)[ \t]*:[ \t]*(.+)"
)
_LIST_END = re.compile(
    r"(?<![A-Z])(?<!\b(?:Dr|Mr|Ms|Mx|St|Jr|Sr|Mt))(?<!\bMrs)(?<!\bProf)[.!?](?:\s+(?=[A-Z])|\s*$)|\s\|\s|\s[—–]\s"
)


# A list field of tags or labels holds what the text lists under that name, nothing else.
_LABEL_LISTS = frozenset({"tags", "labels"})


def _names_labels(path: str) -> bool:
    words = name_words(path.rsplit(".", 1)[-1])
    return bool(words) and words[-1].casefold() in _LABEL_LISTS


def _listed(path: str, text: str, described: str = "", *, people: bool = False) -> list[str] | None:
    """The values a text lists after a label holding every word of the field's name ("Tags: ui, dark-mode" for
    ``tags``, "Skills we'd love: Canva, Excel" for ``skills``, "Passenger(s): ...") - for a list of ``people``,
    also after a word for people the ``described`` description shares a stem with ("Traveller:" for passengers
    "travelling"), names only, under every such label -, cut at its commas and semicolons; else the lines under
    a heading of those words, cut so too. None if none."""
    own = _name_stems(path.rsplit(".", 1)[-1])
    if not own:
        return None
    stems = {word[:4] for word in re.findall(r"[^\W\d_]{4,}", described.casefold())}

    def names(label: str) -> bool:
        words = [word.casefold() for word in re.findall(r"[^\W\d_]+", label.replace("(s)", ""))]
        said = {word[:4] for word in words}
        alias = people and len(words) <= 2 and all(word in _PEOPLE_WORDS and word[:4] in stems for word in words)
        return bool(said) and (own <= said or alias)

    def kept(values: list[str]) -> list[str]:
        values = [value.strip(" .\t") for value in values]
        values = [value for value in values if value and _safe_literal(value)]  # the grammar holds them as is
        # People: names only ("Passengers: 2 adults" lists none; "Total paid" ends the passengers).
        return list(itertools.takewhile(_a_name_as_listed, map(_without_remark, values))) if people else values

    found: list[str] = []
    for match in _LIST_LABEL.finditer(text):
        if not names(match.group(1)):
            continue
        values = kept(re.split(r"[,;]", _LIST_END.split(match.group(2), maxsplit=1)[0]))
        if values and not people:
            return list(dict.fromkeys(values))
        found += values  # "Passenger: Ann Lee", "Passenger: Bo Chan"
    if found:
        return list(dict.fromkeys(found))
    # A heading of those words alone, the values below it up to a blank line ("Travelers" over "Aaron Feldman
    # MileagePlus: XXXXX482", "Child: Emil Weiss"): each line's first cell without a short label (people's cut at
    # their commas: "Ann Lee, Bo Chan").
    lines = text.splitlines()
    for index, line in enumerate(lines):
        words = re.findall(r"[^\W\d_]+", line)
        if not words or len(words) > 3 or line.strip().rstrip(":") != " ".join(line.split()).rstrip(":"):
            continue
        if not names(line):
            continue
        below = list(itertools.takewhile(str.strip, lines[index + 1 : index + 21]))
        cells = [re.split(r"\s{2,}|\t|\s[|]\s", _BULLET_OR_LABEL.sub("", value.strip()))[0] for value in below]
        parts = [part for cell in cells for part in re.split(r"[,;]", cell)] if people else cells
        if values := kept(parts):
            return list(dict.fromkeys(values))
    return None


def _without_remark(value: str) -> str:
    return _REMARK.sub("", value).strip()


def _a_name_as_listed(value: str) -> bool:
    """Whether a listed value is written as a person's name: "Ines Carvalho", "SATO/HIROSHI MR", "LUKAS MEIER"."""
    words = value.split()
    if any(character.isdigit() for character in value):
        return False  # "LH 400", "2 adults"
    long_name = 4 <= len(words) <= 5 and all(word[:1].isupper() or word in _PARTICLES for word in words)
    return looks_like_a_name(value) or "/" in value or (value.isupper() and len(words) >= 2) or long_name


# The words for people a label may list them under ("Traveller:", "Guests"), where the description shares them.
_PEOPLE_WORDS = frozenset(
    "traveller travellers traveler travelers passenger passengers guest guests attendee attendees participant "
    "participants member members speaker speakers host hosts presenter presenters panellist panellists panelist "
    "panelists people person persons player players patient patients student students employee employees".split()
)
# Small words inside a long name ("María del Carmen Ruiz").
_PARTICLES = frozenset("de del della di da van von der den du la le y e dos das bin ibn al el".split())
# A remark in brackets after a value: "Sam de Vries (child)".
_REMARK = re.compile(r"\s*\([^()]*\)")
# A line's bullet, number or short label before its value ("- ", "2. ", "Child: ").
_BULLET_OR_LABEL = re.compile(r"^(?:[-*•·]|\d{1,2}[.)])?\s*(?:[^\W\d_]{2,12}:\s+)?")


def _holding(values: list[str], text: str, field: str) -> list[str]:
    """The names the text writes right before the field's own word in brackets ("Margaret Okoro (Chair)")."""
    words = name_words(field)
    if len(words) != 1:
        return []
    role = re.escape(words[0])
    return [value for value in values if re.search(rf"{re.escape(value)}\s*\((?i:{role})\b", text)]


# A label a description quotes: "Decision:", "Motion carried:", "RESOLVED that".
_QUOTED_LABEL = re.compile(r"[\"“]([^\W\d_][^\"”:\n]{0,30}?)(:|(?<= that)|(?<= That))[\"”]")


def _after_quoted_labels(description: str, facts: TextFacts) -> list[str]:
    """What the text writes after the labels a list's description quotes, each to the end of its sentence or line
    ("RESOLVED that the quote of £4,860 be accepted." -> "the quote of £4,860 be accepted"; "Decision (4 of 5
    votes): ..."), in text order; none unless the description quotes two or more labels."""
    labels = _QUOTED_LABEL.findall(description)
    if len(labels) < 2:
        return []
    found: dict[int, str] = {}
    for base, colon in labels:
        pattern = re.compile(
            rf"(?im)(?:^|(?<=[.!?] ))[ \t>*•·-]*{re.escape(base.strip())}(?:[ \t]*\([^)\n]{{0,40}}\))?"
            rf"{':' if colon else ''}[ \t]+(?P<value>[^\n]+?)[ \t]*(?:\.(?=\s|$)|$)"
        )
        for match in pattern.finditer(facts.text):
            value = match.group("value").strip()
            if len(value.split()) >= 2 and _safe_literal(value):
                found.setdefault(match.start("value"), value)
    return list(dict.fromkeys(value for _, value in sorted(found.items())))


def _described_synonyms(description: str, values: list[Any]) -> dict[Any, list[str]]:
    """The words a description gives an enum value: in brackets after it ("outdoor (terrace, patio, garden)"), in
    a clause defining it ("electronics covers phones, computers and cameras", "suv for SUVs and 4x4s", "blocking =
    on a pavement, crossing or driveway", '"bus_or_coach" is a hired bus or coach'), and quoted in a clause naming
    it alone ('"like_new" also covers "very good" / "sehr gut"', 'UK "Standard" or US "Coach" is second')."""
    strings = {value: value for value in values if isinstance(value, str) and value.strip()}
    if not strings:
        return {}
    alternatives = "|".join(re.escape(value) for value in sorted(strings, key=len, reverse=True))
    found: dict[Any, list[str]] = {}
    for match in re.finditer(rf"(?<![\w-])({alternatives})\s*\(([^()]{{2,300}})\)", description):
        phrases = [part.strip(" .\"'") for part in re.split(r",|\bor\b|\band\b|/", match.group(2))]
        words = [phrase for phrase in phrases if len(phrase) >= 3 and not phrase.casefold().startswith(("e.g", "i.e"))]
        found.setdefault(strings[match.group(1)], []).extend(words)
    named = rf"[\"'“‘]?(?<![\w-])({alternatives})(?![\w-])[\"'”’]?"
    for clause in re.split(r"[;()]|(?<!\be\.g)(?<!\bi\.e)\.(?:\s|$)", description):
        if re.search(r"(?i)\b(?:not|never|no)\b", clause):
            continue  # 'Never use "new" for "open box" items' names no synonym
        mentions = list(re.finditer(named, clause))
        if len(mentions) == 1:  # 'UK "Standard" or US "Coach" is second'
            found.setdefault(strings[mentions[0].group(1)], []).extend(_QUOTED.findall(clause))
        defining = [(mention, link) for mention in mentions if (link := _DEFINES.match(clause, mention.end()))]
        ends = [mention.start() for mention, _ in defining[1:]] + [len(clause)]
        for (mention, link), end in zip(defining, ends, strict=False):
            body = clause[link.end() : end]
            found.setdefault(strings[mention.group(1)], []).extend([*_QUOTED.findall(body), *_listed_phrases(body)])
    # A phrase two values share tells neither ("order received" for "pending" and for "processing"); a value is no
    # word for itself or another.
    counts = collections.Counter(phrase.casefold() for phrases in found.values() for phrase in set(phrases))
    own = {value.casefold().replace("_", " ") for value in strings} | {value.casefold() for value in strings}
    return {
        value: list(
            dict.fromkeys(
                phrase for phrase in phrases if counts[phrase.casefold()] == 1 and phrase.casefold() not in own
            )
        )
        for value, phrases in found.items()
    }


# What follows an enum value that a clause defines: "covers", "is", "=", "for", "means", "includes".
_DEFINES = re.compile(r"[\"'”’]?\s*(?:also\s+)?(?:covers|is|are|means|includes|=|:|for)\s+(?:also\s+)?", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“]([^\"“”\n]{2,40})[\"”]")
# The small words a listed phrase may open with: "on a pavement", "a hired bus".
_LEADING_SMALL_WORDS = re.compile(r"(?i)^(?:(?:a|an|the|on|in|at|by|to|any|all|e\.g\.?|i\.e\.?)\s+)+")


def _listed_phrases(body: str) -> list[str]:
    """The things a defining clause lists, of three words at most: "phones, computers, consoles, audio and
    cameras", "a hired bus or coach" (an "or"/"and" splits a part only where every piece is that short: not "the
    paid or allowed time had run out")."""
    phrases = []
    for part in re.split(r",|/|\.\.\.|…", body):
        pieces = re.split(r"\s+(?:or|and)\s+", part.strip())
        pieces = pieces if all(len(piece.split()) <= 3 for piece in pieces) else [part]
        for piece in pieces:
            if piece.strip().startswith(('"', "“")):
                continue  # quoted: taken whole
            piece = _LEADING_SMALL_WORDS.sub("", piece.strip(" .\"'“”‘’"))
            if 1 <= len(piece.split()) <= 3 and re.search(r"[^\W\d_]{3}", piece):
                phrases.append(piece)
    return phrases


def _named_first(values: list[Any], synonyms: dict[Any, list[str]], text: str) -> list[Any]:
    """The one of ``values`` the text's first five lines name first (by the value or a word its description gives
    it); none where they name none."""
    heading_end = _second_line_end(text, 5)
    first: dict[Any, int] = {}
    for value in values:
        for word in [str(value).replace("_", " "), *synonyms.get(value, [])]:
            short = len(word) <= 3 and word.isupper()  # "PO": as written
            found = re.search(rf"{'' if short else '(?i)'}(?<!\w){re.escape(word)}(?!\w)", text[:heading_end])
            if found is not None:
                first[value] = min(first.get(value, found.start()), found.start())
    return [min(first, key=lambda value: first[value])] if first else []


_NEGATED_BEFORE = re.compile(r"(?i)\b(?:not|no|never|without|nicht|kein\w*|pas|sin)\b(?:[ \t]+[\w'’-]+){0,2}[ \t]+$")


def _a_plural(word: str) -> bool:
    """Whether a word ends with a plural's s ("phones", "cars"; not "news", "less", "bus", "always")."""
    return len(word) > 4 and word.endswith("s") and word[-2] not in "suiy"


def _says_word(text: str, phrase: str) -> bool:
    """Whether the text writes ``phrase`` as words, one or many ("phones" for "phone", "SUV" for "SUVs"), not after
    a negation ("not on the terrace")."""
    words = [re.escape(word[:-1] if _a_plural(word) else word) for word in phrase.split()]
    written = r"[\s-]+".join(f"{word}(?:s|es)?" for word in words)
    return any(
        not _NEGATED_BEFORE.search(text[max(0, match.start() - 24) : match.start()])
        for match in re.finditer(rf"(?i)(?<!\w){written}(?!\w)", text)
    )


def mentioned(values: list[Any], text: str) -> list[Any]:
    """The enum values the text names: as words (underscores read as spaces or hyphens), or a currency code by its
    symbol."""
    lowered = text.casefold()
    found = []
    # (a currency's code by what the text writes for it: "€", "zł", "kr" in a Swedish text, "342.00EUR")
    written_currencies = {item.value for item in facts_of(text).currencies}
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        # Words joined by an underscore, a hyphen, a space or nothing: full_time is "Full-time", "full time".
        words = r"[\s_-]*".join(re.escape(part) for part in re.split(r"[\s_-]+", value.casefold()) if part)
        if re.search(rf"(?<!\w){words}(?!\w)", lowered) or value in written_currencies:
            found.append(value)
    return found


# The commonest short words of English and of other languages a text may be written in: a text is in another
# language only on that evidence (a terse English list - "prio low pls", "brand new sofa, grey" - writes few of
# either).
_ENGLISH_WORDS = frozenset("the and of to is are was with you your this that from have for in on at it we our".split())
_LANGUAGE_WORDS = {
    "de": "und der die das ist mit nicht ein eine für auf im den dem zu sich auch wir sie bei nach vom zum zur dies "
    "diese dieser dieses diesem diesen",
    "nl": "het een de van en niet voor met op zijn deze ook naar bij wij uw er aan",
    "fr": "le la les est et des une pour avec dans du au sur pas nous vous sont aux ce cette car",
    "es": "el los las con para por una del es en y que se al su sus muy",
    "it": "il di che con per una della sono gli nel alla delle dei anche",
    "pt": "os com para uma não são em do da dos das ao",
    "sv": "och att det är för med som på inte av till vi ni har",
    "pl": "się jest nie na do że jak oraz od po dla przez",
}
_OTHER_WORDS = {language: frozenset(words.split()) for language, words in _LANGUAGE_WORDS.items()}
_ANY_OTHER_WORD = frozenset().union(*_OTHER_WORDS.values())


@functools.lru_cache(maxsize=8)
def _other_language(text: str) -> str | None:
    """The language other than English a text is written in, by its commonest words (three or more of them, more
    than of English's); None for English or a text too terse to tell."""
    words = collections.Counter(re.findall(r"[^\W\d_]+", text.casefold()))
    english = sum(count for word, count in words.items() if word in _ENGLISH_WORDS)
    counts = {
        language: sum(count for word, count in words.items() if word in own) for language, own in _OTHER_WORDS.items()
    }
    language = max(counts, key=lambda key: counts[key])
    return language if counts[language] >= 3 and counts[language] > english else None


def _apart_from_prose(value: Any, text: str, language: str) -> bool:
    """Whether an enum value is named as itself, not as a small word of the text's language written in lower case
    between two lower-case words ("komt van de eerste eigenaar": Dutch, no van; French "car")."""
    if not isinstance(value, str) or value.casefold() not in _OTHER_WORDS[language]:
        return True
    written = list(re.finditer(rf"(?i)(?<![\w-]){re.escape(value)}(?![\w-])", text))
    return (
        not written
        or any(  # not written: named by its symbol ("€" for EUR)
            not (
                match.group().islower()
                and re.search(r"(?<![^\W\d_])[^\W\d_]*[a-zà-ÿ] $", text[max(0, match.start() - 30) : match.start()])
                and re.match(r" [a-zà-ÿ]", text[match.end() : match.end() + 2])
            )
            for match in written
        )
    )


def _root(word: str) -> str:
    """A word as many languages spell it alike: no accents, c as k, ph as f, y as i, a doubled letter once."""
    bare = "".join(char for char in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(char))
    return re.sub(r"(.)\1", r"\1", bare.replace("ph", "f").replace("c", "k").replace("y", "i"))


# A form's answer: a line's value after its label (a colon, a wide gap, a table's rule), one or two words with
# perhaps a bracket after them ("Brandstof: Elektrisch", "| Getriebe | Automatik (7-Gang) |").
_FORM_ANSWER = re.compile(
    r"(?m)^[ \t]*[-*•|]?[ \t]*\**[^\W\d_][^:|\n\t]{0,40}?\**(?::|[ \t]*\||[ \t]{2,}|\t)[ \t]*\**"
    r"([^\W\d_]+(?:[ -][^\W\d_]+)?)\**[ \t]*(?:\([^()\n]*\))?[ \t]*\|?[ \t]*$"
)


def _cognates(values: list[Any], text: str) -> list[Any]:
    """The one-word enum values (five letters or more) a text's form answers ("Brandstof: Elektrisch") name by
    another word of the same root: their first five letters, or all but the last two of a longer one, opening a
    word at most six letters longer - not a small word of a language ("Automaat", "automatique" for automatic;
    "Elektrisch" for electric; "híbrido" for hybrid; "manuale" for manual; not "Dieses" for diesel, nor the
    "elektrische Fensterheber" of a list of equipment)."""
    answers = " ".join(match.group(1) for match in _FORM_ANSWER.finditer(text))
    words = {word.casefold() for word in re.findall(r"[^\W\d_]{5,}", answers)} - _ANY_OTHER_WORD
    found = []
    for value in values:
        if isinstance(value, str) and re.fullmatch(r"[^\W\d_]{5,}", value):
            root = _root(value)[: max(5, len(value) - 2)]
            if any(_root(word).startswith(root) and len(word) <= len(value) + 6 for word in words):
                found.append(value)
    return found


# The last word of an enum's name that makes it a classification: a judgement the text need not write.
_CLASS_WORDS = frozenset("type category kind class genre field topic sector domain industry discipline".split())


# ... of the whole text's subject, where a word qualifies it: "vehicle_type", "document_type", "ticket_category"
# (not an attribute's: "fuel_type", "blood_type", "payment_type", "employment_type").
_SUBJECTS = frozenset(
    "document item product vehicle property ticket issue event article listing job incident request case post "
    "message book paper course business report claim".split()
)


def _names_a_class(path: str, model_name: str) -> bool:
    """Whether an enum names a classification of the text's subject: a class word alone ("category", "genre"), or
    qualified by the model's own name or a subject's word ("vehicle_type" of a VehicleListing, "document_type")."""
    words = [word.casefold() for word in name_words(path.rsplit(".", 1)[-1])]
    if not words or words[-1] not in _CLASS_WORDS:
        return False
    own = {word.casefold() for word in name_words(model_name)}
    return all(word in own or word in _SUBJECTS for word in words[:-1])


def _thing_words(path: str, leave_out: frozenset[str] = frozenset()) -> list[str]:
    """The words of a yes/no field's name that name its thing: four letters or more, no participle, none of
    ``leave_out`` (all of them where that leaves none)."""
    words = [word for word in re.split(r"[_\W]+", path.rsplit(".", 1)[-1].casefold()) if len(word) >= 4]
    return [word for word in words if not word.endswith(("ed", "ing")) and word not in leave_out] or words


# What a yes/no field's description says each answer is: "true if ... online (...); false if ... in person" (a
# full stop of "e.g." ends no clause).
_ANSWER_CLAUSE = re.compile(
    r"(?i)\b(true|false)\s+(?:only\s+)?(?:if|when|where)\s+(.+?)"
    r"(?=;|(?<!\be\.g)(?<!\bi\.e)\.\s|\.$|,?\s+(?:true|false|omit|leave)\b|$)"
)
_FUNCTION_WORDS = frozenset(
    "this that these those they them their there with from only also else says said text tells written".split()
)
_NEGATIVE = re.compile(r"(?i)\b(?:not|no|never|none|nor|without)\b|n['’]t\b")
_PREDICATE = re.compile(
    r"(?i)\b(?:is|are|be|been|held|taught|run|marked|labelled|labeled|calls?|called)"
    r"(?:\s+(?!(?:in|on|at|of|for|to|by|with|from)\b)[\w-]+){0,2}?\s+([\w-]+)$"
    # ... or where: "is held only in person", "is in stock" (not "is included in the rate")
    r"|\b(?:is|are|be|held|taught|run)(?:\s+only)?\s+((?:in|on)\s+[\w-]+)$"
)
# ... or a thing with its quality after a preposition: "warned for strong language" (not "in the rate").
_QUALIFIED = re.compile(r"(?i)\b(?:for|with|of|in|on|about)\s+([\w-]{3,}\s+[\w-]{3,})$")
_EXAMPLE_LEAD = re.compile(r"(?i)^\s*(?:e\.g\.?|i\.e\.?|such as|like|also|for example)\s+")
# A negation before a term besides "not", "no": "can't be followed online", "cannot attend online".
_NEGATED_VERB = re.compile(r"(?i)(?:n['’]t|\bcannot)(?:[ \t]+[\w'’-]+){0,2}[ \t]+$")
# ... or after it: "Online-Teilnahme ist nicht möglich", "online attendance is not possible" (not "in person and
# is not recorded": a clause of its own).
_NEGATED_AFTER = re.compile(
    r"(?i)[\w-]*(?:[ \t]+(?!(?:and|or|but|und|oder|et|ou|y|o)\b)\w+)?[ \t]+(?:is|ist|are|sind|est|was)[ \t]+"
    r"(?:not|nicht|pas)\b"
)
# What a term names after a verb of booking, paying or publishing is how that is done, not the thing itself:
# "Register online", "Book online", "Slides are shared online".
_DONE_SO = re.compile(
    r"(?i)\b(?:register|registration|book|booking|apply|application|enrol|enroll|sign[ -]?up|pay|payment|order|"
    r"buy|purchase|shared|posted|published|available|access|accessible|submit|download|stream(?:ed)?|recorded|"
    r"watch|view)\w*[ \t]+(?:[\w'’-]+[ \t]+)?$"
)


def _answer_terms(clause: str, ignored: set[str]) -> list[str]:
    """The words a clause of a yes/no description gives its answer by: each bracketed item of one or two words
    ("virtual", "live stream", "e.g. via Zoom" -> "via Zoom"), and of each part between commas and "or" that says
    no "not", what the thing is said to be ("calls the dish vegetarian" -> "vegetarian", "is held only in person"
    -> "in person", "warned for strong language" -> "strong language", a list's next word alone: "vegan")."""
    terms = []
    for inner in re.findall(r"\(([^()]*)\)", clause):
        for item in re.split(r",|/|\bor\b|\band\b", _EXAMPLE_LEAD.sub("", inner)):
            words = re.findall(r"[^\W\d_][\w-]*", _EXAMPLE_LEAD.sub("", item))
            if 1 <= len(words) <= 2 and not _NEGATIVE.search(item) and not {w.casefold() for w in words} & ignored:
                terms.append(" ".join(words))
    for part in re.split(r",|\bor\b", re.sub(r"\([^()]*\)", " ", clause)):
        words = [word for word in re.findall(r"[^\W\d_][\w-]*", part) if word.casefold() not in ("a", "an", "the")]
        if not words or _NEGATIVE.search(part):
            continue
        # What the thing is said to be ("is held online", "calls the dish vegetarian", "is meat", a list's next
        # "vegan"), not a noun at the end of a phrase ("is included in the rate": not "rate").
        said = _PREDICATE.search(" ".join(words)) or _QUALIFIED.search(" ".join(words))
        if said is None and len(words) > 1:
            continue
        term = next((group for group in said.groups() if group), words[0]) if said is not None else words[0]
        if len(term) < 4 or term.casefold() in _FUNCTION_WORDS or term.casefold() in ignored:
            continue
        terms.append(term)
    return terms


def _answered(description: str, text: str, ignored: set[str]) -> bool | None:
    """A yes/no field's answer from the words its description gives each answer, where the text writes only one
    side's (one side's word negated - "there is no online option" - is the other's); else None. Only where the
    description gives words for both answers: "false only if the text says it is not" gives none. A term inside
    a longer one of the other answer's is not read ("stock" in "in stock"), nor one after a verb of booking or
    publishing ("Register online")."""
    sides: dict[bool, list[str]] = {}
    for answer, clause in _ANSWER_CLAUSE.findall(description):
        sides.setdefault(answer.casefold() == "true", []).extend(_answer_terms(clause, ignored))
    if not (sides.get(True) and sides.get(False)):
        return None
    matches = [
        (match.start(), match.end(), side)
        for side, terms in sides.items()
        for term in terms
        for match in re.finditer(rf"(?i)(?<![\w-]){re.escape(term)}(?!\w)", text)
    ]
    found: set[bool] = set()
    for start, end, side in matches:
        if any(low <= start and end <= high and (low, high) != (start, end) for low, high, _ in matches):
            continue
        before = text[max(0, start - 40) : start]
        if _DONE_SO.search(before):
            continue
        negated = (
            _NEGATED_BEFORE.search(before[-24:])
            or _NEGATED_VERB.search(before)
            or _NEGATED_AFTER.match(text, end)
            or re.search(r"(?i)(?:\b0|\bzero)[ \t]*$", before[-8:])  # "0 stops"
            or re.match(r"[ \t]*:[ \t]*0\b", text[end : end + 6])  # "Stops: 0"
            or _ANSWERED_NO.match(text, end)  # "Layover: none"
        )
        found.add(side != bool(negated))
    return found.pop() if len(found) == 1 else None


def _spoken_of(path: str, text: str) -> bool:
    """Whether the text names the thing of a yes/no field: a word of its name that is not a participle
    ("signature_required" - "signature"; "refund_requested" - "refund", not the "request" of any request); in a
    text in another language, a word of its own root ("Achat vérifié", "Verifizierter Kauf")."""
    words = _thing_words(path)
    lowered = text.casefold()
    return any(word[: max(4, len(word) - 2)] in lowered for word in words) or bool(_cognate_mentions(path, text))


# A word of a name's, as other languages write it: its root's first five letters ("verified": "Verifizierter",
# "vérifié", "verificada", "Verifierat"; "recommend": "recommande", "recomendaría", "rekommendera").
_COGNATE_STEM = 5
# What says no in each language, before the word ("no verificada", "je ne la recommande", "nicht empfohlen") or
# after it ("recommande pas", "empfehle ich nicht").
_NEGATION_WORDS = {
    "de": "nicht kein keine keinen keiner nie niemals",
    "nl": "niet geen nooit",
    "fr": "pas non jamais",  # (French "ne" alone is no no: "je ne peux que recommander")
    "es": "no nunca",
    "it": "non mai",
    "pt": "não nao nunca",
    "sv": "inte ej aldrig",
    "pl": "nie",
}
_NEGATION_AFTER_WORDS = {"de": "nicht", "nl": "niet", "fr": "pas", "sv": "inte"}
# A sentence that doubts it: "si je le recommanderais", "ob ich ihn empfehlen würde".
_DOUBTED = re.compile(r"(?i)\b(?:si|ob|whether|if|se|of|om|czy)\b(?:[ \t]+[\w'’-]+){0,3}[ \t]*$")
# A noun made of the word ("la recommandation d'une amie", "Empfehlung"): no answer.
_NOUN_ENDING = re.compile(r"(?i)(?:tion|ción|cion|zione|ung|atie|ação|acao|acja|ering)$")


def _badge_part(text: str, start: int, end: int) -> str:
    """The part of its line ``text[start:end]`` stands in, between marks that part a line's badges ("·", "|", "✓")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    offset, low = start - line_start, 0
    for piece in re.split(r"([·•|✓✔:])", line):
        if low <= offset < low + len(piece):
            return piece
        low += len(piece)
    return line


def _cognate_mentions(path: str, text: str) -> list[tuple[int, int, bool]]:
    """Where a text in another language than English writes a word of a yes/no field's name by its root, and
    whether that place says no; none in an English text. A participle's ("verified", "included") only as a badge or
    a label - its line's part of four words or fewer ("Achat vérifié ✓", "· Verifizierter Kauf"), not a sentence's
    ("Frühstück nicht inbegriffen"); no noun made of the word; nothing a sentence doubts."""
    language = _other_language(text)
    if language is None:
        return []
    words = [word for word in re.split(r"[_\W]+", path.rsplit(".", 1)[-1].casefold()) if len(word) >= _COGNATE_STEM]
    # (a long word by more of it: "international" is not "Interesse", "confidential" not "confirmée")
    stems = {
        _root(word)[: _COGNATE_STEM if len(word) < 10 else 7]: word.endswith(("ed", "ing"))
        for word in words
        if word not in _AUXILIARIES
    }
    negation = "|".join(re.escape(word) for word in _NEGATION_WORDS.get(language, "").split())
    # (right before it, a pronoun between at most: "no verificada", "nicht empfohlen", "non la consiglio"; not "no
    # dudaría en recomendarlo")
    before_no = re.compile(rf"(?i)(?<![\w'’])(?:{negation})(?![\w'’])(?:[ \t]+[\w'’-]{{1,4}})?[ \t]*$")
    after = _NEGATION_AFTER_WORDS.get(language)
    after_no = re.compile(rf"(?i)[\w'’-]*(?:[ \t]+[\w'’-]+)?[ \t]+{after}\b") if after else None
    found = []
    lengths = {len(stem) for stem in stems}
    for match in re.finditer(r"[^\W\d_]{5,}", text):
        stem = next((_root(match.group())[:size] for size in lengths if _root(match.group())[:size] in stems), None)
        if stem is None or _NOUN_ENDING.search(match.group()):
            continue
        before = text[max(0, match.start() - 40) : match.start()]
        if _DOUBTED.search(before):
            continue
        if stems[stem] and len(_badge_part(text, match.start(), match.end()).split()) > 4:
            continue
        negated = bool(before_no.search(before) or (after_no and after_no.match(text, match.end())))
        found.append((match.start(), match.end(), negated))
    return found


# A word that says no to what follows it in its clause ("would not recommend", "No signature required").
_NEGATION = re.compile(r"(?i)(?:\b(?:not|no|never|nor|cannot|out[ \t]+of)\b|n['’]t\b)(?:[ \t]+[\w'’-]+)?[ \t]+$")
# ... or answers no right after it ("Remote: No", "Verified purchase: no", "Issue resolved? No, still broken").
_ANSWERED_NO = re.compile(r"(?i)[\w'’-]*(?:[ \t]+[\w'’-]+)?[ \t]*[:?=–-][ \t]*(?:no|none|false|n/?a)\b")
# ... or its question is answered no on the next line or after a word ("Would I recommend it? Honestly, no",
# "Would you recommend this product to a friend?\n    No").
_QUESTION_ANSWERED_NO = re.compile(
    r"(?i)[^?.!\n]{0,80}\?[ \t]*\n?[ \t]*(?:[^\W\d_]+[,:][ \t]*)?(?:no|nope|nein|non|nee|nej|nie)"
    r"(?=[ \t]*(?:[,.;!)–—-]|\n|$))"
)


_AUXILIARIES = frozenset({"would", "should", "could", "will", "does", "have", "been", "with", "from", "that"})


def _said(path: str, text: str) -> bool | None:
    """What the text says of a yes/no field's thing where it names it: yes where no mention is negated ("Verified
    Purchase", "I'd recommend it"), no where every one is ("would not recommend", "unverified"), else None."""
    words = _thing_words(path, _AUXILIARIES)
    stems = [word[: max(5, len(word) - 2)] for word in words]  # "refun" of refunded, not "refu" of "refuse"
    said = set()
    for stem in stems:
        for match in re.finditer(rf"(?i)(\b(?:un|non-?|in)?){re.escape(stem)}", text):
            before = text[max(0, match.start() - 40) : match.start()]
            answered = _ANSWERED_NO.match(text, match.end()) or _QUESTION_ANSWERED_NO.match(text, match.end())
            said.add(not (match.group(1) or _NEGATION.search(before) or answered))
    for _, end, negated in _cognate_mentions(path, text):
        said.add(not (negated or _ANSWERED_NO.match(text, end) or _QUESTION_ANSWERED_NO.match(text, end)))
    return said.pop() if len(said) == 1 else None


def value_kind(spec: dict[str, Any]) -> tuple[Any, ...]:
    """A field's (type, format, pattern), of its one branch that is not null."""
    branch = next((branch for branch in spec.get("anyOf", [spec]) if branch.get("type") != "null"), spec)
    return branch.get("type"), branch.get("format"), branch.get("pattern")


def _without_null(spec: dict[str, Any]) -> dict[str, Any]:
    """An optional field's ``spec`` without its null branch, where it has one other."""
    branches = spec.get("anyOf")
    real = [branch for branch in branches if branch.get("type") != "null"] if isinstance(branches, list) else []
    if len(real) != 1:
        return spec
    branch: dict[str, Any] = real[0]
    return {key: value for key, value in spec.items() if key not in ("anyOf", "default")} | branch


def _only(spec: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    """``spec`` limited to ``values`` (for an array, to arrays among ``values``, or items each one of them)."""
    branches = spec.get("anyOf")
    if isinstance(branches, list):
        return {
            **spec,
            "anyOf": [branch if branch.get("type") == "null" else _only(branch, values) for branch in branches],
        }
    if spec.get("type") == "array" and all(isinstance(value, str) for value in values):  # else: whole arrays
        return {**spec, "items": {"type": "string", "minLength": 1, "enum": values}}
    return {**spec, "enum": values}


# The words of a field's name that make it a person's name ("name", "full_name", "contact_name"), not a company's.
_PERSONS_NAME_WORDS = frozenset("name full first last given family contact person fullname".split())


def _names_a_persons_name(field: str) -> bool:
    words = {word.casefold() for word in name_words(field)}
    return bool(words & {"name", "fullname"}) and words <= _PERSONS_NAME_WORDS


_NOT_A_CALENDAR_YEAR = frozenset("per over group study level grade school form old count".split())


def _names_a_year(path: str, spec: dict[str, Any]) -> bool:
    """Whether a number field is named for a calendar year ("year", "build_year", "year_built", "yearPublished"; not
    "years" of a count, "salary_per_year", "year_of_study", "year_group"), where its bounds allow one."""
    words = [word.casefold() for word in name_words(path.rsplit(".", 1)[-1])]
    if "year" not in words or set(words) & _NOT_A_CALENDAR_YEAR:
        return False
    return bool(spec.get("maximum", 9999) >= 1000 and spec.get("exclusiveMaximum", 9999) > 1000)


# A year as written: four digits from 1000 to 2199, not a piece of a longer number ("12,2020", "2.500") or a code
# ("PAG2019"); a month or a day before it is fine ("04/2017", "06.2019", "March 3 2021"), and a month after it
# ("2019.03.14", "2019年").
_YEAR = re.compile(r"(?:(?<![\w,.])|(?<=\d[./]))(?:1\d|2[01])\d\d(?![\w,]\d|\.\d{3}|\d)")


# What makes four digits something else than a year: a unit or a currency after them ("1995 cm³", "2100 km",
# "1500 €"), a currency or "at" before them ("£1500", "pickup at 1930").
_NOT_A_YEAR_AFTER = re.compile(
    r"(?i)[ \t]?(?:km|kms|mi|miles|cc|ccm|cm³|cm3|cm|mm|kg|kw|ps|hp|bhp|nm|m²|m2|l|g|€|eur|usd|chf|gbp|pln|sek|\$|%|h|"
    r"hrs?|min|pages?|seiten|pp)(?![^\W\d_])"
)
_NOT_A_YEAR_BEFORE = re.compile(r"(?i)(?:[$€£¥]|\b(?:at|um|à|alle|om|kl)\b)[ \t]?$")


def _years(facts: TextFacts) -> list[Found]:
    """The years a text writes, in order: not a measure's, a price's or a time's four digits, nor those of a phone
    number (of nine digits or more: "2019-2021" is two years)."""
    text = facts.text
    phones = sorted(
        (found.start, found.end) for found in facts.phones if sum(char.isdigit() for char in found.value) >= 9
    )
    starts = [low for low, _ in phones]
    found = []
    for match in _YEAR.finditer(text):
        at = bisect.bisect_right(starts, match.start()) - 1
        if at >= 0 and phones[at][0] <= match.start() < phones[at][1]:
            continue
        before = text[max(0, match.start() - 6) : match.start()]
        if _NOT_A_YEAR_AFTER.match(text, match.end()) or _NOT_A_YEAR_BEFORE.search(before):
            continue
        found.append(Found(int(match.group()), match.start(), match.end()))
    return found


def _bounded(values: list[Any], spec: dict[str, Any]) -> list[Any]:
    low, high = spec.get("minimum", -math.inf), spec.get("maximum", math.inf)
    above, below = spec.get("exclusiveMinimum", -math.inf), spec.get("exclusiveMaximum", math.inf)
    kept = [value for value in values if low <= value <= high and above < value < below]
    if spec.get("type") == "integer":
        kept = [int(value) for value in kept if float(value).is_integer()]
    else:
        kept = [int(value) if float(value).is_integer() else value for value in kept]
    return list(dict.fromkeys(kept))


def _time_form(pattern: str) -> int | None:
    """How long a time of day a pattern asks for is: 5 for "HH:MM" (where it takes both), 8 for "HH:MM:SS"; None
    where it asks for something else (a code, a word)."""
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    if any(compiled.search(other) for other in ("Hello", "AB12", "2024-05-01", "99:99")):  # ("2:1", "16:9")
        return None
    return 5 if compiled.search("10:30") else 8 if compiled.search("10:30:00") else None


_MONTH_FORMS: list[Callable[[str, str], str]] = [
    lambda year, month: f"{year}-{month}",
    lambda year, month: f"{month}/{year}",
    lambda year, month: f"{month}/{year[2:]}",
    lambda year, month: f"{month}.{year}",
    lambda year, month: f"{year}/{month}",
]


def _pattern_values(facts: TextFacts, pattern: str) -> list[str]:
    """Strings a pattern field could be: runs of words, and every kind of value in its written and normal forms."""
    values = [found.value for found in runs(facts.text) if not _a_label(found, facts.text)]
    # A code written with spaces that its pattern has none of ("LH 1159" for ^[A-Z0-9]{2}[0-9]{1,4}$).
    # Not a code and the word after it ("AC 132 YYC" is a flight and an airport, not "132YYC").
    joined = [
        value.replace(" ", "")
        for value in values
        if 0 < value.count(" ") <= 2 and not re.fullmatch(r"[^\W\d_]{3,}", value.rsplit(" ", 1)[-1])
    ]
    values += joined + [found.value for found in (*facts.emails, *facts.urls, *facts.phones)]
    values += [found.value[:5] for found in facts.times]  # HH:MM, which a time-of-day pattern usually asks for
    # A date with its time, as a pattern of a local date-time asks ("^[0-9]{4}-...T[0-2][0-9]:[0-5][0-9]$"): the
    # date-times the text writes, with and without their seconds.
    values += [value for found in facts.datetimes for value in (found.value, found.value[:16])]
    values += [facts.text[found.start : found.end] for found in facts.numbers]
    try:
        compiled = re.compile(pattern)
        # A month as a pattern asks ("^[0-9]{4}-(0[1-9]|1[0-2])$", "^(0[1-9]|1[0-2])/[0-9]{2}$"): the months the
        # text writes ("September 2026", each date's) in each common form of a month the pattern checks as one (it
        # takes no 13th month: not a code's pattern, which any figures fit).
        forms = [form for form in _MONTH_FORMS if not compiled.search(form("2026", "13"))]
        months = [found.value.split("-") for found in facts.months]
        values += [form(year, month) for year, month in months for form in forms]
        # A code inside punctuation ("#BIL-88231]", "VRN-LGW"), found by the pattern itself - but not a piece of
        # a longer code ("CPT" of "CPT24A").
        inner = rf"(?<![^\W_])(?<!\d[.,]){pattern.strip('^$')}(?![^\W_])(?![.,]\d)"
        # A code holds no space: a pattern as loose as a name's would find whole stretches ("Pt: Mrs. Ann Lee,").
        values += [
            match.group() for match in re.finditer(inner, facts.text) if match.group().split() == [match.group()]
        ]
    except re.error:
        return values
    codes = [value for value in joined if compiled.search(value)]

    def part_of_a_code(value: str) -> bool:  # the digits of a code so joined ("1159" of "LH 1159")
        return value.isdigit() and any(code != value and code.endswith(value) for code in codes)

    found = [value for value in dict.fromkeys(values) if compiled.search(value) and not part_of_a_code(value)]
    # A year or a day of a date is no code where the text offers any other ("2024" of "Mon 21 Oct 2024").
    dated = {value for value in found if only_in_dates(value, facts)}
    return [value for value in found if value not in dated] if len(dated) < len(found) else found


def _labelled_codes(values: list[str], text: str, label: set[str]) -> list[str]:
    """The codes the text labels with a word of the field's own name somewhere ("Order no. LL-20931",
    "order BW-448120" for an order_number), if any; else all of them."""
    found = [
        Found(value, match.start(), match.end())
        for value in values
        for match in re.finditer(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text)
    ]
    labelled = []
    for item in found:
        # The last words of its line just before it: "Order no. LL-20931", "(SKU GLV-NIT-M)", "order BW-448120".
        # Within its clause ("Order no." keeps its full stop; ", quote ref" starts a clause of its own), and not
        # the letters of another code ("INV" of "INV-2024-0042").
        # A label's own colon or mark is no clause's end ("Tracking #: 7712 3456 7890", "Tracking no.: 0123"); a
        # label ends in a word, not in another code ("booking FR8K2Q: FR1882").
        window = re.sub(r"[ \t:#=.–—-]*$", "", text[max(0, item.start - 40) : item.start])[-25:]
        if not re.search(r"(?<![\w-])[^\W\d_]+$", window):
            continue
        window = re.split(r"\S*\d\S*", window)[-1]  # "tracking 1Z999AA101 to 5652 AH": not a label of 5652
        before = re.split(r"[\n,;:()|]|[.!?]\s+(?=[A-Z])", window)[-1]
        words = [word.casefold() for word in re.findall(r"(?<![\w-])[^\W\d_]{3,}(?![\w-])", before)[-3:]]
        # A word of the name or its first letters ("ref" of a booking_reference, "no" is too short to tell).
        if any(word[:4] in label or word in label or any(stem.startswith(word) for stem in label) for word in words):
            labelled.append(item.value)
    return list(dict.fromkeys(labelled)) or values


# A number's mark before a code: "No.", "Nr.", "N°", "#", "Number:", "Angebotsnummer:", "número".
_NUMBER_MARK = re.compile(
    r"(?i)(?:(?<![\w-])(?:no|nr|n[°º]|number|nummer|numéro|número|numero|numer)|[^\W\d_]{3,}(?:nummer|number|nr))"
    r"\.?[ \t]*[:#.]?[ \t]*$|#[ \t]*$"
)


def _marked_as_a_number(value: str, text: str) -> bool:
    """Whether the text writes ``value`` after a number's mark somewhere ("contrat n° 0471 228 519")."""
    return any(
        _NUMBER_MARK.search(text, max(0, match.start() - 30), match.start())
        for match in re.finditer(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text)
    )


def _numbered_first(values: list[str], text: str, others: set[str]) -> list[str]:
    """Of a document number's candidates, the one its first lines mark first as a number ("ANGEBOT Nr. 2027-118"
    before "Kundennummer: 40213") - not another field's ("Order #", where the object has an order number) nor a
    registration, tax, account or phone number's ("Org.nr", "USt-IdNr."); none if no code there is so marked."""
    heading_end = _second_line_end(text, 15)
    marked = []
    for value in values:
        for match in re.finditer(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text[:heading_end]):
            mark = _NUMBER_MARK.search(text, max(0, match.start() - 30), match.start())
            if mark is None:
                continue
            words = re.findall(r"[^\W\d_]+", text[max(0, mark.start() - 20) : mark.end()].casefold())
            if not words or not ({word[:4] for word in words[-2:]} & (others | _REGISTRATION_STEMS)):
                marked.append((match.start(), value))
    return [min(marked)[1]] if marked else []


# The first letters of the words that mark a company's, a tax office's, an account's or a phone's number.
_REGISTRATION_STEMS = frozenset(
    word[:4]
    for word in "org organisation reg registration vat ust ustid steuer tax siret siren nip kvk cvr ein abn rfc iban "
    "kunden kundennummer customer account konto tel telefon phone fax mobile hrb handelsregister".split()
)


def only_in_dates(value: str, facts: TextFacts) -> bool:
    """Whether the text writes ``value`` only as a part of a date (its year, its day)."""
    if not value.isdigit():
        return False
    spans = [(found.start, found.end) for found in (*facts.dates, *facts.datetimes)]
    places = [match.span() for match in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", facts.text)]
    return bool(places) and all(
        (place, stop) not in spans and any(start <= place < end for start, end in spans) for place, stop in places
    )


def _written_dates(facts: TextFacts) -> set[str]:
    """The dates and times as the text writes them: no plain string field's value ("2024-11-05" is an ETA, not a
    tracking number; a field with a pattern may be for them: "19:00" for a start time)."""
    return {facts.text[found.start : found.end] for found in (*facts.dates, *facts.times, *facts.datetimes)}


def _matching(values: list[str], pattern: str) -> list[str]:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return values
    return [value for value in values if compiled.search(value)]


_FORCEABLE = frozenset({"email", "uri", "url", "iri", "date", "date-time", "time"})


def _require_offered_formats(narrowed: dict[str, Any], required: list[str]) -> None:
    """An optional email, URL, date or time the text does offer is made required - the model then picks one of
    the text's values instead of leaving out a value that is plainly there - when the text offers at least as
    many such values as the object has such fields (else some of them are for something else)."""
    by_kind: dict[str, list[str]] = {}
    for name, spec in narrowed.items():
        leaf = _scalar(spec)
        if leaf is not None and leaf.get("format") in _FORCEABLE and leaf.get("enum"):
            by_kind.setdefault(leaf["format"], []).append(name)
    for names in by_kind.values():
        offered = set().union(*(set(_scalar(narrowed[name])["enum"]) for name in names))  # type: ignore[index]
        if len(offered) < len(names):
            continue
        for name in names:
            if name not in required:
                required.append(name)
                spec = narrowed[name]
                if "anyOf" in spec:  # required now: the null branch goes
                    narrowed[name] = {key: value for key, value in spec.items() if key not in ("anyOf", "default")}
                    narrowed[name].update(_scalar(spec) or {})


def _scalar(spec: dict[str, Any]) -> dict[str, Any] | None:
    branches = spec.get("anyOf")
    if isinstance(branches, list):
        real = [branch for branch in branches if branch.get("type") != "null"]
        return real[0] if len(real) == 1 else None
    return spec
