"""Once a person is asked for, a stray word in another script does not move the conversation to
another language: the agent who holds it keeps it, and it keeps its place in its queue."""

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.assistant.intake import MessageIntake
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.staff.users import Role, UserStore
from tests.support import intake_without_bot


@pytest.fixture
async def queue(redis: Redis, database_url: str, store: ConversationStore) -> AgentQueue:
    users = UserStore(redis)
    await users.add("ana", "correct horse battery", Role.AGENT, ("en",))
    return AgentQueue(redis, store, users, settings_on_free_ports(database_url))


@pytest.fixture
async def intake(
    redis: Redis, store: ConversationStore, queue: AgentQueue
) -> AsyncIterator[MessageIntake]:
    async with intake_without_bot(redis, store, queue) as intake:
        yield intake


async def test_one_hangul_letter_after_escalating_keeps_the_queue_language(
    redis: Redis, store: ConversationStore, queue: AgentQueue, intake: MessageIntake
) -> None:
    conversation = await store.create("web", "en", "customer-1")
    await queue.escalate(conversation.id, Escalation.because("customer_asked"))
    await intake.accept(conversation.id, "ㅋ", "c1")
    assert (await store.get(conversation.id)).language == "en"
    assert await redis.hget(keys.queue_languages(), conversation.id) == "en"


async def test_one_hangul_letter_does_not_take_a_chat_from_its_english_agent(
    store: ConversationStore, queue: AgentQueue, intake: MessageIntake
) -> None:
    conversation = await store.create("web", "en", "customer-1")
    await queue.escalate(conversation.id, Escalation.because("customer_asked"))
    await queue.claim(conversation.id, "ana")
    await intake.accept(conversation.id, "thanks 네", "c1")
    held = await store.get(conversation.id)
    assert (held.language, held.assignee) == ("en", "ana")


async def test_the_bot_still_follows_the_customers_language(
    store: ConversationStore, intake: MessageIntake
) -> None:
    conversation = await store.create("web", "en", "customer-1")
    accepted = await intake.accept(conversation.id, "안녕하세요", "c1")
    assert accepted.language == "ko"
    assert (await store.get(conversation.id)).language == "ko"
