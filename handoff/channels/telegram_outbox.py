"""Telegram's outbox: every entry a customer should see reaches their chat once, whichever hub
process sends it, even when one dies mid-way.

The store announces each entry of a Telegram conversation on the outbox stream (in the same
atomic step that appends it). A sender takes an announcement, holds the conversation's lock and
sends whatever of its transcript the chat has not had yet, recording after each message how far
it got: an announcement handled twice, or late, sends nothing twice, and one never handled is
taken by another process. Only a message Telegram accepted just before its sender was killed,
with no time to record it, can arrive twice.
"""

import asyncio
import datetime
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from handoff import keys
from handoff.channels.locks import NamedLocks
from handoff.channels.telegram_messages import InlineButtons, message_text, split_text
from handoff.channels.telegram_status import QueueStatus
from handoff.conversations.model import Conversation, Entry, Sender, State, UnknownConversation
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.keys import ConversationField as F
from handoff.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
PAGE = 100  # transcript entries read at a time
CHANNEL = "telegram"


class Blocked(Exception):
    """The customer blocked the bot (Telegram answered 403)."""


class TelegramOutbox:
    """Sends Telegram conversations' transcripts to their chats, each entry once."""

    def __init__(
        self,
        bot: Bot,
        redis: Redis,
        conversations: ConversationStore,
        locks: NamedLocks,
        status: QueueStatus,
        settings: Settings,
    ) -> None:
        self._bot = bot
        self._status = status
        self._redis = redis
        self._conversations = conversations
        self._locks = locks
        self._buttons = InlineButtons(redis)
        self._retention_seconds = settings.retention_days * 86400

    async def announced(self, fields: dict[str, str]) -> None:
        """An entry was appended to a conversation of a channel without a socket."""
        if fields.get("channel") != CHANNEL:
            return
        async with self._locks.hold(f"deliver:{fields['conversation']}"):
            await self._catch_up(fields["conversation"])

    async def _catch_up(self, conversation_id: str) -> None:
        """Send every entry after the last one sent (the conversation's lock is held)."""
        try:
            conversation = await self._conversations.get(conversation_id)
        except UnknownConversation:
            return  # expired
        if conversation.channel != CHANNEL:
            return  # the customer writes on the website now: answers are shown there
        progress = await self._redis.hgetall(keys.delivered(conversation_id))
        after = progress.get("through", "0-0")
        blocked = conversation.blocked
        while True:
            entries = await self._conversations.entries(conversation_id, after, PAGE)
            for entry in entries:
                if not blocked and for_the_chat(entry):
                    try:
                        await self._send(conversation, entry, progress.get("part", ""))
                        if entry.state is State.QUEUED:  # escalated or requeued: the place
                            await self._status.watch(conversation)
                    except Blocked:
                        blocked = True
                        await self._mark_blocked(conversation)
                await self.sent_through(conversation_id, entry.id)
                progress, after = {}, entry.id
            if len(entries) < PAGE:
                return

    async def _send(self, conversation: Conversation, entry: Entry, part: str) -> None:
        """Send one entry, in parts if long, from the part a killed sender did not record."""
        parts = split_text(message_text(entry, conversation.language))
        entry_id, _, sent = part.partition("/")
        first = int(sent) if entry_id == entry.id else 0
        keyboard = None
        if entry.buttons:
            keyboard = await self._buttons.keyboard(conversation.id, entry.buttons)
        elif entry.event == "closed":  # "How would you rate…": 1 to 5
            keyboard = await self._buttons.rating(conversation.id)
        for index in range(first, len(parts)):
            markup = keyboard if index == len(parts) - 1 else None
            await self._call(self._message, conversation.chat, parts[index], markup)
            if len(parts) > 1:
                key = keys.delivered(conversation.id)
                await self._redis.hset(key, "part", f"{entry.id}/{index + 1}")

    async def _message(self, chat: str, text: str, markup: InlineKeyboardMarkup | None) -> None:
        # Plain text: no parse_mode, so nothing a customer or agent wrote is read as markup.
        await self._bot.send_message(chat, text, reply_markup=markup)

    async def _call(self, request: Callable[..., Awaitable[T]], *args: object) -> T | None:
        """Make a Bot API call, waiting as long as a 429 asks; Blocked on 403; None on 400
        (Telegram will never take it: logged). Other errors (the network) are raised: the
        announcement stays pending and is taken again."""
        while True:
            try:
                return await request(*args)
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
            except Forbidden as error:
                raise Blocked(str(error)) from error
            except BadRequest as error:
                logger.error("Telegram refused a message: %s", error)
                return None

    async def sent_through(self, conversation_id: str, entry_id: str) -> None:
        """Record that the chat has had the transcript up to this entry."""
        key = keys.delivered(conversation_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, "through", entry_id)
            pipe.hdel(key, "part")
            pipe.expire(key, self._retention_seconds)
            await pipe.execute()

    async def _mark_blocked(self, conversation: Conversation) -> None:
        """Stop sending until the customer writes again, and tell the agents why."""
        logger.info("The customer of %s blocked the bot", conversation.id)
        await self._conversations.update(conversation.id, {F.BLOCKED: "1"})
        note = system_message("customer_blocked", conversation.language)
        entry = Entry(sender=Sender.SYSTEM, text=note, event="blocked", internal=True)
        await self._conversations.append(conversation.id, entry)


def for_the_chat(entry: Entry) -> bool:
    """What the chat is sent: what the widget shows, but the customer's own messages."""
    return entry.shown_to_customer and entry.sender is not Sender.CUSTOMER


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait (PTB 22 gives seconds or a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, datetime.timedelta) else float(wait)
