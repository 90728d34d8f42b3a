"""Live transcripts in one hub process: every socket follows its conversation without holding a
Redis connection.

The store publishes the id of each conversation whose transcript grows. One subscription per
process wakes the local followers of that conversation, and each reads what it has not seen yet
(XRANGE after its last id): a wake-up carries no data, so one that is lost or early costs nothing,
and a follower registered before its first read misses nothing and never sees an entry twice.
"""

import asyncio
import logging
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handoff import keys
from handoff.conversations.model import Entry
from handoff.conversations.store import ConversationStore
from handoff.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
PAGE = 200  # entries read at a time


class TranscriptFeed:
    """Wakes this process's followers of a transcript when it grows; one pub/sub connection."""

    def __init__(self, redis: Redis, conversations: ConversationStore) -> None:
        self._redis = redis
        self._conversations = conversations
        self._followers: dict[str, set[asyncio.Event]] = {}
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        """Subscribe, and return once Redis has confirmed it (no append is missed after)."""
        subscribed = asyncio.Event()
        self._tasks = [asyncio.create_task(self._listen(subscribed))]
        await subscribed.wait()

    async def stop(self) -> None:
        """Stop listening."""
        await cancel_and_wait(self._tasks)

    async def follow(self, conversation_id: str, after: str) -> AsyncIterator[Entry]:
        """Yield every entry after `after`, then each new one as it is appended, forever."""
        woken = asyncio.Event()
        followers = self._followers.setdefault(conversation_id, set())
        followers.add(woken)
        try:
            while True:
                woken.clear()  # before the read: an append after it wakes the next wait
                entries = await self._conversations.entries(conversation_id, after, PAGE)
                for entry in entries:
                    after = entry.id
                    yield entry
                if len(entries) < PAGE:
                    await woken.wait()
        finally:
            followers.discard(woken)
            if not followers and self._followers.get(conversation_id) is followers:
                del self._followers[conversation_id]

    async def _listen(self, subscribed: asyncio.Event) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(keys.transcript_appended())
                    async for message in pubsub.listen():
                        if message["type"] == "subscribe":
                            logger.info("Transcript channel subscribed")
                            self._wake_all()  # whatever was appended while unsubscribed
                            subscribed.set()
                        elif message["type"] == "message":
                            for woken in self._followers.get(message["data"], ()):
                                woken.set()
            except RedisError as error:
                logger.warning("Transcript channel lost, resubscribing: %r", error)
                await asyncio.sleep(RETRY_SECONDS)

    def _wake_all(self) -> None:
        for followers in self._followers.values():
            for woken in followers:
                woken.set()
