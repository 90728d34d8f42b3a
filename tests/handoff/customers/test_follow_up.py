"""What a customer leaves for later: an email address while waiting, a rating at the end."""

from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Entry, Refused, Sender
from handoff.conversations.store import ConversationStore
from handoff.customers.follow_up import FollowUps
from handoff.dashboard.rollups import Rollups

Escalated = Callable[..., Awaitable[str]]


async def test_an_email_is_taken_only_while_waiting_for_a_person(
    escalated: Escalated, redis: Redis, store: ConversationStore
) -> None:
    follow_ups = FollowUps(store, Rollups(redis))
    with_bot = await store.create("web", "en", "customer-1")
    with pytest.raises(Refused):
        await follow_ups.leave_email(with_bot.id, "me@example.com")
    conversation_id = await escalated("ko")
    await follow_ups.leave_email(conversation_id, "me@example.com")
    assert (await store.get(conversation_id)).notify_email == "me@example.com"
    assert "me@example.com" in (await store.recent(conversation_id, 1))[0].text


async def test_a_rating_is_stored_once_and_only_for_a_closed_conversation(
    escalated: Escalated, redis: Redis, store: ConversationStore
) -> None:
    follow_ups = FollowUps(store, Rollups(redis))
    conversation_id = await escalated()
    with pytest.raises(Refused) as early:
        await follow_ups.rate(conversation_id, 5, "")
    assert early.value.code == "not_closed"
    await store.transition(conversation_id, "close", Entry(sender=Sender.SYSTEM, text="bye"))
    await follow_ups.rate(conversation_id, 4, "  quick and kind  ")
    with pytest.raises(Refused) as twice:
        await follow_ups.rate(conversation_id, 1, "changed my mind")
    assert twice.value.code == "rated"
    rated = await store.get(conversation_id)
    assert (rated.rating, rated.rating_comment) == (4, "quick and kind")
    ratings = [
        f for _, f in await redis.xrange(keys.ratings()) if f["conversation"] == conversation_id
    ]
    assert [(r["score"], r["comment"]) for r in ratings] == [("4", "quick and kind")]
