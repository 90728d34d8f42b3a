"""Staff login sessions in Redis, keyed by a digest of the cookie's token, expiring when idle,
and indexed by user so that all of a user's sessions end together."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.asyncio import Redis

from handoff import keys

if TYPE_CHECKING:  # users.py ends sessions when a password or role changes
    from handoff.staff.users import User

# Deletes every session of a user and the index of them, atomically; returns how many there were.
# KEYS: the user's index of session digests. ARGV: the prefix of a session's key.
_END_SESSIONS_SCRIPT = """
local digests = redis.call('SMEMBERS', KEYS[1])
for _, digest in ipairs(digests) do redis.call('DEL', ARGV[1] .. digest) end
redis.call('DEL', KEYS[1])
return #digests
"""


@dataclass(frozen=True)
class StaffSession:
    """A logged-in staff member and the CSRF token their pages must send back."""

    user: User
    csrf: str


class SessionStore:
    """Login sessions, keyed by a digest of the cookie's token, expiring when idle."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def open(self, user: User) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        digest, index = _digest(token), keys.user_sessions(user.name)
        await self._forget_ended(index)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.session(digest), mapping={"user": user.name, "csrf": csrf})
            pipe.expire(keys.session(digest), self._ttl)
            pipe.sadd(index, digest)
            pipe.expire(index, self._ttl)
            await pipe.execute()
        return token, csrf

    async def read(self, token: str) -> tuple[str, str] | None:
        """(user name, CSRF token) of a live session, which stays alive (and in its user's
        index, sessions opened before there was one included); None otherwise."""
        digest = _digest(token)
        key, fields = keys.session(digest), await self._redis.hgetall(keys.session(digest))
        if not fields:
            return None
        index = keys.user_sessions(fields["user"])
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.expire(key, self._ttl)
            pipe.sadd(index, digest)
            pipe.expire(index, self._ttl)
            await pipe.execute()
        return fields["user"], fields["csrf"]

    async def close(self, token: str) -> None:
        """End a session."""
        digest = _digest(token)
        name = await self._redis.hget(keys.session(digest), "user")
        await self._redis.delete(keys.session(digest))
        if name:
            await self._redis.srem(keys.user_sessions(name), digest)

    async def close_all(self, name: str) -> int:
        """End every session of a user ("log out everywhere"); how many there were."""
        return await end_sessions(self._redis, name)

    async def _forget_ended(self, index: str) -> None:
        """Drop the digests of sessions that expired from a user's index (it stays small)."""
        digests = list(await self._redis.smembers(index))
        if not digests:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for digest in digests:
                pipe.exists(keys.session(digest))
            alive = await pipe.execute()
        ended = [digest for digest, exists in zip(digests, alive, strict=True) if not exists]
        if ended:
            await self._redis.srem(index, *ended)


async def end_sessions(redis: Redis, name: str) -> int:
    """End every session of a user, atomically; how many there were."""
    script = redis.register_script(_END_SESSIONS_SCRIPT)
    return await script(keys=[keys.user_sessions(name)], args=[keys.session("")])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
