"""The bot's figures on the dashboard, through the whole stack (the real trained bot): an
article's answer and the customer's "No" to "Did this answer your question?" (the bot then
hands over) move the answers, the article's counts and "did this help" by one each. The
session's hub is shared, so the test reads what moved."""

import asyncio

import httpx
import pytest

from handoff.settings import Settings
from handoff.staff.users import Role
from tests.support import StaffAccounts, WidgetClient, staff_client, ws_url

pytestmark = pytest.mark.e2e


async def bot_figures(client: httpx.AsyncClient) -> dict[str, int]:
    """Today's answers, the fees article's counts and the customers' noes."""
    answer = await client.get("/api/dashboard")
    answer.raise_for_status()
    tables = answer.json()["tables"]
    fees = next((row for row in tables["articles"]["rows"] if row[0] == "fees"), ["fees", 0, 0])
    return {
        "answers": dict(tables["bot"]["rows"])["answer"],
        "fees answered": fees[1],
        "fees not helpful": fees[2],
        "did not help": dict(tables["summary"]["rows"])["Did this help: no"],
    }


async def test_an_answer_and_a_no_move_the_bot_figures(
    stack_hub: Settings, hub_staff: StaffAccounts
) -> None:
    supervisor = await staff_client(
        f"http://127.0.0.1:{stack_hub.port}", *await hub_staff(Role.SUPERVISOR)
    )
    before = await bot_figures(supervisor)
    widget = WidgetClient(ws_url(stack_hub))
    await widget.connect(language="en")
    replies = await widget.replies_to("what are your fees for sending to the philippines")
    asked = next(reply for reply in replies if reply["buttons"])
    no = next(button for button in asked["buttons"] if button["payload"] == "/deny")
    await widget.send({"type": "button", "client_id": "no-1", **no})
    # "No" after an article: the bot hands over to a person (bot/rules.yml).
    while (await widget.receive("entry")).get("event") != "escalated":
        pass
    expected = {"answers": 1, "fees answered": 1, "fees not helpful": 1, "did not help": 1}
    for _ in range(100):  # recorded just after the bot's reply is stored
        after = await bot_figures(supervisor)
        moved = {name: after[name] - before[name] for name in after}
        if moved == expected:
            break
        await asyncio.sleep(0.1)
    assert moved == expected
    await widget.close()
    await supervisor.aclose()
