"""Conversations in Redis: their state machine and their transcript stream."""

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from redis.asyncio import Redis

from handoff import keys

CLIENT_ID_TTL_SECONDS = 7 * 24 * 3600


class State(StrEnum):
    """Who holds a conversation (DESIGN.md, "Conversation state machine")."""

    BOT = "bot"
    QUEUED = "queued"
    AGENT = "agent"
    CLOSED = "closed"


class Sender(StrEnum):
    """Who wrote a transcript entry."""

    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


# transition name -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[State], State]] = {
    "escalate": (frozenset({State.BOT}), State.QUEUED),
    "claim": (frozenset({State.QUEUED}), State.AGENT),
    "transfer": (frozenset({State.AGENT}), State.AGENT),
    "requeue": (frozenset({State.AGENT}), State.QUEUED),
    "release": (frozenset({State.QUEUED, State.AGENT}), State.BOT),
    "close": (frozenset({State.QUEUED, State.AGENT}), State.CLOSED),
}

# Appends one transcript entry atomically with its preconditions and side effects.
# KEYS: conversation hash, transcript stream, client-id marker ("" if none), queue zset,
#       queue languages hash, events stream, assignments hash (conversation -> agent).
# ARGV: conversation id, allowed states (comma-separated, "" = any), new state ("" = same),
#       marker ttl, required assignee ("" = any; checked while an agent holds it),
#       header changes as JSON {"set": {}, "del": []},
#       queue operation ("add", "remove" or ""), queue score ("" = the one it had before),
#       event type ("" = none), then the entry's field/value pairs.
# Returns {"ok", id}, {"duplicate", ""}, {"refused", state}, {"not_assignee", assignee}
# or {"unknown", ""}.
_APPEND_SCRIPT = """
local conv, log, marker, queue, queue_languages, events, assignments = unpack(KEYS)
local id, allowed, target, ttl, assignee, changes, queue_op, score, event =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local state = redis.call('HGET', conv, 'state')
if not state then return {'unknown', ''} end
if allowed ~= '' and not string.find(',' .. allowed .. ',', ',' .. state .. ',', 1, true) then
  return {'refused', state}
end
local holder = redis.call('HGET', conv, 'assignee') or ''
if assignee ~= '' and state == 'agent' and holder ~= assignee then
  return {'not_assignee', holder}
end
if marker ~= '' and redis.call('SET', marker, '1', 'NX', 'EX', ttl) == false then
  return {'duplicate', ''}
end
if target ~= '' then redis.call('HSET', conv, 'state', target) end
changes = cjson.decode(changes)
for name, value in pairs(changes['set']) do redis.call('HSET', conv, name, value) end
for _, name in ipairs(changes['del']) do redis.call('HDEL', conv, name) end
if queue_op == 'add' then
  if score == '' then score = redis.call('HGET', conv, 'queue_score') end
  redis.call('HSET', conv, 'queue_score', score)
  redis.call('ZADD', queue, score, id)
  redis.call('HSET', queue_languages, id, redis.call('HGET', conv, 'language'))
elseif queue_op == 'remove' then
  redis.call('ZREM', queue, id)
  redis.call('HDEL', queue_languages, id)
end
if redis.call('HGET', conv, 'state') == 'agent' then
  redis.call('HSET', assignments, id, redis.call('HGET', conv, 'assignee') or '')
else
  redis.call('HDEL', assignments, id)
end
local fields = {}
for i = 10, #ARGV do fields[#fields + 1] = ARGV[i] end
local entry_id = redis.call('XADD', log, '*', unpack(fields))
if event ~= '' then
  redis.call('XADD', events, 'MAXLEN', '~', 10000, '*',
    'type', event, 'conversation', id, 'entry', entry_id,
    'state', redis.call('HGET', conv, 'state'),
    'assignee', redis.call('HGET', conv, 'assignee') or '',
    'previous', holder)
end
return {'ok', entry_id}
"""


class UnknownConversation(LookupError):
    """The conversation id names no conversation."""


class TransitionRefused(RuntimeError):
    """The conversation is not in a state the transition may start from, or not yours."""


@dataclass(frozen=True)
class Button:
    """A quick reply offered by the bot: the customer sees the title, Rasa gets the payload."""

    title: str
    payload: str


@dataclass(frozen=True)
class Entry:
    """One transcript entry: a message or an event; `internal` ones only staff ever see."""

    sender: Sender
    text: str
    buttons: tuple[Button, ...] = ()
    client_id: str | None = None
    event: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    internal: bool = False
    author: str | None = None
    id: str = ""

    def to_fields(self) -> dict[str, str]:
        """The stream fields that store this entry."""
        fields = {"sender": self.sender.value, "text": self.text}
        if self.buttons:
            fields["buttons"] = json.dumps([b.__dict__ for b in self.buttons], ensure_ascii=False)
        if self.client_id:
            fields["client_id"] = self.client_id
        if self.event:
            fields["event"] = self.event
        if self.meta:
            fields["meta"] = json.dumps(self.meta, ensure_ascii=False)
        if self.internal:
            fields["internal"] = "1"
        if self.author:
            fields["author"] = self.author
        return fields

    @classmethod
    def from_stream(cls, entry_id: str, fields: dict[str, str]) -> "Entry":
        """Rebuild an entry read from the transcript stream."""
        return cls(
            id=entry_id,
            sender=Sender(fields["sender"]),
            text=fields.get("text", ""),
            buttons=tuple(Button(**b) for b in json.loads(fields.get("buttons", "[]"))),
            client_id=fields.get("client_id"),
            event=fields.get("event"),
            meta=json.loads(fields.get("meta", "{}")),
            internal=fields.get("internal") == "1",
            author=fields.get("author"),
        )

    @property
    def timestamp_ms(self) -> int:
        """When Redis stored the entry (the first half of its stream id)."""
        return int(self.id.split("-", 1)[0])


@dataclass(frozen=True)
class Conversation:
    """A conversation's header: who holds it, where it came from, why it was escalated."""

    id: str
    state: State
    channel: str
    language: str
    created_at: float
    customer: str = ""
    assignee: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_hash(cls, conversation_id: str, header: dict[str, str]) -> "Conversation":
        """Rebuild a header read from its hash."""
        return cls(
            id=conversation_id,
            state=State(header["state"]),
            channel=header["channel"],
            language=header["language"],
            created_at=float(header["created_at"]),
            customer=header.get("customer", ""),
            assignee=header.get("assignee", ""),
            fields=header,
        )


@dataclass(frozen=True)
class Change:
    """What a transition does besides moving the state and appending its entry."""

    set_fields: dict[str, str] = field(default_factory=dict)
    del_fields: tuple[str, ...] = ()
    queue: Literal["add", "remove", ""] = ""
    queue_score: float | None = None  # with "add": None puts it back where it was
    event: str = ""  # announced on the events stream (agent consoles follow it)
    assignee: str = ""  # refused if an agent holds the conversation and it is not this one


class ConversationStore:
    """Creates conversations, moves them through the state machine and appends to transcripts."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._append = redis.register_script(_APPEND_SCRIPT)

    async def create(
        self, channel: str, language: str, customer: str = "", verified: bool = False
    ) -> Conversation:
        """Start a conversation held by the bot; the customer's list of conversations grows.

        Verified: the channel vouches for who the customer is (a signed user id, say).
        """
        header = {
            "state": State.BOT.value,
            "channel": channel,
            "language": language,
            "created_at": repr(time.time()),
            "customer": customer,
        }
        if verified:
            header["verified"] = "1"
        conversation = Conversation.from_hash(uuid.uuid4().hex, header)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.conversation(conversation.id), mapping=header)
            if customer:
                pipe.zadd(
                    keys.customer_conversations(customer),
                    {conversation.id: conversation.created_at},
                )
            await pipe.execute()
        return conversation

    async def get(self, conversation_id: str) -> Conversation:
        """Read a conversation's header, or raise UnknownConversation."""
        header = await self._redis.hgetall(keys.conversation(conversation_id))
        if not header:
            raise UnknownConversation(conversation_id)
        return Conversation.from_hash(conversation_id, header)

    async def update(self, conversation_id: str, fields: dict[str, str]) -> None:
        """Set header fields that are not part of the state machine (language, email...)."""
        await self._redis.hset(keys.conversation(conversation_id), mapping=fields)

    async def of_customer(self, customer: str, limit: int = 20) -> list[Conversation]:
        """A customer's conversations, newest first."""
        ids = await self._redis.zrevrange(keys.customer_conversations(customer), 0, limit - 1)
        async with self._redis.pipeline(transaction=False) as pipe:
            for conversation_id in ids:
                pipe.hgetall(keys.conversation(conversation_id))
            headers = await pipe.execute()
        return [Conversation.from_hash(i, h) for i, h in zip(ids, headers, strict=True) if h]

    async def append(
        self,
        conversation_id: str,
        entry: Entry,
        *,
        only_in: frozenset[State] | None = None,
        held_by: str = "",
    ) -> str | None:
        """Append an entry; None if it was a resend (same client_id) or the state forbids it.

        With `held_by`, only while that agent holds the conversation.
        """
        change = Change(assignee=held_by)
        status, value = await self._run(conversation_id, entry, only_in, None, change)
        return value if status == "ok" else None

    async def transition(
        self, conversation_id: str, name: str, entry: Entry, change: Change | None = None
    ) -> str:
        """Apply a state-machine transition atomically, logging it as `entry`; returns its id."""
        allowed, target = TRANSITIONS[name]
        status, value = await self._run(conversation_id, entry, allowed, target, change or Change())
        if status == "refused":
            raise TransitionRefused(f"cannot {name} a conversation in state {value}")
        if status == "not_assignee":
            holder = value or "nobody"
            raise TransitionRefused(f"cannot {name}: the conversation is held by {holder}")
        return value

    async def _run(
        self,
        conversation_id: str,
        entry: Entry,
        allowed: frozenset[State] | None,
        target: State | None,
        change: Change,
    ) -> tuple[str, str]:
        marker = keys.client_message(conversation_id, entry.client_id) if entry.client_id else ""
        changes = {"set": change.set_fields or {}, "del": list(change.del_fields)}
        score = "" if change.queue_score is None else repr(change.queue_score)
        fields = [item for pair in entry.to_fields().items() for item in pair]
        status, value = await self._append(
            keys=[
                keys.conversation(conversation_id),
                keys.transcript(conversation_id),
                marker,
                keys.queue(),
                keys.queue_languages(),
                keys.events(),
                keys.assignments(),
            ],
            args=[
                conversation_id,
                ",".join(sorted(allowed or ())),
                target.value if target else "",
                CLIENT_ID_TTL_SECONDS,
                change.assignee,
                # cjson decodes {} as an object and [] as an empty table: both iterate fine.
                json.dumps(changes, ensure_ascii=False),
                change.queue,
                score,
                change.event,
                *fields,
            ],
        )
        if status == "unknown":
            raise UnknownConversation(conversation_id)
        return status, value

    async def entries(
        self, conversation_id: str, after: str = "-", count: int = 500
    ) -> list[Entry]:
        """Entries in order, from after `after` ("-" = from the start)."""
        start = f"({after}" if after != "-" else "-"
        rows = await self._redis.xrange(keys.transcript(conversation_id), start, "+", count=count)
        return [Entry.from_stream(entry_id, fields) for entry_id, fields in rows]

    async def recent(self, conversation_id: str, count: int) -> list[Entry]:
        """The latest entries, newest first."""
        rows = await self._redis.xrevrange(keys.transcript(conversation_id), count=count)
        return [Entry.from_stream(entry_id, fields) for entry_id, fields in rows]

    async def follow(
        self, conversation_id: str, after: str, block_ms: int = 10_000
    ) -> AsyncIterator[Entry]:
        """Yield every entry after `after`, then each new one as it is appended, forever."""
        stream = keys.transcript(conversation_id)
        while True:
            batches = await self._redis.xread({stream: after}, count=200, block=block_ms)
            for _, rows in batches:
                for entry_id, fields in rows:
                    after = entry_id
                    yield Entry.from_stream(entry_id, fields)
