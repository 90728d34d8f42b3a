"""A second reading of a question: which article's own questions it reads like, by a linear
classifier over the character n-grams of each article's title and question variants and, where
the calibration found that it helps, their sentence embeddings.

The search ranks articles by embeddings and BM25 and calibrates how sure its top one is; on
Korean, which the packaged embedding model hardly reads, a confident top article can still be
the wrong one. This reader learns from the variants alone which n-grams (and which directions of
the embedding) tell one article from the others, so it errs elsewhere than the search. Its
scores join the search's fused ranking with a weight the calibration fits, and whether it agrees
with the top article is one of the confidence's features (knowledge_base/search.py); when the
two still name different articles, the bot offers the leading articles instead of answering
(knowledge_base/decision.py). It is fitted whenever a language's index is built, so an editor's
change counts at once: about 0.3 s for the 2,022 English texts of the seed articles by their
n-grams, 0.6 s with all-MiniLM-L6-v2's embeddings, 1.0 s with all-mpnet-base-v2's (the whole
fit, median of five).

Whether it reads the embeddings is fitted per language and model (`LanguageCalibration.
reader_embeddings`, knowledge_base/confidence_fitting.py: where it then reads more development
messages as their article). On both development sets' English messages it read 92.7% rightly by
n-grams, 96.6% with all-MiniLM-L6-v2's embeddings beside them, 98.9% with all-mpnet-base-v2's;
on the Korean ones, which these English models hardly read, 97.1% either way.
"""

import logging
from collections import Counter

import numpy as np
import scipy.sparse as sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from knowledge_base.articles import Article, dense_units

logger = logging.getLogger(__name__)

# Character n-grams within words, 1 to 4 long: Korean particles and endings stick to the words
# they follow, and misspellings change a few n-grams, not the word's every one.
NGRAMS = (1, 4)
# Fitting grows with articles times variants (one-vs-rest: each article's line is fitted on
# every variant). Above this many, a language has no reader and its confident answers stand
# alone: an editor's change must be answered within a second (benchmarks/publish_latency.py),
# and fitting took about 0.4 s for the 28 English seed articles and 2,022 texts (about 57,000),
# 5 s for BANKING77's 77 intents and 10,003 questions (770,000), on two cores.
MOST_ARTICLES_TIMES_VARIANTS = 100_000
# The solver's stopping tolerance, ten times scikit-learn's default for LinearSVC's liblinear:
# with all-MiniLM-L6-v2's embeddings the seed articles' English reader fits in 27 passes instead
# of 49 (0.45 s against 0.62). On the development sets' messages, for both models and languages,
# by n-grams or embeddings, no reading changes and no score moves by more than 0.0025: the
# calibrations fitted at the default stand.
TOLERANCE = 1e-2


class VariantReader:
    """Reads a question as the article whose title and question variants it is most like."""

    def __init__(
        self, articles: list[Article], vectors: dict[str, np.ndarray] | None = None
    ) -> None:
        units = [(a.slug, text) for a in articles for text in dense_units(a)]
        slugs, texts = zip(*units, strict=True)
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True
        )
        features = self._vectorizer.fit_transform(texts)
        if vectors is not None:  # each text's unit embedding, as columns after its n-grams
            embedded = sparse.csr_matrix(np.stack([vectors[text] for text in texts]))
            features = sparse.hstack([features, embedded], format="csr")
        self._classifier = LinearSVC(tol=TOLERANCE).fit(features, slugs)
        # What a reading needs, read out once: scikit-learn's own transform and predict check
        # their input at every call, 1.1 ms a question against 0.12 ms for the same sums here.
        self._ngrams = self._vectorizer.build_analyzer()
        self._columns = self._vectorizer.vocabulary_
        self._idf = self._vectorizer.idf_
        ngrams = len(self._idf)
        self._weights = self._classifier.coef_[:, :ngrams]
        self._vector_weights = self._classifier.coef_[:, ngrams:] if vectors is not None else None
        self._intercepts = self._classifier.intercept_
        self._slugs = self._classifier.classes_

    @classmethod
    def fitted(
        cls, articles: list[Article], vectors: dict[str, np.ndarray] | None = None
    ) -> "VariantReader | None":
        """A reader of these articles (by their embeddings too, if `vectors` holds each title's
        and variant's), or None when there are too few to tell apart or too many to fit at
        once."""
        if len(articles) < 2:
            return None
        variants = sum(len(dense_units(article)) for article in articles)
        if len(articles) * variants > MOST_ARTICLES_TIMES_VARIANTS:
            logger.info(
                "No second reading by the variants: %d articles with %d variants are too many "
                "to fit at each change; confident answers stand alone",
                len(articles),
                variants,
            )
            return None
        return cls(articles, vectors)

    @property
    def reads_embeddings(self) -> bool:
        """Whether it reads a question's embedding beside its n-grams."""
        return self._vector_weights is not None

    @property
    def slugs(self) -> list[str]:
        """The articles it reads, in the order of `scores`."""
        return [str(slug) for slug in self._slugs]

    def scores(self, question: str, embedding: np.ndarray | None = None) -> np.ndarray | None:
        """How much the question reads like each article (`slugs`' order): the classifier's
        decision on the question's TF-IDF vector (sublinear counts times idf, unit length),
        beside its embedding if the reader reads them, as `decision_function` makes it; None
        if it shares no n-gram with any variant."""
        counts = Counter(ngram for ngram in self._ngrams(question) if ngram in self._columns)
        if not counts:
            return None
        columns = np.fromiter((self._columns[n] for n in counts), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        vector = (1 + np.log(tf)) * self._idf[columns]
        scores = self._weights[:, columns] @ vector / np.linalg.norm(vector) + self._intercepts
        if self._vector_weights is not None:
            if embedding is None:
                raise ValueError("This reader reads embeddings: give the question's")
            scores = scores + self._vector_weights @ embedding
        if len(self._slugs) == 2:  # one line: the second article's side of it
            return np.array([-scores[0], scores[0]])
        return scores

    def read(self, question: str, embedding: np.ndarray | None = None) -> str | None:
        """The slug of the article the question reads most like, as `predict` names it; None if
        it shares no n-gram with any variant."""
        scores = self.scores(question, embedding)
        return None if scores is None else str(self._slugs[int(np.argmax(scores))])
