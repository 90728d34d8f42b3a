"""The hub's internal API, as the action server calls it (BATON_HUB_URL, BATON_INTERNAL_TOKEN).

Calls go over kept-alive connections, the event loop's pool that Rasa's calls to the action
server also use in their own process (bot/kept_connections.py): not a TCP connect here and an
accept in the hub, or its load balancer, every call.
"""

import os
from typing import Any

import aiohttp

from bot.kept_connections import connection_pool

HUB_TIMEOUT = aiohttp.ClientTimeout(total=5)
# What a failed call to the hub raises (KeyError: the environment lacks the hub's address).
HUB_ERRORS = (aiohttp.ClientError, TimeoutError, KeyError, ValueError)


async def post_to_hub(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a JSON body to the hub's internal API; its JSON answer; raises one of HUB_ERRORS."""
    url = f"{os.environ['BATON_HUB_URL'].rstrip('/')}{path}"
    headers = {"Authorization": f"Bearer {os.environ['BATON_INTERNAL_TOKEN']}"}
    session = aiohttp.ClientSession(
        timeout=HUB_TIMEOUT, connector=connection_pool(), connector_owner=False
    )
    async with session, session.post(url, json=body, headers=headers) as response:
        response.raise_for_status()
        return await response.json()
