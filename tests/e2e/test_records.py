"""A customer asks about their own transfers and verification over the widget, on the whole
stack (trained Rasa, action server, hub with the demo records): a verified customer hears the
record's facts in English and Korean; an unverified or guessing one learns nothing; the form
asks for a missing reference; records that need a person hand over with the record attached."""

import re
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser, expect
from redis.asyncio import Redis

from handoff.conversations.model import State
from handoff.conversations.store import ConversationStore
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.sample import load_sample
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from tests.bot_responses import response_texts
from tests.e2e.pages import log_in
from tests.support import WidgetClient, signed, ws_url

pytestmark = pytest.mark.e2e

# (what hb-1001 asks, what the answer must say, the article it links, if any)
ENGLISH = [
    (
        "where is my transfer HB-2026-000123?",
        ["paid out", "9,125,000 VND", "N*** V** A*** (••••4821)", "bank deposit"],
        None,
    ),
    (
        "what's happening with HB-2026-000124",
        ["on its way", "sent to our partner in the destination country", "arrive by"],
        None,
    ),
    ("HB-2026-000125 still hasn't arrived", ["delayed", "public holiday"], "transfer-delayed"),
    (
        "what happened to my transfer HB-2026-000126",
        ["recipient's bank account is closed", "refunded to you on"],
        "transfer-failed-refund",
    ),
]
KOREAN = [
    (
        "HB-2026-000123 송금 도착했나요?",
        ["지급되었어요", "9,125,000 VND", "N*** V** A*** (••••4821)", "계좌 입금"],
        None,
    ),
    ("HB-2026-000124 송금 어디쯤 왔어요?", ["진행 중", "협력사", "도착할 예정"], None),
    ("HB-2026-000125 송금 왜 아직 안 와요?", ["지연", "공휴일"], "transfer-delayed"),
    ("HB-2026-000126 송금 어떻게 됐어요?", ["계좌가 해지", "환불"], "transfer-failed-refund"),
]
REJECTED = [
    ("en", "why was my verification rejected?", ["had expired", "selfie did not match"]),
    ("ko", "제 본인 인증이 왜 반려됐어요?", ["유효기간", "셀카"]),
]


@pytest.fixture
async def records(shared_redis: Redis) -> None:
    """The sample customers' records in the stack's database, as `make run` loads them."""
    await load_sample(DemoRecords(shared_redis), datetime.now(UTC))


@pytest.fixture
async def widgets(stack_hub: Settings, records: None) -> AsyncIterator[list[WidgetClient]]:
    """Widgets opened by the test, closed after it."""
    opened: list[WidgetClient] = []
    yield opened
    for widget in opened:
        await widget.close()


async def chat(
    settings: Settings, opened: list[WidgetClient], user_id: str | None, language: str = "en"
) -> WidgetClient:
    """A widget on the company's site, its user signed in (or not)."""
    widget = WidgetClient(ws_url(settings))
    await widget.connect(language=language, **(signed(settings, user_id) if user_id else {}))
    opened.append(widget)
    return widget


def bot_text(entries: list[dict]) -> str:
    """Everything the bot said, in one string."""
    return " ".join(entry["text"] for entry in entries if entry["sender"] == "bot")


def links(entries: list[dict]) -> list[str]:
    """The articles the bot linked."""
    return [entry["link"]["url"] for entry in entries if entry.get("link")]


@pytest.mark.parametrize(("language", "questions"), [("en", ENGLISH), ("ko", KOREAN)])
async def test_a_verified_customer_hears_their_transfers_facts(
    stack_hub: Settings, widgets: list[WidgetClient], language: str, questions: list
) -> None:
    widget = await chat(stack_hub, widgets, "hb-1001", language)
    for question, facts, article in questions:
        replies = await widget.replies_to(question, timeout=60)
        said = bot_text(replies)
        for fact in facts:
            assert fact in said, (question, said)
        if article:
            assert any(url.endswith(f"/help/{language}/{article}") for url in links(replies))


@pytest.mark.parametrize(("language", "question", "facts"), REJECTED)
async def test_a_rejected_verification_says_why_and_what_to_send(
    stack_hub: Settings, widgets: list[WidgetClient], language: str, question: str, facts: list
) -> None:
    widget = await chat(stack_hub, widgets, "hb-1003", language)
    replies = await widget.replies_to(question, timeout=60)
    said = bot_text(replies)
    for fact in facts:
        assert fact in said, said
    assert any(url.endswith(f"/help/{language}/verification-rejected") for url in links(replies))


async def test_an_unverified_customer_learns_nothing_and_how_to_sign_in(
    stack_hub: Settings, widgets: list[WidgetClient]
) -> None:
    widget = await chat(stack_hub, widgets, None)
    replies = await widget.replies_to("where is my transfer HB-2026-000123?", timeout=60)
    (sign_in,) = response_texts("utter_records_sign_in", "en")
    assert sign_in in [entry["text"] for entry in replies]
    said = bot_text(replies)
    for secret in ("N***", "9,125,000", "paid out on"):
        assert secret not in said


async def test_a_guessed_reference_is_answered_as_one_that_does_not_exist(
    stack_hub: Settings, widgets: list[WidgetClient]
) -> None:
    widget = await chat(stack_hub, widgets, "hb-1002")
    someone_elses = bot_text(await widget.replies_to("where is HB-2026-000124?", timeout=60))
    unknown = bot_text(await widget.replies_to("where is HB-2026-999999?", timeout=60))
    assert "can't find a transfer HB-2026-000124" in someone_elses
    assert someone_elses.replace("000124", "999999") == unknown
    assert "N***" not in someone_elses


async def test_the_form_asks_which_transfer_and_takes_a_button_or_a_typed_reference(
    stack_hub: Settings, widgets: list[WidgetClient]
) -> None:
    widget = await chat(stack_hub, widgets, "hb-1001")
    asked = await widget.replies_to("where is my transfer?", timeout=60)
    (choice,) = [entry for entry in asked if entry["buttons"]]
    titles = [button["title"] for button in choice["buttons"]]
    assert len(titles) == 5 and titles[0].startswith("HB-2026-000124 · 300,000 KRW")
    button = choice["buttons"][0]
    client_id = secrets.token_hex(8)
    await widget.send({"type": "button", "client_id": client_id} | button)
    answer = await widget.receive("entry")
    while answer.get("client_id") == client_id or answer["sender"] != "bot":
        answer = await widget.receive("entry")
    assert "HB-2026-000124" in answer["text"] and "on its way" in answer["text"]

    await widget.replies_to("has my money arrived?", timeout=60)
    typed = bot_text(await widget.replies_to("it's hb-2026-000127", timeout=60))
    assert "HB-2026-000127" in typed and "cancelled" in typed


async def test_a_transfer_on_hold_goes_to_a_person_with_its_record(
    stack_hub: Settings, widgets: list[WidgetClient], shared_redis: Redis
) -> None:
    widget = await chat(stack_hub, widgets, "hb-1002")
    said = bot_text(await widget.replies_to("where is my transfer HB-2026-000202?", timeout=60))
    assert "compliance team" in said
    store = ConversationStore(shared_redis)
    conversation = await store.get(widget.conversation_id)
    assert conversation.state is State.QUEUED
    assert conversation.reason == "records_compliance_hold"
    notes = [e for e in await store.entries(conversation.id) if e.event == "records_lookup"]
    assert notes[-1].internal
    assert notes[-1].meta["records"]["record"]["status"] == "compliance_hold"


@pytest.mark.browser
async def test_the_console_shows_the_customers_records(
    browser: Browser, stack_hub: Settings, widgets: list[WidgetClient], shared_redis: Redis
) -> None:
    widget = await chat(stack_hub, widgets, "hb-1002")
    await widget.replies_to("where is my transfer HB-2026-000201?", timeout=60)  # overdue
    name, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    await UserStore(shared_redis).add(name, password, Role.AGENT, ("en",))
    context = await browser.new_context(base_url=f"http://127.0.0.1:{stack_hub.port}")
    agent = await context.new_page()
    await log_in(agent, "/agent/", name, password)
    row = agent.locator(f'[data-conversation-id="{widget.conversation_id}"]').first
    await row.get_by_test_id("queue-claim").click()
    panel = agent.get_by_test_id("customer-records")
    await expect(panel).to_be_visible()
    await expect(agent.get_by_test_id("customer-verification")).to_contain_text("approved")
    transfers = agent.get_by_test_id("transfer-item")
    await expect(transfers).to_have_count(4)
    await expect(transfers.first).to_contain_text("HB-2026-000201")
    await expect(transfers.first).to_contain_text(re.compile("delayed"))
    await expect(transfers.first).to_contain_text("J*** D** C*** (••••7730)")
    await context.close()
