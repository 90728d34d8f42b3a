"""Staff accounts (agents, editors, admins) with argon2-hashed passwords, kept in Redis."""

import re
import time
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from handoff import keys
from handoff.staff.passwords import Passwords
from handoff.staff.sessions import end_sessions

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
NAME_PARTS = re.compile(r"[._-]")
MIN_PASSWORD_CHARS = 10
MAX_DISPLAY_NAME_CHARS = 40
DEFAULT_DISPLAY_NAME = "Agent"


class Role(StrEnum):
    """What a staff member may do: agents chat, editors write the knowledge base, supervisors
    read the dashboard, admins all of it."""

    AGENT = "agent"
    EDITOR = "editor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class InvalidAccount(ValueError):
    """A name, password, role or display name that an account cannot have."""


@dataclass(frozen=True)
class User:
    """A staff member, without the password hash; customers only ever see the display name."""

    name: str
    role: Role
    languages: tuple[str, ...]
    display_name: str


def default_display_name(name: str) -> str:
    """What customers see of an account without a display name: the first part of a login of
    several parts ("jane.doe": "Jane"), else "Agent", so a whole login never shows."""
    first, *rest = NAME_PARTS.split(name)
    return first.capitalize() if rest and first else DEFAULT_DISPLAY_NAME


class UserStore:
    """Creates and changes staff accounts and checks their passwords.

    A new password or role ends every session of the account (staff/sessions.py).
    """

    def __init__(self, redis: Redis, passwords: Passwords | None = None) -> None:
        self._redis = redis
        self._passwords = passwords or Passwords()

    async def add(
        self,
        name: str,
        password: str,
        role: Role,
        languages: tuple[str, ...] = ("en",),
        display_name: str | None = None,
    ) -> User:
        """Create or reset an account (a reset ends its sessions)."""
        if not NAME.match(name):
            raise InvalidAccount("names are 2-40 lowercase letters, digits, '.', '_' or '-'")
        shown = _checked_display_name(display_name or default_display_name(name))
        _check_password(password)
        await self._redis.hset(
            keys.user(name),
            mapping={
                "role": role.value,
                "languages": ",".join(languages),
                "display_name": shown,
                "password_hash": await self._passwords.hash(password),
                "created_at": repr(time.time()),
            },
        )
        await self._redis.sadd(keys.users(), name)
        await end_sessions(self._redis, name)
        return User(name, role, languages, shown)

    async def update(
        self,
        name: str,
        *,
        password: str | None = None,
        role: Role | None = None,
        display_name: str | None = None,
        languages: tuple[str, ...] | None = None,
    ) -> User:
        """Change what is given of an account; a new password or role ends its sessions.

        LookupError if there is no such account.
        """
        user = await self.get(name)
        if user is None:
            raise LookupError(f"no account named {name}")
        changes: dict[str, str] = {}
        if display_name is not None:
            changes["display_name"] = _checked_display_name(display_name)
        if languages is not None:
            changes["languages"] = ",".join(languages)
        if role is not None:
            changes["role"] = role.value
        if password is not None:
            _check_password(password)
            changes["password_hash"] = await self._passwords.hash(password)
        if changes:
            await self._redis.hset(keys.user(name), mapping=changes)
        if password is not None or (role is not None and role != user.role):
            await end_sessions(self._redis, name)
        return await self.get(name)

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
        """The account if the password is right, else None (same work either way).

        PasswordsBusy when too many checks are under way already.
        """
        fields = await self._redis.hgetall(keys.user(name)) if NAME.match(name) else {}
        stored = fields.get("password_hash")
        if not await self._passwords.verify(stored, password) or not fields:
            return None
        if self._passwords.needs_rehash(stored):
            rehashed = await self._passwords.hash(password)
            await self._redis.hset(keys.user(name), "password_hash", rehashed)
        return _user(name, fields)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidAccount(f"passwords have at least {MIN_PASSWORD_CHARS} characters")


def _checked_display_name(display_name: str) -> str:
    shown = " ".join(display_name.split())
    if not shown or len(shown) > MAX_DISPLAY_NAME_CHARS or not shown.isprintable():
        raise InvalidAccount(f"display names have 1-{MAX_DISPLAY_NAME_CHARS} printable characters")
    return shown


def _user(name: str, fields: dict[str, str]) -> User:
    return User(
        name,
        Role(fields["role"]),
        tuple(filter(None, fields["languages"].split(","))),
        fields.get("display_name") or default_display_name(name),
    )
