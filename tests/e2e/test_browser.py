"""A visitor uses the widget on the demo page in headless Debian Chromium, driven by Playwright."""

import asyncio
import re
import secrets
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect
from redis.asyncio import Redis

from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from knowledge_base.gap_log import DECLINED, UNANSWERED, GapLog
from tests.bot_responses import response_texts
from tests.e2e.pages import log_in, messages, send

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
async def page(browser: Browser, stack_hub: Settings) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=f"http://127.0.0.1:{stack_hub.port}")
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    await context.close()


async def test_chat_then_reload_keeps_the_history(page: Page) -> None:
    await page.goto("/")
    await expect(page).to_have_title(re.compile("Hanbit Remit"))
    await page.get_by_test_id("baton-launcher").click()
    await expect(page.get_by_test_id("baton-panel")).to_be_visible()

    await send(page, "hello")
    await expect(messages(page, "bot")).to_have_count(1)
    greeting = (await messages(page, "bot").first.inner_text()).strip()
    assert any(line in greeting for line in response_texts("utter_greet", "en"))
    await expect(page.get_by_test_id("baton-button").first).to_be_visible()

    await send(page, "안녕하세요")
    await expect(messages(page, "bot")).to_have_count(2)
    korean = await messages(page, "bot").nth(1).inner_text()
    assert korean.strip() in response_texts("utter_greet", "ko")

    await page.reload()
    await page.get_by_test_id("baton-launcher").click()
    await expect(messages(page, "customer")).to_have_text(["hello", "안녕하세요"])
    await expect(messages(page, "bot")).to_have_count(2)
    assert page.errors == []


async def test_hostile_html_is_shown_as_text_and_never_runs(page: Page) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
    await page.goto("/")
    await page.get_by_test_id("baton-launcher").click()
    await send(page, hostile)
    await expect(messages(page, "customer")).to_have_text([hostile])
    await expect(messages(page, "bot").or_(messages(page, "system")).first).to_be_visible()
    assert await page.evaluate("window.pwned") is None
    assert await page.locator("img[src=x]").count() == 0


async def test_an_oversize_message_shows_the_servers_error(page: Page, stack_hub: Settings) -> None:
    limit = stack_hub.max_message_chars
    await page.goto("/")
    await page.get_by_test_id("baton-launcher").click()
    await page.get_by_test_id("baton-input").fill("a" * (limit + 1))
    # The counter knows the limit from the hub's welcome.
    await expect(page.get_by_test_id("baton-counter")).to_have_text(f"{limit + 1} / {limit}")
    await page.get_by_test_id("baton-send").click()
    await expect(page.get_by_test_id("baton-error")).to_contain_text(str(limit))
    await send(page, "hello")
    await expect(messages(page, "bot")).to_have_count(1)


async def editor_page(browser: Browser, stack_hub: Settings, redis_url: str) -> Page:
    """A new editor, logged in to the knowledge-base editor; script errors go to page.errors."""
    name, password = f"editor-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    client = Redis.from_url(redis_url, decode_responses=True)
    await UserStore(client).add(name, password, Role.EDITOR)
    await client.aclose()
    context = await browser.new_context(base_url=f"http://127.0.0.1:{stack_hub.port}")
    editor = await context.new_page()
    editor.errors = []
    editor.on("pageerror", lambda error: editor.errors.append(str(error)))
    await log_in(editor, "/kb/", name, password)
    await expect(editor.get_by_test_id("kb-user")).to_contain_text(name)
    return editor


async def test_an_editor_changes_an_article_and_the_widget_answers_with_it(
    browser: Browser, stack_hub: Settings, redis_url: str
) -> None:
    editor = await editor_page(browser, stack_hub, redis_url)
    context = editor.context
    await editor.locator(
        '[data-testid="kb-article-row"][data-slug="referral-promo"][data-language="en"]'
    ).click()
    body = editor.get_by_test_id("kb-body")
    await expect(body).to_have_value(re.compile("referral|friend", re.I))
    new_answer = "Invite a friend with your code and you both get a free transfer this month."
    old_body = await body.input_value()
    await body.fill(new_answer + "\n\n" + old_body.split("\n\n", 1)[1])
    await expect(editor.get_by_test_id("kb-preview")).to_contain_text("Invite a friend")
    async with editor.expect_response(lambda r: r.request.method == "PUT") as saved:
        await editor.get_by_test_id("kb-save").click()
    assert (await saved.value).status == 200
    # The hub answers with the edit once it has re-indexed the language (median 0.4 s from
    # publish, benchmarks/publish_latency.py): the editor's "try a question" shows it first.
    for _ in range(20):
        await editor.get_by_test_id("kb-try-input").fill("how does your refer a friend bonus work?")
        await editor.get_by_test_id("kb-try-submit").click()
        tried = editor.get_by_test_id("kb-try-result").first
        try:
            await expect(tried).to_contain_text(new_answer, timeout=500)
            break
        except AssertionError:
            continue

    customer = await context.new_page()
    await customer.goto("/")
    await customer.get_by_test_id("baton-launcher").click()
    await send(customer, "how does your refer a friend bonus work?")
    await expect(messages(customer, "bot").first).to_have_text(new_answer)
    link = customer.get_by_test_id("baton-link").first
    await expect(link).to_have_attribute("href", re.compile("/help/en/referral-promo$"))
    assert editor.errors == []
    await context.close()


async def test_an_editor_compares_revisions_reads_the_other_language_and_tries_a_question(
    browser: Browser, stack_hub: Settings, redis_url: str
) -> None:
    editor = await editor_page(browser, stack_hub, redis_url)
    await editor.locator(
        '[data-testid="kb-article-row"][data-slug="cash-pickup"][data-language="en"]'
    ).click()
    tag = f"e2e-{secrets.token_hex(3)}"
    tags = editor.get_by_test_id("kb-tags")
    await expect(tags).not_to_have_value("")
    await tags.fill(f"{await tags.input_value()}, {tag}")
    await editor.keyboard.press("Control+s")
    await expect(editor.get_by_test_id("kb-message")).to_contain_text("Saved revision")

    # The two newest revisions, compared.
    revisions = editor.get_by_test_id("kb-revision")
    await revisions.nth(1).click()
    await revisions.nth(0).click()
    await expect(editor.get_by_test_id("kb-diff")).to_contain_text(re.compile(rf"\+tags: .*{tag}"))

    await editor.get_by_test_id("kb-other-language").click()
    await expect(editor.get_by_test_id("kb-other-panel")).to_contain_text("Korean version")

    # A question no article answers: the bot offers the closest articles (weakly), asks to
    # rephrase, hands over, replies that it is out of scope or says so in an out-of-scope
    # article's words, and says why.
    decision = editor.get_by_test_id("kb-try-decision")
    await editor.get_by_test_id("kb-try-input").fill("what is the tallest mountain on mars?")
    await editor.get_by_test_id("kb-try-submit").click()
    not_answered = re.compile("^(suggest|rephrase|escalate|reply|decline)$")
    await expect(decision).to_have_attribute("data-decision", not_answered)
    await expect(decision).to_contain_text(
        re.compile(
            "Offer the customer articles to choose from|Ask the customer to rephrase"
            "|Hand over to a person|Reply to what it is|Say what Hanbit Remit does not do"
        )
    )
    await expect(decision.locator(".why")).not_to_be_empty()

    # Something Hanbit Remit does not do: the article saying so is the reply.
    await editor.get_by_test_id("kb-try-input").fill("do you lend money? I need a personal loan")
    await editor.get_by_test_id("kb-try-submit").click()
    await expect(decision).to_have_attribute("data-decision", "decline")
    await expect(decision).to_contain_text("Say what Hanbit Remit does not do")
    await expect(decision.locator(".why")).to_contain_text("tagged out-of-scope")
    top = editor.get_by_test_id("kb-try-result").first
    await expect(top).to_have_attribute("data-slug", "other-financial-services")

    await editor.get_by_test_id("kb-try-input").fill("how does your refer a friend bonus work?")
    await editor.get_by_test_id("kb-try-submit").click()
    await expect(decision).to_have_attribute("data-decision", "answer")
    await expect(decision).to_contain_text("Answer with the top article")
    top = editor.get_by_test_id("kb-try-result").first
    await expect(top).to_have_attribute("data-slug", "referral-promo")
    await top.click()
    await expect(editor).to_have_url(re.compile("#en/referral-promo$"))

    await editor.get_by_test_id("kb-logout").click()
    await editor.wait_for_url("**/login?next=/kb/")
    assert editor.errors == []
    await editor.context.close()


async def test_an_editor_turns_a_knowledge_gap_into_an_article_the_bot_answers_with(
    browser: Browser, stack_hub: Settings, redis_url: str
) -> None:
    questions = [  # the session's Redis is new: no article or gap has these yet
        "can I pay with dogecoin?",
        "do you accept dogecoin payments",
        "is dogecoin accepted for transfers",
    ]
    client = Redis.from_url(redis_url, decode_responses=True)
    for question in questions:
        await GapLog(client).record(question, "en", UNANSWERED)
    await GapLog(client).record(questions[0], "en", DECLINED)
    await client.aclose()
    editor = await editor_page(browser, stack_hub, redis_url)
    await editor.get_by_test_id("kb-gaps").locator("summary").click()
    group = editor.get_by_test_id("kb-gap").filter(has_text=questions[0])
    for question in questions:
        await expect(group).to_contain_text(question)  # one group, text shown as typed
    await expect(group).to_contain_text("asked 4 times")
    await expect(group).to_contain_text("1 declined as not something we do")

    await group.get_by_role("button", name="Start a draft").click()
    await expect(group.get_by_test_id("kb-gap-result")).to_contain_text("started with 3 questions")
    await expect(editor.get_by_test_id("kb-status")).to_have_text("Draft")
    await editor.get_by_test_id("kb-body").fill("We do not accept dogecoin, only bank transfers.")
    await editor.get_by_test_id("kb-publish").click()
    await expect(editor.get_by_test_id("kb-status")).to_have_text("Published")

    # The published article is searchable a moment after: asked again until it is.
    result = group.get_by_test_id("kb-gap-result")
    async with asyncio.timeout(10):
        while await result.text_content() != "The bot would now answer 3 of 3.":
            await group.get_by_role("button", name="Would the bot answer now?").click()
            await asyncio.sleep(0.2)
    assert editor.errors == []
    await editor.context.close()


# Draws a text in a font stack and tells whether it differs from two unassigned code points,
# which every font shows as the same empty box: Hangul drawn as boxes looks like them.
SHOWS_AS_GLYPHS = """(element, text) => {
  const family = getComputedStyle(element).fontFamily;
  const canvas = document.createElement("canvas");
  canvas.width = 160;
  canvas.height = 48;
  const context = canvas.getContext("2d");
  context.font = `32px ${family}`;
  const pixels = (shown) => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.fillText(shown, 0, 36);
    return context.getImageData(0, 0, canvas.width, canvas.height).data.join();
  };
  return pixels(text) !== pixels("\\u0378\\u0379");
}"""


@pytest.mark.parametrize(
    ("path", "element"), [("/", "[data-testid=baton-launcher]"), ("/login", "body")]
)
async def test_korean_shows_as_hangul_not_boxes(page: Page, path: str, element: str) -> None:
    """The widget (in its shadow root) and the staff pages name a font stack with Hangul."""
    await page.goto(path)
    assert await page.locator(element).evaluate(SHOWS_AS_GLYPHS, "한글")
