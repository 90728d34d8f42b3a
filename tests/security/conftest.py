"""Attacks on the hub run on the hub's test fixtures: a Redis database of each test's own, the
hub in process, widgets and staff (tests/handoff/conftest.py); and a hub process for fuzzing."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from handoff.cli.processes import hub_process, running, settings_on_free_ports
from handoff.settings import Settings
from handoff.staff.users import Role
from tests.handoff.conftest import *  # noqa: F403
from tests.security.serving import serve  # noqa: F401
from tests.support import StaffAccounts, log_in


@pytest.fixture(scope="module")
def fuzzed_hub(
    redis_server: str, logs_dir: Path, _database_numbers: Iterator[int]
) -> Iterator[Settings]:
    """A hub process of the module's own, on a database of its own: the fuzzers' thousands of
    failed logins, bad frames and new conversations stay out of the session's hub."""
    url = f"{redis_server}/{next(_database_numbers)}"
    hub = settings_on_free_ports(url)
    with running([hub_process(hub, url)], logs_dir / "fuzzed-hub"):
        yield hub


@pytest.fixture(scope="module")
def admin_login(fuzzed_hub: Settings) -> dict[str, str]:
    """A logged-in admin of the fuzzed hub: its cookie and CSRF token, as request headers."""

    async def logged_in() -> dict[str, str]:
        redis = Redis.from_url(fuzzed_hub.redis_url, decode_responses=True)
        name, password = await StaffAccounts(redis)(Role.ADMIN, ("en", "ko"))
        await redis.aclose()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{fuzzed_hub.port}") as http:
            await log_in(http, name, password)
            return {
                "Cookie": f"baton_session={http.cookies['baton_session']}",
                "X-CSRF-Token": http.headers["X-CSRF-Token"],
            }

    return asyncio.run(logged_in())
