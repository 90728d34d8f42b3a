"""The console's WebSocket lets in only agents and admins, from the hub's own pages (the
session's hub process)."""

import httpx
import pytest
import websockets

from handoff.settings import Settings
from handoff.staff.users import Role
from tests.support import StaffAccounts, log_in


async def opened(settings: Settings, origin: str | None, cookie: str) -> int:
    """The HTTP status the console's socket answers with (101: opened)."""
    url = f"ws://127.0.0.1:{settings.port}/ws/agent"
    try:
        socket = await websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie})
    except websockets.InvalidStatus as refused:
        return refused.response.status_code
    await socket.close()
    return 101


async def session_cookie(settings: Settings, staff: StaffAccounts, role: Role) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.port}") as client:
        await log_in(client, *await staff(role))
        return f"baton_session={client.cookies['baton_session']}"


@pytest.mark.parametrize(
    ("role", "status"), [(Role.AGENT, 101), (Role.ADMIN, 101), (Role.EDITOR, 403)]
)
async def test_agents_and_admins_get_in_from_the_hubs_own_origin(
    hub_without_bot: Settings, hub_staff: StaffAccounts, role: Role, status: int
) -> None:
    cookie = await session_cookie(hub_without_bot, hub_staff, role)
    assert (
        await opened(hub_without_bot, f"http://127.0.0.1:{hub_without_bot.port}", cookie) == status
    )


async def test_another_origin_or_no_session_is_refused(
    hub_without_bot: Settings, hub_staff: StaffAccounts
) -> None:
    own = f"http://127.0.0.1:{hub_without_bot.port}"
    cookie = await session_cookie(hub_without_bot, hub_staff, Role.AGENT)
    assert await opened(hub_without_bot, "https://evil.example", cookie) == 403
    assert await opened(hub_without_bot, None, cookie) == 403
    assert await opened(hub_without_bot, own, "baton_session=forged") == 403
    assert await opened(hub_without_bot, own, "") == 403
