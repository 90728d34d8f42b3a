"""Logins under attack: passwords are checked off the event loop, failures are counted per
name and address (atomically) so an outsider cannot lock an agent out, and customers see an
agent's display name, never their login."""

import asyncio
import collections
from collections.abc import Awaitable, Callable

import httpx

from handoff.settings import Settings
from handoff.staff.users import Role
from tests.handoff.channels.test_console import escalated
from tests.support import AgentClient, InProcessHub, StaffAccounts

WRONG = "not the password"
FAILURES_PER_NAME = 10  # the default of BATON_LOGIN_FAILURES_PER_NAME


def client_from(hub: InProcessHub, address: str) -> httpx.AsyncClient:
    """An HTTP client of the hub in process, seen as coming from this address."""
    transport = httpx.ASGITransport(app=hub.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://hub.test")


def login(name: str, password: str) -> dict:
    return {"name": name, "password": password}


async def test_other_tasks_run_while_passwords_are_checked(
    hub: InProcessHub, staff: StaffAccounts
) -> None:
    accounts = [await staff(Role.AGENT) for _ in range(4)]
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async with client_from(hub, "192.0.2.1") as client:
        ticker = asyncio.create_task(tick())
        answers = await asyncio.gather(
            *(client.post("/auth/login", json=login(*account)) for account in accounts)
        )
        ticker.cancel()
    assert [answer.status_code for answer in answers] == [200] * len(accounts)
    # On the loop, argon2 lets the ticker in only between a login's few Redis round trips.
    assert ticks > 200 * len(accounts)


async def test_an_outsider_cannot_lock_an_agent_out(
    hub: InProcessHub, staff: StaffAccounts
) -> None:
    name, password = await staff(Role.AGENT)
    async with (
        client_from(hub, "203.0.113.9") as outsider,
        client_from(hub, "198.51.100.7") as agent,
    ):
        for _ in range(FAILURES_PER_NAME):
            assert (await outsider.post("/auth/login", json=login(name, WRONG))).status_code == 401
        throttled = await outsider.post("/auth/login", json=login(name, password))
        assert throttled.status_code == 429
        assert (await agent.post("/auth/login", json=login(name, password))).status_code == 200


async def test_one_address_trying_many_names_is_throttled(
    start_hub: Callable[..., Awaitable[InProcessHub]], staff: StaffAccounts
) -> None:
    hub = await start_hub(login_failures_per_address=3)
    name, password = await staff(Role.AGENT)
    async with client_from(hub, "203.0.113.9") as outsider, client_from(hub, "192.0.2.8") as agent:
        for guess in ("ana", "bo", "cy"):
            assert (await outsider.post("/auth/login", json=login(guess, WRONG))).status_code == 401
        assert (await outsider.post("/auth/login", json=login(name, password))).status_code == 429
        assert (await agent.post("/auth/login", json=login(name, password))).status_code == 200


async def test_concurrent_tries_cannot_pass_the_limit(
    hub: InProcessHub, staff: StaffAccounts
) -> None:
    name, _ = await staff(Role.AGENT)
    limit = FAILURES_PER_NAME
    async with client_from(hub, "203.0.113.9") as outsider:
        answers = await asyncio.gather(
            *(outsider.post("/auth/login", json=login(name, WRONG)) for _ in range(2 * limit))
        )
    codes = collections.Counter(answer.status_code for answer in answers)
    assert codes == {401: limit, 429: limit}


async def test_customers_see_the_agents_display_name_never_the_login(
    hub_without_bot: Settings, hub_staff: StaffAccounts
) -> None:
    name, password = "mina.kim-" + (await hub_staff(Role.AGENT)).name, "a long password"
    await hub_staff.users.add(name, password, Role.AGENT, ("en",), display_name="Mina")
    console = AgentClient(f"http://127.0.0.1:{hub_without_bot.port}")
    await console.log_in(name, password)
    await console.connect()
    widget, conversation_id = await escalated(hub_without_bot)
    await console.request({"type": "claim", "conversation_id": conversation_id})
    reply = {"type": "message", "conversation_id": conversation_id, "text": "Hello there"}
    assert (await console.request(reply))["type"] == "done"
    seen = []
    while not seen or seen[-1]["text"] != "Hello there":
        seen.append(await widget.receive("entry"))
    joined = next(entry for entry in seen if entry.get("event") == "claimed")
    assert "Mina" in joined["text"] and seen[-1]["author"] == "Mina"
    assert not [entry for entry in seen if name in str(entry)]
    await widget.close()
    await console.close()
