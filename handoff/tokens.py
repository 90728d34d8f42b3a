"""Signed conversation tokens: the browser keeps one so that a reload resumes its conversation."""

from itsdangerous import BadData, URLSafeTimedSerializer


class ConversationTokens:
    """Issues and checks tokens that name a conversation, signed with the hub's secret key."""

    def __init__(self, secret_key: str, max_age_seconds: int) -> None:
        if not secret_key:
            raise ValueError("BATON_SECRET_KEY is not set: conversation tokens cannot be signed")
        self._serializer = URLSafeTimedSerializer(secret_key, salt="baton.conversation")
        self._max_age_seconds = max_age_seconds

    def issue(self, conversation_id: str) -> str:
        """A token for the conversation."""
        return self._serializer.dumps({"conversation": conversation_id})

    def conversation_id(self, token: str) -> str | None:
        """The conversation a token names, or None if it is forged, malformed or expired."""
        try:
            payload = self._serializer.loads(token, max_age=self._max_age_seconds)
        except BadData:
            return None
        conversation_id = payload.get("conversation") if isinstance(payload, dict) else None
        return conversation_id if isinstance(conversation_id, str) else None
