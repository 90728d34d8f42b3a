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


def outbox() -> str:
    """Stream: each entry appended to a conversation of a channel without a socket (Telegram);
    that channel's senders work it in a consumer group."""
    return f"{PREFIX}:outbox"


def delivered(conversation_id: str) -> str:
    """Hash: how far the customer's channel has been sent the transcript (`through`: the last
    entry sent whole; `part`: "<entry id>/<parts sent>" of a long one in progress)."""
    return f"{PREFIX}:conv:{conversation_id}:delivered"


def lock(name: str) -> str:
    """Lock: one hub process at a time does the named work (a chat's updates, a delivery)."""
    return f"{PREFIX}:lock:{name}"


def telegram_updates() -> str:
    """Stream: Telegram updates accepted and not yet handled (a consumer group works it)."""
    return f"{PREFIX}:telegram:updates"


def telegram_update_seen(update_id: int) -> str:
    """Marker that an update was accepted (Telegram resends; update ids are not monotonic)."""
    return f"{PREFIX}:telegram:update:{update_id}"


def telegram_chat(chat_id: int) -> str:
    """String: the conversation a Telegram chat is in now."""
    return f"{PREFIX}:telegram:chat:{chat_id}"


def telegram_message(chat_id: int, message_id: int) -> str:
    """String: the transcript entry a customer's Telegram message became (its edits name it)."""
    return f"{PREFIX}:telegram:message:{chat_id}:{message_id}"


def telegram_waiting() -> str:
    """Set: queued Telegram conversations whose chat shows a queue status message."""
    return f"{PREFIX}:telegram:waiting"


def telegram_status(conversation_id: str) -> str:
    """Hash: a queued Telegram chat's status message (chat, language, message_id, text)."""
    return f"{PREFIX}:telegram:status:{conversation_id}"


def telegram_typing(conversation_id: str) -> str:
    """Marker, expiring: a Telegram chat was just shown "typing…" (one hub process shows it)."""
    return f"{PREFIX}:telegram:typing:{conversation_id}"


def telegram_link_code(code: str) -> str:
    """String (JSON), expiring: what a one-time "continue in Telegram" code binds (the
    conversation, if any, and the customer)."""
    return f"{PREFIX}:telegram:link-code:{code}"


def telegram_user(user_id: int) -> str:
    """Hash: the customer a Telegram user linked their chat to (customer, verified)."""
    return f"{PREFIX}:telegram:user:{user_id}"


def customer_telegram_users(customer: str) -> str:
    """Set: the Telegram users who linked their chat to a customer (each checked against
    telegram_user, which wins if they linked to another since)."""
    return f"{PREFIX}:customer:{customer}:telegram-users"


def telegram_button(token: str) -> str:
    """Hash: what an inline button's short callback data stands for (conversation, title,
    payload)."""
    return f"{PREFIX}:telegram:button:{token}"


def rasa_tracker(conversation_id: str) -> str:
    """String: Rasa's tracker of a conversation (bot/endpoints.yml; the sender id is the
    conversation's id); Rasa writes it, the hub only erases it."""
    return f"{PREFIX}:tracker:{conversation_id}"


def audit() -> str:
    """Stream: who exported or erased whose personal data, and when."""
    return f"{PREFIX}:audit"


def records(user_id: str) -> str:
    """String: a demo customer's company records as JSON (customers/records/demo.py)."""
    return f"{PREFIX}:records:{user_id}"


def dashboard_day(day: str, part: str) -> str:
    """A day's dashboard figures (handoff/dashboard/rollups.py), expiring; day YYYY-MM-DD.

    Part "<channel>|<language>|<intent>" (each may be "*": any), a hash of conversations'
    figures; "agents", a hash of agents' figures; "options", a set of the dimensions' values.
    """
    return f"{DASHBOARD_DAY_PREFIX}{day}:{part}"


DASHBOARD_DAY_PREFIX = f"{PREFIX}:dashboard:day:"


def dashboard_conversation(conversation_id: str) -> str:
    """Hash, expiring: what the dashboard remembers of a conversation (its dimensions, its
    first day, the article awaiting "did this help", what was counted once)."""
    return f"{PREFIX}:dashboard:conv:{conversation_id}"


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
    CHAT = "chat"  # where a channel without a socket reaches the customer (a Telegram chat id)
    BLOCKED = "blocked"  # "1": the customer blocked the bot there; nothing more is sent
