"""The answer-or-escalate decision, on made-up search results."""

import pytest

from knowledge_base.articles import Article, Status
from knowledge_base.decision import decide
from knowledge_base.search import Hit, SearchResult


def result(confidence: float | None, threshold: float = 0.5) -> SearchResult:
    """A search result whose top article has this confidence (None: no article at all)."""
    article = Article(
        slug="fees", language="en", title="Fees", body="It depends.", status=Status.PUBLISHED
    )
    matched = "how much does it cost"
    hits = [] if confidence is None else [Hit(article, 0.0, 0.0, 0.0, matched, confidence)]
    answer = hits[0] if hits and confidence >= threshold else None
    return SearchResult(language="en", hits=hits, answer=answer, threshold=threshold)


def test_a_confident_article_is_the_answer_whatever_the_nlu_or_the_misses() -> None:
    decision = decide(result(0.8), nlu_confident=False, misses=5, base_url="https://help.example")
    assert (decision.decision, decision.reason) == ("answer", None)
    assert decision.results[0].url == "https://help.example/help/en/fees"


@pytest.mark.parametrize(
    ("nlu_confident", "misses", "expected"),
    [
        (True, 0, ("rephrase", None)),
        (True, 1, ("escalate", "repeated_misses")),
        (False, 0, ("escalate", "low_confidence")),
    ],
)
def test_a_miss_asks_to_rephrase_until_the_nlu_is_unsure_too_or_misses_repeat(
    nlu_confident: bool, misses: int, expected: tuple[str, str | None]
) -> None:
    for confidence in (0.3, None):
        decision = decide(result(confidence), nlu_confident=nlu_confident, misses=misses)
        assert (decision.decision, decision.reason) == expected


def test_the_limit_of_misses_in_a_row_is_a_setting() -> None:
    assert decide(result(0.1), misses=1, max_misses=3).decision == "rephrase"
    assert decide(result(0.1), misses=2, max_misses=3).decision == "escalate"
    assert decide(result(0.1), misses=0, max_misses=1).decision == "escalate"
