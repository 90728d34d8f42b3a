"""What a customer leaves for later: an email address to hear of replies, and a rating."""

import time

from email_validator import EmailNotValidError, validate_email

from handoff.conversations.model import Entry, Refused, Sender, State
from handoff.conversations.redaction import redact
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.dashboard.rollups import Rollups
from handoff.keys import ConversationField as F


def one_address(address: str) -> str:
    """The address, normalised, if it is exactly one mailbox (no list, name, comment or header
    folding); ValueError otherwise."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


class FollowUps:
    """Email addresses for notifications and satisfaction ratings.

    Refused ("not_waiting", "bad_email", "not_closed", "rated") when the customer cannot do
    that now, or not with that.
    """

    def __init__(self, conversations: ConversationStore, rollups: Rollups) -> None:
        self._conversations = conversations
        self._rollups = rollups

    async def leave_email(self, conversation_id: str, address: str) -> str | None:
        """Remember where to write when an agent replies; the customer is told so."""
        conversation = await self._conversations.get(conversation_id)
        if conversation.state not in (State.QUEUED, State.AGENT):
            raise Refused("not_waiting", system_message("bad_frame", conversation.language))
        try:
            address = one_address(address)
        except ValueError:
            raise Refused("bad_email", system_message("bad_email", conversation.language)) from None
        await self._conversations.update(conversation_id, {F.NOTIFY_EMAIL: address})
        text = system_message("email_saved", conversation.language, email=address)
        return await self._conversations.append(
            conversation_id, Entry(sender=Sender.SYSTEM, text=text, event="email_saved")
        )

    async def rate(self, conversation_id: str, score: int, comment: str) -> str | None:
        """Store the customer's rating of a closed conversation, once (its comment redacted)."""
        conversation = await self._conversations.get(conversation_id)
        comment = redact(comment.strip())
        outcome = await self._conversations.rate(conversation_id, score, comment)
        if outcome != "ok":
            raise Refused(outcome, system_message("bad_frame", conversation.language))
        await self._rollups.rated(conversation, score)
        await self._conversations.append(
            conversation_id,
            Entry(
                sender=Sender.CUSTOMER,
                text=f"{'★' * score}{'☆' * (5 - score)} {comment}".strip(),
                event="rated",
                meta={"score": score, "comment": comment, "at": time.time()},
            ),
        )
        text = system_message("rated", conversation.language)
        return await self._conversations.append(
            conversation_id, Entry(sender=Sender.SYSTEM, text=text, event="thanked")
        )
