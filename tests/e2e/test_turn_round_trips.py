"""The Redis round trips a bot turn costs the customers' hub (each one is a send and a wake-up of
both ends, the largest share of the hub's CPU a turn): the real Rasa and action server, which
ask the session's hub for the decision; the turn's intake in this process, its client counted."""

import pytest
from redis.asyncio import Redis

from handoff.assistant.rasa_client import http_client
from handoff.conversations.model import Sender
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from tests.support import CountingConnection, intake_with_bot, round_trips_of

pytestmark = pytest.mark.e2e


async def test_a_bot_turn_stores_its_message_in_two_round_trips_and_its_answer_in_three(
    stack_hub: Settings, redis_url: str
) -> None:
    redis = Redis.from_url(redis_url, decode_responses=True, connection_class=CountingConnection)
    store = ConversationStore(redis)
    conversation = await store.create("web", "en")
    async with http_client(30) as http:
        intake = intake_with_bot(redis, stack_hub, http)
        # The first turn loads the scripts into Redis (a round trip each, once).
        await intake.answer(await intake.accept(conversation.id, "hello", "c0"))
        message = "how do I verify my account?"  # an article, then "Did this answer...?"
        accepted, accepting = await round_trips_of(intake.accept(conversation.id, message, "c1"))
        last_id, answering = await round_trips_of(intake.answer(accepted))
    replies = [e for e in await store.entries(conversation.id) if e.sender is Sender.BOT]
    await redis.aclose()
    assert len(replies) >= 2 and last_id == replies[-1].id
    # The header read, the message appended with the header's new fields.
    assert accepting == 2
    # The header read again (a person may have taken it meanwhile), every reply appended at
    # once, the dashboard's roll-up.
    assert answering == 3
