"""Every wait that passes its first-response target is flagged, the second within a day too."""

import time

from redis.asyncio import Redis

from handoff import keys
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.queue.escalations import PendingEscalations
from handoff.queue.sweeper import Sweeper
from handoff.staff.users import UserStore


async def test_a_second_breach_within_a_day_is_flagged(
    redis: Redis, database_url: str, store: ConversationStore
) -> None:
    settings = settings_on_free_ports(database_url)
    users = UserStore(redis)
    queue = AgentQueue(redis, store, users, settings)
    sweeper = Sweeper(redis, store, queue, PendingEscalations(redis, queue), users, settings)
    conversation = await store.create("web", "en", "customer-1")

    await queue.escalate(conversation.id, Escalation.because("report_fraud"))  # 60 s target
    assert await sweeper.flag_breaches(time.time() + 61) == [conversation.id]
    assert await sweeper.flag_breaches(time.time() + 62) == []  # once per wait
    released = Entry(sender=Sender.SYSTEM, text="", event="released")
    await store.transition(conversation.id, "release", released)

    await queue.escalate(conversation.id, Escalation.because("report_fraud"))  # a new wait
    assert not (await store.get(conversation.id)).sla_breached
    assert await sweeper.flag_breaches(time.time() + 120) == [conversation.id]
    assert (await store.get(conversation.id)).sla_breached
    events = [fields["type"] for _, fields in await redis.xrange(keys.events())]
    assert events.count("sla_breached") == 2
