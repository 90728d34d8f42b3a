"""A second reading of whether a message is in Hanbit Remit's scope, from a sentence model.

DIET, on sparse features of a few hundred examples, is often certain that a long or unusual
question is out of scope ("I want to close my account as I am moving back to Bangalore",
out_of_scope 1.0): the bot then offers the confident article instead of answering
(decision.py: NLU_DISAGREES). A logistic regression over a sentence model's vectors of the very
same NLU examples and intents generalises by meaning instead; where it reads a message the NLU
calls out of scope as more likely in scope than not, the NLU's reading does not outweigh a
confident article (Understanding.read_in_scope).

Fitted per language by `baton kb fit-readers` for the second model (all-mpnet-base-v2), in the
languages the bot asks that model in (an English model reads English only), and kept in
knowledge_base/scope-<model>.json with a digest of the examples it was fitted on, so that a
change to the NLU data without a refit is caught (tests/knowledge_base/test_scope.py). The
regression itself: knowledge_base/intent_regression.py.
"""

from dataclasses import dataclass

import numpy as np

from knowledge_base.confidence_fitting import labelled_nlu_examples
from knowledge_base.embeddings import Embedder
from knowledge_base.intent_regression import IntentRegression, ModelReaders, fit_regression

OUT_OF_SCOPE_INTENT = "out_of_scope"
# The regression's inverse regularisation, by 5-fold cross-validation on the English NLU examples
# (all-mpnet-base-v2): log loss 0.73 at 1, 0.35 at 10, 0.27 at 100.
REGULARISATION = 100.0
# Under this probability of being out of scope, a message reads as in scope.
IN_SCOPE_BELOW = 0.5


@dataclass(frozen=True)
class ScopeReader(ModelReaders):
    """A model's scope readers, by language: regressions over the NLU's intents, a message's
    chance of being out of scope that of the out_of_scope intent."""

    KIND = "scope"

    def reads_in_scope(self, vector: np.ndarray, language: str) -> bool | None:
        """Whether the message of this vector (of `model`) reads as in scope; None in a
        language without a reader."""
        scope = self.languages.get(language)
        if scope is None:
            return None
        return scope.chances(vector)[OUT_OF_SCOPE_INTENT] < IN_SCOPE_BELOW


def fit_language(embedder: Embedder, language: str) -> IntentRegression:
    """Fit a language's reader on its NLU examples and their intents."""
    examples = labelled_nlu_examples(language)
    if OUT_OF_SCOPE_INTENT not in {intent for _, intent in examples}:
        raise ValueError(f"No out-of-scope NLU examples in {language!r} to fit a scope reader on")
    return fit_regression(embedder, examples, REGULARISATION)
