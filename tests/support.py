"""Test helpers: widget and console clients, staff accounts, the hub in process, a proxy."""

import asyncio
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

import aiohttp
import httpx
import numpy as np
import uvicorn
import websockets
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis
from redis.asyncio.connection import Connection

from handoff.assistant.intake import MessageIntake
from handoff.assistant.rasa_client import RasaClient, http_client
from handoff.cli.processes import (
    free_port,
    redis_process,
    running,
    settings_on_free_ports,
    wait_for_redis,
)
from handoff.conversations.store import ConversationStore
from handoff.customers.identity import IdentityVerifier
from handoff.queue.agent_queue import AgentQueue
from handoff.queue.escalations import PendingEscalations
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from knowledge_base.embeddings import Embedder
from knowledge_base.gap_log import GapLog


@contextmanager
def redis_server_of_its_own(
    data_dir: Path, logs_dir: Path, databases: int | None = None
) -> Iterator[str]:
    """A real redis-server for the block, answering: its address, without a database number."""
    port = free_port()
    with running([redis_process(port, data_dir, databases=databases)], logs_dir):
        address = f"redis://127.0.0.1:{port}"
        wait_for_redis(address)
        yield address


class RememberingEmbedder(Embedder):
    """The packaged model, remembering each text's vector: the test modules that search the
    seed articles' 3,000 variants offline embed them once in the session, not once each."""

    def __init__(self) -> None:
        super().__init__()
        self._vectors: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, super().embed(missing), strict=True))
        if not texts:
            return super().embed([])
        return np.stack([self._vectors[text] for text in texts])


def stream_order(entry_id: str) -> tuple[int, int]:
    """A Redis stream id's place in its stream (transcript entries' ids are such ids)."""
    milliseconds, sequence = entry_id.split("-")
    return int(milliseconds), int(sequence)


def ws_url(settings: Settings) -> str:
    """The widget socket of a hub."""
    return f"ws://127.0.0.1:{settings.port}/ws/widget"


class JsonSocket:
    """A WebSocket client of JSON frames."""

    socket: websockets.ClientConnection | None = None

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def receive(self, *types: str, timeout: float = 30) -> dict:
        """The next frame of one of the types (all types if none given)."""
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.socket.recv())
                if not types or frame["type"] in types:
                    return frame

    async def close(self) -> None:
        if self.socket:
            await self.socket.close()


class WidgetClient(JsonSocket):
    """Speaks the widget's WebSocket protocol, as widget.js does; notes its conversation's id
    and token from the welcome (a resumed one) or the "conversation" frame (a new one), and
    every entry frame it has read, in order."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.welcome: dict = {}
        self.conversation_id: str | None = None
        self.token: str | None = None
        self.entries: list[dict] = []

    async def receive(self, *types: str, timeout: float = 30) -> dict:
        """The next frame of one of the types (all types if none given)."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await super().receive(timeout=timeout)
                if frame["type"] in ("welcome", "conversation") and frame.get("token"):
                    self.conversation_id, self.token = frame["conversation_id"], frame["token"]
                if frame["type"] == "entry":
                    self.entries.append(frame)
                if not types or frame["type"] in types:
                    return frame

    async def start(self, text: str = "hello") -> str:
        """Say something, so that the conversation starts; its id."""
        await self.say(text)
        return (await self.receive("conversation"))["conversation_id"]

    async def connect(
        self,
        token: str | None = None,
        last_id: str | None = None,
        language: str = "en",
        **hello: object,
    ) -> dict:
        """Open the socket and say hello (with more hello fields, if given); the welcome frame."""
        await self.say_hello(token=token, last_id=last_id, language=language, **hello)
        self.welcome = await self.receive("welcome")
        return self.welcome

    async def say_hello(self, **hello: object) -> None:
        """Open the socket and send the hello frame, without waiting for the answer."""
        self.socket = await websockets.connect(
            self.url, additional_headers=self.headers, max_size=None
        )
        await self.send({"type": "hello"} | hello)

    async def say(self, text: str, client_id: str | None = None) -> str:
        """Send a typed message; returns its client id."""
        client_id = client_id or uuid.uuid4().hex
        await self.send({"type": "message", "text": text, "client_id": client_id})
        return client_id

    async def replies_to(
        self, text: str, timeout: float = 30, client_id: str | None = None
    ) -> list[dict]:
        """Say something (again, with the client_id of an earlier try); the entries answering
        it, up to the one "typing off" names.

        Entries come through the transcript's stream and "typing off" straight from the bot's
        turn, so "typing off" may come first (after a Redis failover, by about a second).
        """
        return await self._replies(await self.say(text, client_id), timeout)

    async def presses(self, button: dict, timeout: float = 30) -> list[dict]:
        """Press one of the bot's buttons (its title and payload); the entries answering it."""
        client_id = uuid.uuid4().hex
        await self.send({"type": "button", "client_id": client_id} | button)
        return await self._replies(client_id, timeout)

    async def _replies(self, client_id: str, timeout: float) -> list[dict]:
        entries: list[dict] = []
        seen_own, named = False, set()  # the entries "typing off" frames named
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.receive("entry", "typing")
                if frame["type"] == "entry":
                    seen_own = seen_own or frame.get("client_id") == client_id
                    if seen_own and frame.get("client_id") != client_id:
                        entries.append(frame)
                elif not frame["on"] and frame.get("through"):
                    named.add(frame["through"])
                elif not frame["on"] and seen_own:
                    return entries  # the bot answered nothing
                if any(e["id"] in named for e in entries):
                    return entries


class AgentClient(JsonSocket):
    """Speaks the agent console's WebSocket protocol, as console.js does."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.hello: dict = {}
        self._cookie = ""

    async def log_in(self, name: str, password: str) -> None:
        """Open a staff session (the cookie the console's socket presents)."""
        async with httpx.AsyncClient(base_url=self.base_url) as http:
            await log_in(http, name, password)
            self._cookie = f"baton_session={http.cookies['baton_session']}"

    async def connect(self) -> dict:
        """Open the console's socket from the hub's own origin; returns the hello frame."""
        url = self.base_url.replace("http://", "ws://") + "/ws/agent"
        self.socket = await websockets.connect(
            url, origin=self.base_url, additional_headers={"Cookie": self._cookie}, max_size=None
        )
        self.hello = await self.receive("hello")
        return self.hello

    async def request(self, frame: dict, timeout: float = 30) -> dict:
        """Send a request; its answer ("done" or "error"), skipping other frames."""
        request_id = uuid.uuid4().hex
        await self.send(frame | {"request": request_id})
        async with asyncio.timeout(timeout):
            while True:
                answer = await self.receive("done", "error")
                if answer.get("request") == request_id:
                    return answer


class SwitchableProxy:
    """A TCP forwarder that can be turned off (connections refused) and on again."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self._target_port = target_port
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)

    async def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a dead server would."""
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self._target_port
        )
        self._writers |= {writer, upstream_writer}
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


class Account(NamedTuple):
    """A staff member's name and password (`name, password = account`)."""

    name: str
    password: str


class StaffAccounts:
    """Makes staff accounts, each with a new name: `await staff(Role.EDITOR)`."""

    def __init__(self, redis: Redis) -> None:
        self.users = UserStore(redis)

    async def __call__(self, role: Role, languages: tuple[str, ...] = ("en",)) -> Account:
        account = Account(f"{role.value}-{secrets.token_hex(4)}", secrets.token_urlsafe(12))
        await self.users.add(account.name, account.password, role, languages)
        return account

    async def log_in(self, client: httpx.AsyncClient, role: Role) -> httpx.AsyncClient:
        """The client, logged in as a new account of this role."""
        await log_in(client, *await self(role))
        return client


async def log_in(client: httpx.AsyncClient, name: str, password: str) -> None:
    """Log an HTTP client in; it sends the CSRF token with every call from then on."""
    response = await client.post("/auth/login", json={"name": name, "password": password})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf"]


async def staff_client(base_url: str, name: str, password: str) -> httpx.AsyncClient:
    """A new HTTP client of a hub process, logged in as a staff member."""
    client = httpx.AsyncClient(base_url=base_url)
    await log_in(client, name, password)
    return client


@dataclass
class InProcessHub:
    """The hub's app running in the test's process: HTTP clients reach it through ASGI."""

    app: FastAPI
    _closing: AsyncExitStack

    @property
    def settings(self) -> Settings:
        return self.app.state.services.settings

    async def serve(self) -> None:
        """Serve it over real HTTP too, on its port, until the hub stops."""
        await self._closing.enter_async_context(serving(self.app, self.settings.port))

    def client(self) -> httpx.AsyncClient:
        """A new client (cookies of its own), closed with the hub."""
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(transport=transport, base_url="http://hub.test")
        self._closing.push_async_callback(client.aclose)
        return client


@asynccontextmanager
async def serving(app: FastAPI, port: int) -> AsyncIterator[None]:
    """Serve an app over real HTTP on a loopback port, in this event loop, for the block (its
    lifespan is left to whoever runs it)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,  # a long poll left waiting ends with the server
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task


# Prometheus's samples (/metrics), by name and labels.
Sample = tuple[str, frozenset[tuple[str, str]]]


async def scrape(client: httpx.AsyncClient) -> dict[Sample, float]:
    """Every sample /metrics shows, by name and labels."""
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def moved(before: dict[Sample, float], after: dict[Sample, float]) -> dict[Sample, float]:
    """How much each sample changed (only those that did)."""
    changes = {key: value - before.get(key, 0.0) for key, value in after.items()}
    return {key: change for key, change in changes.items() if change}


def sample(name: str, **labels: str) -> Sample:
    """A metric's sample as `scrape` keys it."""
    return name, frozenset(labels.items())


def signed(settings: Settings, user_id: str) -> dict[str, str]:
    """The hello fields the company's site puts on the widget tag for a signed-in user."""
    verifier = IdentityVerifier(settings.identity_secret.get_secret_value())
    return {"user_id": user_id, "user_hash": verifier.sign(user_id)}


def intake_with_bot(redis: Redis, bot: Settings, http: aiohttp.ClientSession) -> MessageIntake:
    """The message intake of a hub whose Redis client is this one, asking the bot of `bot`."""
    settings = settings_on_free_ports("redis://unused")
    store = ConversationStore(redis, settings)
    queue = AgentQueue(redis, store, UserStore(redis), settings)
    rasa = RasaClient(http, bot.rasa_urls)
    return _intake(redis, store, queue, rasa)


@asynccontextmanager
async def intake_without_bot(
    redis: Redis, store: ConversationStore, queue: AgentQueue
) -> AsyncIterator[MessageIntake]:
    """The message intake of a hub whose Rasa is a closed port: every message goes to a person."""
    async with http_client(2) as http:
        dead = f"http://127.0.0.1:{free_port()}"
        yield _intake(redis, store, queue, RasaClient(http, [dead]))


def _intake(
    redis: Redis, store: ConversationStore, queue: AgentQueue, rasa: RasaClient
) -> MessageIntake:
    """A hub's message intake over these parts, asking this Rasa (4,000-character messages)."""
    return MessageIntake(store, rasa, queue, PendingEscalations(redis, queue), GapLog(redis), 4000)


T = TypeVar("T")


class CountingConnection(Connection):
    """A connection to Redis that counts the requests it sends (round trips: a pipeline's
    commands go as one); `Redis.from_url(url, connection_class=CountingConnection)`."""

    sent = 0  # by every connection of this class, since the test reset it

    async def send_packed_command(self, command: object, check_health: bool = True) -> None:
        type(self).sent += 1
        await super().send_packed_command(command, check_health)


async def round_trips_of(step: Awaitable[T]) -> tuple[T, int]:
    """What a step returns, and how many round trips CountingConnection clients made for it."""
    before = CountingConnection.sent
    result = await step
    return result, CountingConnection.sent - before
