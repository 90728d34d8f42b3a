"""The queue's clockwork: hand-overs cut short, agents' grace periods, SLA breaches, and
optional auto-assignment.

Every hub process runs it; a Redis lock, renewed while it is held, lets one of them sweep at a
time, for the whole sweep. Times are Redis's, whatever each hub's clock says.
"""

import asyncio
import collections
import contextlib
import logging

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from handoff import keys
from handoff.conversations.clock import redis_now
from handoff.conversations.model import AtCapacity, TransitionRefused
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.escalations import PendingEscalations
from handoff.settings import Settings
from handoff.staff.users import UserStore
from handoff.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0
LOCK_ROUNDS = 3  # the lock outlives this many rounds unless renewed (renewed every round)


class Sweeper:
    """Queues hand-overs cut short, requeues the chats of agents gone too long, flags SLA
    breaches, assigns if asked to."""

    def __init__(
        self,
        redis: Redis,
        conversations: ConversationStore,
        queue: AgentQueue,
        pending: PendingEscalations,
        users: UserStore,
        settings: Settings,
    ) -> None:
        self._redis = redis
        self._conversations = conversations
        self._queue = queue
        self._pending = pending
        self._users = users
        self._settings = settings

    async def run(self) -> None:
        """Sweep every couple of seconds, forever, when no other hub process is sweeping."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep_unless_busy()
            except (RedisError, LockError) as error:
                logger.warning("Queue sweep cut short: %r", error)

    async def sweep_unless_busy(self) -> None:
        """One whole sweep under the lock, renewed until it ends, unless another process holds
        it. A lock lost meanwhile stops the sweep at once (LockNotOwnedError)."""
        now = await redis_now(self._redis)
        lock = Lock(
            self._redis,
            keys.sweeper_lock(),
            timeout=LOCK_ROUNDS * SWEEP_SECONDS,
            blocking=False,
            thread_local=False,
        )
        if not await lock.acquire():
            return
        sweeping = asyncio.create_task(self.sweep(now))
        renewing = asyncio.create_task(self._renew(lock))
        try:
            await asyncio.wait([sweeping, renewing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait([sweeping, renewing])
            with contextlib.suppress(LockError):  # lost already
                await lock.release()
        if not renewing.cancelled():
            renewing.result()  # the lock was lost: raises
        sweeping.result()  # raises what the sweep raised

    async def _renew(self, lock: Lock) -> None:
        """Keep the lock for as long as the sweep runs."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            await lock.reacquire()

    async def sweep(self, now: float) -> None:
        """One round."""
        await self._pending.redo_overdue(now)
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
            except AtCapacity:
                load[agent] = self._settings.agent_capacity  # another hub gave it chats
                continue
            except (TransitionRefused, LookupError):
                continue
            load[agent] += 1
            assigned.append((queued.conversation_id, agent))
        return assigned
