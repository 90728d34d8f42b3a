"""Hand-overs the bot decided, recorded before they are carried out: one interrupted by a crash
between Rasa's reply and the queue is redone by the sweeper of any hub process."""

import contextlib
import json

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.clock import redis_now
from handoff.conversations.model import TransitionRefused
from handoff.queue.agent_queue import AgentQueue, Escalation

# A hand-over is carried out within milliseconds of being recorded; one this old was cut short.
REDO_AFTER_SECONDS = 15.0


class PendingEscalations:
    """Records a hand-over before the bot's replies are stored, and forgets it once queued."""

    def __init__(self, redis: Redis, queue: AgentQueue) -> None:
        self._redis = redis
        self._queue = queue

    async def record(self, conversation_id: str, escalation: Escalation) -> None:
        """The bot decided to hand this conversation over (as of Redis's clock)."""
        reasons = {
            "reason": escalation.reason,
            "intent": escalation.intent,
            "confidence": escalation.confidence,
        }
        now = await redis_now(self._redis)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(keys.escalations_pending(), {conversation_id: now})
            pipe.hset(keys.escalations_pending_reasons(), conversation_id, json.dumps(reasons))
            await pipe.execute()

    async def done(self, conversation_id: str) -> None:
        """The hand-over was carried out (or a person holds the conversation already)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(keys.escalations_pending(), conversation_id)
            pipe.hdel(keys.escalations_pending_reasons(), conversation_id)
            await pipe.execute()

    async def redo_overdue(self, now: float) -> list[str]:
        """Queue the conversations whose hand-over was recorded long before `now` and never
        carried out; the ones queued now."""
        since = now - REDO_AFTER_SECONDS
        overdue = await self._redis.zrangebyscore(keys.escalations_pending(), "-inf", since)
        if not overdue:
            return []
        reasons = await self._redis.hmget(keys.escalations_pending_reasons(), overdue)
        redone = []
        for conversation_id, recorded in zip(overdue, reasons, strict=True):
            if recorded:
                with contextlib.suppress(TransitionRefused, LookupError):
                    escalation = Escalation.because(**json.loads(recorded))
                    await self._queue.escalate(conversation_id, escalation)
                    redone.append(conversation_id)
            await self.done(conversation_id)
        return redone
