"""The web widget's channel: one WebSocket per open widget."""

import asyncio
import contextlib
import json
import logging
import re
import uuid
from collections.abc import Awaitable
from typing import Annotated, Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from handoff.conversations import Conversation, Entry, Sender, State, UnknownConversation
from handoff.deps import ServicesDep
from handoff.events import Listener, TypingEvent
from handoff.follow_up import FollowUpRefused
from handoff.identity import IdentityRejected
from handoff.notices import notice
from handoff.queue import Escalation, Place
from handoff.routing import AcceptedMessage, InvalidMessage
from handoff.services import Services

logger = logging.getLogger(__name__)
router = APIRouter(tags=["widget"])

HELLO_TIMEOUT_SECONDS = 10
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
PLACE_REFRESH_SECONDS = 15  # estimates change as agents come and go, between queue events


class HelloFrame(BaseModel):
    """The first frame: which conversation to resume and from which entry on."""

    type: Literal["hello"]
    token: str | None = Field(default=None, max_length=1000)
    last_id: str | None = Field(default=None, max_length=50)
    language: str | None = Field(default=None, max_length=10)
    new: bool = False  # start a new conversation (the one the token names is closed)
    user_id: str | None = Field(default=None, min_length=1, max_length=200)  # a signed-in user
    user_hash: str | None = Field(default=None, max_length=128)  # the site's HMAC of user_id


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
    address: str = Field(max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


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


class BadFrame(ValueError):
    """A frame that is not JSON or not one of the protocol's frames."""


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
    if entry.sender is Sender.AGENT and entry.author:
        frame["author"] = entry.author
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


async def receive_json(websocket: WebSocket) -> object:
    """The next frame, decoded; BadFrame for binary or malformed ones."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise BadFrame("binary frame")
    try:
        return json.loads(message["text"])
    except json.JSONDecodeError as error:
        raise BadFrame(str(error)) from error


class WidgetSession:
    """One open widget: delivers the transcript, accepts messages, lets the bot answer in order."""

    def __init__(self, websocket: WebSocket, services: Services, conversation: Conversation):
        self._websocket = websocket
        self._services = services
        self._conversation = conversation
        self._send_lock = asyncio.Lock()
        self._bot_queue: asyncio.Queue[AcceptedMessage | None] = asyncio.Queue()

    async def run(self, after: str) -> None:
        """Serve the widget until it disconnects, or until Redis fails under it."""
        with self._services.events.listen() as listener:
            listener.watching.add(self._conversation.id)
            await self._run(after, listener)

    async def _run(self, after: str, listener: Listener) -> None:
        receiving = asyncio.create_task(self._receive())
        delivery = asyncio.create_task(self._deliver(after))
        live = asyncio.create_task(self._live(listener))
        answering = asyncio.create_task(self._answer_in_order())
        tasks = {receiving, delivery, live}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and not isinstance(task.exception(), WebSocketDisconnect):
                    logger.error(
                        "Widget session %s failed", self._conversation.id, exc_info=task.exception()
                    )
                    # The widget reconnects and catches up from the transcript.
                    with contextlib.suppress(RuntimeError):
                        await self._websocket.close(code=1011)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            # Messages already accepted still get the bot's answer, read on reconnect.
            self._bot_queue.put_nowait(None)
            self._services.background.add(answering)
            answering.add_done_callback(self._services.background.discard)

    async def send(self, frame: dict) -> None:
        """Send a frame; a closed socket is not an error here."""
        async with self._send_lock:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await self._websocket.send_json(frame)

    async def _deliver(self, after: str) -> None:
        async for entry in self._services.conversations.follow(self._conversation.id, after):
            if entry.text and not entry.internal:
                await self.send(entry_frame(entry))

    async def _live(self, listener: Listener) -> None:
        """The queue position while queued, and the agent's typing."""
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
                frame = ClientFrame.validate_python(await receive_json(self._websocket))
            except (BadFrame, ValidationError) as error:
                logger.info("Bad frame on %s: %s", self._conversation.id, error)
                await self._error("bad_frame", notice("bad_frame", self._conversation.language))
                continue
            await self._handle(frame)

    async def _handle(self, frame: BaseModel) -> None:
        services, conversation_id = self._services, self._conversation.id
        match frame:
            case MessageFrame() | ButtonFrame():
                await self._accept(frame)
            case HandoffFrame():
                asked = Escalation.because("customer_asked")
                await services.router.escalate(conversation_id, asked)
            case TypingFrame():
                await services.events.typing(conversation_id, Sender.CUSTOMER.value, frame.on)
            case EmailFrame():
                address = frame.address
                await self._follow_up(services.follow_ups.leave_email(conversation_id, address))
            case RatingFrame():
                await self._follow_up(
                    services.follow_ups.rate(conversation_id, frame.score, frame.comment)
                )

    async def _accept(self, frame: MessageFrame | ButtonFrame) -> None:
        text = frame.text if isinstance(frame, MessageFrame) else frame.title
        payload = frame.payload if isinstance(frame, ButtonFrame) else None
        try:
            accepted = await self._services.router.accept(
                self._conversation.id, text, frame.client_id, payload
            )
        except InvalidMessage as error:
            await self._error(error.code, str(error), frame.client_id)
            return
        if accepted:
            self._bot_queue.put_nowait(accepted)

    async def _follow_up(self, request: Awaitable[object]) -> None:
        try:
            await request
        except FollowUpRefused as error:
            await self._error(error.code, notice("bad_frame", self._conversation.language))

    async def _answer_in_order(self) -> None:
        """The bot answers one message at a time; "typing off" names its last entry."""
        # Entries reach the widget through the stream, so possibly after "typing off" itself.
        while (message := await self._bot_queue.get()) is not None:
            conversation = await self._services.conversations.get(message.conversation_id)
            typing = conversation.state is State.BOT
            if typing:
                await self.send({"type": "typing", "sender": "bot", "on": True})
            last_id = None
            try:
                last_id = await self._services.router.answer(message)
            except Exception:
                logger.exception("The bot could not answer in %s", message.conversation_id)
            finally:
                if typing:
                    await self.send(
                        {"type": "typing", "sender": "bot", "on": False, "through": last_id}
                    )

    async def _error(self, code: str, message: str, client_id: str | None = None) -> None:
        """Tell the widget what went wrong; client_id names the refused message, if one was."""
        frame = {"type": "error", "code": code, "message": message}
        if client_id:
            frame["client_id"] = client_id
        await self.send(frame)


async def open_conversation(services: Services, hello: HelloFrame) -> tuple[Conversation, bool]:
    """The conversation the token names, or a new one (asked for, or the token names none).

    A signed user id makes the customer verified; a token resumes only that customer's
    conversation. Otherwise a new conversation keeps the customer of a valid token, so their
    history stays together. IdentityRejected if the user id's hash does not match.
    """
    verified = (
        services.identities.customer(hello.user_id, hello.user_hash or "")
        if hello.user_id
        else None
    )
    claims = services.tokens.read(hello.token) if hello.token else None
    if claims and verified and claims.customer != verified:
        claims = None  # someone else's conversation on this browser: not for this user
    if claims and not hello.new:
        with contextlib.suppress(UnknownConversation):
            return await services.conversations.get(claims.conversation_id), True
    supported = services.settings.supported_languages
    language = hello.language if hello.language in supported else supported[0]
    customer = verified or (claims.customer if claims else "") or f"web-{uuid.uuid4().hex}"
    conversation = await services.conversations.create(
        "web", language, customer, verified=bool(verified)
    )
    return conversation, False


async def refuse(websocket: WebSocket, code: str, language: str) -> None:
    """Turn a widget away at its hello: say why, then close (policy violation)."""
    await websocket.send_json({"type": "error", "code": code, "message": notice(code, language)})
    await websocket.close(code=1008)


@router.websocket("/ws/widget")
async def widget_socket(websocket: WebSocket, services: ServicesDep) -> None:
    """The widget's WebSocket: a hello frame first, then messages both ways."""
    await websocket.accept()
    try:
        raw = await asyncio.wait_for(receive_json(websocket), HELLO_TIMEOUT_SECONDS)
        hello = HelloFrame.model_validate(raw)
    except (BadFrame, ValidationError, TimeoutError):
        await refuse(websocket, "bad_frame", "en")
        return
    except WebSocketDisconnect:
        return
    try:
        conversation, resumed = await open_conversation(services, hello)
    except IdentityRejected:
        await refuse(websocket, "bad_identity", hello.language or "en")
        return
    await websocket.send_json(
        {
            "type": "welcome",
            "token": services.tokens.issue(conversation.id, conversation.customer),
            "conversation_id": conversation.id,
            "resumed": resumed,
            "state": conversation.state.value,
        }
    )
    resume_from = hello.last_id if resumed and hello.last_id else "0-0"
    after = resume_from if STREAM_ID.match(resume_from) else "0-0"
    with contextlib.suppress(WebSocketDisconnect):
        await WidgetSession(websocket, services, conversation).run(after)
