"""Web -> Telegram: a one-time code (in a t.me link's start parameter) that binds a Telegram chat
to a widget's conversation and customer, or to a signed-in site's verified user."""

import json
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

from handoff import keys

CODE_SECONDS = 600  # a code works for ten minutes, once
CODE_BYTES = 24  # 32 characters of A-Z a-z 0-9 _ -: what a start parameter may hold (64)


@dataclass(frozen=True)
class LinkCode:
    """What a code binds: the customer (verified or not), and their conversation if any."""

    customer: str
    verified: bool
    conversation_id: str = ""


class TelegramLinks:
    """Mints and redeems codes, and remembers which customer a Telegram user is."""

    def __init__(self, redis: Redis, retention_seconds: int) -> None:
        self._redis = redis
        self._retention_seconds = retention_seconds

    async def mint(self, link: LinkCode) -> str:
        """A new code for this link, valid for CODE_SECONDS, once."""
        code = secrets.token_urlsafe(CODE_BYTES)
        value = json.dumps(link.__dict__)
        await self._redis.set(keys.telegram_link_code(code), value, ex=CODE_SECONDS)
        return code

    async def redeem(self, code: str) -> LinkCode | None:
        """What the code binds, and it is used up; None if used, expired or never minted."""
        if not 1 <= len(code) <= 64:
            return None
        found = await self._redis.getdel(keys.telegram_link_code(code))
        return LinkCode(**json.loads(found)) if found else None

    async def link_user(self, telegram_user_id: int, link: LinkCode) -> None:
        """The Telegram user is this customer from now on (their new conversations too)."""
        key = keys.telegram_user(telegram_user_id)
        mapping = {"customer": link.customer, "verified": "1" if link.verified else ""}
        linked_users = keys.customer_telegram_users(link.customer)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping=mapping)
            pipe.expire(key, self._retention_seconds)
            pipe.sadd(linked_users, telegram_user_id)
            pipe.expire(linked_users, self._retention_seconds)
            await pipe.execute()

    async def customer_of(self, telegram_user_id: int) -> LinkCode | None:
        """The customer a Telegram user linked their chat to, if any."""
        found = await self._redis.hgetall(keys.telegram_user(telegram_user_id))
        if not found:
            return None
        return LinkCode(found["customer"], found.get("verified") == "1")
