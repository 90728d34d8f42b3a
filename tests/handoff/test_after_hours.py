"""After hours: the customer is told plainly, leaves an email, and hears of the agent's reply."""

import asyncio
import secrets
from dataclasses import replace
from pathlib import Path

from aiosmtpd.controller import Controller
from redis.asyncio import Redis

from handoff.cli.processes import hub_process
from handoff.staff.users import Role, UserStore
from tests.handoff.customers.test_follow_up import Inbox
from tests.support import AgentClient, WidgetClient, free_port, make_settings, running, ws_url


async def test_after_hours_the_customer_leaves_an_email_and_the_reply_is_mailed(
    redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings = make_settings(redis_url)
    hub = hub_process(settings, redis_url)
    hub = replace(
        hub,
        env=hub.env
        | {
            "BATON_BUSINESS_HOURS": "sun 00:00-00:01",  # all but a minute a week: closed
            "BATON_SMTP_HOST": "127.0.0.1",
            "BATON_SMTP_PORT": str(smtp.port),
            "BATON_SMTP_STARTTLS": "false",
        },
    )
    name, password = f"night-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    await UserStore(redis).add(name, password, Role.AGENT, ("en",))
    try:
        with running([hub], tmp_path / "logs"):
            widget = WidgetClient(ws_url(settings))
            welcome = await widget.connect(language="en")
            await widget.send({"type": "handoff"})
            place = await widget.receive("queue")
            assert place["open"] is False and place["position"] >= 1
            await widget.send({"type": "email", "address": "night.owl@example.com"})
            saved = await widget.receive("entry")
            assert saved["event"] == "email_saved" and "night.owl@example.com" in saved["text"]
            await widget.close()  # the customer leaves; the conversation stays queued

            agent = AgentClient(f"http://127.0.0.1:{settings.port}")
            await agent.log_in(name, password)
            await agent.connect()
            conversation_id = welcome["conversation_id"]
            claimed = await agent.request({"type": "claim", "conversation_id": conversation_id})
            assert claimed["type"] == "done"
            reply = "Good morning! Your transfer was released at 09:02."
            message = {"type": "message", "conversation_id": conversation_id, "text": reply}
            assert (await agent.request(message))["type"] == "done"
            async with asyncio.timeout(10):
                while not inbox.messages:
                    await asyncio.sleep(0.05)
            [mail] = inbox.messages
            assert mail["To"] == "night.owl@example.com"
            assert reply in mail.get_payload()
            await agent.close()
    finally:
        smtp.stop()
