"""The agent queue against a real Redis (its own database, emptied for each test)."""

import asyncio
import time
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Sender, State, TransitionRefused
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation, Priority, queue_score
from handoff.queue.hours import BusinessHours
from handoff.queue.sweeper import Sweeper
from handoff.staff.users import Role, UserStore
from tests.support import make_settings

PASSWORD = "correct horse battery"


@pytest.fixture
async def redis(redis_url: str) -> Redis:
    """Database 7 of the session's Redis, empty: queue tests see only their own conversations."""
    client = Redis.from_url(redis_url.rsplit("/", 1)[0] + "/7", decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture
async def users(redis: Redis) -> UserStore:
    store = UserStore(redis)
    await store.add("ana", PASSWORD, Role.AGENT, ("en",))
    await store.add("bo", PASSWORD, Role.AGENT, ("en", "ko"))
    return store


@pytest.fixture
def settings(redis_url: str):
    return make_settings(redis_url, agent_capacity=2, agent_grace_seconds=30)


@pytest.fixture
async def store(redis: Redis) -> ConversationStore:
    return ConversationStore(redis)


@pytest.fixture
async def queue(redis: Redis, store: ConversationStore, users: UserStore, settings) -> AgentQueue:
    return AgentQueue(redis, store, users, settings)


async def queued(store: ConversationStore, queue: AgentQueue, reason: str, language="en") -> str:
    conversation = await store.create("web", language, "customer-1")
    await queue.escalate(conversation.id, Escalation.because(reason, "request_human", 0.97))
    return conversation.id


def test_escalations_within_one_millisecond_keep_their_order() -> None:
    now = 1_795_000_000.1234  # late 2026
    scores = [queue_score(Priority.NORMAL, now + i * 0.0001) for i in range(5)]
    assert scores == sorted(set(scores))
    assert queue_score(Priority.URGENT, now + 10**6) < scores[0]


async def test_fraud_jumps_the_queue_then_waiting_time_orders_it(
    store: ConversationStore, queue: AgentQueue
) -> None:
    first = await queued(store, queue, "customer_asked")
    second = await queued(store, queue, "not_helped")
    complaint = await queued(store, queue, "complaint")
    fraud = await queued(store, queue, "report_fraud")
    order = [q.conversation_id for q in await queue.waiting()]
    assert order == [fraud, complaint, first, second]
    assert [q.priority for q in await queue.waiting()] == [
        Priority.URGENT,
        Priority.HIGH,
        Priority.NORMAL,
        Priority.NORMAL,
    ]


async def test_the_escalation_records_its_reason_intent_and_confidence(
    store: ConversationStore, queue: AgentQueue
) -> None:
    conversation_id = await queued(store, queue, "customer_asked")
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
    store: ConversationStore, queue: AgentQueue
) -> None:
    english = [await queued(store, queue, "customer_asked") for _ in range(3)]
    korean = await queued(store, queue, "customer_asked", language="ko")
    view = await queue.view()
    assert [view.place(c).position for c in english] == [1, 2, 3]
    assert view.place(korean).position == 1
    await queue.claim(english[0], "ana")
    view = await queue.view()
    assert view.place(english[0]) is None
    assert [view.place(c).position for c in english[1:]] == [1, 2]


async def test_estimates_come_from_online_agents_and_their_free_slots(
    store: ConversationStore, queue: AgentQueue
) -> None:
    waiting = [await queued(store, queue, "customer_asked") for _ in range(4)]
    view = await queue.view()
    assert view.place(waiting[0]).agents_online is False
    assert view.place(waiting[0]).wait_seconds is None
    await queue.heartbeat("ana")  # one English agent, capacity 2, nothing held
    view = await queue.view()
    first, third = view.place(waiting[0]), view.place(waiting[2])
    assert first.agents_online and first.wait_seconds == 30
    assert third.wait_seconds == 30 + 300  # both slots taken: one typical chat (default 300 s)


async def test_fifty_agents_claiming_at_once_each_conversation_goes_to_exactly_one(
    redis: Redis, store: ConversationStore, users: UserStore, settings
) -> None:
    """Fifty agents, each with their own connection, race for ten conversations."""
    names = [f"agent{i:02d}" for i in range(50)]
    for name in names:
        await users.add(name, PASSWORD, Role.AGENT, ("en",))
    conversations = []
    setup = AgentQueue(redis, store, users, settings)
    for _ in range(10):
        conversations.append(await queued(store, setup, "customer_asked"))
    clients = [Redis.from_url(database_url(redis), decode_responses=True) for _ in names]
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
            except TransitionRefused:
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


def database_url(redis: Redis) -> str:
    kwargs = redis.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs['db']}"


async def queue_is_empty(redis: Redis) -> bool:
    return await redis.zcard(keys.queue()) == 0 and await redis.hlen(keys.queue_languages()) == 0


async def test_only_the_holder_may_reply_transfer_release_or_close(
    store: ConversationStore, queue: AgentQueue
) -> None:
    conversation_id = await queued(store, queue, "customer_asked")
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
    store: ConversationStore, queue: AgentQueue
) -> None:
    conversation_id = await queued(store, queue, "customer_asked")
    await queue.claim(conversation_id, "ana")
    await queue.release(conversation_id, "ana")
    released = await store.get(conversation_id)
    assert (released.state, released.assignee) == (State.BOT, "")
    await queue.escalate(conversation_id, Escalation.because("customer_asked"))  # and again


async def test_a_vanished_agent_loses_their_chats_to_the_queue_at_their_old_place(
    redis: Redis, store: ConversationStore, queue: AgentQueue, users: UserStore, settings
) -> None:
    earlier = await queued(store, queue, "customer_asked")
    later = await queued(store, queue, "customer_asked")
    await queue.heartbeat("ana")
    await queue.claim(earlier, "ana")
    sweeper = Sweeper(redis, store, queue, users, settings)
    assert await sweeper.requeue_abandoned(time.time() + 10) == []  # within the grace period
    assert await sweeper.requeue_abandoned(time.time() + 31) == [earlier]
    assert [q.conversation_id for q in await queue.waiting()] == [earlier, later]
    requeued = await store.get(earlier)
    assert (requeued.state, requeued.assignee) == (State.QUEUED, "")
    assert (await store.recent(earlier, 1))[0].event == "requeued"


async def test_sla_breaches_are_flagged_once_and_a_first_reply_stops_the_clock(
    redis: Redis, store: ConversationStore, queue: AgentQueue, users: UserStore, settings
) -> None:
    urgent = await queued(store, queue, "report_fraud")  # 60 s target
    normal = await queued(store, queue, "customer_asked")  # 300 s target
    await queue.claim(normal, "ana")
    await store.record_first_response(normal, time.time())
    sweeper = Sweeper(redis, store, queue, users, settings)
    assert await sweeper.flag_breaches(time.time() + 30) == []
    assert await sweeper.flag_breaches(time.time() + 61) == [urgent]
    assert await sweeper.flag_breaches(time.time() + 400) == []  # once; normal was answered
    assert (await store.get(urgent)).sla_breached
    events = await redis.xrange(keys.events())
    assert [f["type"] for _, f in events].count("sla_breached") == 1
    assert (await queue.view()).items(("en",))[0]["sla_breached"] is True


async def test_auto_assignment_goes_round_robin_within_capacity_and_language(
    redis: Redis, store: ConversationStore, queue: AgentQueue, users: UserStore, settings
) -> None:
    english = [await queued(store, queue, "customer_asked") for _ in range(5)]
    korean = await queued(store, queue, "customer_asked", language="ko")
    await queue.heartbeat("ana")
    await queue.heartbeat("bo")
    assigned = dict(await Sweeper(redis, store, queue, users, settings).assign(time.time()))
    held = list(assigned.values())
    assert held.count("ana") == 2 and held.count("bo") == 2  # capacity 2 each
    assert korean not in assigned  # bo speaks Korean but is full of English chats
    assert [q.conversation_id for q in await queue.waiting()] == [english[4], korean]


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 11, 23, 0, 30, tzinfo=UTC), True),  # Monday 09:30 in Seoul
        (datetime(2026, 11, 23, 9, 30, tzinfo=UTC), False),  # Monday 18:30 in Seoul
        (datetime(2026, 11, 28, 2, 0, tzinfo=UTC), True),  # Saturday 11:00
        (datetime(2026, 11, 29, 2, 0, tzinfo=UTC), False),  # Sunday
    ],
)
def test_business_hours(moment: datetime, is_open: bool) -> None:
    hours = BusinessHours.parse("mon-fri 09:00-18:00, sat 10:00-14:00", "Asia/Seoul")
    assert hours.is_open(moment) is is_open


@pytest.mark.parametrize("text", ["", "weekdays 9-5", "mon-fri 18:00-09:00", "mon-xyz 09:00-18:00"])
def test_malformed_business_hours_are_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="business hours"):
        BusinessHours.parse(text, "UTC")


async def test_after_hours_the_place_says_so(
    redis: Redis, store: ConversationStore, users: UserStore, redis_url: str
) -> None:
    closed_now = make_settings(redis_url, business_hours="mon 00:00-00:01, tue 00:00-00:01")
    queue = AgentQueue(redis, store, users, closed_now)
    conversation_id = await queued(store, queue, "customer_asked")
    place = (await queue.view()).place(conversation_id)
    assert place.open_now is False and place.position == 1
