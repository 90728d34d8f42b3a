"""A Telegram customer chats with the real trained bot: python-telegram-bot in a hub process,
the Bot API stand-in on loopback, Rasa and the action server of the session's stack."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from handoff.cli.processes import free_port, hub_process, running
from handoff.conversations.system_messages import system_message
from handoff.settings import Settings
from tests.bot_responses import article_answer, response_texts
from tests.telegram_bot_api import BotApi

pytestmark = pytest.mark.e2e

TOKEN = "654321:e2e-stand-in"
MINA = {"id": 6660001, "is_bot": False, "first_name": "Mina", "language_code": "en-GB"}
JIWOO = {"id": 6660002, "is_bot": False, "first_name": "Jiwoo", "language_code": "ko"}


@pytest.fixture
async def telegram_stack(
    stack_hub: Settings, redis_url: str, logs_dir: Path
) -> AsyncIterator[BotApi]:
    """A second hub process of the whole stack with the Telegram channel on (the action server
    asks the session's hub for decisions: both share the stack's Redis)."""
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
            yield api


def texts(api: BotApi, user: dict) -> list[str]:
    return [message["text"] for message in api.sent(user["id"])]


async def test_the_real_bot_answers_on_telegram_in_english_and_korean_with_buttons(
    telegram_stack: BotApi,
) -> None:
    api = telegram_stack
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
