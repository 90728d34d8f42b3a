"""Several Rasa servers: each conversation goes to the same one every turn, conversations spread
across them, and a server that is down passes its conversations to the next; the customer hears
of it only when all are down.

The servers here are real loopback HTTP servers standing in for Rasa's hub channel (they note
which conversations they were sent and answer as bot/channel.py does);
test_many_rasa_servers.py does the same with real Rasa servers."""

import json
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aiohttp
import pytest

from handoff.assistant.rasa_client import AssistantUnavailable, RasaClient, http_client
from handoff.assistant.rasa_servers import servers_for
from handoff.cli.processes import free_port


class StandInRasa:
    """A loopback HTTP server answering the hub channel's webhook, noting the sender of each
    message."""

    def __init__(self, name: str) -> None:
        self.senders: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.senders.append(body["sender"])
                self.answer({"messages": [{"text": f"from {name}"}], "intent": {}})

            def answer(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening: connections to it are refused from now on."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def servers() -> Iterator[list[StandInRasa]]:
    """Two Rasa servers."""
    started = [StandInRasa("rasa1"), StandInRasa("rasa2")]
    yield started
    for server in started:
        server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with http_client(10) as client:
        yield client


def client(http: aiohttp.ClientSession, servers: list[StandInRasa]) -> RasaClient:
    """A client of these Rasa servers."""
    return RasaClient(http, [server.url for server in servers])


async def test_a_conversation_goes_to_the_same_server_every_turn(
    http: aiohttp.ClientSession, servers: list[StandInRasa]
) -> None:
    conversations = [f"conversation-{n}" for n in range(20)]
    rasa = client(http, servers)
    for _ in range(3):
        for conversation_id in conversations:
            await rasa.send(conversation_id, "hello", "en")
    first, second = (set(server.senders) for server in servers)
    assert first | second == set(conversations)
    assert not first & second
    for server in servers:
        assert all(server.senders.count(sender) == 3 for sender in server.senders)


async def test_conversations_spread_across_the_servers(
    http: aiohttp.ClientSession, servers: list[StandInRasa]
) -> None:
    rasa = client(http, servers)
    for n in range(200):
        await rasa.send(f"conversation-{n}", "hello", "en")
    # Evenly, as a fair coin: outside 70-130 of 200 once in about 100,000 runs.
    assert all(70 <= len(server.senders) <= 130 for server in servers)


async def test_the_reply_comes_from_the_server_the_conversation_went_to(
    http: aiohttp.ClientSession, servers: list[StandInRasa]
) -> None:
    turn = await client(http, servers).send("conversation-1", "hello", "en")
    [chosen] = [n for n, server in enumerate(servers, start=1) if server.senders]
    assert [reply.text for reply in turn.replies] == [f"from rasa{chosen}"]


async def test_a_server_down_passes_its_conversations_to_the_other(
    http: aiohttp.ClientSession, servers: list[StandInRasa]
) -> None:
    conversations = [f"conversation-{n}" for n in range(40)]
    rasa = client(http, servers)
    for conversation_id in conversations:
        await rasa.send(conversation_id, "hello", "en")
    down, up = servers
    assert down.senders, "the first server had no conversation to pass on"
    down.stop()
    up.senders.clear()
    for conversation_id in conversations:
        turn = await rasa.send(conversation_id, "still there?", "en")
        assert [reply.text for reply in turn.replies] == ["from rasa2"]
    assert sorted(up.senders) == sorted(conversations)


async def test_only_when_every_server_is_down_is_the_assistant_unavailable(
    http: aiohttp.ClientSession, servers: list[StandInRasa]
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    one_left = RasaClient(http, [closed, servers[0].url])
    for n in range(10):
        await one_left.send(f"conversation-{n}", "hello", "en")
    assert len(servers[0].senders) == 10
    none_left = RasaClient(http, [closed, f"http://127.0.0.1:{free_port()}"])
    with pytest.raises(AssistantUnavailable):
        await none_left.send("conversation-1", "hello", "en")


def test_every_hub_orders_the_servers_alike_however_it_lists_them() -> None:
    listed = ["http://10.0.0.1:5005", "http://10.0.0.2:5005", "http://10.0.0.3:5005"]
    for n in range(100):
        key = f"conversation-{n}"
        assert servers_for(key, listed) == servers_for(key, list(reversed(listed)))


def test_a_server_leaving_moves_only_its_own_conversations() -> None:
    listed = ["http://10.0.0.1:5005", "http://10.0.0.2:5005", "http://10.0.0.3:5005"]
    remaining = listed[:2]
    for n in range(300):
        key = f"conversation-{n}"
        before = servers_for(key, listed)[0]
        after = servers_for(key, remaining)[0]
        assert after == before or before == listed[2]
