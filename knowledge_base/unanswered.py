"""The questions the bot could not answer, counted, for content staff to turn into articles."""

import time

from pydantic import BaseModel
from redis.asyncio import Redis

from knowledge_base import keys

MAX_KEPT = 500


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

    async def record(self, question: str, language: str) -> None:
        """Count one more time this question went unanswered."""
        text = " ".join(question.split())[:300]
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zincrby(keys.unanswered(language), 1, text)
            pipe.hset(keys.unanswered_seen(language), text, repr(time.time()))
            pipe.zremrangebyrank(keys.unanswered(language), 0, -MAX_KEPT - 1)
            await pipe.execute()

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
