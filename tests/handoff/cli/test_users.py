"""`baton users`: staff accounts made, changed and logged out everywhere from the command line."""

import asyncio
from collections.abc import Iterator

import pytest
from click.testing import Result
from redis.asyncio import Redis
from typer.testing import CliRunner

from handoff.cli.main import app
from handoff.settings import get_settings
from handoff.staff.sessions import SessionStore
from handoff.staff.users import Role, UserStore


@pytest.fixture
def baton(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """Runs `baton` on the test's database."""
    monkeypatch.setenv("REDIS_URL", database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


async def baton_says(baton: CliRunner, *args: str, **env: str) -> Result:
    """Run a `baton` command (it runs an event loop of its own, so in a thread)."""
    return await asyncio.to_thread(baton.invoke, app, list(args), env=env)


async def test_accounts_are_added_edited_and_logged_out(baton: CliRunner, redis: Redis) -> None:
    added = await baton_says(
        baton,
        *("users", "add", "jane.doe", "--role", "agent", "--language", "ko"),
        BATON_NEW_PASSWORD="a long password",
    )
    assert added.exit_code == 0, added.output
    assert "customers see 'Jane'" in added.output
    users, sessions = UserStore(redis), SessionStore(redis, 600)
    token, _ = await sessions.open(await users.get("jane.doe"))

    edited = await baton_says(baton, "users", "edit", "jane.doe", "--display-name", "Jane D.")
    assert edited.exit_code == 0, edited.output
    assert (await users.get("jane.doe")).display_name == "Jane D."
    assert await sessions.read(token) is not None  # a new display name keeps the session

    edited = await baton_says(baton, "users", "edit", "jane.doe", "--role", "editor")
    assert edited.exit_code == 0 and (await users.get("jane.doe")).role is Role.EDITOR
    assert await sessions.read(token) is None

    token, _ = await sessions.open(await users.get("jane.doe"))
    logged_out = await baton_says(baton, "users", "logout", "jane.doe")
    assert logged_out.exit_code == 0 and "1 session(s) ended" in logged_out.output
    assert await sessions.read(token) is None

    unknown = await baton_says(baton, "users", "edit", "nobody", "--display-name", "X")
    assert unknown.exit_code == 2 and "no account named nobody" in unknown.output


async def test_a_supervisor_is_a_role_an_account_can_have(baton: CliRunner, redis: Redis) -> None:
    added = await baton_says(
        baton,
        "users",
        "add",
        "sam.lee",
        "--role",
        "supervisor",
        BATON_NEW_PASSWORD="a long password",
    )
    assert added.exit_code == 0, added.output
    assert (await UserStore(redis).get("sam.lee")).role is Role.SUPERVISOR
