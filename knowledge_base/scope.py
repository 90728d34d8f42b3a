"""A second reading of whether a message is in Hanbit Remit's scope, from a sentence model.

DIET, on sparse features of a few hundred examples, is often certain that a long or unusual
question is out of scope ("I want to close my account as I am moving back to Bangalore",
out_of_scope 1.0): the bot then offers the confident article instead of answering
(decision.py: NLU_DISAGREES). A logistic regression over a sentence model's vectors of the very
same NLU examples and intents generalises by meaning instead; where it reads a message the NLU
calls out of scope as more likely in scope than not, the NLU's reading does not outweigh a
confident article (Understanding.read_in_scope).

Fitted per language by `baton kb fit-scope` for the second model (all-mpnet-base-v2), in the
languages the bot asks that model in (an English model reads English only), and kept in
knowledge_base/scope-<model>.json with a digest of the examples it was fitted on, so that a
change to the NLU data without a refit is caught (tests/knowledge_base/test_scope.py).
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from knowledge_base.confidence_fitting import labelled_nlu_examples
from knowledge_base.embeddings import Embedder

OUT_OF_SCOPE_INTENT = "out_of_scope"
# The regression's inverse regularisation, by 5-fold cross-validation on the English NLU examples
# (all-mpnet-base-v2): log loss 0.73 at 1, 0.35 at 10, 0.27 at 100.
REGULARISATION = 100.0
# Under this probability of being out of scope, a message reads as in scope.
IN_SCOPE_BELOW = 0.5


SCOPE_DIR = Path(__file__).resolve().parent  # beside the calibrations


def scope_file(model: str, folder: Path = SCOPE_DIR) -> Path:
    """Where a model's fitted scope readers are kept (one file per model, named after it)."""
    return folder / f"scope-{Path(model).name}.json"


def examples_digest(examples: list[tuple[str, str]]) -> str:
    """A digest of labelled examples, to tell whether a reader was fitted on these."""
    return hashlib.sha256(json.dumps(sorted(examples), ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class LanguageScope:
    """One language's regression over the NLU's intents: P(intent) = softmax(weights . vector
    + biases); a message's chance of being out of scope is that of the out_of_scope intent."""

    intents: list[str]
    weights: list[list[float]]  # one row per intent
    biases: list[float]
    examples: str  # the digest of the NLU examples it was fitted on

    def out_of_scope(self, vector: np.ndarray) -> float:
        """The probability that the message of this unit vector is out of scope."""
        logits = np.asarray(self.weights, dtype=np.float64) @ vector + np.asarray(self.biases)
        chances = np.exp(logits - logits.max())
        return float(chances[self.intents.index(OUT_OF_SCOPE_INTENT)] / chances.sum())


@dataclass(frozen=True)
class ScopeReader:
    """A model's scope readers, by language."""

    model: str
    languages: dict[str, LanguageScope]

    def reads_in_scope(self, vector: np.ndarray, language: str) -> bool | None:
        """Whether the message of this vector (of `model`) reads as in scope; None in a
        language without a reader."""
        scope = self.languages.get(language)
        return None if scope is None else scope.out_of_scope(vector) < IN_SCOPE_BELOW

    @classmethod
    def load(cls, model: str, folder: Path = SCOPE_DIR) -> "ScopeReader | None":
        """The model's fitted readers, or None if none were fitted."""
        path = scope_file(model, folder)
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        languages = {lang: LanguageScope(**values) for lang, values in data.items()}
        return cls(model, languages)

    def save(self, folder: Path = SCOPE_DIR) -> Path:
        """Write the readers to the model's scope file; the path written."""
        path = scope_file(self.model, folder)
        data = {lang: vars(scope) for lang, scope in sorted(self.languages.items())}
        path.write_text(json.dumps(data) + "\n")
        return path


def fit_language(embedder: Embedder, language: str) -> LanguageScope:
    """Fit a language's reader on its NLU examples and their intents."""
    examples = labelled_nlu_examples(language)
    if OUT_OF_SCOPE_INTENT not in {intent for _, intent in examples}:
        raise ValueError(f"No out-of-scope NLU examples in {language!r} to fit a scope reader on")
    vectors = embedder.embed([text for text, _ in examples])
    intents = [intent for _, intent in examples]
    regression = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(vectors, intents)
    return LanguageScope(
        intents=[str(intent) for intent in regression.classes_],
        weights=[[round(float(w), 6) for w in row] for row in regression.coef_],
        biases=[round(float(b), 6) for b in regression.intercept_],
        examples=examples_digest(examples),
    )
