"""The conversation store against a real Redis: transcripts, transitions, races."""

import asyncio

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import (
    Button,
    Entry,
    Sender,
    State,
    TransitionRefused,
    UnknownConversation,
)
from handoff.conversations.store import ConversationStore
from tests.support import CountingConnection, round_trips_of


async def test_a_new_conversation_is_held_by_the_bot(store: ConversationStore) -> None:
    created = await store.create(channel="web", language="ko")
    read = await store.get(created.id)
    assert (read.state, read.channel, read.language) == (State.BOT, "web", "ko")


async def test_several_entries_are_appended_in_order_in_one_round_trip(
    database_url: str,
) -> None:
    counted = Redis.from_url(
        database_url, decode_responses=True, connection_class=CountingConnection
    )
    store = ConversationStore(counted)
    conversation = await store.create("web", "en")
    await store.append(conversation.id, Entry(Sender.BOT, "first", client_id="r-0"))
    replies = [Entry(Sender.BOT, f"reply {n}", client_id=f"r-{n}") for n in range(3)]
    bot_only = frozenset({State.BOT})
    ids, round_trips = await round_trips_of(
        store.append_all(conversation.id, replies, only_in=bot_only)
    )
    assert round_trips == 1
    assert ids[0] is None and all(ids[1:])  # r-0 was stored before: a resend
    assert [e.text for e in await store.entries(conversation.id)] == ["first", "reply 1", "reply 2"]
    await store.transition(conversation.id, "escalate", Entry(Sender.SYSTEM, "", event="escalated"))
    late = [Entry(Sender.BOT, "late", client_id="r-3")]
    assert await store.append_all(conversation.id, late, only_in=bot_only) == [None]
    await counted.aclose()


async def test_each_message_appended_is_told_with_its_channel_once(redis: Redis) -> None:
    told: list[tuple[str, str, str]] = []
    store = ConversationStore(redis, on_message=lambda c, e: told.append((c, e.sender, e.text)))
    telegram = await store.create("telegram", "en", chat="42")
    web = await store.create("web", "en")
    await store.append(telegram.id, Entry(sender=Sender.CUSTOMER, text="hi", client_id="c-1"))
    await store.append(telegram.id, Entry(sender=Sender.CUSTOMER, text="hi", client_id="c-1"))
    await store.transition(web.id, "escalate", Entry(Sender.SYSTEM, "wait", event="escalated"))
    late = Entry(sender=Sender.BOT, text="late")
    await store.append(web.id, late, only_in=frozenset({State.BOT}))
    await store.append(web.id, Entry(sender=Sender.AGENT, text="note", event="note"))
    await store.append(web.id, Entry(sender=Sender.AGENT, text="on it"))
    # The resend, the event, the refused reply and the note are not messages appended.
    assert told == [("telegram", Sender.CUSTOMER, "hi"), ("web", Sender.AGENT, "on it")]


async def test_entries_of_a_channel_without_a_socket_are_announced_on_the_outbox(
    store: ConversationStore, redis: Redis
) -> None:
    telegram = await store.create("telegram", "en", "telegram:42", chat="42")
    web = await store.create("web", "en")
    assert (await store.get(telegram.id)).chat == "42"
    await store.append(web.id, Entry(sender=Sender.BOT, text="hi"))
    entry_id = await store.append(telegram.id, Entry(sender=Sender.BOT, text="hi"))
    escalated = await store.transition(telegram.id, "escalate", Entry(Sender.SYSTEM, "wait"))
    announced = [fields for _, fields in await redis.xrange(keys.outbox())]
    assert announced == [
        {"channel": "telegram", "conversation": telegram.id, "entry": entry_id},
        {"channel": "telegram", "conversation": telegram.id, "entry": escalated},
    ]


async def test_unknown_conversations_are_reported(store: ConversationStore) -> None:
    with pytest.raises(UnknownConversation):
        await store.get("nope")
    with pytest.raises(UnknownConversation):
        await store.append("nope", Entry(sender=Sender.CUSTOMER, text="hi"))


async def test_entries_round_trip_through_the_stream(store: ConversationStore) -> None:
    conversation = await store.create("web", "en")
    sent = Entry(
        sender=Sender.BOT,
        text="<b>Hi</b> 안녕하세요",
        buttons=(Button("Verify", "/account_verification"),),
        meta={"intent": "greet"},
    )
    entry_id = await store.append(conversation.id, sent)
    [read] = await store.recent(conversation.id, 5)
    assert read.id == entry_id
    assert (read.sender, read.text, read.buttons, read.meta) == (
        sent.sender,
        sent.text,
        sent.buttons,
        sent.meta,
    )
    assert read.timestamp_ms > 0


async def test_a_resent_client_message_is_stored_once(store: ConversationStore) -> None:
    conversation = await store.create("web", "en")
    entry = Entry(sender=Sender.CUSTOMER, text="hello", client_id="c-1")
    assert await store.append(conversation.id, entry) is not None
    assert await store.append(conversation.id, entry) is None
    assert len(await store.recent(conversation.id, 10)) == 1


async def test_transitions_follow_the_state_machine(store: ConversationStore) -> None:
    conversation = await store.create("web", "en")
    event = Entry(sender=Sender.SYSTEM, text="", event="escalated")
    await store.transition(conversation.id, "escalate", event)
    assert (await store.get(conversation.id)).state is State.QUEUED
    with pytest.raises(TransitionRefused):
        await store.transition(conversation.id, "escalate", event)
    await store.transition(conversation.id, "claim", event)
    await store.transition(conversation.id, "close", event)
    assert (await store.get(conversation.id)).state is State.CLOSED
    assert [e.event for e in await store.recent(conversation.id, 10)] == ["escalated"] * 3


async def test_a_bot_reply_is_dropped_once_a_person_holds_it(store: ConversationStore) -> None:
    conversation = await store.create("web", "en")
    await store.transition(
        conversation.id, "escalate", Entry(sender=Sender.SYSTEM, text="", event="escalated")
    )
    reply = Entry(sender=Sender.BOT, text="late bot answer")
    assert await store.append(conversation.id, reply, only_in=frozenset({State.BOT})) is None
    assert [e.sender for e in await store.recent(conversation.id, 10)] == [Sender.SYSTEM]


async def test_one_of_many_concurrent_claims_wins(store: ConversationStore) -> None:
    conversation = await store.create("web", "en")
    event = Entry(sender=Sender.SYSTEM, text="", event="escalated")
    await store.transition(conversation.id, "escalate", event)
    results = await asyncio.gather(
        *(store.transition(conversation.id, "claim", event) for _ in range(20)),
        return_exceptions=True,
    )
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, TransitionRefused) for r in results) == 19
