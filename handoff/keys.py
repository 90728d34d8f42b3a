"""Every Redis key name the hub uses, and the field names of a conversation's hash (DESIGN.md).

The knowledge base keeps its own key names (knowledge_base/keys.py).
"""

from enum import StrEnum

PREFIX = "baton"


def conversation(conversation_id: str) -> str:
    """Hash: state, channel, language, timestamps and the buttons last offered."""
    return f"{PREFIX}:conv:{conversation_id}"


def transcript(conversation_id: str) -> str:
    """Stream: one entry per message or event; also the delivery log."""
    return f"{PREFIX}:conv:{conversation_id}:log"


def transcript_appended() -> str:
    """Pub/sub: the id of each conversation whose transcript just grew (hubs wake its readers)."""
    return f"{PREFIX}:transcript-appended"


def client_message(conversation_id: str, client_id: str) -> str:
    """Marker that a client's message was already accepted (resends are dropped)."""
    return f"{PREFIX}:conv:{conversation_id}:client:{client_id}"


def customer_conversations(customer: str) -> str:
    """Sorted set: a customer's conversations, scored by when they started."""
    return f"{PREFIX}:customer:{customer}:conversations"


def queue() -> str:
    """Sorted set: queued conversations, scored by priority then time of escalation."""
    return f"{PREFIX}:queue"


def queue_languages() -> str:
    """Hash: the language of each queued conversation (consoles route by it)."""
    return f"{PREFIX}:queue:languages"


def events() -> str:
    """Stream: every queue and assignment change; agent consoles follow it."""
    return f"{PREFIX}:events"


def typing_channel(conversation_id: str) -> str:
    """Pub/sub: who is typing in a conversation (ephemeral, never stored)."""
    return f"{PREFIX}:typing:{conversation_id}"


TYPING_PATTERN = f"{PREFIX}:typing:*"


def agents_seen() -> str:
    """Sorted set: agents with a console open, scored by their last heartbeat (epoch seconds)."""
    return f"{PREFIX}:agents:seen"


def assignments() -> str:
    """Hash: conversation -> the agent holding it (kept with the state, atomically)."""
    return f"{PREFIX}:assignments"


def round_robin() -> str:
    """Counter: where auto-assignment's round-robin stands."""
    return f"{PREFIX}:queue:round-robin"


def handle_times() -> str:
    """List: the latest claim-to-close durations in seconds (estimated waits come from them)."""
    return f"{PREFIX}:queue:handle-times"


def sweeper_lock() -> str:
    """Lock: which hub process sweeps the queue (held, renewed, for the whole sweep)."""
    return f"{PREFIX}:queue:sweeper"


def escalations_pending() -> str:
    """Sorted set: conversations the bot handed over, not yet queued, by when it decided."""
    return f"{PREFIX}:queue:escalating"


def escalations_pending_reasons() -> str:
    """Hash: conversation -> the pending hand-over's reason, intent and confidence (JSON)."""
    return f"{PREFIX}:queue:escalating:reasons"


def ratings() -> str:
    """Stream: every satisfaction rating (conversation, agent, score, comment)."""
    return f"{PREFIX}:ratings"


def user(name: str) -> str:
    """Hash: a staff account (role, password hash, languages)."""
    return f"{PREFIX}:user:{name}"


def users() -> str:
    """Set: every staff account's name."""
    return f"{PREFIX}:users"


def session(token_digest: str) -> str:
    """Hash: a login session (user, CSRF token), expiring; keyed by the token's digest."""
    return f"{PREFIX}:session:{token_digest}"


def user_sessions(name: str) -> str:
    """Set: the digests of a staff member's sessions (they end together), expiring."""
    return f"{PREFIX}:user:{name}:sessions"


def login_failures(name: str, address: str) -> str:
    """Counter of recent failed logins for an account name from one address, expiring."""
    return f"{PREFIX}:login-failures:{name}:{address}"


def login_failures_from(address: str) -> str:
    """Counter of recent failed logins from one address, whatever the name, expiring."""
    return f"{PREFIX}:login-failures-from:{address}"


def rate_limits() -> str:
    """Prefix of the rate limits' moving windows (handoff/customers/rate_limits.py), expiring."""
    return f"{PREFIX}:limits"


class ConversationField(StrEnum):
    """The fields of a conversation's hash (`conversation(id)`); only the store writes them."""

    STATE = "state"
    CHANNEL = "channel"
    LANGUAGE = "language"
    CREATED_AT = "created_at"
    CUSTOMER = "customer"
    VERIFIED = "verified"
    LAST_MESSAGE = "last_message"
    MISSES = "misses"  # knowledge-base misses in a row (handoff/assistant/decision.py)
    PRIORITY = "priority"
    REASON = "reason"
    INTENT = "intent"
    CONFIDENCE = "confidence"
    ESCALATED_AT = "escalated_at"
    QUEUE_SCORE = "queue_score"
    SLA_DUE_AT = "sla_due_at"
    SLA_BREACHED = "sla_breached"
    ASSIGNEE = "assignee"
    CLAIMED_AT = "claimed_at"
    FIRST_RESPONSE_AT = "first_response_at"
    CLOSED_AT = "closed_at"
    CLOSED_BY = "closed_by"
    TAGS = "tags"
    NOTIFY_EMAIL = "notify_email"
    NOTIFIED_AT = "notified_at"
    RATING = "rating"
    RATING_COMMENT = "rating_comment"
