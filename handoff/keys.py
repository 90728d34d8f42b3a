"""Every Redis key name Baton uses, in one place (see DESIGN.md, "Redis layout")."""

PREFIX = "baton"


def conversation(conversation_id: str) -> str:
    """Hash: state, channel, language, timestamps and the buttons last offered."""
    return f"{PREFIX}:conv:{conversation_id}"


def transcript(conversation_id: str) -> str:
    """Stream: one entry per message or event; also the delivery log."""
    return f"{PREFIX}:conv:{conversation_id}:log"


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


def sla_breach(conversation_id: str) -> str:
    """Marker that a conversation's first-response breach was already announced."""
    return f"{PREFIX}:conv:{conversation_id}:sla-breached"


def sweeper_lock() -> str:
    """Lock: which hub process sweeps the queue this round."""
    return f"{PREFIX}:queue:sweeper"


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


def login_failures(name: str) -> str:
    """Counter of recent failed logins for an account name, expiring."""
    return f"{PREFIX}:login-failures:{name}"


def article(language: str, slug: str) -> str:
    """String: the current version of a knowledge-base article, as JSON."""
    return f"{PREFIX}:kb:article:{language}:{slug}"


def article_revisions(language: str, slug: str) -> str:
    """List: every saved version of an article, oldest first, as JSON."""
    return f"{PREFIX}:kb:revisions:{language}:{slug}"


def article_index() -> str:
    """Set: "language:slug" of every article."""
    return f"{PREFIX}:kb:articles"


KB_CHANGES_CHANNEL = f"{PREFIX}:kb:changes"  # pub/sub: "language:slug" of each saved article


def embedding(model: str, text_digest: str) -> str:
    """String: a cached embedding (float32 bytes) of a text under a model."""
    return f"{PREFIX}:kb:embedding:{model}:{text_digest}"


def unanswered(language: str) -> str:
    """Sorted set: questions the bot could not answer, scored by how often they were asked."""
    return f"{PREFIX}:kb:unanswered:{language}"


def unanswered_seen(language: str) -> str:
    """Hash: when each unanswered question was last asked (epoch seconds)."""
    return f"{PREFIX}:kb:unanswered-seen:{language}"
