"""A queued Telegram customer's place in the queue: one status message, edited in place as the
place or the wait changes (never a new message each time), until a person takes the chat or the
customer carries on on the website."""

import asyncio
import logging

from redis.asyncio import Redis
from telegram import Bot
from telegram.error import BadRequest, TelegramError

from handoff import keys
from handoff.channels.locks import NamedLocks
from handoff.conversations.model import Conversation
from handoff.conversations.system_messages import system_message
from handoff.keys import ConversationField as F
from handoff.queue.agent_queue import AgentQueue, Place, QueueView
from handoff.queue.live_events import EventHub, QueueEvent

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 15  # waits change as agents come and go, between queue events


class QueueStatus:
    """Keeps each waiting Telegram chat's status message true; any hub process may."""

    def __init__(
        self, bot: Bot, redis: Redis, queue: AgentQueue, events: EventHub, locks: NamedLocks
    ) -> None:
        self._bot = bot
        self._redis = redis
        self._queue = queue
        self._events = events
        self._locks = locks

    async def watch(self, conversation: Conversation) -> None:
        """The conversation was queued: show its place now (the delivery lock is held)."""
        key = keys.telegram_status(conversation.id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)  # requeued: a new status message, below the news
            pipe.hset(key, mapping={"chat": conversation.chat, "language": conversation.language})
            pipe.sadd(keys.telegram_waiting(), conversation.id)
            await pipe.execute()
        await self._show(conversation.id, await self._queue.view())  # this process's may lag

    async def run(self) -> None:
        """Update the status messages after every queue event, and every few seconds."""
        with self._events.listen() as listener:
            while True:
                try:
                    event = await asyncio.wait_for(listener.inbox.get(), REFRESH_SECONDS)
                except TimeoutError:
                    event = None
                if event is None or isinstance(event, QueueEvent):
                    await self.refresh()

    async def refresh(self) -> None:
        """Bring every waiting chat's status message up to date (read at once; only a chat
        whose message changes is locked and edited)."""
        view = await self._events.view()
        waiting = list(await self._redis.smembers(keys.telegram_waiting()))
        async with self._redis.pipeline(transaction=False) as pipe:
            for conversation_id in waiting:
                pipe.hgetall(keys.telegram_status(conversation_id))
            statuses = await pipe.execute()
        for conversation_id, status in zip(waiting, statuses, strict=True):
            place = view.place(conversation_id)
            if status and place and place_text(place, status["language"]) == status.get("text"):
                continue  # unchanged
            async with self._locks.hold(f"deliver:{conversation_id}"):
                await self._show(conversation_id, view)

    async def _show(self, conversation_id: str, view: QueueView) -> None:
        """Send or edit the chat's status message; forget it once the chat is not queued, or
        the conversation went back to the website (the widget shows the place there)."""
        key = keys.telegram_status(conversation_id)
        status = await self._redis.hgetall(key)
        place = view.place(conversation_id)
        if place is None and await self._redis.zscore(keys.queue(), conversation_id) is not None:
            return  # queued after the view was read: the next refresh shows it
        channel = await self._redis.hget(keys.conversation(conversation_id), F.CHANNEL)
        if place is None or not status or channel != "telegram":
            await self._redis.srem(keys.telegram_waiting(), conversation_id)
            await self._redis.delete(key)
            return
        text = place_text(place, status["language"])
        if text == status.get("text"):
            return
        message_id = status.get("message_id")
        try:
            if message_id:
                await self._bot.edit_message_text(text, status["chat"], int(message_id))
            else:
                sent = await self._bot.send_message(status["chat"], text)
                message_id = sent.message_id
        except BadRequest as error:  # the message is gone: the next refresh sends a new one
            logger.info("Telegram refused a status edit: %s", error)
            await self._redis.hdel(key, "message_id", "text")
            return
        except TelegramError as error:  # blocked, 429, the network: the next refresh retries
            logger.info("A queue status update failed: %s", error)
            return
        await self._redis.hset(key, mapping={"message_id": message_id, "text": text})


def place_text(place: Place, language: str) -> str:
    """ "You are number 2 in the queue, about 3 minutes." as the widget says it."""
    parts = [system_message("queue_place", language, position=place.position)]
    available = place.agents_online and place.open_now
    if available and place.wait_seconds is not None:
        minutes = max(1, round(place.wait_seconds / 60))
        key = "queue_wait_minute" if minutes == 1 else "queue_wait_minutes"
        parts.append(system_message(key, language, minutes=minutes))
    text = ", ".join(parts) + "."
    if not available:
        key = "queue_no_agent" if place.open_now else "queue_after_hours"
        text += " " + system_message(key, language)
    return text
