"""A customer never triggers an intent by typing: whatever the whitespace and slashes around it,
what Rasa reads of typed text never starts with its intent prefix "/" (Rasa strips the text
before it looks); only the payload of a button the bot offered reaches it as an intent."""

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff.assistant.intake import MessageIntake
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import Button, Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue
from handoff.staff.users import UserStore
from tests.support import intake_without_bot

TYPED = [
    " /report_fraud",
    "\t/report_fraud",
    "\n/report_fraud",
    "\u00a0/report_fraud",
    "\u3000/report_fraud",
    "/ /report_fraud",
    " / / /report_fraud",
    '/ /report_fraud{"amount": "1"}',
    "//report_fraud",
]


@pytest.fixture
async def intake(
    redis: Redis, database_url: str, store: ConversationStore
) -> AsyncIterator[MessageIntake]:
    queue = AgentQueue(redis, store, UserStore(redis), settings_on_free_ports(database_url))
    async with intake_without_bot(redis, store, queue) as intake:
        yield intake


@pytest.mark.parametrize("typed", TYPED)
async def test_typed_text_never_reaches_rasa_as_an_intent(
    typed: str, store: ConversationStore, intake: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    accepted = await intake.accept(conversation.id, typed, "c1")
    assert not accepted.bot_text.strip().startswith("/"), repr(accepted.bot_text)
    assert "report_fraud" in accepted.bot_text
    [stored] = await store.recent(conversation.id, 1)
    assert stored.text == typed  # the transcript keeps what the customer wrote


async def test_only_an_offered_button_payload_reaches_rasa_as_an_intent(
    store: ConversationStore, intake: MessageIntake
) -> None:
    conversation = await store.create("web", "en")
    offer = Entry(sender=Sender.BOT, text="Pick one", buttons=(Button("Verify", "/verify"),))
    await store.append(conversation.id, offer)
    pressed = await intake.accept(conversation.id, "Verify", "c1", payload="/verify")
    assert pressed.bot_text == "/verify"
    forged = await intake.accept(conversation.id, " /report_fraud", "c2", payload="/report_fraud")
    assert not forged.bot_text.strip().startswith("/")
