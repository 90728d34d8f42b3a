"""Sessions end everywhere on a password change, a role change or "log out everywhere": an open
console is closed and the old cookie no longer opens anything."""

import asyncio
import json
from collections.abc import Awaitable, Callable

import httpx
import pytest
import websockets

from handoff.settings import Settings
from handoff.staff.users import Role
from tests.support import Account, AgentClient, StaffAccounts, staff_client

SESSION_ENDED = 4401


def base_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.port}"


async def console_of(settings: Settings, account: Account) -> AgentClient:
    """A connected console of this account."""
    console = AgentClient(base_url(settings))
    await console.log_in(*account)
    await console.connect()
    return console


async def closed_with(console: AgentClient, seen: list[dict] | None = None) -> int:
    """The code the hub closes the console's socket with; the frames before it go to `seen`."""
    seen = [] if seen is None else seen
    with pytest.raises(websockets.ConnectionClosed) as closing:
        async with asyncio.timeout(30):
            while True:
                seen.append(json.loads(await console.socket.recv()))
    return closing.value.rcvd.code


async def refused_everywhere(settings: Settings, console: AgentClient, http: httpx.AsyncClient):
    """The console's cookie no longer opens a socket, nor the other session its pages."""
    with pytest.raises(websockets.InvalidStatus):
        await console.connect()
    assert (await http.get("/auth/me")).status_code == 401


Change = Callable[[StaffAccounts, Account], Awaitable[None]]


async def new_password(staff: StaffAccounts, account: Account) -> None:
    await staff.users.add(account.name, "a brand new password", Role.AGENT)


async def new_role(staff: StaffAccounts, account: Account) -> None:
    await staff.users.add(account.name, account.password, Role.EDITOR)


@pytest.mark.parametrize("change", [new_password, new_role], ids=["password", "role"])
async def test_a_password_or_role_change_ends_every_session(
    hub_without_bot: Settings, hub_staff: StaffAccounts, change: Change
) -> None:
    account = await hub_staff(Role.AGENT)
    console = await console_of(hub_without_bot, account)
    http = await staff_client(base_url(hub_without_bot), *account)
    await change(hub_staff, account)
    assert await closed_with(console) == SESSION_ENDED
    await refused_everywhere(hub_without_bot, console, http)
    await http.aclose()


async def test_log_out_everywhere_closes_the_other_consoles(
    hub_without_bot: Settings, hub_staff: StaffAccounts
) -> None:
    account = await hub_staff(Role.AGENT)
    console = await console_of(hub_without_bot, account)
    http = await staff_client(base_url(hub_without_bot), *account)
    assert (await http.post("/auth/logout-everywhere")).status_code == 204
    assert await closed_with(console) == SESSION_ENDED
    await refused_everywhere(hub_without_bot, console, http)
    await http.aclose()


async def test_a_revoked_console_acts_on_no_further_frame(
    hub_without_bot: Settings, hub_staff: StaffAccounts
) -> None:
    account = await hub_staff(Role.AGENT)
    console = await console_of(hub_without_bot, account)
    http = await staff_client(base_url(hub_without_bot), *account)
    await http.post("/auth/logout-everywhere")
    await console.send({"type": "search", "query": "fees", "language": "en", "request": "r1"})
    seen: list[dict] = []
    assert await closed_with(console, seen) == SESSION_ENDED
    assert not [frame for frame in seen if frame.get("request") == "r1"]
    await http.aclose()
