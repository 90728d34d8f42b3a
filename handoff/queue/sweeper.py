"""The queue's clockwork: agents' grace periods, SLA breaches, and optional auto-assignment.

Every hub process runs it; a short Redis lock lets one of them sweep each round.
"""

import asyncio
import collections
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handoff import keys
from handoff.conversations.model import TransitionRefused
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue
from handoff.settings import Settings
from handoff.staff.users import UserStore

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0


class Sweeper:
    """Requeues the chats of agents gone too long, flags SLA breaches, assigns if asked to."""

    def __init__(
        self,
        redis: Redis,
        conversations: ConversationStore,
        queue: AgentQueue,
        users: UserStore,
        settings: Settings,
    ) -> None:
        self._redis = redis
        self._conversations = conversations
        self._queue = queue
        self._users = users
        self._settings = settings

    async def run(self) -> None:
        """Sweep every couple of seconds, forever."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                if await self._redis.set(keys.sweeper_lock(), "1", nx=True, px=1500):
                    await self.sweep(time.time())
            except RedisError as error:
                logger.warning("Queue sweep skipped: %r", error)

    async def sweep(self, now: float) -> None:
        """One round."""
        await self.requeue_abandoned(now)
        await self.flag_breaches(now)
        if self._settings.auto_assign:
            await self.assign(now)

    async def requeue_abandoned(self, now: float) -> list[str]:
        """Chats whose agent's console has been gone longer than the grace period."""
        requeued = []
        last_seen = dict(await self._redis.zrange(keys.agents_seen(), 0, -1, withscores=True))
        for conversation_id, agent in (await self._queue.held_by()).items():
            seen = last_seen.get(agent)
            if seen is None or now - seen > self._settings.agent_grace_seconds:
                try:
                    await self._queue.requeue(conversation_id, agent)
                    requeued.append(conversation_id)
                except (TransitionRefused, LookupError):
                    continue  # claimed, released or closed in the meantime
        return requeued

    async def flag_breaches(self, now: float) -> list[str]:
        """Conversations past their first-response target, announced once each wait."""
        candidates = [q.conversation_id for q in await self._queue.waiting()]
        candidates += list(await self._queue.held_by())
        flagged = []
        for conversation in await self._conversations.get_many(candidates):
            due = conversation.sla_due_at
            if due is None or conversation.first_response_at or due > now:
                continue
            if await self._conversations.flag_sla_breach(conversation):
                flagged.append(conversation.id)
        return flagged

    async def assign(self, now: float) -> list[tuple[str, str]]:
        """Round-robin the queue, in order, to online agents of its language with room."""
        load = collections.Counter((await self._queue.held_by()).values())
        agents = await self._users.get_many(sorted(await self._queue.agents_online(now)))
        assigned = []
        for queued in await self._queue.waiting():
            free = [
                user.name
                for user in agents
                if queued.language in user.languages
                and load[user.name] < self._settings.agent_capacity
            ]
            if not free:
                continue
            turn = await self._redis.incr(keys.round_robin())
            agent = free[turn % len(free)]
            try:
                await self._queue.claim(queued.conversation_id, agent)
            except (TransitionRefused, LookupError):
                continue
            load[agent] += 1
            assigned.append((queued.conversation_id, agent))
        return assigned
