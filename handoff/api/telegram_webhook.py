"""Telegram's webhook: the secret token checked, each update recorded once, 200 at once (the
work happens after, in channels/telegram.py); and the channel's life in the hub's lifespan."""

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from starlette.requests import HTTPConnection

from handoff.channels.telegram import WEBHOOK_PATH, TelegramChannel
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


def webhook_channel(connection: HTTPConnection) -> TelegramChannel:
    """The channel, if it takes updates by webhook; 404 otherwise (off, or polling)."""
    channel = getattr(connection.app.state, "telegram", None)
    if channel is None or channel.mode != "webhook":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "The Telegram webhook is not enabled.")
    return channel


WebhookChannelDep = Annotated[TelegramChannel, Depends(webhook_channel)]


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


async def read_limited(request: Request, limit: int) -> bytes:
    """The request's body; 413 beyond `limit` bytes."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "An update is never this big.")
    return bytes(body)
