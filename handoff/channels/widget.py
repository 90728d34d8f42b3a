"""The web widget's channel: the session of one open widget, and the frames it speaks."""

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar

from fastapi import WebSocket
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from handoff.assistant.intake import AcceptedMessage
from handoff.channels.socket_session import BadFrame, SocketSession
from handoff.conversations.model import Conversation, Entry, Refused, Sender
from handoff.conversations.system_messages import system_message
from handoff.queue.agent_queue import Escalation, Place
from handoff.queue.live_events import TypingEvent
from handoff.services import Services

logger = logging.getLogger(__name__)

T = TypeVar("T")
PLACE_REFRESH_SECONDS = 15  # estimates change as agents come and go, between queue events


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


ClientFrame = TypeAdapter(
    Annotated[
        MessageFrame | ButtonFrame | HandoffFrame | TypingFrame | EmailFrame | RatingFrame,
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
        self._bot_queue: asyncio.Queue[AcceptedMessage | None] = asyncio.Queue()

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
            # Messages already accepted still get the bot's answer, read on reconnect.
            self._bot_queue.put_nowait(None)
            self._services.background.add(answering)
            answering.add_done_callback(self._services.background.discard)

    async def _conversation_for(self, frame: BaseModel) -> str | None:
        """The conversation a frame acts on, started now if it needs one; None if it needs none."""
        if self._started.is_set():
            return self._conversation.id
        if isinstance(frame, TypingFrame):
            return None
        if isinstance(frame, RatingFrame):
            message = system_message("bad_frame", self._conversation.language)
            await self._error("not_closed", message)
            return None
        new = self._conversation
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
            if entry.text and not entry.internal:
                await self.send(entry_frame(entry))

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
                logger.info("Bad frame from a widget: %s", error)
                language = self._conversation.language
                await self._error("bad_frame", system_message("bad_frame", language))
                continue
            await self._handle(frame)

    async def _handle(self, frame: BaseModel) -> None:
        services, conversation_id = self._services, await self._conversation_for(frame)
        if conversation_id is None:
            return
        match frame:
            case MessageFrame() | ButtonFrame():
                await self._accept(frame)
            case HandoffFrame():
                asked = Escalation.because("customer_asked")
                await services.intake.escalate(conversation_id, asked)
            case TypingFrame():
                await services.events.typing(conversation_id, Sender.CUSTOMER.value, frame.on)
            case EmailFrame():
                address = frame.address
                await self._refusable(services.follow_ups.leave_email(conversation_id, address))
            case RatingFrame():
                await self._refusable(
                    services.follow_ups.rate(conversation_id, frame.score, frame.comment)
                )

    async def _accept(self, frame: MessageFrame | ButtonFrame) -> None:
        text = frame.text if isinstance(frame, MessageFrame) else frame.title
        payload = frame.payload if isinstance(frame, ButtonFrame) else None
        accept = self._services.intake.accept(self._conversation.id, text, frame.client_id, payload)
        accepted = await self._refusable(accept, frame.client_id)
        if accepted:
            self._bot_queue.put_nowait(accepted)

    async def _refusable(self, request: Awaitable[T], client_id: str | None = None) -> T | None:
        """Carry out a customer's request; if the hub refuses it, tell the widget why."""
        try:
            return await request
        except Refused as refused:
            await self._error(refused.code, str(refused), client_id)
            return None

    async def _answer_in_order(self) -> None:
        """The bot answers one message at a time; "typing off" names its last entry."""
        # Entries reach the widget through the stream, so possibly after "typing off" itself.
        while (message := await self._bot_queue.get()) is not None:
            if message.for_bot:
                await self.send({"type": "typing", "sender": "bot", "on": True})
            last_id = None
            try:
                last_id = await self._services.intake.answer(message)
            except Exception:
                logger.exception("The bot could not answer in %s", message.conversation_id)
            finally:
                if message.for_bot:
                    await self.send(
                        {"type": "typing", "sender": "bot", "on": False, "through": last_id}
                    )

    async def _error(self, code: str, message: str, client_id: str | None = None) -> None:
        """Tell the widget what went wrong; client_id names the refused message, if one was."""
        frame = {"type": "error", "code": code, "message": message}
        if client_id:
            frame["client_id"] = client_id
        await self.send(frame)
