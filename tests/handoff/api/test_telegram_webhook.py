"""Telegram's webhook: only Telegram (the secret token) gets in, each update is recorded once
and answered 200 at once, bad input is refused with a clear status, and nothing is done."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.system_messages import system_message
from tests.handoff.conftest import WEBHOOK_SECRET
from tests.support import InProcessHub
from tests.telegram_bot_api import SECRET_HEADER, BotApi

MINA = {"id": 5550001, "is_bot": False, "first_name": "Mina", "language_code": "en"}
WELCOME = system_message("telegram_welcome", "en")

StartHub = Callable[..., Awaitable[InProcessHub]]


@pytest.mark.parametrize(
    "secret", ["", "webhook-secret_2", WEBHOOK_SECRET + "x", "é".encode("latin-1") * 16]
)
async def test_a_forged_secret_is_refused_and_nothing_is_done(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, secret: str | bytes
) -> None:
    await start_telegram_hub()
    update = bot_api.text(MINA, "/start")
    response = await bot_api.post(update, secret=secret)
    assert response.status_code == 403
    assert await redis.xlen(keys.telegram_updates()) == 0
    assert not await redis.exists(keys.telegram_update_seen(update["update_id"]))
    # The real one still gets through, once.
    assert (await bot_api.post(update)).status_code == 200
    await bot_api.wait(lambda: bot_api.sent(MINA["id"]))
    assert [m["text"] for m in bot_api.sent(MINA["id"])] == [WELCOME]


async def test_a_repeated_update_is_done_once(
    start_telegram_hub: StartHub, bot_api: BotApi
) -> None:
    await start_telegram_hub()
    update = bot_api.text(MINA, "/start")
    statuses = await asyncio.gather(*(bot_api.post(update) for _ in range(5)))
    assert [r.status_code for r in statuses] == [200] * 5  # Telegram stops resending
    after = bot_api.text(MINA, "/start")  # a later update: once it is answered, so was the first
    await bot_api.post(after)
    await bot_api.wait(lambda: len(bot_api.sent(MINA["id"])) >= 2)
    assert [m["text"] for m in bot_api.sent(MINA["id"])] == [WELCOME, WELCOME]


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"message": {}}', b'{"update_id": "7"}', b'{"update_id": true}'],
)
async def test_what_is_not_an_update_is_refused_with_400(
    start_telegram_hub: StartHub, redis: Redis, body: bytes
) -> None:
    hub = await start_telegram_hub()
    response = await hub.client().post(
        "/telegram/webhook", content=body, headers={SECRET_HEADER: WEBHOOK_SECRET}
    )
    assert response.status_code == 400
    assert "Not a Telegram update" in response.json()["detail"]
    assert await redis.xlen(keys.telegram_updates()) == 0


async def test_an_oversize_body_is_refused(start_telegram_hub: StartHub, redis: Redis) -> None:
    hub = await start_telegram_hub()
    body = b'{"update_id": 1, "x": "' + b"a" * (1024 * 1024) + b'"}'
    response = await hub.client().post(
        "/telegram/webhook", content=body, headers={SECRET_HEADER: WEBHOOK_SECRET}
    )
    assert response.status_code == 413
    assert await redis.xlen(keys.telegram_updates()) == 0


async def test_without_a_token_there_is_no_webhook(hub: InProcessHub) -> None:
    response = await hub.client().post(
        "/telegram/webhook", json={"update_id": 1}, headers={SECRET_HEADER: WEBHOOK_SECRET}
    )
    assert response.status_code == 404
