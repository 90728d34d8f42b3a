"""Live events in one hub process: queue changes to every listener, typing to those watching."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.live_events import (
    LISTENER_BACKLOG,
    EventHub,
    Listener,
    QueueEvent,
    TypingEvent,
)

Queued = Callable[..., Awaitable[str]]


@pytest.fixture
async def events(redis: Redis, queue: AgentQueue) -> AsyncIterator[EventHub]:
    """An event hub following the test's database, once it is subscribed to typing."""

    async def typing_followers() -> int:
        return sum(int(c["psub"]) > 0 for c in await redis.client_list())

    before = await typing_followers()
    hub = EventHub(redis, queue)
    await hub.start()
    async with asyncio.timeout(10):
        while await typing_followers() == before:
            await asyncio.sleep(0.01)
    yield hub
    await hub.stop()


async def next_event(listener: Listener) -> QueueEvent | TypingEvent:
    return await asyncio.wait_for(listener.inbox.get(), 5)


async def test_queue_events_go_to_every_listener(events: EventHub, queued: Queued) -> None:
    with events.listen() as console, events.listen() as widget:
        conversation_id = await queued("customer_asked")
        for listener in (console, widget):
            event = await next_event(listener)
            assert (event.type, event.conversation_id, event.state) == (
                "escalated",
                conversation_id,
                "queued",
            )


async def test_a_listener_that_left_gets_nothing(events: EventHub, queued: Queued) -> None:
    with events.listen() as gone:
        pass
    with events.listen() as staying:
        await queued("customer_asked")
        await next_event(staying)
    assert gone.inbox.empty()


async def test_typing_goes_only_to_listeners_watching_that_conversation(
    events: EventHub,
) -> None:
    with events.listen() as watching, events.listen() as elsewhere:
        watching.watching.add("c-1")
        elsewhere.watching.add("c-2")
        await events.typing("c-1", "agent", True)
        await events.typing("c-2", "customer", False)
        assert await next_event(watching) == TypingEvent("c-1", "agent", True)
        # Published after the first: had "elsewhere" been given c-1's typing, it would be first.
        assert await next_event(elsewhere) == TypingEvent("c-2", "customer", False)
        assert watching.inbox.empty()


async def test_typing_is_published_for_every_hub_process(events: EventHub, redis: Redis) -> None:
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe(keys.typing_channel("c-9"))
        await events.typing("c-9", "agent", True)
        async with asyncio.timeout(5):
            async for message in pubsub.listen():
                if message["type"] == "message":
                    break
        assert message["data"] == '{"sender": "agent", "on": true}'


def queue_event(number: int) -> QueueEvent:
    return QueueEvent("queued", f"c-{number}", "queued", "", "")


def test_a_slow_listener_loses_typing_never_queue_events() -> None:
    listener = Listener()
    for number in range(LISTENER_BACKLOG):
        listener.offer(queue_event(number))
    listener.offer(TypingEvent("c-0", "agent", True))  # full: typing is dropped
    listener.offer(queue_event(LISTENER_BACKLOG))  # full: the oldest event makes room
    kept = [listener.inbox.get_nowait() for _ in range(listener.inbox.qsize())]
    assert len(kept) == LISTENER_BACKLOG
    assert kept[0] == queue_event(1) and kept[-1] == queue_event(LISTENER_BACKLOG)
    assert not any(isinstance(event, TypingEvent) for event in kept)


def test_a_listener_with_room_keeps_typing_too() -> None:
    listener = Listener()
    listener.offer(queue_event(1))
    listener.offer(TypingEvent("c-1", "agent", True))
    assert listener.inbox.qsize() == 2
