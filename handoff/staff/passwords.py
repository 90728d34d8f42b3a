"""argon2 password hashing off the event loop, with a bound on how many hashes run and wait."""

import asyncio
import logging
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

logger = logging.getLogger(__name__)

T = TypeVar("T")


class PasswordsBusy(Exception):
    """So many password checks are waiting already that one more would only pile up."""


class Passwords:
    """Hashes and checks passwords in worker threads: `workers` at once, `waiting` more queued."""

    def __init__(self, workers: int = 2, waiting: int = 32) -> None:
        self._hasher = PasswordHasher()
        self._running = asyncio.Semaphore(workers)
        self._capacity = workers + waiting
        self._pending = 0

    async def hash(self, password: str) -> str:
        """The argon2 hash of a password."""
        return await self._off_loop(self._hasher.hash, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        """Whether the password matches the stored hash (a dummy one when there is none, so
        that timing does not reveal which accounts exist)."""
        return await self._off_loop(self._matches, stored, password)

    def needs_rehash(self, stored: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        return self._hasher.check_needs_rehash(stored)

    def _matches(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or _dummy_hash(), password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    async def _off_loop(self, work: Callable[..., T], *args: str | None) -> T:
        """Run argon2 in a thread; PasswordsBusy beyond the bound."""
        if self._pending >= self._capacity:
            logger.warning("Password checks are saturated (%s pending)", self._pending)
            raise PasswordsBusy
        self._pending += 1
        try:
            async with self._running:
                return await asyncio.to_thread(work, *args)
        finally:
            self._pending -= 1


@cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist."""
    return PasswordHasher().hash("not a real password")
