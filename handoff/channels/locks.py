"""Named locks across every hub process, first come first served within one: one chat's updates,
or one conversation's deliveries, are handled one at a time and in order.

A holder keeps its Redis lock alive while it works; a process that dies loses it within
LOCK_SECONDS, and the next waiter takes over.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

from handoff import keys
from handoff.tasks import cancel_and_wait

LOCK_SECONDS = 5.0
RENEW_SECONDS = LOCK_SECONDS / 3
POLL_SECONDS = 0.02  # how often a waiter tries a lock another process holds


class NamedLocks:
    """`async with locks.hold("chat:42"):` one holder at a time, in every hub process."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._local: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # lock, [waiters]

    @contextlib.asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        """Wait for the lock (behind this process's earlier waiters), hold it for the block."""
        local, waiting = self._local.setdefault(name, (asyncio.Lock(), [0]))
        waiting[0] += 1
        try:
            async with local, self._held(keys.lock(name)):
                yield
        finally:
            waiting[0] -= 1
            if not waiting[0]:
                del self._local[name]

    @contextlib.asynccontextmanager
    async def _held(self, key: str) -> AsyncIterator[None]:
        """redis-py's lock (as the sweeper's), renewed while the block runs."""
        lock = Lock(self._redis, key, timeout=LOCK_SECONDS, sleep=POLL_SECONDS)
        await lock.acquire()
        keeping = asyncio.create_task(self._keep(lock))
        try:
            yield
        finally:
            await cancel_and_wait([keeping])
            with contextlib.suppress(LockError):  # expired meanwhile: someone else's now
                await lock.release()

    @staticmethod
    async def _keep(lock: Lock) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            await lock.reacquire()
