"""Customer messages in: into the transcript first, then to the bot while the bot holds it."""

import contextlib
import logging
from dataclasses import dataclass, replace

from handoff import metrics
from handoff.assistant.rasa_client import (
    AssistantUnavailable,
    BotTurn,
    RasaClient,
    article_slug,
    as_typed_text,
)
from handoff.conversations.language import detect_language
from handoff.conversations.model import (
    Conversation,
    Entry,
    Refused,
    Sender,
    State,
    TransitionRefused,
)
from handoff.conversations.redaction import redact, redact_all
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.keys import ConversationField as F
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.queue.escalations import PendingEscalations
from knowledge_base.gap_log import NOT_HELPFUL, GapLog

logger = logging.getLogger(__name__)

BOT_ONLY = frozenset({State.BOT})
RECENT_ENTRIES_FOR_BUTTONS = 20
NOT_HELPED = "not_helped"  # the bot's hand-over reason when its answer did not help
PREVIEW_CHARS = 200  # of the latest customer message, shown in the agents' queue


@dataclass(frozen=True)
class AcceptedMessage:
    """A customer message now in the transcript, and what to tell the bot about it."""

    conversation_id: str
    entry_id: str
    bot_text: str
    language: str
    for_bot: bool  # the bot held the conversation when the message arrived


class MessageIntake:
    """Accepts customer messages and lets the bot answer the conversations it holds."""

    def __init__(
        self,
        store: ConversationStore,
        rasa: RasaClient,
        queue: AgentQueue,
        pending: PendingEscalations,
        gap_log: GapLog,
        max_chars: int,
    ) -> None:
        self._store = store
        self._rasa = rasa
        self._queue = queue
        self._pending = pending
        self._gap_log = gap_log
        self._max_chars = max_chars

    async def accept(
        self,
        conversation_id: str,
        text: str,
        client_id: str | None,
        payload: str | None = None,
        channel: str = "",
    ) -> AcceptedMessage | None:
        """Validate and store a customer message, its sensitive numbers masked (the transcript,
        the agents' queue and Rasa only ever see it so); None if it is a resend already stored.
        With `channel`, where the customer wrote it: a conversation that had moved elsewhere
        comes back there first, so that the answers do too.

        Refused ("closed", "empty", "too_long") with a message for the customer.
        """
        conversation = await self._store.get(conversation_id)
        if conversation.state is State.CLOSED:
            raise Refused("closed", system_message("conversation_closed", conversation.language))
        if not text.strip():
            raise Refused("empty", system_message("empty", conversation.language))
        if len(text) > self._max_chars:
            limit = self._max_chars
            raise Refused(
                "too_long", system_message("too_long", conversation.language, limit=limit)
            )
        # The bot follows the customer's language; once a person is asked for, a stray word
        # does not move the conversation to another language's queue or away from its agent.
        if conversation.state is State.BOT:
            language = detect_language(text, conversation.language)
        else:
            language = conversation.language
        if payload is not None and not await self._offered(conversation_id, payload):
            payload = None
        meta = {"language": language} | ({"payload": payload} if payload else {})
        if channel:
            await self.come_back(conversation, channel)
        text = redact(text)
        entry = Entry(sender=Sender.CUSTOMER, text=text, client_id=client_id, meta=meta)
        # Agents see the latest message (set in the append's own step: one round trip).
        header = {F.LANGUAGE: language, F.LAST_MESSAGE: text[:PREVIEW_CHARS]}
        entry_id = await self._store.append(conversation_id, entry, set_fields=header)
        if entry_id is None:
            return None
        bot_text = payload or as_typed_text(text)
        for_bot = conversation.state is State.BOT
        return AcceptedMessage(conversation_id, entry_id, bot_text, language, for_bot)

    async def answer(self, message: AcceptedMessage) -> str | None:
        """Let the bot reply if it holds the conversation; its replies are appended only while
        it still does (atomically: never once a person holds it, even in a race).

        The bot's hand-over request, or the bot being down, queues the conversation for a person;
        the hand-over is recorded first, so that a sweeper redoes it if this process dies before.
        Returns the id of the last entry appended in answer, if any.
        """
        if not message.for_bot:
            return None
        conversation = await self._store.get(message.conversation_id)
        if conversation.state is not State.BOT:
            return None  # a person took it while the message waited for the bot
        try:
            turn = await self._rasa.send(
                message.conversation_id, message.bot_text, message.language
            )
        except AssistantUnavailable:
            text = system_message("assistant_unavailable", message.language)
            entries = [Entry(sender=Sender.SYSTEM, text=text, event="assistant_unavailable")]
            escalation = Escalation.because("assistant_unavailable")
            turn = None
        else:
            entries = bot_entries(turn)
            request = turn.handoff
            escalation = (
                Escalation.because(request.reason, request.intent, request.confidence)
                if request
                else None
            )
        if escalation:
            await self._pending.record(message.conversation_id, escalation)
        # Named after the message they answer, so an append retried after a connection died
        # with Redis's answer in flight stores each once, as a customer's resend is.
        named = [
            replace(entry, client_id=reply_client_id(message.entry_id, index))
            for index, entry in enumerate(entries)
        ]
        appended = await self._store.append_all(message.conversation_id, named, only_in=BOT_ONLY)
        last_id = next((entry_id for entry_id in reversed(appended) if entry_id), None)
        if escalation:
            last_id = await self.escalate(message.conversation_id, escalation) or last_id
            await self._pending.done(message.conversation_id)
            if escalation.reason == NOT_HELPED:
                await self._note_not_helpful(message)
        metrics.bot_answered(message.entry_id, last_id, handed_over=escalation is not None)
        await self._record_turn(conversation, message, turn)
        return last_id

    async def _record_turn(
        self, conversation: Conversation, message: AcceptedMessage, turn: BotTurn | None
    ) -> None:
        """The dashboard's figures of this turn (none of its words)."""
        links = [reply.link for reply in turn.replies if reply.link] if turn else []
        await self._queue.rollups.bot_turn(
            conversation,
            metrics.stream_ms(message.entry_id) / 1000,
            language=message.language,
            intent=turn.intent if turn else None,
            decision=turn.decision if turn else None,
            article=article_slug(links[0].url) if links else None,
        )

    async def come_back(self, conversation: Conversation, channel: str) -> None:
        """The customer writes from `channel` again (the widget, after moving to Telegram):
        the conversation continues there, with an event in the transcript saying so."""
        if conversation.channel == channel or conversation.state is State.CLOSED:
            return
        text = system_message(f"moved_to_{channel}", conversation.language)
        moved = Entry(
            sender=Sender.SYSTEM, text=text, event=f"moved_to_{channel}", meta={"channel": channel}
        )
        await self._store.move(conversation.id, channel, moved)

    async def escalate(self, conversation_id: str, escalation: Escalation) -> str | None:
        """Queue the conversation for a person, unless a person has it already."""
        with contextlib.suppress(TransitionRefused):
            return await self._queue.escalate(conversation_id, escalation)
        return None

    async def _note_not_helpful(self, message: AcceptedMessage) -> None:
        """Keep, for the editors' gap loop, the question whose answer the customer said did not
        help: their message before the one that said so."""
        recent = await self._store.recent(message.conversation_id, RECENT_ENTRIES_FOR_BUTTONS)
        ids = [entry.id for entry in recent]
        before = recent[ids.index(message.entry_id) + 1 :] if message.entry_id in ids else []
        question = next((e for e in before if e.sender is Sender.CUSTOMER), None)
        if question:
            await self._gap_log.record(redact_all(question.text), message.language, NOT_HELPFUL)

    async def _offered(self, conversation_id: str, payload: str) -> bool:
        """Whether the bot's latest buttons include this payload."""
        recent = await self._store.recent(conversation_id, RECENT_ENTRIES_FOR_BUTTONS)
        for entry in recent:
            if entry.sender is Sender.BOT and entry.buttons:
                return any(button.payload == payload for button in entry.buttons)
        return False


def reply_client_id(answered_entry_id: str, index: int) -> str:
    """The client_id of the index-th entry appended in answer to a customer's message."""
    return f"bot-{answered_entry_id}-{index}"


def bot_entries(turn: BotTurn) -> list[Entry]:
    """The bot's replies as transcript entries, annotated with what the NLU understood and
    what the bot decided."""
    understood = {"intent": turn.intent, "confidence": turn.confidence, "decision": turn.decision}
    annotation = {name: value for name, value in understood.items() if value is not None}
    return [
        Entry(
            sender=Sender.BOT,
            text=reply.text,
            buttons=reply.buttons,
            meta=annotation | ({"link": reply.link.__dict__} if reply.link else {}),
        )
        for reply in turn.replies
    ]
