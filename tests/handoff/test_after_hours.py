"""After hours: the customer is told plainly, leaves an email, and hears of the agent's reply."""

import asyncio
from dataclasses import replace
from pathlib import Path

from handoff.cli.processes import hub_process, running, settings_on_free_ports
from handoff.staff.users import Role
from tests.support import AgentClient, StaffAccounts, WidgetClient, ws_url


async def test_after_hours_the_customer_leaves_an_email_and_the_reply_is_mailed(
    database_url: str, staff: StaffAccounts, smtp_server, tmp_path: Path
) -> None:
    smtp, inbox = smtp_server
    settings = settings_on_free_ports(database_url)
    hub = hub_process(settings, database_url)
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
    night_shift = await staff(Role.AGENT)
    with running([hub], tmp_path / "logs"):
        widget = WidgetClient(ws_url(settings))
        await widget.connect(language="en")
        await widget.send({"type": "handoff"})
        place = await widget.receive("queue")
        assert place["open"] is False and place["position"] >= 1
        await widget.send({"type": "email", "address": "night.owl@example.com"})
        saved = await widget.receive("entry")
        assert saved["event"] == "email_saved" and "night.owl@example.com" in saved["text"]
        await widget.close()  # the customer leaves; the conversation stays queued

        agent = AgentClient(f"http://127.0.0.1:{settings.port}")
        await agent.log_in(*night_shift)
        await agent.connect()
        conversation_id = widget.conversation_id
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
