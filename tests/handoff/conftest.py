"""Every test of the hub has a Redis database of its own: its conversations, a hub in process
with a few articles; widgets of the session's hub process; a real SMTP server on loopback."""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from pydantic import SecretStr
from redis.asyncio import Redis

from handoff.cli.processes import free_port
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from knowledge_base.articles import ArticleContent, Status
from knowledge_base.decision import DEFAULT_POLICY, SECOND_OPINION_POLICY
from knowledge_base.store import ArticleStore
from tests.support import InProcessHub, WidgetClient, ws_url
from tests.telegram_bot_api import BotApi

TELEGRAM_TOKEN = "123456:stand-in-token"
WEBHOOK_SECRET = "webhook-secret_1"


@pytest.fixture
def redis(fresh_redis: Redis) -> Redis:
    """The test's own database (tests/conftest.py), not the session hub's."""
    return fresh_redis


class Inbox(Message):
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    """An SMTP server on a free loopback port, and the inbox it delivers to."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def store(redis: Redis) -> ConversationStore:
    """The conversations in the test's database."""
    return ConversationStore(redis)


@pytest.fixture
def escalated(store: ConversationStore) -> Callable[..., Awaitable[str]]:
    """`await escalated(language="en")`: a new conversation waiting for a person; its id."""

    async def create(language: str = "en") -> str:
        conversation = await store.create("web", language, "customer-1")
        escalation = Entry(sender=Sender.SYSTEM, text="", event="escalated")
        await store.transition(conversation.id, "escalate", escalation)
        return conversation.id

    return create


@pytest.fixture
async def widget(hub_without_bot: Settings) -> AsyncIterator[WidgetClient]:
    """A widget client of the session's hub process (not connected yet); closed after."""
    client = WidgetClient(ws_url(hub_without_bot))
    yield client
    await client.close()


ANSWERED = "how do I reset my password"  # a question variant of the published article


async def _hub_with_articles(
    start_hub: Callable[..., Awaitable[InProcessHub]], redis: Redis, **overrides: object
) -> InProcessHub:
    """A hub in process with settings changed as asked; its knowledge base: en/reset-password
    published, en/fees a draft."""
    articles = ArticleStore(redis)
    for slug, content in [
        (
            "reset-password",
            ArticleContent(
                title="Resetting <your> password",
                body="Tap **Forgot password** on the login screen.\n\n<script>alert(1)</script>",
                questions=[ANSWERED, "I forgot my password", "can't log in, password lost"],
                status=Status.PUBLISHED,
            ),
        ),
        ("fees", ArticleContent(title="Fees", body="Not yet.", questions=["what are the fees"])),
    ]:
        await articles.save("en", slug, content, by="test", base_revision=0)
    return await start_hub(**overrides)


@pytest.fixture
async def hub_with_articles(
    start_hub: Callable[..., Awaitable[InProcessHub]], redis: Redis
) -> InProcessHub:
    """The hub in process; its knowledge base: en/reset-password published, en/fees a draft."""
    return await _hub_with_articles(start_hub, redis)


@pytest.fixture
async def hub_offering_nothing(
    start_hub: Callable[..., Awaitable[InProcessHub]], redis: Redis
) -> InProcessHub:
    """The same, offering no articles to choose from, so that a miss asks to rephrase: a lone
    article reads 0.34 or more for any question under the fitted calibration (its margin is its
    whole score), over `Policy.suggest`."""
    never = {"suggest": 1.0}
    return await _hub_with_articles(
        start_hub,
        redis,
        decision_policy=DEFAULT_POLICY.model_copy(update=never),
        second_opinion_policy=SECOND_OPINION_POLICY.model_copy(update=never),
    )


@pytest.fixture
async def hub_answering_nothing(
    start_hub: Callable[..., Awaitable[InProcessHub]], redis: Redis
) -> InProcessHub:
    """The same, where no article is ever the search's answer (its bar at 1): under the fitted
    calibration a lone article, which every ranking agrees on, is confident of any question."""
    return await _hub_with_articles(start_hub, redis, kb_answer_threshold=1.0)


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApi]:
    """The Bot API stand-in on a loopback port."""
    api = BotApi(TELEGRAM_TOKEN)
    async with api.running():
        yield api


def telegram_settings(bot_api: BotApi, **overrides: object) -> dict:
    """A hub's settings with the Telegram channel on, talking to the stand-in."""
    port = free_port()
    return {
        "port": port,
        "public_url": f"http://127.0.0.1:{port}",
        "telegram_token": SecretStr(TELEGRAM_TOKEN),
        "telegram_api_url": bot_api.base_url,
        "telegram_webhook_secret": SecretStr(WEBHOOK_SECRET),
        "telegram_reclaim_seconds": 1.0,
    } | overrides


@pytest.fixture
def start_telegram_hub(
    bot_api: BotApi, start_hub: Callable[..., Awaitable[InProcessHub]]
) -> Callable[..., Awaitable[InProcessHub]]:
    """Starts the hub in process with the Telegram channel on, served over HTTP; in webhook
    mode, returns once it has registered its webhook with the stand-in."""

    async def start(**overrides: object) -> InProcessHub:
        hub = await start_hub(**telegram_settings(bot_api, **overrides))
        await hub.serve()
        if hub.settings.telegram_mode == "webhook":
            await bot_api.wait(lambda: bot_api.webhook_url)
        return hub

    return start
