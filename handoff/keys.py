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
