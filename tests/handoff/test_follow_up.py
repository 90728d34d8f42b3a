"""Email addresses, notification emails (to a real SMTP server on loopback) and ratings."""

import asyncio
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations import ConversationStore, Entry, Sender
from handoff.follow_up import FollowUpRefused, FollowUps
from handoff.notify import EmailNotifier
from handoff.policy import EscalationPolicy
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
    follow_ups = FollowUps(redis, store)
    with_bot = await store.create("web", "en", "customer-1")
    with pytest.raises(FollowUpRefused):
        await follow_ups.leave_email(with_bot.id, "me@example.com")
    conversation_id = await escalated(store, "ko")
    await follow_ups.leave_email(conversation_id, "me@example.com")
    assert (await store.get(conversation_id)).fields["notify_email"] == "me@example.com"
    assert "me@example.com" in (await store.recent(conversation_id, 1))[0].text


async def test_a_rating_is_stored_once_and_only_for_a_closed_conversation(
    redis: Redis, store: ConversationStore
) -> None:
    follow_ups = FollowUps(redis, store)
    conversation_id = await escalated(store)
    with pytest.raises(FollowUpRefused) as early:
        await follow_ups.rate(conversation_id, 5, "")
    assert early.value.code == "not_closed"
    await store.transition(conversation_id, "close", Entry(sender=Sender.SYSTEM, text="bye"))
    await follow_ups.rate(conversation_id, 4, "  quick and kind  ")
    with pytest.raises(FollowUpRefused) as twice:
        await follow_ups.rate(conversation_id, 1, "changed my mind")
    assert twice.value.code == "rated"
    header = (await store.get(conversation_id)).fields
    assert (header["rating"], header["rating_comment"]) == ("4", "quick and kind")
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
    await store.update(conversation_id, {"notify_email": "customer@example.com"})
    await notifier.agent_replied(conversation_id, "Your transfer arrived this morning.")
    await notifier.agent_replied(conversation_id, "Anything else?")
    await notifier.drain()
    await asyncio.sleep(0.2)
    assert len(inbox.messages) == 1
    [message] = inbox.messages
    assert message["To"] == "customer@example.com"
    assert "Your transfer arrived this morning." in message.get_payload()
    assert float((await store.get(conversation_id)).fields["notified_at"]) <= time.time()


async def test_misses_in_a_row_escalate_and_an_answer_resets_the_count(
    redis: Redis, store: ConversationStore
) -> None:
    policy = EscalationPolicy(redis, max_consecutive_misses=2)
    conversation = await store.create("web", "en", "customer-1")
    assert (await policy.next_step(conversation.id, False, True)).action == "rephrase"
    assert (await policy.next_step(conversation.id, True, True)).action == "answer"
    assert (await policy.next_step(conversation.id, False, True)).action == "rephrase"
    step = await policy.next_step(conversation.id, False, True)
    assert (step.action, step.reason) == ("escalate", "repeated_misses")
    not_understood = await policy.next_step(conversation.id, False, nlu_confident=False)
    assert (not_understood.action, not_understood.reason) == ("escalate", "low_confidence")
    assert not await redis.exists(keys.conversation("no-such-conversation"))
    await policy.next_step("no-such-conversation", False, True)
    assert not await redis.exists(keys.conversation("no-such-conversation"))
