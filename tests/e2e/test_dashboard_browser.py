"""A supervisor reads the dashboard in Chromium after a scripted day of conversations through a
real hub (its Rasa down, so every message goes to a person): the figures are what the script
did. An agent is refused the page."""

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from redis.asyncio import Redis

from handoff.staff.users import Role
from tests.e2e.pages import log_in
from tests.support import AgentClient, InProcessHub, StaffAccounts, WidgetClient, ws_url

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
async def context(browser: Browser, hub: InProcessHub) -> AsyncIterator[BrowserContext]:
    await hub.serve()
    context = await browser.new_context(base_url=f"http://127.0.0.1:{hub.settings.port}")
    yield context
    await context.close()


async def customer(hub: InProcessHub, text: str | None, language: str = "en") -> WidgetClient:
    """A customer who writes (the bot is down: handed over) or presses "talk to a person"."""
    widget = WidgetClient(ws_url(hub.settings))
    await widget.connect(language=language)
    if text is None:
        await widget.send({"type": "handoff"})
        await widget.receive("conversation")
    else:
        await widget.start(text)
    await widget.receive("queue")
    return widget


async def script_a_day(hub: InProcessHub, agent_name: str, password: str) -> None:
    """Four customers; one agent claims three, answers two, closes them; both rate."""
    first = await customer(hub, "where is my money")
    second = await customer(hub, "my card was declined")
    third = await customer(hub, "송금이 아직 안 왔어요", language="ko")
    fourth = await customer(hub, None)
    agent = AgentClient(f"http://127.0.0.1:{hub.settings.port}")
    await agent.log_in(agent_name, password)
    await agent.connect()
    for widget in (first, second, third):
        claim = {"type": "claim", "conversation_id": widget.conversation_id}
        assert (await agent.request(claim))["type"] == "done"
    for widget, score in ((first, 5), (second, 3)):
        reply = {"type": "message", "conversation_id": widget.conversation_id, "text": "On it"}
        assert (await agent.request(reply))["type"] == "done"
        close = {"type": "close", "conversation_id": widget.conversation_id, "tags": ["solved"]}
        assert (await agent.request(close))["type"] == "done"
        await widget.send({"type": "rating", "score": score, "comment": ""})
        while (await widget.receive("entry")).get("event") != "thanked":
            pass
    for socket in (first, second, third, fourth, agent):
        await socket.close()


def tile(page: Page, measure: str) -> object:
    return page.locator(f'.tile[data-measure="{measure}"] .value')


def rows(page: Page, table: str) -> object:
    return page.get_by_test_id(f"table-{table}").locator("tbody tr")


async def test_the_dashboard_shows_what_a_scripted_day_did(
    context: BrowserContext, hub: InProcessHub, fresh_redis: Redis
) -> None:
    staff = StaffAccounts(fresh_redis)
    agent = await staff(Role.AGENT, ("en", "ko"))
    await script_a_day(hub, *agent)

    supervisor = await staff(Role.SUPERVISOR)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A Content-Security-Policy violation (an inline style or script) is logged to the console.
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text else None)
    await log_in(page, "/dashboard/", *supervisor)
    await expect(tile(page, "Conversations")).to_have_text("4")
    await expect(tile(page, "Contained (no person)")).to_have_text("0")
    await expect(tile(page, "Handed to a person")).to_have_text("4")
    await expect(tile(page, "CSAT average (1-5)")).to_have_text("4")
    await expect(tile(page, "SLA attainment %")).to_have_text("100")
    await expect(rows(page, "escalations")).to_have_text(
        ["assistant_unavailable3", "customer_asked1"]
    )
    await expect(rows(page, "sla").first).to_have_text("urgent00\u2013")
    await expect(rows(page, "sla").last).to_have_text("normal20100")
    await expect(rows(page, "csat")).to_have_text(["10", "20", "31", "40", "51"])
    durations = rows(page, "durations")
    await expect(durations.nth(0).locator("td").nth(1)).to_have_text("2")  # first responses
    await expect(durations.nth(1).locator("td").nth(1)).to_have_text("2")  # handle times
    await expect(durations.nth(2).locator("td").nth(1)).to_have_text("3")  # claims' waits
    agent_row = rows(page, "agents").filter(has_text=agent.name).locator("td")
    await expect(agent_row.nth(1)).to_have_text("3")  # claims
    await expect(agent_row.nth(2)).to_have_text("2")  # closes
    escalations = await rows(page, "hours").locator("td:nth-child(2)").all_text_contents()
    assert sum(map(int, escalations)) == 4
    assert await page.locator(".charts canvas").count() >= 3

    # Korean only: the one Korean customer.
    await page.get_by_test_id("dashboard-language").select_option("ko")
    await page.get_by_test_id("dashboard-apply").click()
    await expect(tile(page, "Conversations")).to_have_text("1")
    await expect(rows(page, "escalations")).to_have_text(["assistant_unavailable1"])

    csv = await context.request.get("/api/dashboard/escalations.csv?language=ko")
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    assert (await csv.text()).splitlines() == ["reason,escalations", "assistant_unavailable,1"]
    link = page.get_by_test_id("csv-escalations")
    assert "language=ko" in await link.get_attribute("href")
    assert problems == []


async def test_an_agent_is_refused_the_dashboard(
    context: BrowserContext, fresh_redis: Redis
) -> None:
    page = await context.new_page()
    await log_in(page, "/dashboard/", *await StaffAccounts(fresh_redis)(Role.AGENT))
    await expect(page.get_by_test_id("dashboard-refused")).to_be_visible()
    refused = await context.request.get("/api/dashboard")
    assert refused.status == 403
    await expect(page.locator("#main")).to_be_hidden()
