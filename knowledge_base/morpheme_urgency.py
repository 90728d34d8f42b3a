"""The urgency reader of a language no second model reads (Korean): a logistic regression over
a message's morphemes rather than a sentence model's vector.

Korean's second model (multilingual-e5-small, 4 bits) read fresh sets' fraud and complaints too
poorly to pay for the questions it sent to a person (benchmarks/e2e-rounds.md, thirty-fifth
round). Kiwi's morphemes read them better: every morpheme with its tag, endings and particles
included ("었/EP", "는데/EC": how a story is told, not only what it names), and each adjacent
pair, weighed by TF-IDF, then a regression fitted on the NLU's examples and the urgency examples
(knowledge_base/urgency_examples/<language>.yml), every other intent one class. Where its chance
of fraud and of a complaint together reaches the sentence-model reader's bar (urgency.py,
URGENT_FROM), the message reaches a person ahead of the normal queue, as there.

Fitted by `baton kb fit-readers` for MORPHEME_LANGUAGES and kept in
knowledge_base/urgency-morphemes.json, its terms and their weights, with a digest of its examples.
"""

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge_base.intent_regression import READERS_DIR, IntentRegression, regression_on
from knowledge_base.text import Tokenizer
from knowledge_base.urgency import COMPLAINT_INTENT, FRAUD_INTENT, urgency_examples, urgent_intent

# The languages read by morphemes: those with no sentence-model urgency reader and a Kiwi.
MORPHEME_LANGUAGES = ("ko",)
READERS_FILE = READERS_DIR / "urgency-morphemes.json"
# Every intent that is neither fraud nor a complaint, as one class.
OTHER = "other"
# The inverse regularisation: on the fifteen e2e sets before the fourteenth held-out one (none
# among its examples), 30 found 87% of their Korean fraud and complaints at URGENT_FROM with 9 of
# 2,512 questions flagged, 3 of them answered rightly now (sarcasm on a slow transfer, an app
# that crashes "the third time", a second rejection "so inconvenient a service"); 20 found 85%
# with 8 (the same 3), 10 found 79% with 4 (2).
REGULARISATION = 30.0


def terms_of(morphemes: list[str]) -> list[str]:
    """The reader's terms: the morphemes and each adjacent pair ("보내/VV+었/EP")."""
    return morphemes + [f"{a}+{b}" for a, b in pairwise(morphemes)]


@dataclass(frozen=True)
class MorphemeReader:
    """P(intent) of a message's terms: sublinear TF-IDF, unit length, then a regression."""

    terms: list[str]
    idf: list[float]
    regression: IntentRegression
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {term: i for i, term in enumerate(self.terms)})

    def vector(self, morphemes: list[str]) -> np.ndarray:
        """The message's TF-IDF vector over the reader's terms (as scikit-learn's, fitted)."""
        weights = {
            self._index[term]: (1 + math.log(count)) * self.idf[self._index[term]]
            for term, count in Counter(terms_of(morphemes)).items()
            if term in self._index
        }
        # The norm of the few terms found, not of the whole vector: numpy's norm of 13,000 zeros
        # takes milliseconds under some BLAS builds.
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        vector = np.zeros(len(self.terms))
        for i, weight in weights.items():
            vector[i] = weight / norm
        return vector

    def reads_urgent(self, morphemes: list[str]) -> str | None:
        """FRAUD_INTENT or COMPLAINT_INTENT, if the message reads as one (urgency.py)."""
        return urgent_intent(self.regression.chances(self.vector(morphemes)))


@dataclass(frozen=True)
class MorphemeUrgencyReader:
    """The morpheme readers, by language, and the tokenizer that finds the morphemes."""

    languages: dict[str, MorphemeReader]
    tokenizer: Tokenizer

    def reads_urgent(self, text: str, language: str) -> str | None:
        """The urgent intent the message reads as; None too in a language without a reader."""
        reader = self.languages.get(language)
        return None if reader is None else reader.reads_urgent(self.tokenizer.morphemes(text))

    @classmethod
    def load(
        cls, tokenizer: Tokenizer, path: Path = READERS_FILE
    ) -> "MorphemeUrgencyReader | None":
        """The fitted readers, or None if none were fitted."""
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        readers = {
            language: MorphemeReader(
                values["terms"], values["idf"], IntentRegression(**values["regression"])
            )
            for language, values in data.items()
        }
        return cls(readers, tokenizer)

    def save(self, path: Path = READERS_FILE) -> Path:
        """Write the readers; the path written."""
        data = {
            language: {
                "terms": reader.terms,
                "idf": reader.idf,
                "regression": asdict(reader.regression),
            }
            for language, reader in sorted(self.languages.items())
        }
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n")
        return path


def fit_language(tokenizer: Tokenizer, language: str) -> MorphemeReader:
    """Fit a language's reader on its NLU and urgency examples."""
    examples = urgency_examples(language)
    classes = [
        intent if intent in (FRAUD_INTENT, COMPLAINT_INTENT) else OTHER for _, intent in examples
    ]
    missing = {FRAUD_INTENT, COMPLAINT_INTENT} - set(classes)
    if missing:
        raise ValueError(f"No {' or '.join(sorted(missing))} examples in {language!r}")
    tfidf = TfidfVectorizer(analyzer=terms_of, sublinear_tf=True)
    vectors = tfidf.fit_transform([tokenizer.morphemes(text) for text, _ in examples])
    return MorphemeReader(
        terms=[str(term) for term in tfidf.get_feature_names_out()],
        idf=[round(float(weight), 6) for weight in tfidf.idf_],
        regression=regression_on(vectors, classes, examples, REGULARISATION),
    )
