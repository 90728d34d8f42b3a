"""The dashboard's roll-ups: counters in Redis, per day and per dimension (channel, language,
intent), moved by one call where each event happens, so that a page view reads a few hashes.

Each event adds to 8 hashes of its day (keys.dashboard_day): one per combination of its
conversation's channel, language and intent, each either as it is or "*" (any), so that any
filter reads exactly one hash per day. Agents' figures go to the day's "agents" hash. A
conversation's dimensions are fixed by its first recorded event (the intent: what the NLU
understood of its first message), so every figure of it is filtered alike. Durations go to
histograms (dashboard/histogram.py). No message text is ever recorded: only counts, ids of
articles and reasons, and staff logins.
"""

import time
from datetime import UTC, datetime

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Change, Conversation
from handoff.dashboard import histogram
from handoff.keys import ConversationField as F

DAYS_KEPT = 400
# Consecutive console heartbeats (5 s apart) count as time online; a longer gap does not.
ONLINE_GAP_SECONDS = 20
NO_INTENT = "none"
ANY = "*"

# Moves one conversation's figures atomically, in few commands (it runs on every bot turn): a
# day key's expiry is set when one of its fields is new (every key starts with a new field), not
# on every event; the conversation's dimensions, first day and last article are read at once.
# KEYS: the conversation's dashboard hash, the agents' queue.
# ARGV: dimensions if the conversation has none yet ("channel|language|intent"), the event's
#       day, the conversation hash's ttl, the day hashes' ttl, "" (not a bot turn) or the
#       customer's feedback on the article last answered ("yes", "no", "-": none), the article
#       this turn answered ("" none), a metric to add the queue's length to ("" none), the day
#       keys' prefix (keys.DASHBOARD_DAY_PREFIX), then metric/increment pairs. A metric
#       "first:<m>" is counted once per conversation, on the day it started; "a|<agent>|<m>" is
#       an agent's figure.
_RECORD_SCRIPT = """
local conv, queue = KEYS[1], KEYS[2]
local dims, day, conv_ttl, day_ttl, feedback, article, queue_metric, prefix = unpack(ARGV, 1, 8)
local function increment(key, field, by)
  if redis.call('HINCRBY', key, field, by) == tonumber(by) then
    redis.call('EXPIRE', key, day_ttl)
  end
end
local function add(on_day, metric, by)
  if string.sub(metric, 1, 2) == 'a|' then
    increment(prefix .. on_day .. ':agents', string.sub(metric, 3), by)
    return
  end
  local channel, language, intent = string.match(dims, '^([^|]*)|([^|]*)|([^|]*)$')
  for _, c in ipairs({channel, '*'}) do
    for _, l in ipairs({language, '*'}) do
      for _, i in ipairs({intent, '*'}) do
        increment(prefix .. on_day .. ':' .. c .. '|' .. l .. '|' .. i, metric, by)
      end
    end
  end
end
if redis.call('HSETNX', conv, 'dims', dims) == 1 then
  redis.call('HSET', conv, 'day', day)
  add(day, 'conversations', 1)
end
local stored = redis.call('HMGET', conv, 'dims', 'day', 'article')
dims = stored[1]
local start_day, answered = stored[2], stored[3]
local channel, language, intent = string.match(dims, '^([^|]*)|([^|]*)|([^|]*)$')
local options = prefix .. day .. ':options'
if redis.call('SADD', options, 'channel|' .. channel, 'language|' .. language,
              'intent|' .. intent) > 0 then
  redis.call('EXPIRE', options, day_ttl)
end
for i = 9, #ARGV, 2 do
  local metric = ARGV[i]
  if string.sub(metric, 1, 6) == 'first:' then
    metric = string.sub(metric, 7)
    if redis.call('HSETNX', conv, 'counted:' .. metric, '1') == 1 then
      add(start_day, metric, ARGV[i + 1])
    end
  else
    add(day, metric, ARGV[i + 1])
  end
end
if queue_metric ~= '' then add(day, queue_metric, redis.call('ZCARD', queue)) end
if feedback ~= '' and answered then
  if article == '' then redis.call('HDEL', conv, 'article') end
  if feedback ~= '-' then
    add(day, 'helpful:' .. feedback, 1)
    if feedback == 'no' then add(day, 'article:' .. answered .. ':not_helpful', 1) end
  end
end
if article ~= '' then redis.call('HSET', conv, 'article', article) end
redis.call('EXPIRE', conv, conv_ttl)
return 1
"""

# Adds the time since an agent's last heartbeat to their time online, if it was recent.
# KEYS: the agents-seen sorted set, the day hash. ARGV: agent, now, longest gap, field, ttl.
_ONLINE_SCRIPT = """
local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
if previous then
  local gap = tonumber(ARGV[2]) - tonumber(previous)
  if gap > 0 and gap <= tonumber(ARGV[3]) then
    redis.call('HINCRBYFLOAT', KEYS[2], ARGV[4], gap)
    redis.call('EXPIRE', KEYS[2], ARGV[5])
  end
end
return 1
"""


def day_of(at: float) -> str:
    """The UTC day (YYYY-MM-DD) an epoch time falls in."""
    return datetime.fromtimestamp(at, UTC).date().isoformat()


def hour_of(at: float) -> str:
    """The UTC hour of the day (00-23) an epoch time falls in."""
    return f"{datetime.fromtimestamp(at, UTC).hour:02d}"


def clean(value: str) -> str:
    """A value as a key or field part: never a separator, never "any"."""
    cleaned = (value or NO_INTENT).replace("|", "/").replace(":", "/")
    return NO_INTENT if cleaned == ANY else cleaned


class Rollups:
    """Records each event's figures in the dashboard's day hashes (one round trip each).

    `redis` may be a pipeline: the calls then queue up, to be executed together.
    """

    def __init__(self, redis: Redis, retention_days: int = 365) -> None:
        self._record_script = redis.register_script(_RECORD_SCRIPT)
        self._online_script = redis.register_script(_ONLINE_SCRIPT)
        self._conversation_ttl = retention_days * 86400
        self._day_ttl = DAYS_KEPT * 86400

    async def bot_turn(
        self,
        conversation: Conversation,
        at: float,
        *,
        language: str,
        intent: str | None,
        decision: str | None,
        article: str | None,
    ) -> None:
        """The bot answered a customer's message: its decision, the article it answered with,
        and, if the message was a yes or no after an article, whether that article helped."""
        counts = {"turns": 1}
        if decision:
            counts[f"decision:{clean(decision)}"] = 1
        answered = clean(article) if decision == "answer" and article else ""
        if answered:
            counts[f"article:{answered}:answered"] = 1
        feedback = {"affirm": "yes", "deny": "no"}.get(intent or "", "-")
        dimensions = (conversation.channel, language, intent)
        await self._record(conversation.id, dimensions, at, counts, feedback, answered)

    async def transitioned(self, transition: str, before: Conversation, change: Change) -> None:
        """A conversation moved (agent_queue.py): escalations, claims' waits, handle times."""
        fields = change.set_fields
        if transition == "escalate":
            at = float(fields[F.ESCALATED_AT])
            counts = {
                f"escalated:{clean(fields[F.REASON])}": 1,
                "first:handed_over": 1,
                f"escalated_hour:{hour_of(at)}": 1,
            }
            dimensions = (before.channel, before.language, fields.get(F.INTENT))
            queue_metric = f"queue_hour:{hour_of(at)}"
            await self._record(before.id, dimensions, at, counts, queue_metric=queue_metric)
        elif transition == "claim" and before.escalated_at is not None:
            at = float(fields[F.CLAIMED_AT])
            waited = max(0.0, at - before.escalated_at)
            counts = {
                f"wait:{histogram.bucket(waited)}": 1,
                f"wait_hour_seconds:{hour_of(at)}": round(waited),
                f"wait_hour_count:{hour_of(at)}": 1,
                f"a|{clean(fields[F.ASSIGNEE])}|claims": 1,
            }
            await self._record(before.id, _dimensions(before), at, counts)
        elif transition == "close":
            at = float(fields[F.CLOSED_AT])
            counts = {"closed": 1}
            if before.claimed_at is not None and before.assignee:
                handled = max(0.0, at - before.claimed_at)
                agent = clean(before.assignee)
                counts |= {
                    f"handle:{histogram.bucket(handled)}": 1,
                    f"a|{agent}|closes": 1,
                    f"a|{agent}|handle_seconds": round(handled),
                }
            await self._record(before.id, _dimensions(before), at, counts)

    async def first_response(self, conversation: Conversation, at: float) -> None:
        """An agent first answered this wait: first response time, and the SLA met or missed."""
        if conversation.escalated_at is None:
            return
        waited = max(0.0, at - conversation.escalated_at)
        met = conversation.sla_due_at is None or at <= conversation.sla_due_at
        counts = {
            f"first_response:{histogram.bucket(waited)}": 1,
            f"sla:{clean(conversation.priority)}:{'met' if met else 'missed'}": 1,
        }
        await self._record(conversation.id, _dimensions(conversation), at, counts)

    async def rated(self, conversation: Conversation, score: int) -> None:
        """The customer rated the conversation (CSAT, 1-5)."""
        counts = {f"csat:{score}": 1}
        await self._record(conversation.id, _dimensions(conversation), time.time(), counts)

    async def agent_seen(self, agent: str, at: float) -> None:
        """An agent's console beat at `at`: the time since their last beat counts as online.
        Call it before the beat is stored (agent_queue.heartbeat)."""
        await self._online_script(
            keys=[keys.agents_seen(), keys.dashboard_day(day_of(at), "agents")],
            args=[
                agent,
                repr(at),
                ONLINE_GAP_SECONDS,
                f"{clean(agent)}|online_seconds",
                self._day_ttl,
            ],
        )

    async def _record(
        self,
        conversation_id: str,
        dimensions: tuple[str, str, str | None],
        at: float,
        counts: dict[str, int],
        feedback: str = "",
        article: str = "",
        queue_metric: str = "",
    ) -> None:
        pairs = [item for metric, by in counts.items() for item in (metric, by)]
        await self._record_script(
            keys=[keys.dashboard_conversation(conversation_id), keys.queue()],
            args=[
                "|".join(map(clean, dimensions)),
                day_of(at),
                self._conversation_ttl,
                self._day_ttl,
                feedback,
                article,
                queue_metric,
                keys.DASHBOARD_DAY_PREFIX,
                *pairs,
            ],
        )


def _dimensions(conversation: Conversation) -> tuple[str, str, str | None]:
    """A conversation's dimensions, should no earlier event have fixed them."""
    return conversation.channel, conversation.language, conversation.intent
