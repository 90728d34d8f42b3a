"""The hub's client of Rasa (via bot/channel.py): one customer message in, the bot's turn out."""

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp

from handoff import metrics
from handoff.assistant.rasa_servers import servers_for
from handoff.conversations.model import Button

logger = logging.getLogger(__name__)

PARSE_TIMEOUT_SECONDS = 3.0  # staff wait for a preview; a stuck Rasa must not hold them long
WEBHOOK_PATH = "/webhooks/hub/webhook"  # bot/channel.py
PARSE_PATH = "/webhooks/hub/parse"
INTENT_PREFIX = "/"  # Rasa reads a text that starts with it, once stripped, as an intent
# To the Rasa servers, together; a turn over it waits for one. Up to six servers, their places
# (IN_FLIGHT_A_SERVER each) fill first: aiohttp's waits are not first come first served.
MAX_CONNECTIONS = 100
# Requests a hub has in flight to one Rasa server; the next wait their turn in the hub, first
# come first served. With 200 customers' turns in flight at once, a Rasa server answered some of
# them after more than the hub's timeout, while others went through at once
# (benchmarks/rasa-turn-profile.md, *Turns waiting in the hub*).
IN_FLIGHT_A_SERVER = 16
# Rasa (Sanic) closes a connection idle for 5 s: the hub drops its idle ones
# well before, so that no turn goes out on a connection the other end is closing.
SERVER_KEEP_ALIVE_SECONDS = 5.0
IDLE_SECONDS = 2.0


def http_client(timeout_seconds: float) -> aiohttp.ClientSession:
    """The hub's HTTP client of Rasa (made in the event loop that uses it), aiohttp's: a turn
    costs it a tenth of httpx's CPU (benchmarks/rasa-turn-profile.md). It keeps every connection
    it opens for the next request, idle for IDLE_SECONDS: at Sanic's own 5 s, a turn sent as Rasa
    closed the connection failed, and its customer was handed to a person for nothing.
    `timeout_seconds` bounds getting a connection and each wait for Rasa's answer."""
    connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=IDLE_SECONDS)
    timeout = aiohttp.ClientTimeout(total=None, connect=timeout_seconds, sock_read=timeout_seconds)
    return aiohttp.ClientSession(
        connector=connector, timeout=timeout, trace_configs=[_noting_kept_connections()]
    )


def _noting_kept_connections() -> aiohttp.TraceConfig:
    """Notes, in the dictionary a request passes as `trace_request_ctx`, whether it went out
    on a kept-alive connection (KEPT)."""

    async def kept(session: object, context: SimpleNamespace, params: object) -> None:
        context.trace_request_ctx[KEPT] = True

    tracing = aiohttp.TraceConfig()
    tracing.on_connection_reuseconn.append(kept)
    return tracing


def as_typed_text(text: str) -> str:
    """Text a person typed, as Rasa may read it: never an intent, however it is spaced.

    Only the payload of a button the bot offered may name an intent. A text of slashes alone
    is left as it is: an intent name has no slash, so Rasa reads it as words.
    """
    words = text.strip()
    while words.startswith(INTENT_PREFIX):
        words = words.removeprefix(INTENT_PREFIX).strip()
    return words or text


class AssistantUnavailable(RuntimeError):
    """Rasa, or the action server behind it, did not answer."""


# The request never reached the server: another may take it without the turn running twice.
NOT_REACHED = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
# Rasa down, slow, or answering with an error or what is not JSON.
NOT_ANSWERED = (aiohttp.ClientError, TimeoutError, ValueError)
# The connection closed under a request: on a kept-alive one, its server had closed it between
# turns (killed, say) before the event loop noticed, and never read the request.
CLOSED_UNDER_IT = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)
KEPT = "kept"


@dataclass(frozen=True)
class Link:
    """A link the bot attaches to its message, e.g. the full knowledge-base article."""

    title: str
    url: str


def article_slug(url: str) -> str:
    """The article's slug in the link to its help page (…/help/<language>/<slug>)."""
    return url.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class BotReply:
    """One message of the bot."""

    text: str
    buttons: tuple[Button, ...] = ()
    link: Link | None = None


@dataclass(frozen=True)
class HandoffRequest:
    """The bot asks for a person (actions/hand_over.py): why, and what it understood."""

    reason: str
    intent: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class BotTurn:
    """The bot's answer to one message, and what its NLU made of the message."""

    replies: list[BotReply]
    intent: str | None = None
    confidence: float | None = None
    handoff: HandoffRequest | None = None
    decision: str | None = None  # what the hub decided (actions/respond.py), if it was asked


class RasaClient:
    """Sends customer messages to the hub's channel of a Rasa server (rasa_servers.py chooses)."""

    def __init__(self, http: aiohttp.ClientSession, rasa_urls: Sequence[str]) -> None:
        """rasa_urls: the Rasa servers, sharing the tracker and lock stores."""
        self._http = http
        self._servers = [url.rstrip("/") for url in rasa_urls]
        self._in_flight = {
            server: asyncio.Semaphore(IN_FLIGHT_A_SERVER) for server in self._servers
        }

    async def _post(
        self, key: str, path: str, body: dict, timeout: aiohttp.ClientTimeout | None = None
    ) -> Any:
        """POST to the first server for this key that can be reached, and read its JSON answer;
        the last one's error if none can. Rasa's lock store keeps two servers from running one
        conversation at once."""
        *others, last = servers_for(key, self._servers)
        for server in others:
            try:
                return await self._post_to(server, path, body, timeout)
            except NOT_REACHED as error:
                logger.warning("Rasa server %s is down, trying the next: %r", server, error)
        return await self._post_to(last, path, body, timeout)

    async def _post_to(
        self, server: str, path: str, body: dict, timeout: aiohttp.ClientTimeout | None
    ) -> Any:
        """One server's JSON answer; aiohttp.ClientResponseError if it answers with an error.
        The request first waits for one of the server's IN_FLIGHT_A_SERVER places, as long as
        for a connection (NOT_REACHED after); a total timeout counts that wait too."""
        limit = timeout or self._http.timeout
        deadline = None if limit.total is None else asyncio.get_running_loop().time() + limit.total
        async with self._place_at(server, limit.total or limit.connect):
            async with asyncio.timeout_at(deadline):
                return await self._post_or_retry(f"{server}{path}", body, timeout)

    @asynccontextmanager
    async def _place_at(self, server: str, seconds: float | None) -> AsyncIterator[None]:
        """One of the server's places for a request in flight, waited for in turn."""
        try:
            async with asyncio.timeout(seconds):
                await self._in_flight[server].acquire()
        except TimeoutError as error:
            raise aiohttp.ConnectionTimeoutError(f"no place for a request to {server}") from error
        try:
            yield
        finally:
            self._in_flight[server].release()

    async def _post_or_retry(
        self, url: str, body: dict, timeout: aiohttp.ClientTimeout | None
    ) -> Any:
        """The answer to one POST. A request whose kept-alive connection closed under it goes
        once more, on a new connection: to a server that is gone, that one is refused
        (NOT_REACHED)."""
        sent_on: dict = {}
        try:
            return await self._post_once(url, body, timeout, sent_on)
        except CLOSED_UNDER_IT as error:
            if not sent_on.get(KEPT):
                raise
            logger.info("A kept connection to %s closed under a request: %r", url, error)
            return await self._post_once(url, body, timeout, {})

    async def _post_once(
        self, url: str, body: dict, timeout: aiohttp.ClientTimeout | None, sent_on: dict
    ) -> Any:
        """The JSON answer to one POST; `sent_on` notes whether its connection was kept."""
        options = {"timeout": timeout} if timeout else {}
        async with self._http.post(url, json=body, trace_request_ctx=sent_on, **options) as answer:
            answer.raise_for_status()
            return await answer.json()

    @metrics.timed(metrics.RASA_REQUEST.labels("parse"))
    async def intent_of(self, text: str) -> tuple[str | None, float | None]:
        """The best intent Rasa's NLU gives a text, in no conversation, and how sure it is;
        (None, None) if Rasa is down."""
        try:
            words = as_typed_text(text)
            timeout = aiohttp.ClientTimeout(total=PARSE_TIMEOUT_SECONDS)
            parse = await self._post(words, PARSE_PATH, {"message": words}, timeout)
            intent = parse.get("intent") or {}
            confidence = intent.get("confidence")
            return intent.get("name"), float(confidence) if confidence is not None else None
        except (*NOT_ANSWERED, TypeError, AttributeError) as error:
            logger.info("Rasa's NLU could not be asked: %r", error)
            return None, None

    @metrics.timed(metrics.RASA_REQUEST.labels("turn"))
    async def send(self, conversation_id: str, text: str, language: str) -> BotTurn:
        """Forward a message; the conversation id is Rasa's sender id.

        A turn whose call to the action server failed comes back as a 502 (bot/channel.py):
        Rasa would otherwise answer without the actions' work.
        """
        body = {"sender": conversation_id, "message": text, "metadata": {"language": language}}
        try:
            return _turn(await self._post(conversation_id, WEBHOOK_PATH, body))
        except (*NOT_ANSWERED, KeyError, TypeError, AttributeError) as error:
            # Down, or an answer of the wrong shape: either way the bot cannot be trusted now.
            logger.warning("Rasa did not answer for conversation %s: %r", conversation_id, error)
            raise AssistantUnavailable(str(error)) from error


def _turn(body: Any) -> BotTurn:
    """Rasa's answer (bot/channel.py) as a turn; KeyError, TypeError, AttributeError or
    ValueError when it is not of that shape."""
    messages = body["messages"]
    if not isinstance(messages, list):
        raise TypeError(f"messages is a {type(messages).__name__}, not a list")
    intent = body.get("intent") or {}
    return BotTurn(
        replies=_replies(messages),
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
        handoff=_handoff(messages),
        decision=_decision(messages),
    )


def _decision(messages: list[dict]) -> str | None:
    """The hub's decision the bot carried out, if it asked for one."""
    for message in messages:
        decision = (message.get("custom") or {}).get("decision")
        if isinstance(decision, str):
            return decision
    return None


def _handoff(messages: list[dict]) -> HandoffRequest | None:
    """The bot's hand-over request, if it made one."""
    for message in messages:
        request = (message.get("custom") or {}).get("handoff")
        if isinstance(request, dict) and request.get("reason"):
            confidence = request.get("confidence")
            return HandoffRequest(
                reason=str(request["reason"]),
                intent=request.get("intent"),
                confidence=float(confidence) if confidence is not None else None,
            )
    return None


def _replies(messages: list[dict]) -> list[BotReply]:
    """Rasa's messages as replies; an article link (a custom message) joins the text before it."""
    replies: list[BotReply] = []
    for message in messages:
        article = (message.get("custom") or {}).get("article")
        if article and replies and str(article.get("url", "")).startswith(("https://", "http://")):
            link = Link(title=str(article.get("title", "")), url=str(article["url"]))
            replies[-1] = BotReply(replies[-1].text, replies[-1].buttons, link)
        if message.get("text"):
            buttons = tuple(
                Button(title=str(b["title"]), payload=str(b["payload"]))
                for b in message.get("buttons") or ()
                if b.get("title") and b.get("payload")
            )
            replies.append(BotReply(text=str(message["text"]), buttons=buttons))
    return replies
