"""The answer-or-escalate decision: one function, one result type, for every caller.

The bot's path (the hub's internal API), the editor's "try a question", the agent console's
suggestions and `baton eval` all decide here, so that they never disagree.
"""

from typing import Literal

from pydantic import BaseModel

from knowledge_base.search import SearchResult


class RankedArticle(BaseModel):
    """An article the bot considered, and how sure it is."""

    slug: str
    language: str
    title: str
    confidence: float
    short_answer: str
    matched: str
    url: str


class Decision(BaseModel):
    """What the bot does with a question: answer from the top article, ask the customer to
    rephrase, or hand over to a person (with the reason)."""

    decision: Literal["answer", "rephrase", "escalate"]
    reason: str | None = None  # why a person: "low_confidence" or "repeated_misses"
    threshold: float
    note: str | None
    second_opinion: bool  # the first embedding model was unsure; the second one ranked these
    results: list[RankedArticle]


def decide(
    result: SearchResult,
    *,
    nlu_confident: bool = True,
    misses: int = 0,
    max_misses: int = 2,
    base_url: str = "",
) -> Decision:
    """Answer when the knowledge base is confident. Otherwise a person takes over when the NLU
    was not confident either, or when this miss makes `max_misses` in a row (`misses` were
    before it); else the customer is asked to rephrase. Each article links to its help page."""
    if result.answer is not None:
        decision, reason = "answer", None
    elif not nlu_confident:
        decision, reason = "escalate", "low_confidence"
    elif misses + 1 >= max_misses:
        decision, reason = "escalate", "repeated_misses"
    else:
        decision, reason = "rephrase", None
    return Decision(
        decision=decision,
        reason=reason,
        threshold=result.threshold,
        note=result.note,
        second_opinion=result.second_opinion,
        results=[
            RankedArticle(
                slug=hit.article.slug,
                language=hit.article.language,
                title=hit.article.title,
                confidence=round(hit.confidence, 4),
                short_answer=hit.article.short_answer,
                matched=hit.matched,
                url=f"{base_url}/help/{hit.article.language}/{hit.article.slug}",
            )
            for hit in result.hits
        ],
    )
