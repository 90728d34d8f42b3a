"""An agent queue in the test's own database, with two agents; conversations queued in it."""

from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore

PASSWORD = "correct horse battery"


@pytest.fixture
async def users(redis: Redis) -> UserStore:
    """Agents "ana" (English) and "bo" (English and Korean)."""
    store = UserStore(redis)
    await store.add("ana", PASSWORD, Role.AGENT, ("en",))
    await store.add("bo", PASSWORD, Role.AGENT, ("en", "ko"))
    return store


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Two chats an agent at most; a disconnected agent keeps theirs for 30 seconds."""
    return settings_on_free_ports(database_url, agent_capacity=2, agent_grace_seconds=30)


@pytest.fixture
def queue(
    redis: Redis, store: ConversationStore, users: UserStore, settings: Settings
) -> AgentQueue:
    return AgentQueue(redis, store, users, settings)


@pytest.fixture
def queued(store: ConversationStore, queue: AgentQueue) -> Callable[..., Awaitable[str]]:
    """`await queued(reason, language="en")`: a new conversation escalated for that reason."""

    async def escalate(reason: str, language: str = "en", into: AgentQueue = queue) -> str:
        conversation = await store.create("web", language, "customer-1")
        await into.escalate(conversation.id, Escalation.because(reason, "request_human", 0.97))
        return conversation.id

    return escalate
