"""Conversations in Redis: every write to a conversation's header and transcript goes here."""

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import replace

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.clock import redis_now
from handoff.conversations.model import (
    OUTBOX_CHANNELS,
    TRANSITIONS,
    AtCapacity,
    Change,
    Conversation,
    Entry,
    State,
    TransitionRefused,
    UnknownConversation,
)
from handoff.keys import ConversationField as F
from handoff.settings import Settings

CLIENT_ID_TTL_SECONDS = 7 * 24 * 3600


# Appends transcript entries, in order, atomically with their preconditions and side effects
# (several entries in one call: one round trip for a bot turn's replies).
# KEYS: conversation hash, transcript stream, queue zset, queue languages hash, events stream,
#       assignments hash (conversation -> agent), the transcript-appended channel (the
#       conversation id is published there once), the outbox stream (each entry is announced
#       there if the conversation's channel has no socket), then each entry's client-id marker
#       ("" if none).
# ARGV: conversation id, allowed states (comma-separated, "" = any), new state ("" = same),
#       marker ttl, required assignee ("" = any; else it must be the one holding it),
#       header changes as JSON {"set": {}, "del": [], "capacity": the most conversations the
#       new assignee may already hold, 0 = no limit (one who holds this one already is not
#       checked); else {"at_capacity", assignee}},
#       queue operation ("add", "remove" or ""), queue score ("" = the one it had before),
#       event type ("" = none), retention (seconds the conversation lives after this entry),
#       the transcript's approximate MAXLEN, the outbox channels (comma-separated), each
#       entry's number of fields (comma-separated), then the entries' field/value pairs.
# Changes apply once, with the first entry not already stored (an entry whose marker exists
# is a resend: skipped). Returns {"ok", channel, id or "" for each entry skipped},
# {"refused", state}, {"not_assignee", assignee} or {"unknown", ""}.
_APPEND_SCRIPT = """
local conv, log, queue, queue_languages, events, assignments, appended, outbox = unpack(KEYS, 1, 8)
local id, allowed, target, ttl, assignee, changes, queue_op, score, event, retention, maxlen,
  outbox_channels, sizes = unpack(ARGV, 1, 13)
local state = redis.call('HGET', conv, 'state')
if not state then return {'unknown', ''} end
if allowed ~= '' and not string.find(',' .. allowed .. ',', ',' .. state .. ',', 1, true) then
  return {'refused', state}
end
local holder = redis.call('HGET', conv, 'assignee') or ''
if assignee ~= '' and holder ~= assignee then
  return {'not_assignee', holder}
end
changes = cjson.decode(changes)
local taker = changes['set']['assignee']
if changes['capacity'] > 0 and taker and taker ~= holder then
  local held = 0
  for _, agent in ipairs(redis.call('HVALS', assignments)) do
    if agent == taker then held = held + 1 end
  end
  if held >= changes['capacity'] then return {'at_capacity', taker} end
end
local function apply_changes()
  if target ~= '' then redis.call('HSET', conv, 'state', target) end
  for name, value in pairs(changes['set']) do redis.call('HSET', conv, name, value) end
  for _, name in ipairs(changes['del']) do redis.call('HDEL', conv, name) end
  if queue_op == 'add' then
    if score == '' then score = redis.call('HGET', conv, 'queue_score') end
    redis.call('HSET', conv, 'queue_score', score)
    redis.call('ZADD', queue, score, id)
    redis.call('HSET', queue_languages, id, redis.call('HGET', conv, 'language'))
  elseif queue_op == 'remove' then
    redis.call('ZREM', queue, id)
    redis.call('HDEL', queue_languages, id)
  end
  if redis.call('HGET', conv, 'state') == 'agent' then
    redis.call('HSET', assignments, id, redis.call('HGET', conv, 'assignee') or '')
  else
    redis.call('HDEL', assignments, id)
  end
end
local channel = redis.call('HGET', conv, 'channel')
local result = {'ok', channel}
local next_field = 14
local changed = false
for index, size in ipairs(cjson.decode('[' .. sizes .. ']')) do
  local marker = KEYS[8 + index]
  local first = next_field
  next_field = next_field + size
  if marker == '' or redis.call('SET', marker, '1', 'NX', 'EX', ttl) then
    if not changed then
      apply_changes()
      channel = redis.call('HGET', conv, 'channel')
      result[2] = channel
      changed = true
    end
    local entry_id = redis.call('XADD', log, 'MAXLEN', '~', maxlen, '*',
      unpack(ARGV, first, next_field - 1))
    if string.find(',' .. outbox_channels .. ',', ',' .. channel .. ',', 1, true) then
      redis.call('XADD', outbox, '*', 'channel', channel, 'conversation', id, 'entry', entry_id)
    end
    if event ~= '' then
      redis.call('XADD', events, 'MAXLEN', '~', 10000, '*',
        'type', event, 'conversation', id, 'entry', entry_id,
        'state', redis.call('HGET', conv, 'state'),
        'assignee', redis.call('HGET', conv, 'assignee') or '',
        'previous', holder)
    end
    result[#result + 1] = entry_id
  else
    result[#result + 1] = ''
  end
end
if changed then
  redis.call('EXPIRE', conv, retention)
  redis.call('EXPIRE', log, retention)
  redis.call('PUBLISH', appended, id)
end
return result
"""

# Stores a rating once per conversation, only once it is closed, and adds it to the ratings.
_RATE_SCRIPT = """
if redis.call('HGET', KEYS[1], 'state') ~= 'closed' then return 'not_closed' end
if redis.call('HSETNX', KEYS[1], 'rating', ARGV[1]) == 0 then return 'rated' end
redis.call('HSET', KEYS[1], 'rating_comment', ARGV[2])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 100000, '*', 'conversation', ARGV[3],
  'agent', redis.call('HGET', KEYS[1], 'closed_by') or '', 'score', ARGV[1], 'comment', ARGV[2])
return 'ok'
"""

# Counts a knowledge-base miss (ARGV[1] "1"), or clears the count on an answer ("0"); nil if
# the conversation does not exist.
_COUNT_MISSES_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
if ARGV[1] == '0' then
  redis.call('HDEL', KEYS[1], 'misses')
  return 0
end
return redis.call('HINCRBY', KEYS[1], 'misses', 1)
"""


# Flags a breach of the current wait's first-response target, once per wait (an escalation
# clears the flag and sets a new target). KEYS: conversation hash, events stream. ARGV: the
# target the caller found past, conversation id. Returns 1 if flagged now, else 0.
_FLAG_SLA_BREACH_SCRIPT = """
if redis.call('HGET', KEYS[1], 'sla_due_at') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'first_response_at') == 1 then return 0 end
if redis.call('HSETNX', KEYS[1], 'sla_breached', '1') == 0 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'type', 'sla_breached',
  'conversation', ARGV[2])
return 1
"""


class ConversationStore:
    """Creates conversations, moves them through the state machine and appends to transcripts.

    A conversation and its transcript expire `retention_days` after their last entry; a
    transcript keeps about `transcript_max_entries`, a customer's list the latest conversations.
    `on_message(channel, entry)` is told of every message appended (events are not messages).
    """

    def __init__(
        self,
        redis: Redis,
        settings: Settings | None = None,
        on_message: Callable[[str, Entry], None] | None = None,
    ) -> None:
        self._redis = redis
        self._settings = settings or Settings()
        self._on_message = on_message
        self._retention_seconds = self._settings.retention_days * 86400
        self._append = redis.register_script(_APPEND_SCRIPT)
        self._rate = redis.register_script(_RATE_SCRIPT)
        self._count_misses = redis.register_script(_COUNT_MISSES_SCRIPT)
        self._flag_sla_breach = redis.register_script(_FLAG_SLA_BREACH_SCRIPT)

    async def create(
        self,
        channel: str,
        language: str,
        customer: str = "",
        verified: bool = False,
        chat: str = "",
    ) -> Conversation:
        """Start a conversation held by the bot; the customer's list of conversations grows.

        Verified: the channel vouches for who the customer is (a signed user id, say). Chat:
        where a channel without a socket reaches the customer.
        """
        header = {
            F.STATE: State.BOT.value,
            F.CHANNEL: channel,
            F.LANGUAGE: language,
            F.CREATED_AT: repr(time.time()),
            F.CUSTOMER: customer,
        }
        if verified:
            header[F.VERIFIED] = "1"
        if chat:
            header[F.CHAT] = chat
        conversation = Conversation.from_hash(uuid.uuid4().hex, header)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.conversation(conversation.id), mapping=header)
            pipe.expire(keys.conversation(conversation.id), self._retention_seconds)
            if customer:
                kept = keys.customer_conversations(customer)
                pipe.zadd(kept, {conversation.id: conversation.created_at})
                pipe.zremrangebyrank(kept, 0, -self._settings.customer_max_conversations - 1)
                pipe.expire(kept, self._retention_seconds)
            await pipe.execute()
        return conversation

    async def get(self, conversation_id: str) -> Conversation:
        """Read a conversation's header, or raise UnknownConversation."""
        header = await self._redis.hgetall(keys.conversation(conversation_id))
        if not header:
            raise UnknownConversation(conversation_id)
        return Conversation.from_hash(conversation_id, header)

    async def update(self, conversation_id: str, fields: dict[F, str]) -> None:
        """Set header fields that are not part of the state machine (language, email...)."""
        await self._redis.hset(keys.conversation(conversation_id), mapping=fields)

    async def count_misses(self, conversation_id: str, missed: bool) -> int:
        """The knowledge-base misses in a row once this question is counted (0 if answered)."""
        misses = await self._count_misses(
            keys=[keys.conversation(conversation_id)], args=[int(missed)]
        )
        if misses is None:
            raise UnknownConversation(conversation_id)
        return int(misses)

    async def record_first_response(self, conversation_id: str) -> float | None:
        """An agent answered now (Redis's clock): only the first answer is kept (the one the SLA
        measures). Returns the time if this was the first, else None."""
        key = keys.conversation(conversation_id)
        now = await redis_now(self._redis)
        return now if await self._redis.hsetnx(key, F.FIRST_RESPONSE_AT, repr(now)) else None

    async def flag_sla_breach(self, conversation: Conversation) -> bool:
        """Mark a conversation past this wait's first-response target and announce it to
        consoles, once per wait; False if it was already flagged, answered or waits anew."""
        flagged = await self._flag_sla_breach(
            keys=[keys.conversation(conversation.id), keys.events()],
            args=[repr(conversation.sla_due_at), conversation.id],
        )
        return bool(flagged)

    async def rate(self, conversation_id: str, score: int, comment: str) -> str:
        """Keep the rating of a closed conversation, once: "ok", "not_closed" or "rated"."""
        return await self._rate(
            keys=[keys.conversation(conversation_id), keys.ratings()],
            args=[score, comment, conversation_id],
        )

    async def of_customer(self, customer: str, limit: int = 20) -> list[Conversation]:
        """A customer's conversations, newest first."""
        return await self.of_customers([customer], limit)

    async def of_customers(self, customers: list[str], limit: int = 20) -> list[Conversation]:
        """The conversations of several customer ids (one person on several channels), newest
        first."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for customer in customers:
                pipe.zrevrange(keys.customer_conversations(customer), 0, limit - 1, withscores=True)
            found = [row for rows in await pipe.execute() for row in rows]
        newest = sorted(found, key=lambda row: row[1], reverse=True)[:limit]
        return await self.get_many([conversation_id for conversation_id, _ in newest])

    async def get_many(self, ids: list[str]) -> list[Conversation]:
        """The conversations of these ids that exist, in order (one round trip)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for conversation_id in ids:
                pipe.hgetall(keys.conversation(conversation_id))
            headers = await pipe.execute()
        return [Conversation.from_hash(i, h) for i, h in zip(ids, headers, strict=True) if h]

    async def append(
        self,
        conversation_id: str,
        entry: Entry,
        *,
        only_in: frozenset[State] | None = None,
        held_by: str = "",
        set_fields: dict[F, str] | None = None,
    ) -> str | None:
        """Append an entry; None if it was a resend (same client_id) or the state forbids it.

        With `held_by`, only if that agent holds (or last held) the conversation; `set_fields`
        are header fields set in the same step (not part of the state machine: language...).
        """
        change = Change(set_fields=set_fields or {}, assignee=held_by)
        status, ids = await self._run(conversation_id, [entry], only_in, None, change)
        return ids[0] if status == "ok" else None

    async def append_all(
        self, conversation_id: str, entries: list[Entry], *, only_in: frozenset[State] | None
    ) -> list[str | None]:
        """Append several entries in order, in one atomic step (one round trip): the id of
        each, None for a resend; all None if the state forbids them."""
        if not entries:
            return []
        status, ids = await self._run(conversation_id, entries, only_in, None, Change())
        return ids if status == "ok" else [None] * len(entries)

    async def move(self, conversation_id: str, channel: str, entry: Entry) -> str | None:
        """The conversation continues on another channel: its channel changes in the same
        atomic step that appends the entry saying so (what follows goes there)."""
        change = Change(set_fields={F.CHANNEL: channel})
        status, ids = await self._run(conversation_id, [entry], None, None, change)
        return ids[0] if status == "ok" else None

    async def transition(
        self, conversation_id: str, name: str, entry: Entry, change: Change | None = None
    ) -> str:
        """Apply a state-machine transition atomically, logging it as `entry`; returns its id."""
        allowed, target = TRANSITIONS[name]
        entry = replace(entry, state=target)
        status, found = await self._run(
            conversation_id, [entry], allowed, target, change or Change()
        )
        value = found[0] or ""
        if status == "refused":
            raise TransitionRefused(f"cannot {name} a conversation in state {value}")
        if status == "not_assignee":
            holder = value or "nobody"
            raise TransitionRefused(f"cannot {name}: the conversation is held by {holder}")
        if status == "at_capacity":
            raise AtCapacity(f"cannot {name}: {value} holds as many conversations as they may")
        return value

    async def _run(
        self,
        conversation_id: str,
        entries: list[Entry],
        allowed: frozenset[State] | None,
        target: State | None,
        change: Change,
    ) -> tuple[str, list[str | None]]:
        """Run the append script: "ok" and each entry's id (None: a resend), or another status
        and its one value (the state, the holder...)."""
        markers = [
            keys.client_message(conversation_id, entry.client_id) if entry.client_id else ""
            for entry in entries
        ]
        changes = {
            "set": change.set_fields or {},
            "del": list(change.del_fields),
            "capacity": change.capacity,
        }
        score = "" if change.queue_score is None else repr(change.queue_score)
        fields = [entry.to_fields() for entry in entries]
        status, value, *ids = await self._append(
            keys=[
                keys.conversation(conversation_id),
                keys.transcript(conversation_id),
                keys.queue(),
                keys.queue_languages(),
                keys.events(),
                keys.assignments(),
                keys.transcript_appended(),
                keys.outbox(),
                *markers,
            ],
            args=[
                conversation_id,
                ",".join(sorted(allowed or ())),
                target.value if target else "",
                CLIENT_ID_TTL_SECONDS,
                change.assignee,
                # cjson decodes {} as an object and [] as an empty table: both iterate fine.
                json.dumps(changes, ensure_ascii=False),
                change.queue,
                score,
                change.event,
                self._retention_seconds,
                self._settings.transcript_max_entries,
                ",".join(OUTBOX_CHANNELS),
                ",".join(str(2 * len(pairs)) for pairs in fields),
                *(item for pairs in fields for pair in pairs.items() for item in pair),
            ],
        )
        if status == "unknown":
            raise UnknownConversation(conversation_id)
        if status != "ok":
            return status, [value]
        if self._on_message is not None:
            for entry, entry_id in zip(entries, ids, strict=True):
                if entry_id and entry.event is None:
                    self._on_message(value, entry)  # the channel the script read: no second read
        return status, [entry_id or None for entry_id in ids]

    async def entries(
        self, conversation_id: str, after: str = "-", count: int = 500
    ) -> list[Entry]:
        """Entries in order, from after `after` ("-" = from the start)."""
        start = f"({after}" if after != "-" else "-"
        rows = await self._redis.xrange(keys.transcript(conversation_id), start, "+", count=count)
        return [Entry.from_stream(entry_id, fields) for entry_id, fields in rows]

    async def recent(self, conversation_id: str, count: int) -> list[Entry]:
        """The latest entries, newest first."""
        rows = await self._redis.xrevrange(keys.transcript(conversation_id), count=count)
        return [Entry.from_stream(entry_id, fields) for entry_id, fields in rows]
