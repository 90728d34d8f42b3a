"""The web widget's channel: the session of one open widget, and the frames it speaks."""

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar

from fastapi import WebSocket
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from handoff.assistant.intake import AcceptedMessage
from handoff.channels.socket_session import BadFrame, SocketSession, frame_fault
from handoff.channels.telegram_links import LinkCode
from handoff.conversations.model import Conversation, Entry, Refused, Sender
from handoff.conversations.system_messages import system_message
from handoff.customers.rate_limits import Action, RateLimited, TypingThrottle, rate_limited
from handoff.queue.agent_queue import Escalation, Place
from handoff.queue.live_events import TypingEvent
from handoff.services import Services

logger = logging.getLogger(__name__)

T = TypeVar("T")
PLACE_REFRESH_SECONDS = 15  # estimates change as agents come and go, between queue events
BOT_BUSY_RETRY_SECONDS = 2  # about a bot turn or two, when the widget's bot queue is full


class MessageFrame(BaseModel):
    """A message the customer typed."""

    type: Literal["message"]
    text: str
    client_id: str | None = Field(default=None, max_length=64)


class ButtonFrame(BaseModel):
    """A quick-reply button the customer pressed."""

    type: Literal["button"]
    title: str
    payload: str = Field(max_length=200)
    client_id: str | None = Field(default=None, max_length=64)


class HandoffFrame(BaseModel):
    """The customer pressed "Talk to a person"."""

    type: Literal["handoff"]


class TypingFrame(BaseModel):
    """The customer started or stopped typing."""

    type: Literal["typing"]
    on: bool


class EmailFrame(BaseModel):
    """Where to tell the customer that an agent replied (after hours, or nobody online)."""

    type: Literal["email"]
    # One mailbox, no list, name or comment (customers/follow_up.py checks it fully).
    address: str = Field(
        max_length=254,
        pattern=r'^[^@\s<>,;:"()\[\]\\]+@[^@\s<>,;:"()\[\]\\]+\.[^@\s<>,;:"()\[\]\\]+$',
    )


class RatingFrame(BaseModel):
    """The customer's satisfaction with a closed conversation."""

    type: Literal["rating"]
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class TelegramLinkFrame(BaseModel):
    """The customer wants to continue in Telegram: a one-time code and t.me link."""

    type: Literal["telegram_link"]


ClientFrame = TypeAdapter(
    Annotated[
        MessageFrame
        | ButtonFrame
        | HandoffFrame
        | TypingFrame
        | EmailFrame
        | RatingFrame
        | TelegramLinkFrame,
        Field(discriminator="type"),
    ]
)


def entry_frame(entry: Entry) -> dict:
    """How the widget receives a transcript entry (never an internal one)."""
    frame = {
        "type": "entry",
        "id": entry.id,
        "sender": entry.sender.value,
        "text": entry.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in entry.buttons],
        "ts": entry.timestamp_ms,
    }
    if entry.client_id:
        frame["client_id"] = entry.client_id
    if entry.event:
        frame["event"] = entry.event
    if entry.state:
        frame["state"] = entry.state.value  # the event moved the conversation to this state
    if entry.sender is Sender.AGENT and entry.author_name:
        frame["author"] = entry.author_name  # the display name, never the login
    if "link" in entry.meta:
        frame["link"] = entry.meta["link"]
    return frame


def place_frame(place: Place | None) -> dict:
    """Where the customer stands in the queue (position None: not queued)."""
    if place is None:
        return {"type": "queue", "position": None}
    return {
        "type": "queue",
        "position": place.position,
        "wait_seconds": place.wait_seconds,
        "agents_online": place.agents_online,
        "open": place.open_now,
    }


@dataclass(frozen=True)
class NewConversation:
    """The conversation a widget starts when the customer first needs one: whose, which language."""

    customer: str
    language: str
    verified: bool


class WidgetSession(SocketSession):
    """One open widget: delivers the transcript, accepts messages, lets the bot answer in order.

    Until the customer writes (or asks for a person), there is no conversation: an idle widget
    costs no Redis key, no Redis connection and no listener.
    """

    def __init__(
        self,
        websocket: WebSocket,
        services: Services,
        conversation: Conversation | NewConversation,
    ):
        super().__init__(websocket)
        self._services = services
        self._conversation = conversation
        self._started = asyncio.Event()  # set once the conversation exists
        if isinstance(conversation, Conversation):
            self._started.set()
        self._bot_queue: asyncio.Queue[AcceptedMessage | None] = asyncio.Queue(
            services.settings.bot_queue
        )
        self._connection = uuid.uuid4().hex  # this socket's own rate limits
        self._typing = TypingThrottle()
        self._address = client_address(websocket)
        # client_id -> the message as typed: this socket's echo shows it once, not redacted.
        self._typed: dict[str, str] = {}

    async def run(self, after: str) -> None:
        """Serve the widget until it disconnects, or until Redis fails under it."""
        answering = asyncio.create_task(self._answer_in_order())
        try:
            await self.supervise(
                "Widget session",
                asyncio.create_task(self._receive()),
                asyncio.create_task(self._deliver(after)),
                asyncio.create_task(self._live()),
            )
        finally:
            self._stop_bot()
            self._services.background.add(answering)
            answering.add_done_callback(self._services.background.discard)

    async def _conversation_for(self, frame: BaseModel) -> str | None:
        """The conversation a frame acts on, started now if it needs one; None if it needs none.

        RateLimited if the client address has started too many conversations lately.
        """
        if self._started.is_set():
            return self._conversation.id
        if isinstance(frame, TypingFrame):
            return None
        if isinstance(frame, RatingFrame):
            message = system_message("bad_frame", self._conversation.language)
            await self._error("not_closed", message)
            return None
        new = self._conversation
        await self._services.rate_limits.hit(
            Action.CONVERSATION, new.language, address=self._address
        )
        conversation = await self._services.conversations.create(
            "web", new.language, new.customer, verified=new.verified
        )
        token = self._services.tokens.issue(conversation.id, conversation.customer)
        await self.send(
            {"type": "conversation", "conversation_id": conversation.id, "token": token}
        )
        self._conversation = conversation
        self._started.set()
        return conversation.id

    async def _deliver(self, after: str) -> None:
        await self._started.wait()
        transcripts = self._services.transcripts
        async for entry in transcripts.follow(self._conversation.id, after):
            if entry.shown_to_customer:
                frame = entry_frame(entry)
                if entry.sender is Sender.CUSTOMER and entry.client_id in self._typed:
                    frame["text"] = self._typed.pop(entry.client_id)
                await self.send(frame)

    async def _live(self) -> None:
        """The queue position while queued, and the agent's typing."""
        await self._started.wait()
        with self._services.events.listen() as listener:
            listener.watching.add(self._conversation.id)
            last_place = await self._send_place(None)
            while True:
                try:
                    event = await asyncio.wait_for(listener.inbox.get(), PLACE_REFRESH_SECONDS)
                except TimeoutError:
                    event = None
                if isinstance(event, TypingEvent):
                    if event.sender == Sender.AGENT.value:
                        await self.send({"type": "typing", "sender": "agent", "on": event.on})
                    continue
                last_place = await self._send_place(last_place)

    async def _send_place(self, last: dict | None) -> dict:
        """Send the customer's place in the queue if it changed."""
        view = await self._services.events.view()
        frame = place_frame(view.place(self._conversation.id))
        if frame != last and (last is not None or frame["position"] is not None):
            await self.send(frame)
        return frame

    async def _receive(self) -> None:
        while True:
            try:
                frame = ClientFrame.validate_python(await self.receive_json())
            except (BadFrame, ValidationError) as error:
                logger.info("Bad frame from a widget: %s", frame_fault(error))
                language = self._conversation.language
                await self._error("bad_frame", system_message("bad_frame", language))
                continue
            await self._handle(frame)

    async def _handle(self, frame: BaseModel) -> None:
        services, client_id = self._services, getattr(frame, "client_id", None)
        if isinstance(frame, TelegramLinkFrame):  # needs no conversation: links the customer
            await self._refusable(self._telegram_link())
            return
        conversation_id = await self._refusable(self._conversation_for(frame), client_id)
        if conversation_id is None:
            return
        match frame:
            case MessageFrame() | ButtonFrame():
                await self._accept(frame)
            case HandoffFrame():
                await self._refusable(self._escalate())
            case TypingFrame():
                if self._typing.passes(frame.on, time.monotonic()):
                    await services.events.typing(conversation_id, Sender.CUSTOMER.value, frame.on)
            case EmailFrame():
                await self._refusable(self._leave_email(frame.address))
            case RatingFrame():
                await self._refusable(
                    services.follow_ups.rate(conversation_id, frame.score, frame.comment)
                )

    async def _accept(self, frame: MessageFrame | ButtonFrame) -> None:
        text = frame.text if isinstance(frame, MessageFrame) else frame.title
        payload = frame.payload if isinstance(frame, ButtonFrame) else None
        if frame.client_id:
            self._typed[frame.client_id] = text
        admit = self._admit(text, frame.client_id, payload)
        accepted = await self._refusable(admit, frame.client_id)
        if accepted is None and frame.client_id:
            self._typed.pop(frame.client_id, None)  # refused, or stored and echoed before
        if accepted and accepted.for_bot:
            self._bot_queue.put_nowait(accepted)  # room checked by _admit; only this task adds

    async def _admit(
        self, text: str, client_id: str | None, payload: str | None
    ) -> AcceptedMessage | None:
        """Store a message if the bot has room for it and the rate limits allow it."""
        if self._bot_queue.full():
            raise rate_limited(self._conversation.language, BOT_BUSY_RETRY_SECONDS)
        await self._limit(Action.MESSAGE)
        intake = self._services.intake
        return await intake.accept(self._conversation.id, text, client_id, payload, channel="web")

    async def _escalate(self) -> None:
        """The customer asks for a person (within the rate limits)."""
        await self._limit(Action.ESCALATION)
        intake = self._services.intake
        await intake.come_back(await self._services.conversations.get(self._conversation.id), "web")
        await intake.escalate(self._conversation.id, Escalation.because("customer_asked"))

    async def _telegram_link(self) -> None:
        """Send a code that continues this conversation (or, before one, links this customer)
        in Telegram; refused if the channel is off or not connected yet."""
        await self._limit(Action.ESCALATION)
        conversation, channel = self._conversation, self._websocket.app.state.telegram
        started = conversation.id if isinstance(conversation, Conversation) else ""
        link = LinkCode(conversation.customer, conversation.verified, started)
        try:
            if channel is None:
                raise RuntimeError("the Telegram channel is off")
            offer = await channel.offer_link(link)
        except RuntimeError:
            off = system_message("telegram_off", conversation.language)
            raise Refused("telegram_off", off) from None
        await self.send({"type": "telegram_link"} | offer)

    async def _leave_email(self, address: str) -> None:
        """Where to write when an agent replies (it adds to the transcript: limited as messages)."""
        await self._limit(Action.MESSAGE)
        await self._services.follow_ups.leave_email(self._conversation.id, address)

    async def _limit(self, action: Action) -> None:
        """Count an action of this socket and of its address; RateLimited beyond the limits."""
        await self._services.rate_limits.hit(
            action, self._conversation.language, address=self._address, connection=self._connection
        )

    async def _refusable(self, request: Awaitable[T], client_id: str | None = None) -> T | None:
        """Carry out a customer's request; if the hub refuses it, tell the widget why."""
        try:
            return await request
        except Refused as refused:
            retry_after = refused.retry_after if isinstance(refused, RateLimited) else None
            await self._error(refused.code, str(refused), client_id, retry_after)
            return None

    def _stop_bot(self) -> None:
        """The socket is gone: the bot finishes the answer in flight and takes no more turns.

        Messages accepted but not yet answered stay in the transcript without the bot's answer:
        an agent who opens the conversation reads them, and the customer sees them on reconnect
        as sent, unanswered, and may ask again or ask for a person.
        """
        dropped = 0
        while not self._bot_queue.empty():
            self._bot_queue.get_nowait()
            dropped += 1
        if dropped:
            logger.info("%d messages of %s left unanswered", dropped, self._conversation.id)
        self._bot_queue.put_nowait(None)

    async def _answer_in_order(self) -> None:
        """The bot answers one message at a time; "typing off" names its last entry."""
        # Entries reach the widget through the stream, so possibly after "typing off" itself.
        while (message := await self._bot_queue.get()) is not None:
            await self.send({"type": "typing", "sender": "bot", "on": True})
            last_id = None
            try:
                last_id = await self._services.intake.answer(message)
            except Exception:
                logger.exception("The bot could not answer in %s", message.conversation_id)
            finally:
                await self.send(
                    {"type": "typing", "sender": "bot", "on": False, "through": last_id}
                )

    async def _error(
        self, code: str, message: str, client_id: str | None = None, retry_after: int | None = None
    ) -> None:
        """Tell the widget what went wrong; client_id names the refused message, if one was;
        retry_after, in seconds, when trying again later will work."""
        frame = {"type": "error", "code": code, "message": message}
        if client_id:
            frame["client_id"] = client_id
        if retry_after is not None:
            frame["retry_after"] = retry_after
        await self.send(frame)


def client_address(websocket: WebSocket) -> str:
    """The visitor's address (uvicorn takes it from X-Forwarded-For behind a trusted proxy)."""
    return websocket.client.host if websocket.client else "unknown"
