"""Whole-stack fixtures: the hub in front of the real Rasa server and action server."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright
from redis.asyncio import Redis

from handoff.cli.processes import free_port, hub_process, running
from handoff.settings import Settings
from knowledge_base.files import ARTICLES_DIR, import_articles
from knowledge_base.store import ArticleStore
from tests.support import SwitchableProxy

CHROMIUM = os.environ.get("BATON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Headless Debian Chromium, shared by the browser tests."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture(scope="session")
async def seeded_knowledge_base(redis_url: str) -> None:
    """The seed articles, imported as `make run` imports them."""
    client = Redis.from_url(redis_url, decode_responses=True)
    await import_articles(ArticleStore(client), ARTICLES_DIR, by="import")
    await client.aclose()


@pytest.fixture(scope="session")
def stack_hub(
    bot_stack: Settings, seeded_knowledge_base: None, redis_url: str, logs_dir: Path
) -> Iterator[Settings]:
    """The hub talking to the real bot (at the address the action server calls back)."""
    with running([hub_process(bot_stack, redis_url)], logs_dir / "hub"):
        yield bot_stack


@pytest.fixture
async def rasa_proxy(bot_stack: Settings) -> AsyncIterator[SwitchableProxy]:
    """A switch in front of the real Rasa, to take it down and bring it back."""
    proxy = SwitchableProxy(bot_stack.rasa_port)
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
def proxied_hub(
    bot_stack: Settings, rasa_proxy: SwitchableProxy, redis_url: str, logs_dir: Path
) -> Iterator[Settings]:
    """A hub that reaches Rasa through the switchable proxy."""
    settings = bot_stack.model_copy(update={"port": free_port(), "rasa_port": rasa_proxy.port})
    with running([hub_process(settings, redis_url)], logs_dir / "proxied-hub"):
        yield settings
