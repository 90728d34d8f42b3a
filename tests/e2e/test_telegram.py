"""A Telegram customer chats with the real trained bot: python-telegram-bot in a hub process,
the Bot API stand-in on loopback, Rasa and the action server of the session's stack."""

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect
from pydantic import SecretStr
from redis.asyncio import Redis

from handoff import keys
from handoff.cli.processes import free_port, hub_process, running
from handoff.conversations.system_messages import system_message
from handoff.customers.identity import IdentityVerifier
from handoff.settings import Settings
from handoff.staff.users import Role
from tests.bot_responses import article_answer, response_texts
from tests.e2e.pages import log_in, messages, send
from tests.support import StaffAccounts, WidgetClient, ws_url
from tests.telegram_bot_api import BotApi

pytestmark = pytest.mark.e2e

TOKEN = "654321:e2e-stand-in"
MINA = {"id": 6660001, "is_bot": False, "first_name": "Mina", "language_code": "en-GB"}
LINKED = {"id": 6660003, "is_bot": False, "first_name": "Ara", "language_code": "en"}
BORA = {"id": 6660004, "is_bot": False, "first_name": "Bora", "language_code": "en"}
JIWOO = {"id": 6660002, "is_bot": False, "first_name": "Jiwoo", "language_code": "ko"}


@dataclass(frozen=True)
class TelegramStack:
    """The Bot API stand-in, and the settings of the hub process that talks to it."""

    api: BotApi
    hub: Settings


@pytest.fixture(scope="module")
async def telegram_stack(
    stack_hub: Settings, redis_url: str, logs_dir: Path
) -> AsyncIterator[TelegramStack]:
    """A second hub process of the whole stack with the Telegram channel on (the action server
    asks the session's hub for decisions: both share the stack's Redis), for this module's
    tests (each with Telegram users of its own)."""
    api = BotApi(TOKEN)
    async with api.running():
        port = free_port()
        settings = stack_hub.model_copy(
            update={
                "port": port,
                "public_url": f"http://127.0.0.1:{port}",
                "telegram_token": SecretStr(TOKEN),
                "telegram_api_url": api.base_url,
                "telegram_webhook_secret": SecretStr("e2e-secret"),
            }
        )
        with running([hub_process(settings, redis_url)], logs_dir / "telegram-hub"):
            await api.wait(lambda: api.webhook_url)
            yield TelegramStack(api, settings)


def texts(api: BotApi, user: dict) -> list[str]:
    return [message["text"] for message in api.sent(user["id"])]


async def test_the_real_bot_answers_on_telegram_in_english_and_korean_with_buttons(
    telegram_stack: TelegramStack,
) -> None:
    api = telegram_stack.api
    await api.post(api.text(MINA, "what do I need to do to get my account verified?"))
    await api.wait(lambda: any(m.get("reply_markup") for m in api.sent(MINA["id"])))
    answer, *_ = texts(api, MINA)
    assert answer.startswith(article_answer("verify-account", "en"))
    assert answer.endswith("/help/en/verify-account")  # the article's link, in plain text
    asked = api.last_message(MINA["id"])
    yes = asked["reply_markup"]["inline_keyboard"][0][0]
    assert yes["callback_data"] != "/affirm" and len(yes["callback_data"]) <= 64

    before_press = len(texts(api, MINA))
    await api.post(api.press(MINA, asked, yes["callback_data"]))
    await api.wait(lambda: len(texts(api, MINA)) > before_press)
    assert "reply_markup" not in asked
    assert texts(api, MINA)[-1] != system_message("assistant_unavailable", "en")

    await api.post(api.text(JIWOO, "안녕하세요 반갑습니다"))
    await api.wait(lambda: texts(api, JIWOO))
    assert texts(api, JIWOO)[0] in response_texts("utter_greet", "ko")
    await api.post(api.text(JIWOO, "/human"))
    await api.wait(lambda: system_message("escalated", "ko") in texts(api, JIWOO))


async def test_the_console_opens_a_linked_customers_web_conversation_from_their_telegram_chat(
    telegram_stack: TelegramStack, browser: Browser, staff: StaffAccounts, redis: Redis
) -> None:
    api, hub = telegram_stack.api, telegram_stack.hub
    base_url = f"http://127.0.0.1:{hub.port}"
    user_id = f"e2e-{secrets.token_hex(4)}"
    site = IdentityVerifier(hub.identity_secret.get_secret_value())
    signed = {"user_id": user_id, "user_hash": site.sign(user_id)}
    marker = f"my card was declined {secrets.token_hex(3)}"
    widget = WidgetClient(ws_url(hub))
    try:
        await widget.connect(**signed)
        on_web = await widget.start(marker)  # a signed-in user on the website, then Telegram
    finally:
        await widget.close()
    async with httpx.AsyncClient(base_url=base_url) as site_server:
        code = (await site_server.post("/telegram/link", json=signed)).json()["code"]
    await api.post(api.text(LINKED, f"/start {code}"))
    await api.wait(lambda: system_message("telegram_linked", "en") in texts(api, LINKED))
    await api.post(api.text(LINKED, "/human"))
    await api.wait(lambda: system_message("escalated", "en") in texts(api, LINKED))

    context = await browser.new_context(base_url=base_url)
    agent = await context.new_page()
    await log_in(agent, "/agent/", *await staff(Role.AGENT))
    in_telegram = await redis.get(keys.telegram_chat(LINKED["id"]))
    row = agent.locator(f'[data-testid="queue-item"][data-conversation-id="{in_telegram}"]')
    await row.get_by_test_id("queue-claim").click()
    past = agent.get_by_test_id("history-item")
    await expect(past).to_have_count(1)
    await expect(past).to_contain_text("web")
    await past.get_by_test_id("history-open").click()
    await expect(agent.get_by_test_id("chat-title")).to_have_text(f"Conversation {on_web[:8]}")
    await expect(agent.get_by_test_id("transcript")).to_contain_text(marker)
    await expect(agent.get_by_test_id("reply")).to_be_disabled()  # read-only: not the agent's
    await context.close()


async def test_the_widget_moves_to_telegram_and_back_and_each_reply_goes_where_she_wrote(
    telegram_stack: TelegramStack, browser: Browser
) -> None:
    api, hub = telegram_stack.api, telegram_stack.hub
    context = await browser.new_context(base_url=f"http://127.0.0.1:{hub.port}")
    page = await context.new_page()
    await page.goto("/")
    await page.get_by_test_id("baton-launcher").click()
    await send(page, "hello")
    await expect(messages(page, "bot").first).to_be_visible()
    await page.get_by_test_id("baton-telegram").click()
    link = page.get_by_test_id("baton-telegram-link")
    await expect(link).to_be_visible()
    code = (await link.get_attribute("href")).split("?start=", 1)[1]
    await api.post(api.text(BORA, f"/start {code}"))
    moved = system_message("moved_to_telegram", "en")
    await expect(messages(page, "system").filter(has_text=moved)).to_have_count(1)
    await expect(link).to_be_hidden()
    await api.wait(lambda: moved in texts(api, BORA))

    on_telegram = len(texts(api, BORA))
    answered = await messages(page, "bot").count()
    await send(page, "what do I need to do to get my account verified?")
    back = system_message("moved_to_web", "en")
    await expect(messages(page, "system").filter(has_text=back)).to_have_count(1)
    await expect(messages(page, "bot").nth(answered)).to_be_visible()  # answered here
    web_answer = await messages(page, "bot").nth(answered).inner_text()

    await api.post(api.text(BORA, "I am on my phone again"))
    await expect(messages(page, "system").filter(has_text=moved)).to_have_count(2)
    await api.wait(lambda: texts(api, BORA).count(moved) == 2)
    # The web answer only in the recap; the bot's reply to "I am on my phone again" may follow.
    recap, moved_again, *_ = texts(api, BORA)[on_telegram:]
    assert web_answer.splitlines()[0][:40] in recap and moved_again == moved
    await context.close()
