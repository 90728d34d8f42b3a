"""A customer chats with the real trained bot over the widget's WebSocket, in English and Korean."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.cli.customer_eval import article_choice
from handoff.cli.processes import Supervisor, bot_processes
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from knowledge_base import keys as knowledge_keys
from tests.bot_responses import article_answer, expected_texts
from tests.support import SwitchableProxy, WidgetClient, ws_url

pytestmark = pytest.mark.e2e

# (what the customer writes, the response the bot must give, "kb:slug" for an article's answer,
# "declines:slug" for an article's on what Hanbit Remit does not do); none is an NLU training
# example or a question variant verbatim.
ENGLISH = [
    ("hey there, good morning", "utter_greet"),
    ("what do I need to do to get my account verified?", "kb:verify-account"),
    ("my transfer is late, it should have arrived yesterday", "kb:transfer-delayed"),
    ("what are your fees for sending to the philippines", "kb:fees"),
    ("can you write me a poem about the rain", "declines:about-this-assistant"),
    ("qwpoei zmxncb", "utter_out_of_scope"),  # keys mashed: no article confident, declining or not
    ("thanks a lot, that helped", "utter_you_are_welcome"),
    ("ok bye, have a nice day", "utter_goodbye"),
]
KOREAN = [
    ("안녕하세요 반갑습니다", "utter_greet"),
    ("계정 인증하려면 뭘 해야 하나요?", "kb:verify-account"),
    ("어제 보낸 돈이 아직 도착을 안 했어요", "kb:transfer-delayed"),
    ("필리핀으로 보낼 때 수수료가 얼마예요?", "kb:fees"),
    ("오늘 날씨 어때요?", "declines:about-this-assistant"),
    ("대출도 해주시나요? 급하게 돈이 필요해서요", "declines:other-financial-services"),
    ("도와주셔서 정말 감사합니다", "utter_you_are_welcome"),
    ("안녕히 계세요", "utter_goodbye"),
]
# (what the customer writes, the language, what the bot says first if anything, the reason
# recorded with the escalation, the queue priority)
HAND_OVERS = [
    ("I want to speak with a real human please", "en", None, "customer_asked", "normal"),
    ("사람이랑 직접 이야기하고 싶어요", "ko", None, "customer_asked", "normal"),
    (
        "somebody logged into my account and sent money I never approved",
        "en",
        "utter_report_fraud",
        "report_fraud",
        "urgent",
    ),
    ("누가 제 계정으로 몰래 송금했어요", "ko", "utter_report_fraud", "report_fraud", "urgent"),
    (
        "this is unacceptable, I want to file a complaint about your service",
        "en",
        "utter_complaint",
        "complaint",
        "high",
    ),
    (
        "서비스가 최악이에요. 정식으로 불만 접수하고 보상 요구합니다",
        "ko",
        "utter_complaint",
        "complaint",
        "high",
    ),
]


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


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
    if response.startswith("declines:"):  # no link, nor "Did this answer your question?"
        assert "link" not in replies[0] and not any(r.get("buttons") for r in replies), replies
    return replies[0]


async def assert_hands_over(
    widget: WidgetClient, redis: Redis, text: str, reason: str, said: str | None = None
) -> dict:
    """The bot says `said` (if given), then the conversation is queued for a person."""
    replies = await widget.replies_to(text)
    *bot, escalated = replies
    assert escalated["event"] == "escalated", replies
    if said:
        language = (await widget_header(widget, redis))["language"]
        assert [r["text"].strip() for r in bot] == [next(iter(expected_texts(said, language)))]
    else:
        assert all(r["sender"] == "system" for r in bot), bot  # e.g. "assistant unavailable"
    header = await widget_header(widget, redis)
    assert (header["state"], header["reason"]) == ("queued", reason)
    return header


async def until_logged_as_a_gap(redis: Redis, question: str, kind: str) -> None:
    """The question is in the editors' gap loop within five seconds (it is noted after the
    hand-over)."""
    async with asyncio.timeout(5):
        while True:
            logged = await redis.xrevrange(knowledge_keys.gap_log("en"), count=50)
            if {"question": question, "kind": kind} in [fields for _, fields in logged]:
                return
            await asyncio.sleep(0.05)


async def widget_header(widget: WidgetClient, redis: Redis) -> dict:
    return await redis.hgetall(keys.conversation(widget.conversation_id))


@pytest.mark.parametrize(("text", "language", "said", "reason", "priority"), HAND_OVERS)
async def test_the_bot_hands_over_when_asked_and_on_fraud_and_complaints(
    widget: WidgetClient, redis: Redis, text: str, language: str, said, reason, priority
) -> None:
    await widget.connect(language=language)
    header = await assert_hands_over(widget, redis, text, reason, said)
    assert header["priority"] == priority
    assert float(header["confidence"]) > 0.5 and header["intent"]
    place = await widget.receive("queue")
    assert place["position"] >= 1
    await widget.say("hello?")  # queued: the bot stays silent, the message waits for the agent
    assert (await widget.receive("entry"))["text"] == "hello?"
    with pytest.raises(TimeoutError):
        await widget.receive("entry", timeout=3)


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


async def release_to_the_bot(widget: WidgetClient, redis: Redis) -> None:
    """What an agent's "release to bot" does."""
    released = Entry(sender=Sender.SYSTEM, text="back to the bot", event="released")
    conversation_id = widget.conversation_id
    await ConversationStore(redis).transition(conversation_id, "release", released)


async def test_rasa_down_hands_over_then_the_bot_carries_on(
    proxied_hub: Settings, rasa_proxy: SwitchableProxy, redis: Redis
) -> None:
    widget = WidgetClient(ws_url(proxied_hub))
    await widget.connect(language="en")
    await assert_bot_says(widget, "hello", "utter_greet", "en")
    await rasa_proxy.stop()
    await assert_hands_over(widget, redis, "how do I verify my account?", "assistant_unavailable")
    await rasa_proxy.start()
    await release_to_the_bot(widget, redis)
    await assert_bot_says(widget, "how do I verify my account?", "kb:verify-account", "en")
    await widget.close()


async def test_action_server_down_hands_over_then_the_bot_carries_on(
    widget: WidgetClient,
    bot_stack: Settings,
    bot_supervisor: Supervisor,
    redis_url: str,
    redis: Redis,
) -> None:
    await widget.connect(language="ko")
    await assert_bot_says(widget, "안녕하세요", "utter_greet", "ko")
    [actions] = [p for p in bot_processes(bot_stack, redis_url) if p.name == "actions"]
    bot_supervisor.stop("actions")
    try:
        await assert_hands_over(widget, redis, "계정 인증은 어떻게 해요?", "assistant_unavailable")
    finally:
        await asyncio.to_thread(bot_supervisor.start, [actions])
    await release_to_the_bot(widget, redis)
    await assert_bot_says(widget, "계정 인증은 어떻게 해요?", "kb:verify-account", "ko")


async def test_an_answer_that_helped(widget: WidgetClient) -> None:
    await widget.connect(language="en")
    await assert_bot_says(widget, "how do I verify my account?", "kb:verify-account", "en")
    await assert_bot_says(widget, "yes", "utter_kb_helped", "en")


async def test_an_answer_that_did_not_help_goes_to_a_person(
    widget: WidgetClient, redis: Redis
) -> None:
    await widget.connect(language="en")
    question = "can you tell me the status of the transfer I sent?"
    await assert_bot_says(widget, question, "kb:transfer-status", "en")
    header = await assert_hands_over(widget, redis, "no", "not_helped")
    assert header["intent"] == "deny"
    await until_logged_as_a_gap(redis, question, "not_helpful")


async def test_a_declined_question_is_shown_to_the_editors(
    widget: WidgetClient, redis: Redis
) -> None:
    await widget.connect(language="en")
    question = "can you write me a poem about the rain"
    await assert_bot_says(widget, question, "declines:about-this-assistant", "en")
    await until_logged_as_a_gap(redis, question, "declined")


async def test_late_in_a_long_conversation_the_bot_still_reads_the_turn_before(
    widget: WidgetClient, redis: Redis
) -> None:
    """More turns than Rasa keeps of a conversation (bot/tracker_store.py: about three)."""
    await widget.connect(language="ko")
    for _ in range(6):
        await assert_bot_says(widget, "계정 인증은 어떻게 해요?", "kb:verify-account", "ko")
        await assert_bot_says(widget, "네", "utter_kb_helped", "ko")
    await assert_bot_says(widget, "계정 인증은 어떻게 해요?", "kb:verify-account", "ko")
    await assert_hands_over(widget, redis, "아니요", "not_helped")


# (a question no article answers confidently, its language, the article it is about)
NEAR_MISSES = [
    ("can the app ping me when gbp to inr hits 110", "en", "exchange-rate"),
    ("받는 사람 정보 바꿀 수 있나요", "ko", "wrong-recipient-details"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "language", "slug"), NEAR_MISSES)
async def test_close_articles_are_offered_and_the_one_pressed_answers(
    widget: WidgetClient, redis: Redis, question: str, language: str, slug: str
) -> None:
    await widget.connect(language=language)
    offer = await assert_bot_says(widget, question, "utter_kb_suggest", language)
    *articles, person = offer["buttons"]
    assert person["payload"] == "/request_human" and 1 <= len(articles) <= 3
    [button] = [b for b in articles if article_choice(b["payload"]) == slug]
    assert (await widget_header(widget, redis))["misses"] == "1"
    answer, *_, feedback = await widget.presses(button)
    assert answer["text"] == article_answer(slug, language)
    assert answer["link"]["url"].endswith(f"/help/{language}/{slug}")
    assert [b["payload"] for b in feedback["buttons"]] == ["/affirm", "/deny"]
    assert (await widget_header(widget, redis)).get("misses", "0") == "0"


# Questions about other companies that an article reads as questions about ours, whether the NLU
# is sure they are out of scope (its examples) or not: (question, language, article)
OTHER_COMPANIES = [
    ("how do I reset my paypal password", "en", "reset-password"),
    ("what fees does Western Union charge to send to Nepal", "en", "fees"),
    ("머니그램 수수료는 얼마예요?", "ko", "fees"),
]


@pytest.mark.parametrize(("question", "language", "slug"), OTHER_COMPANIES)
async def test_a_question_about_another_company_is_offered_the_article_not_answered(
    widget: WidgetClient, question: str, language: str, slug: str
) -> None:
    await widget.connect(language=language)
    offer = await assert_bot_says(widget, question, "utter_kb_suggest_out_of_scope", language)
    *articles, person = offer["buttons"]
    assert person["payload"] == "/request_human"
    assert article_choice(articles[0]["payload"]) == slug


async def test_two_unanswerable_questions_in_a_row_go_to_a_person_and_stay_for_editors(
    widget: WidgetClient, redis: Redis
) -> None:
    await widget.connect(language="en")
    question = "does the quantum ledger support my llama's bagpipes"
    # A miss: asked to rephrase, or offered the articles that come closest (the out-of-scope
    # articles do, a little), with a person's button either way.
    [reply, *_] = await widget.replies_to(question)
    miss = expected_texts("utter_kb_no_answer", "en") | expected_texts("utter_kb_suggest", "en")
    assert reply["text"].strip() in miss, reply
    assert reply["buttons"][-1]["payload"] == "/request_human"
    assert await redis.zscore(knowledge_keys.unanswered("en"), question) == 1
    await until_logged_as_a_gap(redis, question, "unanswered")
    await assert_hands_over(
        widget, redis, "can my parrot co-sign the remittance with a fountain pen", "repeated_misses"
    )


async def test_the_bot_never_answers_after_the_escalation_even_in_a_race(
    stack_hub: Settings, redis: Redis
) -> None:
    """A question and "Talk to a person" sent together: any bot answer lands before, or never."""
    for attempt in range(8):
        widget = WidgetClient(ws_url(stack_hub))
        await widget.connect(language="en")
        await widget.say("how do I verify my account?")
        if attempt % 2:
            await asyncio.sleep(0.01 * attempt)  # let the bot get going first, by varying amounts
        await widget.send({"type": "handoff"})
        await widget.receive("queue")
        await asyncio.sleep(1.5)  # longer than a bot turn: a late answer would be stored by now
        conversation_id = widget.conversation_id
        log = [f for _, f in await redis.xrange(keys.transcript(conversation_id))]
        escalated_at = next(i for i, f in enumerate(log) if f.get("event") == "escalated")
        assert all(f["sender"] != "bot" for f in log[escalated_at:]), log
        await widget.close()
