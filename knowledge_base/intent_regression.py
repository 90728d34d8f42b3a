"""A logistic regression over a sentence model's vectors of labelled examples (the NLU's own and
others): the chance of each intent for a message, read by meaning rather than by its words.

The scope reader (knowledge_base/scope.py) and the urgency reader (knowledge_base/urgency.py)
are such regressions, one per language, fitted for one model and kept in
knowledge_base/<kind>-<model>.json with a digest of the examples they were fitted on, so that a
change to the examples without a refit is caught by the tests.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
from sklearn.linear_model import LogisticRegression

from knowledge_base.embeddings import Embedder

READERS_DIR = Path(__file__).resolve().parent  # beside the calibrations


def examples_digest(examples: list[tuple[str, str]]) -> str:
    """A digest of labelled examples, to tell whether a regression was fitted on these."""
    return hashlib.sha256(json.dumps(sorted(examples), ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class IntentRegression:
    """P(intent) = softmax(weights . vector + biases), over one language's intents."""

    intents: list[str]
    weights: list[list[float]]  # one row per intent
    biases: list[float]
    examples: str  # the digest of the examples it was fitted on

    @cached_property
    def _matrix(self) -> np.ndarray:
        """The weights as an array, built once (13,014 columns for Korean's reader by morphemes:
        rebuilding it took 0.6 of a read's 1.4 ms)."""
        return np.asarray(self.weights, dtype=np.float64)

    def chances(self, vector: np.ndarray) -> dict[str, float]:
        """Each intent's chance for the message of this unit vector."""
        logits = self._matrix @ vector + np.asarray(self.biases)
        chances = np.exp(logits - logits.max())
        return dict(zip(self.intents, (chances / chances.sum()).tolist(), strict=True))


def fit_regression(
    embedder: Embedder, examples: list[tuple[str, str]], regularisation: float
) -> IntentRegression:
    """Fit a regression on labelled examples (text, intent); `regularisation` is the inverse
    strength (scikit-learn's C)."""
    vectors = embedder.embed([text for text, _ in examples])
    return regression_on(vectors, [intent for _, intent in examples], examples, regularisation)


def regression_on(
    features: Any, labels: list[str], examples: list[tuple[str, str]], regularisation: float
) -> IntentRegression:
    """Fit a regression on the examples' features (a sentence model's vectors, or TF-IDF) and
    labels (their intents, or coarser classes); its digest is the examples'."""
    regression = LogisticRegression(C=regularisation, max_iter=5000).fit(features, labels)
    return IntentRegression(
        intents=[str(intent) for intent in regression.classes_],
        weights=[[round(float(w), 6) for w in row] for row in regression.coef_],
        biases=[round(float(b), 6) for b in regression.intercept_],
        examples=examples_digest(examples),
    )


@dataclass(frozen=True)
class ModelReaders:
    """A model's regressions of one kind, by language, kept in `<KIND>-<model>.json`."""

    KIND: ClassVar[str]
    model: str
    languages: dict[str, IntentRegression]

    @classmethod
    def file(cls, model: str, folder: Path = READERS_DIR) -> Path:
        """Where a model's readers of this kind are kept (one file per model, named after it)."""
        return folder / f"{cls.KIND}-{Path(model).name}.json"

    @classmethod
    def load(cls, model: str, folder: Path = READERS_DIR) -> Self | None:
        """The model's fitted readers, or None if none were fitted."""
        path = cls.file(model, folder)
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return cls(model, {lang: IntentRegression(**values) for lang, values in data.items()})

    def save(self, folder: Path = READERS_DIR) -> Path:
        """Write the readers to the model's file; the path written."""
        path = self.file(self.model, folder)
        data = {lang: asdict(regression) for lang, regression in sorted(self.languages.items())}
        path.write_text(json.dumps(data) + "\n")
        return path
