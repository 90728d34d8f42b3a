"""Following transcripts through one subscription per process: history, then each new entry,
in order, none twice, none lost between the catch-up and the live feed."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.conversations.live_transcripts import PAGE, TranscriptFeed
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore


@pytest.fixture
async def feed(redis: Redis, store: ConversationStore) -> AsyncIterator[TranscriptFeed]:
    """The feed of the test's database, subscribed."""
    feed = TranscriptFeed(redis, store)
    await feed.start()
    yield feed
    await feed.stop()


async def say(store: ConversationStore, conversation_id: str, text: str) -> str:
    return await store.append(conversation_id, Entry(sender=Sender.CUSTOMER, text=text))


async def test_history_then_each_new_entry(feed: TranscriptFeed, store: ConversationStore) -> None:
    conversation = await store.create("web", "en")
    first = await say(store, conversation.id, "one")
    follower = feed.follow(conversation.id, after="0-0")
    assert (await anext(follower)).id == first
    pending = asyncio.ensure_future(anext(follower))
    second = await say(store, conversation.id, "two")
    assert (await pending).id == second
    await follower.aclose()


async def test_from_an_id_only_what_was_missed(
    feed: TranscriptFeed, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    seen = await say(store, conversation.id, "one")
    missed = await say(store, conversation.id, "two")
    follower = feed.follow(conversation.id, after=seen)
    assert (await anext(follower)).id == missed
    await follower.aclose()


async def test_appends_during_the_catch_up_arrive_once_and_in_order(
    feed: TranscriptFeed, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    written = [await say(store, conversation.id, f"old {i}") for i in range(PAGE + 50)]
    seen_until = written[10]

    async def write_more() -> list[str]:
        return [await say(store, conversation.id, f"new {i}") for i in range(100)]

    writer = asyncio.create_task(write_more())
    follower = feed.follow(conversation.id, after=seen_until)
    expected = written[11:] + await asyncio.shield(writer)
    received = [(await anext(follower)).id for _ in expected]
    assert received == expected
    pending = asyncio.ensure_future(anext(follower))
    latest = await say(store, conversation.id, "latest")
    assert (await pending).id == latest
    await follower.aclose()


async def test_followers_of_one_conversation_each_get_everything(
    feed: TranscriptFeed, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    widget, console = feed.follow(conversation.id, "0-0"), feed.follow(conversation.id, "0-0")
    waiting = [asyncio.ensure_future(anext(f)) for f in (widget, console)]
    entry_id = await say(store, conversation.id, "hello")
    assert [(await w).id for w in waiting] == [entry_id, entry_id]
    await widget.aclose()
    pending = asyncio.ensure_future(anext(console))
    later = await say(store, conversation.id, "still there?")
    assert (await pending).id == later
    await console.aclose()
