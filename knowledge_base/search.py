"""Hybrid search over published articles: dense (sentence embeddings) fused with BM25.

Each article is matched through its title and its question variants (dense: the mean of its
few best cosines, blended with the cosine to their mean direction) and through all of its text
(BM25 over Kiwi morphemes or stemmed English words), and by how much the question reads like
its variants (variants.py). These are fused per language, and the top article's confidence is
the calibrated probability that it is the right answer (knowledge_base/confidence.py); the
others share what is left, as often as their rank held the right answer when the top one was
wrong.
"""

from dataclasses import dataclass, field, replace

import bm25s
import numpy as np
from threadpoolctl import threadpool_limits

from knowledge_base.articles import Article, dense_units
from knowledge_base.confidence import Calibration, LanguageCalibration
from knowledge_base.embeddings import Embedder
from knowledge_base.text import Tokenizer
from knowledge_base.variants import VariantReader

TOP_K = 5
SHORTLIST = 256  # articles whose variants are scored, on a large index (see LanguageIndex.rank)
LEXICAL_SHORTLIST = 16


def lexical_text(article: Article) -> str:
    """All of an article's words, for BM25."""
    return "\n".join([article.title, *article.questions, *article.tags, article.body])


@dataclass(frozen=True)
class Hit:
    """A ranked article, with the evidence for it."""

    article: Article
    score: float
    dense: float
    lexical: float
    matched: str
    confidence: float = 0.0


@dataclass(frozen=True)
class Features:
    """What the calibration reads off a ranking: how good the top hit is, how far ahead of the
    second, whether the dense and lexical rankings agree on it, and how long the message is."""

    dense: float
    dense_margin: float
    lexical: float
    score_margin: float
    variant: float = 0.0  # the top article's best variant's cosine
    centroid: float = 0.0  # the cosine to the top article's mean direction
    lexical_margin: float = 0.0
    dense_agrees: float = 0.0  # 1.0: the top article is also the dense ranking's first
    lexical_agrees: float = 0.0  # 1.0: ... and the lexical ranking's (BM25) first
    length: float = 0.0  # log(1 + the message's terms)
    variants_agrees: float = 0.0  # 1.0: the articles' variants read it as the top article too
    variants_margin: float = 0.0  # how much more it reads like the top article than the next

    def value(self, name: str) -> float:
        """One feature by name."""
        return float(getattr(self, name))


@dataclass(frozen=True)
class Signals:
    """A query against one index before fusion: the articles whose variants were scored (the
    shortlist), their cosines from the query to their mean direction, their BM25 scores and
    how much the query reads like each (variants.py), every unit's cosine, and how many terms
    the query has."""

    shortlist: np.ndarray
    centroid: np.ndarray
    lexical: np.ndarray  # raw BM25; the shortlist holds the best article by BM25
    unit_scores: np.ndarray
    terms: int
    read: np.ndarray  # the variant reader's scores; zeros without a reader or a reading
    read_first: int = -1  # the article the reader reads it as (index into articles), or -1


@dataclass
class LanguageIndex:
    """An immutable snapshot of one language's published articles; rebuilt on change."""

    articles: list[Article]
    unit_vectors: np.ndarray
    unit_texts: list[str]
    starts: np.ndarray
    members: np.ndarray  # each article's unit indices, padded with len(unit_texts)
    centroids: np.ndarray  # each article's mean unit direction, normalised
    bm25: bm25s.BM25 | None
    calibration: LanguageCalibration = field(default_factory=LanguageCalibration)
    shortlist: int = SHORTLIST
    variants: VariantReader | None = None  # a second reading of questions (variants.py)
    variant_rows: np.ndarray | None = None  # each article's row among the reader's scores

    @classmethod
    def build(
        cls,
        articles: list[Article],
        vectors: dict[str, np.ndarray],
        terms: dict[str, list[str]],
        calibration: LanguageCalibration,
        dimensions: int,
        bm25: bm25s.BM25 | None = None,
        variants: VariantReader | None = None,
    ) -> "LanguageIndex":
        """Assemble an index from precomputed unit vectors (by text) and BM25 terms (by key).

        `bm25`, another model's index of the same articles, is shared instead of rebuilt;
        `variants`, the articles' reader (variants.py), is fitted by the caller: one by
        n-grams for all models, or a model's own where it reads the model's embeddings.
        """
        unit_texts = [text for article in articles for text in dense_units(article)]
        sizes = [len(dense_units(article)) for article in articles]
        starts = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
        matrix = (
            np.stack([vectors[text] for text in unit_texts])
            if unit_texts
            else np.zeros((0, dimensions), dtype=np.float32)
        )
        centroids = np.zeros((len(articles), dimensions), dtype=np.float32)
        if articles:
            sums = np.add.reduceat(matrix, starts, axis=0)
            centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)
        if articles and bm25 is None:
            bm25 = bm25s.BM25()
            bm25.index([terms[a.key] or [""] for a in articles], show_progress=False)
        offsets = np.arange(max(sizes, default=1))
        members = np.where(
            offsets < np.array(sizes, dtype=np.int64)[:, None],
            starts[: len(sizes), None] + offsets,
            len(unit_texts),
        )
        rows = {slug: row for row, slug in enumerate(variants.slugs)} if variants else {}
        return cls(
            articles,
            matrix,
            unit_texts,
            starts,
            members,
            centroids,
            bm25,
            calibration,
            variants=variants,
            variant_rows=np.array([rows[a.slug] for a in articles]) if variants else None,
        )

    def rank(
        self, query_vector: np.ndarray, query_terms: list[str], question: str, k: int = TOP_K
    ) -> list[Hit]:
        """The k best articles for a query, best first, with calibrated confidences. The
        question's words are read by the articles' variant reader, if there is one (none: "").

        On an index of more than `shortlist` articles, only the variants of a shortlist are
        scored: the articles nearest by mean direction and the best by BM25 (reading every
        variant of 10,000 articles costs more than embedding the query).
        """
        if not self.articles:
            return []
        return self.ranked(self.signals(query_vector, query_terms, question), k)

    def ranked(self, signals: Signals, k: int = TOP_K) -> list[Hit]:
        """The k best articles for a query's signals, best first, with calibrated confidences."""
        hits, features = self.ranking_of(signals, k)
        return self._with_confidence(hits, features)

    def read_as(self, signals: Signals) -> str | None:
        """The slug of the article the variant reader reads the query as, if it read it."""
        return self.articles[signals.read_first].slug if signals.read_first >= 0 else None

    def signals(self, query_vector: np.ndarray, query_terms: list[str], question: str) -> Signals:
        """What the ranking reads of a query that no fusion setting changes (see `rank`)."""
        to_centroid = self.centroids @ query_vector
        raw_lexical = (
            self.bm25.get_scores(query_terms) if query_terms else np.zeros(len(self.articles))
        )
        shortlist = self._shortlist(to_centroid, raw_lexical)
        read = self._read(question, query_vector)
        return Signals(
            shortlist,
            to_centroid[shortlist],
            raw_lexical[shortlist],
            self._unit_scores(query_vector, shortlist),
            len(query_terms),
            read[shortlist] if read is not None else np.zeros(len(shortlist)),
            int(np.argmax(read)) if read is not None else -1,
        )

    def _read(self, question: str, query_vector: np.ndarray) -> np.ndarray | None:
        """How much the question reads like each article (by index), if a reader reads it."""
        if self.variants is None or not question:
            return None
        scores = self.variants.scores(question, query_vector)
        return None if scores is None else scores[self.variant_rows]

    def fused(self, signals: Signals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The shortlist's dense, lexical and fused scores by this index's calibration."""
        nearest = self.nearest(signals, self.calibration.nearest_variants)
        return fuse(self.calibration, nearest, signals.centroid, signals.lexical, signals.read)

    def ranking_of(self, signals: Signals, k: int = TOP_K) -> tuple[list[Hit], Features]:
        """The k best articles for a query's signals, and the ranking's features."""
        shortlist, unit_scores = signals.shortlist, signals.unit_scores
        dense, lexical, fused = self.fused(signals)
        order = np.argsort(-fused)[:k]
        hits = [
            Hit(
                article=self.articles[shortlist[i]],
                score=float(fused[i]),
                dense=float(dense[i]),
                lexical=float(lexical[i]),
                matched=self._best_unit(shortlist[i], unit_scores),
            )
            for i in order
        ]
        top = order[0]
        features = replace(
            self.features_of(hits),
            variant=float(unit_scores[self._best_unit_index(shortlist[top], unit_scores)]),
            centroid=float(signals.centroid[top]),
            dense_agrees=float(np.argmax(dense) == top),
            lexical_agrees=float(signals.lexical.max() > 0 and np.argmax(signals.lexical) == top),
            length=float(np.log1p(signals.terms)),
            variants_agrees=float(signals.read_first == shortlist[top]),
            variants_margin=_margin(signals.read, top),
        )
        return hits, features

    def _shortlist(self, to_centroid: np.ndarray, raw_lexical: np.ndarray) -> np.ndarray:
        """The articles whose variants are scored: all of them, unless there are many."""
        if len(self.articles) <= self.shortlist:
            return np.arange(len(self.articles))
        by_centroid = np.argpartition(-to_centroid, self.shortlist - 1)[: self.shortlist]
        lexical = min(LEXICAL_SHORTLIST, len(self.articles))
        by_lexical = np.argpartition(-raw_lexical, lexical - 1)[:lexical]
        return np.union1d(by_centroid, by_lexical)

    def _unit_scores(self, query_vector: np.ndarray, shortlist: np.ndarray) -> np.ndarray:
        """Every unit's cosine to the query; -inf for units of articles off the shortlist."""
        if len(shortlist) == len(self.articles):
            return self.unit_vectors @ query_vector
        rows = self.members[shortlist]
        rows = rows[rows < len(self.unit_texts)]
        scores = np.full(len(self.unit_texts), -np.inf, dtype=np.float32)
        scores[rows] = self.unit_vectors[rows] @ query_vector
        return scores

    def nearest(self, signals: Signals, variants: int) -> np.ndarray:
        """Each shortlisted article's mean of its `variants` best unit scores."""
        k = min(variants, self.members.shape[1])
        padded = np.append(signals.unit_scores, -np.inf)[self.members[signals.shortlist]]
        if k == 1:
            return padded.max(axis=1)
        best = -np.partition(-padded, k - 1, axis=1)[:, :k]
        real = np.isfinite(best)  # an article with fewer than k units has padding among them
        return np.where(real, best, 0.0).sum(axis=1) / real.sum(axis=1)

    def _best_unit(self, article_index: int, unit_scores: np.ndarray) -> str:
        return self.unit_texts[self._best_unit_index(article_index, unit_scores)]

    def _best_unit_index(self, article_index: int, unit_scores: np.ndarray) -> int:
        """The index of an article's unit nearest the query."""
        start = self.starts[article_index]
        end = self.starts[article_index + 1] if article_index + 1 < len(self.starts) else None
        return int(start + np.argmax(unit_scores[start:end]))

    def _with_confidence(self, hits: list[Hit], features: Features) -> list[Hit]:
        """The top hit's calibrated P(right answer); each lower hit's part of the rest.

        A lower hit gets the chance that the top one is wrong times how often, when it was
        wrong on the calibration questions, the right article stood at the hit's rank: the
        confidences of one ranking never add up to more than one.
        """
        top = self.calibration.probability(features)
        shares = self.calibration.lower_ranks
        return [replace(hits[0], confidence=top)] + [
            replace(hit, confidence=(1 - top) * (shares[i] if i < len(shares) else 0.0))
            for i, hit in enumerate(hits[1:])
        ]

    @staticmethod
    def features_of(hits: list[Hit]) -> Features:
        """The features read off the hits alone (the top's, and its margins to the second)."""
        top, second = hits[0], hits[1] if len(hits) > 1 else None
        return Features(
            dense=top.dense,
            dense_margin=top.dense - (second.dense if second else 0.0),
            lexical=top.lexical,
            score_margin=top.score - (second.score if second else 0.0),
            lexical_margin=top.lexical - (second.lexical if second else 0.0),
        )


def fuse(
    calibration: LanguageCalibration,
    nearest: np.ndarray,
    centroid: np.ndarray,
    lexical: np.ndarray,
    read: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Articles' dense, lexical and fused scores (along the last axis: one query's, or one
    query's a row) from their nearest variants' and centroid's cosines, raw BM25 and the
    variant reader's scores, by a calibration's weights. BM25 counts relative to the query's
    best article (its scale differs from query to query)."""
    blend = calibration.centroid_weight
    dense = (1 - blend) * nearest + blend * centroid
    absolute = lexical / (lexical + calibration.lexical_half)
    top = lexical.max(axis=-1, keepdims=True)
    relative = np.where(top > 0, lexical / np.where(top > 0, top, 1.0), absolute)
    weight = calibration.lexical_weight
    fused = (1 - weight) * dense + weight * relative + calibration.variants_weight * read
    return dense, absolute, fused


def _margin(scores: np.ndarray, top: int) -> float:
    """How far scores[top] is above the best of the others (below it: negative)."""
    others = np.delete(scores, top)
    return float(scores[top] - others.max()) if len(others) else 0.0


@dataclass(frozen=True)
class SearchResult:
    """What the bot would do with a question: the ranked articles and the decision."""

    language: str
    hits: list[Hit]
    answer: Hit | None
    threshold: float
    note: str | None = None
    second_opinion: bool = False  # answered by a cascade's second model (cascade.py)
    # The article the answer's own-language variants read the question as (variants.py), if
    # there is such an answer and a reader.
    variants_read: str | None = None
    # A second model's ranking whose top article the first model ranked first too.
    agrees_with_first: bool = False

    def as_second_opinion(self, first: "SearchResult") -> "SearchResult":
        """This ranking as a second model's opinion beside the first model's ranking: marked
        so, and whether the two rank the same article first."""
        tops = [result.hits[0].article.key for result in (self, first) if result.hits]
        agrees = len(tops) == 2 and tops[0] == tops[1]
        return replace(self, second_opinion=True, agrees_with_first=agrees)


class Searcher:
    """Ranks articles for questions, in the customer's language first."""

    def __init__(self, embedder: Embedder, tokenizer: Tokenizer, calibration: Calibration) -> None:
        # One BLAS thread: a query's matrix-vector product gains nothing from more, and idle
        # BLAS threads spinning after it slow down the next query's embedding (measured: the
        # p95 of a query on 10,000 articles fell from 96 ms to 20 ms).
        threadpool_limits(limits=1, user_api="blas")
        self.embedder = embedder
        self._tokenizer = tokenizer
        self.calibration = calibration
        self.indexes: dict[str, LanguageIndex] = {}

    def search(self, question: str, language: str, threshold: float) -> SearchResult:
        """Rank articles; answer with the top one if its confidence reaches the threshold.

        When nothing in the customer's language is confident enough but an article that exists
        only in another language is, that one is offered, with a note saying so.
        """
        vector = self.embedder.embed_question(question)
        terms = self._tokenizer.terms(question)
        own, read = self._rank(language, vector, terms, question)
        if own and own[0].confidence >= threshold:
            return SearchResult(language, own, own[0], threshold, variants_read=read)
        own_slugs = {hit.article.slug for hit in own} | self._slugs(language)
        for other in sorted(set(self.indexes) - {language}):
            ranked, _ = self._rank(other, vector, terms, question)
            hits = [h for h in ranked if h.article.slug not in own_slugs]
            if hits and hits[0].confidence >= threshold:
                note = f"only_in:{other}"
                return SearchResult(language, hits, hits[0], threshold, note)
        return SearchResult(language, own, None, threshold)

    def _rank(
        self, language: str, vector: np.ndarray, terms: list[str], question: str
    ) -> tuple[list[Hit], str | None]:
        """A language's best articles for the question, and the one its variants read it as."""
        index = self.indexes.get(language)
        if index is None or not index.articles:
            return [], None
        signals = index.signals(vector, terms, question)
        return index.ranked(signals), index.read_as(signals)

    def _slugs(self, language: str) -> set[str]:
        index = self.indexes.get(language)
        return {a.slug for a in index.articles} if index else set()


def offline_searcher(
    articles: dict[str, list[Article]],
    embedder: Embedder,
    tokenizer: Tokenizer,
    calibration: Calibration,
) -> Searcher:
    """A searcher over fixed articles (by language), for evaluation, tests and benchmarks."""
    searcher = Searcher(embedder, tokenizer, calibration)
    for language, language_articles in articles.items():
        texts = list({t: None for a in language_articles for t in dense_units(a)})
        vectors = dict(zip(texts, embedder.embed(texts), strict=True))
        terms = {a.key: tokenizer.terms(lexical_text(a)) for a in language_articles}
        fitted = calibration.for_language(language)
        reader_vectors = vectors if fitted.reader_embeddings else None
        searcher.indexes[language] = LanguageIndex.build(
            language_articles,
            vectors,
            terms,
            fitted,
            embedder.dimensions,
            variants=VariantReader.fitted(language_articles, reader_vectors),
        )
    return searcher
