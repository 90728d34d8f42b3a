"""Unanswered questions: counted by their text with whitespace normalised, most asked first with
when they were last asked, per language, the most asked MAX_KEPT kept (the test's own Redis)."""

import asyncio
import time

import pytest
from redis.asyncio import Redis

from knowledge_base import keys
from knowledge_base.unanswered import MAX_KEPT, UnansweredQuestions


@pytest.fixture
def unanswered(redis: Redis) -> UnansweredQuestions:
    return UnansweredQuestions(redis)


async def test_nothing_recorded_means_nothing_asked(unanswered: UnansweredQuestions) -> None:
    assert await unanswered.most_asked("en") == []


async def test_the_same_question_with_other_spacing_is_counted_once(
    unanswered: UnansweredQuestions,
) -> None:
    await unanswered.record("can I  pay by\tcheque", "en")
    await unanswered.record("  can I pay\nby cheque ", "en")
    [kept] = await unanswered.most_asked("en")
    assert (kept.question, kept.language, kept.count) == ("can I pay by cheque", "en", 2)


async def test_a_long_question_is_kept_to_its_first_300_characters(
    unanswered: UnansweredQuestions,
) -> None:
    await unanswered.record("why " * 100 + "first", "en")
    await unanswered.record("why " * 100 + "second", "en")  # the same first 300 characters
    [kept] = await unanswered.most_asked("en")
    assert (len(kept.question), kept.count) == (300, 2)


async def test_most_asked_first_each_with_when_it_was_last_asked(
    unanswered: UnansweredQuestions,
) -> None:
    before = time.time()
    await unanswered.record("rarely asked", "en")
    for _ in range(3):
        await unanswered.record("often asked", "en")
    middle = time.time()
    await unanswered.record("sometimes asked", "en")
    await unanswered.record("sometimes asked", "en")
    after = time.time()
    often, sometimes, rarely = await unanswered.most_asked("en")
    assert [(q.question, q.count) for q in (often, sometimes, rarely)] == [
        ("often asked", 3),
        ("sometimes asked", 2),
        ("rarely asked", 1),
    ]
    assert before <= rarely.last_seen <= often.last_seen <= middle
    assert middle <= sometimes.last_seen <= after


async def test_asking_again_moves_last_seen_on(unanswered: UnansweredQuestions) -> None:
    await unanswered.record("is there an app", "en")
    [first] = await unanswered.most_asked("en")
    await asyncio.sleep(0.01)
    await unanswered.record("is there an app", "en")
    [again] = await unanswered.most_asked("en")
    assert again.last_seen > first.last_seen


async def test_the_limit_keeps_the_most_asked(unanswered: UnansweredQuestions) -> None:
    for question, times in [("a", 1), ("b", 3), ("c", 2)]:
        for _ in range(times):
            await unanswered.record(question, "en")
    assert [q.question for q in await unanswered.most_asked("en", limit=2)] == ["b", "c"]


async def test_each_language_counts_its_own(unanswered: UnansweredQuestions) -> None:
    await unanswered.record("fees", "en")
    await unanswered.record("수수료", "ko")
    await unanswered.record("수수료", "ko")
    [english] = await unanswered.most_asked("en")
    [korean] = await unanswered.most_asked("ko")
    assert (english.question, english.language, english.count) == ("fees", "en", 1)
    assert (korean.question, korean.language, korean.count) == ("수수료", "ko", 2)
    assert await unanswered.most_asked("ja") == []


async def test_only_the_most_asked_questions_are_kept(unanswered: UnansweredQuestions) -> None:
    for _ in range(2):
        await unanswered.record("asked twice", "en")
    for n in range(MAX_KEPT):  # one more question than is kept
        await unanswered.record(f"question {n}", "en")
    kept = await unanswered.most_asked("en", limit=MAX_KEPT + 10)
    assert len(kept) == MAX_KEPT
    assert (kept[0].question, kept[0].count) == ("asked twice", 2)


async def test_when_a_question_is_dropped_so_is_its_last_seen(redis: Redis) -> None:
    unanswered = UnansweredQuestions(redis)
    for n in range(MAX_KEPT + 50):
        await unanswered.record(f"question {n}", "en")
    assert await redis.zcard(keys.unanswered("en")) == MAX_KEPT
    assert await redis.hlen(keys.unanswered_seen("en")) <= MAX_KEPT
