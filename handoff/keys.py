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
