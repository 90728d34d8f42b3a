"""The cascade: the first model answers when it is sure, the second when it is not."""

import secrets

import pytest
from redis.asyncio import Redis

from knowledge_base.articles import ArticleContent, Status
from knowledge_base.calibration import Calibration
from knowledge_base.cascade import Cascade, SecondOpinion
from knowledge_base.embeddings import Embedder
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.live import LiveKnowledgeBase
from knowledge_base.search import Searcher, offline_searcher
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer

THRESHOLD = 0.5
ENGLISH = frozenset({"en"})
SURE = "how do I reset my password"
UNSURE = "tell me a joke"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="module")
def first(embedder: Embedder) -> Searcher:
    articles = published_articles(ARTICLES_DIR)
    return offline_searcher(articles, embedder, Tokenizer(), Calibration.load())


@pytest.fixture(scope="module")
def second(embedder: Embedder) -> Searcher:
    """Told apart from the first by its confidences: it has the default calibration."""
    articles = published_articles(ARTICLES_DIR)
    return offline_searcher(articles, embedder, Tokenizer(), Calibration())


def confidences(searcher: Searcher | Cascade, question: str) -> list[float]:
    return [hit.confidence for hit in searcher.search(question, "en", THRESHOLD).hits]


def test_a_sure_first_model_answers_alone(first: Searcher, second: Searcher) -> None:
    assert confidences(first, SURE)[0] >= 0.9
    result = Cascade(first, second, 0.9, ENGLISH).search(SURE, "en", THRESHOLD)
    assert not result.second_opinion
    assert [h.confidence for h in result.hits] == confidences(first, SURE)


def test_an_unsure_first_model_hands_the_question_to_the_second(
    first: Searcher, second: Searcher
) -> None:
    assert confidences(first, UNSURE)[0] < 0.9
    assert confidences(first, UNSURE) != confidences(second, UNSURE)
    result = Cascade(first, second, 0.9, ENGLISH).search(UNSURE, "en", THRESHOLD)
    assert result.second_opinion
    assert [h.confidence for h in result.hits] == confidences(second, UNSURE)
    assert result.answer is None  # the second model's decision: escalate


def test_only_the_listed_languages_get_a_second_opinion(first: Searcher, second: Searcher) -> None:
    question = "오늘 날씨 어때요"
    assert first.search(question, "ko", THRESHOLD).hits[0].confidence < 1.0
    assert not Cascade(first, second, 1.0, ENGLISH).search(question, "ko", THRESHOLD).second_opinion
    korean = Cascade(first, second, 1.0, frozenset({"en", "ko"}))
    assert korean.search(question, "ko", THRESHOLD).second_opinion


async def test_the_live_knowledge_base_indexes_an_edit_for_both_models(
    redis: Redis, redis_url: str, embedder: Embedder
) -> None:
    binary = Redis.from_url(redis_url)
    second_opinion = SecondOpinion(embedder, Calibration(), 1.0, ENGLISH)  # always asked
    live = LiveKnowledgeBase(
        ArticleStore(redis), embedder, Tokenizer(), Calibration.load(), binary, second_opinion
    )
    slug = f"pet-insurance-{secrets.token_hex(3)}"
    for language, title, questions in [
        ("en", "Insurance for a pet gecko", ["is my gecko insured", "gecko cover"]),
        ("ko", "반려 도마뱀 보험", ["도마뱀도 보험이 되나요", "도마뱀 보험"]),
    ]:
        await ArticleStore(redis).save(
            language,
            slug,
            ArticleContent(title=title, body=title, questions=questions, status=Status.PUBLISHED),
            by="test",
            base_revision=0,
        )
    try:
        await live.load()
        result = await live.search("is my gecko insured", "en", THRESHOLD)
        assert result.second_opinion and result.hits[0].article.slug == slug
        indexes = [live.searcher.first.indexes["en"], live.searcher.second.indexes["en"]]
        assert all(slug in {a.slug for a in index.articles} for index in indexes)
        assert indexes[0].bm25 is indexes[1].bm25  # one BM25 index for both models
        # Korean questions get no second opinion, so the second model does not index Korean.
        assert "ko" in live.searcher.first.indexes and "ko" not in live.searcher.second.indexes
    finally:
        await binary.aclose()
