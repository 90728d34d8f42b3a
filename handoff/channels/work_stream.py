"""A Redis stream worked by a consumer group: any number of hub processes take its entries,
each entry is handled by one of them, and an entry a process took and never finished (it died,
or its handler failed) is taken again after a while, by whichever process looks first."""

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, str]], Awaitable[None]]

READ_BLOCK_MS = 1000  # a blocking read returns at least this often, to look for stale entries
BATCH = 64  # entries taken at a time, and handled at once at most
MAX_DELIVERIES = 5  # an entry whose handler failed this often is dropped (logged)
RETRY_SECONDS = 1.0  # after Redis failed under the worker


class WorkStream:
    """One consumer of a stream's consumer group (created if missing)."""

    def __init__(self, redis: Redis, stream: str, group: str, reclaim_seconds: float) -> None:
        self._redis = redis
        self._stream = stream
        self._group = group
        self._consumer = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._reclaim_ms = int(reclaim_seconds * 1000)

    async def run(self, handle: Handler) -> None:
        """Hand every entry to `handle`, up to BATCH at once; an entry is acknowledged and
        deleted once handled, and left pending (taken again later) if the handler raised."""
        slots = asyncio.Semaphore(BATCH)
        working: set[asyncio.Task] = set()
        try:
            while True:
                try:
                    taken = await self._take()
                except RedisError as error:
                    logger.warning("%s: Redis failed, retrying: %r", self._stream, error)
                    await asyncio.sleep(RETRY_SECONDS)
                    continue
                for entry_id, fields, deliveries in taken:
                    await slots.acquire()
                    task = asyncio.create_task(self._work(entry_id, fields, deliveries, handle))
                    working.add(task)
                    task.add_done_callback(working.discard)
                    task.add_done_callback(lambda _: slots.release())
        finally:
            for task in working:
                task.cancel()
            await asyncio.gather(*working, return_exceptions=True)

    async def _work(
        self, entry_id: str, fields: dict[str, str], deliveries: int, handle: Handler
    ) -> None:
        try:
            await handle(fields)
        except Exception:
            if deliveries < MAX_DELIVERIES:
                logger.exception("%s %s failed; it will be retried", self._stream, entry_id)
                return
            logger.exception("%s %s failed %d times; dropped", self._stream, entry_id, deliveries)
        await self.done(entry_id)

    async def done(self, entry_id: str) -> None:
        """Acknowledge an entry and delete it (the stream holds only work not yet done)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(self._stream, self._group, entry_id)
            pipe.xdel(self._stream, entry_id)
            await pipe.execute()

    async def _take(self) -> list[tuple[str, dict[str, str], int]]:
        """Stale entries of other consumers first, else new ones (waiting a little for them):
        (id, fields, how many times it has been taken)."""
        stale = await self._reclaim()
        if stale:
            return stale
        try:
            read = await self._redis.xreadgroup(
                self._group, self._consumer, {self._stream: ">"}, count=BATCH, block=READ_BLOCK_MS
            )
        except ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            await self._create_group()
            return []
        return [(entry_id, fields, 1) for _, entries in read for entry_id, fields in entries]

    async def _reclaim(self) -> list[tuple[str, dict[str, str], int]]:
        """Claim the entries taken longer ago than the reclaim time and not acknowledged."""
        try:
            pending = await self._redis.xpending_range(
                self._stream, self._group, "-", "+", BATCH, idle=self._reclaim_ms
            )
        except ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            await self._create_group()
            return []
        if not pending:
            return []
        deliveries = {p["message_id"]: p["times_delivered"] + 1 for p in pending}
        claimed = await self._redis.xclaim(
            self._stream, self._group, self._consumer, self._reclaim_ms, list(deliveries)
        )
        taken = []
        for entry_id, fields in claimed:
            if fields is None:  # deleted meanwhile: nothing left to do
                await self.done(entry_id)
            else:
                taken.append((entry_id, fields, deliveries[entry_id]))
        return taken

    async def _create_group(self) -> None:
        try:
            await self._redis.xgroup_create(self._stream, self._group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise
