"""The escalation policy for questions the bot tries to answer from the knowledge base."""

from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis

from handoff import keys

# Increments a conversation's consecutive misses, if the conversation exists.
_COUNT_MISS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
return redis.call('HINCRBY', KEYS[1], 'misses', 1)
"""


@dataclass(frozen=True)
class Step:
    """What the bot does next: answer, ask to rephrase, or hand over (and why)."""

    action: Literal["answer", "rephrase", "escalate"]
    reason: str | None = None


class EscalationPolicy:
    """Neither the NLU nor the knowledge base confident, or too many misses in a row: a person."""

    def __init__(self, redis: Redis, max_consecutive_misses: int) -> None:
        self._redis = redis
        self._count_miss = redis.register_script(_COUNT_MISS)
        self._max_misses = max_consecutive_misses

    async def next_step(self, conversation_id: str, answered: bool, nlu_confident: bool) -> Step:
        """Decide after a knowledge-base search, counting the conversation's misses."""
        key = keys.conversation(conversation_id)
        if answered:
            await self._redis.hdel(key, "misses")
            return Step("answer")
        if not nlu_confident:
            return Step("escalate", "low_confidence")
        misses = int(await self._count_miss(keys=[key]))
        if misses >= self._max_misses:
            return Step("escalate", "repeated_misses")
        return Step("rephrase")
