"""Staff login sessions in Redis, keyed by a digest of the cookie's token, expiring when idle."""

import hashlib
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

from handoff import keys
from handoff.staff.users import User


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
        key = keys.session(_digest(token))
        await self._redis.hset(key, mapping={"user": user.name, "csrf": csrf})
        await self._redis.expire(key, self._ttl)
        return token, csrf

    async def read(self, token: str) -> tuple[str, str] | None:
        """(user name, CSRF token) of a live session, which stays alive; None otherwise."""
        key = keys.session(_digest(token))
        fields = await self._redis.hgetall(key)
        if not fields:
            return None
        await self._redis.expire(key, self._ttl)
        return fields["user"], fields["csrf"]

    async def close(self, token: str) -> None:
        """End a session."""
        await self._redis.delete(keys.session(_digest(token)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
