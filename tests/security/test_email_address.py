"""An email address a customer leaves is one address: a comma, a second address or a header
cannot make the hub mail anyone else."""

import asyncio

import pytest
from pydantic import ValidationError
from redis.asyncio import Redis

from handoff.channels.widget import EmailFrame
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import Refused
from handoff.conversations.store import ConversationStore
from handoff.customers.email_notifier import EmailNotifier
from handoff.customers.follow_up import FollowUps
from handoff.dashboard.rollups import Rollups
from handoff.keys import ConversationField as F

MORE_THAN_ONE = [
    "victim,attacker@example.com",
    "victim@example.com,attacker@example.com",
    "victim@example.com, attacker@example.com",
    "victim@example.com;attacker@example.com",
    '"victim,attacker"@example.com',
    "Victim <victim@example.com>, attacker@example.com",
    "attacker@example.com <victim@example.com>",
    "victim@example.com\r\nBcc: attacker@example.com",
    "victim@example.com\nBcc: attacker@example.com",
    "(comment)victim@example.com",
]


@pytest.mark.parametrize("address", MORE_THAN_ONE)
async def test_the_widget_and_the_follow_up_refuse_anything_but_one_address(
    address: str, escalated, store: ConversationStore, redis: Redis
) -> None:
    with pytest.raises(ValidationError):
        EmailFrame(type="email", address=address)
    conversation_id = await escalated()
    with pytest.raises(Refused) as refused:
        await FollowUps(store, Rollups(redis)).leave_email(conversation_id, address)
    assert refused.value.code == "bad_email"
    assert not (await store.get(conversation_id)).notify_email


async def test_one_address_is_kept(escalated, store: ConversationStore, redis: Redis) -> None:
    conversation_id = await escalated()
    await FollowUps(store, Rollups(redis)).leave_email(
        conversation_id, "Min-ji.Kim+remit@example.co.kr"
    )
    assert (await store.get(conversation_id)).notify_email == "Min-ji.Kim+remit@example.co.kr"


async def test_a_stored_list_of_addresses_mails_nobody(
    escalated, database_url: str, store: ConversationStore, smtp_server
) -> None:
    controller, inbox = smtp_server
    settings = settings_on_free_ports(
        database_url, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False
    )
    notifier = EmailNotifier(settings, store)
    conversation_id = await escalated()
    # As an older hub may have kept it.
    await store.update(conversation_id, {F.NOTIFY_EMAIL: "victim,attacker@example.com"})
    await notifier.agent_replied(conversation_id, "Your transfer arrived.")
    await notifier.drain()
    other = await escalated()
    await store.update(other, {F.NOTIFY_EMAIL: "customer@example.com"})
    await notifier.agent_replied(other, "Your transfer arrived.")
    await notifier.drain()
    async with asyncio.timeout(5):
        while not inbox.messages:
            await asyncio.sleep(0.02)
    [message] = inbox.messages
    assert message["X-RcptTo"] == "customer@example.com"
