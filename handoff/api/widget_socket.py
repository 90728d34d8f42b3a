"""The widget's WebSocket: the hello that opens or resumes a conversation, then its session."""

import asyncio
import contextlib
import re
import uuid
from typing import Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError

from handoff.api.deps import ServicesDep
from handoff.channels.socket_session import BadFrame, receive_json
from handoff.channels.widget import WidgetSession, client_address
from handoff.conversations.model import Conversation, UnknownConversation
from handoff.conversations.system_messages import system_message
from handoff.customers.identity import IdentityRejected
from handoff.customers.rate_limits import Action, RateLimited
from handoff.services import Services

router = APIRouter(tags=["widget"])

HELLO_TIMEOUT_SECONDS = 10
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
    services: Services, hello: HelloFrame, address: str
) -> tuple[Conversation, bool]:
    """The conversation the token names, or a new one (asked for, or the token names none).

    A signed user id makes the customer verified; a token resumes only that customer's
    conversation. Otherwise a new conversation keeps the customer of a valid token, so their
    history stays together. IdentityRejected if the user id's hash does not match;
    RateLimited if the address has opened too many conversations lately.
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
    await services.rate_limits.hit(Action.CONVERSATION, language, address=address)
    conversation = await services.conversations.create(
        "web", language, customer, verified=bool(verified)
    )
    return conversation, False


async def refuse(websocket: WebSocket, code: str, message: str, **details: object) -> None:
    """Turn a widget away at its hello: say why, then close (policy violation)."""
    await websocket.send_json({"type": "error", "code": code, "message": message} | details)
    await websocket.close(code=1008)


@router.websocket("/ws/widget")
async def widget_socket(websocket: WebSocket, services: ServicesDep) -> None:
    """The widget's WebSocket: a hello frame first, then messages both ways."""
    await websocket.accept()
    try:
        raw = await asyncio.wait_for(receive_json(websocket), HELLO_TIMEOUT_SECONDS)
        hello = HelloFrame.model_validate(raw)
    except (BadFrame, ValidationError, TimeoutError):
        await refuse(websocket, "bad_frame", system_message("bad_frame", "en"))
        return
    except WebSocketDisconnect:
        return
    try:
        conversation, resumed = await open_conversation(services, hello, client_address(websocket))
    except IdentityRejected:
        await refuse(
            websocket, "bad_identity", system_message("bad_identity", hello.language or "en")
        )
        return
    except RateLimited as limited:
        await refuse(websocket, limited.code, str(limited), retry_after=limited.retry_after)
        return
    await websocket.send_json(
        {
            "type": "welcome",
            "token": services.tokens.issue(conversation.id, conversation.customer),
            "conversation_id": conversation.id,
            "resumed": resumed,
            "state": conversation.state.value,
            "max_message_chars": services.settings.max_message_chars,
        }
    )
    resume_from = hello.last_id if resumed and hello.last_id else "0-0"
    after = resume_from if STREAM_ID.match(resume_from) else "0-0"
    with contextlib.suppress(WebSocketDisconnect):
        await WidgetSession(websocket, services, conversation).run(after)
