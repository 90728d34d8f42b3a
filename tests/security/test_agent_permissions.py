"""Only the agent who holds a conversation closes, releases or annotates it (or an admin)."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from handoff.settings import Settings
from handoff.staff.users import Role
from tests.handoff.channels.test_console import escalated
from tests.support import AgentClient, StaffAccounts


@pytest.fixture
async def consoles(
    hub_without_bot: Settings, hub_staff: StaffAccounts
) -> AsyncIterator[tuple[AgentClient, AgentClient, AgentClient]]:
    """Connected consoles: two English agents and an admin."""
    base_url = f"http://127.0.0.1:{hub_without_bot.port}"
    async with AsyncExitStack() as stack:
        clients = []
        for role in (Role.AGENT, Role.AGENT, Role.ADMIN):
            client = AgentClient(base_url)
            await client.log_in(*await hub_staff(role, ("en",)))
            await client.connect()
            stack.push_async_callback(client.close)
            clients.append(client)
        yield tuple(clients)


def frames(conversation_id: str) -> list[dict]:
    """Close, release and annotate: what only the holder may do."""
    return [
        {"type": "close", "conversation_id": conversation_id, "tags": ["spam"]},
        {"type": "release", "conversation_id": conversation_id},
        {"type": "note", "conversation_id": conversation_id, "text": "not mine to write"},
    ]


async def test_nobody_closes_releases_or_annotates_a_queued_conversation_unclaimed(
    hub_without_bot: Settings, consoles: tuple[AgentClient, AgentClient, AgentClient]
) -> None:
    agent, _, _ = consoles
    widget, conversation_id = await escalated(hub_without_bot)
    for frame in frames(conversation_id):
        refused = await agent.request(frame)
        assert (refused["type"], refused["code"]) == ("error", "not_yours"), frame
    claimed = await agent.request({"type": "claim", "conversation_id": conversation_id})
    assert claimed["type"] == "done"  # still queued: nothing was closed or released
    await widget.close()


async def test_another_agent_may_not_act_on_a_held_conversation_but_an_admin_may(
    hub_without_bot: Settings, consoles: tuple[AgentClient, AgentClient, AgentClient]
) -> None:
    holder, other, admin = consoles
    widget, conversation_id = await escalated(hub_without_bot)
    await holder.request({"type": "claim", "conversation_id": conversation_id})
    for frame in frames(conversation_id):
        refused = await other.request(frame)
        assert (refused["type"], refused["code"]) == ("error", "not_yours"), frame
    note = {"type": "note", "conversation_id": conversation_id, "text": "VIP"}
    assert (await holder.request(note))["type"] == "done"
    assert (await admin.request(note | {"text": "checked"}))["type"] == "done"
    close = {"type": "close", "conversation_id": conversation_id, "tags": ["solved"]}
    assert (await admin.request(close))["type"] == "done"
    await widget.close()
