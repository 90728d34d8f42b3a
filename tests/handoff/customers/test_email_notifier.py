"""Notification emails, to a real SMTP server on loopback."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.store import ConversationStore
from handoff.customers.email_notifier import EmailNotifier
from handoff.keys import ConversationField as F

Escalated = Callable[..., Awaitable[str]]


async def test_an_agent_reply_is_emailed_once_per_burst(
    escalated: Escalated, database_url: str, store: ConversationStore, smtp_server
) -> None:
    controller, inbox = smtp_server
    settings = settings_on_free_ports(
        database_url, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False
    )
    notifier = EmailNotifier(settings, store)
    conversation_id = await escalated()
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
