"""The hub's client of Rasa: Rasa's messages made a BotTurn (replies, buttons, article links,
the hand-over request, the intent), AssistantUnavailable when Rasa or an action fails,
and the NLU's intent for previews (None when Rasa is down).

Rasa here is a loopback aiohttp server answering as bot/channel.py does, or a port where nothing
listens, or a server that never answers."""

import asyncio
import contextlib
import importlib.abc
import json
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from httpcore._synchronization import current_async_library

from handoff.assistant import rasa_client
from handoff.assistant.rasa_client import (
    IDLE_SECONDS,
    IN_FLIGHT_A_SERVER,
    PARSE_TIMEOUT_SECONDS,
    SERVER_KEEP_ALIVE_SECONDS,
    AssistantUnavailable,
    BotReply,
    BotTurn,
    HandoffRequest,
    Link,
    RasaClient,
    http_client,
)
from handoff.assistant.rasa_servers import servers_for
from handoff.cli.processes import free_port
from handoff.conversations.model import Button


@dataclass(frozen=True)
class Answer:
    """What the stand-in Rasa answers a route with: a status and a JSON or text body."""

    status: int = 200
    json: object = field(default_factory=dict)
    text: str | None = None
    content_type: str = "text/html"  # of a text body

    def response(self) -> web.Response:
        if self.text is not None:
            return web.Response(status=self.status, text=self.text, content_type=self.content_type)
        return web.json_response(self.json, status=self.status)


@dataclass(frozen=True)
class Sent:
    """A request the stand-in Rasa was sent."""

    method: str
    path: str
    body: object


@dataclass
class FakeRasa:
    """Answers the webhook and the NLU's parse route; keeps the requests it was sent."""

    webhook: Answer = field(default_factory=Answer)
    parse: Answer = field(default_factory=Answer)
    requests: list[Sent] = field(default_factory=list)
    url: str = ""  # where it listens, once it does

    def answer(self, messages: list[dict], intent: dict | None = None) -> None:
        self.webhook = Answer(json={"messages": messages, "intent": intent or {}})

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(Sent(request.method, request.path, await request.json()))
        routes = {"/webhooks/hub/webhook": self.webhook, "/webhooks/hub/parse": self.parse}
        answer = routes.get(request.path)
        return answer.response() if answer else web.Response(status=404)


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
    yield fake
    await runner.cleanup()


@pytest.fixture
async def client(rasa: FakeRasa) -> AsyncIterator[RasaClient]:
    async with http_client(10) as http:
        yield RasaClient(http, [rasa.url])


async def test_the_message_goes_to_the_hub_channel_with_its_conversation_and_language(
    rasa: FakeRasa, client: RasaClient
) -> None:
    rasa.answer([{"recipient_id": "c-1", "text": "Hello!"}])
    await client.send("c-1", "hi there", "ko")
    [sent] = [r for r in rasa.requests if r.path == "/webhooks/hub/webhook"]
    assert sent.method == "POST"
    assert sent.body == {
        "sender": "c-1",
        "message": "hi there",
        "metadata": {"language": "ko"},
    }
    assert len(rasa.requests) == 1  # nothing else: a failed action comes back as a 502


async def test_replies_keep_their_order_and_buttons_and_the_turn_its_intent(
    rasa: FakeRasa, client: RasaClient
) -> None:
    rasa.answer(
        [
            {"recipient_id": "c-1", "text": "Hi! How can I help?"},
            {
                "recipient_id": "c-1",
                "text": "Did this answer your question?",
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                ],
            },
        ],
        {"name": "greet", "confidence": 0.97},
    )
    turn = await client.send("c-1", "hello", "en")
    assert turn == BotTurn(
        replies=[
            BotReply("Hi! How can I help?"),
            BotReply(
                "Did this answer your question?",
                (Button(title="Yes", payload="/affirm"), Button(title="No", payload="/deny")),
            ),
        ],
        intent="greet",
        confidence=0.97,
        handoff=None,
    )


async def test_buttons_without_a_title_or_a_payload_are_left_out(
    rasa: FakeRasa, client: RasaClient
) -> None:
    buttons = [
        {"title": "Talk to a person", "payload": "/request_human"},
        {"title": "", "payload": "/affirm"},
        {"title": "No payload"},
        {"payload": "/deny"},
    ]
    rasa.answer([{"text": "Anything else?", "buttons": buttons}])
    [reply] = (await client.send("c-1", "thanks", "en")).replies
    assert reply.buttons == (Button(title="Talk to a person", payload="/request_human"),)


async def test_an_article_link_joins_the_text_before_it(rasa: FakeRasa, client: RasaClient) -> None:
    article = {"title": "Resetting your password", "url": "https://help.example.com/en/reset"}
    rasa.answer(
        [
            {"text": "Tap Forgot password on the login screen."},
            {"custom": {"article": article}},
            {"text": "Did this answer your question?"},
        ]
    )
    turn = await client.send("c-1", "how do I reset my password", "en")
    assert turn.replies == [
        BotReply(
            "Tap Forgot password on the login screen.",
            link=Link("Resetting your password", "https://help.example.com/en/reset"),
        ),
        BotReply("Did this answer your question?"),
    ]


async def test_a_link_keeps_the_buttons_of_the_text_it_joins(
    rasa: FakeRasa, client: RasaClient
) -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}]
    article = {"title": "Fees", "url": "http://localhost:8000/help/en/fees"}
    rasa.answer(
        [{"text": "Transfers are free.", "buttons": buttons}, {"custom": {"article": article}}]
    )
    [reply] = (await client.send("c-1", "fees?", "en")).replies
    assert reply.buttons == (Button(title="Yes", payload="/affirm"),)
    assert reply.link == Link("Fees", "http://localhost:8000/help/en/fees")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/fees.pdf",
        "//evil.example.com/",
        "",
    ],
)
async def test_only_http_and_https_links_are_kept(
    rasa: FakeRasa, client: RasaClient, url: str
) -> None:
    rasa.answer([{"text": "See the article."}, {"custom": {"article": {"title": "X", "url": url}}}])
    assert (await client.send("c-1", "fees?", "en")).replies == [BotReply("See the article.")]


async def test_an_article_link_with_no_text_before_it_is_dropped(
    rasa: FakeRasa, client: RasaClient
) -> None:
    article = {"title": "Fees", "url": "https://help.example.com/en/fees"}
    rasa.answer([{"custom": {"article": article}}, {"text": "Anything else?"}])
    assert (await client.send("c-1", "fees?", "en")).replies == [BotReply("Anything else?")]


async def test_the_hand_over_request_carries_reason_intent_and_confidence(
    rasa: FakeRasa, client: RasaClient
) -> None:
    handoff = {"reason": "low_confidence", "intent": "nlu_fallback", "confidence": "0.31"}
    rasa.answer(
        [{"text": "Let me find a person for you."}, {"custom": {"handoff": handoff}}],
        {"name": "nlu_fallback", "confidence": 0.31},
    )
    turn = await client.send("c-1", "my card was eaten by the atm", "en")
    assert turn.handoff == HandoffRequest(
        reason="low_confidence", intent="nlu_fallback", confidence=0.31
    )
    assert turn.replies == [BotReply("Let me find a person for you.")]
    assert (turn.intent, turn.confidence) == ("nlu_fallback", 0.31)


async def test_a_hand_over_request_without_intent_or_confidence(
    rasa: FakeRasa, client: RasaClient
) -> None:
    rasa.answer([{"custom": {"handoff": {"reason": "request_human"}}}])
    turn = await client.send("c-1", "a person please", "en")
    assert turn.handoff == HandoffRequest(reason="request_human")
    assert turn.replies == []


@pytest.mark.parametrize(
    "custom",
    [{"handoff": {"intent": "complaint"}}, {"handoff": {"reason": ""}}, {"handoff": "yes"}],
)
async def test_a_hand_over_request_without_a_reason_is_none(
    rasa: FakeRasa, client: RasaClient, custom: dict
) -> None:
    rasa.answer([{"text": "Sorry."}, {"custom": custom}])
    assert (await client.send("c-1", "bad service", "en")).handoff is None


async def test_a_turn_without_an_intent_has_none(rasa: FakeRasa, client: RasaClient) -> None:
    rasa.webhook = Answer(json={"messages": [{"text": "Hi"}]})
    turn = await client.send("c-1", "hi", "en")
    assert (turn.intent, turn.confidence, turn.handoff, turn.decision) == (None, None, None, None)


async def test_the_turn_carries_the_decision_the_bot_carried_out(
    rasa: FakeRasa, client: RasaClient
) -> None:
    rasa.answer([{"custom": {"decision": "rephrase"}}, {"text": "Could you say it another way?"}])
    turn = await client.send("c-1", "hmm", "en")
    assert turn.decision == "rephrase"
    assert turn.replies == [BotReply("Could you say it another way?")]


@pytest.mark.parametrize(
    "webhook",
    [
        Answer(500, json={"messages": []}),
        Answer(502, text="Bad Gateway"),
        Answer(502, json={"error": "the action server failed to run action_respond"}),
        Answer(200, text="<html>It works!</html>"),
        Answer(200, text='{"messages": [', content_type="application/json"),
        Answer(200, json={"intent": {"name": "greet"}}),
        Answer(200, json=["not", "an", "object"]),
    ],
    ids=["500", "502", "an action failed", "html", "cut JSON", "no messages", "a list"],
)
async def test_a_failing_rasa_is_unavailable(
    rasa: FakeRasa, client: RasaClient, webhook: Answer
) -> None:
    rasa.webhook = webhook
    with pytest.raises(AssistantUnavailable):
        await client.send("c-1", "hello", "en")


async def test_nothing_listening_makes_the_assistant_unavailable() -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    async with http_client(10) as http:
        client = RasaClient(http, [closed])
        with pytest.raises(AssistantUnavailable):
            await client.send("c-1", "hello", "en")
        assert await client.intent_of("hello") == (None, None)


async def test_intent_of_asks_the_nlu_alone(rasa: FakeRasa, client: RasaClient) -> None:
    rasa.parse = Answer(json={"intent": {"name": "ask_faq", "confidence": 0.88}})
    assert await client.intent_of("what are the fees") == ("ask_faq", 0.88)
    [asked] = rasa.requests
    assert asked.path == "/webhooks/hub/parse"
    assert asked.body == {"message": "what are the fees"}


@pytest.mark.parametrize(
    "parse",
    [
        Answer(json={"intent": None}),
        Answer(json={}),
        Answer(json={"intent": "ask_faq"}),
        Answer(text="not json"),
        Answer(500, json={"intent": {"name": "ask_faq"}}),
    ],
    ids=["null intent", "no intent", "intent not an object", "not json", "500"],
)
async def test_intent_of_is_none_when_rasa_cannot_say(
    rasa: FakeRasa, client: RasaClient, parse: Answer
) -> None:
    rasa.parse = parse
    assert await client.intent_of("what are the fees") == (None, None)


@contextlib.asynccontextmanager
async def never_answering() -> AsyncIterator[str]:
    """A server that takes connections and requests and answers nothing; its URL."""

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # holds the connection open, answers nothing

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()


async def test_intent_of_gives_up_on_a_rasa_that_never_answers() -> None:
    async with never_answering() as url, http_client(60) as http:
        client = RasaClient(http, [url])
        started = time.monotonic()
        assert await client.intent_of("hello") == (None, None)
        assert time.monotonic() - started < PARSE_TIMEOUT_SECONDS + 2


async def test_a_turn_gives_up_on_a_rasa_that_never_answers_after_the_timeout() -> None:
    async with never_answering() as url, http_client(1) as http:
        started = time.monotonic()
        with pytest.raises(AssistantUnavailable):
            await RasaClient(http, [url]).send("c-1", "hello", "en")
        assert 1 <= time.monotonic() - started < 3


@contextlib.asynccontextmanager
async def counting_in_flight(seconds: float, most: list[int]) -> AsyncIterator[str]:
    """A Rasa that answers each turn after `seconds`; `most` gets the most turns it held at once."""
    held = 0

    async def turn(request: web.Request) -> web.Response:
        nonlocal held
        held += 1
        most[0] = max(most[0], held)
        await asyncio.sleep(seconds)
        held -= 1
        return web.json_response({"messages": [{"text": "Hi"}]})

    app = web.Application()
    app.router.add_post("/webhooks/hub/webhook", turn)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_a_hub_holds_at_most_its_places_of_turns_at_a_server_and_the_rest_wait() -> None:
    most = [0]
    async with counting_in_flight(0.05, most) as url, http_client(10) as http:
        client = RasaClient(http, [url])
        turns = await asyncio.gather(
            *(client.send(f"c-{n}", "hi", "en") for n in range(2 * IN_FLIGHT_A_SERVER + 3))
        )
    assert all(turn.replies == [BotReply("Hi")] for turn in turns)
    assert most[0] == IN_FLIGHT_A_SERVER


async def test_a_request_that_finds_no_place_in_time_goes_to_the_next_server(
    rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rasa_client, "IN_FLIGHT_A_SERVER", 1)
    monkeypatch.setattr(rasa_client, "PARSE_TIMEOUT_SECONDS", 0.5)
    rasa.parse = Answer(json={"intent": {"name": "greet", "confidence": 0.9}})
    async with never_answering() as stuck, http_client(60) as http:
        servers = [stuck, rasa.url.rstrip("/")]
        client = RasaClient(http, servers)
        first = next(f"c-{n}" for n in range(100) if servers_for(f"c-{n}", servers)[0] == stuck)
        text = next(f"hi {n}" for n in range(100) if servers_for(f"hi {n}", servers)[0] == stuck)
        holding = asyncio.create_task(client.send(first, "hello", "en"))  # takes stuck's place
        await asyncio.sleep(0.1)
        assert await client.intent_of(text) == ("greet", 0.9)
        holding.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await holding
    assert [r.path for r in rasa.requests] == ["/webhooks/hub/parse"]


async def test_the_wait_for_a_place_counts_toward_a_previews_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rasa_client, "IN_FLIGHT_A_SERVER", 1)
    monkeypatch.setattr(rasa_client, "PARSE_TIMEOUT_SECONDS", 1.0)
    async with never_answering() as stuck, http_client(0.5) as http:
        client = RasaClient(http, [stuck])
        holding = asyncio.create_task(client.send("c-1", "hello", "en"))  # gives up after 0.5 s
        await asyncio.sleep(0.05)
        started = time.monotonic()
        assert await client.intent_of("hello") == (None, None)
        # Its place came free after about 0.45 s: the request then had what was left of the 1 s.
        assert 0.9 <= time.monotonic() - started < 1.3
        with pytest.raises(AssistantUnavailable):
            await holding


@pytest.mark.parametrize(
    "body",
    [
        {"messages": None},
        {"messages": "oops"},
        {"messages": [1]},
        {"messages": [{"text": "Hi", "custom": "article"}]},
        {"messages": [{"text": "Hi", "buttons": ["Yes"]}]},
        {"messages": [], "intent": "greet"},
        {"messages": [{"custom": {"handoff": {"reason": "complaint", "confidence": "high"}}}]},
    ],
)
async def test_rasa_answering_json_of_the_wrong_shape_is_unavailable(
    rasa: FakeRasa, client: RasaClient, body: object
) -> None:
    rasa.webhook = Answer(json=body)
    with pytest.raises(AssistantUnavailable):
        await client.send("c-1", "hello", "en")


class ImportSearches(importlib.abc.MetaPathFinder):
    """Records the modules Python searches for, finding none itself."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        self.searched.append(name)


async def test_asking_which_async_library_runs_searches_for_no_module() -> None:
    # httpx's connection pool (the records' and Telegram's clients) asks on every request:
    # without sniffio, each ask searched sys.path for it (benchmarks/rasa-turn-profile.md).
    current_async_library()
    searches = ImportSearches()
    sys.meta_path.insert(0, searches)
    try:
        assert [current_async_library() for _ in range(3)] == ["asyncio"] * 3
    finally:
        sys.meta_path.remove(searches)
    assert searches.searched == []


class KeepAliveServer:
    """A loopback HTTP/1.1 server answering as Rasa's webhook, a little later, on connections it
    keeps open; counts the connections and the requests. With `answers_a_connection`, it closes a
    connection, unanswered, at the request after that many (as a server killed between turns
    whose close the client has not yet noticed)."""

    def __init__(self, answers_a_connection: int | None = None) -> None:
        self.connections = 0
        self.requests = 0
        self.answers_a_connection = answers_a_connection
        self.reply = json.dumps({"messages": [{"text": "Hello!"}], "intent": {}}).encode()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await self._answer(reader, writer)

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        answered = 0
        while head := await reader.readuntil(b"\r\n\r\n"):
            self.requests += 1
            if answered == self.answers_a_connection:
                writer.close()
                return
            length = next(
                (int(line.split(b":")[1]) for line in head.split(b"\r\n")
                 if line.lower().startswith(b"content-length:")),
                0,
            )  # fmt: skip
            await reader.readexactly(length)
            await asyncio.sleep(0.05)  # every customer's turn under way at once
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(self.reply)}\r\n\r\n".encode()
                + self.reply
            )
            await writer.drain()
            answered += 1


async def test_a_turn_on_a_kept_connection_its_server_closed_goes_again_on_a_new_one() -> None:
    server = KeepAliveServer(answers_a_connection=1)
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    async with listening, http_client(10) as http:
        client = RasaClient(http, [url])
        assert (await client.send("c-1", "hello", "en")).replies
        assert (await client.send("c-1", "hello again", "en")).replies  # once more, anew
    assert (server.connections, server.requests) == (2, 3)


async def test_a_turn_on_a_new_connection_closed_under_it_is_not_sent_again() -> None:
    server = KeepAliveServer(answers_a_connection=0)  # the server may have run it
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    async with listening, http_client(10) as http:
        with pytest.raises(AssistantUnavailable):
            await RasaClient(http, [url]).send("c-1", "hello", "en")
    assert (server.connections, server.requests) == (1, 1)


async def test_the_hubs_client_keeps_its_connections_with_many_customers_at_once() -> None:
    server = KeepAliveServer()
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    customers = 40  # more than the 20 connections HTTP clients often keep by default
    async with listening, http_client(10) as http:
        client = RasaClient(http, [url])
        opened = []
        for _ in range(3):
            turns = [client.send(f"c-{n}", "hello", "en") for n in range(customers)]
            assert all(turn.replies for turn in await asyncio.gather(*turns))
            opened.append(server.connections)
    assert opened[0] <= customers
    assert opened[1:] == [opened[0], opened[0]]  # none opened again


async def test_the_hubs_client_drops_idle_connections_before_rasa_would_close_them() -> None:
    server = KeepAliveServer()
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    async with listening, http_client(10) as http:
        client = RasaClient(http, [url])
        await client.send("c-1", "hello", "en")
        await client.send("c-1", "hello", "en")
        kept = server.connections  # the turn's, kept
        await asyncio.sleep(IDLE_SECONDS + 0.5)  # idle, yet well within Rasa's keep-alive
        assert (await client.send("c-1", "hello", "en")).replies
    assert IDLE_SECONDS <= SERVER_KEEP_ALIVE_SECONDS / 2
    assert server.connections == 2 * kept  # the idle ones were dropped, new ones opened
