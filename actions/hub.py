"""The hub's internal API, as the action server calls it (BATON_HUB_URL, BATON_INTERNAL_TOKEN)."""

import os
from typing import Any

import aiohttp

HUB_TIMEOUT = aiohttp.ClientTimeout(total=5)
# What a failed call to the hub raises (KeyError: the environment lacks the hub's address).
HUB_ERRORS = (aiohttp.ClientError, TimeoutError, KeyError, ValueError)


async def post_to_hub(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a JSON body to the hub's internal API; its JSON answer; raises one of HUB_ERRORS."""
    url = f"{os.environ['BATON_HUB_URL'].rstrip('/')}{path}"
    headers = {"Authorization": f"Bearer {os.environ['BATON_INTERNAL_TOKEN']}"}
    async with (
        aiohttp.ClientSession(timeout=HUB_TIMEOUT) as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        response.raise_for_status()
        return await response.json()
