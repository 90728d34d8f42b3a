"""Email addresses, notification emails (to a real SMTP server on loopback) and ratings."""

import asyncio
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Entry, Refused, Sender
from handoff.conversations.store import ConversationStore
from handoff.customers.email_notifier import EmailNotifier
from handoff.customers.follow_up import FollowUps
from handoff.keys import ConversationField as F
from tests.support import free_port, make_settings


class Inbox(Message):
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
async def store(redis: Redis) -> ConversationStore:
    return ConversationStore(redis)


async def escalated(store: ConversationStore, language: str = "en") -> str:
    conversation = await store.create("web", language, "customer-1")
    await store.transition(conversation.id, "escalate", Entry(sender=Sender.SYSTEM, text="q"))
    return conversation.id


async def test_an_email_is_taken_only_while_waiting_for_a_person(
    redis: Redis, store: ConversationStore
) -> None:
    follow_ups = FollowUps(store)
    with_bot = await store.create("web", "en", "customer-1")
    with pytest.raises(Refused):
        await follow_ups.leave_email(with_bot.id, "me@example.com")
    conversation_id = await escalated(store, "ko")
    await follow_ups.leave_email(conversation_id, "me@example.com")
    assert (await store.get(conversation_id)).notify_email == "me@example.com"
    assert "me@example.com" in (await store.recent(conversation_id, 1))[0].text


async def test_a_rating_is_stored_once_and_only_for_a_closed_conversation(
    redis: Redis, store: ConversationStore
) -> None:
    follow_ups = FollowUps(store)
    conversation_id = await escalated(store)
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


async def test_an_agent_reply_is_emailed_once_per_burst(
    redis: Redis, redis_url: str, store: ConversationStore, smtp_server
) -> None:
    controller, inbox = smtp_server
    settings = make_settings(
        redis_url, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False
    )
    notifier = EmailNotifier(settings, store)
    conversation_id = await escalated(store)
    await notifier.agent_replied(conversation_id, "nobody asked to be told")
    await store.update(conversation_id, {F.NOTIFY_EMAIL: "customer@example.com"})
    await notifier.agent_replied(conversation_id, "Your transfer arrived this morning.")
    await notifier.agent_replied(conversation_id, "Anything else?")
    await notifier.drain()
    await asyncio.sleep(0.2)
    assert len(inbox.messages) == 1
    [message] = inbox.messages
    assert message["To"] == "customer@example.com"
    assert "Your transfer arrived this morning." in message.get_payload()
    assert (await store.get(conversation_id)).notified_at <= time.time()
