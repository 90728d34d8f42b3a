"""Precision, recall and F1 of extracted entities against expected ones, per language and entity.

An entity counts as found when one of the same type and value was extracted from the same
utterance (each expected one matched at most once). Standard library only: the Rasa
environment (Python 3.10) runs it as well as the hub's.
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (entity type, value), e.g. ("currency", "USD")
Entity = tuple[str, str]


@dataclass(frozen=True)
class Case:
    """One test utterance and the entities it holds."""

    text: str
    language: str
    entities: tuple[Entity, ...]


@dataclass
class Counts:
    """True positives, false positives and false negatives of one entity type."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        """Of the entities found, the share that were expected (1.0 when none was found)."""
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        """Of the entities expected, the share that were found (1.0 when none was expected)."""
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """The counts and the three figures, rounded to four places."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.true_positives + self.false_negatives,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


def load_cases(path: Path) -> list[Case]:
    """Read a JSON-lines test set: {"text", "language", "entities": [{"entity", "value"}]}."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            entities = tuple((item["entity"], item["value"]) for item in row["entities"])
            cases.append(Case(row["text"], row["language"], entities))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a test case ({error!r})") from error
    return cases


def score(cases: list[Case], found: list[list[Entity]]) -> dict[str, dict[str, Counts]]:
    """Counts per language and entity type, from what was found in each case, in order."""
    if len(cases) != len(found):
        raise ValueError(f"{len(cases)} cases but {len(found)} results")
    counts: dict[str, dict[str, Counts]] = {}
    for case, extracted in zip(cases, found, strict=True):
        by_type = counts.setdefault(case.language, {})
        expected, got = Counter(case.entities), Counter(extracted)
        for (entity, _), n in (expected & got).items():
            by_type.setdefault(entity, Counts()).true_positives += n
        for (entity, _), n in (got - expected).items():
            by_type.setdefault(entity, Counts()).false_positives += n
        for (entity, _), n in (expected - got).items():
            by_type.setdefault(entity, Counts()).false_negatives += n
    return counts


def report(cases: list[Case], found: list[list[Entity]]) -> dict[str, Any]:
    """The figures per language and entity, and every utterance that was not all right."""
    counts = score(cases, found)
    mistakes = [
        {"text": case.text, "expected": sorted(case.entities), "found": sorted(extracted)}
        for case, extracted in zip(cases, found, strict=True)
        if Counter(case.entities) != Counter(extracted)
    ]
    return {
        "utterances": dict(Counter(case.language for case in cases)),
        "languages": {
            language: {entity: c.as_dict() for entity, c in sorted(by_type.items())}
            for language, by_type in sorted(counts.items())
        },
        "mistakes": mistakes,
    }


def table(figures: dict[str, Any]) -> str:
    """The report's figures as a plain-text table."""
    lines = [f"{'language':<9}{'entity':<20}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for language, by_type in figures["languages"].items():
        for entity, c in by_type.items():
            lines.append(
                f"{language:<9}{entity:<20}{c['precision']:>10.1%}{c['recall']:>8.1%}"
                f"{c['f1']:>8.1%}{c['support']:>9}"
            )
    return "\n".join(lines)
