"""Fitting the calibration: where the right article stood when the top one was wrong."""

from knowledge_base.articles import Article, Status
from knowledge_base.confidence_fitting import Asked, lower_ranks
from knowledge_base.search import TOP_K, Hit


def ranking(*slugs: str) -> list[Hit]:
    articles = [
        Article(slug=s, language="en", title=s, body="", questions=[], status=Status.PUBLISHED)
        for s in slugs
    ]
    return [
        Hit(article=a, score=1.0 - i / 10, dense=0.0, lexical=0.0, matched="")
        for i, a in enumerate(articles)
    ]


def test_lower_ranks_are_shares_of_the_questions_the_top_article_missed() -> None:
    ranked = ranking("a", "b", "c")
    results = [
        (Asked("right at the top", "a"), ranked),
        (Asked("second", "b"), ranked),
        (Asked("third", "c"), ranked),
        (Asked("third again", "c"), ranked),
        (Asked("not ranked at all", "d"), ranked),
        (Asked("out of scope", None), ranked),
    ]
    assert lower_ranks(results) == [0.25, 0.5, 0.0, 0.0][: TOP_K - 1]


def test_no_missed_question_gives_the_lower_ranks_nothing() -> None:
    assert lower_ranks([(Asked("right", "a"), ranking("a", "b"))]) == [0.0] * (TOP_K - 1)
