"""What a conversation is: its typed header, its transcript entries, and the refusals."""

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from handoff.keys import ConversationField as F


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


# Channels without a socket: each entry of their conversations is announced on the outbox.
OUTBOX_CHANNELS = ("telegram",)

# transition name -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[State], State]] = {
    "escalate": (frozenset({State.BOT}), State.QUEUED),
    "claim": (frozenset({State.QUEUED}), State.AGENT),
    "transfer": (frozenset({State.AGENT}), State.AGENT),
    "requeue": (frozenset({State.AGENT}), State.QUEUED),
    "release": (frozenset({State.QUEUED, State.AGENT}), State.BOT),
    "close": (frozenset({State.QUEUED, State.AGENT}), State.CLOSED),
}


class Refused(Exception):
    """A request the hub turns down: a code the client acts on, and a message for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class TransitionRefused(Refused):
    """The conversation is not in a state the transition may start from, or not yours."""

    def __init__(self, message: str) -> None:
        super().__init__("refused", message)


class AtCapacity(Refused):
    """The agent already holds as many conversations as they may."""

    def __init__(self, message: str) -> None:
        super().__init__("capacity", message)


class UnknownConversation(LookupError):
    """The conversation id names no conversation."""


@dataclass(frozen=True)
class Button:
    """A quick reply offered by the bot: the customer sees the title, Rasa gets the payload."""

    title: str
    payload: str


@dataclass(frozen=True)
class Entry:
    """One transcript entry: a message or an event; `internal` ones only staff ever see.

    An event entry that moves the conversation carries its new `state`.
    """

    sender: Sender
    text: str
    buttons: tuple[Button, ...] = ()
    client_id: str | None = None
    event: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    internal: bool = False
    author: str | None = None  # a staff login: only staff see it
    author_name: str | None = None  # the agent's display name: what customers see
    state: State | None = None
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
        if self.author_name:
            fields["author_name"] = self.author_name
        if self.state:
            fields["state"] = self.state.value
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
            author_name=fields.get("author_name"),
            state=State(fields["state"]) if fields.get("state") else None,
        )

    @property
    def shown_to_customer(self) -> bool:
        """Whether the customer's channel shows this entry (staff-only and silent ones not)."""
        return bool(self.text) and not self.internal

    @property
    def timestamp_ms(self) -> int:
        """When Redis stored the entry (the first half of its stream id)."""
        return int(self.id.split("-", 1)[0])


def _number(header: dict[str, str], name: F) -> float | None:
    value = header.get(name)
    return float(value) if value else None


@dataclass(frozen=True)
class Conversation:
    """A conversation's header, parsed once from its hash (field names: keys.ConversationField)."""

    id: str
    state: State
    channel: str
    language: str
    created_at: float
    customer: str = ""
    verified: bool = False  # the channel vouched for who the customer is
    last_message: str = ""  # the latest customer message, shortened, for the agents' queue
    misses: int = 0  # knowledge-base misses in a row
    # Why and when it was escalated, and how urgent it is.
    priority: str = "normal"
    reason: str = ""
    intent: str | None = None
    confidence: float | None = None
    escalated_at: float | None = None
    sla_due_at: float | None = None
    sla_breached: bool = False
    # The agent who holds it.
    assignee: str = ""
    claimed_at: float | None = None
    first_response_at: float | None = None
    # How it ended, and what the customer left for later.
    closed_at: float | None = None
    closed_by: str = ""
    tags: tuple[str, ...] = ()
    notify_email: str = ""
    notified_at: float | None = None
    rating: int | None = None
    rating_comment: str = ""
    chat: str = ""  # where a channel without a socket reaches the customer
    blocked: bool = False  # the customer blocked the bot on that channel

    @classmethod
    def from_hash(cls, conversation_id: str, header: dict[str, str]) -> "Conversation":
        """Parse a header read from its hash."""
        rating = header.get(F.RATING)
        return cls(
            id=conversation_id,
            state=State(header[F.STATE]),
            channel=header[F.CHANNEL],
            language=header[F.LANGUAGE],
            created_at=float(header[F.CREATED_AT]),
            customer=header.get(F.CUSTOMER, ""),
            verified=header.get(F.VERIFIED) == "1",
            last_message=header.get(F.LAST_MESSAGE, ""),
            misses=int(header.get(F.MISSES) or 0),
            priority=header.get(F.PRIORITY) or "normal",
            reason=header.get(F.REASON, ""),
            intent=header.get(F.INTENT) or None,
            confidence=_number(header, F.CONFIDENCE),
            escalated_at=_number(header, F.ESCALATED_AT),
            sla_due_at=_number(header, F.SLA_DUE_AT),
            sla_breached=bool(header.get(F.SLA_BREACHED)),
            assignee=header.get(F.ASSIGNEE, ""),
            claimed_at=_number(header, F.CLAIMED_AT),
            first_response_at=_number(header, F.FIRST_RESPONSE_AT),
            closed_at=_number(header, F.CLOSED_AT),
            closed_by=header.get(F.CLOSED_BY, ""),
            tags=tuple(filter(None, header.get(F.TAGS, "").split(","))),
            notify_email=header.get(F.NOTIFY_EMAIL, ""),
            notified_at=_number(header, F.NOTIFIED_AT),
            rating=int(rating) if rating else None,
            rating_comment=header.get(F.RATING_COMMENT, ""),
            chat=header.get(F.CHAT, ""),
            blocked=header.get(F.BLOCKED) == "1",
        )


@dataclass(frozen=True)
class Change:
    """What a transition does besides moving the state and appending its entry."""

    set_fields: dict[F, str] = field(default_factory=dict)
    del_fields: tuple[F, ...] = ()
    queue: Literal["add", "remove", ""] = ""
    queue_score: float | None = None  # with "add": None puts it back where it was
    event: str = ""  # announced on the events stream (agent consoles follow it)
    assignee: str = ""  # refused if an agent holds the conversation and it is not this one
    capacity: int = 0  # refused if the new assignee already holds this many (0: no limit)
