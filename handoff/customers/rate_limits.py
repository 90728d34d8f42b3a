"""How fast a customer may act: messages, hand-over requests and new conversations, limited per
connection and per client address, counted in Redis so that every hub process shares the counts.

The strategy is the `limits` library's moving window: at most N actions in any window of the
given length (exact, no burst at window edges; Redis keeps one timestamp per allowed action,
N at most per key, expiring with the window). A limit is written in its notation, e.g.
"30/minute" or "30/minute;300/hour" (every part applies). An action is counted in all its
windows (per connection and per address, each part) by one script, one round trip: the
library's own moving-window script, run once per window, on the library's keys.
"""

import math
import time
from enum import StrEnum

from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Refused
from handoff.conversations.system_messages import system_message
from handoff.settings import Settings

TYPING_INTERVAL_SECONDS = 1.0

# The `limits` library's moving window (its acquire_moving_window.lua, one entry at a time) over
# several windows in order, stopping at the first one full. KEYS: the windows' keys. ARGV: now
# (epoch seconds), then each window's limit and length in seconds. Returns 0 if every window
# took the action, else the (1-based) index of the full one: those before it counted it.
_HIT_SCRIPT = """
for index, key in ipairs(KEYS) do
  local limit, expiry = tonumber(ARGV[2 * index]), tonumber(ARGV[2 * index + 1])
  local entry = redis.call('LINDEX', key, limit - 1)
  if entry and tonumber(entry) >= tonumber(ARGV[1]) - expiry then return index end
  redis.call('LPUSH', key, ARGV[1])
  redis.call('LTRIM', key, 0, limit - 1)
  redis.call('EXPIRE', key, expiry)
end
return 0
"""


class Action(StrEnum):
    """What a customer does that costs the hub, and so is limited."""

    MESSAGE = "message"  # a typed message, a pressed button, an email address left
    ESCALATION = "escalation"  # "Talk to a person"
    CONVERSATION = "conversation"  # a new conversation
    RECORDS_LOOKUP = "records_lookup"  # the bot reads a verified customer's company records


class RateLimited(Refused):
    """Too many of an action: try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__("rate_limited", message)
        self.retry_after = retry_after


def rate_limited(language: str, retry_after: int) -> RateLimited:
    """The refusal, with a message for the customer in their language."""
    return RateLimited(system_message("rate_limited", language, seconds=retry_after), retry_after)


class RateLimits:
    """The limits of the settings, per connection (an id of the socket's own) and per address."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        storage = RedisStorage(
            "async+redis://",  # the hub's own connections, below
            implementation="redispy",
            key_prefix=keys.rate_limits(),
            connection_pool=redis.connection_pool,
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._hit_script = redis.register_script(_HIT_SCRIPT)
        self._per_connection = {
            Action.MESSAGE: parse_many(settings.message_rate_per_connection),
            Action.ESCALATION: parse_many(settings.escalation_rate_per_connection),
        }  # new conversations: per address only (a socket opens one at a time)
        self._per_address = {
            Action.MESSAGE: parse_many(settings.message_rate_per_address),
            Action.ESCALATION: parse_many(settings.escalation_rate_per_address),
            Action.CONVERSATION: parse_many(settings.conversation_rate_per_address),
        }
        self._per_customer = {
            Action.RECORDS_LOOKUP: parse_many(settings.records_lookup_rate_per_customer),
        }

    async def hit(
        self, action: Action, language: str, *, address: str, connection: str | None = None
    ) -> None:
        """Count the action; RateLimited (nothing counted further) if a limit is reached."""
        limited = [(self._per_address[action], f"address:{address}")]
        if connection is not None:
            limited.insert(0, (self._per_connection[action], f"connection:{connection}"))
        await self._hit_all(
            [(item, who) for items, who in limited for item in items], action, language
        )

    async def hit_customer(self, action: Action, language: str, *, customer: str) -> None:
        """Count an action of a verified customer, whatever their connection or address;
        RateLimited if their limit is reached."""
        items = self._per_customer[action]
        await self._hit_all([(item, f"customer:{customer}") for item in items], action, language)

    async def _hit_all(
        self, windows: list[tuple[RateLimitItem, str]], action: Action, language: str
    ) -> None:
        """Count the action in every (limit, identifier) window, in order, in one round trip;
        RateLimited at the first one full."""
        full = await self._hit_script(
            keys=[
                f"{keys.rate_limits()}:{item.key_for(action.value, identifier)}"
                for item, identifier in windows
            ],
            args=[
                repr(time.time()),
                *(n for item, _ in windows for n in (item.amount, item.get_expiry())),
            ],
        )
        if full:
            item, identifier = windows[full - 1]
            raise rate_limited(language, await self._retry_after(item, action, identifier))

    async def _retry_after(self, item: RateLimitItem, action: Action, identifier: str) -> int:
        """Whole seconds until the window has room again (at least one)."""
        stats = await self._limiter.get_window_stats(item, action.value, identifier)
        return max(1, math.ceil(stats.reset_time - time.time()))


class TypingThrottle:
    """Which of one widget's typing frames are passed on (each costs a publish to every hub): a
    change of state, with "on" at most once per interval, so a flood of them costs two a
    second; nothing is refused, since a dropped "on" only delays what agents see."""

    def __init__(self, interval_seconds: float = TYPING_INTERVAL_SECONDS) -> None:
        self._interval = interval_seconds
        self._on = False
        self._last_on = -math.inf

    def passes(self, on: bool, now: float) -> bool:
        """Whether to pass on this frame, sent at `now` (a monotonic clock's seconds)."""
        if on and now - self._last_on < self._interval:
            return False
        if not on and not self._on:
            return False
        if on:
            self._last_on = now
        self._on = on
        return True
