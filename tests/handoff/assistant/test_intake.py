"""The message intake, in process, with a real Redis; its Rasa is a closed port."""

import pytest
from redis.asyncio import Redis

from handoff.assistant.intake import MessageIntake
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import Button, Entry, Refused, Sender, State
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue
from handoff.staff.users import UserStore
from tests.support import intake_without_bot


@pytest.fixture
async def router(redis: Redis, database_url: str, store: ConversationStore) -> MessageIntake:
    queue = AgentQueue(redis, store, UserStore(redis), settings_on_free_ports(database_url))
    async with intake_without_bot(redis, store, queue) as intake:
        yield intake


async def test_empty_and_oversize_messages_are_refused_in_the_customers_language(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "ko")
    with pytest.raises(Refused) as empty:
        await router.accept(conversation.id, " \n ", "c1")
    assert empty.value.code == "empty" and "메시지" in str(empty.value)
    with pytest.raises(Refused) as too_long:
        await router.accept(conversation.id, "a" * 4001, "c2")
    assert too_long.value.code == "too_long"
    assert await store.recent(conversation.id, 5) == []


async def test_the_language_follows_the_customer(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    accepted = await router.accept(conversation.id, "안녕하세요", "c1")
    assert accepted.language == "ko"
    assert (await store.get(conversation.id)).language == "ko"
    assert (await router.accept(conversation.id, "123", "c2")).language == "ko"


async def test_typed_text_cannot_inject_an_intent(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    accepted = await router.accept(conversation.id, "/report_fraud", "c1")
    assert accepted.bot_text == "report_fraud"
    [stored] = await store.recent(conversation.id, 1)
    assert stored.text == "/report_fraud"


async def test_only_offered_buttons_reach_the_bot_as_payloads(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    offer = Entry(sender=Sender.BOT, text="Pick one", buttons=(Button("Verify", "/verify"),))
    await store.append(conversation.id, offer)
    pressed = await router.accept(conversation.id, "Verify", "c1", payload="/verify")
    assert pressed.bot_text == "/verify"
    forged = await router.accept(conversation.id, "Fraud", "c2", payload="/report_fraud")
    assert forged.bot_text == "Fraud"


async def test_the_bot_does_not_answer_a_conversation_a_person_holds(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    accepted = await router.accept(conversation.id, "hello", "c1")
    escalated = Entry(sender=Sender.SYSTEM, text="", event="escalated")
    await store.transition(conversation.id, "escalate", escalated)
    await router.answer(accepted)  # Rasa is down: had it been asked, a notice would be logged
    assert [e.event for e in await store.recent(conversation.id, 5)] == ["escalated", None]


async def test_a_dead_rasa_hands_the_conversation_to_a_person(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    await router.answer(await router.accept(conversation.id, "hello", "c1"))
    escalated, notice, message = await store.recent(conversation.id, 5)
    assert (notice.sender, notice.event) == (Sender.SYSTEM, "assistant_unavailable")
    assert (escalated.event, escalated.meta["reason"]) == ("escalated", "assistant_unavailable")
    assert (await store.get(conversation.id)).state is State.QUEUED
    assert message.text == "hello"


async def test_a_closed_conversation_takes_no_more_messages(
    store: ConversationStore, router: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    closing = Entry(sender=Sender.SYSTEM, text="", event="closed")
    await store.transition(conversation.id, "escalate", closing)
    await store.transition(conversation.id, "close", closing)
    with pytest.raises(Refused) as refused:
        await router.accept(conversation.id, "one more thing", "c1")
    assert refused.value.code == "closed"
