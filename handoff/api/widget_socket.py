"""The widget's WebSocket: the hello that resumes a conversation (or readies a new one for the
customer's first message), then its session; a few sockets per client address at most."""

import asyncio
import contextlib
import re
import uuid
from typing import Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError

from handoff import metrics
from handoff.api.deps import ServicesDep
from handoff.channels.socket_session import BadFrame, receive_json
from handoff.channels.widget import NewConversation, WidgetSession, client_address
from handoff.conversations.model import Conversation, State, UnknownConversation
from handoff.conversations.system_messages import system_message
from handoff.customers.identity import VERIFIED_PREFIX, IdentityRejected
from handoff.customers.open_sockets import TooManySockets
from handoff.services import Services

router = APIRouter(tags=["widget"])

HELLO_TIMEOUT_SECONDS = 10
IN_TELEGRAM_LOOKBACK = 5  # a signed-in user's latest conversations, searched for one in Telegram
STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")


class HelloFrame(BaseModel):
    """The first frame: which conversation to resume and from which entry on."""

    type: Literal["hello"]
    token: str | None = Field(default=None, max_length=1000)
    last_id: str | None = Field(default=None, max_length=50)
    language: str | None = Field(default=None, max_length=10)
    new: bool = False  # start a new conversation (the one the token names is closed)
    user_id: str | None = Field(default=None, min_length=1, max_length=200)  # a signed-in user
    user_hash: str | None = Field(default=None, max_length=128)  # the site's HMAC of user_id


async def open_conversation(
    services: Services, hello: HelloFrame
) -> Conversation | NewConversation:
    """The conversation the token names, or the one to start at the customer's first message.

    A signed user id makes the customer verified, and resumes their open conversation that
    moved to Telegram (from this site or another browser) unless a token names another. A
    token counts only for its own customer: a verified user's conversation opens only with that
    user's valid signature (not on a shared computer after they signed out), an anonymous one
    only without a user. A new conversation
    keeps the customer of a token that counts, so their history stays together.
    IdentityRejected if the user id's hash does not match.
    """
    verified = (
        services.identities.customer(hello.user_id, hello.user_hash or "")
        if hello.user_id
        else None
    )
    claims = services.tokens.read(hello.token) if hello.token else None
    if claims and claims.customer != verified and (verified or is_verified(claims.customer)):
        claims = None  # someone else's conversation on this browser: not for this visitor
    if claims and not hello.new:
        with contextlib.suppress(UnknownConversation):
            return await services.conversations.get(claims.conversation_id)
    if verified and not hello.new and (in_telegram := await open_in_telegram(services, verified)):
        return in_telegram
    supported = services.settings.supported_languages
    language = hello.language if hello.language in supported else supported[0]
    customer = verified or (claims.customer if claims else "") or f"web-{uuid.uuid4().hex}"
    return NewConversation(customer, language, verified=bool(verified))


async def open_in_telegram(services: Services, customer: str) -> Conversation | None:
    """The customer's latest open conversation that continues in Telegram, if any."""
    for conversation in await services.conversations.of_customer(customer, IN_TELEGRAM_LOOKBACK):
        if conversation.state is not State.CLOSED and conversation.channel == "telegram":
            return conversation
    return None


def is_verified(customer: str) -> bool:
    """Whether a customer id is a signed-in user's."""
    return customer.startswith(VERIFIED_PREFIX)


def welcome_frame(services: Services, conversation: Conversation | NewConversation) -> dict:
    """The answer to a hello: the conversation resumed (with a new token), or none yet."""
    frame = {
        "type": "welcome",
        "token": None,  # a new conversation's comes in a "conversation" frame, when it starts
        "conversation_id": None,
        "resumed": False,
        "state": State.BOT.value,
        "max_message_chars": services.settings.max_message_chars,
        "telegram": bool(services.settings.telegram_token.get_secret_value()),  # offer it
    }
    if isinstance(conversation, Conversation):
        frame |= {
            "token": services.tokens.issue(conversation.id, conversation.customer),
            "conversation_id": conversation.id,
            "resumed": True,
            "state": conversation.state.value,
        }
    return frame


async def refuse(websocket: WebSocket, code: str, language: str) -> None:
    """Turn a widget away at its hello: say why, then close (policy violation)."""
    await websocket.send_json(
        {"type": "error", "code": code, "message": system_message(code, language)}
    )
    await websocket.close(code=1008)


@router.websocket("/ws/widget")
async def widget_socket(websocket: WebSocket, services: ServicesDep) -> None:
    """The widget's WebSocket: a hello frame first, then messages both ways."""
    await websocket.accept()
    try:
        with services.widget_sockets.hold(client_address(websocket)), metrics.open_socket("widget"):
            await serve_widget(websocket, services)
    except TooManySockets:
        await refuse(websocket, "too_many_sockets", "en")


async def serve_widget(websocket: WebSocket, services: Services) -> None:
    """Read the hello, then serve the conversation it resumes or readies."""
    try:
        raw = await asyncio.wait_for(receive_json(websocket), HELLO_TIMEOUT_SECONDS)
        hello = HelloFrame.model_validate(raw)
    except (BadFrame, ValidationError, TimeoutError):
        await refuse(websocket, "bad_frame", "en")
        return
    except WebSocketDisconnect:
        return
    try:
        conversation = await open_conversation(services, hello)
    except IdentityRejected:
        await refuse(websocket, "bad_identity", hello.language or "en")
        return
    await websocket.send_json(welcome_frame(services, conversation))
    resumed = isinstance(conversation, Conversation)
    resume_from = hello.last_id if resumed and hello.last_id else "0-0"
    after = resume_from if STREAM_ID.match(resume_from) else "0-0"
    with contextlib.suppress(WebSocketDisconnect):
        await WidgetSession(websocket, services, conversation).run(after)
