"""The agent queue against a real Redis: order, places, estimates, claims and their races."""

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import AtCapacity, Sender, State, TransitionRefused
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation, Priority, queue_score
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from tests.support import StaffAccounts

Queued = Callable[..., Awaitable[str]]


def test_escalations_within_one_millisecond_keep_their_order() -> None:
    now = 1_795_000_000.1234  # late 2026
    scores = [queue_score(Priority.NORMAL, now + i * 0.0001) for i in range(5)]
    assert scores == sorted(set(scores))
    assert queue_score(Priority.URGENT, now + 10**6) < scores[0]


async def test_fraud_jumps_the_queue_then_waiting_time_orders_it(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    first = await queued("customer_asked")
    second = await queued("not_helped")
    complaint = await queued("complaint")
    fraud = await queued("report_fraud")
    order = [q.conversation_id for q in await queue.waiting()]
    assert order == [fraud, complaint, first, second]
    assert [q.priority for q in await queue.waiting()] == [
        Priority.URGENT,
        Priority.HIGH,
        Priority.NORMAL,
        Priority.NORMAL,
    ]


async def test_the_escalation_records_its_reason_intent_and_confidence(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    conversation_id = await queued("customer_asked")
    [entry] = await store.recent(conversation_id, 1)
    assert (entry.sender, entry.event) == (Sender.SYSTEM, "escalated")
    assert entry.meta == {
        "reason": "customer_asked",
        "priority": "normal",
        "intent": "request_human",
        "confidence": 0.97,
    }
    header = await store.get(conversation_id)
    assert (header.state, header.reason, header.intent) == (
        "queued",
        "customer_asked",
        "request_human",
    )


async def test_places_count_only_conversations_of_the_same_language(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    english = [await queued("customer_asked") for _ in range(3)]
    korean = await queued("customer_asked", language="ko")
    view = await queue.view()
    assert [view.place(c).position for c in english] == [1, 2, 3]
    assert view.place(korean).position == 1
    await queue.claim(english[0], "ana")
    view = await queue.view()
    assert view.place(english[0]) is None
    assert [view.place(c).position for c in english[1:]] == [1, 2]


async def test_estimates_come_from_online_agents_and_their_free_slots(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    waiting = [await queued("customer_asked") for _ in range(4)]
    view = await queue.view()
    assert view.place(waiting[0]).agents_online is False
    assert view.place(waiting[0]).wait_seconds is None
    await queue.heartbeat("ana")  # one English agent, capacity 2, nothing held
    view = await queue.view()
    first, third = view.place(waiting[0]), view.place(waiting[2])
    assert first.agents_online and first.wait_seconds == 30
    assert third.wait_seconds == 30 + 300  # both slots taken: one typical chat (default 300 s)


async def test_fifty_agents_claiming_at_once_each_conversation_goes_to_exactly_one(
    redis: Redis,
    database_url: str,
    store: ConversationStore,
    queued: Queued,
    staff: StaffAccounts,
    settings: Settings,
) -> None:
    """Fifty agents, each with their own connection, race for ten conversations."""
    names = [(await staff(Role.AGENT)).name for _ in range(50)]
    conversations = [await queued("customer_asked") for _ in range(10)]
    clients = [Redis.from_url(database_url, decode_responses=True) for _ in names]
    agents = [
        AgentQueue(client, ConversationStore(client), UserStore(client), settings)
        for client in clients
    ]

    async def claim_all(agent_queue: AgentQueue, name: str) -> list[str]:
        won = []
        for conversation_id in conversations:
            try:
                await agent_queue.claim(conversation_id, name)
                won.append(conversation_id)
            except (TransitionRefused, AtCapacity):
                pass
        return won

    results = await asyncio.gather(*(claim_all(a, n) for a, n in zip(agents, names, strict=True)))
    for client in clients:
        await client.aclose()
    winners = [c for won in results for c in won]
    assert sorted(winners) == sorted(conversations)  # each one claimed once, none twice
    for conversation_id in conversations:
        claims = [e for e in await store.recent(conversation_id, 50) if e.event == "claimed"]
        assert len(claims) == 1
        assert (await store.get(conversation_id)).assignee == claims[0].author
    assert await queue_is_empty(redis)


async def queue_is_empty(redis: Redis) -> bool:
    return await redis.zcard(keys.queue()) == 0 and await redis.hlen(keys.queue_languages()) == 0


async def test_only_the_holder_may_reply_transfer_release_or_close(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    conversation_id = await queued("customer_asked")
    await queue.claim(conversation_id, "ana")
    with pytest.raises(TransitionRefused):
        await queue.close(conversation_id, "bo", ["solved"])
    with pytest.raises(TransitionRefused):
        await queue.release(conversation_id, "bo")
    await queue.transfer(conversation_id, "ana", "bo")
    assert (await store.get(conversation_id)).assignee == "bo"
    await queue.close(conversation_id, "bo", ["solved", "transfer-status"])
    closed = await store.get(conversation_id)
    assert (closed.state, closed.tags) == (State.CLOSED, ("solved", "transfer-status"))
    assert await queue.held_by() == {}


async def test_release_gives_the_conversation_back_to_the_bot(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    conversation_id = await queued("customer_asked")
    await queue.claim(conversation_id, "ana")
    await queue.release(conversation_id, "ana")
    released = await store.get(conversation_id)
    assert (released.state, released.assignee) == (State.BOT, "")
    await queue.escalate(conversation_id, Escalation.because("customer_asked"))  # and again


async def test_after_hours_the_place_says_so(
    queued: Queued, redis: Redis, store: ConversationStore, users: UserStore, redis_url: str
) -> None:
    closed_now = settings_on_free_ports(
        redis_url, business_hours="mon 00:00-00:01, tue 00:00-00:01"
    )
    queue = AgentQueue(redis, store, users, closed_now)
    conversation_id = await queued("customer_asked")
    place = (await queue.view()).place(conversation_id)
    assert place.open_now is False and place.position == 1


async def claim(conversation_id: str, hub: AgentQueue) -> str:
    """ana claims the conversation through this hub."""
    return await hub.claim(conversation_id, "ana")


async def transfer(conversation_id: str, agent: str, hub: AgentQueue) -> str:
    """The agent hands the conversation to bo through this hub."""
    return await hub.transfer(conversation_id, agent, "bo")


async def won_racing_on_two_hubs(
    database_url: str, settings: Settings, moves: list[Callable[[AgentQueue], Awaitable[object]]]
) -> int:
    """Run the moves at once, alternately through two hubs (a Redis client each); how many
    were not refused for capacity."""
    clients = [Redis.from_url(database_url, decode_responses=True) for _ in range(2)]
    hubs = [AgentQueue(c, ConversationStore(c), UserStore(c), settings) for c in clients]

    async def won(move: Callable[[AgentQueue], Awaitable[object]], hub: AgentQueue) -> bool:
        try:
            await move(hub)
        except AtCapacity:
            return False
        return True

    try:
        results = await asyncio.gather(*(won(m, hubs[i % 2]) for i, m in enumerate(moves)))
    finally:
        for client in clients:
            await client.aclose()
    return sum(results)


async def test_claims_racing_on_two_hubs_never_exceed_an_agents_capacity(
    database_url: str, queued: Queued, queue: AgentQueue, settings: Settings
) -> None:
    """Twelve claims for one agent of capacity 2, half through each of two hubs, at once."""
    conversations = [await queued("customer_asked") for _ in range(12)]
    won = await won_racing_on_two_hubs(
        database_url, settings, [functools.partial(claim, c) for c in conversations]
    )
    assert won == settings.agent_capacity == 2
    assert list((await queue.held_by()).values()) == ["ana", "ana"]
    assert len(await queue.waiting()) == 10


async def test_transfers_racing_on_two_hubs_never_exceed_the_targets_capacity(
    database_url: str, queued: Queued, queue: AgentQueue, settings: Settings
) -> None:
    """Four agents each hand bo a chat, through two hubs at once, while bo has one slot free."""
    await queue.claim(await queued("customer_asked"), "bo")
    handed = {}
    for agent in ("ana", "cy", "dee", "eve"):
        handed[agent] = await queued("customer_asked")
        await queue.claim(handed[agent], agent)
    moves = [functools.partial(transfer, handed[agent], agent) for agent in handed]
    won = await won_racing_on_two_hubs(database_url, settings, moves)
    assert won == 1
    held = list((await queue.held_by()).values())
    assert held.count("bo") == settings.agent_capacity == 2
    assert len(held) == 5  # the three refused stay with their agents


async def test_an_agent_at_capacity_may_transfer_to_themselves(
    queued: Queued, store: ConversationStore, queue: AgentQueue
) -> None:
    held = [await queued("customer_asked") for _ in range(2)]
    for conversation_id in held:
        await queue.claim(conversation_id, "bo")
    await queue.transfer(held[0], "bo", "bo")
    assert (await store.get(held[0])).assignee == "bo"


async def test_a_hub_whose_clock_is_off_decides_as_the_others_do(
    queued: Queued,
    queue: AgentQueue,
    store: ConversationStore,
    redis: Redis,
    users: UserStore,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Presence, SLA targets and claim times come from Redis's clock, not each hub's."""
    right = AgentQueue(redis, store, users, settings)  # another hub, its clock right
    real_time = time.time
    with monkeypatch.context() as skewed:
        skewed.setattr(time, "time", lambda: real_time() - 600)  # ten minutes slow
        await queue.heartbeat("ana")
        urgent = await queued("report_fraud")  # a 60 s target
        held = await queued("customer_asked")
        await queue.claim(held, "ana")
    assert await right.agents_online() == ["ana"]
    conversation = await store.get(urgent)
    assert conversation.sla_due_at - conversation.escalated_at == pytest.approx(60)
    assert real_time() - 5 < conversation.escalated_at < real_time() + 5
    assert real_time() - 5 < (await store.get(held)).claimed_at < real_time() + 5
    assert (await right.view()).place(urgent).agents_online
