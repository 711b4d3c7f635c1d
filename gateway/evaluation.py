"""Labelled texts run through the gateway's own extraction and scored leaf by leaf (``gateway eval``, ``gateway
test``).

Every leaf of the expected object - a scalar at a path such as ``vendor.name`` or ``line_items[1].quantity``, or
one item of a list of scalars - must be found at the same path in the answer: precision is the share of the
answer's leaves that are expected, recall the share of expected leaves that are in the answer, F1 their harmonic
mean; a whole object is right when both are 1. Strings are compared ignoring case, runs of spaces and a trailing
full stop, date-times by the instant they name ("Z" is "+00:00"); numbers by value. Per field, the path is read
without list positions (``line_items[].quantity``).
"""

import asyncio
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from gateway.errors import GatewayError, ModelUnavailable
from gateway.extraction.engine import Extractor
from gateway.schemas.compiler import CompiledSchema, LabelledCase


class Case(LabelledCase):
    """One line of an eval file: a text and the object (or, for list extraction, the objects) expected from it."""


@dataclass
class Outcome:
    case: LabelledCase
    got: Any = None
    error: str | None = None
    correct: bool = False


@dataclass
class Score:
    """Leaf precision, recall and F1 over a set of cases, per field and in all, and whole-object accuracy."""

    cases: int = 0
    correct: int = 0
    errors: int = 0
    found: Counter[str] = field(default_factory=Counter)  # per field: leaves in the answer that were expected
    extra: Counter[str] = field(default_factory=Counter)  # per field: leaves in the answer that were not
    missed: Counter[str] = field(default_factory=Counter)  # per field: expected leaves the answer lacks
    misses: list[Outcome] = field(default_factory=list)

    @classmethod
    def combined(cls, *scores: "Score") -> "Score":
        """One score over the cases of several."""
        total = cls()
        for score in scores:
            total.cases += score.cases
            total.correct += score.correct
            total.errors += score.errors
            total.found.update(score.found)
            total.extra.update(score.extra)
            total.missed.update(score.missed)
            total.misses.extend(score.misses)
        return total

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 0.0

    def prf(self, name: str | None = None) -> tuple[float, float, float]:
        """Precision, recall and F1 of one field, or of every leaf."""
        found = self.found[name] if name else sum(self.found.values())
        extra = self.extra[name] if name else sum(self.extra.values())
        missed = self.missed[name] if name else sum(self.missed.values())
        return _prf(found, extra, missed)

    def _field_dict(self, name: str) -> dict[str, Any]:
        precision, recall, f1 = self.prf(name)
        counts = {"found": self.found[name], "extra": self.extra[name], "missed": self.missed[name]}
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), **counts}

    @property
    def fields(self) -> list[str]:
        return sorted(set(self.found) | set(self.extra) | set(self.missed))

    def to_dict(self) -> dict[str, Any]:
        precision, recall, f1 = self.prf()
        return {
            "cases": self.cases,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "errors": self.errors,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "fields": {name: self._field_dict(name) for name in self.fields},
        }


def _prf(found: int, extra: int, missed: int) -> tuple[float, float, float]:
    precision = found / (found + extra) if found + extra else 1.0
    recall = found / (found + missed) if found + missed else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_cases(path: Path) -> list[LabelledCase]:
    """Read a JSONL eval file; a bad line is reported with its number."""
    cases: list[LabelledCase] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate_json(line))
        except ValidationError as exc:
            raise ValueError(f"{path}:{number}: not an eval case ({exc.errors()[0]['msg']})") from None
    return cases


# An RFC 3339 date-time with its offset.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})")


def normalize(value: Any) -> Any:
    """Strings without regard to case, runs of spaces or a trailing full stop (a URL without the slash of an empty
    path: "https://x.io/" is "https://x.io"); a date-time by the instant it names; numbers by value."""
    if isinstance(value, str):
        if _DATE_TIME.fullmatch(value.strip()):  # one instant however its offset is written: "Z" is "+00:00"
            try:
                return datetime.fromisoformat(value.strip()).astimezone(UTC).isoformat()
            except ValueError:
                pass  # no date-time ("2026-02-30T10:00Z"): compared as written
        text = re.sub(r"\s+", " ", value).strip().rstrip(".").casefold()
        return re.sub(r"^([a-z][a-z0-9+.-]*://[^/?#\s]+)/$", r"\1", text)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """``(path, field, value)`` of every leaf: positions in lists of objects are part of the path, not of the
    field; a list of scalars contributes one leaf per item at ``path[]``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                yield from leaves(item, f"{path}[{index}]")
            elif item is not None:
                yield f"{path}[]", _field(f"{path}[]"), normalize(item)
    elif value is not None:
        yield path, _field(path), normalize(value)


def _field(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def score_case(score: Score, outcome: Outcome) -> None:
    """Add one case's leaves to ``score``."""
    expected = Counter(leaves(outcome.case.expect))
    got = Counter(leaves(outcome.got)) if outcome.got is not None else Counter()
    common = expected & got
    for (_, name, _), count in common.items():
        score.found[name] += count
    for (_, name, _), count in (got - common).items():
        score.extra[name] += count
    for (_, name, _), count in (expected - common).items():
        score.missed[name] += count
    score.cases += 1
    outcome.correct = outcome.got is not None and expected == got
    if outcome.correct:
        score.correct += 1
    else:
        score.misses.append(outcome)


async def run_eval(extractor: Extractor, schema: CompiledSchema, cases: list[LabelledCase]) -> tuple[Score, Score]:
    """Score single-object cases and list cases separately; returns ``(single, lists)``."""
    single, lists = Score(), Score()
    for case in cases:
        outcome = Outcome(case)
        score = lists if isinstance(case.expect, list) else single
        try:
            outcome.got = await _answer(extractor, schema, case)
        except GatewayError as exc:
            outcome.error = f"{exc.error_type}: {exc.message}"
            score.errors += 1
        score_case(score, outcome)
    return single, lists


async def _answer(extractor: Extractor, schema: CompiledSchema, case: LabelledCase, *, waits: int = 3) -> Any:
    """The extraction's answer to one case as JSON; a model that is restarting is waited for, a few times."""
    for wait in range(waits + 1):
        try:
            if isinstance(case.expect, list):
                return [_dump(item) for item in await extractor.extract_list(schema, case.text)]
            return _dump(await extractor.extract(schema, case.text))
        except ModelUnavailable as exc:
            if wait == waits:
                raise
            await asyncio.sleep(float(exc.retry_after or 1))
    raise AssertionError("unreachable")


def _dump(model: BaseModel) -> Any:
    # What the model wrote: defaults it did not write, and nulls, are no leaves of the answer.
    return model.model_dump(mode="json", exclude_none=True, exclude_unset=True)


def render(name: str, label: str, score: Score, *, misses: bool = True) -> str:
    """A small text table for the terminal."""
    if not score.cases:
        return ""
    lines = [
        f"{name} - {label}: {score.cases} case(s)",
        f"  {'field':<28} {'precision':>9} {'recall':>7} {'F1':>6}",
    ]
    for field_name in score.fields:
        precision, recall, f1 = score.prf(field_name)
        lines.append(f"  {field_name:<28} {precision:>9.2f} {recall:>7.2f} {f1:>6.2f}")
    precision, recall, f1 = score.prf()
    lines.append(f"  {'every leaf':<28} {precision:>9.2f} {recall:>7.2f} {f1:>6.2f}")
    lines.append(f"  whole objects right: {score.correct}/{score.cases} ({score.accuracy:.1%})")
    lines.append(f"  failed extractions: {score.errors}")
    for miss in score.misses if misses else []:
        got = miss.error or json.dumps(miss.got, ensure_ascii=False)
        lines.append(
            f"  miss: {miss.case.text!r}\n        expected {json.dumps(miss.case.expect, ensure_ascii=False)}\n"
            f"        got      {got}"
        )
    return "\n".join(lines)
