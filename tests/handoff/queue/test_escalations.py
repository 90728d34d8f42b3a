"""Hand-overs the bot decided: one cut short by a crash before the queue is redone."""

import time

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.assistant.intake import MessageIntake
from handoff.conversations.model import State
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.escalations import REDO_AFTER_SECONDS, PendingEscalations
from handoff.queue.sweeper import Sweeper
from handoff.settings import Settings
from handoff.staff.users import UserStore
from tests.support import intake_without_bot


class HubKilled(BaseException):
    """The hub process died here (nothing after it runs)."""


@pytest.fixture
async def intake(redis: Redis, store: ConversationStore, queue: AgentQueue) -> MessageIntake:
    """The intake of a hub whose Rasa is down: every message is handed to a person."""
    async with intake_without_bot(redis, store, queue) as intake:
        yield intake


async def test_a_hand_over_cut_short_by_a_crash_is_redone_by_another_hubs_sweeper(
    redis: Redis,
    store: ConversationStore,
    queue: AgentQueue,
    intake: MessageIntake,
    users: UserStore,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conversation = await store.create("web", "en", "customer-1")
    accepted = await intake.accept(conversation.id, "hello", "c1")

    async def killed(*args: object) -> None:
        raise HubKilled

    monkeypatch.setattr(queue, "escalate", killed)  # between the bot's reply and the queue
    with pytest.raises(HubKilled):
        await intake.answer(accepted)
    assert (await store.get(conversation.id)).state is State.BOT

    other = AgentQueue(redis, store, users, settings)
    sweeper = Sweeper(redis, store, other, PendingEscalations(redis, other), users, settings)
    await sweeper.sweep(time.time())  # the first hub might still be at it: left alone
    assert (await store.get(conversation.id)).state is State.BOT
    await sweeper.sweep(time.time() + REDO_AFTER_SECONDS + 1)
    redone = await store.get(conversation.id)
    assert (redone.state, redone.reason) == (State.QUEUED, "assistant_unavailable")
    assert [q.conversation_id for q in await other.waiting()] == [conversation.id]
    assert await redis.zcard(keys.escalations_pending()) == 0


async def test_a_hand_over_carried_out_leaves_nothing_to_redo(
    redis: Redis, store: ConversationStore, intake: MessageIntake
) -> None:
    conversation = await store.create("web", "en", "customer-1")
    await intake.answer(await intake.accept(conversation.id, "hello", "c1"))
    assert (await store.get(conversation.id)).state is State.QUEUED
    assert await redis.zcard(keys.escalations_pending()) == 0
    assert await redis.hlen(keys.escalations_pending_reasons()) == 0
