"""The web widget's channel: one WebSocket per open widget."""

import asyncio
import contextlib
import json
import logging
import re
from typing import Annotated, Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from handoff.conversations import Conversation, Entry, UnknownConversation
from handoff.deps import ServicesDep
from handoff.notices import notice
from handoff.routing import AcceptedMessage, InvalidMessage
from handoff.services import Services

logger = logging.getLogger(__name__)
router = APIRouter(tags=["widget"])

HELLO_TIMEOUT_SECONDS = 10
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")


class HelloFrame(BaseModel):
    """The first frame: which conversation to resume and from which entry on."""

    type: Literal["hello"]
    token: str | None = Field(default=None, max_length=1000)
    last_id: str | None = Field(default=None, max_length=50)
    language: str | None = Field(default=None, max_length=10)


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


ClientFrame = TypeAdapter(Annotated[MessageFrame | ButtonFrame, Field(discriminator="type")])


class BadFrame(ValueError):
    """A frame that is not JSON or not one of the protocol's frames."""


def entry_frame(entry: Entry) -> dict:
    """How the widget receives a transcript entry."""
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
    if "link" in entry.meta:
        frame["link"] = entry.meta["link"]
    return frame


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
        receiving = asyncio.create_task(self._receive())
        delivery = asyncio.create_task(self._deliver(after))
        answering = asyncio.create_task(self._answer_in_order())
        try:
            done, _ = await asyncio.wait({receiving, delivery}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and not isinstance(task.exception(), WebSocketDisconnect):
                    logger.error(
                        "Widget session %s failed", self._conversation.id, exc_info=task.exception()
                    )
                    # The widget reconnects and catches up from the transcript.
                    with contextlib.suppress(RuntimeError):
                        await self._websocket.close(code=1011)
        finally:
            for task in (receiving, delivery):
                task.cancel()
            await asyncio.gather(receiving, delivery, return_exceptions=True)
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
            if entry.text:
                await self.send(entry_frame(entry))

    async def _receive(self) -> None:
        while True:
            try:
                frame = ClientFrame.validate_python(await receive_json(self._websocket))
            except (BadFrame, ValidationError) as error:
                logger.info("Bad frame on %s: %s", self._conversation.id, error)
                await self._error("bad_frame", notice("bad_frame", self._conversation.language))
                continue
            text = frame.text if isinstance(frame, MessageFrame) else frame.title
            payload = frame.payload if isinstance(frame, ButtonFrame) else None
            try:
                accepted = await self._services.router.accept(
                    self._conversation.id, text, frame.client_id, payload
                )
            except InvalidMessage as error:
                await self._error(error.code, str(error), frame.client_id)
                continue
            if accepted:
                self._bot_queue.put_nowait(accepted)

    async def _answer_in_order(self) -> None:
        """The bot answers one message at a time; "typing off" names its last entry."""
        # Entries reach the widget through the stream, so possibly after "typing off" itself.
        while (message := await self._bot_queue.get()) is not None:
            await self.send({"type": "typing", "sender": "bot", "on": True})
            last_id = None
            try:
                last_id = await self._services.router.answer(message)
            except Exception:
                logger.exception("The bot could not answer in %s", message.conversation_id)
            finally:
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
    """The conversation the token names, or a new one if it names none (forged, expired, gone)."""
    conversation_id = services.tokens.conversation_id(hello.token) if hello.token else None
    if conversation_id:
        with contextlib.suppress(UnknownConversation):
            return await services.conversations.get(conversation_id), True
    supported = services.settings.supported_languages
    language = hello.language if hello.language in supported else supported[0]
    return await services.conversations.create(channel="web", language=language), False


@router.websocket("/ws/widget")
async def widget_socket(websocket: WebSocket, services: ServicesDep) -> None:
    """The widget's WebSocket: a hello frame first, then messages both ways."""
    await websocket.accept()
    try:
        raw = await asyncio.wait_for(receive_json(websocket), HELLO_TIMEOUT_SECONDS)
        hello = HelloFrame.model_validate(raw)
    except (BadFrame, ValidationError, TimeoutError):
        await websocket.send_json(
            {"type": "error", "code": "bad_frame", "message": notice("bad_frame", "en")}
        )
        await websocket.close(code=1008)
        return
    except WebSocketDisconnect:
        return
    conversation, resumed = await open_conversation(services, hello)
    await websocket.send_json(
        {
            "type": "welcome",
            "token": services.tokens.issue(conversation.id),
            "conversation_id": conversation.id,
            "resumed": resumed,
        }
    )
    resume_from = hello.last_id if resumed and hello.last_id else "0-0"
    after = resume_from if STREAM_ID.match(resume_from) else "0-0"
    with contextlib.suppress(WebSocketDisconnect):
        await WidgetSession(websocket, services, conversation).run(after)
