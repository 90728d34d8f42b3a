"""A bot reply is stored once even when its connection dies after Redis ran the append: the
hub's client sends the command again (handoff/redis_connection.py), and the reply's client_id,
named after the message it answers, turns the second run into a no-op. Real Rasa, real Redis,
and a proxy between them and the hub that cuts the connection at that moment."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis

from handoff.assistant.intake import MessageIntake, reply_client_id
from handoff.assistant.rasa_client import http_client
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.redis_connection import connect_redis
from handoff.settings import Settings
from tests.support import intake_with_bot

BOT_REPLY = b"$6\r\nsender\r\n$3\r\nbot\r\n"  # a field of the script appending a bot reply


class AnswerCutter:
    """A TCP proxy to Redis that, once, closes the client's connection instead of passing on
    Redis's answer to a script that appended a bot reply: Redis has run it, the client never
    learns so."""

    def __init__(self, redis_port: int) -> None:
        self._redis_port = redis_port
        self.cut = 0

    async def serve(self, reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        """Relay one client connection both ways."""
        redis_reader, redis = await asyncio.open_connection("127.0.0.1", self._redis_port)
        appending = asyncio.Event()

        async def upstream() -> None:
            while data := await reader.read(65536):
                if BOT_REPLY in data and not self.cut:
                    appending.set()
                redis.write(data)
                await redis.drain()

        async def downstream() -> None:
            while data := await redis_reader.read(65536):
                if appending.is_set() and data.startswith(b"*"):  # the script's result
                    self.cut += 1
                    return
                client.write(data)
                await client.drain()

        relays = [asyncio.create_task(upstream()), asyncio.create_task(downstream())]
        with contextlib.suppress(ConnectionError):
            await asyncio.wait(relays, return_when=asyncio.FIRST_COMPLETED)
        for relay in relays:
            relay.cancel()
        for writer in (client, redis):
            writer.close()


@pytest.fixture
async def cut_once(database_url: str) -> AsyncIterator[tuple[AnswerCutter, str]]:
    """The proxy, and the URL of the test's database through it."""
    url = urlsplit(database_url)
    cutter = AnswerCutter(url.port)
    server = await asyncio.start_server(cutter.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield cutter, f"redis://127.0.0.1:{port}{url.path}"


async def greet(intake: MessageIntake, store: ConversationStore) -> tuple[str, list[Entry]]:
    """Greet the bot in a new conversation: the greeting's entry id, and what the transcript
    holds from the bot."""
    conversation = await store.create("web", "en")
    greeting = await intake.accept(conversation.id, "hello", "c1")
    await intake.answer(greeting)
    entries = await store.entries(conversation.id)
    return greeting.entry_id, [e for e in entries if e.sender is Sender.BOT]


async def test_a_bot_reply_whose_answer_was_lost_in_flight_is_stored_once(
    bot_stack: Settings, cut_once: tuple[AnswerCutter, str], fresh_redis: Redis
) -> None:
    cutter, proxied_url = cut_once
    proxied = connect_redis(settings_on_free_ports(proxied_url), decode_responses=True)
    async with http_client(30) as http:
        store = ConversationStore(fresh_redis)
        _, undisturbed = await greet(intake_with_bot(fresh_redis, bot_stack, http), store)
        greeting_id, retried = await greet(intake_with_bot(proxied, bot_stack, http), store)
    await proxied.aclose()

    assert cutter.cut == 1  # Redis ran an append whose answer never reached the hub
    assert undisturbed and len(retried) == len(undisturbed)  # no reply twice
    assert [e.client_id for e in retried] == [
        reply_client_id(greeting_id, n) for n in range(len(retried))
    ]
