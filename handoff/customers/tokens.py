"""Signed conversation tokens: the browser keeps one so that a reload resumes its conversation."""

from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer


@dataclass(frozen=True)
class Claims:
    """What a valid token says: the conversation, and the customer who owns it."""

    conversation_id: str
    customer: str


class ConversationTokens:
    """Issues and checks tokens that name a conversation, signed with the hub's secret key."""

    def __init__(self, secret_key: str, max_age_seconds: int) -> None:
        if not secret_key:
            raise ValueError("BATON_SECRET_KEY is not set: conversation tokens cannot be signed")
        self._serializer = URLSafeTimedSerializer(secret_key, salt="baton.conversation")
        self._max_age_seconds = max_age_seconds

    def issue(self, conversation_id: str, customer: str) -> str:
        """A token for the customer's conversation."""
        return self._serializer.dumps({"conversation": conversation_id, "customer": customer})

    def read(self, token: str) -> Claims | None:
        """The claims of a token, or None if it is forged, malformed or expired."""
        try:
            payload = self._serializer.loads(token, max_age=self._max_age_seconds)
        except BadData:
            return None
        if not isinstance(payload, dict):
            return None
        conversation_id, customer = payload.get("conversation"), payload.get("customer", "")
        if not isinstance(conversation_id, str) or not isinstance(customer, str):
            return None
        return Claims(conversation_id, customer)
