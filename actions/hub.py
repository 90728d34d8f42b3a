"""The hub's internal API, as the action server calls it (BATON_HUB_URL, BATON_INTERNAL_TOKEN).

Calls go over kept-alive connections: one session per event loop, made on its first call, not a
new session (a TCP connect here, an accept in the hub or its load balancer) every call.
"""

import asyncio
import os
import weakref
from typing import Any

import aiohttp

HUB_TIMEOUT = aiohttp.ClientTimeout(total=5)
# What a failed call to the hub raises (KeyError: the environment lacks the hub's address).
HUB_ERRORS = (aiohttp.ClientError, TimeoutError, KeyError, ValueError)
# Idle connections are dropped before the hub (uvicorn, 5 s) would close them, so that a call
# never goes out on a connection the other end is closing.
IDLE_SECONDS = 2.0

_sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession] = (
    weakref.WeakKeyDictionary()
)


def hub_session() -> aiohttp.ClientSession:
    """The running event loop's session with the hub, its connections kept alive."""
    loop = asyncio.get_running_loop()
    session = _sessions.get(loop)
    if session is None or session.closed:
        pool = aiohttp.TCPConnector(keepalive_timeout=IDLE_SECONDS)
        session = _sessions[loop] = aiohttp.ClientSession(timeout=HUB_TIMEOUT, connector=pool)
    return session


async def post_to_hub(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a JSON body to the hub's internal API; its JSON answer; raises one of HUB_ERRORS."""
    url = f"{os.environ['BATON_HUB_URL'].rstrip('/')}{path}"
    headers = {"Authorization": f"Bearer {os.environ['BATON_INTERNAL_TOKEN']}"}
    async with hub_session().post(url, json=body, headers=headers) as response:
        response.raise_for_status()
        return await response.json()
