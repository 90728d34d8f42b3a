"""Shared fixtures: a real Redis server, the hub as a real process, the whole stack."""

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis as sync_redis
from redis.asyncio import Redis

from handoff.cli.processes import bot_processes, hub_process, redis_process
from handoff.settings import Settings
from tests.support import Supervisor, free_port, make_settings, running


@pytest.fixture(scope="session")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory, logs_dir: Path) -> Iterator[str]:
    """A real redis-server for the whole session."""
    port = free_port()
    with running([redis_process(port, tmp_path_factory.mktemp("redis"))], logs_dir):
        url = f"redis://127.0.0.1:{port}/0"
        _wait_for_redis(url)
        yield url


def _wait_for_redis(url: str) -> None:
    client = sync_redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return
        except sync_redis.ConnectionError:
            time.sleep(0.05)
    raise TimeoutError(f"redis at {url} did not start")


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client of the session's Redis."""
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def hub_without_bot(redis_url: str, logs_dir: Path) -> Iterator[Settings]:
    """The hub as a real process whose Rasa is down (nothing listens on its port)."""
    settings = make_settings(redis_url)
    with running([hub_process(settings, redis_url)], logs_dir / "hub-without-bot"):
        yield settings


@pytest.fixture(scope="session")
def bot_settings(redis_url: str) -> Settings:
    """Ports and settings of the session's bot."""
    return make_settings(redis_url)


@pytest.fixture(scope="session")
def bot_supervisor(bot_settings: Settings, redis_url: str, logs_dir: Path) -> Iterator[Supervisor]:
    """The real Rasa server (trained model) and action server, on free ports."""
    with running(bot_processes(bot_settings, redis_url), logs_dir / "bot", timeout=240) as bot:
        yield bot


@pytest.fixture(scope="session")
def bot_stack(bot_settings: Settings, bot_supervisor: Supervisor) -> Settings:
    """The settings of the running bot."""
    return bot_settings
