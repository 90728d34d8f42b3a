"""Live events in one hub process: queue changes and typing, fanned out to local listeners.

One blocking read of the events stream and one pub/sub connection per process, however many
widgets and consoles are connected; each listener gets its own asyncio queue.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handoff import keys
from handoff.queue.agent_queue import AgentQueue, QueueView
from handoff.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
LISTENER_BACKLOG = 1000
VIEW_MAX_AGE_SECONDS = 5.0  # agents come and go without events: their heartbeats are not any


@dataclass(frozen=True)
class QueueEvent:
    """A conversation was queued, claimed, transferred, released, requeued or closed."""

    type: str
    conversation_id: str
    state: str
    assignee: str
    previous: str  # who held it before


@dataclass(frozen=True)
class TypingEvent:
    """Someone started or stopped typing in a conversation."""

    conversation_id: str
    sender: str
    on: bool


@dataclass(eq=False)
class Listener:
    """One widget or console: queue events, and typing in the conversations it watches."""

    watching: set[str] = field(default_factory=set)
    every_conversation: bool = False  # typing in any conversation (a channel without sockets)
    inbox: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(LISTENER_BACKLOG))

    def offer(self, event: QueueEvent | TypingEvent) -> None:
        """Queue an event; a listener too slow to keep up loses typing, never queue events."""
        if self.inbox.full():
            if isinstance(event, TypingEvent):
                return
            self.inbox.get_nowait()
        self.inbox.put_nowait(event)


class EventHub:
    """Follows the events stream and the typing channels, and fans them out."""

    def __init__(self, redis: Redis, queue: AgentQueue) -> None:
        self._redis = redis
        self._queue = queue
        self._listeners: set[Listener] = set()
        self._tasks: list[asyncio.Task] = []
        self._view: QueueView | None = None
        self._view_read_at = 0.0
        self._view_lock = asyncio.Lock()
        self._frames_view: QueueView | None = None
        self._frames: dict[tuple[tuple[str, ...], int], str] = {}

    async def start(self) -> None:
        """Start following from now on."""
        last = await self._redis.xrevrange(keys.events(), count=1)
        after = last[0][0] if last else "0-0"
        self._tasks = [
            asyncio.create_task(self._follow_events(after)),
            asyncio.create_task(self._follow_typing()),
        ]

    async def stop(self) -> None:
        """Stop following."""
        await cancel_and_wait(self._tasks)

    @contextlib.contextmanager
    def listen(self, every_conversation: bool = False) -> Iterator[Listener]:
        """A listener for as long as the block lasts."""
        listener = Listener(every_conversation=every_conversation)
        self._listeners.add(listener)
        try:
            yield listener
        finally:
            self._listeners.discard(listener)

    async def view(self) -> QueueView:
        """The queue as of the latest event (or a few seconds ago), read once for everyone."""
        async with self._view_lock:
            now = time.monotonic()
            if self._view is None or now - self._view_read_at > VIEW_MAX_AGE_SECONDS:
                self._view = await self._queue.view()
                self._view_read_at = now
            return self._view

    async def queue_frame(self, languages: tuple[str, ...], shown: int) -> str:
        """The console's queue frame for agents of these languages: the first `shown` chats and
        how many wait in all, serialised once per change for every console that shows as many.

        The view holds the first page of headers; a console that asked for more pages costs one
        more round trip for the headers beyond it.
        """
        view = await self.view()
        if self._frames_view is not view:
            self._frames_view, self._frames = view, {}
        frames, key = self._frames, (languages, shown)  # this view's, whatever comes meanwhile
        if key not in frames:
            waiting = view.waiting_in(languages)
            beyond = [
                queued.conversation_id
                for queued in waiting[:shown]
                if queued.conversation_id not in view.conversations
            ]
            more = await self._queue.headers(beyond) if beyond else {}
            items = view.items(languages, shown, more)
            frame = {"type": "queue", "items": items, "total": len(waiting)}
            frames[key] = json.dumps(frame)
        return frames[key]

    async def typing(self, conversation_id: str, sender: str, on: bool) -> None:
        """Tell every process that someone is (no longer) typing."""
        message = json.dumps({"sender": sender, "on": on})
        await self._redis.publish(keys.typing_channel(conversation_id), message)

    async def _follow_events(self, after: str) -> None:
        while True:
            try:
                batches = await self._redis.xread({keys.events(): after}, count=500, block=10_000)
            except RedisError as error:
                logger.warning("Events stream unreadable, retrying: %r", error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for _, rows in batches:
                self._view = None
                for event_id, fields in rows:
                    after = event_id
                    event = QueueEvent(
                        type=fields["type"],
                        conversation_id=fields["conversation"],
                        state=fields.get("state", ""),
                        assignee=fields.get("assignee", ""),
                        previous=fields.get("previous", ""),
                    )
                    for listener in list(self._listeners):
                        listener.offer(event)

    async def _follow_typing(self) -> None:
        prefix = keys.typing_channel("")
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.psubscribe(keys.TYPING_PATTERN)
                    async for message in pubsub.listen():
                        if message["type"] != "pmessage":
                            continue
                        body = json.loads(message["data"])
                        event = TypingEvent(
                            message["channel"].removeprefix(prefix), body["sender"], body["on"]
                        )
                        for listener in list(self._listeners):
                            if (
                                listener.every_conversation
                                or event.conversation_id in listener.watching
                            ):
                                listener.offer(event)
            except RedisError as error:
                logger.warning("Typing channel lost, resubscribing: %r", error)
                await asyncio.sleep(RETRY_SECONDS)
