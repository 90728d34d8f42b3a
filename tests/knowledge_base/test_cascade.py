"""The cascade: the first model answers when it is sure, the second when it is not."""

import secrets
from pathlib import Path

import pytest
from redis.asyncio import Redis

from knowledge_base.articles import ArticleContent, Status
from knowledge_base.cascade import (
    Cascade,
    SecondOpinion,
    SecondOpinionFit,
    asked_languages,
    limits_by_model,
    second_opinion_file,
    second_opinion_limits,
)
from knowledge_base.confidence import Calibration
from knowledge_base.confidence_fitting import Asked, FitReport, fit_second_opinion
from knowledge_base.embeddings import Embedder
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.live import LiveKnowledgeBase
from knowledge_base.search import Searcher, offline_searcher
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer

THRESHOLD = 0.5
ENGLISH = {"en": 0.9}  # the second model is asked under 90% confidence, in English only
SURE = "how do I reset my password"
UNSURE = "what colour is the sky on mars"


@pytest.fixture(scope="module")
def first(seed_embedder: Embedder) -> Searcher:
    articles = published_articles(ARTICLES_DIR)
    return offline_searcher(articles, seed_embedder, Tokenizer(), Calibration.load())


@pytest.fixture(scope="module")
def second(seed_embedder: Embedder) -> Searcher:
    """Told apart from the first by its confidences: it has the default calibration."""
    articles = published_articles(ARTICLES_DIR)
    return offline_searcher(articles, seed_embedder, Tokenizer(), Calibration())


def confidences(searcher: Searcher | Cascade, question: str) -> list[float]:
    return [hit.confidence for hit in searcher.search(question, "en", THRESHOLD).hits]


def test_a_sure_first_model_answers_alone(first: Searcher, second: Searcher) -> None:
    assert confidences(first, SURE)[0] >= 0.9
    result = Cascade(first, second, ENGLISH).search(SURE, "en", THRESHOLD)
    assert not result.second_opinion
    assert [h.confidence for h in result.hits] == confidences(first, SURE)


def test_an_unsure_first_model_hands_the_question_to_the_second(
    first: Searcher, second: Searcher
) -> None:
    assert confidences(first, UNSURE)[0] < 0.9
    assert confidences(first, UNSURE) != confidences(second, UNSURE)
    result = Cascade(first, second, ENGLISH).search(UNSURE, "en", THRESHOLD)
    assert result.second_opinion
    assert [h.confidence for h in result.hits] == confidences(second, UNSURE)
    alone = second.search(UNSURE, "en", THRESHOLD)  # the second model's decision, as it is
    assert [h.article.slug for h in result.hits] == [h.article.slug for h in alone.hits]
    assert (result.answer is None) == (alone.answer is None)


def test_only_languages_with_a_limit_get_a_second_opinion(
    first: Searcher, second: Searcher
) -> None:
    question = "그거 좀 알려주세요"  # vague: no article is sure of it
    assert first.search(question, "ko", THRESHOLD).hits[0].confidence < 0.9
    assert not Cascade(first, second, ENGLISH).search(question, "ko", THRESHOLD).second_opinion
    both = Cascade(first, second, ENGLISH | {"ko": 0.9})
    assert both.search(question, "ko", THRESHOLD).second_opinion


def held_out(*outcomes: tuple[str, bool, float]) -> FitReport:
    return FitReport(
        "en", len(outcomes), 0, 0.0, 0.0, 0.0, 1, {Asked(q, "x"): (r, c) for q, r, c in outcomes}
    )


def test_the_limit_is_fitted_where_the_second_model_gets_more_right() -> None:
    first = held_out(("a", True, 0.95), ("b", False, 0.6), ("c", False, 0.75), ("d", True, 0.7))
    second = held_out(("a", False, 0.5), ("b", True, 0.9), ("c", True, 0.9), ("d", True, 0.8))
    assert fit_second_opinion(first, second) == 0.8  # b, c to the second; a stays: 4 right


def test_a_second_model_that_does_not_help_is_never_asked() -> None:
    first = held_out(("a", True, 0.95), ("b", False, 0.6))
    second = held_out(("a", False, 0.5), ("b", False, 0.9))
    assert fit_second_opinion(first, second) == 0.0


def test_a_second_model_that_helps_by_less_than_a_point_is_never_asked() -> None:
    # 101 questions; the second model gets one more right (b): under a point, not worth a hub's
    # second index of the language.
    sure = [(f"q{i}", True, 0.95) for i in range(100)]
    first = held_out(*sure, ("b", False, 0.6))
    second = held_out(*sure, ("b", True, 0.9))
    assert fit_second_opinion(first, second) == 0.0
    assert fit_second_opinion(held_out(*sure[:50], ("b", False, 0.6)), second) == 0.7


async def test_the_live_knowledge_base_indexes_an_edit_for_each_language_s_second_model(
    redis: Redis, database_url: str, seed_embedder: Embedder
) -> None:
    binary = Redis.from_url(database_url)
    # one second model always asked in English, another in Korean (the same weights, for speed)
    english = SecondOpinion(seed_embedder, Calibration(), {"en": 1.0, "ko": 0.0})
    korean = SecondOpinion(seed_embedder, Calibration(), {"ko": 1.0})
    live = LiveKnowledgeBase(
        ArticleStore(redis),
        seed_embedder,
        Tokenizer(),
        Calibration.load(),
        binary,
        [english, korean],
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
        first_result = await live.search("is my gecko insured", "en", THRESHOLD)
        result = await live.second_opinion("is my gecko insured", "en", THRESHOLD, first_result)
        assert result.second_opinion and result.hits[0].article.slug == slug
        assert result.agrees_with_first  # the first model ranks the gecko's article first too
        first, second = live.searcher, live.second["en"].searcher
        indexes = [first.indexes["en"], second.indexes["en"]]
        assert all(slug in {a.slug for a in index.articles} for index in indexes)
        assert indexes[0].bm25 is indexes[1].bm25  # one BM25 index for both models
        # Each second model indexes only the language it is asked in.
        korean_second = live.second["ko"].searcher
        assert set(second.indexes) == {"en"} and set(korean_second.indexes) == {"ko"}
        first_korean = await live.search("도마뱀도 보험이 되나요", "ko", THRESHOLD)
        again = await live.second_opinion("도마뱀도 보험이 되나요", "ko", THRESHOLD, first_korean)
        assert again.second_opinion and again.hits[0].article.slug == slug
        assert await live.second_opinion("gecko", "ja", THRESHOLD, first_result) is None
    finally:
        await binary.aclose()


def test_limits_fitted_for_another_second_model_are_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Changing BATON_SECOND_OPINION_MODEL without refitting: the hub never asks it, and says so.
    Each language's limit holds for the model it was fitted with."""
    fit = SecondOpinionFit({"en": "models/fitted", "ko": "models/korean"}, {"en": 0.85, "ko": 0.9})
    fit.save(second_opinion_file(str(tmp_path)))
    assert second_opinion_limits(str(tmp_path), "models/fitted") == {"en": 0.85}
    assert second_opinion_limits(str(tmp_path), "models/korean") == {"ko": 0.9}
    assert "kb calibrate" not in caplog.text
    assert second_opinion_limits(str(tmp_path), "models/other") == {}
    assert "kb calibrate" in caplog.text
    configured = {"models/fitted": ["en", "ko"], "models/korean": ["ja"]}
    assert limits_by_model(str(tmp_path), configured) == {
        "models/fitted": {"en": 0.85},
        "models/korean": {},
    }
    assert "models/fitted is configured as the second model in ko" in caplog.text
    assert "models/korean is configured as the second model in ja" in caplog.text


def test_a_second_model_is_asked_in_the_languages_with_a_limit() -> None:
    assert asked_languages({"en": 0.8, "ko": 0.0, "ja": 0.5}) == {"en", "ja"}
    assert asked_languages({}) == frozenset()
