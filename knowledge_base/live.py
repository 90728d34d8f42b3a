"""The hub's live knowledge base: published articles indexed in memory, following every save.

Every hub process keeps its own index and subscribes to the store's change feed, so a save in
one process is searchable in all of them as soon as the changed language is re-indexed
(embeddings of unchanged texts are reused; new ones are cached in Redis for restarts). With
second opinions (knowledge_base/cascade.py: a second model per language, each asked in its own),
each language one is asked in has an index per model, sharing BM25; the bot asks it when the
first model's ranking would not answer at once (handoff/assistant/answers.py). The first model's
index of a change goes live before the second model's is built: the second opinion lags the
first by the second's fit (about a second).
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from redis.asyncio import Redis
from redis.exceptions import RedisError

from knowledge_base import keys
from knowledge_base.articles import Article, Status, dense_units
from knowledge_base.cascade import SecondOpinion, asked_languages
from knowledge_base.confidence import Calibration
from knowledge_base.embeddings import Embedder
from knowledge_base.morpheme_urgency import MorphemeUrgencyReader
from knowledge_base.scope import ScopeReader
from knowledge_base.search import LanguageIndex, Searcher, SearchResult, lexical_text
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer
from knowledge_base.urgency import UrgencyReader
from knowledge_base.variants import VariantReader

logger = logging.getLogger(__name__)

FEED_RETRY_SECONDS = 1.0  # between attempts to follow the change feed again
# What a language's variant readers are fitted on: each article's slug, title and variants.
_ReaderTexts = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass
class _Model:
    """One embedding model's side of the knowledge base: its searcher and the vectors it has."""

    embedder: Embedder
    searcher: Searcher
    languages: frozenset[str] | None  # the languages it indexes; None: all
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def indexes(self, language: str) -> bool:
        """Whether it indexes (and so is asked in) this language."""
        return self.languages is None or language in self.languages


class LiveKnowledgeBase:
    """Searchable published articles, kept current from the store's change feed."""

    def __init__(
        self,
        store: ArticleStore,
        embedder: Embedder,
        tokenizer: Tokenizer,
        calibration: Calibration,
        vector_cache: Redis,
        second_opinions: Sequence[SecondOpinion] = (),
        morpheme_urgency: MorphemeUrgencyReader | None = None,
    ) -> None:
        self._store = store
        self._tokenizer = tokenizer
        # The urgency readers of the languages no second model's reader reads.
        self._morpheme_urgency = morpheme_urgency
        self._vector_cache = vector_cache
        self._published: dict[str, dict[str, Article]] = {}
        self._terms: dict[str, tuple[int, list[str]]] = {}  # by key: (revision, terms)
        # By language: the slugs and texts the readers were fitted on, and the readers by the
        # id of the vectors they read (None: n-grams alone).
        self._readers: dict[str, tuple[_ReaderTexts, dict[int, VariantReader | None]]] = {}
        self._lock = asyncio.Lock()
        self._models = [self._model(embedder, calibration, None)]
        self.searcher = self._models[0].searcher
        # By language: the second model asked in it, and the scope and urgency readers reading it.
        self.second: dict[str, _Model] = {}
        self._scope: dict[str, tuple[_Model, ScopeReader]] = {}
        self._urgency: dict[str, tuple[_Model, UrgencyReader]] = {}
        for opinion in second_opinions:
            asked_in = asked_languages(opinion.below)
            model = self._model(opinion.embedder, opinion.calibration, asked_in)
            self._models.append(model)
            for language in asked_in:
                self.second.setdefault(language, model)
                if opinion.scope is not None and language in opinion.scope.languages:
                    self._scope.setdefault(language, (model, opinion.scope))
                if opinion.urgency is not None and language in opinion.urgency.languages:
                    self._urgency.setdefault(language, (model, opinion.urgency))

    def _model(
        self, embedder: Embedder, calibration: Calibration, languages: frozenset[str] | None
    ) -> _Model:
        searcher = Searcher(embedder, self._tokenizer, calibration)
        return _Model(embedder, searcher, languages)

    async def search(self, question: str, language: str, threshold: float) -> SearchResult:
        """Rank the published articles for a question, off the event loop."""
        return await asyncio.to_thread(self.searcher.search, question, language, threshold)

    async def second_opinion(
        self, question: str, language: str, threshold: float, first: SearchResult
    ) -> SearchResult | None:
        """The second model's ranking beside the first model's (`first`), or None where it is
        not asked."""
        if language not in self.second:
            return None
        searcher = self.second[language].searcher
        result = await asyncio.to_thread(searcher.search, question, language, threshold)
        return result.as_second_opinion(first)

    async def reads_in_scope(self, question: str, language: str) -> bool | None:
        """Whether the second model's scope reader reads the message as in scope
        (knowledge_base/scope.py); None in a language it has no reader for."""
        if language not in self._scope:
            return None
        model, reader = self._scope[language]
        vector = await asyncio.to_thread(model.embedder.embed_question, question)
        return reader.reads_in_scope(vector, language)

    async def reads_urgent(self, question: str, language: str) -> str | None:
        """The urgent intent the urgency reader reads the message as, if any: the second
        model's (knowledge_base/urgency.py), else the morpheme reader
        (knowledge_base/morpheme_urgency.py); None too in a language neither reads."""
        if language in self._urgency:
            model, reader = self._urgency[language]
            vector = await asyncio.to_thread(model.embedder.embed_question, question)
            return reader.reads_urgent(vector, language)
        by_morphemes = self._morpheme_urgency
        if by_morphemes is None or language not in by_morphemes.languages:
            return None
        return await asyncio.to_thread(by_morphemes.reads_urgent, question, language)

    def article(self, language: str, slug: str) -> Article | None:
        """A published article, if it is."""
        return self._published.get(language, {}).get(slug)

    async def load(self) -> None:
        """Index every published article (again: what was unpublished meanwhile is dropped)."""
        async with self._lock:
            published = {
                language: {article.slug: article for article in articles}
                for language, articles in (await self._store.published()).items()
            }
            dropped = set(self._published) - set(published)
            self._published = published
            for language in sorted(set(published) | dropped):
                await self._reindex(language)
        logger.info("Knowledge base indexed: %s", {k: len(v) for k, v in self._published.items()})

    async def refresh(self, *changed: str) -> None:
        """Re-read changed articles ("language:slug"); re-index each of their languages once."""
        async with self._lock:
            languages = set()
            for key in dict.fromkeys(changed):
                language, slug = key.split(":", 1)
                languages.add(language)
                article = await self._store.get(language, slug)
                articles = self._published.setdefault(language, {})
                if article is not None and article.status is Status.PUBLISHED:
                    articles[slug] = article
                else:
                    articles.pop(slug, None)
            for language in sorted(languages):
                await self._reindex(language)

    async def follow(self, redis: Redis) -> None:
        """Apply every save announced on the change feed, forever.

        Saves announced while a language is being re-indexed are applied together, so that a
        bulk import costs a few re-indexes rather than one per article. When the feed is lost
        (Redis restarted or failed over), it is followed again and every article re-read, as
        saves announced meanwhile were missed.
        """
        missed = False
        while True:
            try:
                await self._follow_feed(redis, missed)
            except RedisError as error:
                logger.warning("Knowledge-base change feed lost, following again: %r", error)
                missed = True
                await asyncio.sleep(FEED_RETRY_SECONDS)

    async def _follow_feed(self, redis: Redis, reload: bool) -> None:
        pubsub = redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(keys.KB_CHANGES_CHANNEL)
        try:
            if reload:
                await self.load()
            async for message in pubsub.listen():
                changed = [message["data"]]
                while pending := await pubsub.get_message(timeout=0):
                    changed.append(pending["data"])
                await self.refresh(*changed)
        finally:
            await pubsub.aclose()

    def _kept_readers(
        self, language: str, articles: list[Article]
    ) -> dict[int, VariantReader | None]:
        """The language's variant readers by the id of the vectors they read (None: n-grams
        alone), kept while no title or variant changes (an edit to an answer's words or tags):
        they read those alone, and refitting them is most of a re-index. Empty, to be filled,
        after any other change."""
        read_texts = tuple((a.slug, tuple(dense_units(a))) for a in articles)
        fitted_on, readers = self._readers.get(language, (None, {}))
        if fitted_on != read_texts:
            readers = {}
            self._readers[language] = (read_texts, readers)
        return readers

    async def _reindex(self, language: str) -> None:
        articles = sorted(self._published.get(language, {}).values(), key=lambda a: a.slug)
        texts = list({t: None for a in articles for t in dense_units(a)})
        for article in articles:
            if self._terms.get(article.key, (None,))[0] != article.revision:
                terms = self._tokenizer.terms(lexical_text(article))
                self._terms[article.key] = (article.revision, terms)
        terms = {article.key: self._terms[article.key][1] for article in articles}
        readers = self._kept_readers(language, articles)
        bm25 = None
        for model in (model for model in self._models if model.indexes(language)):
            missing = [t for t in texts if t not in model.vectors]
            if missing:
                vectors = await model.embedder.embed_cached(missing, self._vector_cache)
                model.vectors.update(zip(missing, vectors, strict=True))
            calibration = model.searcher.calibration.for_language(language)
            read = model.vectors if calibration.reader_embeddings else None
            if id(read) not in readers:
                readers[id(read)] = await asyncio.to_thread(VariantReader.fitted, articles, read)
            index = await asyncio.to_thread(
                LanguageIndex.build,
                articles,
                model.vectors,
                terms,
                calibration,
                model.embedder.dimensions,
                bm25,
                readers[id(read)],
            )
            bm25 = index.bm25
            model.searcher.indexes[language] = index
