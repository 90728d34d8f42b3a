"""Three hub processes behind HAProxy behave as one: a customer on one hub, the agent's console
on another and the editor on a third go through a whole conversation."""

import asyncio
from pathlib import Path

import httpx
from redis.asyncio import Redis

from handoff.cli.processes import (
    free_ports_in_a_row,
    hub_ports,
    hub_processes,
    running,
    settings_on_free_ports,
)
from handoff.staff.users import Role
from tests.support import AgentClient, StaffAccounts, WidgetClient, log_in

HUBS = 3


async def until_entry(client: WidgetClient | AgentClient, text: str) -> dict:
    """The entry frame with this text (a console's entries come wrapped)."""
    while True:
        frame = await client.receive("entry")
        entry = frame.get("entry", frame)
        if entry["text"] == text:
            return entry


async def searched_until_found(agent: AgentClient, query: str, slug: str) -> dict:
    """Search the console's knowledge base until the article is found (another hub saved it)."""
    async with asyncio.timeout(30):
        while True:
            await agent.send({"type": "search", "query": query, "language": "en"})
            found = (await agent.receive("articles"))["articles"]
            if any(article["slug"] == slug for article in found):
                return next(article for article in found if article["slug"] == slug)


async def test_a_customer_an_agent_and_an_editor_on_three_hubs_behind_one_address(
    database_url: str, redis: Redis, tmp_path: Path
) -> None:
    settings = settings_on_free_ports(
        database_url, hubs=HUBS, port=free_ports_in_a_row(HUBS + 1), var_dir=tmp_path
    )
    customer_hub, agent_hub, editor_hub = (f"http://127.0.0.1:{p}" for p in hub_ports(settings))
    balancer = f"http://127.0.0.1:{settings.port}"
    staff = StaffAccounts(redis)
    agent_account, editor_account = await staff(Role.AGENT), await staff(Role.EDITOR)
    with running(hub_processes(settings, database_url), tmp_path / "logs", timeout=240):
        widget = WidgetClient(customer_hub.replace("http", "ws") + "/ws/widget")
        await widget.connect()
        await widget.send({"type": "handoff"})
        await widget.receive("queue")
        conversation_id = widget.conversation_id

        agent = AgentClient(agent_hub)
        await agent.log_in(*agent_account)
        await agent.connect()
        claim = {"type": "claim", "conversation_id": conversation_id}
        assert (await agent.request(claim))["type"] == "done"
        await widget.say("how much is a transfer to Manila?")
        await until_entry(agent, "how much is a transfer to Manila?")

        async with httpx.AsyncClient(base_url=editor_hub) as editor:
            await log_in(editor, *editor_account)
            content = {
                "title": "Fees to the Philippines",
                "body": "A transfer to Manila costs $1.50.",
                "questions": ["how much is a transfer to Manila"],
                "status": "published",
            }
            saved = await editor.put(
                "/kb/api/articles/en/fees-ph", json={"content": content, "base_revision": 0}
            )
            assert saved.status_code == 200, saved.text
        article = await searched_until_found(agent, "transfer to Manila", "fees-ph")
        answer = article["short_answer"]
        reply = {"type": "message", "conversation_id": conversation_id, "text": answer}
        assert (await agent.request(reply | {"client_id": "a-1"}))["type"] == "done"
        assert (await until_entry(widget, answer))["sender"] == "agent"

        close = {"type": "close", "conversation_id": conversation_id, "tags": ["fees"]}
        assert (await agent.request(close))["type"] == "done"
        assert (await widget.receive("entry"))["state"] == "closed"

        # The same conversation through the one public address, from another hub.
        again = WidgetClient(balancer.replace("http", "ws") + "/ws/widget")
        welcome = await again.connect(token=widget.token)
        assert (welcome["resumed"], welcome["state"]) == (True, "closed")
        async with httpx.AsyncClient(base_url=balancer) as public:
            served = {(await public.get("/healthz")).status_code for _ in range(HUBS)}
            assert served == {200}
        for client in (widget, again, agent):
            await client.close()
