"""The sweeper: abandoned chats back to the queue, SLA breaches, auto-assignment."""

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import State
from handoff.conversations.store import ConversationStore
from handoff.queue import sweeper as sweeper_module
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.escalations import PendingEscalations
from handoff.queue.sweeper import Sweeper
from handoff.settings import Settings
from handoff.staff.users import UserStore
from handoff.tasks import cancel_and_wait

Queued = Callable[..., Awaitable[str]]


@pytest.fixture
def sweeper(
    redis: Redis, store: ConversationStore, queue: AgentQueue, users: UserStore, settings: Settings
) -> Sweeper:
    return Sweeper(redis, store, queue, PendingEscalations(redis, queue), users, settings)


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
    await store.record_first_response(normal)
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


def sweeper_of_another_hub(client: Redis, settings: Settings) -> Sweeper:
    """A sweeper as another hub process has it: its own connection, its own components."""
    store = ConversationStore(client)
    queue = AgentQueue(client, store, UserStore(client), settings)
    return Sweeper(
        client, store, queue, PendingEscalations(client, queue), UserStore(client), settings
    )


async def test_one_hub_sweeps_at_a_time_for_the_whole_of_a_long_sweep(
    database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeper_module, "SWEEP_SECONDS", 0.1)  # hubs try ten times a second
    clients = [Redis.from_url(database_url, decode_responses=True) for _ in range(2)]
    hubs = [sweeper_of_another_hub(client, settings) for client in clients]
    sweeping, most_at_once = 0, 0
    first_began, let_first_end, another_began = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def sweep(now: float) -> None:
        nonlocal sweeping, most_at_once
        sweeping += 1
        most_at_once = max(most_at_once, sweeping)
        if not first_began.is_set():
            first_began.set()
            await let_first_end.wait()
        else:
            another_began.set()
        sweeping -= 1

    for hub in hubs:
        monkeypatch.setattr(hub, "sweep", sweep)
    running = [asyncio.create_task(hub.run()) for hub in hubs]
    await first_began.wait()
    await asyncio.sleep(2)  # many times the lock's time to live, and past any fixed one
    assert not another_began.is_set()
    let_first_end.set()
    await another_began.wait()  # the lock was let go at the end of the sweep
    await cancel_and_wait(running)
    for client in clients:
        await client.aclose()
    assert most_at_once == 1


async def test_auto_assignment_on_two_hubs_at_once_stays_within_capacity(
    database_url: str, queued: Queued, queue: AgentQueue, settings: Settings
) -> None:
    [await queued("customer_asked") for _ in range(8)]
    await queue.heartbeat("ana")
    await queue.heartbeat("bo")
    clients = [Redis.from_url(database_url, decode_responses=True) for _ in range(2)]
    hubs = [sweeper_of_another_hub(client, settings) for client in clients]
    await asyncio.gather(*(hub.assign(time.time()) for hub in hubs))
    for client in clients:
        await client.aclose()
    held = collections.Counter((await queue.held_by()).values())
    assert held == {"ana": 2, "bo": 2}  # capacity 2 each
    assert len(await queue.waiting()) == 4


async def test_a_sweeper_whose_clock_is_off_decides_as_the_others_do(
    queued: Queued,
    queue: AgentQueue,
    store: ConversationStore,
    sweeper: Sweeper,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hub ten minutes ahead requeues nobody and flags nothing that a right clock would not."""
    urgent = await queued("report_fraud")  # a 60 s target
    held = await queued("customer_asked")
    await queue.heartbeat("ana")
    await queue.claim(held, "ana")
    swept = asyncio.Event()
    real_sweep, real_time = sweeper.sweep, time.time

    async def sweep(now: float) -> None:
        await real_sweep(now)
        swept.set()

    monkeypatch.setattr(sweeper, "sweep", sweep)
    monkeypatch.setattr(sweeper_module, "SWEEP_SECONDS", 0.05)
    monkeypatch.setattr(time, "time", lambda: real_time() + 600)
    running = asyncio.create_task(sweeper.run())
    await swept.wait()
    await cancel_and_wait([running])
    assert await queue.held_by() == {held: "ana"}
    assert not (await store.get(urgent)).sla_breached
