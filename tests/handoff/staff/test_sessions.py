"""Staff login sessions in Redis: opened, read, closed, and expiring when idle."""

import asyncio

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.staff.sessions import SessionStore
from handoff.staff.users import Role, User

MINA = User(name="mina", role=Role.EDITOR, languages=("en",), display_name="Mina")


@pytest.fixture
def sessions(redis: Redis) -> SessionStore:
    return SessionStore(redis, ttl_seconds=600)


async def test_an_open_session_names_its_user_and_csrf_token(sessions: SessionStore) -> None:
    token, csrf = await sessions.open(MINA)
    other_token, other_csrf = await sessions.open(MINA)
    assert len({token, csrf, other_token, other_csrf}) == 4
    assert await sessions.read(token) == ("mina", csrf)
    assert await sessions.read(other_token) == ("mina", other_csrf)


async def stored_session(redis: Redis) -> str:
    """The key of the one session in the test's database."""
    [key] = await redis.keys(keys.session("*"))
    return key


async def test_the_token_itself_is_not_stored(sessions: SessionStore, redis: Redis) -> None:
    token, csrf = await sessions.open(MINA)
    key = await stored_session(redis)
    assert token not in key
    assert await redis.hgetall(key) == {"user": "mina", "csrf": csrf}


async def test_unknown_and_closed_sessions_name_nobody(sessions: SessionStore) -> None:
    assert await sessions.read("never-issued") is None
    token, _ = await sessions.open(MINA)
    await sessions.close(token)
    assert await sessions.read(token) is None


async def test_reading_a_session_keeps_it_alive(sessions: SessionStore, redis: Redis) -> None:
    token, _ = await sessions.open(MINA)
    key = await stored_session(redis)
    assert 590 < await redis.ttl(key) <= 600
    await redis.expire(key, 5)  # as if it had been idle for almost the whole time
    assert await sessions.read(token) is not None
    assert 590 < await redis.ttl(key) <= 600


async def test_an_idle_session_expires(redis: Redis) -> None:
    sessions = SessionStore(redis, ttl_seconds=1)
    token, _ = await sessions.open(MINA)
    await asyncio.sleep(1.2)
    assert await sessions.read(token) is None
