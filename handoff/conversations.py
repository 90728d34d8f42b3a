"""Conversations in Redis: their state machine and their transcript stream."""

import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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
    "release": (frozenset({State.QUEUED, State.AGENT}), State.BOT),
    "close": (frozenset({State.AGENT}), State.CLOSED),
}

# Appends one transcript entry atomically with its preconditions:
# KEYS: conversation hash, transcript stream, client-id marker (optional)
# ARGV: allowed states (comma-separated, "" = any), new state ("" = unchanged), marker ttl,
#       then the entry's field/value pairs.
# Returns {"ok", id}, {"duplicate", ""}, {"refused", state} or {"unknown", ""}.
_APPEND_SCRIPT = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'unknown', ''} end
if ARGV[1] ~= '' and not string.find(',' .. ARGV[1] .. ',', ',' .. state .. ',', 1, true) then
  return {'refused', state}
end
if KEYS[3] and redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3]) == false then
  return {'duplicate', ''}
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'state', ARGV[2]) end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
return {'ok', redis.call('XADD', KEYS[2], '*', unpack(fields))}
"""


class UnknownConversation(LookupError):
    """The conversation id names no conversation."""


class TransitionRefused(RuntimeError):
    """The conversation is not in a state the transition may start from."""


@dataclass(frozen=True)
class Button:
    """A quick reply offered by the bot: the customer sees the title, Rasa gets the payload."""

    title: str
    payload: str


@dataclass(frozen=True)
class Entry:
    """One transcript entry: a message or an event."""

    sender: Sender
    text: str
    buttons: tuple[Button, ...] = ()
    client_id: str | None = None
    event: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
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
        )

    @property
    def timestamp_ms(self) -> int:
        """When Redis stored the entry (the first half of its stream id)."""
        return int(self.id.split("-", 1)[0])


@dataclass(frozen=True)
class Conversation:
    """A conversation's header: who holds it and where it came from."""

    id: str
    state: State
    channel: str
    language: str
    created_at: float


class ConversationStore:
    """Creates conversations, moves them through the state machine and appends to transcripts."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._append = redis.register_script(_APPEND_SCRIPT)

    async def create(self, channel: str, language: str) -> Conversation:
        """Start a conversation held by the bot."""
        conversation = Conversation(
            id=uuid.uuid4().hex,
            state=State.BOT,
            channel=channel,
            language=language,
            created_at=time.time(),
        )
        await self._redis.hset(
            keys.conversation(conversation.id),
            mapping={
                "state": conversation.state.value,
                "channel": channel,
                "language": language,
                "created_at": repr(conversation.created_at),
            },
        )
        return conversation

    async def get(self, conversation_id: str) -> Conversation:
        """Read a conversation's header, or raise UnknownConversation."""
        header = await self._redis.hgetall(keys.conversation(conversation_id))
        if not header:
            raise UnknownConversation(conversation_id)
        return Conversation(
            id=conversation_id,
            state=State(header["state"]),
            channel=header["channel"],
            language=header["language"],
            created_at=float(header["created_at"]),
        )

    async def set_language(self, conversation_id: str, language: str) -> None:
        """Remember the language the customer writes in now."""
        await self._redis.hset(keys.conversation(conversation_id), "language", language)

    async def append(
        self, conversation_id: str, entry: Entry, *, only_in: frozenset[State] | None = None
    ) -> str | None:
        """Append an entry; None if it was a resend (same client_id) or the state forbids it."""
        status, value = await self._run_append(conversation_id, entry, only_in, None)
        return value if status == "ok" else None

    async def transition(self, conversation_id: str, name: str, entry: Entry) -> str:
        """Apply a state-machine transition atomically, logging it as `entry`; returns its id."""
        allowed, target = TRANSITIONS[name]
        status, value = await self._run_append(conversation_id, entry, allowed, target)
        if status == "refused":
            raise TransitionRefused(f"cannot {name} a conversation in state {value}")
        return value

    async def _run_append(
        self,
        conversation_id: str,
        entry: Entry,
        allowed: frozenset[State] | None,
        target: State | None,
    ) -> tuple[str, str]:
        script_keys = [keys.conversation(conversation_id), keys.transcript(conversation_id)]
        if entry.client_id:
            script_keys.append(keys.client_message(conversation_id, entry.client_id))
        fields = [item for pair in entry.to_fields().items() for item in pair]
        status, value = await self._append(
            keys=script_keys,
            args=[
                ",".join(sorted(allowed or ())),
                target.value if target else "",
                CLIENT_ID_TTL_SECONDS,
                *fields,
            ],
        )
        if status == "unknown":
            raise UnknownConversation(conversation_id)
        return status, value

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
