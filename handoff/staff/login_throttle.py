"""Failed logins, counted per (name, address) and per address: guessing slows down, but an
outsider's failures never lock an agent out of the addresses the agent logs in from."""

from dataclasses import dataclass

from redis.asyncio import Redis

from handoff import keys

# Counts a try against both counters atomically (a counter's window starts with its first try);
# returns both counts. KEYS: the (name, address) counter, the address counter. ARGV: the window.
_TRY_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return counts
"""

# Takes back a try that succeeded: the (name, address) count starts over, the address's
# count drops by one. KEYS: as above.
_SUCCESS_SCRIPT = """
redis.call('DEL', KEYS[1])
if (tonumber(redis.call('GET', KEYS[2]) or '0')) > 0 then redis.call('DECR', KEYS[2]) end
"""


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins a window allows, per (name, address) and per address."""

    per_name: int
    per_address: int
    window_seconds: int


class LoginThrottle:
    """Counts every login try before its password is checked, so concurrent tries cannot pass
    the limit; a right password takes its try back."""

    def __init__(self, redis: Redis, limits: LoginLimits) -> None:
        self._limits = limits
        self._try = redis.register_script(_TRY_SCRIPT)
        self._success = redis.register_script(_SUCCESS_SCRIPT)

    async def allow(self, name: str, address: str) -> bool:
        """Count a try; whether it is within the limits (the password may then be checked)."""
        per_name, per_address = await self._try(
            keys=_counters(name, address), args=[self._limits.window_seconds]
        )
        return per_name <= self._limits.per_name and per_address <= self._limits.per_address

    async def succeeded(self, name: str, address: str) -> None:
        """The try had the right password: it counts as no failure."""
        await self._success(keys=_counters(name, address))


def _counters(name: str, address: str) -> list[str]:
    return [keys.login_failures(name, address), keys.login_failures_from(address)]
