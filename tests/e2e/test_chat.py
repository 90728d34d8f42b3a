"""A customer chats with the real trained bot over the widget's WebSocket, in English and Korean."""

import asyncio

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.settings import Settings
from handoff.stack import bot_processes
from tests.bot_responses import expected_texts
from tests.support import Supervisor, SwitchableProxy, WidgetClient, ws_url

pytestmark = pytest.mark.e2e

# (what the customer writes, the response the bot must give, "kb:slug" for an article's answer);
# none is an NLU training example or a question variant verbatim.
ENGLISH = [
    ("hey there, good morning", "utter_greet"),
    ("what do I need to do to get my account verified?", "kb:verify-account"),
    ("my money hasn't reached my mother yet, where is it", "kb:transfer-delayed"),
    ("what are your fees for sending to the philippines", "kb:fees"),
    ("I want to speak with a real human please", "utter_request_human"),
    ("somebody logged into my account and sent money I never approved", "utter_report_fraud"),
    ("this is unacceptable, I want to file a complaint about your service", "utter_complaint"),
    ("can you recommend a good pizza recipe", "utter_out_of_scope"),
    ("thanks a lot, that helped", "utter_you_are_welcome"),
    ("ok bye, have a nice day", "utter_goodbye"),
]
KOREAN = [
    ("안녕하세요 반갑습니다", "utter_greet"),
    ("계정 인증하려면 뭘 해야 하나요?", "kb:verify-account"),
    ("어제 보낸 돈이 아직 도착을 안 했어요", "kb:transfer-delayed"),
    ("필리핀으로 보낼 때 수수료가 얼마예요?", "kb:fees"),
    ("사람이랑 직접 이야기하고 싶어요", "utter_request_human"),
    ("누가 제 계정으로 몰래 송금했어요", "utter_report_fraud"),
    ("서비스가 너무 불만족스러워서 항의하고 싶습니다", "utter_complaint"),
    ("오늘 날씨 어때요?", "utter_out_of_scope"),
    ("도와주셔서 정말 감사합니다", "utter_you_are_welcome"),
    ("안녕히 계세요", "utter_goodbye"),
]


@pytest.fixture
async def widget(stack_hub: Settings) -> WidgetClient:
    client = WidgetClient(ws_url(stack_hub))
    yield client
    await client.close()


async def assert_bot_says(widget: WidgetClient, text: str, response: str, language: str) -> dict:
    replies = await widget.replies_to(text)
    assert replies, f"no reply to {text!r}"
    assert all(r["sender"] == "bot" for r in replies), replies
    said = replies[0]["text"].strip()
    assert said in expected_texts(response, language), f"{text!r} got {said!r}, not {response}"
    if response.startswith("kb:"):
        slug = response.removeprefix("kb:")
        assert replies[0]["link"]["url"].endswith(f"/help/{language}/{slug}")
        assert [b["payload"] for b in replies[-1]["buttons"]] == ["/affirm", "/deny"]
    return replies[0]


@pytest.mark.parametrize(("text", "response"), ENGLISH)
async def test_the_bot_answers_in_english(widget: WidgetClient, text: str, response: str) -> None:
    await widget.connect(language="en")
    await assert_bot_says(widget, text, response, "en")


@pytest.mark.parametrize(("text", "response"), KOREAN)
async def test_the_bot_answers_in_korean(widget: WidgetClient, text: str, response: str) -> None:
    await widget.connect(language="ko")
    await assert_bot_says(widget, text, response, "ko")


async def test_the_issue_conversation_switches_language(widget: WidgetClient) -> None:
    await widget.connect(language="en")
    greeting = await assert_bot_says(widget, "hello", "utter_greet", "en")
    assert greeting["buttons"], "the greeting offers buttons"
    await assert_bot_says(widget, "how do I verify my account?", "kb:verify-account", "en")
    await assert_bot_says(widget, "안녕하세요", "utter_greet", "ko")


async def test_a_pressed_button_reaches_its_intent(widget: WidgetClient) -> None:
    await widget.connect(language="en")
    greeting = await assert_bot_says(widget, "hi", "utter_greet", "en")
    button = next(b for b in greeting["buttons"] if b["payload"] == "/account_verification")
    await widget.send({"type": "button", "client_id": "press-1", **button})
    replies = []
    while not replies or replies[-1].get("client_id") == "press-1":
        replies.append(await widget.receive("entry"))
    assert replies[0]["text"] == button["title"]
    assert replies[-1]["text"].strip() in expected_texts("utter_account_verification", "en")


async def test_rasa_down_then_back_the_conversation_carries_on(
    proxied_hub: Settings, rasa_proxy: SwitchableProxy
) -> None:
    widget = WidgetClient(ws_url(proxied_hub))
    await widget.connect(language="en")
    await assert_bot_says(widget, "hello", "utter_greet", "en")
    await rasa_proxy.stop()
    [notice] = await widget.replies_to("how do I verify my account?")
    assert notice["sender"] == "system" and "unavailable" in notice["text"]
    await rasa_proxy.start()
    await assert_bot_says(widget, "how do I verify my account?", "kb:verify-account", "en")
    await widget.close()


async def test_action_server_down_then_back_the_conversation_carries_on(
    widget: WidgetClient, bot_stack: Settings, bot_supervisor: Supervisor, redis_url: str
) -> None:
    await widget.connect(language="ko")
    await assert_bot_says(widget, "안녕하세요", "utter_greet", "ko")
    [actions] = [p for p in bot_processes(bot_stack, redis_url) if p.name == "actions"]
    bot_supervisor.stop("actions")
    try:
        [notice] = await widget.replies_to("계정 인증은 어떻게 해요?")
        assert notice["sender"] == "system" and "사용할 수 없습니다" in notice["text"]
    finally:
        await asyncio.to_thread(bot_supervisor.start, [actions])
    await assert_bot_says(widget, "계정 인증은 어떻게 해요?", "kb:verify-account", "ko")


async def test_feedback_on_a_knowledge_base_answer(widget: WidgetClient) -> None:
    await widget.connect(language="en")
    await assert_bot_says(widget, "where is my transfer?", "kb:transfer-status", "en")
    await assert_bot_says(widget, "no", "utter_kb_not_helped", "en")
    await assert_bot_says(widget, "how do I verify my account?", "kb:verify-account", "en")
    await assert_bot_says(widget, "yes", "utter_kb_helped", "en")


async def test_an_unanswerable_question_is_escalated_honestly_and_kept_for_editors(
    widget: WidgetClient, redis_url: str
) -> None:
    await widget.connect(language="en")
    question = "does the quantum ledger support my llama's pension"
    await assert_bot_says(widget, question, "utter_kb_no_answer", "en")
    client = Redis.from_url(redis_url, decode_responses=True)
    assert await client.zscore(keys.unanswered("en"), question) == 1
    await client.aclose()
