"""``gateway eval``: run labelled texts through the gateway's own extraction and score the answers."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from gateway.errors import GatewayError
from gateway.extraction.engine import Extractor
from gateway.schemas.compiler import CompiledSchema


class Case(BaseModel):
    """One line of an eval file: a text and the object (or, for list extraction, the objects) expected from it."""

    text: str
    expect: dict[str, Any] | list[dict[str, Any]]


@dataclass
class Outcome:
    case: Case
    got: Any = None
    error: str | None = None
    correct: bool = False


@dataclass
class Score:
    """Per-field and whole-object accuracy over a set of cases."""

    cases: int = 0
    correct: int = 0
    errors: int = 0
    field_hits: dict[str, int] = field(default_factory=dict)
    field_totals: dict[str, int] = field(default_factory=dict)
    misses: list[Outcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "errors": self.errors,
            "fields": {
                name: {
                    "correct": self.field_hits[name],
                    "total": total,
                    "accuracy": round(self.field_hits[name] / total, 4),
                }
                for name, total in self.field_totals.items()
            },
        }


def load_cases(path: Path) -> list[Case]:
    """Read a JSONL eval file; a bad line is reported with its number."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate_json(line))
        except ValidationError as exc:
            raise ValueError(f"{path}:{number}: not an eval case ({exc.errors()[0]['msg']})") from None
    return cases


def normalize(value: Any) -> Any:
    """Compare strings without regard to case, surrounding space or a trailing full stop; numbers by value."""
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip().rstrip(".").casefold()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


def matches(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, bool]:
    """Per expected field: does the answer hold the same value? (Fields not in ``expected`` are not scored.)"""
    return {name: normalize(got.get(name)) == normalize(value) for name, value in expected.items()}


async def run_eval(extractor: Extractor, schema: CompiledSchema, cases: list[Case]) -> tuple[Score, Score]:
    """Score single-object cases and list cases separately; returns ``(single, lists)``."""
    single, lists = Score(), Score()
    for case in cases:
        outcome = Outcome(case)
        score = lists if isinstance(case.expect, list) else single
        score.cases += 1
        try:
            if isinstance(case.expect, list):
                items = await extractor.extract_list(schema, case.text)
                outcome.got = [item.model_dump(mode="json") for item in items]
            else:
                outcome.got = (await extractor.extract(schema, case.text)).model_dump(mode="json")
        except GatewayError as exc:
            outcome.error = f"{exc.error_type}: {exc.message}"
            score.errors += 1
        _score(score, outcome)
    return single, lists


def _score(score: Score, outcome: Outcome) -> None:
    expected = outcome.case.expect
    pairs: list[tuple[dict[str, Any], dict[str, Any]]]
    if isinstance(expected, list):
        got_items = outcome.got if isinstance(outcome.got, list) else []
        pairs = [(item, got_items[index] if index < len(got_items) else {}) for index, item in enumerate(expected)]
        whole = outcome.got is not None and len(got_items) == len(expected)
    else:
        pairs = [(expected, outcome.got if isinstance(outcome.got, dict) else {})]
        whole = outcome.got is not None
    for expected_item, got_item in pairs:
        for name, hit in matches(expected_item, got_item).items():
            score.field_totals[name] = score.field_totals.get(name, 0) + 1
            score.field_hits[name] = score.field_hits.get(name, 0) + int(hit)
            whole = whole and hit
    outcome.correct = whole
    if whole:
        score.correct += 1
    else:
        score.misses.append(outcome)


def render(name: str, label: str, score: Score) -> str:
    """A small text table for the terminal."""
    if not score.cases:
        return ""
    lines = [f"{name} - {label}: {score.cases} case(s)", f"  {'field':<20} {'correct':>9} {'accuracy':>9}"]
    for field_name, total in score.field_totals.items():
        hits = score.field_hits[field_name]
        lines.append(f"  {field_name:<20} {f'{hits}/{total}':>9} {hits / total:>9.1%}")
    lines.append(f"  {'whole object':<20} {f'{score.correct}/{score.cases}':>9} {score.accuracy:>9.1%}")
    lines.append(f"  failed extractions: {score.errors}")
    for miss in score.misses:
        got = miss.error or json.dumps(miss.got, ensure_ascii=False)
        lines.append(
            f"  miss: {miss.case.text!r}\n        expected {json.dumps(miss.case.expect)}\n        got      {got}"
        )
    return "\n".join(lines)
