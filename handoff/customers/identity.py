"""Verified customers: the company's site vouches for a signed-in user with an HMAC of their id.

The site's server computes hex(HMAC-SHA256(BATON_IDENTITY_SECRET, user_id)) and puts the id and
the hash on the widget's script tag (data-user-id, data-user-hash). The hub recomputes it: a match
makes the conversation's customer "user:<id>", verified, with their past conversations on every
device; a mismatch is refused, since it is a misconfiguration or someone posing as another user.
"""

import hashlib
import hmac
from dataclasses import dataclass

from redis.asyncio import Redis

from handoff import keys

VERIFIED_PREFIX = "user:"
TELEGRAM_PREFIX = "telegram:"  # a Telegram user's own customer id, before they link


class IdentityRejected(Exception):
    """A user id came with a hash that does not match it (or the hub has no identity secret)."""


@dataclass(frozen=True)
class IdentityVerifier:
    """Checks the hashes the company's site signs user ids with."""

    secret: str

    def sign(self, user_id: str) -> str:
        """The hash the site's server sends beside the user id."""
        return hmac.new(self.secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()

    def customer(self, user_id: str, user_hash: str) -> str:
        """The verified customer id for a signed user id; IdentityRejected if it is not signed."""
        expected, sent = self.sign(user_id).encode(), user_hash.lower().encode()
        if not self.secret or not hmac.compare_digest(expected, sent):
            raise IdentityRejected(user_id)
        return VERIFIED_PREFIX + user_id


async def telegram_verified_customer(redis: Redis, telegram_user_id: int) -> str | None:
    """The verified customer ("user:<id>") a Telegram user linked their chat to with a code the
    signed-in site gave them; None if their chat is linked to no verified customer."""
    linked = await redis.hgetall(keys.telegram_user(telegram_user_id))
    if linked.get("verified") != "1" or not linked.get("customer", "").startswith(VERIFIED_PREFIX):
        return None
    return linked["customer"]


async def linked_customers(redis: Redis, customer: str) -> list[str]:
    """Every customer id of the person `customer` is, across channels: the customer a Telegram
    user linked their chat to (a verified user, a widget's customer), and the Telegram users
    linked to that customer ("telegram:<id>", their conversations before they linked)."""
    owner = customer
    if customer.startswith(TELEGRAM_PREFIX) and customer[len(TELEGRAM_PREFIX) :].isdigit():
        telegram_id = int(customer[len(TELEGRAM_PREFIX) :])
        owner = await redis.hget(keys.telegram_user(telegram_id), "customer") or customer
    found = [owner]
    for telegram_id in sorted(await redis.smembers(keys.customer_telegram_users(owner))):
        if await redis.hget(keys.telegram_user(int(telegram_id)), "customer") == owner:
            found.append(f"{TELEGRAM_PREFIX}{telegram_id}")
    return found if customer in found else [customer, *found]
