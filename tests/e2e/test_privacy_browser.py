"""Privacy in the browser, on the session's hub (its Rasa down): the customer sees their card
number as typed until they reload, then masked; an admin exports, then erases, that customer on
the admin page, and the audit trail shows both."""

import secrets
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from redis.asyncio import Redis

from handoff import keys
from handoff.keys import ConversationField as F
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from tests.e2e.pages import log_in, send

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
async def context(browser: Browser, hub_without_bot: Settings) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(base_url=f"http://127.0.0.1:{hub_without_bot.port}")
    yield context
    await context.close()


def stored(page: Page) -> object:
    """The widget's customer messages the hub confirmed (entries, not pending bubbles)."""
    return page.locator('[data-testid="baton-message"][data-sender="customer"][data-entry-id]')


async def customer_of(redis: Redis, marker: str) -> str:
    """The customer of the conversation whose latest message contains the marker."""
    async for key in redis.scan_iter(f"{keys.PREFIX}:conv:*", _type="hash"):
        header = await redis.hgetall(key)
        if marker in header.get(F.LAST_MESSAGE, ""):
            return header[F.CUSTOMER]
    raise LookupError(marker)


async def test_the_customer_sees_their_card_as_typed_and_an_admin_exports_then_erases(
    context: BrowserContext, redis: Redis
) -> None:
    marker = secrets.token_hex(4)
    typed = f"{marker}: my card 4111 1111 1111 1111 was charged twice"
    widget = await context.new_page()
    await widget.goto("/")
    await widget.get_by_test_id("baton-launcher").click()
    await send(widget, typed)
    await expect(stored(widget)).to_have_text([typed])
    await widget.reload()
    await widget.get_by_test_id("baton-launcher").click()
    await expect(stored(widget)).to_have_text([f"{marker}: my card [card] was charged twice"])
    customer = await customer_of(redis, marker)

    name, password = f"admin-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    await UserStore(redis).add(name, password, Role.ADMIN, ("en",))
    admin = await context.new_page()
    problems: list[str] = []
    admin.on("pageerror", lambda error: problems.append(str(error)))
    await log_in(admin, "/admin/customers/", name, password)
    await admin.get_by_test_id("customers-id").fill(customer)
    await admin.get_by_test_id("customers-export").click()
    await expect(admin.get_by_test_id("customers-status")).to_contain_text("1 conversation(s)")
    await expect(admin.get_by_test_id("customers-exported")).to_contain_text("my card [card]")
    await expect(admin.get_by_test_id("customers-download")).to_be_visible()

    admin.once("dialog", lambda dialog: dialog.accept())
    await admin.get_by_test_id("customers-erase").click()
    await expect(admin.get_by_test_id("customers-status")).to_contain_text(
        "1 conversation(s) erased"
    )
    rows = admin.get_by_test_id("customers-audit").locator("tr")
    await expect(rows.first).to_contain_text(f"erase{customer}admin:{name}")
    await expect(rows.nth(1)).to_contain_text(f"export{customer}admin:{name}")
    assert [k async for k in redis.scan_iter(f"{keys.PREFIX}:customer:{customer}:*")] == []
    assert problems == []
