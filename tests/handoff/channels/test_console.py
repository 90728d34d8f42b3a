"""The agent console on the session's hub process: who may claim, write, type, transfer,
release and follow."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.sample import load_sample
from handoff.settings import Settings
from handoff.staff.users import Role
from tests.support import AgentClient, StaffAccounts, WidgetClient, signed, ws_url


async def escalated(settings: Settings) -> tuple[WidgetClient, str]:
    """A widget whose customer asked for a person; its conversation id."""
    widget = WidgetClient(ws_url(settings))
    await widget.connect()
    await widget.send({"type": "handoff"})
    await widget.receive("queue")
    return widget, widget.conversation_id


@pytest.fixture
async def agents(
    hub_without_bot: Settings, hub_staff: StaffAccounts
) -> AsyncIterator[list[AgentClient]]:
    """Three connected consoles: two English agents and one who speaks only Korean."""
    base_url = f"http://127.0.0.1:{hub_without_bot.port}"
    async with AsyncExitStack() as stack:
        clients = []
        for languages in (("en",), ("en",), ("ko",)):
            client = AgentClient(base_url)
            await client.log_in(*await hub_staff(Role.AGENT, languages))
            await client.connect()
            stack.push_async_callback(client.close)
            clients.append(client)
        yield clients


async def test_one_claim_wins_and_only_the_holder_writes_or_types(
    hub_without_bot: Settings, agents: list[AgentClient]
) -> None:
    first, second, korean = agents
    widget, conversation_id = await escalated(hub_without_bot)
    claim = {"type": "claim", "conversation_id": conversation_id}
    assert (await first.request(claim))["type"] == "done"
    taken = await second.request(claim)
    assert taken["type"] == "error" and taken["code"] == "taken"
    open_frame = {"type": "open", "conversation_id": conversation_id}
    assert (await korean.request(open_frame))["code"] == "language"

    assert (await second.request(open_frame))["type"] == "done"  # reading is allowed
    for frame in (
        {"type": "message", "conversation_id": conversation_id, "text": "I'll take it"},
        {"type": "typing", "conversation_id": conversation_id, "on": True},
    ):
        refused = await second.request(frame)
        assert refused["type"] == "error" and refused["code"] == "not_yours"

    typing = {"type": "typing", "conversation_id": conversation_id, "on": True}
    assert (await first.request(typing))["type"] == "done"
    shown = await widget.receive("typing")
    assert shown["sender"] == "agent" and shown["on"] is True
    await widget.close()


async def test_notes_stay_with_agents(hub_without_bot: Settings, agents: list[AgentClient]) -> None:
    first, second, _ = agents
    widget, conversation_id = await escalated(hub_without_bot)
    await first.request({"type": "claim", "conversation_id": conversation_id})
    await second.request({"type": "open", "conversation_id": conversation_id})
    note = {"type": "note", "conversation_id": conversation_id, "text": "VIP, be gentle"}
    assert (await first.request(note))["type"] == "done"
    reply = {"type": "message", "conversation_id": conversation_id, "text": "Hello, I'm here"}
    assert (await first.request(reply))["type"] == "done"
    seen = await entries_until(second, conversation_id, "Hello, I'm here")
    assert any(e["text"] == "VIP, be gentle" and e["internal"] for e in seen)
    customer_saw = []
    while "Hello, I'm here" not in customer_saw:
        customer_saw.append((await widget.receive("entry"))["text"])
    assert "VIP, be gentle" not in customer_saw
    await widget.close()


async def test_transfer_then_release_to_the_bot(
    hub_without_bot: Settings, agents: list[AgentClient], shared_redis: Redis
) -> None:
    first, second, _ = agents
    widget, conversation_id = await escalated(hub_without_bot)
    await first.request({"type": "claim", "conversation_id": conversation_id})
    to_nobody = {"type": "transfer", "conversation_id": conversation_id, "to": "nobody-here"}
    assert (await first.request(to_nobody))["code"] == "no_agent"
    to_second = to_nobody | {"to": second.hello["agent"]}
    assert (await first.request(to_second))["type"] == "done"
    async with asyncio.timeout(10):
        while conversation_id not in [i["conversation_id"] for i in await mine(second)]:
            pass
    late = {"type": "message", "conversation_id": conversation_id, "text": "still me?"}
    assert (await first.request(late))["code"] == "not_yours"
    release = {"type": "release", "conversation_id": conversation_id}
    assert (await first.request(release))["type"] == "error"  # no longer first's to release
    assert (await second.request(release))["type"] == "done"
    header = await shared_redis.hgetall(keys.conversation(conversation_id))
    assert header["state"] == "bot" and not header.get("assignee")
    await widget.close()


async def test_a_transfer_to_an_agent_at_capacity_is_refused_plainly(
    hub_without_bot: Settings, agents: list[AgentClient]
) -> None:
    first, second, _ = agents
    widgets = []
    for _ in range(hub_without_bot.agent_capacity):
        widget, conversation_id = await escalated(hub_without_bot)
        widgets.append(widget)
        assert (await second.request({"type": "claim", "conversation_id": conversation_id}))[
            "type"
        ] == "done"
    widget, conversation_id = await escalated(hub_without_bot)
    widgets.append(widget)
    await first.request({"type": "claim", "conversation_id": conversation_id})
    transfer = {"type": "transfer", "conversation_id": conversation_id}
    refused = await first.request(transfer | {"to": second.hello["agent"]})
    assert (refused["type"], refused["code"]) == ("error", "capacity")
    assert "as many chats as they can" in refused["message"]
    for widget in widgets:
        await widget.close()


async def test_a_left_conversation_is_no_longer_followed(
    hub_without_bot: Settings, agents: list[AgentClient]
) -> None:
    first = agents[0]
    widget, conversation_id = await escalated(hub_without_bot)
    open_frame = {"type": "open", "conversation_id": conversation_id}
    assert (await first.request(open_frame))["type"] == "done"
    await widget.say("before leaving")
    await entries_until(first, conversation_id, "before leaving")
    assert (await first.request({"type": "leave", "conversation_id": conversation_id}))[
        "type"
    ] == "done"
    await widget.say("after leaving")
    stored = []
    while "after leaving" not in stored:
        stored.append((await widget.receive("entry"))["text"])
    with pytest.raises(TimeoutError):
        await entries_until(first, conversation_id, "after leaving", timeout=1.5)
    assert (await first.request(open_frame))["type"] == "done"  # back: it catches up
    await entries_until(first, conversation_id, "after leaving")
    await widget.close()


async def entries_until(
    agent: AgentClient, conversation_id: str, text: str, timeout: float = 10
) -> list[dict]:
    """The conversation's entries the console receives, up to the one with this text."""
    seen: list[dict] = []
    async with asyncio.timeout(timeout):
        while not seen or seen[-1]["text"] != text:
            frame = await agent.receive("entry")
            if frame["conversation_id"] == conversation_id:
                seen.append(frame["entry"])
    return seen


async def mine(agent: AgentClient) -> list[dict]:
    """The next list of the agent's own chats the hub pushes."""
    return (await agent.receive("mine"))["items"]


async def test_a_claim_past_the_agents_capacity_is_refused(
    hub_without_bot: Settings, agents: list[AgentClient]
) -> None:
    first = agents[0]
    widgets = [await escalated(hub_without_bot) for _ in range(hub_without_bot.agent_capacity + 1)]
    answers = [
        await first.request({"type": "claim", "conversation_id": conversation_id})
        for _, conversation_id in widgets
    ]
    assert [a["type"] for a in answers] == ["done"] * hub_without_bot.agent_capacity + ["error"]
    assert answers[-1]["code"] == "capacity"
    for widget, _ in widgets:
        await widget.close()


async def test_the_customer_panel_shows_a_verified_customers_records_only(
    hub_without_bot: Settings, agents: list[AgentClient], shared_redis: Redis
) -> None:
    await load_sample(DemoRecords(shared_redis), datetime.now(UTC))
    agent = agents[0]
    panels = {}
    for user in ("hb-1002", None):
        widget = WidgetClient(ws_url(hub_without_bot))
        await widget.connect(**(signed(hub_without_bot, user) if user else {}))
        await widget.send({"type": "handoff"})
        await widget.receive("queue")
        await agent.send({"type": "open", "conversation_id": widget.conversation_id})
        panels[user] = (await agent.receive("conversation"))["records"]
        await widget.close()
    verified = panels["hb-1002"]
    assert verified["available"] and verified["verification"]["status"] == "approved"
    assert [t["reference"] for t in verified["transfers"]] == [
        "HB-2026-000201",
        "HB-2026-000202",
        "HB-2026-000203",
        "HB-2026-000204",
    ]
    assert panels[None] is None
