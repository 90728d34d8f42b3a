"""The agent queue: escalation, claims, transfers, release to the bot, closing, and the SLA."""

import collections
import functools
import logging
import math
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from redis.asyncio import Redis

from handoff import keys, metrics
from handoff.conversations.clock import redis_now
from handoff.conversations.model import Change, Conversation, Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.dashboard.rollups import Rollups
from handoff.keys import ConversationField as F
from handoff.queue.hours import BusinessHours
from handoff.settings import Settings
from handoff.staff.users import UserStore, default_display_name

logger = logging.getLogger(__name__)

PRIORITY_SPAN = 10**13  # milliseconds: queue score = priority * span + time of escalation
ONLINE_WINDOW_SECONDS = 20  # a console heartbeats every 5 s
HANDLE_TIMES_KEPT = 100
NOTICE_SECONDS = 30  # an agent with a free slot takes a queued chat in about this long


class Priority(IntEnum):
    """Queue order: lower first."""

    URGENT = 0
    HIGH = 1
    NORMAL = 2


# Reasons that come first in the queue (fraud before anything else).
PRIORITY_OF_REASON = {
    "report_fraud": Priority.URGENT,
    "complaint": Priority.HIGH,
    "fraud_words": Priority.HIGH,  # the customer's words alone (knowledge_base/decision.py)
    "fraud_topic": Priority.HIGH,  # a sure NLU, no words of an event
    "fraud_story": Priority.HIGH,  # money sent, and the article on fraud leads the ranking
    "complaint_words": Priority.HIGH,  # the customer's words alone
    "fraud_reading": Priority.HIGH,  # a sentence model's reading alone (knowledge_base/urgency.py)
    "complaint_reading": Priority.HIGH,
}


@dataclass(frozen=True)
class Escalation:
    """Why a conversation goes to a person, and what the bot understood when it did."""

    reason: str
    intent: str | None = None
    confidence: float | None = None
    priority: Priority = Priority.NORMAL

    @classmethod
    def because(
        cls, reason: str, intent: str | None = None, confidence: float | None = None
    ) -> "Escalation":
        """An escalation with the priority its reason deserves."""
        return cls(reason, intent, confidence, PRIORITY_OF_REASON.get(reason, Priority.NORMAL))

    def as_meta(self) -> dict:
        """How the escalation is annotated in the transcript."""
        meta = {"reason": self.reason, "priority": self.priority.name.lower()}
        if self.intent:
            meta["intent"] = self.intent
        if self.confidence is not None:
            meta["confidence"] = round(self.confidence, 4)
        return meta


@dataclass(frozen=True)
class QueuedConversation:
    """One conversation waiting for an agent."""

    conversation_id: str
    language: str
    priority: Priority
    escalated_at: float  # epoch seconds

    def to_json(self) -> dict:
        """As the console receives it."""
        return {
            "conversation_id": self.conversation_id,
            "language": self.language,
            "priority": self.priority.name.lower(),
            "escalated_at": self.escalated_at,
        }


@dataclass(frozen=True)
class Place:
    """Where a queued conversation stands, as its customer is told."""

    position: int
    wait_seconds: int | None  # None: no agent online to estimate from
    agents_online: bool
    open_now: bool


@dataclass(frozen=True)
class QueueView:
    """A snapshot of the queue and of the agents working it."""

    waiting: list[QueuedConversation]
    conversations: dict[str, Conversation]  # the first page of each language's queue, by id
    agents_per_language: dict[str, int]
    held_per_language: dict[str, int]  # chats held by those agents
    capacity: int
    handle_seconds: float
    open_now: bool

    def waiting_in(self, languages: tuple[str, ...]) -> list[QueuedConversation]:
        """The queue as agents speaking these languages see it, in order."""
        return [queued for queued in self.waiting if queued.language in languages]

    def items(
        self,
        languages: tuple[str, ...],
        limit: int,
        more: dict[str, Conversation] | None = None,
    ) -> list[dict]:
        """The first `limit` of the queue for these languages, with the headers of the view
        and `more` (those beyond the first page); a conversation closed meanwhile is left out."""
        known = self.conversations | (more or {})
        return [
            queued.to_json() | summary(known[queued.conversation_id])
            for queued in self.waiting_in(languages)[:limit]
            if queued.conversation_id in known
        ]

    @functools.cached_property
    def _positions(self) -> dict[str, tuple[int, str]]:
        """Each queued conversation's position among those of its language, and the language."""
        counted: collections.Counter[str] = collections.Counter()
        positions = {}
        for queued in self.waiting:
            counted[queued.language] += 1
            positions[queued.conversation_id] = (counted[queued.language], queued.language)
        return positions

    def place(self, conversation_id: str) -> Place | None:
        """Where a conversation stands among those of its language; None if not queued."""
        if conversation_id not in self._positions:
            return None
        position, language = self._positions[conversation_id]
        agents = self.agents_per_language.get(language, 0)
        wait = None
        if agents:
            slots = agents * self.capacity
            free = max(0, slots - self.held_per_language.get(language, 0))
            # A free slot: about the time an agent takes to notice; else chats must end first.
            rounds = math.ceil(max(0, position - free) / slots)
            wait = int(NOTICE_SECONDS + rounds * self.handle_seconds)
        return Place(position, wait, agents > 0, self.open_now)


def summary(conversation: Conversation) -> dict:
    """What an agent sees of a conversation before opening it."""
    return {
        "channel": conversation.channel,
        "reason": conversation.reason,
        "intent": conversation.intent,
        "confidence": conversation.confidence,
        "last_message": conversation.last_message,
        "sla_due_at": conversation.sla_due_at,
        "sla_breached": conversation.sla_breached,
    }


def queue_score(priority: Priority, at: float) -> float:
    """Priority first, then the time of escalation.

    The time keeps its fraction of a millisecond (a double holds it to about 4 microseconds
    today): two customers escalated within one millisecond still keep their order, rather than
    being sorted by their conversation ids.
    """
    return float(priority * PRIORITY_SPAN + at * 1000)


class AgentQueue:
    """Moves conversations between the bot, the queue and agents, atomically, in Redis."""

    def __init__(
        self, redis: Redis, conversations: ConversationStore, users: UserStore, settings: Settings
    ) -> None:
        self._redis = redis
        self._conversations = conversations
        self._users = users
        self._settings = settings
        self.rollups = Rollups(redis, settings.retention_days)
        self.hours = BusinessHours.parse(settings.business_hours, settings.business_timezone)

    async def escalate(self, conversation_id: str, escalation: Escalation) -> str:
        """Queue a conversation the bot holds; TransitionRefused if a person has it already."""
        now = await redis_now(self._redis)
        sla = self._settings.sla_first_response_seconds.get(escalation.priority.name.lower(), 300)
        change = Change(
            set_fields={
                F.PRIORITY: escalation.priority.name.lower(),
                F.REASON: escalation.reason,
                F.ESCALATED_AT: repr(now),
                F.SLA_DUE_AT: repr(now + sla),
                F.INTENT: escalation.intent or "",
                F.CONFIDENCE: "" if escalation.confidence is None else repr(escalation.confidence),
            },
            del_fields=(F.ASSIGNEE, F.CLAIMED_AT, F.FIRST_RESPONSE_AT, F.MISSES, F.SLA_BREACHED),
            queue="add",
            queue_score=queue_score(escalation.priority, now),
            event="escalated",
        )
        entry_id, _ = await self._move(
            conversation_id, "escalate", "escalated", change, meta=escalation.as_meta()
        )
        return entry_id

    async def claim(self, conversation_id: str, agent: str) -> str:
        """Give a queued conversation to an agent; TransitionRefused if someone was faster,
        AtCapacity if the agent holds as many as they may (checked in the same atomic step)."""
        change = Change(
            set_fields={F.ASSIGNEE: agent, F.CLAIMED_AT: repr(await redis_now(self._redis))},
            queue="remove",
            event="claimed",
            capacity=self._settings.agent_capacity,
        )
        entry_id, _ = await self._move(
            conversation_id,
            "claim",
            "agent_joined",
            change,
            author=agent,
            name=await self._shown(agent),
        )
        return entry_id

    async def transfer(self, conversation_id: str, agent: str, to_agent: str) -> str:
        """Hand a conversation the agent holds to another agent; AtCapacity if that agent holds
        as many as they may (checked in the same atomic step, as a claim's is)."""
        target = await self._users.get(to_agent)
        if target is None:
            raise LookupError(f"no agent named {to_agent}")
        change = Change(
            set_fields={F.ASSIGNEE: to_agent},
            event="transferred",
            assignee=agent,
            capacity=self._settings.agent_capacity,
        )
        entry_id, _ = await self._move(
            conversation_id,
            "transfer",
            "agent_joined",
            change,
            author=agent,
            name=target.display_name,
        )
        return entry_id

    async def release(self, conversation_id: str, agent: str, *, by_admin: bool = False) -> str:
        """Give a conversation the agent holds back to the bot (an admin: any conversation)."""
        change = Change(
            del_fields=(F.ASSIGNEE, F.MISSES),
            queue="remove",
            event="released",
            assignee="" if by_admin else agent,
        )
        entry_id, _ = await self._move(conversation_id, "release", "released", change, author=agent)
        return entry_id

    async def close(
        self, conversation_id: str, agent: str, tags: list[str], *, by_admin: bool = False
    ) -> str:
        """Close a conversation the agent holds (an admin: any conversation) with resolution
        tags; the customer is asked for a rating."""
        now = await redis_now(self._redis)
        change = Change(
            set_fields={
                F.CLOSED_AT: repr(now),
                F.CLOSED_BY: agent,
                F.TAGS: ",".join(tags),
            },
            queue="remove",
            event="closed",
            assignee="" if by_admin else agent,
        )
        entry_id, conversation = await self._move(
            conversation_id, "close", "closed", change, author=agent, meta={"tags": tags}
        )
        if conversation.claimed_at:
            await self._record_handle_time(now - conversation.claimed_at)
        return entry_id

    async def requeue(self, conversation_id: str, agent: str) -> str:
        """Put a conversation back in the queue at its old place (its agent went away)."""
        change = Change(
            del_fields=(F.ASSIGNEE, F.CLAIMED_AT), queue="add", event="requeued", assignee=agent
        )
        entry_id, _ = await self._move(
            conversation_id, "requeue", "requeued", change, meta={"from": agent}
        )
        return entry_id

    async def _shown(self, agent: str) -> str:
        """The agent's name as customers see it (their display name, never the login)."""
        user = await self._users.get(agent)
        return user.display_name if user else default_display_name(agent)

    async def _move(
        self,
        conversation_id: str,
        transition: str,
        message_key: str,
        change: Change,
        *,
        author: str | None = None,
        meta: dict | None = None,
        **values: str,
    ) -> tuple[str, Conversation]:
        """Apply a transition, telling the customer about it in their language."""
        conversation = await self._conversations.get(conversation_id)
        entry = Entry(
            sender=Sender.SYSTEM,
            text=system_message(message_key, conversation.language, **values),
            event=change.event,
            author=author,
            meta=meta or {},
        )
        entry_id = await self._conversations.transition(conversation_id, transition, entry, change)
        metrics.transitioned(transition, conversation, change)
        await self.rollups.transitioned(transition, conversation, change)
        return entry_id, conversation

    async def waiting(self) -> list[QueuedConversation]:
        """Every queued conversation, in the order agents should take them."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrange(keys.queue(), 0, -1, withscores=True)
            pipe.hgetall(keys.queue_languages())
            ranked, languages = await pipe.execute()
        return [
            QueuedConversation(
                conversation_id=conversation_id,
                language=languages.get(conversation_id, ""),
                priority=Priority(int(score // PRIORITY_SPAN)),
                escalated_at=(score % PRIORITY_SPAN) / 1000,
            )
            for conversation_id, score in ranked
        ]

    async def view(self) -> "QueueView":
        """The queue, who is online to work it, and how long chats take: for estimates.

        Headers are read for the first page of each language only (console_queue_page), so the
        commands it sends do not grow with the queue; `headers` reads more on demand.
        """
        now = await redis_now(self._redis)
        waiting = await self.waiting()
        online = await self.agents_online(now)
        held = collections.Counter((await self.held_by()).values())
        agents: collections.Counter[str] = collections.Counter()
        chats: collections.Counter[str] = collections.Counter()
        for user in await self._users.get_many(online):
            agents.update(user.languages)
            chats.update({language: held[user.name] for language in user.languages})
        first_pages: collections.defaultdict[str, list[str]] = collections.defaultdict(list)
        for queued in waiting:
            if len(first_pages[queued.language]) < self._settings.console_queue_page:
                first_pages[queued.language].append(queued.conversation_id)
        return QueueView(
            waiting=waiting,
            conversations=await self.headers([i for ids in first_pages.values() for i in ids]),
            agents_per_language=dict(agents),
            held_per_language=dict(chats),
            capacity=self._settings.agent_capacity,
            handle_seconds=await self.typical_handle_seconds(),
            open_now=self.hours.is_open(datetime.fromtimestamp(now, UTC)),
        )

    async def headers(self, conversation_ids: list[str]) -> dict[str, Conversation]:
        """The conversations of these ids that exist, by id (one round trip)."""
        return {c.id: c for c in await self._conversations.get_many(conversation_ids)}

    async def heartbeat(self, agent: str) -> None:
        """An agent's console is connected (as of Redis's clock, which every hub shares)."""
        now = await redis_now(self._redis)
        await self.rollups.agent_seen(agent, now)
        await self._redis.zadd(keys.agents_seen(), {agent: now})

    async def agents_online(self, now: float | None = None) -> list[str]:
        """Agents whose console heartbeat is recent (as of now, by default Redis's clock)."""
        since = (await redis_now(self._redis) if now is None else now) - ONLINE_WINDOW_SECONDS
        return await self._redis.zrangebyscore(keys.agents_seen(), since, "+inf")

    async def held_by(self) -> dict[str, str]:
        """Every conversation an agent holds: conversation id -> agent."""
        return await self._redis.hgetall(keys.assignments())

    async def typical_handle_seconds(self) -> float:
        """The median of recent claim-to-close times (a default until some are measured)."""
        recent = await self._redis.lrange(keys.handle_times(), 0, -1)
        if not recent:
            return float(self._settings.default_handle_seconds)
        return statistics.median(float(value) for value in recent)

    async def _record_handle_time(self, seconds: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(keys.handle_times(), f"{seconds:.1f}")
            pipe.ltrim(keys.handle_times(), 0, HANDLE_TIMES_KEPT - 1)
            await pipe.execute()
