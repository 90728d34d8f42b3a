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
