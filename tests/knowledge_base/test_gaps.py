"""The knowledge-gap loop's groups, on the real embedding model and Kiwi, from a real Redis
stream: paraphrases together, other topics apart, duplicates collapsed, per language, with
counts and the weekly trend."""

import time

import pytest
from redis.asyncio import Redis

from knowledge_base import keys
from knowledge_base.embeddings import Embedder
from knowledge_base.gap_groups import WEEK_SECONDS, Asked, GapGroup, groups, tally
from knowledge_base.gap_log import DECLINED, NOT_HELPFUL, UNANSWERED, GapLog
from knowledge_base.gaps import KnowledgeGaps, QuestionVectors
from knowledge_base.text import Tokenizer

CRYPTO = [
    "Can I buy bitcoin with my account?",
    "can I purchase bitcoin through your app",
    "is buying bitcoin possible here",
]
PET_INSURANCE = [
    "Do you offer insurance for my dog?",
    "can I get pet insurance through you",
]
KOREAN_CRYPTO = ["비트코인 살 수 있나요?", "비트코인 구매 가능한가요", "비트코인을 사고 싶어요"]
KOREAN_CARD = ["체크카드 발급 받을 수 있나요?", "체크카드 신청은 어떻게 하나요"]


@pytest.fixture(scope="module")
def vectors() -> QuestionVectors:
    return QuestionVectors(Embedder(), Tokenizer())


@pytest.fixture
def gaps(redis: Redis, vectors: QuestionVectors) -> KnowledgeGaps:
    return KnowledgeGaps(GapLog(redis), vectors)


async def record(redis: Redis, language: str, questions: list[str]) -> None:
    for question in questions:
        await GapLog(redis).record(question, language, UNANSWERED)


def grouped_as(found: list[GapGroup]) -> list[set[str]]:
    return [{q.question for q in group.questions} for group in found]


async def test_paraphrases_land_together_and_other_topics_apart(
    gaps: KnowledgeGaps, redis: Redis
) -> None:
    await record(redis, "en", CRYPTO + PET_INSURANCE)
    report = await gaps.report("en")
    assert report.asked == 5
    assert sorted(grouped_as(report.groups), key=len) == [set(PET_INSURANCE), set(CRYPTO)]
    assert [g.count for g in report.groups] == [3, 2]  # biggest first


async def test_duplicates_collapse_into_one_question_with_their_count(
    gaps: KnowledgeGaps, redis: Redis
) -> None:
    same = ["Can I buy bitcoin?", "can i buy  bitcoin", "Can I buy Bitcoin??"]
    await record(redis, "en", same)  # the same text but for case and marks
    await GapLog(redis).record("Can I buy bitcoins?", "en", NOT_HELPFUL)  # a near-duplicate
    await GapLog(redis).record("can I buy bitcoin", "en", DECLINED)
    await record(redis, "en", ["Do you offer insurance for my dog?"])
    [crypto, dog] = (await gaps.report("en")).groups
    assert (crypto.count, crypto.not_helpful, crypto.declined) == (5, 1, 1)
    assert len(crypto.questions) == 1 and dog.declined == 0
    assert crypto.questions[0].count == 5
    assert crypto.questions[0].question == "can I buy bitcoin"  # the latest wording
    assert [q.question for q in dog.questions] == ["Do you offer insurance for my dog?"]


async def test_each_language_is_grouped_apart_korean_by_its_morphemes(
    gaps: KnowledgeGaps, redis: Redis
) -> None:
    await record(redis, "ko", KOREAN_CRYPTO + KOREAN_CARD)
    await record(redis, "en", CRYPTO[:1])
    korean = await gaps.report("ko")
    assert sorted(grouped_as(korean.groups), key=len) == [set(KOREAN_CARD), set(KOREAN_CRYPTO)]
    assert grouped_as((await gaps.report("en")).groups) == [{CRYPTO[0]}]
    assert (await gaps.report("fr")).groups == []


def test_the_trend_counts_this_week_against_the_week_before(vectors: QuestionVectors) -> None:
    now = time.time()
    asked = [
        Asked(CRYPTO[0], UNANSWERED, now - 3600),
        Asked(CRYPTO[1], UNANSWERED, now - 2 * 86400),
        Asked(CRYPTO[2], UNANSWERED, now - WEEK_SECONDS - 86400),
    ]
    tallies = tally(asked, now)
    [group] = groups(tallies, vectors.of([t.question for t in tallies], "en"), "en")
    assert (group.count, group.this_week, group.last_week) == (3, 2, 1)
    assert group.last_seen == pytest.approx(now - 3600)


async def test_questions_older_than_the_window_are_left_out(
    gaps: KnowledgeGaps, redis: Redis
) -> None:
    await GapLog(redis).record(CRYPTO[0], "en", UNANSWERED)
    three_weeks_on = time.time() + 3 * WEEK_SECONDS
    assert (await gaps.report("en", now=three_weeks_on)).groups == []


async def test_the_log_keeps_about_its_cap_with_spacing_normalised(redis: Redis) -> None:
    log = GapLog(redis, kept=100)
    for n in range(300):
        await log.record(f"question   number {n}", "en", UNANSWERED)
    assert 100 <= await redis.xlen(keys.gap_log("en")) <= 200  # trimmed by whole stream nodes
    latest = (await log.recent("en"))[-1]
    assert (latest.question, latest.kind) == ("question number 299", UNANSWERED)
