"""An agent's "typing…" shown in their customer's Telegram chat (sendChatAction), at most once
every few seconds whichever hub processes see it: Telegram shows it for five seconds."""

import logging

from redis.asyncio import Redis
from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

from handoff import keys
from handoff.conversations.model import Sender, UnknownConversation
from handoff.conversations.store import ConversationStore
from handoff.queue.live_events import EventHub, TypingEvent

logger = logging.getLogger(__name__)

TYPING_SECONDS = 4  # Telegram shows "typing…" for 5 s, or until the next message
CHANNEL = "telegram"


class AgentTyping:
    """Follows typing in every conversation and shows agents' in Telegram chats."""

    def __init__(
        self, bot: Bot, redis: Redis, events: EventHub, conversations: ConversationStore
    ) -> None:
        self._bot = bot
        self._redis = redis
        self._events = events
        self._conversations = conversations

    async def run(self) -> None:
        """Until cancelled."""
        with self._events.listen(every_conversation=True) as listener:
            while True:
                event = await listener.inbox.get()
                if isinstance(event, TypingEvent) and event.on and event.sender == Sender.AGENT:
                    await self._show(event.conversation_id)

    async def _show(self, conversation_id: str) -> None:
        try:
            conversation = await self._conversations.get(conversation_id)
        except UnknownConversation:
            return
        if conversation.channel != CHANNEL or not conversation.chat or conversation.blocked:
            return
        key = keys.telegram_typing(conversation_id)
        if not await self._redis.set(key, "1", nx=True, ex=TYPING_SECONDS):
            return  # shown a moment ago, by this process or another
        try:
            await self._bot.send_chat_action(conversation.chat, ChatAction.TYPING)
        except TelegramError as error:
            logger.info("Showing an agent's typing failed: %s", error)
