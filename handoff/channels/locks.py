"""Named locks across every hub process, first come first served within one: one chat's updates,
or one conversation's deliveries, are handled one at a time and in order.

A holder keeps its Redis lock alive while it works; a process that dies loses it within
LOCK_SECONDS, and the next waiter takes over.
"""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from handoff import keys

LOCK_SECONDS = 5.0
RENEW_SECONDS = LOCK_SECONDS / 3
POLL_SECONDS = 0.02  # how often a waiter tries a lock another process holds

# KEYS: the lock. ARGV: the holder's token, milliseconds to live ("" = release). 1 if it held it.
_KEEP_OR_RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
"""


class NamedLocks:
    """`async with locks.hold("chat:42"):` one holder at a time, in every hub process."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._keep_or_release = redis.register_script(_KEEP_OR_RELEASE)
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
        token = uuid.uuid4().hex
        ttl_ms = int(LOCK_SECONDS * 1000)
        while not await self._redis.set(key, token, nx=True, px=ttl_ms):
            await asyncio.sleep(POLL_SECONDS)
        keeping = asyncio.create_task(self._keep(key, token, ttl_ms))
        try:
            yield
        finally:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping
            await self._keep_or_release(keys=[key], args=[token, ""])

    async def _keep(self, key: str, token: str, ttl_ms: int) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            await self._keep_or_release(keys=[key], args=[token, ttl_ms])
