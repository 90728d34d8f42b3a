"""The dashboard's roll-ups on a real Redis: each event moves exactly the figures it should."""

import collections
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.store import ConversationStore
from handoff.customers.follow_up import FollowUps
from handoff.dashboard import histogram
from handoff.dashboard.report import Filters, period_days, read_totals, tables
from handoff.dashboard.rollups import ANY, day_of, hour_of
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from tests.support import redis_server_of_its_own

DIMS = "c|web|en|check_fees|"


class Figures:
    """The figures of every conversation's own dimensions and of agents, as
    "c|<channel>|<language>|<intent>|<metric>" and "a|<agent>|<metric>", and what moved since the
    last look; the hashes of "*" (any) dimensions must hold the same sums."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._last: collections.Counter[str] = collections.Counter()

    async def moved(self) -> dict[str, float]:
        now: collections.Counter[str] = collections.Counter()
        anything: collections.Counter[str] = collections.Counter()
        async for key in self._redis.scan_iter(f"{keys.DASHBOARD_DAY_PREFIX}*", _type="hash"):
            part = key.rsplit(":", 1)[1]
            for name, value in (await self._redis.hgetall(key)).items():
                if part == "agents":
                    now[f"a|{name}"] += float(value)
                elif part == "*|*|*":
                    anything[name] += float(value)
                elif ANY not in part.split("|"):
                    now[f"c|{part}|{name}"] += float(value)
        conversations = collections.Counter()
        for name, value in now.items():
            if name.startswith("c|"):
                conversations[name.rsplit("|", 1)[1]] += value
        assert conversations == anything
        moved = {
            name: now[name] - self._last[name] for name in now if now[name] != self._last[name]
        }
        self._last = now
        return moved


async def agent_queue(redis: Redis, store: ConversationStore) -> AgentQueue:
    """The queue, whose roll-ups are under test, with one agent."""
    users = UserStore(redis)
    await users.add("ana", "correct horse battery", Role.AGENT)
    return AgentQueue(redis, store, users, Settings())


@pytest.fixture
async def queue(redis: Redis, store: ConversationStore) -> AgentQueue:
    return await agent_queue(redis, store)


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[Redis]:
    """A Redis server of this test's alone: INFO commandstats counts every client's commands,
    and the session's hub processes run theirs on the shared server at any moment."""
    with redis_server_of_its_own(tmp_path / "redis", tmp_path / "logs") as address:
        client = Redis.from_url(f"{address}/0", decode_responses=True)
        yield client
        await client.aclose()


async def test_a_bot_turn_counts_the_conversation_once_and_its_decision_and_article(
    redis: Redis, store: ConversationStore, queue: AgentQueue
) -> None:
    figures = Figures(redis)
    conversation = await store.create("web", "en", "customer-1")
    at = 1_790_000_000.0
    turn = {"language": "en", "intent": "check_fees", "decision": "answer", "article": "fees"}
    await queue.rollups.bot_turn(conversation, at, **turn)
    assert await figures.moved() == {
        DIMS + "conversations": 1,
        DIMS + "turns": 1,
        DIMS + "decision:answer": 1,
        DIMS + "article:fees:answered": 1,
    }
    # "No": the article did not help. The intent of a later turn does not move the dimensions.
    no = {"language": "en", "intent": "deny", "decision": "reply", "article": None}
    await queue.rollups.bot_turn(conversation, at + 5, **no)
    assert await figures.moved() == {
        DIMS + "turns": 1,
        DIMS + "decision:reply": 1,
        DIMS + "helpful:no": 1,
        DIMS + "article:fees:not_helpful": 1,
    }
    # A second "no" is not feedback on any article any more.
    await queue.rollups.bot_turn(conversation, at + 9, **no)
    assert await figures.moved() == {DIMS + "turns": 1, DIMS + "decision:reply": 1}
    assert await redis.ttl(keys.dashboard_day(day_of(at), "*|*|*")) > 300 * 86400


async def commands_run(redis: Redis) -> collections.Counter[str]:
    """The commands Redis has run so far by name, those its scripts ran included."""
    stats = await redis.info("commandstats")
    return collections.Counter(
        {name.removeprefix("cmdstat_"): s["calls"] for name, s in stats.items()}
    )


async def test_a_bot_turn_like_the_one_before_runs_few_commands_and_every_key_keeps_its_expiry(
    private_redis: Redis,
) -> None:
    redis = private_redis
    store = ConversationStore(redis)
    queue = await agent_queue(redis, store)
    conversation = await store.create("web", "en", "customer-1")
    at = 1_790_000_000.0
    turn = {"language": "en", "intent": "check_fees", "decision": "answer", "article": "fees"}
    await queue.rollups.bot_turn(conversation, at, **turn)
    before = await commands_run(redis)
    await queue.rollups.bot_turn(conversation, at + 5, **turn)
    ran = await commands_run(redis) - before
    ran["info"] = 0
    # 8 hashes a metric (turns, decision, article answered): 24 HINCRBY; the script, reading and
    # marking the conversation, the day's options, the conversation's expiry: 7 more.
    assert ran["hincrby"] == 24
    assert sum(ran.values()) <= 24 + 7, ran
    assert ran["expire"] == 1  # the conversation's; the day keys' were set by the first turn
    day_keys = [key async for key in redis.scan_iter(f"{keys.DASHBOARD_DAY_PREFIX}*")]
    assert len(day_keys) == 9  # the 8 hashes of the turn's dimensions, the day's options
    for key in [*day_keys, keys.dashboard_conversation(conversation.id)]:
        assert await redis.ttl(key) > 300 * 86400, key


async def test_a_person_s_work_moves_waits_first_response_sla_handle_time_and_csat(
    redis: Redis, store: ConversationStore, queue: AgentQueue
) -> None:
    figures = Figures(redis)
    conversation = await store.create("web", "en", "customer-1")
    escalation = Escalation.because("customer_asked", "check_fees", 0.9)
    await queue.escalate(conversation.id, escalation)
    escalated = await store.get(conversation.id)
    hour = hour_of(escalated.escalated_at)
    assert await figures.moved() == {
        DIMS + "conversations": 1,
        DIMS + "escalated:customer_asked": 1,
        DIMS + "handed_over": 1,
        DIMS + f"escalated_hour:{hour}": 1,
        DIMS + f"queue_hour:{hour}": 1,  # the queue's length once it joined: itself
    }
    await queue.claim(conversation.id, "ana")
    claimed = await store.get(conversation.id)
    waited = claimed.claimed_at - escalated.escalated_at
    claim_hour = hour_of(claimed.claimed_at)
    assert await figures.moved() == {
        DIMS + f"wait:{histogram.bucket(waited)}": 1,
        DIMS + f"wait_hour_count:{claim_hour}": 1,
        **({DIMS + f"wait_hour_seconds:{claim_hour}": round(waited)} if round(waited) else {}),
        "a|ana|claims": 1,
    }
    answered_at = await store.record_first_response(conversation.id)
    assert answered_at is not None
    assert await store.record_first_response(conversation.id) is None  # only the first counts
    await queue.rollups.first_response(claimed, answered_at)
    assert await figures.moved() == {
        DIMS + f"first_response:{histogram.bucket(answered_at - escalated.escalated_at)}": 1,
        DIMS + "sla:normal:met": 1,
    }
    # Answered after the target: missed.
    late = claimed.sla_due_at + 1
    await queue.rollups.first_response(claimed, late)
    assert (await figures.moved())[DIMS + "sla:normal:missed"] == 1
    await queue.close(conversation.id, "ana", ["resolved"])
    closed = await store.get(conversation.id)
    handled = closed.closed_at - claimed.claimed_at
    assert await figures.moved() == {
        DIMS + "closed": 1,
        DIMS + f"handle:{histogram.bucket(handled)}": 1,
        "a|ana|closes": 1,
        **({"a|ana|handle_seconds": round(handled)} if round(handled) else {}),
    }
    await FollowUps(store, queue.rollups).rate(conversation.id, 4, "")
    assert await figures.moved() == {DIMS + "csat:4": 1}


async def test_a_conversation_is_handed_over_once_however_often_it_is_escalated(
    redis: Redis, store: ConversationStore, queue: AgentQueue
) -> None:
    figures = Figures(redis)
    conversation = await store.create("telegram", "ko")
    await queue.escalate(conversation.id, Escalation.because("low_confidence"))
    await queue.release(conversation.id, "ana", by_admin=True)
    await queue.escalate(conversation.id, Escalation.because("repeated_misses"))
    moved = await figures.moved()
    prefix = "c|telegram|ko|none|"
    assert moved[prefix + "conversations"] == 1
    assert moved[prefix + "handed_over"] == 1
    assert moved[prefix + "escalated:low_confidence"] == 1
    assert moved[prefix + "escalated:repeated_misses"] == 1


async def test_heartbeats_a_few_seconds_apart_count_as_time_online(
    redis: Redis, queue: AgentQueue
) -> None:
    figures = Figures(redis)
    now = 1_790_000_000.0
    for beat in (0, 5, 10, 100, 105):  # a gap of 90 s: away in between
        await queue.rollups.agent_seen("ana", now + beat)
        await redis.zadd(keys.agents_seen(), {"ana": now + beat})
    assert await figures.moved() == {"a|ana|online_seconds": 15}


async def test_the_report_filters_by_dimension_and_reads_percentiles_within_the_bound(
    redis: Redis, store: ConversationStore, queue: AgentQueue
) -> None:
    at = dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC).timestamp()
    waits = [3, 40, 41, 90, 600, 610, 3000]
    for channel, language in (("web", "en"), ("telegram", "ko")):
        for seconds in waits:
            conversation = await store.create(channel, language)
            turn = {"language": language, "intent": "check_fees", "decision": "rephrase"}
            await queue.rollups.bot_turn(conversation, at, **turn, article=None)
            escalated = await store.get(conversation.id)
            await queue.rollups.first_response(replace(escalated, escalated_at=at), at + seconds)
    days = period_days("week", dt.date(2026, 12, 2))
    assert days[0] == dt.date(2026, 11, 30) and len(days) == 7
    web = tables(await read_totals(redis, days, Filters(channel="web")))
    summary = dict(web["summary"].rows)
    assert summary["Conversations"] == len(waits)
    assert summary["Containment %"] == 100.0
    assert summary["Bot answer rate %"] == 0.0
    median = summary["First response median s"]
    assert abs(median - 90) <= 90 * histogram.RELATIVE_ERROR
    p90 = summary["First response p90 s"]
    assert abs(p90 - 3000) <= 3000 * histogram.RELATIVE_ERROR
    everyone = await read_totals(redis, days, Filters())
    assert everyone.counts["conversations"] == 2 * len(waits)
    assert everyone.options["channel"] == {"web", "telegram"}
    nobody = await read_totals(redis, days, Filters(language="fr"))
    assert nobody.counts["conversations"] == 0


def test_a_percentile_is_within_the_relative_error_of_the_exact_one() -> None:
    values = [1.5 * 1.37**i for i in range(40)]
    counts = collections.Counter(histogram.bucket(v) for v in values)
    for fraction in (0.1, 0.5, 0.9, 0.99):
        exact = sorted(values)[max(1, int(-(-fraction * len(values) // 1))) - 1]
        read = histogram.percentile(counts, fraction)
        assert abs(read - exact) <= exact * histogram.RELATIVE_ERROR, fraction
    assert histogram.percentile({}, 0.5) is None
