"""A hub killed with SIGKILL mid-conversation: nothing is lost, and both sides catch up once."""

import asyncio
from pathlib import Path

from redis.asyncio import Redis

from handoff import keys
from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
)
from handoff.staff.users import Role
from tests.support import AgentClient, StaffAccounts, WidgetClient, ws_url


async def until_entry(client, text: str) -> dict:
    """The entry frame with this text (a console's entries come wrapped)."""
    while True:
        frame = await client.receive("entry")
        entry = frame.get("entry", frame)
        if entry["text"] == text:
            return entry


async def test_a_killed_hub_loses_no_message_and_clients_catch_up_without_duplicates(
    tmp_path: Path,
) -> None:
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    settings = settings_on_free_ports(redis_url)
    base_url = f"http://127.0.0.1:{settings.port}"
    with running([redis_process(port, tmp_path / "redis")], tmp_path / "logs"):
        await asyncio.sleep(0.3)
        redis = Redis.from_url(redis_url, decode_responses=True)
        ana = await StaffAccounts(redis)(Role.AGENT)
        hub = hub_process(settings, redis_url)
        with running([hub], tmp_path / "logs") as supervisor:
            widget = WidgetClient(ws_url(settings))
            await widget.connect()
            await widget.send({"type": "handoff"})
            await widget.receive("queue")
            conversation_id, token = widget.conversation_id, widget.token
            agent = AgentClient(base_url)
            await agent.log_in(*ana)
            await agent.connect()
            claim = {"type": "claim", "conversation_id": conversation_id}
            assert (await agent.request(claim))["type"] == "done"
            await widget.say("one", client_id="c-one")
            seen_by_agent = await until_entry(agent, "one")
            reply = {"type": "message", "conversation_id": conversation_id, "text": "two"}
            await agent.send(reply | {"client_id": "a-two"})
            seen_by_widget = await until_entry(widget, "two")

            await widget.say("three", client_id="c-three")  # its echo may never arrive
            await asyncio.to_thread(supervisor.kill, "hub")
            await asyncio.to_thread(supervisor.start, [hub])

            widget = WidgetClient(ws_url(settings))
            again = await widget.connect(token=token, last_id=seen_by_widget["id"])
            assert again["resumed"] and again["state"] == "agent"
            await widget.say("three", client_id="c-three")  # the widget's outbox resends it
            agent = AgentClient(base_url)
            await agent.log_in(*ana)
            await agent.connect()
            reopen = {"type": "open", "conversation_id": conversation_id}
            await agent.send(reopen | {"after": seen_by_agent["id"]})
            await agent.send(reply | {"text": "four", "client_id": "a-four"})

            caught_up_widget = [
                await until_entry(widget, "three"),
                await until_entry(widget, "four"),
            ]
            caught_up_agent = []
            while len(caught_up_agent) < 3:
                caught_up_agent.append((await agent.receive("entry"))["entry"])
            assert [e["text"] for e in caught_up_agent] == ["two", "three", "four"]
            assert all(e["id"] > seen_by_widget["id"] for e in caught_up_widget)
            await widget.close()
            await agent.close()
        texts = [f["text"] for _, f in await redis.xrange(keys.transcript(conversation_id))]
        assert [t for t in texts if t in {"one", "two", "three", "four"}] == [
            "one",
            "two",
            "three",
            "four",
        ]
        await redis.aclose()
