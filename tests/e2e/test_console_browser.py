"""A customer in the widget and an agent in the console, two browser contexts, real stack."""

import re
import secrets

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from redis.asyncio import Redis

from handoff import keys
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from tests.e2e.pages import log_in, messages, send

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DISPLAY_NAME = "Sam Lee"  # what customers see of the agent, never the login

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture
async def agent_account(redis: Redis) -> tuple[str, str]:
    name, password = f"agent-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    await UserStore(redis).add(name, password, Role.AGENT, ("en",), display_name=DISPLAY_NAME)
    return name, password


async def watched_page(context: BrowserContext, problems: list[str]) -> Page:
    """A page whose script errors and dialogs (alert, confirm...) end up in `problems`."""
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"error: {error}"))

    async def dialog(opened) -> None:
        problems.append(f"dialog: {opened.message}")
        await opened.dismiss()

    page.on("dialog", dialog)
    return page


async def test_escalation_claim_chat_close_and_rating(
    browser: Browser, stack_hub: Settings, redis: Redis, agent_account: tuple[str, str]
) -> None:
    base_url = f"http://127.0.0.1:{stack_hub.port}"
    problems: list[str] = []
    agent = await watched_page(await browser.new_context(base_url=base_url), problems)
    customer = await watched_page(await browser.new_context(base_url=base_url), problems)

    # The agent logs in first: the escalation must reach an open console without a reload.
    name, password = agent_account
    await log_in(agent, "/agent/", name, password)
    await expect(agent.get_by_test_id("console-agent")).to_contain_text(name)
    connection = agent.get_by_test_id("console-connection")
    await expect(connection).to_have_attribute("data-state", "online")

    # The customer chats with the bot, then asks for a person and sees their place.
    marker = f"customer {secrets.token_hex(4)}"
    await customer.goto("/")
    await customer.get_by_test_id("baton-launcher").click()
    await send(customer, f"hello, I am {marker}")
    await expect(messages(customer, "bot").first).to_be_visible()
    await customer.get_by_test_id("baton-handoff").click()
    await expect(customer.get_by_test_id("baton-queue-text")).to_have_text(
        re.compile(r"You are number \d+ in the queue, about (a minute|\d+ minutes)\.")
    )

    # It appears in the agent's queue (pushed), with the customer's last message; the agent claims.
    row = agent.get_by_test_id("queue-item").filter(has_text=marker)
    await expect(row).to_be_visible()
    conversation_id = await row.get_attribute("data-conversation-id")
    await row.get_by_test_id("queue-claim").click()
    await expect(agent.get_by_test_id("mine-item").filter(has_text=marker)).to_be_visible()
    transcript = agent.get_by_test_id("transcript")
    await expect(transcript).to_contain_text("reason: customer_asked")
    await expect(transcript).to_contain_text(marker)
    await expect(customer.get_by_test_id("baton-queue")).to_be_hidden()
    joined = messages(customer, "system").last
    await expect(joined).to_contain_text(DISPLAY_NAME)
    await expect(joined).not_to_contain_text(name)

    # The hub refuses an oversize reply: the agent sees why, and keeps the reply, marked unsent.
    limit = stack_hub.max_message_chars
    await agent.get_by_test_id("reply").fill("a" * (limit + 1))
    await agent.get_by_test_id("reply-send").click()
    await expect(agent.get_by_test_id("console-error")).to_contain_text(str(limit))
    await expect(transcript.get_by_text("not sent")).to_be_visible()

    # Agent to customer: shown with the agent's display name, never the login.
    await agent.get_by_test_id("reply").fill("Hello, I'm here to help.")
    await agent.get_by_test_id("reply-send").click()
    await expect(messages(customer, "agent")).to_have_text(["Hello, I'm here to help."])
    author = customer.get_by_test_id("baton-author")
    await expect(author).to_have_text(DISPLAY_NAME)

    # Customer to agent: the console sees the typing, then the text exactly as typed.
    await customer.get_by_test_id("baton-input").fill(HOSTILE)
    await expect(agent.get_by_test_id("customer-typing")).to_be_visible()
    await customer.get_by_test_id("baton-send").click()
    customer_texts = agent.locator('[data-sender="customer"] [data-testid="entry-text"]')
    await expect(customer_texts.last).to_have_text(HOSTILE)
    assert await agent.locator("img[src=x]").count() == 0

    # A suggested article goes into the reply box in one click.
    await send(customer, "How do I verify my account?")
    await expect(customer_texts.last).to_have_text("How do I verify my account?")
    suggestion = agent.get_by_test_id("suggestion").first
    await expect(suggestion).to_be_visible()
    await suggestion.click()
    await expect(agent.get_by_test_id("reply")).to_have_value(re.compile(r"/help/en/[a-z0-9-]+$"))
    await agent.get_by_test_id("reply-send").click()
    await expect(messages(customer, "agent")).to_have_count(2)

    # The agent closes with tags; the customer rates 4 with a comment.
    await agent.get_by_test_id("close-tags").fill("resolved, verification")
    await agent.get_by_test_id("close").click()
    await expect(agent.get_by_test_id("mine-item").filter(has_text=marker)).to_have_count(0)
    rating = customer.get_by_test_id("baton-rating")
    await rating.get_by_test_id("baton-star").nth(3).click()
    await rating.get_by_test_id("baton-comment").fill("Quick and kind")
    await rating.get_by_test_id("baton-rate").click()
    await expect(rating).to_have_count(0)
    await expect(messages(customer, "system").last).to_have_text("Thank you for your feedback.")
    header = await redis.hgetall(keys.conversation(conversation_id))
    assert header["rating"] == "4"
    assert header["rating_comment"] == "Quick and kind"
    assert header["tags"] == "resolved,verification"

    # The next message starts a new conversation of the same customer, with the bot.
    await send(customer, "hello")
    await expect(messages(customer, "customer")).to_have_text(["hello"])
    await expect(messages(customer, "bot")).to_have_count(1)
    assert await redis.zcard(keys.customer_conversations(header["customer"])) == 2

    assert problems == []
    await agent.context.close()
    await customer.context.close()
