"""A customer's personal data: exported as JSON, or erased (anonymous figures kept); both, and
an admin opening a customer's file, audited in one stream of who did what to whose data, and
when."""

import time
from dataclasses import asdict, dataclass
from typing import Any

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.attachments import AttachmentStore
from handoff.conversations.model import Conversation, Entry
from handoff.conversations.redaction import Kind, mask, redact_all
from handoff.conversations.store import ConversationStore
from handoff.keys import ConversationField as F

CONVERSATION_KEYS = f"{keys.PREFIX}:conv:*"
SCAN_BATCH = 1000
AUDIT_MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed."""

    customer: str
    conversations: int
    keys_deleted: int
    ratings_anonymised: int


class CustomerData:
    """Finds every conversation of a customer, exports or erases them, and audits each."""

    def __init__(
        self, redis: Redis, store: ConversationStore, attachments: AttachmentStore
    ) -> None:
        self._redis = redis
        self._store = store
        self._attachments = attachments

    async def conversations(self, customer: str) -> list[Conversation]:
        """Every conversation of the customer, oldest first: their list, and any older ones the
        list no longer keeps (a scan of the conversations' headers)."""
        ids = set(await self._redis.zrange(keys.customer_conversations(customer), 0, -1))
        headers = [
            key
            async for key in self._redis.scan_iter(CONVERSATION_KEYS, SCAN_BATCH, _type="hash")
            if key.count(":") == 2
        ]
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in headers:
                pipe.hget(key, F.CUSTOMER)
            owners = await pipe.execute()
        ids |= {
            key.rsplit(":", 1)[1]
            for key, owner in zip(headers, owners, strict=True)
            if owner == customer
        }
        found = await self._store.get_many(sorted(ids))
        return sorted(found, key=lambda c: c.created_at)

    async def export(self, customer: str, actor: str) -> dict[str, Any]:
        """All of the customer's conversations with their transcripts and ratings, phone numbers
        and emails masked (records the bot showed are in the transcript); audited."""
        conversations = [await self._exported(c) for c in await self.conversations(customer)]
        await self._audit("export", customer, actor, len(conversations))
        return {
            "customer": customer,
            "exported_at": time.time(),
            "conversations": conversations,
        }

    async def erase(self, customer: str, actor: str) -> Erasure:
        """Delete the customer's conversations, transcripts, files, Rasa trackers, Telegram chat
        links and email addresses; their ratings stay as anonymous scores. Audited."""
        conversations = await self.conversations(customer)
        ids = {c.id for c in conversations}
        doomed = [keys.customer_conversations(customer), keys.customer_telegram_users(customer)]
        # Headers, transcripts, deliveries, resend markers: one scan for them all.
        doomed += [
            key
            async for key in self._redis.scan_iter(CONVERSATION_KEYS, SCAN_BATCH)
            if key.split(":")[2] in ids
        ]
        for conversation in conversations:
            doomed.append(keys.rasa_tracker(conversation.id))
            if (
                conversation.chat
                and await self._redis.get(keys.telegram_chat(int(conversation.chat))) in ids
            ):
                doomed.append(keys.telegram_chat(int(conversation.chat)))
        ratings = await self._anonymise_ratings(ids)
        async with self._redis.pipeline(transaction=True) as pipe:
            for conversation_id in ids:
                pipe.zrem(keys.queue(), conversation_id)
                pipe.zrem(keys.escalations_pending(), conversation_id)
                pipe.hdel(keys.queue_languages(), conversation_id)
                pipe.hdel(keys.escalations_pending_reasons(), conversation_id)
                pipe.hdel(keys.assignments(), conversation_id)
            pipe.unlink(*doomed)
            deleted = (await pipe.execute())[-1]
        for conversation_id in ids:
            await self._attachments.forget(conversation_id)
        await self._audit("erase", customer, actor, len(ids))
        return Erasure(customer, len(ids), deleted, ratings)

    async def opened_attachment(
        self, conversation: Conversation, attachment_id: str, actor: str
    ) -> None:
        """Audit that someone who does not hold the chat (an admin) opened a customer's file."""
        detail = {"conversation": conversation.id, "attachment": attachment_id}
        await self._audit("open_attachment", conversation.customer, actor, 1, detail)

    async def audit_trail(self, count: int = 100) -> list[dict[str, str]]:
        """The latest audit entries, newest first."""
        rows = await self._redis.xrevrange(keys.audit(), count=count)
        return [fields | {"id": entry_id} for entry_id, fields in rows]

    async def _exported(self, conversation: Conversation) -> dict[str, Any]:
        header = asdict(conversation)
        if header["notify_email"]:
            header["notify_email"] = mask(Kind.EMAIL)
        header["rating_comment"] = redact_all(header["rating_comment"])
        entries = await self._store.entries(conversation.id, count=100_000)
        return header | {"entries": [_exported_entry(entry) for entry in entries]}

    async def _anonymise_ratings(self, ids: set[str]) -> int:
        """Replace the ratings of these conversations by their score, agent and time alone."""
        rows = [
            (entry_id, fields)
            for entry_id, fields in await self._redis.xrange(keys.ratings())
            if fields.get("conversation") in ids
        ]
        if not rows:
            return 0
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xdel(keys.ratings(), *[entry_id for entry_id, _ in rows])
            for entry_id, fields in rows:
                anonymous = {
                    "conversation": "",
                    "agent": fields.get("agent", ""),
                    "score": fields["score"],
                    "comment": "",
                    "rated_at_ms": entry_id.split("-", 1)[0],
                }
                pipe.xadd(keys.ratings(), anonymous)
            await pipe.execute()
        return len(rows)

    async def _audit(
        self,
        action: str,
        customer: str,
        actor: str,
        conversations: int,
        detail: dict[str, str] | None = None,
    ) -> None:
        entry = {
            "action": action,
            "customer": customer,
            "actor": actor,
            "at": repr(time.time()),
            "conversations": conversations,
        } | (detail or {})
        await self._redis.xadd(keys.audit(), entry, maxlen=AUDIT_MAX_ENTRIES, approximate=True)


def _exported_entry(entry: Entry) -> dict[str, Any]:
    """A transcript entry as exported: who, when, what (contacts masked), and its annotations."""
    meta = {k: redact_all(v) if isinstance(v, str) else v for k, v in entry.meta.items()}
    exported = {
        "id": entry.id,
        "at_ms": entry.timestamp_ms,
        "sender": entry.sender.value,
        "text": redact_all(entry.text),
        "event": entry.event,
        "internal": entry.internal,
        "author": entry.author_name,
        "buttons": [b.title for b in entry.buttons],
        "meta": meta,
    }
    return {k: v for k, v in exported.items() if v not in (None, [], {})}
