"""What a customer leaves for later: an email address to hear of replies, and a rating."""

import time

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations import ConversationStore, Entry, Sender, State
from handoff.notices import notice

# Stores a rating once per conversation, only once it is closed.
_RATE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then return 'not_closed' end
if redis.call('HSETNX', KEYS[1], 'rating', ARGV[1]) == 0 then return 'rated' end
redis.call('HSET', KEYS[1], 'rating_comment', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'conversation', ARGV[3],
  'agent', redis.call('HGET', KEYS[1], 'closed_by') or '', 'score', ARGV[1], 'comment', ARGV[2])
return 'ok'
"""


class FollowUpRefused(ValueError):
    """The customer cannot do that now (rate an open conversation, rate twice)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class FollowUps:
    """Email addresses for notifications and satisfaction ratings."""

    def __init__(self, redis: Redis, conversations: ConversationStore) -> None:
        self._redis = redis
        self._conversations = conversations
        self._rate = redis.register_script(_RATE)

    async def leave_email(self, conversation_id: str, address: str) -> str | None:
        """Remember where to write when an agent replies; the customer is told so."""
        conversation = await self._conversations.get(conversation_id)
        if conversation.state not in (State.QUEUED, State.AGENT):
            raise FollowUpRefused("not_waiting")
        await self._conversations.update(conversation_id, {"notify_email": address})
        text = notice("email_saved", conversation.language, email=address)
        return await self._conversations.append(
            conversation_id, Entry(sender=Sender.SYSTEM, text=text, event="email_saved")
        )

    async def rate(self, conversation_id: str, score: int, comment: str) -> str | None:
        """Store the customer's rating of a closed conversation, once."""
        conversation = await self._conversations.get(conversation_id)
        comment = comment.strip()
        outcome = await self._rate(
            keys=[keys.conversation(conversation_id), keys.ratings()],
            args=[score, comment, conversation_id],
        )
        if outcome != "ok":
            raise FollowUpRefused(outcome)
        await self._conversations.append(
            conversation_id,
            Entry(
                sender=Sender.CUSTOMER,
                text=f"{'★' * score}{'☆' * (5 - score)} {comment}".strip(),
                event="rated",
                meta={"score": score, "comment": comment, "at": time.time()},
            ),
        )
        text = notice("rated", conversation.language)
        return await self._conversations.append(
            conversation_id, Entry(sender=Sender.SYSTEM, text=text, event="thanked")
        )
