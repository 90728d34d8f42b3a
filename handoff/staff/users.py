"""Staff accounts (agents, editors, admins) with argon2-hashed passwords, kept in Redis."""

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from redis.asyncio import Redis

from handoff import keys

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 10


class Role(StrEnum):
    """What a staff member may do: agents chat, editors write the knowledge base, admins both."""

    AGENT = "agent"
    EDITOR = "editor"
    ADMIN = "admin"


class InvalidAccount(ValueError):
    """A name, password or role that an account cannot have."""


@dataclass(frozen=True)
class User:
    """A staff member, without the password hash."""

    name: str
    role: Role
    languages: tuple[str, ...]


class UserStore:
    """Creates staff accounts and checks their passwords."""

    def __init__(self, redis: Redis, hasher: PasswordHasher | None = None) -> None:
        self._redis = redis
        self._hasher = hasher or PasswordHasher()

    async def add(
        self, name: str, password: str, role: Role, languages: tuple[str, ...] = ("en",)
    ) -> User:
        """Create or replace an account."""
        if not NAME.match(name):
            raise InvalidAccount("names are 2-40 lowercase letters, digits, '.', '_' or '-'")
        if len(password) < MIN_PASSWORD_CHARS:
            raise InvalidAccount(f"passwords have at least {MIN_PASSWORD_CHARS} characters")
        await self._redis.hset(
            keys.user(name),
            mapping={
                "role": role.value,
                "languages": ",".join(languages),
                "password_hash": self._hasher.hash(password),
                "created_at": repr(time.time()),
            },
        )
        await self._redis.sadd(keys.users(), name)
        return User(name, role, languages)

    async def get(self, name: str) -> User | None:
        """The account, or None."""
        fields = await self._redis.hgetall(keys.user(name))
        return _user(name, fields) if fields else None

    async def get_many(self, names: list[str]) -> list[User]:
        """The accounts that exist among these names, in one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(keys.user(name))
            found = await pipe.execute()
        return [_user(name, fields) for name, fields in zip(names, found, strict=True) if fields]

    async def exists(self, name: str) -> bool:
        """Whether the account exists."""
        return bool(await self._redis.exists(keys.user(name)))

    async def authenticate(self, name: str, password: str) -> User | None:
        """The account if the password is right, else None (same work either way)."""
        fields = await self._redis.hgetall(keys.user(name)) if NAME.match(name) else {}
        stored = fields.get("password_hash") or _dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, InvalidHashError):
            return None
        if not fields:
            return None
        if self._hasher.check_needs_rehash(stored):
            await self._redis.hset(keys.user(name), "password_hash", self._hasher.hash(password))
        return _user(name, fields)


def _user(name: str, fields: dict[str, str]) -> User:
    return User(name, Role(fields["role"]), tuple(filter(None, fields["languages"].split(","))))


@cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist, so timing does not reveal which do."""
    return PasswordHasher().hash("not a real password")
