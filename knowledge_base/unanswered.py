"""The questions the bot could not answer, counted, for content staff to turn into articles."""

import time

from pydantic import BaseModel
from redis.asyncio import Redis

from knowledge_base import keys

MAX_KEPT = 500

# Counts a question and notes when it was asked; beyond the MAX_KEPT most asked, the least asked
# go, with their times. KEYS: counts (sorted set), times (hash). ARGV: question, now, MAX_KEPT.
_RECORD_SCRIPT = """
redis.call('ZINCRBY', KEYS[1], 1, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local dropped = redis.call('ZRANGE', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
if #dropped > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[3]) - 1)
  redis.call('HDEL', KEYS[2], unpack(dropped))
end
"""


class Unanswered(BaseModel):
    """A question the bot escalated, how often it was asked, and when last."""

    question: str
    language: str
    count: int
    last_seen: float


class UnansweredQuestions:
    """Counts questions by their normalised text, per language."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._record = redis.register_script(_RECORD_SCRIPT)

    async def record(self, question: str, language: str) -> None:
        """Count one more time this question went unanswered."""
        text = " ".join(question.split())[:300]
        await self._record(
            keys=[keys.unanswered(language), keys.unanswered_seen(language)],
            args=[text, repr(time.time()), MAX_KEPT],
        )

    async def most_asked(self, language: str, limit: int = 100) -> list[Unanswered]:
        """The most frequent unanswered questions first."""
        rows = await self._redis.zrevrange(keys.unanswered(language), 0, limit - 1, withscores=True)
        seen = (
            await self._redis.hmget(keys.unanswered_seen(language), [q for q, _ in rows])
            if rows
            else []
        )
        return [
            Unanswered(question=q, language=language, count=int(n), last_seen=float(t or 0))
            for (q, n), t in zip(rows, seen, strict=True)
        ]
