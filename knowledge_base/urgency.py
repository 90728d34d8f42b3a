"""A third reading of whether a message reports fraud or lodges a complaint, from a sentence model.

The word lists (handoff/assistant/urgent_words.py) tell what earlier sets' customers wrote; a
freshly written set's reports come in new words (the thirty-fourth round: the lists found 14 of
40 fresh fraud stories), and DIET, on sparse features, reads many of them as questions. A
logistic regression over a sentence model's vectors of the NLU's examples and of stories written
for it (knowledge_base/urgency_examples/<language>.yml: fraud told as stories, complaints,
questions on staying safe with nothing lost yet, money sent for good reasons that has not
arrived) reads them by meaning: where its chance of fraud and of a complaint together reaches
URGENT_FROM, the message reaches a person ahead of the normal queue, unless the article on fraud
answers it (a question about a scam reads much as a report does: decision.py, FRAUD_READING).

Fitted per language by `baton kb fit-readers` with the scope reader (knowledge_base/scope.py), for
the second model in the languages the bot asks it in, and kept in
knowledge_base/urgency-<model>.json with a digest of its examples. Korean's own second model
(multilingual-e5-small) read fresh sets' fraud and complaints too poorly to pay for the questions
it sent to a person (benchmarks/e2e-rounds.md, thirty-fifth round): Korean is read by its
morphemes instead (knowledge_base/morpheme_urgency.py).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge_base.confidence_fitting import labelled_examples, labelled_nlu_examples
from knowledge_base.embeddings import Embedder
from knowledge_base.intent_regression import IntentRegression, ModelReaders, fit_regression

FRAUD_INTENT = "report_fraud"
COMPLAINT_INTENT = "complaint"
EXAMPLES_DIR = Path(__file__).resolve().parent / "urgency_examples"
# The inverse regularisation, as the scope reader's: on the fifteen e2e sets before the fourteenth
# held-out one (none of them among its examples), 100 found 85% of their English fraud and
# complaints at URGENT_FROM where 10 found 70%.
REGULARISATION = 100.0


# From this chance of fraud and a complaint together, a message reads as one of them (chosen on
# the same fifteen sets: 0.85 lost two more answers and found no more reports; e2e-rounds.md,
# thirty-fifth round).
URGENT_FROM = 0.9


@dataclass(frozen=True)
class UrgencyReader(ModelReaders):
    """A model's urgency readers, by language: regressions over the NLU's intents."""

    KIND = "urgency"

    def reads_urgent(self, vector: np.ndarray, language: str) -> str | None:
        """The urgent intent the message of this vector (of `model`) reads as (FRAUD_INTENT or
        COMPLAINT_INTENT, the likelier), if any; None too in a language without a reader."""
        regression = self.languages.get(language)
        return None if regression is None else urgent_intent(regression.chances(vector))


def urgent_intent(chances: dict[str, float]) -> str | None:
    """FRAUD_INTENT or COMPLAINT_INTENT, the likelier, where their chances together reach
    URGENT_FROM; else None."""
    fraud, complaint = chances[FRAUD_INTENT], chances[COMPLAINT_INTENT]
    if fraud + complaint < URGENT_FROM:
        return None
    return FRAUD_INTENT if fraud >= complaint else COMPLAINT_INTENT


def urgency_examples(language: str) -> list[tuple[str, str]]:
    """A language's NLU examples and its urgency examples, each with its intent."""
    own = labelled_examples(EXAMPLES_DIR / f"{language}.yml")
    return labelled_nlu_examples(language) + own


def fit_language(embedder: Embedder, language: str) -> IntentRegression:
    """Fit a language's reader on its examples and their intents."""
    examples = urgency_examples(language)
    missing = {FRAUD_INTENT, COMPLAINT_INTENT} - {intent for _, intent in examples}
    if missing:
        raise ValueError(f"No {' or '.join(sorted(missing))} examples in {language!r}")
    return fit_regression(embedder, examples, REGULARISATION)
