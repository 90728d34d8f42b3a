"""Telegram's webhook: the secret token checked, each update recorded once, 200 at once (the
work happens after, in channels/telegram.py); and the channel's life in the hub's lifespan."""

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field
from starlette.requests import HTTPConnection

from handoff.api.deps import ServicesDep
from handoff.channels.telegram import WEBHOOK_PATH, TelegramChannel
from handoff.channels.telegram_links import LinkCode
from handoff.conversations.model import UnknownConversation
from handoff.customers.identity import IdentityRejected
from handoff.services import Services

logger = logging.getLogger(__name__)

router = APIRouter(tags=["telegram"])

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # updates are a few kilobytes


@contextlib.asynccontextmanager
async def telegram_channel(services: Services) -> AsyncIterator[TelegramChannel | None]:
    """The Telegram channel while the hub runs, if BATON_TELEGRAM_TOKEN is set; else None."""
    if not services.settings.telegram_token.get_secret_value():
        yield None
        return
    channel = TelegramChannel(services)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


async def webhook_channel(connection: HTTPConnection) -> TelegramChannel:
    """The channel, if it takes updates by webhook; 404 otherwise (off, or polling)."""
    channel = getattr(connection.app.state, "telegram", None)
    if channel is None or channel.mode != "webhook":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The Telegram webhook is not enabled.")
    return channel


WebhookChannelDep = Annotated[TelegramChannel, Depends(webhook_channel)]


async def running_channel(connection: HTTPConnection) -> TelegramChannel:
    """The channel, in either mode; 404 if it is off."""
    channel = getattr(connection.app.state, "telegram", None)
    if channel is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The Telegram channel is not enabled.")
    return channel


ChannelDep = Annotated[TelegramChannel, Depends(running_channel)]


class LinkRequest(BaseModel):
    """Whom a code is for: the widget's conversation (its token), or a signed-in site's user
    (the id and hash the site signs, as on the widget's tag)."""

    token: str | None = Field(default=None, max_length=1000)
    user_id: str | None = Field(default=None, min_length=1, max_length=200)
    user_hash: str | None = Field(default=None, max_length=200)


class TelegramLink(BaseModel):
    """A one-time code, and the t.me link that carries it to the bot."""

    code: str
    url: str
    expires_in: int


@router.post(WEBHOOK_PATH)
async def telegram_webhook(request: Request, channel: WebhookChannelDep) -> Response:
    """Record an update Telegram sent (a resent one is dropped); 403 without the secret."""
    if not channel.secret_matches(request.headers.get(SECRET_HEADER, "")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Wrong secret token.")
    body = await read_limited(request, MAX_UPDATE_BYTES)
    try:
        update = json.loads(body)
        update_id = update["update_id"]
        if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
            raise TypeError("update_id is not a whole number")
    except (ValueError, TypeError, KeyError) as error:
        message = f"Not a Telegram update: {error}"
        raise HTTPException(status.HTTP_400_BAD_REQUEST, message) from None
    if not await channel.record(update_id, body.decode()):
        logger.info("Telegram resent update %d: dropped", update_id)
    return Response(status_code=status.HTTP_200_OK)


@router.post("/telegram/link")
async def telegram_link(
    body: LinkRequest, channel: ChannelDep, services: ServicesDep
) -> TelegramLink:
    """Continue in Telegram: a code that binds a Telegram chat to this conversation and customer
    (or to the verified user), once, for ten minutes; 403 for a forged token or hash."""
    if body.token:
        claims = services.tokens.read(body.token)
        if claims is None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Not a valid conversation token.")
        try:
            conversation = await services.conversations.get(claims.conversation_id)
        except UnknownConversation:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from None
        link = LinkCode(conversation.customer, conversation.verified, conversation.id)
    elif body.user_id and body.user_hash:
        try:
            customer = services.identities.customer(body.user_id, body.user_hash)
        except IdentityRejected:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "The user id is not signed.") from None
        link = LinkCode(customer, verified=True)
    else:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "Send a token or a user.")
    try:
        return TelegramLink(**await channel.offer_link(link))
    except RuntimeError:  # the bot has not reached the Bot API yet
        unreachable = "Telegram is unreachable."
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, unreachable) from None


async def read_limited(request: Request, limit: int) -> bytes:
    """The request's body; 413 beyond `limit` bytes."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "An update is never this big.")
    return bytes(body)
