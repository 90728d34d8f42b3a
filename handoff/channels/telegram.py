"""The Telegram channel: a python-telegram-bot Application (no Updater) inside the hub.

Updates arrive at the webhook (or, for a developer, by polling), are recorded once each on a
Redis stream and handled after, by any hub process (a consumer group): one chat's updates one at
a time, in order. A chat is a conversation (channel "telegram", customer "telegram:<user id>")
whose customer messages take the widget's path (services.intake), so the bot answers as it does
there; what the customer should see goes out through the outbox (channels/telegram_outbox.py).
"""

import asyncio
import contextlib
import json
import logging
import secrets

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handoff import keys
from handoff.channels.locks import NamedLocks
from handoff.channels.telegram_links import CODE_SECONDS, LinkCode, TelegramLinks
from handoff.channels.telegram_messages import (
    HUMAN,
    InlineButtons,
    human_keyboard,
    rating_score,
    recap_text,
)
from handoff.channels.telegram_outbox import TelegramOutbox
from handoff.channels.telegram_status import QueueStatus
from handoff.channels.telegram_typing import TYPING_SECONDS, AgentTyping
from handoff.channels.work_stream import WorkStream
from handoff.conversations.attachments import Attachment, AttachmentStore, FileRefused
from handoff.conversations.model import (
    Conversation,
    Entry,
    Refused,
    Sender,
    State,
    UnknownConversation,
)
from handoff.conversations.redaction import redact
from handoff.conversations.system_messages import system_message
from handoff.customers.rate_limits import Action
from handoff.keys import ConversationField as F
from handoff.queue.agent_queue import Escalation
from handoff.services import Services
from handoff.settings import Settings
from handoff.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
UPDATE_SEEN_SECONDS = 2 * 24 * 3600  # Telegram keeps an update at most a day
CONSUMER_GROUP = "telegram"
RECAP_ENTRIES = 10  # the latest entries a conversation that moves here is recapped from
POLL_SECONDS = 10  # a long poll's wait for updates
START_RETRY_SECONDS = 5.0  # between tries to reach the Bot API at startup

# Records an update once: KEYS: its seen marker, the updates stream; ARGV: ttl, the update.
_RECORD_SCRIPT = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[2], '*', 'update', ARGV[2])
return 1
"""


class UpdateFailed(Exception):
    """A handler failed on an update: it stays pending, to be handled again."""


class TelegramChannel:
    """The Telegram channel of one hub process."""

    def __init__(self, services: Services) -> None:
        settings = services.settings
        self.mode = settings.telegram_mode
        self._secret = settings.telegram_webhook_secret.get_secret_value().encode()
        if self.mode == "webhook" and not self._secret:
            raise ValueError("BATON_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        self._services = services
        self._application = (
            Application.builder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_api_url)
            .base_file_url(file_url(settings.telegram_api_url))
            .updater(None)
            .build()
        )
        self._add_handlers()
        redis = services.redis
        self._locks = NamedLocks(redis)
        self._record = redis.register_script(_RECORD_SCRIPT)
        self._buttons = InlineButtons(redis)
        self.links = TelegramLinks(redis, settings.retention_days * 86400)
        self._attachments = AttachmentStore.from_settings(settings)
        self._updates = WorkStream(
            redis, keys.telegram_updates(), CONSUMER_GROUP, settings.telegram_reclaim_seconds
        )
        self._outbox = WorkStream(
            redis, keys.outbox(), CONSUMER_GROUP, settings.telegram_reclaim_seconds
        )
        bot = self._application.bot
        self._status = QueueStatus(bot, redis, services.queue, services.events, self._locks)
        self._agent_typing = AgentTyping(bot, redis, services.events, services.conversations)
        self._sender = TelegramOutbox(
            bot, redis, services.conversations, self._locks, self._status, settings
        )
        self._failed: set[int] = set()  # updates whose handler raised
        self._tasks: list[asyncio.Task] = []

    def _add_handlers(self) -> None:
        new_private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        edited = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE
        for handler in (
            CommandHandler("start", self._on_start, filters=new_private),
            CommandHandler("human", self._on_human, filters=new_private),
            MessageHandler(new_private & filters.TEXT, self._on_text),
            MessageHandler(edited & filters.TEXT, self._on_edit),
            MessageHandler(new_private & (filters.PHOTO | filters.Document.ALL), self._on_file),
            MessageHandler(new_private, self._on_other),
            CallbackQueryHandler(self._on_press),
        ):
            self._application.add_handler(handler)
        self._application.add_error_handler(self._on_error)

    def secret_matches(self, sent: str) -> bool:
        """Whether a webhook call carries the secret token (compared in constant time)."""
        return secrets.compare_digest(sent.encode(), self._secret)

    async def record(self, update_id: int, update: str) -> bool:
        """Keep an update to handle it soon; False if it was recorded before (a resend)."""
        recorded = await self._record(
            keys=[keys.telegram_update_seen(update_id), keys.telegram_updates()],
            args=[UPDATE_SEEN_SECONDS, update],
        )
        return bool(recorded)

    async def start(self) -> None:
        """Reach the Bot API (retrying in the background), then handle updates and send."""
        self._tasks = [asyncio.create_task(self._run(), name="Telegram channel")]

    async def stop(self) -> None:
        """Stop handling and sending (what is pending waits for another process, or the next
        start), and close the Bot API client."""
        await cancel_and_wait(self._tasks)
        await self._application.shutdown()

    async def _run(self) -> None:
        bot = self._application.bot
        while True:
            try:
                await self._application.initialize()
                if self.mode == "webhook":
                    url = f"{self._services.settings.base_url}{WEBHOOK_PATH}"
                    await bot.set_webhook(
                        url, allowed_updates=ALLOWED_UPDATES, secret_token=self._secret.decode()
                    )
                else:
                    await bot.delete_webhook()
                break
            except TelegramError as error:
                logger.warning("Telegram's Bot API is unreachable: %s; retrying", error)
                await asyncio.sleep(START_RETRY_SECONDS)
        logger.info("Telegram channel on: @%s, %s", bot.username, self.mode)
        work = [
            self._updates.run(self._handle),
            self._outbox.run(self._sender.announced),
            self._status.run(),
            self._agent_typing.run(),
        ]
        if self.mode == "polling":
            work.append(self._poll())
        await asyncio.gather(*work)

    async def _poll(self) -> None:
        """Ask Telegram for updates and record them (a developer's hub, without a public URL:
        one hub process polls)."""
        bot, offset = self._application.bot, None
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=POLL_SECONDS, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramError as error:
                logger.warning("Polling Telegram failed: %s; retrying", error)
                await asyncio.sleep(START_RETRY_SECONDS)
                continue
            for update in updates:
                await self.record(update.update_id, update.to_json())
                offset = update.update_id + 1  # the next call confirms it to Telegram

    async def _handle(self, fields: dict[str, str]) -> None:
        """Handle one recorded update, after the chat's earlier ones; UpdateFailed if it must
        be handled again."""
        update = Update.de_json(json.loads(fields["update"]), self._application.bot)
        chat = update.effective_chat
        async with self._locks.hold(f"telegram-chat:{chat.id if chat else 'none'}"):
            await self._application.process_update(update)
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            raise UpdateFailed(update.update_id)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("A Telegram update failed", exc_info=context.error)
        if isinstance(update, Update):
            self._failed.add(update.update_id)

    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet, with the "Talk to a person" button; with a code from the website (a t.me link's
        start parameter), continue the customer's conversation here."""
        if context.args:
            await self._continue(update, context.args[0])
            return
        language = await self._language_of(update)
        text = system_message("telegram_welcome", language)
        await self._tell(update, text, human_keyboard(language))

    async def _continue(self, update: Update, code: str) -> None:
        """Bind this chat to the customer a code names, and their open conversation to this chat
        (a code used, expired or forged binds nothing)."""
        language = await self._language_of(update)
        link = await self.links.redeem(code)
        if link is None:
            await self._tell(update, system_message("link_invalid", language))
            return
        await self.links.link_user(update.effective_user.id, link)
        conversation = None
        if link.conversation_id:
            with contextlib.suppress(UnknownConversation):
                conversation = await self._services.conversations.get(link.conversation_id)
        if conversation is None or conversation.state is State.CLOSED:
            await self._tell(update, system_message("telegram_linked", language))
            return
        await self._move_here(update, conversation)

    async def _move_here(self, update: Update, conversation: Conversation) -> None:
        """The conversation continues in this chat: a recap here, what follows sent here, a
        "moved to Telegram" event in the transcript."""
        services, chat_id = self._services, update.effective_chat.id
        recent = await services.conversations.recent(conversation.id, RECAP_ENTRIES)
        shown = [entry for entry in reversed(recent) if entry.shown_to_customer]
        if recent:  # the chat starts after what the recap sums up
            await self._sender.sent_through(conversation.id, recent[0].id)
        fields = {F.CHANNEL: "telegram", F.CHAT: str(chat_id)}
        await services.conversations.update(conversation.id, fields)
        retention = services.settings.retention_days * 86400
        await services.redis.set(keys.telegram_chat(chat_id), conversation.id, ex=retention)
        await self._tell(update, recap_text(shown, conversation.language))
        moved = system_message("moved_to_telegram", conversation.language)
        meta = {"channel": "telegram"}
        entry = Entry(sender=Sender.SYSTEM, text=moved, event="moved_to_telegram", meta=meta)
        await services.conversations.append(conversation.id, entry)

    async def offer_link(self, link: LinkCode) -> dict:
        """A new one-time code for the link, and the t.me link that carries it to this bot
        (RuntimeError before the bot has reached the Bot API: its name is not known yet)."""
        username = self._application.bot.username
        code = await self.links.mint(link)
        url = f"https://t.me/{username}?start={code}"
        return {"code": code, "url": url, "expires_in": CODE_SECONDS}

    async def _on_human(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._escalate(update)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._customer_says(update, update.effective_message.text)

    async def _on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The customer edited a message they sent: the transcript gets the new text as an edit
        of that entry, for the agents; the bot, who answered the first text, is not asked again."""
        message = update.edited_message
        key = keys.telegram_message(message.chat.id, message.message_id)
        original = await self._services.redis.get(key)
        conversation = await self._current(message.chat.id)
        if original is None or conversation is None:
            logger.info("An edit of a message no open conversation holds: dropped")
            return
        text = redact(message.text[: self._services.settings.max_message_chars])
        edit = Entry(
            sender=Sender.CUSTOMER,
            text=text,
            event="edited",
            meta={"edits": original},
            client_id=f"telegram-{update.update_id}",
        )
        await self._services.conversations.append(conversation.id, edit)

    async def _on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo or document: kept for the agents with its caption; the bot cannot read it, so
        while the bot holds the chat it says so and offers a person."""
        message = update.effective_message
        language = await self._language_of(update)
        megabytes = self._attachments.max_bytes // (1024 * 1024)
        refusal = system_message("file_refused", language, megabytes=megabytes)
        try:
            await self._limit(Action.MESSAGE, update)
            conversation = await self._conversation_of(update)
            attachment = await self._download(conversation.id, message, refusal)
        except Refused as refused:
            await self._tell(update, str(refused))
            return
        entry = Entry(
            sender=Sender.CUSTOMER,
            text=redact(message.caption or ""),
            event="attachment",
            meta=attachment.to_meta(),
            client_id=f"telegram-{update.update_id}",
        )
        await self._services.conversations.append(conversation.id, entry)
        if conversation.state is State.BOT:
            unreadable = system_message("files_unreadable", language)
            await self._tell(update, unreadable, human_keyboard(language))

    async def _download(self, conversation_id: str, message: Message, refusal: str) -> Attachment:
        """Fetch the message's photo (its largest size) or document through the Bot API and
        keep it; FileRefused if it is too big or not a type customers may send."""
        if message.photo:
            media, name = message.photo[-1], "photo.jpg"
        else:
            media, name = message.document, message.document.file_name or "document"
        self._attachments.check_size(media.file_size, refusal)
        try:
            data = await (await media.get_file()).download_as_bytearray()
        except BadRequest as error:  # "file is too big": past what the Bot API serves
            raise FileRefused(refusal) from error
        return await self._attachments.keep(conversation_id, name, bytes(data), refusal)

    async def _on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, voice, locations…: not read."""
        await self._tell(update, system_message("text_only", await self._language_of(update)))

    async def _on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A press on an inline button: answered, its keyboard removed, then taken as the
        widget takes a button (its title said, its payload to the bot)."""
        query = update.callback_query
        await self._quietly(query.answer())
        if query.message:
            await self._quietly(query.edit_message_reply_markup(reply_markup=None))
        if query.data == HUMAN:
            await self._escalate(update)
            return
        pressed = await self._buttons.pressed(query.data or "")
        if pressed and (score := rating_score(pressed[1])) is not None:
            await self._rate(update, pressed[0], score)
            return
        current = await self._current(update.effective_chat.id)
        if pressed is None or current is None or pressed[0] != current.id:
            language = await self._language_of(update)
            await self._tell(update, system_message("button_expired", language))
            return
        await self._customer_says(update, pressed[1].title, pressed[1].payload)

    async def _rate(self, update: Update, conversation_id: str, score: int) -> None:
        """A press on a rating button of a closed conversation of this chat: kept, once (as
        the widget's rating is)."""
        try:
            conversation = await self._services.conversations.get(conversation_id)
        except UnknownConversation:
            return
        if conversation.chat != str(update.effective_chat.id):
            return  # a token from another chat's keyboard
        try:  # the thanks is a transcript entry: the outbox sends it
            await self._services.follow_ups.rate(conversation_id, score, "")
        except Refused as refused:  # rated already
            await self._tell(update, str(refused))

    async def _customer_says(self, update: Update, text: str, payload: str | None = None) -> None:
        """Take a customer's message (typed, or a button's title) and let the bot answer."""
        intake, chat_id = self._services.intake, update.effective_chat.id
        try:
            await self._limit(Action.MESSAGE, update)
            conversation = await self._conversation_of(update)
            accepted = await intake.accept(
                conversation.id, text, f"telegram-{update.update_id}", payload
            )
        except Refused as refused:
            await self._tell(update, str(refused))
            return
        if accepted and update.message:  # typed, not a button: an edit may name it later
            key = keys.telegram_message(chat_id, update.message.message_id)
            retention = self._services.settings.retention_days * 86400
            await self._services.redis.set(key, accepted.entry_id, ex=retention)
        if conversation.blocked:  # they write again: they unblocked the bot
            await self._services.conversations.update(conversation.id, {F.BLOCKED: ""})
        if accepted and accepted.for_bot:
            typing = asyncio.create_task(self._typing(chat_id))
            try:
                await intake.answer(accepted)
            finally:
                typing.cancel()

    async def _escalate(self, update: Update) -> None:
        """The customer asks for a person (the button, or /human)."""
        try:
            await self._limit(Action.ESCALATION, update)
            conversation = await self._conversation_of(update)
        except Refused as refused:
            await self._tell(update, str(refused))
            return
        asked = Escalation.because("customer_asked")
        await self._services.intake.escalate(conversation.id, asked)

    async def _current(self, chat_id: int) -> Conversation | None:
        """The chat's open conversation, if it has one (kept as long as conversations are)."""
        retention = self._services.settings.retention_days * 86400
        key = keys.telegram_chat(chat_id)
        conversation_id = await self._services.redis.getex(key, ex=retention)
        if not conversation_id:
            return None
        with contextlib.suppress(UnknownConversation):
            conversation = await self._services.conversations.get(conversation_id)
            if conversation.state is not State.CLOSED:
                return conversation
        return None

    async def _conversation_of(self, update: Update) -> Conversation:
        """The chat's open conversation (brought back here if the customer wrote on the website
        since), or a new one (Refused if the chat starts too many)."""
        chat_id = update.effective_chat.id
        conversation = await self._current(chat_id)
        if conversation and conversation.channel != "telegram":  # back from the website
            await self._move_here(update, conversation)
        if conversation:
            return conversation
        services, language = self._services, language_of(update.effective_user, self._services)
        await services.rate_limits.hit(Action.CONVERSATION, language, address=f"telegram:{chat_id}")
        user_id = update.effective_user.id
        linked = await self.links.customer_of(user_id) or LinkCode(f"telegram:{user_id}", False)
        conversation = await services.conversations.create(
            "telegram", language, linked.customer, verified=linked.verified, chat=str(chat_id)
        )
        retention = services.settings.retention_days * 86400
        await services.redis.set(keys.telegram_chat(chat_id), conversation.id, ex=retention)
        return conversation

    async def _limit(self, action: Action, update: Update) -> None:
        """Count a chat's action (a chat is a widget socket and its address: one person)."""
        chat = f"telegram:{update.effective_chat.id}"
        language = language_of(update.effective_user, self._services)
        await self._services.rate_limits.hit(action, language, address=chat, connection=chat)

    async def _language_of(self, update: Update) -> str:
        """The language of the chat's conversation, else of the customer's Telegram app."""
        conversation = await self._current(update.effective_chat.id)
        if conversation:
            return conversation.language
        return language_of(update.effective_user, self._services)

    async def _typing(self, chat_id: int) -> None:
        """Show "typing…" until cancelled."""
        while True:
            await self._quietly(self._application.bot.send_chat_action(chat_id, ChatAction.TYPING))
            await asyncio.sleep(TYPING_SECONDS)

    async def _tell(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Answer the chat directly (greetings and refusals: not in the transcript)."""
        bot = self._application.bot
        await self._quietly(bot.send_message(update.effective_chat.id, text, reply_markup=markup))

    @staticmethod
    async def _quietly(request: object) -> None:
        """Make a Bot API call whose failure changes nothing (it is logged)."""
        try:
            await request
        except TelegramError as error:
            logger.info("A Telegram call failed: %s", error)


def mode_description(settings: Settings) -> str:
    """Which mode the channel runs in, as `baton run` prints it."""
    if not settings.telegram_token.get_secret_value():
        return "off (set BATON_TELEGRAM_TOKEN to turn it on)"
    if settings.telegram_mode == "polling":
        return "polling (the hub asks Telegram for updates: no public URL needed)"
    return f"webhook at {settings.base_url}{WEBHOOK_PATH} (registered by the hub at startup)"


def file_url(api_url: str) -> str:
    """Where the Bot API server serves files: ".../bot" becomes ".../file/bot"."""
    base = api_url.removesuffix("/bot")
    return f"{base}/file/bot"


def language_of(user: User | None, services: Services) -> str:
    """The customer's app language if the hub speaks it (its first part: "en-US" is "en")."""
    supported = services.settings.supported_languages
    code = ((user.language_code if user else None) or "").split("-")[0].lower()
    return code if code in supported else supported[0]
