"""The sweeper: abandoned chats back to the queue, SLA breaches, auto-assignment."""

import time
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import State
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.sweeper import Sweeper
from handoff.settings import Settings
from handoff.staff.users import UserStore

Queued = Callable[..., Awaitable[str]]


@pytest.fixture
def sweeper(
    redis: Redis, store: ConversationStore, queue: AgentQueue, users: UserStore, settings: Settings
) -> Sweeper:
    return Sweeper(redis, store, queue, users, settings)


async def test_a_vanished_agent_loses_their_chats_to_the_queue_at_their_old_place(
    queued: Queued, store: ConversationStore, queue: AgentQueue, sweeper: Sweeper, redis: Redis
) -> None:
    earlier = await queued("customer_asked")
    later = await queued("customer_asked")
    await queue.heartbeat("ana")
    await queue.claim(earlier, "ana")
    assert await sweeper.requeue_abandoned(time.time() + 10) == []  # within the grace period
    assert await sweeper.requeue_abandoned(time.time() + 31) == [earlier]
    assert [q.conversation_id for q in await queue.waiting()] == [earlier, later]
    requeued = await store.get(earlier)
    assert (requeued.state, requeued.assignee) == (State.QUEUED, "")
    assert (await store.recent(earlier, 1))[0].event == "requeued"


async def test_sla_breaches_are_flagged_once_and_a_first_reply_stops_the_clock(
    queued: Queued, store: ConversationStore, queue: AgentQueue, sweeper: Sweeper, redis: Redis
) -> None:
    urgent = await queued("report_fraud")  # 60 s target
    normal = await queued("customer_asked")  # 300 s target
    await queue.claim(normal, "ana")
    await store.record_first_response(normal, time.time())
    assert await sweeper.flag_breaches(time.time() + 30) == []
    assert await sweeper.flag_breaches(time.time() + 61) == [urgent]
    assert await sweeper.flag_breaches(time.time() + 400) == []  # once; normal was answered
    assert (await store.get(urgent)).sla_breached
    events = await redis.xrange(keys.events())
    assert [f["type"] for _, f in events].count("sla_breached") == 1
    assert (await queue.view()).items(("en",), 1)[0]["sla_breached"] is True


async def test_auto_assignment_goes_round_robin_within_capacity_and_language(
    queued: Queued, store: ConversationStore, queue: AgentQueue, sweeper: Sweeper, redis: Redis
) -> None:
    english = [await queued("customer_asked") for _ in range(5)]
    korean = await queued("customer_asked", language="ko")
    await queue.heartbeat("ana")
    await queue.heartbeat("bo")
    assigned = dict(await sweeper.assign(time.time()))
    held = list(assigned.values())
    assert held.count("ana") == 2 and held.count("bo") == 2  # capacity 2 each
    assert korean not in assigned  # bo speaks Korean but is full of English chats
    assert [q.conversation_id for q in await queue.waiting()] == [english[4], korean]
