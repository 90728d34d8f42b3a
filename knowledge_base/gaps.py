"""The knowledge-gap loop's report: the recent unanswered and not-helpful questions of a
language, grouped by meaning (knowledge_base/gap_groups.py).

English (and any language but Korean) is read by the knowledge base's embedding model. That
model is English-only: Korean questions are compared by their Kiwi content morphemes and
morpheme pairs (the knowledge base's lexical terms, TF-IDF weighted over the window) instead.
Embeddings are kept between reports, so a report embeds only the questions new since the last.
"""

import asyncio
import time

import numpy as np
from pydantic import BaseModel
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from knowledge_base.embeddings import Embedder
from knowledge_base.gap_groups import GapGroup, groups, tally
from knowledge_base.gap_log import GapLog
from knowledge_base.text import Tokenizer

LEXICAL_LANGUAGES = frozenset({"ko"})  # the embedding model does not read them


class GapReport(BaseModel):
    """A language's groups, made of `asked` askings since `since` (epoch seconds)."""

    language: str
    since: float
    asked: int
    groups: list[GapGroup]


class QuestionVectors:
    """Unit vectors of questions to group: embeddings (kept, by text), or Korean terms."""

    def __init__(self, embedder: Embedder, tokenizer: Tokenizer) -> None:
        self._embedder = embedder
        self._tokenizer = tokenizer
        self._kept: dict[str, np.ndarray] = {}

    def of(self, questions: list[str], language: str) -> np.ndarray:
        """One unit vector per question."""
        if language in LEXICAL_LANGUAGES:
            return self.lexical(questions)
        missing = [q for q in dict.fromkeys(questions) if q not in self._kept]
        if missing:
            self._kept.update(zip(missing, self._embedder.embed(missing), strict=True))
        vectors = np.array([self._kept[q] for q in questions], dtype=np.float32)
        return vectors.reshape(len(questions), self._embedder.dimensions)

    def lexical(self, questions: list[str]) -> np.ndarray:
        """TF-IDF of the knowledge base's terms (Kiwi morphemes for Korean), unit length."""
        vectorizer = TfidfVectorizer(analyzer=self._tokenizer.terms, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(questions).toarray()
        except ValueError:  # not one term in any of them: nothing to compare, all apart
            return np.eye(len(questions), dtype=np.float32)
        return normalize(matrix).astype(np.float32)

    def forget_all_but(self, questions: set[str]) -> None:
        """Drop the kept embeddings of questions no longer in any window."""
        self._kept = {q: v for q, v in self._kept.items() if q in questions}


class KnowledgeGaps:
    """Groups the recent unanswered and not-helpful questions of a language by meaning."""

    def __init__(self, log: GapLog, vectors: QuestionVectors) -> None:
        self._log = log
        self._vectors = vectors
        self._windows: dict[str, set[str]] = {}
        self._lock = asyncio.Lock()  # one report at a time: they share the kept embeddings

    async def report(self, language: str, now: float | None = None) -> GapReport:
        """The groups of the last two weeks, biggest first."""
        async with self._lock:
            return await self._report(language, now or time.time())

    async def _report(self, language: str, now: float) -> GapReport:
        asked = await self._log.recent(language, now)
        tallies = tally(asked, now)
        if not tallies:
            return GapReport(language=language, since=now, asked=0, groups=[])
        questions = [t.question for t in tallies]
        vectors = await asyncio.to_thread(self._vectors.of, questions, language)
        found = await asyncio.to_thread(groups, tallies, vectors, language)
        self._windows[language] = set(questions)
        self._vectors.forget_all_but(set().union(*self._windows.values()))
        return GapReport(language=language, since=asked[0].at, asked=len(asked), groups=found)
