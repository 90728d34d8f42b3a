"""Fitting the calibration: fusion weight and P(right answer), by k-fold over question variants.

Each article's question variants are split into folds; each fold's variants are asked against
an index built without them, as unseen customer questions would be. Out-of-scope questions
(which no article answers) are asked against the whole index. The variant reader reads the
embeddings beside the n-grams if it then reads more questions as their article; the fusion that
ranks best (how many nearest variants, the centroid and lexical weights) is kept, and a
logistic regression maps the ranking's features to P(right answer). Where the right article
stood when the top one was wrong gives the lower-ranked articles their part of the rest.

Customer messages (labelled as customers write them, e.g. a development set), when given, are
asked against the whole index and join the regression's data. Which of FEATURE_SETS it reads
is chosen by k-fold over the messages (each fold's confidences from a model fitted without it;
it takes FOLDS rightly and FOLDS wrongly ranked ones): the set that answers most messages
rightly with at most MAX_WRONG wrong. Those cross-validated confidences are reported, and choose
the decision's article bar.
"""

import itertools
import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from knowledge_base.articles import Article, dense_units
from knowledge_base.confidence import SCORES, LanguageCalibration
from knowledge_base.embeddings import Embedder
from knowledge_base.search import (
    TOP_K,
    Features,
    Hit,
    LanguageIndex,
    Signals,
    fuse,
    lexical_text,
)
from knowledge_base.text import Tokenizer
from knowledge_base.variants import VariantReader

FOLDS = 5
LEXICAL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
CENTROID_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
NEAREST_VARIANTS = (1, 2, 3, 5)
VARIANTS_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)  # of the variant reader's scores (variants.py)
SECOND_OPINION_BELOW = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)  # 0.0: never asked
# A second model is asked only if it gets at least this share more held-out variants right: each
# language it is asked in costs every hub its index of that language's variants.
SECOND_OPINION_GAIN = 0.01
NLU_DATA = Path(__file__).resolve().parent.parent / "nlu_data"
# The feature sets tried on customer messages (without them: SCORES, as fitted before).
FEATURE_SETS = (
    SCORES,
    [*SCORES, "variant", "centroid"],
    [*SCORES, "dense_agrees", "lexical_agrees"],
    [*SCORES, "variant", "centroid", "lexical_margin", "dense_agrees", "lexical_agrees"],
    [*SCORES, "variant", "centroid", "lexical_margin", "dense_agrees", "lexical_agrees", "length"],
    [*SCORES, "dense_agrees", "lexical_agrees", "variants_agrees", "variants_margin"],
    [
        *SCORES,
        "variant",
        "centroid",
        "lexical_margin",
        "dense_agrees",
        "lexical_agrees",
        "length",
        "variants_agrees",
        "variants_margin",
    ],
)
MAX_WRONG = 0.02  # of the in-scope messages, answered wrongly at the article bar


@dataclass(frozen=True)
class Asked:
    """A question with the article that answers it (None: out of scope)."""

    text: str
    expected: str | None


@dataclass
class FitReport:
    """How the fitted calibration did on the held-out questions."""

    language: str
    in_scope: int
    out_of_scope: int
    top1_accuracy: float
    lexical_weight: float
    centroid_weight: float
    nearest_variants: int
    # Each in-scope question asked: whether the top article was right, and its confidence.
    held_out: dict[Asked, tuple[bool, float]] = field(default_factory=dict, repr=False)
    features: list[str] = field(default_factory=lambda: list(SCORES))  # what the model reads
    # Each customer message: whether the top article was right, its cross-validated confidence.
    messages: dict[Asked, tuple[bool, float]] = field(default_factory=dict, repr=False)
    variants_weight: float = 0.0  # of the variant reader's scores in the fused score
    reader_embeddings: bool = False  # the variant reader reads the embeddings too


def labelled_nlu_examples(language: str) -> list[tuple[str, str]]:
    """The Rasa NLU examples of a language's data, each with its intent (none without data)."""
    return labelled_examples(NLU_DATA / language / "nlu.yml")


def labelled_examples(path: Path) -> list[tuple[str, str]]:
    """The examples of a file in Rasa's NLU format, each with its intent (none without it)."""
    if not path.exists():
        return []
    blocks = yaml.safe_load(path.read_text()).get("nlu", [])
    lines = [
        (line.strip(), block["intent"])
        for block in blocks
        if "intent" in block
        for line in block["examples"].splitlines()
    ]
    return [(line[2:].strip(), intent) for line, intent in lines if line.startswith("- ")]


def nlu_examples(language: str, intents: list[str]) -> list[str]:
    """The Rasa NLU examples of these intents in a language's data (none without its data)."""
    return [text for text, intent in labelled_nlu_examples(language) if intent in intents]


def out_of_scope_examples(language: str) -> list[str]:
    """The Rasa NLU examples of the out_of_scope intent: questions no article should answer."""
    return nlu_examples(language, ["out_of_scope"])


def without_fold(articles: list[Article], fold: int) -> tuple[list[Article], list[Asked]]:
    """The articles minus every FOLDS-th variant from `fold` on, and those variants as questions."""
    kept, asked = [], []
    for article in articles:
        held = [q for i, q in enumerate(article.questions) if i % FOLDS == fold]
        rest = [q for i, q in enumerate(article.questions) if i % FOLDS != fold]
        kept.append(article.model_copy(update={"questions": rest}))
        asked += [Asked(q, article.slug) for q in held]
    return kept, asked


def every_fold(embedder: Embedder) -> dict[int, Embedder]:
    """The same embedder for every fold: one not tuned on the question variants at all."""
    return dict.fromkeys(range(FOLDS), embedder)


def fit_language(
    language: str,
    articles: list[Article],
    out_of_scope: list[str],
    embedders: dict[int, Embedder],
    tokenizer: Tokenizer,
    messages: list[Asked] = (),
) -> tuple[LanguageCalibration, FitReport]:
    """Fit one language's calibration on its articles, out-of-scope questions and, if given,
    customer messages (expected None: out of scope).

    The variants of each fold in `embedders` are asked, embedded by the embedder given for that
    fold: one that has not been tuned on them (out-of-scope questions and messages: the first
    one's, against every article).
    """
    asked_whole = [Asked(q, None) for q in out_of_scope] + list(messages)
    texts = list(
        {t: None for a in articles for t in dense_units(a)} | {a.text: None for a in asked_whole}
    )
    by_embedder: dict[int, dict[str, np.ndarray]] = {}  # each distinct embedder embeds once
    for embedder in embedders.values():
        if id(embedder) not in by_embedder:
            by_embedder[id(embedder)] = dict(zip(texts, embedder.embed(texts), strict=True))
    fold_vectors = {fold: by_embedder[id(embedder)] for fold, embedder in embedders.items()}
    neutral = LanguageCalibration()
    dimensions = next(iter(embedders.values())).dimensions

    # Whether the reader reads the embeddings too: by how many in-scope messages it reads as
    # their article, then held-out variants; ties go to n-grams alone (half the fitting).
    askings = {
        embeddings: _asking(
            articles, asked_whole, fold_vectors, tokenizer, dimensions, embeddings, set(messages)
        )
        for embeddings in (False, True)
    }
    embeddings = max(
        askings,
        key=lambda e: (
            askings[e].read_rightly(messages=True),
            askings[e].read_rightly(messages=False),
            not e,
        ),
    )
    asking = askings[embeddings]
    best = _best_fusion(asking, replace(neutral, reader_embeddings=embeddings))
    variants, is_message = asking.in_scope(messages=False), asking.is_message
    results = asking.ranked(best)
    labels = np.array([top_is_right(asked, hits) for asked, hits, _ in results])
    outcomes = [(asked, bool(right)) for (asked, _, _), right in zip(results, labels, strict=True)]
    names, cross_validated = SCORES, {}
    if min(np.sum(labels[is_message]), np.sum(~labels[is_message])) >= FOLDS:
        names, cross_validated = choose_features(
            [features for _, _, features in results], labels, is_message, outcomes
        )
    table = feature_table([features for _, _, features in results], names)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(table, labels)
    confidences = model.predict_proba(table)[:, 1]
    calibration = replace(
        best,
        lexical_half=round(best.lexical_half, 4),
        features=list(names),
        coefficients=[round(float(c), 4) for c in model.coef_[0]],
        intercept=round(float(model.intercept_[0]), 4),
        lower_ranks=lower_ranks([(asked, hits) for asked, hits, _ in results]),
    )
    held_out = {
        asked: (bool(right), float(confidence))
        for (asked, _, _), right, confidence, message in zip(
            results, labels, confidences, is_message, strict=True
        )
        if asked.expected and not message
    }
    report = FitReport(
        language=language,
        in_scope=len(held_out),
        out_of_scope=len(out_of_scope),
        top1_accuracy=round(variants.accuracy(best), 4),
        lexical_weight=best.lexical_weight,
        centroid_weight=best.centroid_weight,
        nearest_variants=best.nearest_variants,
        variants_weight=best.variants_weight,
        reader_embeddings=best.reader_embeddings,
        features=list(names),
        held_out=held_out,
        messages=cross_validated,
    )
    return calibration, report


@dataclass(frozen=True)
class _Asking:
    """Every question asked against its index (the held-out variants against their fold's,
    out-of-scope questions and customer messages against the whole), and what no fusion
    changes of its ranking."""

    queries: list[tuple[LanguageIndex, Asked, np.ndarray, list[str]]]
    signals: list[Signals]
    is_message: np.ndarray

    def in_scope(self, messages: bool) -> "FusionTable":
        """The in-scope customer messages' rows, or the held-out variants'."""
        return FusionTable(self._in_scope_rows(messages))

    def read_rightly(self, messages: bool) -> int:
        """How many in-scope customer messages (or held-out variants) the reader reads as the
        article that answers them."""
        rows = self._in_scope_rows(messages)
        return sum(index.read_as(query) == asked.expected for index, asked, query in rows)

    def _in_scope_rows(self, messages: bool) -> list[tuple[LanguageIndex, Asked, Signals]]:
        rows = zip(self.queries, self.signals, self.is_message, strict=True)
        return [
            (index, asked, query)
            for (index, asked, _, _), query, message in rows
            if asked.expected and message == messages
        ]

    def ranked(self, fusion: LanguageCalibration) -> list[tuple[Asked, list[Hit], Features]]:
        """Each question's ranking by a fusion, and the ranking's features."""
        results = []
        for (index, asked, _, _), query in zip(self.queries, self.signals, strict=True):
            index.calibration = fusion
            results.append((asked, *index.ranking_of(query)))
        return results


def _asking(
    articles: list[Article],
    asked_whole: list[Asked],
    fold_vectors: dict[int, dict[str, np.ndarray]],
    tokenizer: Tokenizer,
    dimensions: int,
    embeddings: bool,
    messages: set[Asked],
) -> _Asking:
    """Ask every fold's held-out variants against an index without them, and `asked_whole`
    against the whole; the indexes' readers read the embeddings too if `embeddings`."""

    def index_of(kept: list[Article], vectors: dict[str, np.ndarray]) -> LanguageIndex:
        terms = {a.key: tokenizer.terms(lexical_text(a)) for a in kept}
        reader = VariantReader.fitted(kept, vectors if embeddings else None)
        neutral = LanguageCalibration()
        return LanguageIndex.build(kept, vectors, terms, neutral, dimensions, variants=reader)

    runs = []
    for fold, vectors in fold_vectors.items():
        kept, asked = without_fold(articles, fold)
        runs.append((index_of(kept, vectors), asked, vectors))
    first = next(iter(fold_vectors.values()))
    runs.append((index_of(articles, first), asked_whole, first))
    queries = [
        (index, asked, run_vectors[asked.text], tokenizer.terms(asked.text))
        for index, asked_list, run_vectors in runs
        for asked in asked_list
    ]
    return _Asking(
        queries,
        [index.signals(vector, terms, asked.text) for index, asked, vector, terms in queries],
        np.array([asked in messages for _, asked, _, _ in queries], dtype=bool),
    )


def _best_fusion(asking: _Asking, neutral: LanguageCalibration) -> LanguageCalibration:
    """The fusion that ranks most held-out variants rightly first, with the reader's weight
    that ranks most customer messages so (where there are messages)."""
    # BM25 scores have no fixed scale: a typical in-scope top score maps to 0.5.
    top_scores = [
        float(index.bm25.get_scores(terms).max())
        for (index, asked, _, terms), message in zip(asking.queries, asking.is_message, strict=True)
        if asked.expected and terms and not message
    ]
    half = statistics.median(top_scores) if any(top_scores) else neutral.lexical_half
    # Top-1 on the variants ranks fusions; the messages choose the reader's weight and the
    # confidence.
    variants = asking.in_scope(messages=False)
    in_scope_messages = asking.in_scope(messages=True)
    fusions = [
        replace(
            neutral,
            lexical_weight=lexical,
            centroid_weight=centroid,
            nearest_variants=nearest,
            lexical_half=half,
        )
        for lexical, centroid, nearest in itertools.product(
            LEXICAL_WEIGHTS, CENTROID_WEIGHTS, NEAREST_VARIANTS
        )
    ]

    def simplicity(fusion: LanguageCalibration) -> float:
        """Ties go to the least fusion: lower weights, fewer nearest variants."""
        weights = fusion.lexical_weight + fusion.centroid_weight + fusion.variants_weight
        return -(weights + fusion.nearest_variants)

    def best_of(candidates: list[LanguageCalibration]) -> LanguageCalibration:
        return max(candidates, key=lambda f: (round(variants.accuracy(f), 4), simplicity(f)))

    # The variant reader's weight, for the best fusion without it, by the messages' top-1 where
    # there are messages (its n-grams were fitted on the variants, so they flatter it), then the
    # other weights again with it.
    best = best_of(fusions)
    best = max(
        (replace(best, variants_weight=weight) for weight in VARIANTS_WEIGHTS),
        key=lambda f: (
            round(in_scope_messages.accuracy(f), 4),
            round(variants.accuracy(f), 4),
            simplicity(f),
        ),
    )
    if best.variants_weight:
        best = best_of([replace(f, variants_weight=best.variants_weight) for f in fusions])
    return best


class FusionTable:
    """Questions' signals against their indexes, a row each, to find how many of them a fusion
    ranks rightly first, all at once (the fitting tries hundreds of fusions)."""

    def __init__(self, rows: list[tuple[LanguageIndex, Asked, Signals]]) -> None:
        width = max((len(query.shortlist) for _, _, query in rows), default=0)

        def table(arrays: list[np.ndarray]) -> np.ndarray:
            padded = np.zeros((len(arrays), width))
            for row, array in zip(padded, arrays, strict=True):
                row[: len(array)] = array
            return padded

        self._real = table([np.ones(len(query.shortlist)) for _, _, query in rows]) > 0
        self._nearest = {
            k: table([index.nearest(query, k) for index, _, query in rows])
            for k in NEAREST_VARIANTS
        }
        self._centroid = table([query.centroid for _, _, query in rows])
        self._lexical = table([query.lexical for _, _, query in rows])
        self._read = table([query.read for _, _, query in rows])
        self._right = np.array(
            [_column_of(index, query, asked.expected) for index, asked, query in rows],
            dtype=np.int64,
        )

    def accuracy(self, fusion: LanguageCalibration) -> float:
        """The share of the questions whose right article the fusion ranks first."""
        if not len(self._right):
            return 0.0
        nearest = self._nearest[fusion.nearest_variants]
        _, _, fused = fuse(fusion, nearest, self._centroid, self._lexical, self._read)
        first = np.argmax(np.where(self._real, fused, -np.inf), axis=1)
        return float(np.mean(first == self._right))


def _column_of(index: LanguageIndex, query: Signals, slug: str) -> int:
    """Where an article stands in a query's shortlist; -1 if it is not there."""
    slugs = [index.articles[article].slug for article in query.shortlist]
    return slugs.index(slug) if slug in slugs else -1


def feature_table(features: list[Features], names: list[str]) -> np.ndarray:
    """The named features of each ranking, one row each."""
    return np.array([[f.value(name) for name in names] for f in features])


def choose_features(
    features: list[Features],
    labels: np.ndarray,
    is_message: np.ndarray,
    outcomes: list[tuple[Asked, bool]],
) -> tuple[list[str], dict[Asked, tuple[bool, float]]]:
    """The feature set (of FEATURE_SETS) whose cross-validated confidences answer most messages
    rightly at the bar where at most MAX_WRONG are wrong (ties to the smaller set), with those
    confidences by message."""
    scored = []
    for names in FEATURE_SETS:
        confidences = cross_validate(feature_table(features, names), labels, is_message)
        by_message = {
            asked: (right, float(confidence))
            for (asked, right), confidence, message in zip(
                outcomes, confidences, is_message, strict=True
            )
            if message
        }
        scored.append((article_bar(by_message)[1], -len(names), names, by_message))
    _, _, names, by_message = max(scored, key=lambda score: score[:2])
    return names, by_message


def cross_validate(table: np.ndarray, labels: np.ndarray, is_message: np.ndarray) -> np.ndarray:
    """Each message's confidence from a model fitted on everything but its fold (the other
    rows, variants and out-of-scope questions, are always in)."""
    confidences = np.zeros(len(labels))
    messages = np.flatnonzero(is_message)
    others = np.flatnonzero(~is_message)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    for train, test in folds.split(messages, labels[messages]):
        rows = np.concatenate([others, messages[train]])
        model = LogisticRegression(C=1.0, max_iter=1000).fit(table[rows], labels[rows])
        confidences[messages[test]] = model.predict_proba(table[messages[test]])[:, 1]
    return confidences


def article_bar(
    scored: dict[Asked, tuple[bool, float]], max_wrong: float = MAX_WRONG
) -> tuple[float, int, int, int]:
    """The lowest confidence bar at which at most `max_wrong` of the in-scope messages are
    answered wrongly: (bar, right answers, wrong answers, out-of-scope messages answered with
    an article that does not decline them)."""
    in_scope = sum(1 for asked in scored if asked.expected)
    best = (1.0, 0, 0, 0)
    for bar in sorted({confidence for _, confidence in scored.values()}, reverse=True):
        answered = [(asked, right) for asked, (right, c) in scored.items() if c >= bar]
        wrong = sum(1 for asked, right in answered if asked.expected and not right)
        if wrong > max_wrong * in_scope:
            break
        right = sum(1 for asked, right in answered if asked.expected and right)
        oos = sum(1 for asked, right in answered if not asked.expected and not right)
        best = (round(bar, 4), right, wrong, oos)
    return best


def fit_second_opinion(first: FitReport, second: FitReport) -> float:
    """The first model's confidence under which the second model is asked: the one that gets
    most of the questions both were asked right (ties to the lower; 0.0, never, unless asking
    gets at least SECOND_OPINION_GAIN more of them right)."""
    right = {below: cascade_held_out(first, second, below)[0] for below in SECOND_OPINION_BELOW}
    best = max(right, key=lambda below: (right[below], -below))
    return best if right[best] - right[0.0] >= SECOND_OPINION_GAIN else 0.0


def cascade_held_out(first: FitReport, second: FitReport, below: float) -> tuple[float, float]:
    """On the questions both models were asked: the share the cascade gets right, and the share
    it asks the second model."""
    shared = [asked for asked in first.held_out if asked in second.held_out]
    handed = [first.held_out[asked][1] < below for asked in shared]
    right = sum(
        (second if to_second else first).held_out[asked][0]
        for asked, to_second in zip(shared, handed, strict=True)
    )
    return right / max(len(shared), 1), sum(handed) / max(len(shared), 1)


def lower_ranks(results: list[tuple[Asked, list]]) -> list[float]:
    """Of the in-scope questions whose top article was wrong, the share whose right article
    was ranked 2nd, 3rd, ... (up to TOP_K)."""
    missed = [
        (asked.expected, [hit.article.slug for hit in hits])
        for asked, hits in results
        if asked.expected and not top_is_right(asked, hits)
    ]
    return [
        round(sum(slugs[rank : rank + 1] == [right] for right, slugs in missed) / len(missed), 4)
        if missed
        else 0.0
        for rank in range(1, TOP_K)
    ]


def top_is_right(asked: Asked, hits: list) -> bool:
    """Whether the top hit is the article that answers the question: for an out-of-scope
    question, one that declines it (Article.declines)."""
    if not hits:
        return False
    top = hits[0].article
    return top.slug == asked.expected if asked.expected else top.declines
