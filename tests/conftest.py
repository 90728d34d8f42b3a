"""Shared fixtures: a real Redis server (a database of its own for each test), staff accounts,
the hub in process or as a real process, the whole stack."""

import asyncio
import functools
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
from redis.asyncio import Redis

from handoff import services
from handoff.app import create_app
from handoff.cli.processes import (
    Supervisor,
    bot_processes,
    hub_process,
    running,
    settings_on_free_ports,
)
from handoff.settings import Settings
from knowledge_base.embeddings import Embedder
from knowledge_base.text import Tokenizer
from tests.support import (
    InProcessHub,
    RememberingEmbedder,
    StaffAccounts,
    redis_server_of_its_own,
)

# Database 0 is for the session's long-running processes (a hub, the bot, the whole stack); the
# others go round, one to each test, emptied first.
DATABASES = 512


@pytest.fixture(scope="session", autouse=True)
def _no_second_opinion() -> Iterator[None]:
    """Hubs run without the second-opinion model (600 MB and its index in each), except where a
    test asks for it: the tests that measure the bot's answers (tests/e2e/test_held_out.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BATON_SECOND_OPINION_MODEL", "")
        patch.setenv("BATON_SECOND_OPINION_BY_LANGUAGE", "{}")
        yield


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[str]:
    """A real redis-server for the whole session: its address, without a database number."""
    with redis_server_of_its_own(tmp_path_factory.mktemp("redis"), logs_dir, DATABASES) as address:
        yield address


@pytest.fixture(scope="session")
def redis_url(redis_server: str) -> str:
    """Database 0, shared by the session's hub, bot and whole-stack processes."""
    return f"{redis_server}/0"


@pytest.fixture(scope="session")
def _database_numbers() -> Iterator[int]:
    return itertools.cycle(range(1, DATABASES))


@pytest.fixture
async def database_url(redis_server: str, _database_numbers: Iterator[int]) -> str:
    """A database of this test's own, empty."""
    url = f"{redis_server}/{next(_database_numbers)}"
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()
    return url


async def _client(url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def fresh_redis(database_url: str) -> AsyncIterator[Redis]:
    """A client of this test's own database."""
    async for client in _client(database_url):
        yield client


@pytest.fixture
async def shared_redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client of database 0, the one the session's hub processes use."""
    async for client in _client(redis_url):
        yield client


@pytest.fixture
def redis(shared_redis: Redis) -> Redis:
    """The whole stack's database (tests/handoff and tests/knowledge_base: the test's own)."""
    return shared_redis


@pytest.fixture
def staff(redis: Redis) -> StaffAccounts:
    """Staff accounts in the test's database: `await staff(Role.EDITOR)`, name and password."""
    return StaffAccounts(redis)


@pytest.fixture
def hub_staff(shared_redis: Redis) -> StaffAccounts:
    """Staff accounts of the session's hub processes (database 0)."""
    return StaffAccounts(shared_redis)


@pytest.fixture(scope="session")
def seed_embedder() -> RememberingEmbedder:
    """The packaged embedding model, each text embedded once in the session."""
    return RememberingEmbedder()


@pytest.fixture(scope="session")
def _models_loaded_once() -> Iterator[None]:
    """In-process hubs share one embedding model and one tokenizer (each takes a second)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "Embedder", functools.cache(Embedder))
        patch.setattr(services, "Tokenizer", functools.cache(Tokenizer))
        yield


@pytest.fixture
async def start_hub(
    database_url: str, _models_loaded_once: None
) -> AsyncIterator[Callable[..., Awaitable[InProcessHub]]]:
    """Starts the hub's app in this process, on the test's database, with settings changed as
    asked; its lifespan runs as in uvicorn, and ends with the test."""
    async with AsyncExitStack() as stack:

        async def start(**overrides: object) -> InProcessHub:
            app = create_app(settings_on_free_ports(database_url, **overrides))
            async with _subscribed(database_url):
                await stack.enter_async_context(app.router.lifespan_context(app))
            return InProcessHub(app, stack)

        yield start


@asynccontextmanager
async def _subscribed(url: str) -> AsyncIterator[None]:
    """Waits, after the block, until a new hub follows the knowledge base's change feed and the
    typing channels, as a started hub does (stopping one before that can hang in redis-py)."""
    client = Redis.from_url(url, decode_responses=True)

    async def subscribers() -> tuple[int, int]:
        clients = await client.client_list()
        return sum(int(c["sub"]) > 0 for c in clients), sum(int(c["psub"]) > 0 for c in clients)

    before = await subscribers()
    yield
    async with asyncio.timeout(10):
        while not all(n > b for n, b in zip(await subscribers(), before, strict=True)):
            await asyncio.sleep(0.01)
    await client.aclose()


@pytest.fixture
async def hub(start_hub: Callable[..., Awaitable[InProcessHub]]) -> InProcessHub:
    """The hub's app in this process, on the test's database (its Rasa is a closed port)."""
    return await start_hub()


@pytest.fixture(scope="session")
def hub_without_bot(redis_url: str, logs_dir: Path) -> Iterator[Settings]:
    """The hub as a real process whose Rasa is down (nothing listens on its port)."""
    settings = settings_on_free_ports(redis_url)
    with running([hub_process(settings, redis_url)], logs_dir / "hub-without-bot"):
        yield settings


@pytest.fixture(scope="session")
def bot_settings(redis_url: str) -> Settings:
    """Ports and settings of the session's bot."""
    return settings_on_free_ports(redis_url)


@pytest.fixture(scope="session")
def bot_supervisor(bot_settings: Settings, redis_url: str, logs_dir: Path) -> Iterator[Supervisor]:
    """The real Rasa server (trained model) and action server, on free ports."""
    with running(bot_processes(bot_settings, redis_url), logs_dir / "bot", timeout=240) as bot:
        yield bot


@pytest.fixture(scope="session")
def bot_stack(bot_settings: Settings, bot_supervisor: Supervisor) -> Settings:
    """The settings of the running bot."""
    return bot_settings
