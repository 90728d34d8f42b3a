"""The hub's Prometheus metrics, and the one-line calls that record them where events happen.

Each hub process keeps its own counters (Prometheus scrapes every hub and sums them); the
queue's length is read from Redis at each scrape, so every hub reports the same, true figure.
"""

import collections
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import ParamSpec, TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Change, Conversation, Entry
from handoff.keys import ConversationField as F

# Counts the queued conversations of each language inside Redis: a scrape reads a few numbers,
# not every queued conversation (20 times faster at 10,000 queued). KEYS: the queue's languages
# hash. Returns language, count, language, count...
_QUEUE_LENGTHS_SCRIPT = """
local counts = {}
for _, language in ipairs(redis.call('HVALS', KEYS[1])) do
  counts[language] = (counts[language] or 0) + 1
end
local flat = {}
for language, count in pairs(counts) do
  flat[#flat + 1] = language
  flat[#flat + 1] = count
end
return flat
"""

P = ParamSpec("P")
R = TypeVar("R")

MEDIA_TYPE = CONTENT_TYPE_LATEST
# Loggers whose warnings and errors count as the hub's errors (uvicorn.error: unhandled ones).
ERROR_SOURCES = ("handoff", "knowledge_base", "uvicorn.error")

MESSAGES = Counter("baton_messages", "Messages stored in transcripts.", ["channel", "sender"])
ESCALATIONS = Counter("baton_escalations", "Conversations queued for a person.", ["reason"])
QUEUE_LENGTH = Gauge(
    "baton_queue_length", "Conversations waiting for a person (read from Redis).", ["language"]
)
QUEUE_WAIT = Histogram(
    "baton_queue_wait_seconds",
    "From escalation to an agent's claim.",
    ["priority"],
    buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200),
)
BOT_REPLY = Histogram(
    "baton_bot_reply_seconds",
    "From a customer's message stored to the bot's answer (or hand-over) stored.",
    ["outcome"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40),
)
RASA_REQUEST = Histogram(
    "baton_rasa_request_seconds",
    "Calls to the Rasa server: a turn, or an NLU parse.",
    ["call"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
KNOWLEDGE_SEARCH = Histogram(
    "baton_knowledge_search_seconds",
    "Knowledge-base searches for the bot's decision.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
OPEN_SOCKETS = Gauge("baton_open_sockets", "WebSockets open on this hub.", ["kind"])
ERRORS = Counter("baton_errors", "Warnings and errors logged, by logger.", ["source", "level"])


def timed(histogram: Histogram) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorate a coroutine function to observe its duration (prometheus_client's own
    decorator times only the creation of a coroutine)."""

    def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(function)
        async def timed_call(*args: P.args, **kwargs: P.kwargs) -> R:
            with histogram.time():
                return await function(*args, **kwargs)

        return timed_call

    return decorate


def stored(channel: str, entry: Entry) -> None:
    """A message was appended to a transcript of this channel (the store tells, for each)."""
    MESSAGES.labels(channel, entry.sender.value).inc()


def transitioned(transition: str, before: Conversation, change: Change) -> None:
    """A conversation moved: escalations counted by reason, claims' waits observed."""
    if transition == "escalate":
        ESCALATIONS.labels(change.set_fields[F.REASON]).inc()
    elif transition == "claim" and before.escalated_at is not None:
        waited = float(change.set_fields[F.CLAIMED_AT]) - before.escalated_at
        QUEUE_WAIT.labels(before.priority).observe(max(waited, 0.0))


def bot_answered(message_id: str, answer_id: str | None, handed_over: bool) -> None:
    """The bot's last entry answering a customer's message was stored; both ids are Redis
    stream ids, so the time between them is Redis's clock, whichever hub stored them."""
    if answer_id is not None:
        seconds = (stream_ms(answer_id) - stream_ms(message_id)) / 1000
        BOT_REPLY.labels("handed_over" if handed_over else "answered").observe(seconds)


def stream_ms(entry_id: str) -> int:
    """When Redis stored a stream entry, in milliseconds."""
    return int(entry_id.split("-", 1)[0])


@contextlib.contextmanager
def open_socket(kind: str) -> Iterator[None]:
    """Count a WebSocket of this kind ("widget", "agent") while the block lasts."""
    with OPEN_SOCKETS.labels(kind).track_inprogress():
        yield


class ErrorCounter(logging.Handler):
    """Counts the warnings and errors logged, by logger and level."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        ERRORS.labels(record.name, record.levelname.lower()).inc()


def count_logged_errors() -> None:
    """Count what the hub's loggers warn of from now on (once, however often it is called)."""
    for source in ERROR_SOURCES:
        logger = logging.getLogger(source)
        if not any(isinstance(handler, ErrorCounter) for handler in logger.handlers):
            logger.addHandler(ErrorCounter())


async def exposition(redis: Redis, languages: tuple[str, ...]) -> bytes:
    """Every metric in Prometheus's text format, the queue's length read from Redis now."""
    counts = await redis.register_script(_QUEUE_LENGTHS_SCRIPT)(keys=[keys.queue_languages()])
    waiting = collections.Counter(dict(zip(counts[::2], map(int, counts[1::2]), strict=True)))
    QUEUE_LENGTH.clear()
    for language in {*languages, *waiting}:
        QUEUE_LENGTH.labels(language).set(waiting[language])
    return generate_latest()
